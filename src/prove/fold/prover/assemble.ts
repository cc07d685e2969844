/**
 * Stage (e): the folded instance's commitments (one linear combination each, its blinding
 * removed), the final step on it, and the proof file.
 */
import { mod } from "../../../field/index.js";
import type { StatementBlock } from "../../proof-file.js";
import { encodePoint, linearCombination, type Point } from "../curve.js";
import { proveFinal, type FoldedInstance, type SpartanFinal } from "../final.js";
import { X, type FoldProof } from "../protocol.js";
import type { OtherThread } from "../snark/index.js";
import type { HashChain } from "../transcript.js";
import { times, type ProverContext } from "./context.js";
import type { FoldState } from "./fold-step.js";
import type { ZkLayer } from "./zk-layer.js";

/** comPre, comRest, comE of the folded instance with its blinding removed, u and x. */
export async function foldedInstance(
  ctx: ProverContext,
  state: FoldState,
  zk: ZkLayer,
): Promise<FoldedInstance> {
  const { curve, gens } = ctx;
  const combine = async (points: Point[], scalars: bigint[], rho: bigint) =>
    curve.G1.sub(await linearCombination(curve, points, scalars), times(curve, gens.H, rho));
  const { coefficients } = state;
  const { folded, points, rZ } = zk;
  const r = [...coefficients, rZ];
  return {
    comPre: await combine([...state.comPre, points.comPre], r, folded.rho.pre),
    comRest: await combine([...state.comRests, points.comRest], r, folded.rho.rest),
    comE: await combine(
      [...state.comTs, points.comT, points.comE],
      [...coefficients.slice(1), rZ, mod(rZ * rZ)],
      folded.rho.E,
    ),
    u: folded.u,
    x: folded.x,
  };
}

/** The proof file. */
export function proofFile(
  ctx: ProverContext,
  statement: readonly StatementBlock[],
  state: FoldState,
  zk: ZkLayer,
  final: SpartanFinal,
): FoldProof {
  const { manifest } = ctx.circuit;
  const point = (p: Point) => encodePoint(ctx.curve, p);
  const dec = (v: bigint) => v.toString();
  const { folded, points, Z, sum } = zk;
  return {
    format: "bmc-proof",
    version: 4,
    backend: "fold",
    rulesDigest: manifest.rulesDigest,
    circuitDigest: manifest.circuitDigest,
    commitmentKey: ctx.key.id,
    statement,
    segments: state.encoded,
    random: {
      comPre: point(points.comPre),
      comRest: point(points.comRest),
      comE: point(points.comE),
      D: point(points.D),
      Din: point(points.Din),
      comT: point(points.comT),
      u: dec(Z.u),
      x: zk.shownX.map(dec),
    },
    sum: { K: point(sum.K), zu: dec(sum.zu), zh: dec(sum.zh) },
    folded: {
      A: dec(folded.x[X.A]),
      B: dec(folded.x[X.B]),
      uOut: dec(folded.x[X.uOut]),
      uIn: dec(folded.x[X.uIn]),
      inA: dec(folded.inA),
      inB: dec(folded.inB),
      rhoPre: dec(folded.rho.pre),
      rhoRest: dec(folded.rho.rest),
      rhoE: dec(folded.rho.E),
      rhoOut: dec(folded.rho.out),
      rhoIn: dec(folded.rho.in),
    },
    final,
  };
}

/**
 * Stage (e) whole: the folded instance, the final step on it, and the proof file; `other`
 * shares the final step's commitments with a spare thread.
 */
export async function finishProof(
  ctx: ProverContext,
  chain: HashChain,
  statement: readonly StatementBlock[],
  state: FoldState,
  zk: ZkLayer,
  other?: OtherThread,
): Promise<FoldProof> {
  const U = await foldedInstance(ctx, state, zk);
  ctx.progress("compress: the folded instance");
  const W = { pre: zk.folded.pre, rest: zk.folded.rest, E: zk.folded.E };
  const final = await proveFinal(ctx.srs, ctx.circuit, U, W, chain, other);
  ctx.lap("finalMs");
  return proofFile(ctx, statement, state, zk, final);
}
