/**
 * A worker thread of the folding prover's pool (./pool.ts): it loads what a segment job needs
 * once (a curve instance from the pinned cached module, the commitment key's powers, the R1CS,
 * the witness generator) and then runs jobs (comPre, or a segment's job), one at a time,
 * answering each with its result or its error as plain data.
 *
 * It runs a little nicer than the thread that started it. The fold (cross terms, their
 * commitments, the folds, one segment after the other) is the proof's critical path, and the
 * jobs only have to keep ahead of it: with two job threads and the fold on two cores, a fair
 * scheduler gives each thread two thirds of a core, so the fold falls behind while the job
 * threads wait with their results, and the cores idle between. Nicer job threads leave the
 * fold a whole core when it has work, and take the rest.
 */
import { getPriority, setPriority } from "node:os";
import { parentPort, workerData } from "node:worker_threads";
import { WitnessError } from "../../../witness/calculator.js";
import { buildCurve } from "../curve-build.js";
import { hidingGenerators } from "../hiding.js";
import { FoldError } from "../protocol.js";
import { srsCommitmentKey } from "../snark/commit.js";
import { runPreJob } from "./pre-challenge.js";
import { runSegmentJob, type SegmentEnv } from "./segment-job.js";
import type { WorkerError, WorkerRequest, WorkerSetup } from "./pool.js";

/**
 * How much nicer than its parent a job thread runs: on Linux a thread of its own (scheduler
 * weight 335 against 1024); where the whole process becomes nicer, nothing changes among its
 * threads.
 */
const NICER = 5;

try {
  setPriority(Math.min(19, getPriority() + NICER));
} catch {
  // Not allowed here: the thread keeps its parent's priority.
}

const { setup } = workerData as { setup: WorkerSetup };
const curve = await buildCurve(setup.cacheDir);
const env: SegmentEnv = {
  curve,
  circuit: setup.circuit,
  key: srsCommitmentKey({ curve, powersG1: setup.powersG1, digest: setup.digest }),
  gens: hidingGenerators(curve),
};

function describe(error: unknown): WorkerError {
  if (error instanceof WitnessError)
    return { kind: "witness", message: error.message, template: error.template, line: error.line };
  if (error instanceof FoldError) return { kind: "fold", message: error.message };
  return { kind: "other", message: error instanceof Error ? error.message : String(error) };
}

parentPort!.on("message", (request: WorkerRequest) => {
  const running =
    request.kind === "pre" ? runPreJob(env, request.job) : runSegmentJob(env, request.job);
  running.then(
    (result) => parentPort!.postMessage({ result }),
    (error: unknown) => parentPort!.postMessage({ error: describe(error) }),
  );
});
parentPort!.postMessage({ ready: true });
