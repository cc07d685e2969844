/**
 * The coordinator of a proof over a queue: a SegmentExecutor whose jobs (each segment's comPre,
 * then each segment's witness and commitments) run on `bmc worker` processes anywhere, through
 * a BullMQ queue on Redis (docs/distributed.md). Folding stays here, in segment order.
 *
 * Every result is checked before it is folded (../prover/result-checks.ts). A run is keyed by
 * the build's and the transcript's digests: its randomness comes from a seed kept in Redis
 * under that key, so a coordinator started again on the same transcript draws the same
 * blinding factors, derives the same challenges, and so names the same jobs (their ids come
 * from the run and the segment), whose results are taken as they are, done.
 *
 * bullmq is loaded only here, and only when a proof asks for a queue.
 */
import { createHash, randomBytes } from "node:crypto";
import type { Job, Queue } from "bullmq";
import { seededRng } from "../hiding.js";
import type { ProverContext } from "../prover/context.js";
import type { JobRunner, ProofRun, SegmentExecutor } from "../prover/jobs.js";
import { addJobStats, isEnd, type PreJob, type PreResult } from "../prover/pre-challenge.js";
import {
  checkPreResults,
  checkRestCommitments,
  checkSegmentResult,
  WrongResultError,
} from "../prover/result-checks.js";
import type { SegmentJob, SegmentResult } from "../prover/segment-job.js";
import { connectionOf, optionalPackage, QueueError, redisClient, withDeadline } from "./redis.js";
import {
  buildDigest,
  decodeResult,
  preJobData,
  queueName,
  segmentJobData,
  WireError,
  type JobData,
} from "./wire.js";

export interface QueueOptions {
  /** redis://[:PASSWORD@]HOST[:PORT][/DB] */
  readonly url: string;
  /** How long Redis may go without answering before the run stops (default 60 s). */
  readonly unreachableMs?: number;
  /** Segment results checked at once by one random combination (default 8). */
  readonly batch?: number;
  /** How often to look for the result waited on (default 50 ms). */
  readonly pollMs?: number;
  /**
   * How long one attempt at a job may run on a worker before the run stops (default 10 min). A
   * worker that hangs in a job while its main thread goes on renewing the job's lock is never
   * seen as stalled by BullMQ: without this bound the run would wait for it forever.
   */
  readonly jobMs?: number;
}

/** What the queue did for one proof (`bmc prove --queue --json` prints it). */
export interface QueueStats {
  /** Jobs of this run: one comPre and one segment job per segment. */
  jobs: number;
  /** Of them, found done already (a coordinator started again resumes). */
  reused: number;
  /** Put on the queue again because Redis had lost them (restarted without persistence). */
  requeued: number;
  /** Segment results taken, per worker (as the worker names itself). */
  workers: Record<string, number>;
  /** Waiting for results, and checking them. */
  waitMs: number;
  checkMs: number;
}

export interface QueueCoordinator extends SegmentExecutor {
  readonly stats: QueueStats;
  /** After the proof is made and verified: the run's jobs and seed leave Redis. */
  finish(): Promise<void>;
  close(): Promise<void>;
}

const JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: "fixed", delay: 500 },
  removeOnComplete: false,
  removeOnFail: false,
} as const;

const sha256 = (...parts: string[]) =>
  createHash("sha256").update(parts.join("\u0000")).digest("hex");

/** A digest of what is proved: the statement and every segment's inputs. */
function transcriptDigest(run: ProofRun): string {
  const h = createHash("sha256");
  const text = (v: unknown) => JSON.stringify(v, (_, x) => (typeof x === "bigint" ? `${x}` : x));
  h.update(text(run.statement));
  for (const s of run.segments) h.update(text([s.inputs, s.uIn, s.uOut]));
  return h.digest("hex");
}

