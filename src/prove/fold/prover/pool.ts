/**
 * Segment jobs on a pool of worker threads (./segment-worker.ts). Jobs are handed out in
 * segment order to whichever worker is free, and their results come back in segment order,
 * at most a few ahead of the fold that consumes them (each holds a segment's witness and
 * products).
 */
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { WitnessError } from "../../../witness/calculator.js";
import { FoldError } from "../protocol.js";
import type { ProverContext } from "./context.js";
import { addJobStats } from "./jobs.js";
import { isEnd } from "./pre-challenge.js";
import type { SegmentEnv, SegmentJob, SegmentResult } from "./segment-job.js";

/** What every worker gets once. */
export interface WorkerSetup {
  readonly circuit: SegmentEnv["circuit"];
  /** The key's powers a segment uses (its witness's length), in shared memory. */
  readonly powersG1: Uint8Array;
  readonly digest: string;
}

export interface WorkerError {
  readonly kind: "witness" | "fold" | "other";
  readonly message: string;
  readonly template?: string;
  readonly line?: number;
}

function errorOf(e: WorkerError): Error {
  if (e.kind === "witness") return new WitnessError(e.message, e.template, e.line);
  if (e.kind === "fold") return new FoldError(e.message);
  return new Error(`bmc internal error in a prover thread: ${e.message}`);
}

/**
 * The worker script: the compiled one next to this file, or, when bmc runs from its
 * TypeScript sources (its tests), the source loaded through tsx (a dev dependency).
 */
function startWorker(setup: WorkerSetup): Worker {
  // ffjavascript loads the web-worker package, which, in any worker thread, imports the module
  // its workerData names: name an empty one, and pass the setup beside it.
  const workerData = { mod: "data:text/javascript,", type: "module", setup };
  if (!import.meta.url.endsWith(".ts"))
    return new Worker(new URL("./segment-worker.js", import.meta.url), { workerData });
  const tsx = pathToFileURL(
    createRequire(import.meta.url)
      .resolve("tsx/esm/api")
      .replace(/\.cjs$/, ".mjs"),
  ).href;
  const script = new URL("./segment-worker.ts", import.meta.url).href;
  const boot = `import(${JSON.stringify(tsx)}).then((m) => (m.register(), import(${JSON.stringify(script)})));`;
  return new Worker(boot, { eval: true, workerData });
}

interface Task {
  readonly job: SegmentJob;
  resolve(result: SegmentResult): void;
  reject(error: Error): void;
}

class Pool {
  private readonly queue: Task[] = [];
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Task>();
  private failure?: Error;

  constructor(private readonly workers: Worker[]) {
    for (const w of workers) {
      w.on("message", (m: { ready?: true; result?: SegmentResult; error?: WorkerError }) => {
        const task = this.busy.get(w);
        this.busy.delete(w);
        if (m.result) task?.resolve(m.result);
        else if (m.error) task?.reject(errorOf(m.error));
        this.idle.push(w);
        this.dispatch();
      });
      w.on("error", (e) => this.fail(e));
      w.on("exit", (code) => code !== 0 && this.fail(new Error(`exit code ${code}`)));
    }
  }

  run(job: SegmentJob): Promise<SegmentResult> {
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.queue.push({ job, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.idle.length && this.queue.length) {
      const w = this.idle.pop()!;
      const task = this.queue.shift()!;
      this.busy.set(w, task);
      w.postMessage(task.job);
    }
  }

  private fail(e: Error): void {
    this.failure ??= new Error(`bmc internal error: a prover thread failed: ${e.message}`);
    for (const task of [...this.queue, ...this.busy.values()]) task.reject(this.failure);
    this.queue.length = 0;
    this.busy.clear();
  }

  async close(): Promise<void> {
    for (const w of this.workers) w.removeAllListeners("exit");
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

function workerSetup(ctx: ProverContext): WorkerSetup {
  const { r1cs, jsDir, wasmFile, nPublic, nPre, restOffset } = ctx.circuit;
  const used = ctx.srs.powersG1.subarray(0, 2 * restOffset * 64);
  const powersG1 = new Uint8Array(new SharedArrayBuffer(used.length));
  powersG1.set(used);
  return {
    circuit: { r1cs, jsDir, wasmFile, nPublic, nPre, restOffset },
    powersG1,
    digest: ctx.srs.digest,
  };
}

/** The jobs on `count` worker threads, each result in segment order. */
export async function* runJobsInWorkers(
  ctx: ProverContext,
  jobs: readonly SegmentJob[],
  count: number,
): AsyncGenerator<SegmentResult> {
  const setup = workerSetup(ctx);
  const pool = new Pool(
    Array.from({ length: Math.min(count, jobs.length) }, () => startWorker(setup)),
  );
  const ahead = 2 * count;
  const pending = new Map<number, Promise<SegmentResult>>();
  let next = 0;
  try {
    for (let i = 0; i < jobs.length; i++) {
      for (; next < jobs.length && next < i + ahead; next++) {
        const result = pool.run(jobs[next]);
        // Awaited in order below; a later job's failure must not go unhandled meanwhile.
        result.catch(() => {});
        pending.set(next, result);
      }
      ctx.progress(`witness: segment ${i + 1}/${jobs.length}`, isEnd(i, jobs.length));
      const result = await pending.get(i)!;
      pending.delete(i);
      addJobStats(ctx, result);
      yield result;
    }
  } finally {
    await pool.close();
  }
}
