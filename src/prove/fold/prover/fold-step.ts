/**
 * Stage (c): the sequential fold. Segment results are consumed in order: the first starts the
 * running instance; each later one is folded in with its cross term T, a hiding commitment to
 * T, and the challenge r from the chain (after absorbing the segment's points).
 */
import { mod } from "../../../field/index.js";
import type { Point } from "../curve.js";
import { crossTerm, foldProducts, foldVector, type Products } from "../nifs.js";
import { X } from "../protocol.js";
import type { HashChain } from "../transcript.js";
import { bytesOf, hide, type ProverContext } from "./context.js";
import type { SegmentResult } from "./segment-job.js";

/** The running (folded) instance and witness, with every blinding factor the prover tracks. */
export interface Running {
  pre: bigint[];
  rest: bigint[];
  E: bigint[];
  x: bigint[];
  u: bigint;
  products: Products;
  /** Blinding factors of the folded comPre, comRest, comE, D (out) and previous D's (in). */
  rho: { pre: bigint; rest: bigint; E: bigint; out: bigint; in: bigint };
  /** The G_A and G_B parts of the folded previous-segment commitments (the in check). */
  inA: bigint;
  inB: bigint;
}

/** The running instance and what the proof and the later stages need of every segment. */
export interface FoldState {
  acc: Running;
  /** Per segment, base64 of its points (the proof's `segments`). */
  readonly encoded: string[];
  /** The folding coefficients (1 for the first segment) and the points they multiply. */
  readonly coefficients: bigint[];
  readonly comPre: Point[];
  readonly comRests: Point[];
  readonly comTs: Point[];
  /** The last segment's A, B and D blinding: the next fold's u_in side. */
  previous: { A: bigint; B: bigint; rho: bigint };
  /** Sums of every segment's u_out and D blinding (the Schnorr proof of ./zk-layer.ts). */
  sumU: bigint;
  sumRho: bigint;
}

function record(ctx: ProverContext, chain: HashChain, points: Point[], state: FoldState) {
  const bytes = bytesOf(ctx.curve);
  chain.absorb("segment", points.map(bytes));
  state.encoded.push(Buffer.concat(points.map(bytes)).toString("base64"));
}

/** The first segment starts the running instance. */
export function startFold(
  ctx: ProverContext,
  chain: HashChain,
  comPre: Point,
  rhoPre: bigint,
  s: SegmentResult,
): FoldState {
  const G = ctx.curve.G1;
  const [comRest, D] = [G.fromRprUncompressed(s.comRest, 0), G.fromRprUncompressed(s.D, 0)];
  const state: FoldState = {
    acc: {
      pre: s.pre,
      rest: s.rest,
      E: new Array<bigint>(ctx.circuit.r1cs.nConstraints).fill(0n),
      x: s.x,
      u: 1n,
      products: s.products,
      rho: { pre: rhoPre, rest: s.rhoRest, E: 0n, out: s.rhoD, in: 0n },
      inA: 0n,
      inB: 0n,
    },
    encoded: [],
    coefficients: [1n],
    comPre: [comPre],
    comRests: [comRest],
    comTs: [],
    previous: { A: s.x[X.A], B: s.x[X.B], rho: s.rhoD },
    sumU: s.x[X.uOut],
    sumRho: s.rhoD,
  };
  record(ctx, chain, [comPre, comRest, D], state);
  return state;
}

/** T, its hiding commitment, and the statistics of both. */
async function commitCrossTerm(ctx: ProverContext, acc: Running, s: SegmentResult, rhoT: bigint) {
  const T = crossTerm(acc.products, acc.u, s.products, 1n);
  ctx.lap("crossTermMs");
  const comT = hide(ctx.curve, ctx.gens, await ctx.key.commit(T), rhoT);
  ctx.stats.commitCrossTermPoints += T.length;
  for (const v of T) {
    if (v === 0n) ctx.stats.crossTermZeros++;
    else if (v < 1n << 64n) ctx.stats.crossTermSmall++;
  }
  ctx.lap("commitCrossTermMs");
  return { T, comT };
}

/** Folds one more segment into the running instance (mutates `state`). */
export async function foldStep(
  ctx: ProverContext,
  chain: HashChain,
  state: FoldState,
  comPre: Point,
  rhoPre: bigint,
  s: SegmentResult,
  rhoT: bigint,
): Promise<void> {
  const G = ctx.curve.G1;
  const [comRest, D] = [G.fromRprUncompressed(s.comRest, 0), G.fromRprUncompressed(s.D, 0)];
  state.sumU = mod(state.sumU + s.x[X.uOut]);
  state.sumRho = mod(state.sumRho + s.rhoD);
  const { acc, previous } = state;
  const { T, comT } = await commitCrossTerm(ctx, acc, s, rhoT);
  record(ctx, chain, [comPre, comRest, D, comT], state);
  const r = chain.challenge("r");
  state.coefficients.push(r);
  state.comPre.push(comPre);
  state.comRests.push(comRest);
  state.comTs.push(comT);
  state.acc = {
    pre: foldVector(acc.pre, s.pre, r),
    rest: foldVector(acc.rest, s.rest, r),
    E: foldVector(acc.E, T, r),
    x: foldVector(acc.x, s.x, r),
    u: mod(acc.u + r),
    products: foldProducts(acc.products, s.products, r),
    rho: {
      pre: mod(acc.rho.pre + r * rhoPre),
      rest: mod(acc.rho.rest + r * s.rhoRest),
      E: mod(acc.rho.E + r * rhoT),
      out: mod(acc.rho.out + r * s.rhoD),
      in: mod(acc.rho.in + r * previous.rho),
    },
    inA: mod(acc.inA + r * previous.A),
    inB: mod(acc.inB + r * previous.B),
  };
  state.previous = { A: s.x[X.A], B: s.x[X.B], rho: s.rhoD };
  ctx.lap("foldMs");
}
