/**
 * Range checks by lookup in the fold main: every value that must lie in [0, 2^bits) is split
 * into k-bit limbs, each limb is looked up in the table 0 .. 2^k - 1 by a LogUp sum, and the
 * limbs recompose the value. The limbs and the table's multiplicities are private inputs of the
 * fold main, so they are committed before the challenges (docs/circuits.md, "Range checks by
 * lookup", has the soundness argument and the arithmetic behind the choice of k).
 *
 * The plan is a function of the program and the segment's shape alone: the emitter and the
 * witness layout derive the same one, and a build folder needs no field for it.
 */
import { ORDER_BITS } from "../field/index.js";
import { packedUniqueBits, type LoweredProgram } from "../lower/index.js";
import type { SegmentShape } from "./emit.js";
import { sharedGroups } from "./groups.js";

/**
 * Limb sizes tried: the divisors of ORDER_BITS up to 16 bits, so that a 40-bit bound is a whole
 * number of limbs (no shifted top limb to look up); a table of more than 2^16 entries would
 * cost more than any segment saves.
 */
const LIMB_BITS = [1, 2, 4, 5, 8, 10, 16].filter((k) => ORDER_BITS % k === 0);
/** A gap between sorted packed unique claims may be checked over more bits, up to this. */
const MAX_GAP_BITS = 252;

/** One range-checked value: its limbs, least significant first. */
export interface LimbedValue {
  /** The bound it proves: value < 2^bits, bits = count * k. */
  readonly bits: number;
  /** Index of its first limb in the segment's `limbs` input. */
  readonly first: number;
  readonly count: number;
}

export interface LimbPlan {
  /** k: bits per limb; the table holds 0 .. 2^k - 1. */
  readonly limbBits: number;
  /** The slots' range checks in slot order (each rule's in its rangeChecks order), then the gaps. */
  readonly values: readonly LimbedValue[];
  readonly limbCount: number;
  /** Non-linear constraints of the lookup: one inverse per limb and per table entry. */
  readonly cost: number;
  /** Non-linear constraints the bit decompositions of the same values would take. */
  readonly bitCost: number;
}

/**
 * What one segment range checks, in the segment's order: 40 bits for each range check of each
 * slot (the per-rule slots, then the shared ones), then the gap between sorted unique claims, over 16 + 40U bits or more (any bound up to
 * 2^252 proves the order: packed claims are below 2^(16 + 40U), so nothing wraps around).
 */
export function rangedValues(program: LoweredProgram, shape: SegmentShape): number[] {
  const out: number[] = [];
  let uniques = 0;
  for (const isPublic of [true, false]) {
    for (const rule of program.rules) {
      const n = (isPublic ? shape.publicSlots : shape.slots)[rule.name] ?? 0;
      for (let i = 0; i < n; i++) {
        for (const _ of rule.rangeChecks) out.push(ORDER_BITS);
        uniques += rule.uniques.length;
      }
    }
  }
  for (const { group, slots } of sharedGroups(program, shape.shared)) {
    for (let i = 0; i < slots; i++) {
      for (const _ of group.template.rangeChecks) out.push(ORDER_BITS);
      uniques += group.template.uniques.length;
    }
  }
  const gapBits = packedUniqueBits(program.uniqueWidth);
  for (let i = 0; i < uniques; i++) out.push(gapBits);
  return out;
}

function planFor(values: readonly number[], k: number): LimbPlan | undefined {
  const limbed: LimbedValue[] = [];
  let first = 0;
  for (const bits of values) {
    const count = Math.ceil(bits / k);
    if (count * k > MAX_GAP_BITS) return undefined;
    limbed.push({ bits: count * k, first, count });
    first += count;
  }
  return {
    limbBits: k,
    values: limbed,
    limbCount: first,
    cost: first + 2 ** k,
    bitCost: values.reduce((n, bits) => n + bits, 0),
  };
}

/**
 * The cheapest limb size for this segment, or undefined when bit decomposition is as cheap
 * (a segment with nothing to range check; from one check on, small limbs win: one 40-bit check
 * is 40 constraints as bits, 10 + 16 with 4-bit limbs). Ties go to the larger limbs (fewer wires).
 */
export function limbPlan(program: LoweredProgram, shape: SegmentShape): LimbPlan | undefined {
  const values = rangedValues(program, shape);
  if (values.length === 0) return undefined;
  let best: LimbPlan | undefined;
  for (const k of LIMB_BITS) {
    const plan = planFor(values, k);
    if (plan && (!best || plan.cost <= best.cost)) best = plan;
  }
  return best && best.cost < best.bitCost ? best : undefined;
}

/** The limbs of `value` (low bits first); a value out of range keeps only its low bits. */
export function limbsOf(value: bigint, v: LimbedValue, k: number): bigint[] {
  const mask = (1n << BigInt(k)) - 1n;
  return Array.from({ length: v.count }, (_, i) => (value >> BigInt(k * i)) & mask);
}
