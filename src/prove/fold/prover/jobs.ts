/**
 * The per-segment jobs of one proof, and running them in order in this thread.
 */
import type { ProverContext } from "./context.js";
import { isEnd } from "./pre-challenge.js";
import { runSegmentJob, type SegmentJob, type SegmentResult } from "./segment-job.js";
import type { SegmentInputs } from "./types.js";

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

/** Adds a job's own statistics to the proof's. */
export function addJobStats(ctx: ProverContext, result: SegmentResult): void {
  for (const [k, v] of Object.entries(result.stats)) ctx.stats[k as keyof typeof result.stats] += v;
  ctx.restartClock();
}

/** The jobs one after the other in this thread, each result as soon as it is ready. */
export async function* runJobsInProcess(
  ctx: ProverContext,
  jobs: readonly SegmentJob[],
): AsyncGenerator<SegmentResult> {
  for (const job of jobs) {
    ctx.progress(`witness: segment ${job.index + 1}/${jobs.length}`, isEnd(job.index, jobs.length));
    const result = await runSegmentJob(ctx, job);
    addJobStats(ctx, result);
    yield result;
  }
}
