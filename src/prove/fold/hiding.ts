/**
 * What makes folded proofs zero-knowledge: randomness and the generators of the hiding
 * commitments.
 *
 * Randomness comes from crypto.getRandomValues. The library takes an `Rng` parameter so that a
 * test can make a proof reproducible (seededRng); nothing on the command line reaches it.
 *
 * The hiding generators H (blinding), G_A, G_B, G_u (the segment accumulators) are hashed to
 * the curve from the label `bmc-fold-zk-v2` (indices 0..3, the derivation of ./commit.ts), so
 * nobody knows a discrete-log relation between them and the commitment key. Four points take
 * under a millisecond: they are derived on every use, never read from a cache.
 */
import { createHash } from "node:crypto";
import type { Bn128 } from "ffjavascript";
import { P } from "../../field/index.js";
import { deriveGenerators } from "./commit.js";
import type { Point } from "./curve.js";

/** Returns `bytes` random bytes. */
export type Rng = (bytes: number) => Uint8Array;

export const cryptoRng: Rng = (bytes) => crypto.getRandomValues(new Uint8Array(bytes));

/**
 * A deterministic stream (SHA-256 of seed and counter). With a seed a test chooses, a proof
 * is reproducible and therefore NOT zero-knowledge; the queue (./queue/coordinator.ts) seeds
 * it with 32 secret random bytes, kept in Redis, so that a run started again draws the same.
 */
export function seededRng(seed: string): Rng {
  let counter = 0;
  return (bytes) => {
    const out = new Uint8Array(bytes);
    for (let at = 0; at < bytes; at += 32) {
      const block = createHash("sha256").update(`${seed}\u0000${counter++}`).digest();
      out.set(block.subarray(0, Math.min(32, bytes - at)), at);
    }
    return out;
  };
}

/** A uniform field element: 64 random bytes reduced mod p (bias below 2^-250). */
export function randomScalar(rng: Rng): bigint {
  return BigInt(`0x${Buffer.from(rng(64)).toString("hex")}`) % P;
}

/** 64 big-endian bytes at `at` as an integer (randomScalar's reading, without hex). */
function bigEndian512(view: DataView, at: number): bigint {
  let v = 0n;
  for (let k = 0; k < 64; k += 8) v = (v << 64n) | view.getBigUint64(at + k);
  return v;
}

/** Scalars drawn in batches, one rng call per SCALAR_BATCH (a proof draws thousands). */
const SCALAR_BATCH = 256;

/**
 * randomScalar(rng) again and again, the same values in the same order (64 bytes each, taken
 * from the stream in order; seededRng's stream does not depend on how it is cut), with one
 * rng call per batch of scalars.
 */
export function randomScalars(rng: Rng): () => bigint {
  let view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  let at = 0;
  return () => {
    if (at >= view.byteLength) {
      const bytes = rng(64 * SCALAR_BATCH);
      view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      at = 0;
    }
    const v = bigEndian512(view, at) % P;
    at += 64;
    return v;
  };
}

export const HIDING_LABEL = "bmc-fold-zk-v2";

export interface HidingGenerators {
  /** The blinding generator of every hiding commitment. */
  readonly H: Point;
  /** The segment accumulators: D_i = A_i G_A + B_i G_B + u_out_i G_u + rho_i H. */
  readonly GA: Point;
  readonly GB: Point;
  readonly Gu: Point;
}

export function hidingGenerators(curve: Bn128): HidingGenerators {
  const bytes = deriveGenerators(curve, HIDING_LABEL, 0, 4);
  const [H, GA, GB, Gu] = [0, 1, 2, 3].map((i) => curve.G1.fromRprUncompressed(bytes, i * 64));
  return { H, GA, GB, Gu };
}