/** Connects to Redis (and fails soon, clearly, when it cannot). */
export async function connectQueue(options: QueueOptions): Promise<QueueCoordinator> {
  const { Queue } = await optionalPackage("bullmq", () => import("bullmq"));
  const connection = await redisClient(connectionOf(options.url));
  const unreachableMs = options.unreachableMs ?? 60_000;
  const redis = <T>(work: () => Promise<T>) =>
    withDeadline(work(), unreachableMs, `Redis at ${options.url} has not answered`);
  let queue: Queue | undefined;
  const stats: QueueStats = { jobs: 0, reused: 0, requeued: 0, workers: {}, waitMs: 0, checkMs: 0 };
  const first = new Queue("bmc-fold-connect", { connection });
  // ioredis reports every failed reconnection as an error event; the deadlines above decide.
  first.on("error", () => {});
  try {
    await withDeadline(
      first.getBackend().client.then((c) => c.get("bmc-fold-connect")),
      Math.min(unreachableMs, 5_000),
      `cannot reach Redis at ${options.url}`,
    );
  } catch (error) {
    await first.close().catch(() => {});
    connection.disconnect();
    throw error;
  }
  await first.close();
  let finish = async () => {};
  return {
    remote: true,
    stats,
    async open(ctx, run) {
      const build = buildDigest(ctx.circuit, ctx.srs.digest);
      queue = new Queue(queueName(build), { connection });
      queue.on("error", () => {});
      const q = queue;
      const client = await q.getBackend().client;
      const seedKey = `bmc-fold-run-${sha256(build, transcriptDigest(run)).slice(0, 32)}-seed`;
      const fresh = randomBytes(32).toString("hex");
      // The first coordinator of a run sets its seed; one started again reads it.
      client.defineCommand("bmcFoldSeed", { numberOfKeys: 1, lua: SEED_SCRIPT });
      const keep = (seed: string) =>
        redis(() => client.runCommand("bmcFoldSeed", [seedKey, seed]) as Promise<string>);
      const seed = await keep(fresh);
      const names = { build, run: sha256(seedKey, seed).slice(0, 32) };
      if (seed !== fresh) ctx.progress(`queue: resuming run ${names.run.slice(0, 12)}`);
      const timing = { pollMs: options.pollMs ?? 50, jobMs: options.jobMs ?? 600_000 };
      const jobs = new JobBook(ctx, q, names, redis, stats, timing, () => keep(seed));
      finish = async () => {
        await jobs.removeAll();
        await redis(() => client.del(seedKey));
      };
      // A seeded stream with a secret 256-bit seed: the blinding factors are as unpredictable
      // to the verifier as crypto.getRandomValues', and the same for a run started again.
      return { runner: queueRunner(ctx, jobs, options.batch ?? 8), rng: seededRng(seed) };
    },
    finish: () => finish(),
    close: async () => {
      await queue?.close();
      connection.disconnect();
    },
  };
}

type Names = { build: string; run: string };

/** SET the seed unless it is there; GET it. */
const SEED_SCRIPT = "redis.call('SET', KEYS[1], ARGV[1], 'NX'); return redis.call('GET', KEYS[1])";

/** The run's jobs on the queue: adding them, waiting for their results, removing them. */
class JobBook {
  private readonly added = new Map<string, JobData>();
  private lastCounts = 0;
  /** The attempts of this run's jobs seen running, and when they were last looked at. */
  private readonly clocks = new Map<string, AttemptClock>();
  private lastWatch = -Infinity;

  constructor(
    private readonly ctx: ProverContext,
    private readonly queue: Queue,
    readonly names: Names,
    private readonly redis: <T>(work: () => Promise<T>) => Promise<T>,
    readonly stats: QueueStats,
    private readonly timing: { readonly pollMs: number; readonly jobMs: number },
    private readonly restoreSeed: () => Promise<unknown>,
  ) {}

  id = (data: JobData) => `${this.names.run}-${data.kind}-${data.index}`;

  async addAll(all: readonly JobData[]): Promise<void> {
    const states = await this.redis(() =>
      Promise.all(all.map((d) => this.queue.getJobState(this.id(d)))),
    );
    this.stats.reused += states.filter((s) => s === "completed").length;
    this.stats.jobs += all.length;
    const adds = all.map((data) => ({
      name: data.kind,
      data,
      opts: { ...JOB_OPTIONS, jobId: this.id(data) },
    }));
    await this.redis(() => this.queue.addBulk(adds));
    for (const d of all) this.added.set(this.id(d), d);
    this.ctx.progress(`queue: ${all.length} ${all[0]?.kind} jobs on ${this.queue.name}`);
  }

  /**
   * The result of a job, once done; a job Redis lost is put on the queue again; an attempt
   * running longer than jobMs stops the run.
   */
  async result(data: JobData): Promise<{ value: unknown; worker: string }> {
    const id = this.id(data);
    const started = performance.now();
    for (;;) {
      await this.watchRunning();
      const state = await this.redis(() => this.queue.getJobState(id));
      if (state === "completed" || state === "failed") {
        const job = await this.redis(() => this.queue.getJob(id));
        if (job && state === "completed") {
          this.stats.waitMs += performance.now() - started;
          return { value: job.returnvalue, worker: job.processedBy ?? "(unnamed)" };
        }
        if (job) throw await this.failure(job, data);
      }
      if (state === "unknown") {
        // Redis restarted without its data: the seed and the jobs not yet taken go back.
        await this.restoreSeed();
        await this.redis(() => this.queue.add(data.kind, data, { ...JOB_OPTIONS, jobId: id }));
        this.stats.requeued++;
      }
      await this.reportCounts(data);
      await new Promise((resolve) => setTimeout(resolve, this.timing.pollMs));
    }
  }

