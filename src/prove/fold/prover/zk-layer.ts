/**
 * Stage (d): the zero-knowledge layer. A random satisfying relaxed instance Z is folded into
 * the running instance (so that what the final step reveals is independent of the witness),
 * and a Schnorr proof shows that the segments' D total a commitment to A = B = 0.
 */
import { mod } from "../../../field/index.js";
import type { Point } from "../curve.js";
import {
  crossTerm,
  foldProducts,
  foldVector,
  products,
  unsatisfiedConstraint,
  zOf,
  type Products,
} from "../nifs.js";
import { FoldError, isShownWire, X } from "../protocol.js";
import type { HashChain } from "../transcript.js";
import { accumulators, bytesOf, hide, times, type ProverContext } from "./context.js";
import type { FoldState, Running } from "./fold-step.js";

/** The random instance: its witness, public wires, u, in-parts and blinding factors. */
export interface RandomInstance {
  readonly pre: bigint[];
  readonly rest: bigint[];
  readonly x: bigint[];
  readonly u: bigint;
  readonly inA: bigint;
  readonly inB: bigint;
  readonly rho: {
    readonly pre: bigint;
    readonly rest: bigint;
    readonly E: bigint;
    readonly D: bigint;
    readonly Din: bigint;
    readonly T: bigint;
  };
}

export function randomInstance(ctx: ProverContext): RandomInstance {
  const { circuit, random } = ctx;
  return {
    pre: Array.from({ length: circuit.nPre }, random),
    rest: Array.from({ length: circuit.nRest }, random),
    x: Array.from({ length: circuit.nPublic }, random),
    u: random(),
    inA: random(),
    inB: random(),
    rho: { pre: random(), rest: random(), E: random(), D: random(), Din: random(), T: random() },
  };
}

export interface ZkLayer {
  readonly Z: RandomInstance;
  /** The points of the random instance, in the proof's order. */
  readonly points: {
    comPre: Point;
    comRest: Point;
    comE: Point;
    D: Point;
    Din: Point;
    comT: Point;
  };
  /** The public wires of Z that the proof shows. */
  readonly shownX: bigint[];
  readonly rZ: bigint;
  /** The running instance with Z folded in. */
  readonly folded: Omit<Running, "products">;
  readonly foldedProducts: Products;
  readonly sum: { K: Point; zu: bigint; zh: bigint };
}

/**
 * The random instance drawn ahead of the segments, with its products, its error vector and
 * the commitments to its witness, started on `other` (another thread's, when there is one:
 * ./msm-helper.ts; this thread's key otherwise) and awaited by the zero-knowledge layer. Its
 * error vector is committed there, shared between the threads as comT is: the other thread is
 * still on the witness commitments when this one ends the segments (measured on the erc20
 * Metamath segment: 0.5 s of its MSMs against 0.3 s of witness here).
 */
export interface EarlyRandom {
  readonly Z: RandomInstance;
  readonly pz: Products;
  readonly EZ: bigint[];
  readonly commitments: Promise<{ pre: Point; rest: Point }>;
  /** The other thread's commit, when there is one: it takes half of comE and comT too. */
  readonly other?: Commit;
}

type Commit = (values: readonly bigint[], offset?: number) => Promise<Point>;

export function drawRandomInstance(ctx: ProverContext, other?: Commit): EarlyRandom {
  const commit = other ?? ctx.key.commit;
  const Z = randomInstance(ctx);
  const pz = products(ctx.circuit.r1cs, zOf(Z.u, Z.x, Z));
  const EZ = pz.az.map((v, k) => mod(v * pz.bz[k] - Z.u * pz.cz[k]));
  const pre = commit(Z.pre, 0);
  const rest = commit(Z.rest, 0);
  const commitments = Promise.all([pre, rest]).then(([pre, rest]) => ({ pre, rest }));
  // Awaited by the zero-knowledge layer; a failure meanwhile must not go unhandled.
  commitments.catch(() => {});
  return { Z, pz, EZ, commitments, other };
}

/** Pieces of at least this many entries: smaller MSMs lose more to their fixed costs. */
const PIECE = 2048;

/** A piece of one of commitShared's vectors: entries [offset, offset + values.length) of it. */
interface Piece {
  readonly vector: number;
  readonly offset: number;
  readonly values: bigint[];
}

/**
 * key.commit of each vector, in pieces that this thread takes from the front and the other
 * thread, when there is one, from the back, two requests ahead, until they meet. The other
 * thread is still on the random instance's witness when this one gets here, by an amount that
 * depends on the circuit, so no fixed share balances the two. The pieces' points sum to each
 * vector's commitment (a commitment is linear in the vector, each piece from its own offset),
 * so the proof does not depend on who committed what.
 */
