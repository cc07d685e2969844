/**
 * The commitment thread of the folding prover (./msm-helper.ts): commitments over the SRS's
 * powers (shared memory), one request at a time, answered with the point or the error.
 */
import { parentPort, workerData } from "node:worker_threads";
import { buildCurve } from "../curve-build.js";
import { srsCommitmentKey } from "../snark/commit.js";
import type { MsmRequest, MsmSetup } from "./msm-helper.js";

const { setup } = workerData as { setup: MsmSetup };
const curve = await buildCurve(setup.cacheDir);
const key = srsCommitmentKey({ curve, powersG1: setup.powersG1, digest: setup.digest });

parentPort!.on("message", (request: MsmRequest) => {
  key.commit(request.values, request.offset).then(
    (point) => parentPort!.postMessage({ id: request.id, point }),
    (error: unknown) =>
      parentPort!.postMessage({
        id: request.id,
        error: error instanceof Error ? error.message : String(error),
      }),
  );
});
// Requests wait for this: ffjavascript's web-worker shim takes any message that comes before
// the handler above exists.
parentPort!.postMessage({ ready: true });
