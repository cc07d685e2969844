/**
 * BN254 G1 for folding, over ffjavascript's WebAssembly: a single-threaded curve instance per
 * piece of work (worker threads gained nothing on two cores, and leave nothing behind), the
 * canonical byte encoding of points used in proof files, and multi-scalar multiplication that
 * skips zeros, adds up the points of equal scalars first (./grouped-msm.ts) and runs small
 * scalars (below 2^64, most of a block-model witness) as 8-byte scalars: ffjavascript's
 * Pippenger does one pass per window of scalar bits, so 8-byte scalars cost about a quarter of
 * 32-byte ones.
 */
import { buildBn128, type Bn128 } from "ffjavascript";
import { groupedMsm } from "./grouped-msm.js";

export type Point = Uint8Array;

export async function withCurve<T>(work: (curve: Bn128) => Promise<T>): Promise<T> {
  const curve = await buildBn128(true);
  try {
    return await work(curve);
  } finally {
    await curve.terminate();
  }
}

/** 64 bytes, x then y big-endian (ffjavascript's uncompressed form; infinity is flagged). */
export function pointBytes(curve: Bn128, p: Point): Buffer {
  const out = Buffer.alloc(64);
  curve.G1.toRprUncompressed(out, 0, p);
  return out;
}

export function encodePoint(curve: Bn128, p: Point): string {
  return pointBytes(curve, p).toString("hex");
}

/**
 * The inverse of pointBytes; undefined unless the 64 bytes are the canonical encoding of a
 * point of the group (coordinates below q, on the curve, or the flagged infinity).
 */
export function pointFromBytes(curve: Bn128, bytes: Uint8Array): Point | undefined {
  if (bytes.length !== 64) return undefined;
  let p: Point;
  try {
    p = curve.G1.fromRprUncompressed(bytes, 0);
  } catch {
    return undefined;
  }
  // BN254's G1 has cofactor 1: on the curve means in the group.
  if (!curve.G1.isZero(p) && !curve.G1.isValid(p)) return undefined;
  return pointBytes(curve, p).equals(bytes) ? p : undefined;
}

/** The inverse of encodePoint; undefined unless the text is the canonical encoding of a point. */
export function decodePoint(curve: Bn128, text: unknown): Point | undefined {
  if (typeof text !== "string" || !/^[0-9a-f]{128}$/.test(text)) return undefined;
  return pointFromBytes(curve, Buffer.from(text, "hex"));
}

const MASK64 = (1n << 64n) - 1n;

function writeScalar(view: DataView, at: number, v: bigint, bytes: 8 | 32): void {
  view.setBigUint64(at, v & MASK64, true);
  if (bytes === 32) {
    view.setBigUint64(at + 8, (v >> 64n) & MASK64, true);
    view.setBigUint64(at + 16, (v >> 128n) & MASK64, true);
    view.setBigUint64(at + 24, v >> 192n, true);
  }
}

export interface MsmOptions {
  /** Run scalars below 2^64 as a separate 8-byte MSM (default true). */
  readonly splitSmall?: boolean;
  /** Add up the points of equal scalars before the MSM (./grouped-msm.ts; default true). */
  readonly groupEqual?: boolean;
}

/**
 * sum values[i] * bases[i], with bases affine in ffjavascript's form (64 bytes each) and
 * values in [0, p).
 */
export async function msm(
  curve: Bn128,
  bases: Uint8Array,
  values: readonly bigint[],
  options: MsmOptions = {},
): Promise<Point> {
  if (bases.length < values.length * 64) {
    throw new Error(`bmc internal error: ${values.length} scalars, ${bases.length / 64} bases`);
  }
  const split = options.splitSmall ?? true;
  if (options.groupEqual ?? true) {
    const grouped = groupedMsm(curve, bases, values, split);
    if (grouped) return grouped;
  }
  const small: number[] = [];
  const large: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === 0n) continue;
    if (split && v <= MASK64) small.push(i);
    else large.push(i);
  }
  const run = async (indices: number[], bytes: 8 | 32): Promise<Point> => {
    if (indices.length === 0) return curve.G1.zero;
    const b = new Uint8Array(indices.length * 64);
    const s = new Uint8Array(indices.length * bytes);
    const view = new DataView(s.buffer);
    indices.forEach((i, k) => {
      b.set(bases.subarray(i * 64, i * 64 + 64), k * 64);
      writeScalar(view, k * bytes, values[i], bytes);
    });
    return curve.G1.multiExpAffine(b, s);
  };
  return curve.G1.add(await run(small, 8), await run(large, 32));
}

/** sum scalars[i] * points[i] for points in any ffjavascript form, scalars in [0, p). */
export async function linearCombination(
  curve: Bn128,
  points: readonly Point[],
  scalars: readonly bigint[],
): Promise<Point> {
  const G = curve.G1;
  const bases = new Uint8Array(points.length * 64);
  points.forEach((p, i) => bases.set(p.length === 64 ? p : G.toAffine(p), i * 64));
  return msm(curve, bases, scalars);
}
