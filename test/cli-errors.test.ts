/**
 * Ordinary mistakes on the command line, for every command that takes paths: each gives one
 * coded message and exit 1 or 2, as text and with --json (then the error is JSON on stdout),
 * never a stack trace or exit 3. Paths are checked up front (src/cli/inputs.ts); files read
 * later are checked where they are read (src/prove/build-folder.ts and the readers).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runBmc, scratchFolders, SMALL_RULES, SMALL_TRANSCRIPT } from "./fixtures.js";

const scratch = scratchFolders("bmc-cli-errors-");
const dir = scratch({
  "rules.bm": SMALL_RULES,
  "t.bmt": SMALL_TRANSCRIPT,
  "tree.json": '{ "proofs": [] }\n',
  "proof.json": "{}\n",
  "not-json.json": "{ nope\n",
});
for (const folder of ["empty", "fake", "fake-bad", "sub"]) mkdirSync(join(dir, folder));
// Folders that look like build folders to the up-front checks (they have a manifest.json),
// with a manifest that is not one.
writeFileSync(join(dir, "fake", "manifest.json"), "{}\n");
writeFileSync(join(dir, "fake-bad", "manifest.json"), '{ "version": 2, "program": ');
const at = (name: string) => join(dir, name);
const rules = at("rules.bm");
const transcript = at("t.bmt");

/** [what, argv, exit code, diagnostic code] */
const rows: [string, string[], 1 | 2, string][] = [
  ["check: a missing rule file", ["check", at("missing.bm")], 1, "BM0901"],
  ["check: a folder as the rule file", ["check", at("sub")], 2, "BM0903"],
  ["validate: a folder as the transcript", ["validate", rules, at("sub")], 2, "BM0903"],
  ["validate: a missing transcript", ["validate", rules, at("missing.bmt")], 1, "BM0901"],
  ["validate: a folder as the rules", ["validate", at("sub"), transcript], 2, "BM0903"],
  ["build: a folder as the proof tree", ["build", rules, at("sub")], 2, "BM0903"],
  // Outputs over what bmc did not make are the output layer's refusal (test/cli-outputs.test.ts).
  ["build: -o a folder", ["build", rules, at("tree.json"), "-o", at("sub")], 1, "BM0910"],
  [
    "build: -o in a missing folder",
    ["build", rules, at("tree.json"), "-o", at("no/such/out.bmt")],
    1,
    "BM0902",
  ],
  ["compile: a folder as the rules", ["compile", at("sub"), "-o", at("out")], 2, "BM0903"],
  ["compile: -o an existing file", ["compile", rules, "-o", transcript], 1, "BM0910"],
  ["compile: --fit a folder", ["compile", rules, "-o", at("out"), "--fit", at("sub")], 2, "BM0903"],
  [
    "compile: --fit a missing transcript",
    ["compile", rules, "-o", at("out"), "--fit", at("missing.bmt")],
    1,
    "BM0901",
  ],
  ["setup: a folder never compiled", ["setup", at("empty"), "--dev"], 1, "BM0604"],
  ["setup: a missing folder", ["setup", at("missing"), "--dev"], 1, "BM0604"],
  ["setup: a rule file as the build folder", ["setup", rules, "--dev"], 2, "BM0903"],
  ["setup: a missing --ptau", ["setup", at("fake"), "--ptau", at("missing.ptau")], 1, "BM0901"],
  ["setup: a folder as --ptau", ["setup", at("fake"), "--ptau", at("sub")], 2, "BM0903"],
  ["setup: a manifest that is not one", ["setup", at("fake"), "--dev"], 1, "BM0605"],
  ["setup: a manifest cut short", ["setup", at("fake-bad"), "--dev"], 1, "BM0605"],
  [
    "prove: a folder never compiled",
    ["prove", at("empty"), transcript, "-o", at("p.json")],
    1,
    "BM0604",
  ],
  [
    "prove: a rule file as the build folder",
    ["prove", rules, transcript, "-o", at("p.json")],
    2,
    "BM0903",
  ],
  [
    "prove: a folder as the transcript",
    ["prove", at("fake"), at("sub"), "-o", at("p.json")],
    2,
    "BM0903",
  ],
  [
    "prove: a missing transcript",
    ["prove", at("fake"), at("missing.bmt"), "-o", at("p.json")],
    1,
    "BM0901",
  ],
  ["prove: -o a folder", ["prove", at("fake"), transcript, "-o", at("sub")], 1, "BM0910"],
  [
    "prove: a manifest that is not one",
    ["prove", at("fake"), transcript, "-o", at("p.json")],
    1,
    "BM0605",
  ],
  [
    "prove --backend fold: a folder never compiled",
    ["prove", at("empty"), transcript, "--backend", "fold", "-o", at("p.json")],
    1,
    "BM0604",
  ],
  ["verify: a folder never compiled", ["verify", at("empty"), at("proof.json")], 1, "BM0604"],
  ["verify: a rule file as the build folder", ["verify", rules, at("proof.json")], 2, "BM0903"],
  ["verify: a folder as the proof", ["verify", at("fake"), at("sub")], 2, "BM0903"],
  ["verify: a missing proof", ["verify", at("fake"), at("missing.json")], 1, "BM0901"],
  ["verify: a proof that is not JSON", ["verify", at("fake"), at("not-json.json")], 1, "BM0606"],
  // A .bmt where the proof belongs is a usage error with a swapped-arguments hint.
  ["verify: a transcript as the proof", ["verify", at("fake"), transcript], 2, "BM0922"],
  ["export: a folder never compiled", ["export", "solidity", at("empty")], 1, "BM0604"],
  ["export: a manifest that is not one", ["export", "solidity", at("fake")], 1, "BM0605"],
  ["fmt: a missing file", ["fmt", at("missing.bm")], 1, "BM0901"],
];

const STACK = /\n\s+at .+:\d+:\d+\)?/;

describe("wrong invocations", () => {
  for (const [what, argv, exit, code] of rows) {
    it(`${what}: exit ${exit}, ${code}`, async () => {
      const text = await runBmc(...argv);
      expect(text.stderr).toContain(`error[${code}]`);
      expect(text.stderr).not.toMatch(STACK);
      expect(text.stderr).not.toContain("internal error");
      expect(text.stderr.match(/^error\[/gm)?.length, text.stderr).toBe(1);
      expect(text.code).toBe(exit);

      const json = await runBmc(...argv, "--json");
      expect(json.code).toBe(exit);
      expect(json.stderr).not.toMatch(STACK);
      const out = JSON.parse(json.stdout);
      // fmt reports per file; every other command has one list.
      const diagnostics: { code: string }[] =
        out.diagnostics ?? out.files.flatMap((f: { diagnostics: unknown[] }) => f.diagnostics);
      expect(diagnostics.map((d) => d.code)).toEqual([code]);
      expect(out.ok ?? out.valid).toBe(false);
    });
  }

  it("leaves the file compile -o named alone", async () => {
    const before = readFileSync(transcript, "utf8");
    await runBmc("compile", rules, "-o", transcript);
    expect(readFileSync(transcript, "utf8")).toBe(before);
    expect(existsSync(at("out"))).toBe(false);
  });

  it("gives the same exit code and no stack trace from the installed command", () => {
    const argv = ["prove", rules, transcript, "-o", at("p.json")];
    const r = spawnSync(process.execPath, ["bin/bmc.js", ...argv], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).not.toMatch(STACK);
    expect(r.stderr).toContain("error[BM0903]");
  });
});
