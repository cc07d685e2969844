/**
 * The per-segment jobs of one proof, and running them in order in this thread (./pool.ts
 * runs them on worker threads).
 */
import type { ProverContext } from "./context.js";
import { addJobStats, isEnd, runPreJob, type PreJob, type PreResult } from "./pre-challenge.js";
import { runSegmentJob, type SegmentJob, type SegmentResult } from "./segment-job.js";
import type { SegmentInputs } from "./types.js";

/** Runs a proof's jobs, each kind in segment order, results as soon as they are ready. */
export interface JobRunner {
  pre(jobs: readonly PreJob[]): AsyncGenerator<PreResult>;
  segments(jobs: readonly SegmentJob[]): AsyncGenerator<SegmentResult>;
  close(): Promise<void>;
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
