/**
 * Multi-scalar multiplication that adds up the points of equal scalars first:
 *   sum_i v_i G_i = sum over distinct v of v * (sum of the G_i with v_i = v).
 * A block-model witness repeats its scalars: a LogUp inverse 1 / (c - x) recurs for every limb
 * or claim c that recurs, bits and flags are 0 or 1, names and depths are small. In a segment
 * of the propositional benchmark, 4,989 full-size scalars of the internal wires take 877
 * distinct values. One mixed addition per point then replaces the Pippenger windows of a
 * full-size scalar, and the MSM proper runs over the distinct values only (those below 2^64 as
 * 8-byte scalars: fewer windows; the others split by BN254's endomorphism into two points with
 * scalars below 2^127, ./glv.ts: 16-byte scalars, about 10-20% less than 32-byte ones at a
 * segment's few hundred distinct values).
 *
 * The additions and the MSM run in a WebAssembly instance of ffjavascript's own curve code,
 * with memory of its own: ffjavascript's single-threaded engine copies the bases into its
 * worker memory once per window and offers no bulk addition. The result is a point in
 * ffjavascript's jacobian form, like multiExpAffine's; the group element is the same as the
 * plain MSM's, so commitments, and proofs, do not change.
 */
import type { Bn128 } from "ffjavascript";
import { BETA, splitScalar } from "./glv.js";

const MASK64 = (1n << 64n) - 1n;
const PAGE = 1 << 16;
/** The Pippenger table of g1m_multiexpAffine: at most 2^17 jacobian points (96 bytes). */
const TABLE_BYTES = 96 << 17;

interface CurveExports {
  g1m_zero(p: number): void;
  g1m_addMixed(p: number, q: number, out: number): void;
  g1m_add(p: number, q: number, out: number): void;
  g1m_batchToAffine(from: number, n: number, to: number): void;
  f1m_mul(a: number, b: number, out: number): void;
  f1m_neg(a: number, out: number): void;
  f1m_toMontgomery(a: number, out: number): void;
  g1m_multiexpAffine(
    bases: number,
    scalars: number,
    scalarBytes: number,
    n: number,
    out: number,
  ): void;
}

interface Engine {
  readonly memory: WebAssembly.Memory;
  readonly exports: CurveExports;
  /** The first free byte after the code's own data (the allocator's pointer sits at 0). */
  readonly heap: number;
}

const engines = new WeakMap<Bn128, Engine | null>();

/** The curve's WebAssembly code, which ffjavascript keeps when it runs single-threaded. */
function curveCode(curve: Bn128): Uint8Array<ArrayBuffer> | undefined {
  const code = (curve as unknown as { tm?: { code?: unknown } }).tm?.code;
  return code instanceof Uint8Array ? new Uint8Array(code) : undefined;
}

function engineOf(curve: Bn128): Engine | null {
  let engine = engines.get(curve);
  if (engine !== undefined) return engine;
  const code = curveCode(curve);
  engine = null;
  if (code) {
    const memory = new WebAssembly.Memory({ initial: 64 });
    const instance = new WebAssembly.Instance(new WebAssembly.Module(code), {
      env: { memory },
    });
    const heap = new Uint32Array(memory.buffer, 0, 1)[0];
    engine = { memory, exports: instance.exports as unknown as CurveExports, heap };
  }
  engines.set(curve, engine);
  return engine;
}

function ensureMemory(memory: WebAssembly.Memory, bytes: number): void {
  const missing = Math.ceil((bytes - memory.buffer.byteLength) / PAGE);
  if (missing > 0) memory.grow(missing);
}

/** Non-zero values by distinct value: point[i] is i's group (-1 for zero). */
interface Groups {
  readonly distinct: bigint[];
  readonly point: Int32Array;
}

function groupEqual(values: readonly bigint[]): Groups {
  // Keyed by the low 52 bits as a number (V8 hashes BigInt keys badly: tens of microseconds a
  // lookup among a few thousand); values that share them are told apart by their short list.
  const groupsOf = new Map<number, number[]>();
  const distinct: bigint[] = [];
  const point = new Int32Array(values.length).fill(-1);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === 0n) continue;
    const key = Number(BigInt.asUintN(52, v));
    let candidates = groupsOf.get(key);
    if (candidates === undefined) groupsOf.set(key, (candidates = []));
    let g = candidates.find((c) => distinct[c] === v);
    if (g === undefined) {
      g = distinct.length;
      candidates.push(g);
      distinct.push(v);
    }
    point[i] = g;
  }
  return { distinct, point };
}

