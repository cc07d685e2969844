/**
 * `bmc prove --backend fold --queue redis://HOST:PORT`: the segment jobs on `bmc worker`
 * processes behind a Redis queue (docs/distributed.md). The coordinator checks every result
 * before folding it; the proof is verified too before it is handed out, since its jobs ran
 * in processes bmc does not control.
 */
import type { Manifest } from "../circuits/index.js";
import { diagnostic, type Diagnostic } from "../diagnostics/index.js";
import {
  foldSegments,
  verifyFold,
  type FoldCircuit,
  type FoldProof,
  type SegmentInputs,
} from "./fold/index.js";
import type { QueueStats } from "./fold/queue/coordinator.js";
import { QueueError } from "./fold/queue/redis.js";
import { WrongResultError } from "./fold/prover/result-checks.js";
import type { StatementBlock } from "./proof-file.js";
import { segmentPublicSignals } from "./statement.js";

export type { QueueStats } from "./fold/queue/coordinator.js";

export interface QueueProveOptions {
  readonly url: string;
  readonly ptau?: string;
  readonly cacheDir?: string;
  readonly onProgress?: (message: string) => void;
  /** How long one attempt at a job may run on a worker before the run stops (default 10 min). */
  readonly jobMs?: number;
}

export async function foldOnQueue(
  circuit: FoldCircuit,
  manifest: Manifest,
  statement: readonly StatementBlock[],
  segments: readonly SegmentInputs[],
  options: QueueProveOptions,
): Promise<{ proof?: FoldProof; queue?: QueueStats; diagnostics: Diagnostic[] }> {
  const { connectQueue } = await import("./fold/queue/coordinator.js");
  let coordinator;
  try {
    coordinator = await connectQueue({ url: options.url, jobMs: options.jobMs });
  } catch (error) {
    if (error instanceof QueueError) return { diagnostics: [diagnostic("BM0630", error.message)] };
    throw error;
  }
  try {
    const { ptau, cacheDir, onProgress } = options;
    const proof = await foldSegments(circuit, statement, segments, {
      executor: coordinator,
      ptau,
      cacheDir,
      onProgress,
    });
    onProgress?.("verify: the proof, before it is written (its jobs ran on other machines)");
    const verdict = await verifyFold(
      circuit,
      proof,
      (s, n) => segmentPublicSignals(manifest, s, n),
      {
        ptau,
        cacheDir,
      },
    );
    if (!verdict.valid) {
      // Every result was checked before it was folded: this is a bug in bmc, not a worker's.
      const message = `bmc internal error: the proof made with the queue does not verify (${verdict.reason}); it is not written`;
      return { queue: coordinator.stats, diagnostics: [diagnostic("BM0631", message)] };
    }
    await coordinator.finish();
    return { proof, queue: coordinator.stats, diagnostics: [] };
  } catch (error) {
    if (error instanceof WrongResultError)
      return {
        queue: coordinator.stats,
        diagnostics: [diagnostic("BM0631", `${error.message}; nothing of it was folded`)],
      };
    if (error instanceof QueueError)
      return { queue: coordinator.stats, diagnostics: [diagnostic("BM0630", error.message)] };
    throw error;
  } finally {
    await coordinator.close();
  }
}
