/**
 * The hand-written propositional calculus (examples/propositional) and its declarative
 * rewrite (examples/hilbert) accept and reject the same transcripts, on their common part:
 * metavariables, implication, axioms 1 and 2, modus ponens and demand. A transcript of one is
 * translated block by block into the other (rule names, and variable order where the
 * generated headers differ) and must get the same verdict and the same errors.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkRuleFile, parseTranscript, SourceFile, validateTranscript } from "../src/index.js";

/** propositional rule -> [hilbert rule, hilbert variable i takes propositional variable order[i]]. */
const toHilbert: Record<string, [string, number[]]> = {
  def_term_mvar: ["def_mvar", [0, 1]],
  def_term_impl: ["def_impl", [0, 1, 2, 3, 4, 5]],
  // axiom1(T; TA, TB, TI) ~ ax1(T; A, B, _impl1)
  axiom1: ["ax1", [0, 1, 2, 3]],
  // axiom2(T; TA, TB, TC, THB, THC, TI, THI, TIH) ~ ax2(T; A, B, C, TI, THI, THB, THC, TIH)
  axiom2: ["ax2", [0, 1, 2, 3, 6, 7, 4, 5, 8]],
  // modus_ponens(T; TA, TB, k, k1, k2) ~ mp(A, B; k, k1, k2, T)
  modus_ponens: ["mp", [1, 2, 3, 4, 5, 0]],
  demand: ["demand", [0]],
};

const toPropositional = Object.fromEntries(
  Object.entries(toHilbert).map(([from, [to, order]]) => {
    const inverse: number[] = [];
    order.forEach((source, target) => (inverse[source] = target));
    return [to, [from, inverse] as [string, number[]]];
  }),
);

function translate(text: string, table: Record<string, [string, number[]]>): string {
  return text
    .split("\n")
    .map((line) => {
      const m = /^(\s*)([A-Za-z_]\w*)\(([^)]*)\)(.*)$/.exec(line);
      if (!m) return line;
      const [, indent, rule, args, rest] = m;
      const entry = table[rule];
      if (!entry) throw new Error(`no translation for ${rule}`);
      const values = args
        .split(/[,;]/)
        .map((v) => v.trim())
        .filter(Boolean);
      return `${indent}${entry[0]}(${entry[1].map((i) => values[i]).join(", ")})${rest}`;
    })
    .join("\n");
}

const propositional = checkRuleFile("examples/propositional/propositional.bm").ruleSet!;
const hilbert = checkRuleFile("examples/hilbert/hilbert.bm").ruleSet!;

function verdict(text: string, rules: typeof hilbert) {
  const parsed = parseTranscript(new SourceFile("t.bmt", text), rules);
  expect(parsed.diagnostics).toEqual([]);
  const v = validateTranscript(parsed.transcript!);
  return { valid: v.valid, errors: v.errors.map((e) => `${e.code} line ${e.line}`) };
}

describe("propositional and hilbert agree", () => {
  const fromPropositional = [
    "examples/propositional/a-implies-a.bmt",
    ...readdirSync("examples/propositional/invalid")
      .filter((f) => !["setup-in-private.bmt", "circular.bmt"].includes(f)) // assert, instantiate: not in hilbert
      .map((f) => join("examples/propositional/invalid", f)),
  ];
  for (const path of fromPropositional) {
    it(`${path}, translated to hilbert`, () => {
      const text = readFileSync(path, "utf8");
      const original = verdict(text, propositional);
      const translated = verdict(translate(text, toHilbert), hilbert);
      expect(translated).toEqual(original);
    });
  }
  const fromHilbert = [
    "examples/hilbert/a-implies-a.bmt",
    "examples/hilbert/syllogism.bmt",
    ...readdirSync("examples/hilbert/invalid").map((f) => join("examples/hilbert/invalid", f)),
  ];
  for (const path of fromHilbert) {
    it(`${path}, translated to propositional`, () => {
      const text = readFileSync(path, "utf8");
      const original = verdict(text, hilbert);
      const translated = verdict(translate(text, toPropositional), propositional);
      expect(translated).toEqual(original);
    });
  }
  it("covers both verdicts", () => {
    expect(verdict(readFileSync(fromHilbert[1], "utf8"), hilbert).valid).toBe(true);
    expect(verdict(readFileSync(fromPropositional[1], "utf8"), propositional).valid).toBe(false);
  });
});
