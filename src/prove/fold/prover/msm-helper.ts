/**
 * A second thread for commitments that do not wait on anything else (the random instance's,
 * drawn before the segments): on two cores they run beside the segment's witness and the
 * fold instead of after them. The points are the ones this thread would compute (the same
 * powers, the same code), so the proof does not depend on whether a helper ran.
 */
import type { Worker } from "node:worker_threads";
import type { Point } from "../curve.js";
import type { ProverContext } from "./context.js";
import { startThread } from "./pool.js";

export interface MsmSetup {
  /** The SRS's powers, in shared memory. */
  readonly powersG1: Uint8Array;
  readonly digest: string;
  readonly cacheDir?: string;
}

export interface MsmRequest {
  readonly id: number;
  readonly values: readonly bigint[];
  readonly offset: number;
}

/** Commits on another thread: `commit` answers as ctx.key.commit does. */
export interface MsmHelper {
  commit(values: readonly bigint[], offset?: number): Promise<Point>;
  close(): Promise<void>;
}

/** A helper thread over the context's SRS. */
export function startMsmHelper(ctx: ProverContext, cacheDir: string | undefined): MsmHelper {
  const powers = ctx.srs.powersG1;
  const powersG1 = new Uint8Array(new SharedArrayBuffer(powers.length));
  powersG1.set(powers);
  const setup: MsmSetup = { powersG1, digest: ctx.srs.digest, cacheDir };
  const worker: Worker = startThread("msm-worker", setup);
  const pending = new Map<number, { resolve(p: Point): void; reject(e: Error): void }>();
  let failure: Error | undefined;
  const fail = (e: Error) => {
    failure ??= new Error(`bmc internal error: the commitment thread failed: ${e.message}`);
    for (const p of pending.values()) p.reject(failure);
    pending.clear();
  };
  // Requests are held until the thread says it listens (see msm-worker.ts).
  let waiting: MsmRequest[] | undefined = [];
  const send = (request: MsmRequest) =>
    waiting ? waiting.push(request) : worker.postMessage(request);
  worker.on("message", (m: { ready?: true; id: number; point?: Uint8Array; error?: string }) => {
    if (m.ready) {
      const held = waiting ?? [];
      waiting = undefined;
      for (const request of held) worker.postMessage(request);
      return;
    }
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (m.point) p?.resolve(new Uint8Array(m.point));
    else p?.reject(new Error(`bmc internal error in the commitment thread: ${m.error}`));
  });
  worker.on("error", fail);
  worker.on("exit", (code) => code !== 0 && fail(new Error(`exit code ${code}`)));
  let next = 0;
  return {
    commit: (values, offset = 0) =>
      new Promise<Point>((resolve, reject) => {
        if (failure) return reject(failure);
        const id = next++;
        pending.set(id, { resolve, reject });
        send({ id, values, offset });
      }),
    async close() {
      worker.removeAllListeners("exit");
      await worker.terminate();
    },
  };
}
