/**
 * The folding main's wire layout, which the fold protocol relies on: public wires first, then
 * every private input, in the manifest's order, so that comPre commits to exactly the private
 * inputs before the challenges. circom --O2 substituted away every shared slot's selector in
 * hol.mm's fold main (the selector occurred only in a linear constraint), which left each
 * slot's rule-table key a free wire chosen after the challenges. compileProgram now refuses a
 * folding main whose wires are out of place (foldWireProblem), and the selector enters its key
 * through a product, so that --O2 keeps it. Small programs did not reproduce the substitution
 * (circom kept the selectors of the program below with the old key too): the evidence for the
 * product is hol.mm's fold main (78 of 86 selectors substituted away before, none after).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compileProgram, foldWireProblem } from "../src/circuits/index.js";
import { checkRuleFile } from "../src/index.js";
import { lowerRuleSet } from "../src/lower/index.js";

const scratch = mkdtempSync(join(tmpdir(), "bmc-fold-wires-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("foldWireProblem", () => {
  const sym = (rows: [number, string][]) =>
    rows.map(([wire, name], i) => `${i + 1},${wire},0,main.${name}`).join("\n") + "\n";
  const publicWires = ["A", "B"];
  const privateInputs = ["s2_en[0]", "s2_sel[0]", "s2_k[0][0]"];

  it("accepts the layout the protocol needs; internal signals may be anywhere", () => {
    const text = sym([
      [1, "A"],
      [2, "B"],
      [3, "s2_en[0]"],
      [4, "s2_sel[0]"],
      [5, "s2_k[0][0]"],
      [-1, "segment.x"],
      [6, "segment.y"],
    ]);
    expect(foldWireProblem(text, publicWires, privateInputs)).toBeUndefined();
  });

  it("names a private input substituted away, and one at another wire", () => {
    const substituted = sym([
      [1, "A"],
      [2, "B"],
      [3, "s2_en[0]"],
      [-1, "s2_sel[0]"],
      [4, "s2_k[0][0]"],
    ]);
    expect(foldWireProblem(substituted, publicWires, privateInputs)).toBe(
      "s2_sel[0] is substituted away, expected wire 4",
    );
    const swapped = sym([
      [1, "A"],
      [2, "B"],
      [3, "s2_en[0]"],
      [5, "s2_sel[0]"],
      [4, "s2_k[0][0]"],
    ]);
    expect(foldWireProblem(swapped, publicWires, privateInputs)).toBe(
      "s2_sel[0] is wire 5, expected wire 4",
    );
    expect(foldWireProblem(sym([[1, "A"]]), publicWires, privateInputs)).toBe(
      "B is missing, expected wire 2",
    );
  });
});

const RULES = `
relation ok(x).
relation tagged(t, x).
rule base(x): ok(x) -: x < 4.
rule inc1(x; y): ok(x) -: ok(y), x == y + 1.
rule inc2(x; y): ok(x) -: ok(y), x == y + 2.
rule mark3(x): tagged(3, x) -: ok(x).
rule mark5(x): tagged(5, x) -: ok(x).
rule goal(t, x): -: tagged(t, x).
`;

describe("a folding main with shared slots, compiled with --O2", () => {
  it("keeps every selector and constant a private input in place", async () => {
    writeFileSync(join(scratch, "rules.bm"), RULES);
    const program = lowerRuleSet(checkRuleFile(join(scratch, "rules.bm")).ruleSet!).program!;
    const shape = { slots: { base: 1 }, publicSlots: { goal: 1 }, shared: { inc1: 2, mark3: 2 } };
    const outDir = join(scratch, "build");
    const r = await compileProgram(program, {
      rulesFile: join(scratch, "rules.bm"),
      outDir,
      shape,
      optimize: 2,
      mains: "fold",
    });
    expect(r.circom?.errors).toEqual([]);
    expect(r.ok).toBe(true);
    const fold = r.manifest!.fold!;
    expect(fold.privateInputs).toContain("s1_sel[1]");
    const text = readFileSync(join(outDir, fold.files.sym), "utf8");
    expect(foldWireProblem(text, fold.publicWires, fold.privateInputs)).toBeUndefined();
  }, 120_000);
});