/** Every non-zero value on its own. */
function ungrouped(values: readonly bigint[]): Groups {
  const distinct: bigint[] = [];
  const point = new Int32Array(values.length).fill(-1);
  values.forEach((v, i) => {
    if (v !== 0n) point[i] = distinct.push(v) - 1;
  });
  return { distinct, point };
}

/**
 * Whether the additions pay: counted in point additions, a Pippenger window of about 8 bits
 * costs one per point, so a scalar costs about its bytes; grouping adds one per point.
 */
function worthGrouping(
  values: readonly bigint[],
  groups: Groups,
  scalarBytes: (v: bigint) => number,
) {
  let plain = 0;
  let nonZero = 0;
  for (let i = 0; i < values.length; i++) {
    if (groups.point[i] < 0) continue;
    nonZero++;
    plain += scalarBytes(values[i]);
  }
  let grouped = nonZero;
  for (const v of groups.distinct) grouped += scalarBytes(v);
  return grouped < plain;
}

/**
 * sum values[i] * bases[i] (affine bases, 64 bytes each in ffjavascript's form; values in
 * [0, p)), or undefined when this curve instance offers no code to run it on.
 */
export function groupedMsm(
  curve: Bn128,
  bases: Uint8Array,
  values: readonly bigint[],
  splitSmall: boolean,
): Uint8Array | undefined {
  const engine = engineOf(curve);
  if (!engine) return undefined;
  const scalarBytes = (v: bigint) => (splitSmall && v <= MASK64 ? 8 : 32);
  let groups = groupEqual(values);
  const summed = worthGrouping(values, groups, scalarBytes);
  if (!summed) groups = ungrouped(values);
  const { slot, small } = scalarSlots(groups.distinct, scalarBytes);
  const at = layOut(engine.heap, values.length, groups.distinct.length, small, summed);
  // batchToAffine takes n field elements of scratch, the MSM its table, both from `free`.
  ensureMemory(engine.memory, at.free + groups.distinct.length * 32 + TABLE_BYTES);
  const mem: Memory = {
    wasm: engine.exports,
    u8: new Uint8Array(engine.memory.buffer),
    view: new DataView(engine.memory.buffer),
  };
  if (summed) writeGroupSums(mem, at, bases, groups, slot);
  else copyDistinctBases(mem, at, bases, groups, slot);
  writeScalars(mem, at, groups.distinct, slot, small);
  return runMsms(mem, at, engine.heap, small, groups.distinct.length - small);
}

/**
 * Each distinct value's slot: small values (8-byte scalars) take the first slots, full-size
 * ones the rest, each in order of appearance. `small` counts the small ones.
 */
function scalarSlots(
  distinct: readonly bigint[],
  scalarBytes: (v: bigint) => number,
): { slot: Int32Array; small: number } {
  const n = distinct.length;
  const slot = new Int32Array(n);
  let small = 0;
  for (const v of distinct) if (scalarBytes(v) === 8) small++;
  let [nextSmall, nextLarge] = [0, small];
  for (let g = 0; g < n; g++) slot[g] = scalarBytes(distinct[g]) === 8 ? nextSmall++ : nextLarge++;
  return { slot, small };
}

/** Where everything sits in the engine's memory (byte addresses). */
interface Layout {
  /** The bases as given (when summed). */
  readonly bases: number;
  /** One jacobian sum per distinct value (when summed). */
  readonly sums: number;
  /** One affine point per distinct value, in slot order. */
  readonly affine: number;
  /** The small values' 8-byte scalars. */
  readonly scalars8: number;
  /** Two points (+-P, +-phi(P)) per full-size value, and their 16-byte scalars. */
  readonly split: number;
  readonly scalars16: number;
  /** BETA in Montgomery form. */
  readonly beta: number;
  /** Three jacobian points: the two MSMs and their sum. */
  readonly results: number;
  /** The first byte free for the engine's scratch. */
  readonly free: number;
}

/**
 * Memory: bases, one jacobian sum and one affine point per value, scalars, results; each
 * full-size value takes two points and two 16-byte scalars (./glv.ts), BETA its 32 bytes.
 */
function layOut(heap: number, nValues: number, n: number, small: number, summed: boolean): Layout {
  const large = n - small;
  const bases = heap;
  const sums = bases + nValues * 64;
  const affine = sums + (summed ? n * 96 : 0);
  const scalars8 = affine + n * 64;
  const split = scalars8 + small * 8;
  const scalars16 = split + large * 128;
  const beta = scalars16 + large * 32;
  const results = beta + 32;
  const free = results + 3 * 96;
  return { bases, sums, affine, scalars8, split, scalars16, beta, results, free };
}

