/**
 * What every stage of the folding prover shares: the curve, the commitment key, the hiding
 * generators, the randomness, the statistics and the progress reports.
 */
import type { Bn128 } from "ffjavascript";
import type { CommitmentKey } from "../commit.js";
import { pointBytes, type Point } from "../curve.js";
import {
  cryptoRng,
  hidingGenerators,
  randomScalars,
  type HidingGenerators,
  type Rng,
} from "../hiding.js";
import { foldKey, type FoldCircuit } from "../protocol.js";
import type { Srs } from "../snark/index.js";
import type { FoldOptions } from "./types.js";
import { emptyFoldStats, stageClock, type FoldStats } from "./stats.js";

export interface ProverContext {
  readonly curve: Bn128;
  readonly circuit: FoldCircuit;
  readonly key: CommitmentKey;
  readonly srs: Srs;
  readonly gens: HidingGenerators;
  /** A uniform scalar from the proof's randomness. */
  readonly random: () => bigint;
  readonly stats: FoldStats;
  /** Adds the time since the last lap (or restart) to a statistic. */
  lap(field: `${string}Ms` & keyof FoldStats): void;
  /** Restarts the clock: the time since was counted elsewhere (a segment job's own stats). */
  restartClock(): void;
  /** A progress line; unless forced, at most two a second. */
  progress(message: string, force?: boolean): void;
}

export async function proverContext(
  curve: Bn128,
  circuit: FoldCircuit,
  options: FoldOptions,
): Promise<ProverContext> {
  // One line per stage and segment would flood a terminal: at most two a second, and always
  // the first and the last of each stage (the callers force those).
  const report = options.onProgress ?? (() => {});
  let lastReport = 0;
  const progress = (message: string, force = true) => {
    const now = Date.now();
    if (force || now - lastReport >= 500) {
      lastReport = now;
      report(message);
    }
  };
  const stats = options.stats ?? emptyFoldStats();
  const clock = stageClock();
  const lap = (field: `${string}Ms` & keyof FoldStats) => clock.lap(stats, field);
  progress(`commit: key for vectors of ${circuit.nPre + circuit.nRest}`);
  const { key, srs } = await foldKey(curve, circuit, { ...options, onProgress: report });
  if (srs.insecure) report(`commit: ${srs.source}`);
  const gens = hidingGenerators(curve);
  lap("generatorsMs");
  const random = randomScalars(options.rng ?? cryptoRng);
  return {
    curve,
    circuit,
    key,
    srs,
    gens,
    random,
    stats,
    lap,
    restartClock: () => clock.restart(),
    progress,
  };
}

/** The same context drawing its scalars from another source of randomness. */
export function withRandomness(ctx: ProverContext, rng: Rng): ProverContext {
  return { ...ctx, random: randomScalars(rng) };
}

/** k P, with 0 P the identity (ffjavascript's timesScalar does not take 0). */
export function times(curve: Bn128, p: Point, k: bigint): Point {
  return k === 0n ? curve.G1.zero : curve.G1.timesScalar(p, k);
}

/** com + rho H: a hiding commitment. */
export function hide(curve: Bn128, gens: HidingGenerators, com: Point, rho: bigint): Point {
  return curve.G1.add(com, times(curve, gens.H, rho));
}

/** A G_A + B G_B + u G_u + rho H: a segment's accumulators (D), or the random instance's. */
export function accumulators(
  curve: Bn128,
  gens: HidingGenerators,
  A: bigint,
  B: bigint,
  u: bigint,
  rho: bigint,
): Point {
  const G = curve.G1;
  const ab = G.add(times(curve, gens.GA, A), times(curve, gens.GB, B));
  return G.add(ab, hide(curve, gens, times(curve, gens.Gu, u), rho));
}

export const bytesOf = (curve: Bn128) => (p: Point) => pointBytes(curve, p);
