/**
 * Commitments over the SRS: v commits to sum v_i tau^(offset+i) G1, an MSM over the powers
 * that skips zeros and runs scalars below 2^64 as 8-byte scalars (../curve.ts).
 */
import type { CommitmentKey } from "../commit.js";
import { msm, type MsmOptions, type Point } from "../curve.js";
import type { Srs } from "./srs.js";

/** A vector given by its non-zero entries: value[k] sits at index[k]. */
export interface SparseVector {
  readonly index: ArrayLike<number>;
  readonly value: readonly bigint[];
}

export async function commitVector(
  srs: Pick<Srs, "curve" | "powersG1">,
  values: readonly bigint[] | SparseVector,
  offset = 0,
  options: MsmOptions = {},
): Promise<Point> {
  const capacity = srs.powersG1.length / 64;
  if (Array.isArray(values)) {
    const dense = values as readonly bigint[];
    if (offset < 0 || offset + dense.length > capacity)
      throw new Error(
        `bmc internal error: committing ${dense.length} values at ${offset} with ${capacity} powers`,
      );
    return msm(srs.curve, srs.powersG1.subarray(offset * 64), dense, options);
  }
  const sparse = values as SparseVector;
  const n = sparse.value.length;
  const bases = new Uint8Array(n * 64);
  for (let k = 0; k < n; k++) {
    const i = offset + sparse.index[k];
    if (!Number.isInteger(i) || i < 0 || i >= capacity)
      throw new Error(`bmc internal error: committing at index ${i} with ${capacity} powers`);
    bases.set(srs.powersG1.subarray(i * 64, i * 64 + 64), k * 64);
  }
  return msm(srs.curve, bases, sparse.value, options);
}

/** The SRS as the folding code's CommitmentKey (id `kzg:<digest>`). */
export function srsCommitmentKey(
  srs: Pick<Srs, "curve" | "powersG1" | "digest">,
  options: MsmOptions = {},
): CommitmentKey {
  return {
    id: `kzg:${srs.digest}`,
    size: srs.powersG1.length / 64,
    commit: (values, offset = 0) => commitVector(srs, values, offset, options),
  };
}
