/** The folding prover's inputs and options. */
import type { CircuitInputs } from "../../../witness/inputs.js";
import type { KeyOptions } from "../protocol.js";
import type { Rng } from "../hiding.js";
import type { SegmentExecutor } from "./jobs.js";
import type { FoldStats } from "./stats.js";

/** One segment's data before the challenges: its inputs and the public values known then. */
export interface SegmentInputs {
  /** Circuit inputs except a, b and u_in. */
  readonly inputs: CircuitInputs;
  readonly uIn: bigint;
  readonly uOut: bigint;
}

export interface FoldOptions extends KeyOptions {
  /** Filled with where the time went. */
  readonly stats?: FoldStats;
  /**
   * Where the blinding factors and the random instance come from: crypto.getRandomValues
   * unless a test passes a seeded stream (../hiding.ts seededRng) to reproduce a proof.
   */
  readonly rng?: Rng;
  /**
   * Threads for the per-segment jobs (witness, commitments, products): 1 (the default) runs
   * them in this thread, more on a pool of worker threads. The proof is the same either way.
   */
  readonly workers?: number;
  /**
   * Where the per-segment jobs run instead (`workers` is then ignored): a queue of remote
   * workers (../queue/coordinator.ts), which also decides the randomness when it resumes a run.
   */
  readonly executor?: SegmentExecutor;
}
