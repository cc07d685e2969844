/**
 * The per-segment jobs of one proof, where they run (a SegmentExecutor), and running them in
 * order in this thread (./pool.ts runs them on worker threads, ../queue/coordinator.ts on
 * workers of other machines behind a Redis queue).
 */
import type { StatementBlock } from "../../proof-file.js";
import type { Rng } from "../hiding.js";
import type { ProverContext } from "./context.js";
import { workerRunner } from "./pool.js";
import { addJobStats, isEnd, runPreJob, type PreJob, type PreResult } from "./pre-challenge.js";
import { runSegmentJob, type SegmentJob, type SegmentResult } from "./segment-job.js";
import type { SegmentInputs } from "./types.js";

/** Runs a proof's jobs, each kind in segment order, results as soon as they are ready. */
export interface JobRunner {
  pre(jobs: readonly PreJob[]): AsyncGenerator<PreResult>;
  segments(jobs: readonly SegmentJob[]): AsyncGenerator<SegmentResult>;
  close(): Promise<void>;
}

/** What an executor may need to know of the proof it runs jobs for. */
export interface ProofRun {
  readonly statement: readonly StatementBlock[];
  readonly segments: readonly SegmentInputs[];
}

/** A runner for one proof, and what the proof must take from where the jobs run. */
export interface OpenedRunner {
  readonly runner: JobRunner;
  /**
   * The proof's randomness, when the executor decides it: a queue that resumes a run must
   * draw the same blinding factors (and so the same challenges and jobs) as the run it resumes.
   */
  readonly rng?: Rng;
}

/**
 * Where a proof's per-segment jobs run. foldSegments opens one runner per proof and does not
 * care which executor it is: the local one (this thread or worker threads), or a queue.
 */
export interface SegmentExecutor {
  /**
   * True when results come from processes this one does not control: the runner checks each
   * result before it is folded, and the caller verifies the proof before it hands it out.
   */
  readonly remote: boolean;
  open(ctx: ProverContext, run: ProofRun): Promise<OpenedRunner>;
}

/** Blinding factors of a segment's comRest, D and (every segment but the first) comT. */
export interface SegmentBlinding {
  readonly rest: bigint;
  readonly D: bigint;
  readonly T: bigint;
}

/**
 * Drawn in the order the proof has always drawn them (rest, D, T per segment), so that a
 * seeded proof does not depend on how the jobs are scheduled.
 */
export function drawSegmentBlinding(ctx: ProverContext, count: number): SegmentBlinding[] {
  return Array.from({ length: count }, (_, i) => {
    const rest = ctx.random();
    const D = ctx.random();
    return { rest, D, T: i === 0 ? 0n : ctx.random() };
  });
}

export function segmentJobs(
  segments: readonly SegmentInputs[],
  challenges: { a: bigint; b: bigint },
  pre: readonly (readonly bigint[])[],
  blinding: readonly SegmentBlinding[],
): SegmentJob[] {
  return segments.map((s, index) => ({
    index,
    inputs: s.inputs,
    uIn: s.uIn,
    uOut: s.uOut,
    a: challenges.a,
    b: challenges.b,
    pre: pre[index],
    rhoRest: blinding[index].rest,
    rhoD: blinding[index].D,
  }));
}

/**
 * The local executor: every job in this thread (workers 1), or on a pool of worker threads.
 * Its results come from bmc's own honest job (./segment-job.ts), which checks itself. Its
 * threads take their curve module from `cacheDir` (../curve-build.ts).
 */
export function localExecutor(workers: number, cacheDir: string): SegmentExecutor {
  return {
    remote: false,
    open: async (ctx, run) => {
      const count = Math.min(workers, run.segments.length);
      return { runner: count > 1 ? workerRunner(ctx, count, cacheDir) : inProcessRunner(ctx) };
    },
  };
}

/** Every job in this thread, one after the other. */
export function inProcessRunner(ctx: ProverContext): JobRunner {
  return {
    async *pre(jobs) {
      for (const job of jobs) yield await runPreJob(ctx, job);
    },
    async *segments(jobs) {
      for (const job of jobs) {
        const i = job.index;
        ctx.progress(`witness: segment ${i + 1}/${jobs.length}`, isEnd(i, jobs.length));
        const result = await runSegmentJob(ctx, job);
        addJobStats(ctx, result.stats);
        yield result;
      }
    },
    close: async () => {},
  };
}