export async function commitShared(
  ctx: Pick<ProverContext, "key" | "curve">,
  vectors: bigint[][],
  other?: Commit,
) {
  const pieces: Piece[] = [];
  vectors.forEach((v, vector) => {
    const count = other ? Math.max(1, Math.floor(v.length / PIECE)) : 1;
    const size = Math.ceil(v.length / count);
    for (let offset = 0; offset < v.length; offset += size)
      pieces.push({ vector, offset, values: v.slice(offset, offset + size) });
  });
  const points: (Point | Promise<Point>)[] = [];
  let [front, back] = [0, pieces.length];
  const farSide = async () => {
    const send = () => {
      const k = --back;
      points[k] = other!(pieces[k].values, pieces[k].offset);
      return points[k] as Promise<Point>;
    };
    const inFlight: Promise<Point>[] = [];
    while (back > front && inFlight.length < 2) inFlight.push(send());
    while (inFlight.length > 0) {
      await inFlight.shift();
      if (back > front) inFlight.push(send());
    }
  };
  const far = other ? farSide() : Promise.resolve();
  // Awaited below; a failure meanwhile must not go unhandled.
  far.catch(() => {});
  while (front < back) {
    const k = front++;
    points[k] = await ctx.key.commit(pieces[k].values, pieces[k].offset);
    // Lets the other thread's answers in, so that it gets its next piece.
    if (other) await new Promise((resolve) => setImmediate(resolve));
  }
  await far;
  const sums = vectors.map(() => ctx.curve.G1.zero);
  for (const [k, piece] of pieces.entries())
    sums[piece.vector] = ctx.curve.G1.add(sums[piece.vector], await points[k]);
  return sums;
}

async function randomPoints(ctx: ProverContext, early: EarlyRandom, TZ: bigint[]) {
  const { curve, gens } = ctx;
  const { Z } = early;
  const [T, E] = await commitShared(ctx, [TZ, early.EZ], early.other);
  const com = await early.commitments;
  return {
    comPre: hide(curve, gens, com.pre, Z.rho.pre),
    comRest: hide(curve, gens, com.rest, Z.rho.rest),
    comE: hide(curve, gens, E, Z.rho.E),
    D: accumulators(curve, gens, Z.x[X.A], Z.x[X.B], Z.x[X.uOut], Z.rho.D),
    Din: accumulators(curve, gens, Z.inA, Z.inB, Z.x[X.uIn], Z.rho.Din),
    comT: hide(curve, gens, T, Z.rho.T),
  };
}

function foldRandom(a: Running, Z: RandomInstance, EZ: bigint[], TZ: bigint[], rZ: bigint) {
  const rZ2 = mod(rZ * rZ);
  return {
    pre: foldVector(a.pre, Z.pre, rZ),
    rest: foldVector(a.rest, Z.rest, rZ),
    E: a.E.map((v, k) => mod(v + rZ * TZ[k] + rZ2 * EZ[k])),
    x: foldVector(a.x, Z.x, rZ),
    u: mod(a.u + rZ * Z.u),
    rho: {
      pre: mod(a.rho.pre + rZ * Z.rho.pre),
      rest: mod(a.rho.rest + rZ * Z.rho.rest),
      E: mod(a.rho.E + rZ * Z.rho.T + rZ2 * Z.rho.E),
      out: mod(a.rho.out + rZ * Z.rho.D),
      in: mod(a.rho.in + rZ * Z.rho.Din),
    },
    inA: mod(a.inA + rZ * Z.inA),
    inB: mod(a.inB + rZ * Z.inB),
  };
}

/** The D_i total s G_u + t H (A and B sum to zero): a proof of knowledge of s and t. */
function proveSum(ctx: ProverContext, chain: HashChain, state: FoldState) {
  const { curve, gens, random } = ctx;
  const [alpha, beta] = [random(), random()];
  const K = curve.G1.add(times(curve, gens.Gu, alpha), times(curve, gens.H, beta));
  chain.absorb("sum", [bytesOf(curve)(K)]);
  const c = chain.challenge("c");
  return { K, zu: mod(alpha + c * state.sumU), zh: mod(beta + c * state.sumRho) };
}

/** Folds the random instance (drawRandomInstance) into the running one; proves the D balance. */
export async function zeroKnowledgeLayer(
  ctx: ProverContext,
  chain: HashChain,
  state: FoldState,
  early: EarlyRandom,
): Promise<ZkLayer> {
  ctx.progress("zero-knowledge: folding in a random instance");
  const { acc } = state;
  const { Z, pz, EZ } = early;
  const TZ = crossTerm(acc.products, acc.u, pz, Z.u);
  const points = await randomPoints(ctx, early, TZ);
  const shownX = Z.x.filter((_, k) => isShownWire(k));
  chain.absorb("random", [...Object.values(points).map(bytesOf(ctx.curve)), Z.u, ...shownX]);
  const rZ = chain.challenge("r random");
  const folded = foldRandom(acc, Z, EZ, TZ, rZ);
  const foldedProducts = foldProducts(acc.products, pz, rZ);
  const sum = proveSum(ctx, chain, state);
  ctx.lap("zkMs");
  return { Z, points, shownX, rZ, folded, foldedProducts, sum };
}

/** The honest prover's last self-check: the folded relaxed instance is satisfied. */
export function checkFoldedSatisfied(zk: ZkLayer): void {
  const unsatisfied = unsatisfiedConstraint(zk.foldedProducts, zk.folded.u, zk.folded.E);
  if (unsatisfied >= 0)
    throw new FoldError(`bmc internal error: the folded instance violates ${unsatisfied}`);
}
