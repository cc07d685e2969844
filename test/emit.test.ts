/**
 * Circom emission: deterministic output checked against golden files (UPDATE_GOLDEN=1 rewrites
 * them after a deliberate change; review the diff), and the pieces it is made of.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkRuleFile } from "../src/index.js";
import { defaultShape, emitCircuit, parseSlotCounts } from "../src/circuits/index.js";
import { parseCircomErrors } from "../src/circuits/circom.js";
import { Lin } from "../src/circuits/writer.js";
import { lowerRuleSet } from "../src/lower/index.js";
import { P } from "../src/field/index.js";

function lowered(path: string) {
  const checked = checkRuleFile(path);
  expect(checked.diagnostics).toEqual([]);
  const lowered = lowerRuleSet(checked.ruleSet!);
  expect(lowered.diagnostics).toEqual([]);
  return lowered.program!;
}

function golden(name: string, text: string) {
  const path = join("test", "golden", name);
  if (process.env.UPDATE_GOLDEN) writeFileSync(path, text);
  expect(existsSync(path), `${path} is missing: run with UPDATE_GOLDEN=1`).toBe(true);
  expect(text).toBe(readFileSync(path, "utf8"));
}

describe("golden Circom", () => {
  for (const example of ["hilbert", "propositional"]) {
    it(`examples/${example}`, () => {
      const program = lowered(`examples/${example}/${example}.bm`);
      const emitted = emitCircuit(program, defaultShape(program, 2));
      for (const [file, text] of Object.entries(emitted.files)) golden(`${example}.${file}`, text);
      // The same input gives the same output.
      expect(emitCircuit(program, defaultShape(program, 2)).files).toEqual(emitted.files);
    });
  }
});

describe("lowering", () => {
  it("normalises comparisons and lists the range checks of < exactly once each", () => {
    const program = lowered("test/diagnostics/transcripts/rules.bm");
    const mp = program.rules.find((r) => r.name === "modus_ponens")!;
    expect(mp.constraints.map((c) => [c.kind, c.text])).toEqual([
      ["lt", "k1 < k"],
      ["lt", "k2 < k"],
    ]);
    expect(mp.rangeChecks.map((r) => r.text)).toEqual([
      "k1",
      "k",
      "((k - k1) - 1)",
      "k2",
      "((k - k2) - 1)",
    ]);
    const atom = program.rules.find((r) => r.name === "def_atom")!;
    expect(atom.uniques.map((u) => u.relation)).toEqual(["wf_term"]);
    expect(atom.rangeChecks.map((r) => r.text)).toEqual(["T"]);
    const demand = program.rules.find((r) => r.name === "demand")!;
    expect(demand.inputs).toEqual(["T", "_1"]);
    expect(demand.wildcards).toEqual([{ hypothesis: 0, argument: 1 }]);
    expect(program.claimWidth).toBe(3);
    expect(program.uniqueWidth).toBe(1);
    expect(program.rulesDigest).toMatch(/^[0-9a-f]{64}$/);
  });

  it("rejects unique relations too wide to pack", () => {
    const checked = checkRuleFile("wide.bm", {
      entryText:
        "unique relation u(a, b, c, d, e, f).\nrule r(a, b, c, d, e, f): unique u(a, b, c, d, e, f) -: .",
    });
    const lowered = lowerRuleSet(checked.ruleSet!);
    expect(lowered.program).toBeUndefined();
    expect(lowered.diagnostics.map((d) => d.code)).toEqual(["BM0501"]);
  });
});

describe("segment shape", () => {
  it("gives definitions, setup rules and goals public slots, and setup rules no private ones", () => {
    const program = lowered("test/diagnostics/transcripts/rules.bm");
    const shape = defaultShape(program, 3);
    expect(shape.slots).toEqual({
      modus_ponens: 3,
      def_atom: 6,
      def_impl: 6,
      assert: 0,
      demand: 3,
    });
    expect(shape.publicSlots).toEqual({
      modus_ponens: 0,
      def_atom: 2,
      def_impl: 2,
      assert: 1,
      demand: 1,
    });
    expect(() => emitCircuit(program, { slots: { assert: 1 }, publicSlots: {} })).toThrow(
      /setup rule assert can have public slots only/,
    );
  });

  it("parses rule=N lists and reports what it cannot use", () => {
    expect(parseSlotCounts("a=2, b=0", ["a", "b"])).toEqual({ counts: { a: 2, b: 0 }, errors: [] });
    expect(parseSlotCounts("a=x,c=1", ["a"]).errors).toEqual([
      "`a=x`: expected rule=N",
      "`c` is not a rule of this rule set",
    ]);
  });
});

describe("circom2 output", () => {
  it("yields coded errors with their location", () => {
    const output = [
      "\x1b[31merror[P1012]\x1b[0m: illegal expression",
      '   ┌─ "rules.circom":82:41',
      "   │",
      "previous errors were found",
    ].join("\n");
    expect(parseCircomErrors(output)).toEqual([
      { code: "P1012", message: "illegal expression", file: "rules.circom", line: 82, column: 41 },
    ]);
  });
});

describe("linear combinations", () => {
  it("print small negative coefficients as subtraction and drop cancelled terms", () => {
    const x = Lin.signal("x");
    const y = Lin.signal("y");
    expect(x.sub(y).add(Lin.const(1n)).toString()).toBe("x - y + 1");
    expect(x.scale(-2n).sub(Lin.const(3n)).toString()).toBe("-2 * x - 3");
    expect(x.sub(x).toString()).toBe("0");
    expect(Lin.const(P - 1n).toString()).toBe("-1");
  });
});
