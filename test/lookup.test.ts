/**
 * Range checks by lookup (the fold main) and by bits (the Groth16 main) against dishonest
 * witnesses built without the validator: the adversary's own witness generator is circom's with
 * its asserts switched off, so that every wire is computed and bmc's R1CS checker is the judge.
 *
 * - a limb out of the table, the value kept (limb + 2^k, next limb - 1);
 * - a wrong multiplicity of a table entry;
 * - a value >= 2^40 (the gap of 5 < 3, p - 3) split into limbs that recompose it mod p: all
 *   but the top in range, the top one huge;
 * - in-range limbs of another value (the recomposition alone stops them);
 * - a limb changed after the challenge: with b known, the adversary can balance the LogUp sum
 *   by a multiplicity solved for b, and the R1CS at that b holds. What stops it is that limbs and
 *   multiplicities are private inputs of the fold main, committed (comPre) before the challenges
 *   are derived (test/fold.test.ts: private inputs changed after the challenges are rejected);
 *   at any other challenge the same witness fails.
 * The Groth16 main checks ranges by bits (its sponge would pay about 41 constraints to absorb
 * each limb): the same values are rejected there, and bits that keep the sum but are not bits.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LimbPlan } from "../src/circuits/lookup.js";
import { mod, P } from "../src/field/index.js";
import {
  checkRuleFile,
  parseTranscript,
  SourceFile,
  validateTranscript,
  type RuleSet,
} from "../src/index.js";
import { lowerRuleSet } from "../src/lower/index.js";
import { segmentInputs, type CircuitInputs } from "../src/witness/inputs.js";
import { checkR1cs, readSym } from "../src/witness/r1cs.js";
import { lenientWitness } from "./support/lenient-witness.js";
import { compileSegment, type CompiledSegment } from "./differential-harness.js";

const RULES = `
relation ok(x).
unique relation name(x).
rule lt(x, c): ok(x) -: x < c.
rule def(x): unique name(x), ok(x) -: .
rule demand(x): -: ok(x).
`;
const SHAPE = { slots: { lt: 1, def: 1, demand: 0 }, publicSlots: { lt: 0, def: 0, demand: 1 } };
/** Honest: 5 < 300 (300 has two non-zero low limbs for any k <= 8). */
const HONEST = "public:\n  demand(5)\nprivate:\n  lt(5, 300)\n  def(7)\n";
/** 5 < 3 is false: its gap 3 - 5 - 1 is p - 3 in the field. */
const WRAPPED = "public:\n  demand(5)\nprivate:\n  lt(5, 3)\n  def(7)\n";
const CHALLENGES = { a: 123456789n, b: 987654321987654321n };

/** x^-1 in the field (x != 0), by Fermat. */
function inverse(x: bigint): bigint {
  let result = 1n;
  let base = mod(x);
  for (let e = P - 2n; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * base) % P;
    base = (base * base) % P;
  }
  return result;
}

const scratch = mkdtempSync(join(tmpdir(), "bmc-lookup-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let rules: RuleSet;
let c: CompiledSegment;
let plan: LimbPlan;
beforeAll(async () => {
  const dir = join(scratch, "rules");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "rules.bm"), RULES);
  rules = checkRuleFile(join(dir, "rules.bm")).ruleSet!;
  const program = lowerRuleSet(rules).program!;
  const compiled = await compileSegment(program, SHAPE, dir, { groth16: true });
  if ("error" in compiled) throw new Error(compiled.error);
  c = compiled;
  plan = c.emitted.limbPlan!;
}, 300_000);

function layout(text: string, main: "fold" | "groth16"): any {
  const t = parseTranscript(new SourceFile("t.bmt", text), rules).transcript!;
  return segmentInputs(c.program, c.emitted, c.shape, t, validateTranscript(t), {
    allowInvalid: true,
    main,
  });
}

/** Does the fold main's R1CS hold (with A = B = 0, one segment) at challenge b? */
async function foldAccepts(inputs: CircuitInputs, b = CHALLENGES.b): Promise<boolean> {
  const w = await lenientWitness(c.fold, { ...inputs, ...CHALLENGES, b, u_in: 0n });
  return checkR1cs(c.fold.r1cs, w).ok && w[1] === 0n && w[2] === 0n;
}

/** The plan's value whose honest limbs recompose `value`. */
function valueIndex(inputs: any, value: bigint): number {
  const k = BigInt(plan.limbBits);
  const i = plan.values.findIndex(
    (v) =>
      inputs.limbs
        .slice(v.first, v.first + v.count)
        .reduce((acc: bigint, l: bigint, j: number) => acc + (l << (k * BigInt(j))), 0n) === value,
  );
  expect(i).toBeGreaterThanOrEqual(0);
  return i;
}

/** The multiplicities an adversary would write for its limbs (entries out of the table: none). */
function recount(inputs: any): void {
  const m = new Array<bigint>(2 ** plan.limbBits).fill(0n);
  for (const l of inputs.limbs as bigint[]) if (l < BigInt(m.length)) m[Number(l)]++;
  inputs.limb_m = m;
}

