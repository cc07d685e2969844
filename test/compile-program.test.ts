/**
 * compileProgram (the library's compile) replaces its output folder, so it must refuse a folder
 * bmc did not make, before it compiles anything, and leave it as it was.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compileProgram } from "../src/circuits/index.js";
import { checkRuleFile } from "../src/index.js";
import { lowerRuleSet } from "../src/lower/index.js";

const scratch = mkdtempSync(join(tmpdir(), "bmc-compile-program-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("compileProgram's output folder", () => {
  it("refuses a folder with a user's files in it and leaves them as they were", async () => {
    writeFileSync(join(scratch, "rules.bm"), "relation p(x).\nrule a(x): p(x) -: .\n");
    const program = lowerRuleSet(checkRuleFile(join(scratch, "rules.bm")).ruleSet!).program!;
    const mine = join(scratch, "mine");
    mkdirSync(mine);
    writeFileSync(join(mine, "notes.txt"), "my notes");
    const shape = { slots: { a: 1 }, publicSlots: {} };
    const rulesFile = join(scratch, "rules.bm");
    await expect(compileProgram(program, { rulesFile, outDir: mine, shape })).rejects.toThrow(
      /is not a build folder bmc made/,
    );
    expect(readFileSync(join(mine, "notes.txt"), "utf8")).toBe("my notes");
    // A plain file in the way is refused as well.
    const file = join(scratch, "file");
    writeFileSync(file, "x");
    await expect(compileProgram(program, { rulesFile, outDir: file, shape })).rejects.toThrow(
      /is not a build folder bmc made/,
    );
    expect(readFileSync(file, "utf8")).toBe("x");
    // An empty folder is taken (and becomes the build folder).
    const empty = join(scratch, "empty");
    mkdirSync(empty);
    const r = await compileProgram(program, { rulesFile, outDir: empty, shape, mains: "fold" });
    expect(r.ok).toBe(true);
    expect(existsSync(join(empty, "manifest.json"))).toBe(true);
  }, 120_000);
});