  /**
   * Once a second (or a quarter of jobMs): every job of this run running on a worker, timed.
   * Not only the job waited on: a worker hung in a later job holds a place the waited one may
   * be queued behind.
   */
  private async watchRunning(): Promise<void> {
    const now = performance.now();
    if (now - this.lastWatch < Math.min(1000, this.timing.jobMs / 4)) return;
    this.lastWatch = now;
    const running = await this.redis(() => this.queue.getActive());
    for (const job of running) {
      const data = job.id === undefined ? undefined : this.added.get(job.id);
      if (!data) continue;
      let clock = this.clocks.get(job.id!);
      if (!clock) this.clocks.set(job.id!, (clock = new AttemptClock(this.timing.jobMs)));
      if (clock.overdue(job)) throw this.hung(job, data, clock.runningMs);
    }
  }

  /**
   * A job running too long: its worker keeps the lock (or BullMQ would give the job back) but
   * returns nothing. The job is left to the lock: once that worker stops, another takes it, and
   * the same command started again resumes.
   */
  private hung(job: Job, data: JobData, runningMs: number): Error {
    const what = data.kind === "pre" ? "comPre job" : "job";
    return new QueueError(
      `segment ${data.index + 1}'s ${what} has run for ${Math.round(runningMs / 1000)} s on worker ` +
        `${job.processedBy ?? "(unnamed)"} without a result (its lock is kept alive, so no other ` +
        `worker takes it over); stop that worker and run the same command again: it resumes`,
    );
  }

  private async failure(job: Job, data: JobData): Promise<Error> {
    const what = data.kind === "pre" ? "comPre job" : "job";
    const reason = (job.failedReason ?? "no reason given").split("\n")[0];
    await this.forget(data);
    return new QueueError(
      `segment ${data.index + 1}'s ${what} failed ${job.attemptsMade} time(s), last on worker ` +
        `${job.processedBy ?? "(unnamed)"}: ${reason}`,
    );
  }

  /** A job whose result is wrong or which failed: removed, so that a run started again redoes it. */
  async forget(data: JobData): Promise<void> {
    await this.queue.remove(this.id(data)).catch(() => 0);
  }

  /**
   * Every result of this run from a worker found wrong once, removed too: it is not trusted
   * for the others, which a run started again would otherwise take and refuse one at a time.
   */
  async forgetWorker(worker: string): Promise<void> {
    for (const id of this.added.keys()) {
      const job = await this.queue.getJob(id).catch(() => undefined);
      const named = (job?.returnvalue as { worker?: unknown } | undefined)?.worker;
      if (job && (named === worker || job.processedBy === worker))
        await this.queue.remove(id).catch(() => 0);
    }
  }

  private async reportCounts(data: JobData): Promise<void> {
    const now = Date.now();
    if (now - this.lastCounts < 1000) return;
    this.lastCounts = now;
    const c = await this.redis(() => this.queue.getJobCounts("waiting", "active", "completed"));
    const workers = Object.entries(this.stats.workers)
      .map(([w, n]) => `${w} ${n}`)
      .join(", ");
    this.ctx.progress(
      `queue: waiting for segment ${data.index + 1} (${data.kind}): ${c.waiting} queued, ` +
        `${c.active} running, ${c.completed} done` +
        (workers ? `; results from ${workers}` : ""),
    );
  }

  async removeAll(): Promise<void> {
    for (const id of this.added.keys()) await this.redis(() => this.queue.remove(id));
  }
}

/**
 * How long the current attempt at a job has been running, by this process's clock (a worker's
 * clock may differ): from when it was first seen running, again from zero when another attempt
 * starts (BullMQ's attempt counts, the worker or its start time change).
 */
class AttemptClock {
  private attempt = "";
  private since = 0;
  runningMs = 0;

  constructor(private readonly limitMs: number) {}

  overdue(job: Job): boolean {
    const now = performance.now();
    const attempt = `${job.attemptsStarted}:${job.attemptsMade}:${job.processedBy}:${job.processedOn}`;
    if (attempt !== this.attempt) [this.attempt, this.since] = [attempt, now];
    this.runningMs = now - this.since;
    return this.runningMs > this.limitMs;
  }
}

