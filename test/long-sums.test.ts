/**
 * Long sums in generated Circom: circom's parser recurses once per term of a flat sum and
 * circom2 stops with "memory access out of bounds" at about 420 terms, so the emitter writes
 * any longer sum (the segment's accumulators A and B, the rule table's equation) as a balanced
 * tree of parenthesised halves (src/circuits/writer.ts, FLAT_SUM_TERMS). The compile below fails
 * with flat sums; the witness checks show that the balanced sums are the same linear
 * combinations: every slot, the last one included, is counted once with its sign.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FLAT_SUM_TERMS, Lin, sumText } from "../src/circuits/writer.js";
import { checkRuleFile, parseTranscript, SourceFile, validateTranscript } from "../src/index.js";
import { lowerRuleSet } from "../src/lower/index.js";
import { addLimbs, segmentInputs } from "../src/witness/inputs.js";
import { checkR1cs } from "../src/witness/r1cs.js";
import { compileSegment } from "./differential-harness.js";
import { lenientWitness } from "./support/lenient-witness.js";

/** The deepest nesting of parentheses in `text`. */
function depth(text: string): number {
  let deepest = 0;
  let open = 0;
  for (const ch of text) {
    if (ch === "(") deepest = Math.max(deepest, ++open);
    if (ch === ")") open--;
  }
  return deepest;
}

/** The most terms in one flat run of `text` (operators outside any deeper parentheses). */
function longestRun(text: string): number {
  return Math.max(...text.split(/[()]/).map((run) => run.split(/ [+-] /).length));
}

describe("sums as text", () => {
  it("are flat up to FLAT_SUM_TERMS terms, as they always were", () => {
    const terms = Array.from({ length: FLAT_SUM_TERMS }, (_, i) => `slot${i}.logup`);
    expect(sumText(terms)).toBe(terms.join(" + "));
    expect(sumText([])).toBe("0");
  });

  it("are balanced beyond: logarithmic nesting, short runs, the same terms in order", () => {
    const terms = Array.from({ length: 5000 }, (_, i) => `slot${i}.logup`);
    const text = sumText(terms);
    expect(depth(text)).toBe(Math.ceil(Math.log2(5000 / FLAT_SUM_TERMS)));
    expect(longestRun(text)).toBeLessThanOrEqual(FLAT_SUM_TERMS);
    expect(text.replace(/[()]/g, "")).toBe(terms.join(" + "));
  });

  it("balance linear combinations too, with their signs and constant", () => {
    let lin = Lin.const(-7n);
    const values = new Map<string, number>();
    for (let i = 0; i < 1000; i++) {
      const name = `v${i}`;
      values.set(name, i + 1);
      lin = lin.add(Lin.signal(name).scale(BigInt(i % 3 === 0 ? -(i % 5) - 1 : i % 4)));
    }
    const text = lin.toString();
    expect(depth(text)).toBeGreaterThan(0);
    expect(longestRun(text)).toBeLessThanOrEqual(FLAT_SUM_TERMS);
    // Evaluated with each signal's value, the text gives the combination's value.
    let expected = -7;
    for (let i = 0; i < 1000; i++) expected += (i % 3 === 0 ? -(i % 5) - 1 : i % 4) * (i + 1);
    const evaluate = new Function(`return ${text.replace(/v\d+/g, (v) => `${values.get(v)}`)};`);
    expect(evaluate()).toBe(expected);
  });
});

// Two groups of rules of one shape: each shared slot adds one term to A, to B and to the rule
// table's equation. The cheap group's SLOTS slots make those sums long; the defining group's
// two slots come last in each, so the sums must reach their last terms to balance.
const RULES = `
relation seen(x).
relation heard(x).
relation ok(x).
unique relation name(x).
unique relation label(x).
rule see(x): seen(x) -: .
rule hear(x): heard(x) -: .
rule def(x): unique name(x), ok(x) -: .
rule def2(x): unique label(x), ok(x) -: .
rule goal(x): -: ok(x).
`;
const SLOTS = 480;
const SHAPE = { slots: {}, publicSlots: { goal: 1 }, shared: { see: SLOTS, def: 2 } };
const CHALLENGES = { a: 123456789n, b: 987654321987654321n };

const scratch = mkdtempSync(join(tmpdir(), "bmc-long-sums-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("a segment with sums longer than circom's parser takes flat", () => {
  it("compiles, and its accumulators count every slot", async () => {
    writeFileSync(join(scratch, "rules.bm"), RULES);
    const rules = checkRuleFile(join(scratch, "rules.bm")).ruleSet!;
    const program = lowerRuleSet(rules).program!;
    const compiled = await compileSegment(program, SHAPE, scratch);
    if ("error" in compiled) throw new Error(compiled.error);
    expect(compiled.emitted.files["segment.circom"]).toContain(") + (");

    // Every shared slot full; the public goal uses the claim of def2, in the last slot.
    const cheap = Array.from({ length: SLOTS }, (_, i) => `  ${i % 2 ? "hear" : "see"}(${i})`);
    const text = `public:\n  goal(9)\nprivate:\n${cheap.join("\n")}\n  def(7)\n  def2(9)\n`;
    const transcript = parseTranscript(new SourceFile("t.bmt", text), rules).transcript!;
    const validation = validateTranscript(transcript);
    expect(validation.valid).toBe(true);
    const inputs = segmentInputs(program, compiled.emitted, SHAPE, transcript, validation);
    const witness = async () => {
      addLimbs(program, SHAPE, inputs, 0n);
      const w = await lenientWitness(compiled.fold, { ...inputs, ...CHALLENGES, u_in: 0n });
      return { holds: checkR1cs(compiled.fold.r1cs, w).ok, A: w[1], B: w[2] };
    };
    expect(await witness()).toEqual({ holds: true, A: 0n, B: 0n });

    // The last slot's conclusion not counted: the goal's hypothesis is left over in A.
    const def = program.rules.find((r) => r.name === "def")!.index;
    const m = inputs[`s${def}_m`] as bigint[][];
    expect(m[1]).toEqual([1n]);
    m[1] = [0n];
    const unpaid = await witness();
    expect(unpaid.holds).toBe(true);
    expect(unpaid.A).not.toBe(0n);

    // The last slot disabled (and its rule table row's count lowered): its unique claim, still
    // in the sorted list, is left over in B.
    (inputs[`s${def}_en`] as bigint[])[1] = 0n;
    (inputs.rule_m as bigint[])[3]--;
    const dropped = await witness();
    expect(dropped.holds).toBe(true);
    expect(dropped.B).not.toBe(0n);
  }, 120_000);
});