describe("range checks by lookup, fold main", () => {
  it("the layout's limbs and multiplicities are accepted; the plan is a lookup", async () => {
    expect(plan.limbBits).toBeGreaterThan(1);
    expect(await foldAccepts(layout(HONEST, "fold"))).toBe(true);
  }, 120_000);

  it("limbs and multiplicities are private inputs of the fold main only (committed in comPre)", () => {
    const names = c.emitted.foldPrivate;
    for (let i = 0; i < plan.limbCount; i++) expect(names).toContain(`limbs[${i}]`);
    for (let t = 0; t < 2 ** plan.limbBits; t++) expect(names).toContain(`limb_m[${t}]`);
    expect(c.emitted.preChallenge.some((n) => n.startsWith("limb"))).toBe(false);
  });

  it("a limb out of the table, the value kept", async () => {
    const inputs = layout(HONEST, "fold");
    const v = plan.values[valueIndex(inputs, 300n)];
    expect(inputs.limbs[v.first + 1]).toBeGreaterThan(0n);
    inputs.limbs[v.first] += 1n << BigInt(plan.limbBits);
    inputs.limbs[v.first + 1] -= 1n;
    recount(inputs);
    expect(await foldAccepts(inputs)).toBe(false);
  }, 120_000);

  it("a wrong multiplicity", async () => {
    const more = layout(HONEST, "fold");
    more.limb_m[1] += 1n;
    expect(await foldAccepts(more)).toBe(false);
    const moved = layout(HONEST, "fold");
    moved.limb_m[0] -= 1n;
    moved.limb_m[1] += 1n;
    expect(await foldAccepts(moved)).toBe(false);
  }, 120_000);

  /** The wrapped transcript with the gap p - 3 split into limbs: low ones in range, top huge. */
  function wrappedLimbs() {
    const inputs = layout(WRAPPED, "fold");
    const gap = P - 3n;
    const k = BigInt(plan.limbBits);
    // The layout keeps the low bits of the gap; find its value by its low limbs.
    const i = plan.values.findIndex(
      (v) => inputs.limbs[v.first] === gap % (1n << k) && v.bits === 40,
    );
    const v = plan.values[i];
    let low = 0n;
    for (let j = 0; j < v.count - 1; j++) low += inputs.limbs[v.first + j] << (k * BigInt(j));
    const shift = 1n << (k * BigInt(v.count - 1));
    inputs.limbs[v.first + v.count - 1] = mod((gap - low) * inverse(shift));
    return { inputs, top: v.first + v.count - 1 };
  }

  it("a value >= 2^40 split into limbs that recompose it mod p", async () => {
    const { inputs, top } = wrappedLimbs();
    expect(inputs.limbs[top]).toBeGreaterThan(1n << 200n);
    recount(inputs);
    expect(await foldAccepts(inputs)).toBe(false);
  }, 120_000);

  it("in-range limbs of another value", async () => {
    const inputs = layout(WRAPPED, "fold"); // the low bits of p - 3: every limb in the table
    expect((inputs.limbs as bigint[]).every((l) => l < 2n ** BigInt(plan.limbBits))).toBe(true);
    expect(await foldAccepts(inputs)).toBe(false);
  }, 120_000);

  it("a limb changed after the challenge: only the commitment before the challenge stops it", async () => {
    const { inputs, top } = wrappedLimbs();
    recount(inputs);
    // Knowing b, balance the huge top limb's term 1/(top - b) with table entry 0's multiplicity.
    const b = CHALLENGES.b;
    const stray = inverse(mod(inputs.limbs[top] - b));
    inputs.limb_m[0] = mod(inputs.limb_m[0] + stray * mod(-b));
    // The R1CS at that b holds: the lookup is no range check unless b comes after the limbs.
    expect(await foldAccepts(inputs, b)).toBe(true);
    // The challenge derived from the changed, committed inputs is another one: rejected.
    expect(await foldAccepts(inputs, b + 1n)).toBe(false);
  }, 120_000);
});

describe("range checks by bits, Groth16 main", () => {
  async function groth16Accepts(inputs: CircuitInputs, edit?: (w: bigint[]) => void) {
    const w = await lenientWitness(c.groth16!, inputs);
    edit?.(w);
    return checkR1cs(c.groth16!.r1cs, w).ok;
  }

  it("the honest layout is accepted, with no limb inputs", async () => {
    const inputs = layout(HONEST, "groth16");
    expect(Object.keys(inputs).some((k) => k.startsWith("limb"))).toBe(false);
    expect(await groth16Accepts(inputs)).toBe(true);
  }, 120_000);

  it("a value >= 2^40 (p - 3), whatever its bits", async () => {
    expect(await groth16Accepts(layout(WRAPPED, "groth16"))).toBe(false);
  }, 120_000);

  it("bits that keep the sum but are not bits", async () => {
    const wireOf = new Map([...readSym(c.groth16!.sym)].map(([wire, name]) => [name, wire]));
    const prefixes = [...wireOf.keys()]
      .filter((n) => /_range\d+\.bits\[2\]$/.test(n))
      .map((n) => n.slice(0, -"bits[2]".length));
    expect(prefixes.length).toBeGreaterThan(0);
    const accepted = await groth16Accepts(layout(HONEST, "groth16"), (w) => {
      const bit = (prefix: string, i: number) => wireOf.get(`${prefix}bits[${i}]`)!;
      // A check whose bits 2 and 1 are 1 and 0 (300 and 294 have them): 0 and 2 keep the sum.
      const prefix = prefixes.find((p) => w[bit(p, 2)] === 1n && w[bit(p, 1)] === 0n);
      expect(prefix).toBeDefined();
      w[bit(prefix!, 2)] = 0n;
      w[bit(prefix!, 1)] = 2n;
    });
    expect(accepted).toBe(false);
  }, 120_000);
});
