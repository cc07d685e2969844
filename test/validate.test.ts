import { describe, expect, it } from "vitest";
import {
  checkRuleFile,
  compare,
  ORDER_BOUND,
  P,
  parseTranscript,
  SourceFile,
  validateTranscript,
  type RuleSet,
} from "../src/index.js";
import { SMALL_RULES, SMALL_TRANSCRIPT } from "./fixtures.js";

const RULES = `
${SMALL_RULES}rule arith(a, b; c): proved(a * b + c, 0 - 1) -: a != b, c == a + 2 * b, -a == c - 2 * b - 2 * a.
`;

function rules(text = RULES): RuleSet {
  const r = checkRuleFile("rules.bm", { entryText: text });
  expect(r.diagnostics).toEqual([]);
  return r.ruleSet!;
}

function validate(blocks: string, ruleSet = rules()) {
  const parsed = parseTranscript(new SourceFile("t.bmt", blocks), ruleSet);
  expect(parsed.diagnostics.map((d) => d.message)).toEqual([]);
  return validateTranscript(parsed.transcript!);
}

const VALID = `${SMALL_TRANSCRIPT}  modus_ponens(3; 1, 2, 2, 0, 0)
`;

describe("order comparisons", () => {
  it("hold only between values below 2^40, with no field wrap-around", () => {
    expect(compare("<", 0n, 1n)).toBe(true);
    expect(compare("<", P - 1n, 0n)).toBe(false);
    expect(compare("<", 0n, P - 1n)).toBe(false);
    expect(compare("<=", P - 1n, P - 1n)).toBe(false);
    expect(compare("<", ORDER_BOUND - 2n, ORDER_BOUND - 1n)).toBe(true);
    expect(compare("<", ORDER_BOUND - 1n, ORDER_BOUND)).toBe(false);
    expect(compare(">", ORDER_BOUND, 0n)).toBe(false);
    expect(compare(">=", 5n, 5n)).toBe(true);
    expect(compare("<=", 5n, 5n)).toBe(true);
    expect(compare("<", 5n, 5n)).toBe(false);
    expect(compare("==", P - 1n, P - 1n)).toBe(true);
    expect(compare("!=", 1n, 2n)).toBe(true);
  });
});

