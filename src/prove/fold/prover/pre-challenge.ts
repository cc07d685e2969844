/**
 * Stage (a): each segment's data before the challenges exist: its private inputs, committed
 * with blinding (comPre), and its public slots. The challenges a, b hash all of them.
 */
import type { CircuitInputs } from "../../../witness/inputs.js";
import { pointBytes, type Point } from "../curve.js";
import { X } from "../protocol.js";
import { hide, type ProverContext } from "./context.js";
import type { JobRunner } from "./jobs.js";
import type { SegmentEnv, SegmentJobStats } from "./segment-job.js";
import { stageClock, type FoldStats } from "./stats.js";
import type { SegmentInputs } from "./types.js";

/** A signal name, e.g. `pub1_shown[0][1]`, as the input's name and its indices. */
interface InputPath {
  readonly name: string;
  readonly signal: string;
  readonly indices: readonly number[];
}

function inputPath(name: string): InputPath {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)((?:\[\d+\])*)$/.exec(name);
  return { name, signal: m?.[1] ?? "", indices: (m?.[2].match(/\d+/g) ?? []).map(Number) };
}

function valueAt(inputs: CircuitInputs, path: InputPath): bigint {
  let v: unknown = path.signal ? inputs[path.signal] : undefined;
  for (const index of path.indices) v = (v as unknown[] | undefined)?.[index];
  if (typeof v !== "bigint") throw new Error(`bmc internal error: no input value for ${path.name}`);
  return v;
}

/** Signal names parsed once per list (a manifest's): thousands per segment. */
const parsed = new WeakMap<readonly string[], InputPath[]>();

function pathsOf(names: readonly string[]): InputPath[] {
  let paths = parsed.get(names);
  if (!paths) parsed.set(names, (paths = names.map(inputPath)));
  return paths;
}

/** A segment's private inputs in the order of the committed vector, and its public slots. */
export function preChallengeValues(
  ctx: Pick<ProverContext, "circuit">,
  segment: SegmentInputs,
): { pre: bigint[]; slots: bigint[] } {
  const fold = ctx.circuit.manifest.fold!;
  return {
    pre: pathsOf(fold.privateInputs).map((path) => valueAt(segment.inputs, path)),
    slots: pathsOf(fold.publicWires)
      .slice(X.slots)
      .map((path) => valueAt(segment.inputs, path)),
  };
}

/** The pre-challenge job of a segment: comPre, a hiding commitment to its private inputs. */
export interface PreJob {
  readonly index: number;
  readonly pre: readonly bigint[];
  readonly rho: bigint;
}

export interface PreResult {
  readonly index: number;
  /** 64 bytes (../curve.ts pointBytes). */
  readonly comPre: Uint8Array;
  readonly stats: Pick<
    SegmentJobStats,
    "commitWitnessMs" | "commitWitnessCpuMs" | "commitWitnessPoints" | "commitWitnessZeros"
  >;
}

/** comPre: the private inputs at positions 0 .. nPre-1 of the key, with blinding. */
export async function runPreJob(env: SegmentEnv, job: PreJob): Promise<PreResult> {
  const clock = stageClock();
  const com = hide(env.curve, env.gens, await env.key.commit(job.pre, 0), job.rho);
  const zeros = job.pre.reduce((n, v) => (v === 0n ? n + 1 : n), 0);
  const stats = {
    commitWitnessMs: 0,
    commitWitnessCpuMs: 0,
    commitWitnessPoints: job.pre.length,
    commitWitnessZeros: zeros,
  };
  clock.lap(stats, "commitWitnessMs");
  return { index: job.index, comPre: pointBytes(env.curve, com), stats };
}

/** comPre of given private inputs, in this thread, counted in the proof's statistics. */
export async function commitPre(
  ctx: ProverContext,
  pre: readonly bigint[],
  rho: bigint,
): Promise<Point> {
  const result = await runPreJob(ctx, { index: 0, pre, rho });
  addJobStats(ctx, result.stats);
  return ctx.curve.G1.fromRprUncompressed(result.comPre, 0);
}

export interface PreChallengeData {
  readonly pre: bigint[][];
  readonly slots: bigint[][];
  readonly comPre: Point[];
}

/** Stage (a) for every segment, with the blinding factors given (one per segment). */
export async function commitPreChallenge(
  ctx: ProverContext,
  segments: readonly SegmentInputs[],
  rhoPre: readonly bigint[],
  runner: JobRunner,
): Promise<PreChallengeData> {
  const values = segments.map((s) => preChallengeValues(ctx, s));
  const jobs = values.map(({ pre }, index) => ({ index, pre, rho: rhoPre[index] }));
  const comPre: Point[] = [];
  for await (const result of runner.pre(jobs)) {
    const i = result.index;
    ctx.progress(`commit: segment ${i + 1}/${segments.length} inputs`, isEnd(i, segments.length));
    addJobStats(ctx, result.stats);
    comPre.push(ctx.curve.G1.fromRprUncompressed(result.comPre, 0));
  }
  return { pre: values.map((v) => v.pre), slots: values.map((v) => v.slots), comPre };
}

/** The first and the last of a stage's steps always report progress. */
export const isEnd = (i: number, count: number) => i === 0 || i === count - 1;

/** Adds a job's own statistics to the proof's (its time was spent in the job, maybe elsewhere). */
export function addJobStats(ctx: ProverContext, stats: Partial<Record<keyof FoldStats, number>>) {
  for (const [k, v] of Object.entries(stats)) ctx.stats[k as keyof FoldStats] += v;
  ctx.restartClock();
}
