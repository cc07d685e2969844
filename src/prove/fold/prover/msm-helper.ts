/**
 * A second thread for commitments that do not wait on anything else (the random instance's,
 * drawn before the segments): on two cores they run beside the segment's witness and the
 * fold instead of after them. The points are the ones this thread would compute (the same
 * powers, the same code), so the proof does not depend on whether a helper ran.
 */
import { MessageChannel, type MessagePort, type Worker } from "node:worker_threads";
import type { Point } from "../curve.js";
import type { ProverContext } from "./context.js";
import { startThread } from "./pool.js";

export interface MsmSetup {
  /** The SRS's powers, in shared memory. */
  readonly powersG1: Uint8Array;
  readonly digest: string;
  readonly cacheDir?: string;
  /**
   * The requests' channel. Not the thread's parentPort: ffjavascript's web-worker shim takes
   * any message that reaches parentPort before the thread's handler exists, while a port
   * holds its messages until a handler is attached, so requests go out as soon as they are
   * made, even while this thread is busy when the helper becomes ready.
   */
  readonly port: MessagePort;
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
  const { port1, port2 } = new MessageChannel();
  const setup: MsmSetup = { powersG1, digest: ctx.srs.digest, cacheDir, port: port2 };
  const worker: Worker = startThread("msm-worker", setup, [port2]);
  const pending = new Map<number, { resolve(p: Point): void; reject(e: Error): void }>();
  let failure: Error | undefined;
  const fail = (e: Error) => {
    failure ??= new Error(`bmc internal error: the commitment thread failed: ${e.message}`);
    for (const p of pending.values()) p.reject(failure);
    pending.clear();
  };
  port1.on("message", (m: { id: number; point?: Uint8Array; error?: string }) => {
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
        port1.postMessage({ id, values, offset } satisfies MsmRequest);
      }),
    async close() {
      worker.removeAllListeners("exit");
      port1.close();
      await worker.terminate();
    },
  };
}
