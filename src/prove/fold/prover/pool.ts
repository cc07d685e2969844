/**
 * A proof's jobs on a pool of worker threads (./segment-worker.ts): first every segment's
 * comPre, then every segment's job. Jobs are handed out in segment order to whichever worker
 * is free, and their results come back in segment order, at most a few ahead of the stage
 * that consumes them (a segment job's result holds its witness and products).
 */
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker, type TransferListItem } from "node:worker_threads";
import { WitnessError } from "../../../witness/calculator.js";
import { FoldError } from "../protocol.js";
import type { ProverContext } from "./context.js";
import type { JobRunner } from "./jobs.js";
import { addJobStats, isEnd, type PreJob, type PreResult } from "./pre-challenge.js";
import type { SegmentEnv, SegmentJob, SegmentResult } from "./segment-job.js";

/** What every worker gets once. */
export interface WorkerSetup {
  readonly circuit: SegmentEnv["circuit"];
  /** The key's powers a segment uses (its witness's length), in shared memory. */
  readonly powersG1: Uint8Array;
  readonly digest: string;
  /** Where the pinned curve module is cached (../curve-build.ts): no thread generates it. */
  readonly cacheDir: string;
}

/** What a worker is asked to run. */
export type WorkerRequest =
  | { readonly kind: "pre"; readonly job: PreJob }
  | { readonly kind: "segment"; readonly job: SegmentJob };

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
 * A worker script of this folder (`name` without extension): the compiled one next to this
 * file, or, when bmc runs from its TypeScript sources (its tests), the source loaded through
 * tsx (a dev dependency).
 */
export function startThread(
  name: "segment-worker" | "msm-worker",
  setup: unknown,
  transferList: TransferListItem[] = [],
): Worker {
  // ffjavascript loads the web-worker package, which, in any worker thread, imports the module
  // its workerData names: name an empty one, and pass the setup beside it.
  const workerData = { mod: "data:text/javascript,", type: "module", setup };
  if (!import.meta.url.endsWith(".ts"))
    return new Worker(new URL(`./${name}.js`, import.meta.url), { workerData, transferList });
  const tsx = pathToFileURL(
    createRequire(import.meta.url)
      .resolve("tsx/esm/api")
      .replace(/\.cjs$/, ".mjs"),
  ).href;
  const script = new URL(`./${name}.ts`, import.meta.url).href;
  const boot = `import(${JSON.stringify(tsx)}).then((m) => (m.register(), import(${JSON.stringify(script)})));`;
  return new Worker(boot, { eval: true, workerData, transferList });
}

interface Task {
  readonly request: WorkerRequest;
  resolve(result: unknown): void;
  reject(error: Error): void;
}

class Pool {
  private readonly queue: Task[] = [];
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Task>();
  private failure?: Error;

  constructor(private readonly workers: Worker[]) {
    for (const w of workers) {
      w.on("message", (m: { ready?: true; result?: unknown; error?: WorkerError }) => {
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

  run<R>(request: WorkerRequest): Promise<R> {
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.queue.push({ request, resolve: resolve as (r: unknown) => void, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.idle.length && this.queue.length) {
      const w = this.idle.pop()!;
      const task = this.queue.shift()!;
      this.busy.set(w, task);
      w.postMessage(task.request);
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

/** What the threads of a pool share: the circuit and the key's powers a segment uses. */
export function workerSetup(
  ctx: Pick<ProverContext, "circuit" | "srs">,
  cacheDir: string,
): WorkerSetup {
  const { r1cs, jsDir, wasmFile, nPublic, nPre, nRest } = ctx.circuit;
  // The private inputs and the internal wires are both committed from power 0.
  const used = ctx.srs.powersG1.subarray(0, Math.max(nPre, nRest) * 64);
  const powersG1 = new Uint8Array(new SharedArrayBuffer(used.length));
  powersG1.set(used);
  return {
    circuit: { r1cs, jsDir, wasmFile, nPublic, nPre },
    powersG1,
    digest: ctx.srs.digest,
    cacheDir,
  };
}

/** Jobs on `count` threads, in the order they are asked for (`bmc worker` runs its jobs so). */
export interface ThreadPool {
  run<R>(request: WorkerRequest): Promise<R>;
  close(): Promise<void>;
}

export function threadPool(setup: WorkerSetup, count: number): ThreadPool {
  return new Pool(Array.from({ length: count }, () => startThread("segment-worker", setup)));
}

/** Results of `start` for every item, in order, at most `ahead` started before consumed. */
async function* inOrder<T, R>(
  items: readonly T[],
  ahead: number,
  start: (item: T) => Promise<R>,
): AsyncGenerator<R> {
  const pending: Promise<R>[] = [];
  let next = 0;
  for (let i = 0; i < items.length; i++) {
    for (; next < items.length && next < i + ahead; next++) {
      const result = start(items[next]);
      // Awaited in order below; a later job's failure must not go unhandled meanwhile.
      result.catch(() => {});
      pending[next] = result;
    }
    const result = await pending[i];
    delete pending[i];
    yield result;
  }
}

/** The jobs on `count` worker threads. */
export function workerRunner(ctx: ProverContext, count: number, cacheDir: string): JobRunner {
  const setup = workerSetup(ctx, cacheDir);
  const pool = new Pool(Array.from({ length: count }, () => startThread("segment-worker", setup)));
  const ahead = 2 * count;
  return {
    pre: (jobs) => inOrder(jobs, ahead, (job) => pool.run<PreResult>({ kind: "pre", job })),
    async *segments(jobs) {
      const results = inOrder(jobs, ahead, (job) =>
        pool.run<SegmentResult>({ kind: "segment", job }),
      );
      let i = 0;
      for await (const result of results) {
        ctx.progress(`witness: segment ${i + 1}/${jobs.length}`, isEnd(i++, jobs.length));
        addJobStats(ctx, result.stats);
        yield result;
      }
    },
    close: () => pool.close(),
  };
}
