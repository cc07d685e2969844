import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runBmc, scratchFolders } from "./fixtures.js";

const fixtures = "test/diagnostics/transcripts";

const bmc = runBmc;
const scratch = scratchFolders("bmc-cli-");

describe("bmc check", () => {
  it("accepts a clean rule file with exit 0 and no diagnostics", async () => {
    const r = await bmc("check", `${fixtures}/rules.bm`);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/5 rules, 4 relations, 1 file, no warnings/);
  });

  it("prints code, location and a caret frame for each error, and exits 1", async () => {
    const r = await bmc("check", "test/diagnostics/rules/names.bm");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error[BM0101]: unknown relation `provd`");
    expect(r.stderr).toContain("--> test/diagnostics/rules/names.bm:7:15");
    expect(r.stderr).toMatch(/\n7 \| rule typo\(T\): provd\(T, 0\) -: \.\n {2}\| {15}\^{5}\n/);
    expect(r.stderr).toContain("help: did you mean `proved`?");
    // Several independent errors in one run.
    expect(r.stderr.match(/^error\[/gm)?.length).toBe(6);
  });

  it("exits 0 on warnings, 1 with --deny-warnings", async () => {
    const dir = scratch({ "w.bm": "relation p(x).\nrule r(x, y): p(x) -: .\n" });
    expect((await bmc("check", join(dir, "w.bm"))).code).toBe(0);
    const denied = await bmc("check", "--deny-warnings", join(dir, "w.bm"));
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain("warning[BM0110]");
  });

  it("reports diagnostics as JSON with 1-based positions", async () => {
    const r = await bmc("check", "--json", "test/diagnostics/rules/unique-without-keyword.bm");
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.ok).toBe(false);
    expect(out.diagnostics).toEqual([
      expect.objectContaining({
        code: "BM0103",
        severity: "error",
        file: "test/diagnostics/rules/unique-without-keyword.bm",
        line: 2,
        column: 12,
        endLine: 2,
        endColumn: 15,
      }),
    ]);
  });

  it("reports an unreadable file as BM0901", async () => {
    const r = await bmc("check", "no/such/file.bm");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error[BM0901]: cannot read no/such/file.bm");
  });
});

describe("bmc validate", () => {
  it("says a valid transcript is valid, with statistics", async () => {
    const dir = scratch({
      "ok.bmt":
        "public:\n  demand(2)\nprivate:\n  def_atom(2)\n  def_atom(1)\n  def_impl(3, 1, 2; 1, 0, 0)\n",
    });
    const path = join(dir, "ok.bmt");
    // demand(2) needs proved(2, _), which nothing concludes here: invalid first.
    const bad = await bmc("validate", `${fixtures}/rules.bm`, path);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("line 2: demand demands proved(2, _); no block concludes it");
    writeFileSync(
      path,
      "public:\n  assert(1, 0)\n  assert(3, 0)\n  demand(2)\nprivate:\n  def_atom(1)\n  def_atom(2)\n" +
        "  def_impl(3, 1, 2; 1, 0, 0)\n  modus_ponens(3; 1, 2, 1, 0, 0)\n",
    );
    const good = await bmc("validate", `${fixtures}/rules.bm`, path);
    expect(good.stderr).toBe("");
    expect(good.code).toBe(0);
    expect(good.stdout).toContain("valid: ");
    expect(good.stdout).toContain("7 blocks (3 public)");
    const json = JSON.parse((await bmc("validate", "--json", `${fixtures}/rules.bm`, path)).stdout);
    expect(json.valid).toBe(true);
    expect(json.stats.blocksPerRule).toEqual({
      modus_ponens: 1,
      def_atom: 2,
      def_impl: 1,
      assert: 2,
      demand: 1,
    });
  });

  it("exits 1 on transcript syntax errors and on invalid rules", async () => {
    expect((await bmc("validate", `${fixtures}/rules.bm`, `${fixtures}/syntax.bmt`)).code).toBe(1);
    const r = await bmc("validate", "test/diagnostics/rules/names.bm", `${fixtures}/syntax.bmt`);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("BM0101");
  });

  it("caps the errors shown with --max-errors and says how many were left out", async () => {
    const r = await bmc(
      "validate",
      "--max-errors",
      "2",
      `${fixtures}/rules.bm`,
      `${fixtures}/invalid.bmt`,
    );
    expect(r.code).toBe(1);
    expect(r.stderr.match(/^error\[/gm)?.length).toBe(2);
    expect(r.stderr).toContain("... and 6 more errors");
  });
});

describe("bmc build", () => {
  it("writes the transcript whole, and reports a folder it cannot write to", async () => {
    const dir = scratch({});
    const out = join(dir, "a.bmt");
    const args = ["examples/hilbert/hilbert.bm", "examples/hilbert/a-implies-a.json"];
    const ok = await bmc("build", ...args, "-o", out);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("built: ");
    expect(readFileSync(out, "utf8")).toBe(
      readFileSync("examples/hilbert/a-implies-a.bmt", "utf8"),
    );
    const missing = join(dir, "no", "such", "folder", "a.bmt");
    const bad = await bmc("build", ...args, "-o", missing);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`error[BM0902]: cannot write ${missing} (ENOENT)`);
    expect(readdirSync(dir)).toEqual(["a.bmt"]);
  });

  it("prints the transcript on stdout without -o", async () => {
    const r = await bmc(
      "build",
      "examples/hilbert/hilbert.bm",
      "examples/hilbert/a-implies-a.json",
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(readFileSync("examples/hilbert/a-implies-a.bmt", "utf8"));
  });
});

describe("usage", () => {
  it.each([
    [["frobnicate"], /unknown command `frobnicate`/],
    [["check"], /BM0922\]: bmc check needs RULES.bm/],
    [["validate", "a.bm"], /BM0922\]: bmc validate needs TRANSCRIPT.bmt/],
    [["check", "--bogus", "x.bm"], /BM0920\]: unknown flag --bogus/],
    [["validate", "--max-errors", "0", "a", "b"], /--max-errors takes a whole number/],
  ])("bmc %j exits 2", async (argv, message) => {
    const r = await bmc(...argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it("prints help with exit 0, and with exit 2 when no command is given", async () => {
    const help = await bmc("--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("bmc validate [RULES.bm] TRANSCRIPT.bmt");
    expect((await bmc("help", "validate")).stdout).toContain("Exit 0 when valid, 1 when not");
    expect((await bmc()).code).toBe(2);
  });
});

describe("the installed command", () => {
  it("runs from bin/bmc.js with the documented exit codes", () => {
    const run = (...args: string[]) =>
      spawnSync(process.execPath, ["bin/bmc.js", ...args], { encoding: "utf8" });
    expect(run("--version").stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const ok = run("check", `${fixtures}/rules.bm`);
    expect(ok.status).toBe(0);
    const invalid = run("validate", `${fixtures}/rules.bm`, `${fixtures}/invalid.bmt`);
    expect(invalid.status).toBe(1);
    expect(invalid.stderr).toContain("error[BM0303]");
    expect(run("nonsense").status).toBe(2);
  });
});
