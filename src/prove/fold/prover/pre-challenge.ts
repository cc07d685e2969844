/**
 * Stage (a): each segment's data before the challenges exist: its private inputs, committed
 * with blinding (comPre), and its public slots. The challenges a, b hash all of them.
 */
import type { CircuitInputs } from "../../../witness/inputs.js";
import type { Point } from "../curve.js";
import { X } from "../protocol.js";
import { hide, type ProverContext } from "./context.js";
import type { SegmentInputs } from "./types.js";

/** The value of one circuit input by its signal name, e.g. `pub1_shown[0][1]`. */
export function inputValue(inputs: CircuitInputs, name: string): bigint {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)((?:\[\d+\])*)$/.exec(name);
  let v: unknown = m ? inputs[m[1]] : undefined;
  for (const index of m?.[2].match(/\d+/g) ?? []) v = (v as unknown[] | undefined)?.[Number(index)];
  if (typeof v !== "bigint") throw new Error(`bmc internal error: no input value for ${name}`);
  return v;
}

/** A segment's private inputs in the order of the committed vector, and its public slots. */
export function preChallengeValues(
  ctx: Pick<ProverContext, "circuit">,
  segment: SegmentInputs,
): { pre: bigint[]; slots: bigint[] } {
  const fold = ctx.circuit.manifest.fold!;
  return {
    pre: fold.privateInputs.map((name) => inputValue(segment.inputs, name)),
    slots: fold.publicWires.slice(X.slots).map((name) => inputValue(segment.inputs, name)),
  };
}

/** comPre: a hiding commitment to private inputs at positions 0 .. nPre-1 of the key. */
export async function commitPre(
  ctx: ProverContext,
  pre: readonly bigint[],
  rho: bigint,
): Promise<Point> {
  const com = hide(ctx.curve, ctx.gens, await ctx.key.commit(pre, 0), rho);
  ctx.stats.commitWitnessPoints += pre.length;
  for (const v of pre) if (v === 0n) ctx.stats.commitWitnessZeros++;
  return com;
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
): Promise<PreChallengeData> {
  const out: PreChallengeData = { pre: [], slots: [], comPre: [] };
  for (let i = 0; i < segments.length; i++) {
    ctx.progress(`commit: segment ${i + 1}/${segments.length} inputs`, isEnd(i, segments.length));
    const { pre, slots } = preChallengeValues(ctx, segments[i]);
    out.pre.push(pre);
    out.slots.push(slots);
    out.comPre.push(await commitPre(ctx, pre, rhoPre[i]));
    ctx.lap("commitWitnessMs");
  }
  return out;
}

/** The first and the last of a stage's steps always report progress. */
export const isEnd = (i: number, count: number) => i === 0 || i === count - 1;