/** A result's header must be the job's: its format, build, run, kind and segment. */
export function decodeChecked(value: unknown, worker: string, data: JobData, names: Names) {
  const wrong = (reason: string) => new WrongResultError(data.index, worker, reason);
  let decoded;
  try {
    decoded = decodeResult(value);
  } catch (error) {
    if (error instanceof WireError) throw wrong(`it is not in the job format (${error.message})`);
    throw error;
  }
  if (decoded.build !== names.build) throw wrong("it is for another build");
  if (decoded.run !== names.run) throw wrong("it is for another run");
  if (decoded.kind !== data.kind || decoded.index !== data.index)
    throw wrong(`it is the ${decoded.kind} result of segment ${decoded.index + 1}`);
  return decoded;
}

function queueRunner(ctx: ProverContext, book: JobBook, batch: number): JobRunner {
  return {
    pre: (jobs) => queuedPre(ctx, book, jobs),
    segments: (jobs) => queuedSegments(ctx, book, jobs, batch),
    close: async () => {},
  };
}

/**
 * A job's result, once done, with its header checked; a wrong one is removed from the queue,
 * with every result of its worker, before the error goes on.
 */
async function takeChecked(book: JobBook, data: JobData) {
  const { value, worker } = await book.result(data);
  try {
    return { decoded: decodeChecked(value, worker, data, book.names), worker };
  } catch (error) {
    await book.forget(data);
    if (error instanceof WrongResultError) await book.forgetWorker(error.worker);
    throw error;
  }
}

/** Every segment's comPre from the queue, all checked together before any is yielded. */
async function* queuedPre(
  ctx: ProverContext,
  book: JobBook,
  jobs: readonly PreJob[],
): AsyncGenerator<PreResult> {
  const all = jobs.map((job) => preJobData(book.names, job));
  await book.addAll(all);
  const results: PreResult[] = [];
  const workers: string[] = [];
  for (const data of all) {
    const { decoded, worker } = await takeChecked(book, data);
    results.push(decoded.result as PreResult);
    workers.push(decoded.worker);
    ctx.progress(
      `commit: segment ${data.index + 1}/${all.length} inputs (${worker})`,
      isEnd(data.index, all.length),
    );
  }
  const started = performance.now();
  await checkedOrForgotten(book, all, () => checkPreResults(ctx, jobs, results, workers));
  book.stats.checkMs += performance.now() - started;
  yield* results;
}

/** Every segment's result from the queue, yielded a batch at a time once the batch is checked. */
async function* queuedSegments(
  ctx: ProverContext,
  book: JobBook,
  jobs: readonly SegmentJob[],
  batch: number,
): AsyncGenerator<SegmentResult> {
  const { stats } = book;
  const all = jobs.map((job) => segmentJobData(book.names, job));
  await book.addAll(all);
  for (let start = 0; start < jobs.length; start += batch) {
    const { checked, workers } = await checkedBatch(
      ctx,
      book,
      all,
      jobs.slice(start, start + batch),
    );
    for (const [k, result] of checked.entries()) {
      stats.workers[workers[k]] = (stats.workers[workers[k]] ?? 0) + 1;
      const i = result.index;
      ctx.progress(
        `witness: segment ${i + 1}/${jobs.length} (${workers[k]})`,
        isEnd(i, jobs.length),
      );
      addJobStats(ctx, result.stats);
      yield result;
    }
  }
}

/**
 * One batch's results: each checked on its own as it comes, then their rest commitments
 * together (one random combination).
 */
async function checkedBatch(
  ctx: ProverContext,
  book: JobBook,
  all: readonly JobData[],
  jobs: readonly SegmentJob[],
): Promise<{ checked: SegmentResult[]; workers: string[] }> {
  const { stats } = book;
  const checked: SegmentResult[] = [];
  const workers: string[] = [];
  for (const job of jobs) {
    const data = all[job.index];
    const { decoded } = await takeChecked(book, data);
    const started = performance.now();
    const claimed = decoded.result as Parameters<typeof checkSegmentResult>[2];
    checked.push(
      await checkedOrForgotten(book, [data], async () =>
        checkSegmentResult(ctx, job, claimed, decoded.worker),
      ),
    );
    workers.push(decoded.worker);
    stats.checkMs += performance.now() - started;
  }
  const started = performance.now();
  const datas = checked.map((r) => all[r.index]);
  await checkedOrForgotten(book, datas, () => checkRestCommitments(ctx, checked, workers));
  stats.checkMs += performance.now() - started;
  return { checked, workers };
}

/** Runs a check; a wrong result's job is removed from the queue before the error goes on. */
async function checkedOrForgotten<T>(
  book: JobBook,
  datas: readonly JobData[],
  check: () => Promise<T>,
): Promise<T> {
  try {
    return await check();
  } catch (error) {
    if (error instanceof WrongResultError) {
      const bad = datas.find((d) => d.index === error.segment);
      if (bad) await book.forget(bad);
      await book.forgetWorker(error.worker);
    }
    throw error;
  }
}