/** The sum of the bases of each distinct value, made affine, at its slot. */
function writeGroupSums(
  { wasm, u8 }: Memory,
  at: Layout,
  bases: Uint8Array,
  { distinct, point }: Groups,
  slot: Int32Array,
): void {
  u8.set(bases.subarray(0, point.length * 64), at.bases);
  for (let g = 0; g < distinct.length; g++) wasm.g1m_zero(at.sums + slot[g] * 96);
  for (let i = 0; i < point.length; i++) {
    if (point[i] < 0) continue;
    const sum = at.sums + slot[point[i]] * 96;
    wasm.g1m_addMixed(sum, at.bases + i * 64, sum);
  }
  new Uint32Array(u8.buffer, 0, 1)[0] = at.free;
  wasm.g1m_batchToAffine(at.sums, distinct.length, at.affine);
}

/** Each non-zero value's base at its value's slot (every value its own group). */
function copyDistinctBases(
  { u8 }: Memory,
  at: Layout,
  bases: Uint8Array,
  { point }: Groups,
  slot: Int32Array,
): void {
  for (let i = 0; i < point.length; i++) {
    if (point[i] >= 0) u8.set(bases.subarray(i * 64, i * 64 + 64), at.affine + slot[point[i]] * 64);
  }
}

/** The small values as 8-byte scalars; each full-size one split in two (splitPoint). */
function writeScalars(
  mem: Memory,
  at: Layout,
  distinct: readonly bigint[],
  slot: Int32Array,
  small: number,
): void {
  writeInt(mem.view, at.results, BETA);
  mem.wasm.f1m_toMontgomery(at.results, at.beta);
  for (let g = 0; g < distinct.length; g++) {
    const v = distinct[g];
    if (slot[g] < small) {
      mem.view.setBigUint64(at.scalars8 + slot[g] * 8, v, true);
      continue;
    }
    const k = slot[g] - small;
    splitPoint(
      mem,
      at.affine + slot[g] * 64,
      at.beta,
      v,
      at.split + k * 128,
      at.scalars16 + k * 32,
    );
  }
}

/** The 8-byte MSM plus the 16-byte one, as a jacobian point; the allocator reset to `heap`. */
function runMsms(
  { wasm, u8 }: Memory,
  at: Layout,
  heap: number,
  small: number,
  large: number,
): Uint8Array {
  const allocator = new Uint32Array(u8.buffer, 0, 1);
  allocator[0] = at.free;
  wasm.g1m_multiexpAffine(at.affine, at.scalars8, 8, small, at.results);
  allocator[0] = at.free;
  wasm.g1m_multiexpAffine(at.split, at.scalars16, 16, 2 * large, at.results + 96);
  wasm.g1m_add(at.results, at.results + 96, at.results + 192);
  allocator[0] = heap;
  return u8.slice(at.results + 192, at.results + 288);
}

/** A value below 2^256 as 32 little-endian bytes at `at`. */
function writeInt(view: DataView, at: number, v: bigint): void {
  for (let k = 0; k < 4; k++) view.setBigUint64(at + 8 * k, (v >> BigInt(64 * k)) & MASK64, true);
}

/** The engine's exports and views of its memory (valid until the memory grows). */
interface Memory {
  readonly wasm: CurveExports;
  readonly u8: Uint8Array;
  readonly view: DataView;
}

/**
 * k P as k1 P + k2 phi(P) (./glv.ts): writes +-P and +-phi(P) (affine, 64 bytes each) at
 * `points` and |k1|, |k2| (16 bytes each) at `scalars`, a negative half negating its point.
 * phi(P) = (BETA x, y) in the engine's Montgomery form, BETA's at `beta`.
 */
function splitPoint(
  { wasm, u8, view }: Memory,
  p: number,
  beta: number,
  k: bigint,
  points: number,
  scalars: number,
): void {
  const [k1, k2] = splitScalar(k);
  u8.copyWithin(points, p, p + 32);
  wasm.f1m_mul(p, beta, points + 64);
  if (k1 < 0n) wasm.f1m_neg(p + 32, points + 32);
  else u8.copyWithin(points + 32, p + 32, p + 64);
  if (k2 < 0n) wasm.f1m_neg(p + 32, points + 96);
  else u8.copyWithin(points + 96, p + 32, p + 64);
  const a1 = k1 < 0n ? -k1 : k1;
  const a2 = k2 < 0n ? -k2 : k2;
  view.setBigUint64(scalars, a1 & MASK64, true);
  view.setBigUint64(scalars + 8, a1 >> 64n, true);
  view.setBigUint64(scalars + 16, a2 & MASK64, true);
  view.setBigUint64(scalars + 24, a2 >> 64n, true);
}
