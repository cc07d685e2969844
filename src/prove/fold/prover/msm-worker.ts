/**
 * The commitment thread of the folding prover (./msm-helper.ts): commitments over the SRS's
 * powers (shared memory), one request at a time, answered with the point or the error.
 */
import { workerData } from "node:worker_threads";
import { buildCurve } from "../curve-build.js";
import { srsCommitmentKey } from "../snark/commit.js";
import type { MsmRequest, MsmSetup } from "./msm-helper.js";

const { setup } = workerData as { setup: MsmSetup };
const curve = await buildCurve(setup.cacheDir);
const key = srsCommitmentKey({ curve, powersG1: setup.powersG1, digest: setup.digest });

setup.port.on("message", (request: MsmRequest) => {
  key.commit(request.values, request.offset).then(
    (point) => setup.port.postMessage({ id: request.id, point }),
    (error: unknown) =>
      setup.port.postMessage({
        id: request.id,
        error: error instanceof Error ? error.message : String(error),
      }),
  );
});
