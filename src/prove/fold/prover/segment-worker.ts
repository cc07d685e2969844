/**
 * A worker thread of the folding prover's pool (./pool.ts): it loads what a segment job needs
 * once (a curve instance from the pinned cached module, the commitment key's powers, the R1CS,
 * the witness generator) and then runs jobs (comPre, or a segment's job), one at a time,
 * answering each with its result or its error as plain data.
 */
import { parentPort, workerData } from "node:worker_threads";
import { WitnessError } from "../../../witness/calculator.js";
import { buildCurve } from "../curve-build.js";
import { hidingGenerators } from "../hiding.js";
import { FoldError } from "../protocol.js";
import { srsCommitmentKey } from "../snark/commit.js";
import { runPreJob } from "./pre-challenge.js";
import { runSegmentJob, type SegmentEnv } from "./segment-job.js";
import type { WorkerError, WorkerRequest, WorkerSetup } from "./pool.js";

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
