/**
 * A dishonest or broken `bmc worker`, for the queue's tests: the production worker's pieces
 * (src/prove/fold/queue/worker.ts) put together with a change. `comRest`: every segment
 * result's comRest is replaced by another valid point of the curve (comRest + H: the
 * commitment to the same witness with the wrong blinding factor), which no format check can
 * tell apart; the coordinator must refuse it by checking the commitment itself. `throw`:
 * every job fails, as a worker with a bug would. `hang`: every job runs forever while the
 * worker's main thread goes on renewing the job's lock, as a worker whose job thread is stuck.
 *
 *   node dist/test/support/tampering-worker.js redis://HOST:PORT BUILD_DIR comRest|throw|hang
 *
 * Runs until SIGTERM (SIGKILL for `hang`: stopping waits for the running job); prints `ready` on
 * stdout when it is listening.
 */
import { buildBn128 } from "ffjavascript";
import { hidingGenerators } from "../../src/prove/fold/hiding.js";
import { openWorkerEnv, serveQueue } from "../../src/prove/fold/queue/worker.js";
import type { SegmentResultData } from "../../src/prove/fold/queue/wire.js";

const [url, buildDir, mode] = process.argv.slice(2);
const honest = await openWorkerEnv(buildDir, {});
const curve = await buildBn128(true);
const { H } = hidingGenerators(curve);

function tampered(point: string): string {
  const G = curve.G1;
  const p = G.fromRprUncompressed(Buffer.from(point, "base64"), 0);
  const out = Buffer.alloc(64);
  G.toRprUncompressed(out, 0, G.add(p, H));
  return out.toString("base64");
}

const serving = await serveQueue(url, {
  ...honest,
  name: `tampering:${process.pid}`,
  threads: 1,
  async runJob(data) {
    if (mode === "throw") throw new Error("this worker fails every job");
    if (mode === "hang") return new Promise<never>(() => {});
    const result = await honest.runJob(data);
    if (result.kind !== "segment") return { ...result, worker: `tampering:${process.pid}` };
    const segment: SegmentResultData = { ...result, worker: `tampering:${process.pid}` };
    return { ...segment, comRest: tampered(segment.comRest) };
  },
});
process.stdout.write("ready\n");
process.on("SIGTERM", () => {
  void serving.stop().then(async () => {
    await honest.close();
    await curve.terminate();
    process.exit(0);
  });
});
