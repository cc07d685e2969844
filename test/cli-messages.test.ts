/**
 * Issue 12, items 7 and 10: output stays short and right whatever the input. --max-errors caps
 * every command's diagnostics (4 KB of random bytes as a rule file), long values are not
 * echoed whole (a 100,000-digit value), arguments given in the wrong order get a hint, counts
 * are singular when they are 1, and a proof step's depth is shown as a number.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileSummary } from "../src/cli/compile.js";
import { runBmc, scratchFolders, SMALL_RULES, SMALL_TRANSCRIPT } from "./fixtures.js";

const scratch = scratchFolders("bmc-messages-");

/** 4 KB of bytes from a fixed seed (xorshift), so that failures reproduce. */
function randomBytes(n: number): Buffer {
  let x = 0x2545f491;
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

describe("floods", () => {
  it("--max-errors N caps the diagnostics of a rule file of random bytes", async () => {
    const dir = scratch({});
    const noise = join(dir, "noise.bm");
    writeFileSync(noise, randomBytes(4096));
    const all = await runBmc("check", noise);
    expect(all.stderr.match(/^error\[/gm)!.length).toBe(100);
    const r = await runBmc("check", noise, "--max-errors", "5");
    expect(r.code).toBe(1);
    expect(r.stderr.match(/^error\[/gm)!.length).toBe(5);
    expect(r.stderr).toMatch(/\.\.\. and \d+ more diagnostics \(raise --max-errors to see them\)/);
    expect(r.stderr.length).toBeLessThan(4000);
    // No raw control character reaches the terminal.
    expect(r.stderr).not.toMatch(/[\x00-\x08\x0b-\x1f]/);
    const json = JSON.parse((await runBmc("check", noise, "--max-errors", "5", "--json")).stdout);
    expect(json.diagnostics.length).toBe(5);
    expect(json.omitted).toBeGreaterThan(0);
  });

  it("does not echo a 100,000-digit value", async () => {
    const value = "7".repeat(100_000);
    const dir = scratch({ "rules.bm": SMALL_RULES, "big.bmt": `public:\n  demand(${value})\n` });
    for (const flags of [[], ["--json"]]) {
      const r = await runBmc("validate", join(dir, "rules.bm"), join(dir, "big.bmt"), ...flags);
      expect(r.code).toBe(1);
      expect(r.stdout + r.stderr).toMatch(/BM0205/);
      expect((r.stdout + r.stderr).length).toBeLessThan(2000);
      expect(r.stdout + r.stderr).not.toMatch(/7{200}/);
    }
  });

  it("says the arguments look swapped when a rule file and a transcript trade places", async () => {
    const dir = scratch({ "rules.bm": SMALL_RULES, "t.bmt": SMALL_TRANSCRIPT });
    const r = await runBmc("validate", join(dir, "t.bmt"), join(dir, "rules.bm"));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /error\[BM0922\]: .*t\.bmt is a transcript, where bmc validate expects RULES\.bm/,
    );
    expect(r.stderr).toContain("the arguments look swapped");
    expect(r.stderr.split("\n").length).toBeLessThan(5);
    const prove = await runBmc("prove", dir, join(dir, "rules.bm"), "-o", join(dir, "p.json"));
    expect(prove.code).toBe(2);
    expect(prove.stderr).toMatch(
      /rules\.bm is a rule file, where bmc prove expects TRANSCRIPT\.bmt/,
    );
  });
});

describe("smaller things", () => {
  it("says 1 rule, 1 relation, 1 block, 1 slot", async () => {
    const dir = scratch({
      "one.bm": "relation p(x).\nrule a(x): p(x) -: .\n",
      "one.bmt": "private:\n  a(1)\n",
    });
    const check = await runBmc("check", join(dir, "one.bm"));
    expect(check.stdout).toContain("1 rule, 1 relation, 1 file, no warnings");
    const validate = await runBmc("validate", join(dir, "one.bm"), join(dir, "one.bmt"));
    expect(validate.stdout).toMatch(/ 1 block \(0 public\)/);
    expect(validate.stdout).toMatch(/0 hypotheses, 1 conclusion \(1 distinct claim\)/);
    const summary = compileSummary("b", {
      ok: true,
      diagnostics: [],
      messages: [],
      inputs: [],
      stats: { slots: 1, constraints: { nonLinear: 1, linear: 0 }, wires: 2 },
    });
    expect(summary).toMatch(/^compiled: b \(1 slot, /);
  });

  it("shows a proof step's depth as a number, not as the term that has its name (BM0403)", async () => {
    const proof = JSON.parse(
      (await import("node:fs")).readFileSync("examples/hilbert/a-implies-a.json", "utf8"),
    );
    proof.proofs[0].premises.reverse();
    const dir = scratch({ "swapped.json": JSON.stringify(proof) });
    const r = await runBmc("build", "examples/hilbert/hilbert.bm", join(dir, "swapped.json"));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error[BM0403]");
    expect(r.stderr).toMatch(/concludes proved\(impl\(.*\), 1\), which does not meet/);
    expect(r.stderr).not.toMatch(/, mvar\(1\)\), which/);
  });
});
