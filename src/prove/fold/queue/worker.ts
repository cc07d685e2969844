/**
 * A worker of the queue (`bmc worker`): it loads a build folder and its commitment key once,
 * listens on its build's queue, and runs each job on its own threads (../prover/pool.ts), so
 * that its main thread stays free to keep the job's lock in Redis alive. A job for another
 * build is refused at once (not retried): its result would be checked and thrown away.
 *
 * openWorkerEnv (what a job runs against) and serveQueue (taking jobs from Redis) are apart so
 * that a test can put a dishonest worker together from them (test/support/).
 */
import { hostname } from "node:os";
import type { Job } from "bullmq";
import { loadManifest } from "../../build-folder.js";
import { defaultCacheDir } from "../../ptau.js";
import { buildCurve } from "../curve-build.js";
import { foldKey, loadFoldCircuit } from "../protocol.js";
import { threadPool, workerSetup } from "../prover/pool.js";
import type { PreResult } from "../prover/pre-challenge.js";
import type { SegmentResult } from "../prover/segment-job.js";
import { connectionOf, optionalPackage, redisClient, withDeadline } from "./redis.js";
import {
  buildDigest,
  decodeJob,
  preResultData,
  queueName,
  segmentResultData,
  WireError,
  type ResultData,
} from "./wire.js";

/** A job this worker will not run, whoever asks again: another build, another format. */
export class RefusedJob extends Error {}

export interface WorkerEnv {
  readonly build: string;
  /** This worker as results and progress name it: host:pid. */
  readonly name: string;
  readonly threads: number;
  runJob(data: unknown): Promise<ResultData>;
  close(): Promise<void>;
}

export interface WorkerEnvOptions {
  readonly ptau?: string;
  readonly cacheDir?: string;
  readonly threads?: number;
  readonly onProgress?: (message: string) => void;
}

/** The build folder's circuit and key, and threads to run its jobs on. */
export async function openWorkerEnv(
  buildDir: string,
  options: WorkerEnvOptions,
): Promise<WorkerEnv> {
  const circuit = loadFoldCircuit(buildDir, loadManifest(buildDir));
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const curve = await buildCurve(cacheDir);
  try {
    const { srs } = await foldKey(curve, circuit, options);
    const build = buildDigest(circuit, srs.digest);
    const threads = options.threads ?? 1;
    const pool = threadPool(workerSetup({ circuit, srs }, cacheDir), threads);
    const name = `${hostname()}:${process.pid}`;
    return {
      build,
      name,
      threads,
      async runJob(data) {
        let decoded;
        try {
          decoded = decodeJob(data);
        } catch (error) {
          if (error instanceof WireError) throw new RefusedJob(`not a job: ${error.message}`);
          throw error;
        }
        if (decoded.build !== build)
          throw new RefusedJob(
            `the job is for build ${decoded.build.slice(0, 12)}, this worker has ${build.slice(0, 12)}`,
          );
        const names = { build, run: decoded.run, worker: name };
        if (decoded.kind === "pre")
          return preResultData(names, await pool.run<PreResult>({ kind: "pre", job: decoded.job }));
        const result = await pool.run<SegmentResult>({ kind: "segment", job: decoded.job });
        return segmentResultData(names, result);
      },
      close: () => pool.close(),
    };
  } finally {
    await curve.terminate();
  }
}

export interface ServeOptions {
  /**
   * How long a job's lock lasts without renewal (default 30 s): a worker that dies holding a
   * job gives it back to the queue this long after (the other workers look as often).
   */
  readonly lockMs?: number;
  readonly onJob?: (event: { job: string; segment: number; kind: string; outcome: string }) => void;
}

export interface Serving {
  /** Jobs done and failed so far. */
  readonly counts: { done: number; failed: number };
  /** Stops taking jobs, lets the running ones finish, and disconnects. */
  stop(): Promise<void>;
}

/** Takes `env`'s build's jobs from the queue at `url` until stopped. */
export async function serveQueue(
  url: string,
  env: WorkerEnv,
  options: ServeOptions = {},
): Promise<Serving> {
  const { Worker, UnrecoverableError } = await optionalPackage("bullmq", () => import("bullmq"));
  const connection = await redisClient(connectionOf(url));
  const lockMs = options.lockMs ?? 30_000;
  const counts = { done: 0, failed: 0 };
  const report = (job: Job | undefined, outcome: string) =>
    job &&
    options.onJob?.({
      job: job.id ?? "",
      segment: (job.data as { index?: number }).index ?? -1,
      kind: job.name,
      outcome,
    });
  const worker = new Worker(
    queueName(env.build),
    async (job: Job) => {
      report(job, "started");
      try {
        return await env.runJob(job.data);
      } catch (error) {
        if (error instanceof RefusedJob) throw new UnrecoverableError(error.message);
        throw error;
      }
    },
    {
      connection,
      name: env.name,
      concurrency: env.threads,
      lockDuration: lockMs,
      stalledInterval: lockMs,
      // A job whose worker died is given back twice; a third time, it fails the run.
      maxStalledCount: 2,
      autorun: false,
    },
  );
  worker.on("error", () => {});
  worker.on("completed", (job) => (counts.done++, report(job, "done")));
  worker.on("failed", (job, error) => (counts.failed++, report(job, `failed: ${error.message}`)));
  worker.run().catch(() => {});
  try {
    await withDeadline(worker.waitUntilReady(), 5_000, `cannot reach Redis at ${url}`);
  } catch (error) {
    // ioredis would go on reconnecting, and keep the process alive.
    connection.disconnect();
    await worker.close(true).catch(() => {});
    throw error;
  }
  return {
    counts,
    stop: async () => {
      await worker.close();
      connection.disconnect();
    },
  };
}