describe("validator", () => {
  it("accepts a valid transcript and computes statistics", () => {
    const v = validate(VALID);
    expect(v.errors).toEqual([]);
    expect(v.valid).toBe(true);
    expect(v.stats).toEqual({
      blocks: 8,
      publicBlocks: 3,
      blocksPerRule: { modus_ponens: 2, def_atom: 2, def_impl: 1, assert: 2, demand: 1, arith: 0 },
      // assert 2 x 1, demand 1, def_impl 2, modus_ponens 2 x 3
      hypotheses: 2 + 1 + 2 + 6,
      // assert 2 x 1, def_atom 2 x 1 (plus the unique ones), def_impl 2, modus_ponens 2 x 1
      conclusions: 2 + 2 + 2 + 2,
      distinctClaims: 8,
      uniqueClaims: 3,
    });
  });

  it("counts multiplicities at the first emitter and fills `_` from matching claims", () => {
    const v = validate(VALID);
    const of = (block: number, conclusion: number) =>
      v.multiplicity[v.conclusionStart[block] + conclusion];
    // assert(1, 0) concludes proved(1, 0): used by both modus_ponens blocks.
    expect(of(0, 0)).toBe(2);
    // assert(3, 0): proved(3, 0), used twice as well.
    expect(of(1, 0)).toBe(2);
    // def_atom(1): unique wf_term(1) has no multiplicity; wf_term(1, 0) is used by def_impl and assert.
    expect(of(3, 0)).toBe(0);
    expect(of(3, 1)).toBe(2);
    // def_impl: is_impl(3, 1, 2) used twice; wf_term(3, 1) by assert(3, 0).
    expect(of(5, 0)).toBe(2);
    expect(of(5, 2)).toBe(1);
    // The first modus_ponens concludes proved(2, 1), demanded by demand(2); the second's proved(2, 2) by nobody.
    expect(of(6, 0)).toBe(1);
    expect(of(7, 0)).toBe(0);
    expect(v.wildcardFills.get(2)).toEqual([[2n, 1n]]);
    expect(v.wildcardFills.get(0)).toEqual([[1n, 0n]]);
    // The multiplicities add up to the number of hypotheses.
    expect(v.multiplicity.reduce((a, b) => a + b, 0)).toBe(v.stats.hypotheses);
  });

  it("evaluates expressions in claims and constraints modulo p", () => {
    // arith(a, b; c) concludes proved(a*b + c, p - 1) and needs c == a + 2b.
    const v = validate(`private:\n  arith(2, 3; 8)\n  demand(14)\n  arith(3, 3; 9)\n`);
    expect(v.errors.map((e) => e.message)).toEqual([
      "line 4: arith violates a != b with a = 3, b = 3",
    ]);
    expect(v.wildcardFills.get(1)).toEqual([[14n, P - 1n]]);
  });

  it("rejects a hypothesis nobody concludes, naming block and claim", () => {
    const v = validate(VALID.replace("  def_atom(2)\n", ""));
    expect(v.valid).toBe(false);
    expect(v.errors).toEqual([
      {
        code: "BM0303",
        block: 4,
        line: 7,
        rule: "def_impl",
        claim: "wf_term(2, 0)",
        message: "line 7: def_impl demands wf_term(2, 0); no block concludes it",
      },
    ]);
  });

  it("rejects a unique claim emitted twice", () => {
    const v = validate(VALID.replace("  def_atom(2)\n", "  def_atom(2)\n  def_atom(2)\n"));
    expect(v.errors.map((e) => [e.code, e.line, e.claim])).toEqual([
      ["BM0302", 8, "unique wf_term(2)"],
    ]);
  });

  it("rejects a unique claim emitted twice by different rules", () => {
    const v = validate(VALID + "  def_impl(1, 2, 2; 1, 0, 0)\n");
    expect(v.errors.map((e) => [e.code, e.rule, e.claim])).toEqual([
      ["BM0302", "def_impl", "unique wf_term(1)"],
    ]);
  });

  it("rejects a setup block in the private part", () => {
    const v = validate(VALID + "  assert(2, 0)\n");
    expect(v.errors.map((e) => [e.code, e.line, e.rule])).toEqual([["BM0304", 11, "assert"]]);
  });

  it("rejects a violated constraint, including a depth of p - 1 below 0", () => {
    const v = validate(
      VALID.replace("modus_ponens(3; 1, 2, 2, 0, 0)", `modus_ponens(3; 1, 2, 1, ${P - 1n}, 0)`),
    );
    expect(v.errors.map((e) => e.code)).toEqual(["BM0301", "BM0303"]);
    expect(v.errors[0].message).toBe(
      `line 10: modus_ponens violates k1 < k with k = 1, k1 = ${P - 1n}`,
    );
    expect(v.errors[1].claim).toBe(`proved(3, ${P - 1n})`);
  });

  it("rejects circular reasoning through the depth constraints", () => {
    // proved(1, 1) from (1 -> 1) and proved(1, 1) itself: every hypothesis is concluded, and
    // only the depth constraint k2 < k stands in the way.
    const v = validate(
      `public:\n  assert(3, 0)\nprivate:\n  def_atom(1)\n  def_impl(3, 1, 1; 1, 0, 0)\n  modus_ponens(3; 1, 1, 1, 0, 1)\n`,
    );
    expect(v.errors.map((e) => e.message)).toEqual([
      "line 6: modus_ponens violates k2 < k with k = 1, k2 = 1",
    ]);
  });

  it("gives `_` a value only from a concluded claim", () => {
    const v = validate(`public:\n  demand(5)\nprivate:\n`);
    expect(v.errors.map((e) => e.message)).toEqual([
      "line 2: demand demands proved(5, _); no block concludes it",
    ]);
  });

  it("keeps at most maxErrors errors but counts them all", () => {
    const parsed = parseTranscript(
      new SourceFile("t.bmt", "public:\n" + "  demand(5)\n".repeat(10)),
      rules(),
    );
    const v = validateTranscript(parsed.transcript!, { maxErrors: 3 });
    expect(v.errors.length).toBe(3);
    expect(v.errorCount).toBe(10);
  });
});

describe("a claim's home is decided by its values, not by how they were computed", () => {
  // x + 1 with x = p - 1 is 0: computed from a value of 2^53 or more, the argument is small,
  // and must meet the same claim stated with small values (differential seed 28 found this).
  const WRAP = `
relation q(a).
unique relation u(a).
rule wrap(x): unique u(x + 1) -: q(x + 1).
rule small(): unique u(0) -: q(0).
rule use(;): q(0) -: .
`;
  const big = (P - 1n).toString();

  it("accepts a small unique argument computed from a large value", () => {
    const v = validate(`public:\n  use()\nprivate:\n  wrap(${big})\n`, rules(WRAP));
    expect(v.errors).toEqual([]);
    expect(v.valid).toBe(true);
  });

  it("finds a conclusion computed from a large value where a small one is used", () => {
    const v = validate(`public:\n  use()\nprivate:\n  wrap(${big})\n`, rules(WRAP));
    expect(v.stats.hypotheses).toBe(1);
    expect(v.valid).toBe(true);
  });

  it("sees the same unique claim twice whichever way its arguments were computed", () => {
    const v = validate(`public:\n  use()\nprivate:\n  wrap(${big})\n  small()\n`, rules(WRAP));
    expect(v.errors.map((e) => e.code)).toContain("BM0302");
  });
});
