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

/** Limb sizes tried; a table of 2^16 entries already costs more than any segment saves. */
const MIN_LIMB_BITS = 1;
const MAX_LIMB_BITS = 16;
/** A gap between sorted packed unique claims may be checked over more bits, up to this. */
const MAX_GAP_BITS = 252;

/** One range-checked value: its limbs, least significant first. */
export interface LimbedValue {
  /** The bound it proves: value < 2^bits. */
  readonly bits: number;
  /** Index of its first limb in the segment's `limbs` input. */
  readonly first: number;
  readonly count: number;
  /**
   * Non-zero when the top limb must stay below 2^(k - topShift) (bits not a multiple of k):
   * then top * 2^topShift is looked up too.
   */
  readonly topShift: number;
}

export interface LimbPlan {
  /** k: bits per limb; the table holds 0 .. 2^k - 1. */
  readonly limbBits: number;
  /** The slots' range checks in slot order (each rule's in its rangeChecks order), then the gaps. */
  readonly values: readonly LimbedValue[];
  readonly limbCount: number;
  /** Shifted top limbs, looked up after the limbs (the index of the limb each one shifts). */
  readonly shifted: readonly { readonly limb: number; readonly shift: number }[];
  /** Non-linear constraints of the lookup: one inverse per lookup and per table entry. */
  readonly cost: number;
  /** Non-linear constraints the bit decompositions of the same values would take. */
  readonly bitCost: number;
}

/** What must be range checked in one segment: bits per value, and whether the bound is exact. */
export function rangedValues(
  program: LoweredProgram,
  shape: SegmentShape,
): { bits: number; exact: boolean }[] {
  const out: { bits: number; exact: boolean }[] = [];
  let uniques = 0;
  for (const isPublic of [true, false]) {
    for (const rule of program.rules) {
      const n = (isPublic ? shape.publicSlots : shape.slots)[rule.name] ?? 0;
      for (let i = 0; i < n; i++) {
        for (const _ of rule.rangeChecks) out.push({ bits: ORDER_BITS, exact: true });
        uniques += rule.uniques.length;
      }
    }
  }
  const gapBits = packedUniqueBits(program.uniqueWidth);
  for (let i = 0; i < uniques; i++) out.push({ bits: gapBits, exact: false });
  return out;
}

function planFor(values: readonly { bits: number; exact: boolean }[], k: number): LimbPlan {
  const limbed: LimbedValue[] = [];
  const shifted: { limb: number; shift: number }[] = [];
  let first = 0;
  for (const v of values) {
    const count = Math.ceil(v.bits / k);
    // An inexact bound (a gap) may round up to whole limbs while it stays below 2^252.
    const roundedOk = !v.exact && count * k <= MAX_GAP_BITS;
    const topShift = roundedOk ? 0 : count * k - v.bits;
    if (topShift) shifted.push({ limb: first + count - 1, shift: topShift });
    limbed.push({ bits: roundedOk ? count * k : v.bits, first, count, topShift });
    first += count;
  }
  return {
    limbBits: k,
    values: limbed,
    limbCount: first,
    shifted,
    cost: first + shifted.length + 2 ** k,
    bitCost: values.reduce((n, v) => n + v.bits, 0),
  };
}

/**
 * The cheapest limb size for this segment, or undefined when bit decomposition is as cheap
 * (a segment with nothing to range check; with a handful of checks small limbs already win).
 * Ties go to the larger limbs (fewer wires to commit).
 */
export function limbPlan(program: LoweredProgram, shape: SegmentShape): LimbPlan | undefined {
  const values = rangedValues(program, shape);
  if (values.length === 0) return undefined;
  let best: LimbPlan | undefined;
  for (let k = MIN_LIMB_BITS; k <= MAX_LIMB_BITS; k++) {
    const plan = planFor(values, k);
    if (!best || plan.cost <= best.cost) best = plan;
  }
  return best && best.cost < best.bitCost ? best : undefined;
}

/** The limbs of `value` under `plan` (low bits first); values out of range keep only low bits. */
export function limbsOf(value: bigint, v: LimbedValue, k: number): bigint[] {
  const mask = (1n << BigInt(k)) - 1n;
  return Array.from({ length: v.count }, (_, i) => (value >> BigInt(k * i)) & mask);
}
