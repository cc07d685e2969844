/** Where the folding prover's time goes, for benchmarks. */

/**
 * Milliseconds per stage and counts of committed values. With worker threads, the per-segment
 * figures (witness, witness commitments, products) are summed over the workers, so they can
 * exceed the wall-clock time.
 */
export interface FoldStats {
  generatorsMs: number;
  witnessMs: number;
  /** Commitments to the private inputs (pre-challenge) and to the internal wires. */
  commitWitnessMs: number;
  commitWitnessPoints: number;
  /** Witness entries that are zero (the MSM skips them). */
  commitWitnessZeros: number;
  /** A z, B z, C z of each segment and the cross terms. */
  crossTermMs: number;
  /** Commitments to the cross terms (full-size scalars: the main cost). */
  commitCrossTermMs: number;
  commitCrossTermPoints: number;
  /** Cross-term entries that are zero, and that are below 2^64 (cheaper in the MSM). */
  crossTermZeros: number;
  crossTermSmall: number;
  /** Folding instances, witnesses and products. */
  foldMs: number;
  /** The zero-knowledge layer: the random instance, its commitments and its fold. */
  zkMs: number;
  /** The final step (compression of the folded instance). */
  finalMs: number;
}

export function emptyFoldStats(): FoldStats {
  return {
    generatorsMs: 0,
    witnessMs: 0,
    commitWitnessMs: 0,
    commitWitnessPoints: 0,
    commitWitnessZeros: 0,
    crossTermMs: 0,
    commitCrossTermMs: 0,
    commitCrossTermPoints: 0,
    crossTermZeros: 0,
    crossTermSmall: 0,
    foldMs: 0,
    zkMs: 0,
    finalMs: 0,
  };
}
