/**
 * Relaxed committed R1CS and Nova's non-interactive folding scheme (NIFS), over circom's R1CS.
 *
 * circom's wires are z = (1, public outputs, public inputs, private inputs, internal). A
 * relaxed instance replaces the leading 1 by a scalar u and adds an error vector E:
 *   (A z) o (B z) = u (C z) + E,   z = (u, x, pre, rest).
 * The witness is split in two committed vectors: `pre`, the private inputs (all pre-challenge
 * data, committed before the challenges exist) and `rest`, the internal wires. Each is folded
 * and finally opened on its own, so that every segment's committed pre-challenge vector is
 * exactly what its folded witness contains (one commitment over both could hide a change).
 *
 * Folding U1 (running) with U2 (fresh or running), cross term and challenge r:
 *   T = Az1 o Bz2 + Az2 o Bz1 - u1 Cz2 - u2 Cz1,   r = H(context, U1, U2, comT)
 *   z = z1 + r z2, u = u1 + r u2, E = E1 + r T + r^2 E2, and the same for the commitments.
 */
import type { Bn128 } from "ffjavascript";
import { mod, P } from "../../field/index.js";
import type { CommitmentKey } from "./commit.js";
import { pointLimbs, type Point } from "./curve.js";
import { multiply, type SparseR1cs } from "./r1cs.js";
import { FiatShamir } from "./transcript.js";

export interface RelaxedInstance {
  readonly comPre: Point;
  readonly comRest: Point;
  readonly comE: Point;
  readonly u: bigint;
  /** The public wires after the leading one: outputs, then public inputs. */
  readonly x: readonly bigint[];
}

export interface RelaxedWitness {
  readonly pre: readonly bigint[];
  readonly rest: readonly bigint[];
  readonly E: readonly bigint[];
}

export function zOf(u: bigint, x: readonly bigint[], w: Pick<RelaxedWitness, "pre" | "rest">) {
  return [u, ...x, ...w.pre, ...w.rest];
}

/** Az, Bz, Cz of one vector z. */
export interface Products {
  readonly az: bigint[];
  readonly bz: bigint[];
  readonly cz: bigint[];
}

export function products(r1cs: SparseR1cs, z: readonly bigint[]): Products {
  if (z.length !== r1cs.nWires) {
    throw new Error(
      `bmc internal error: z has ${z.length} values, the circuit ${r1cs.nWires} wires`,
    );
  }
  return { az: multiply(r1cs.A, z), bz: multiply(r1cs.B, z), cz: multiply(r1cs.C, z) };
}

/**
 * The first constraint that (A z) o (B z) = u (C z) + E does not satisfy, or -1. E defaults
 * to zero: a fresh instance.
 */
export function unsatisfiedConstraint(p: Products, u: bigint, E?: readonly bigint[]): number {
  for (let i = 0; i < p.az.length; i++) {
    if (mod(p.az[i] * p.bz[i] - u * p.cz[i] - (E ? E[i] : 0n)) !== 0n) return i;
  }
  return -1;
}

export function crossTerm(p1: Products, u1: bigint, p2: Products, u2: bigint): bigint[] {
  const t = new Array<bigint>(p1.az.length);
  for (let i = 0; i < t.length; i++) {
    t[i] = mod(p1.az[i] * p2.bz[i] + p2.az[i] * p1.bz[i] - u1 * p2.cz[i] - u2 * p1.cz[i]);
  }
  return t;
}

/** The values of an instance that Fiat-Shamir absorbs. */
export function instanceElements(curve: Bn128, U: RelaxedInstance): bigint[] {
  return [
    ...pointLimbs(curve, U.comPre),
    ...pointLimbs(curve, U.comRest),
    ...pointLimbs(curve, U.comE),
    U.u,
    ...U.x,
  ];
}

/** r for one fold; `context` binds the circuit, the commitment key and the statement. */
export function foldChallenge(
  curve: Bn128,
  context: readonly bigint[],
  U1: RelaxedInstance,
  U2: RelaxedInstance,
  comT: Point,
): bigint {
  return new FiatShamir("bmc fold NIFS v1")
    .absorb("context", context)
    .absorb("U1", instanceElements(curve, U1))
    .absorb("U2", instanceElements(curve, U2))
    .absorb("comT", pointLimbs(curve, comT))
    .squeeze("r");
}

export function foldInstances(
  curve: Bn128,
  U1: RelaxedInstance,
  U2: RelaxedInstance,
  comT: Point,
  r: bigint,
): RelaxedInstance {
  const G = curve.G1;
  const r2 = (r * r) % P;
  const times = (p: Point, k: bigint) => (k === 0n ? G.zero : G.timesScalar(p, k));
  return {
    comPre: G.add(U1.comPre, times(U2.comPre, r)),
    comRest: G.add(U1.comRest, times(U2.comRest, r)),
    comE: G.add(G.add(U1.comE, times(comT, r)), times(U2.comE, r2)),
    u: mod(U1.u + r * U2.u),
    x: U1.x.map((v, i) => mod(v + r * U2.x[i])),
  };
}

export function foldWitnesses(
  W1: RelaxedWitness,
  W2: RelaxedWitness,
  T: readonly bigint[],
  r: bigint,
): RelaxedWitness {
  const r2 = (r * r) % P;
  return {
    pre: W1.pre.map((v, i) => mod(v + r * W2.pre[i])),
    rest: W1.rest.map((v, i) => mod(v + r * W2.rest[i])),
    E: W1.E.map((v, i) => mod(v + r * T[i] + r2 * W2.E[i])),
  };
}

export function foldProducts(p1: Products, p2: Products, r: bigint): Products {
  const f = (a: bigint[], b: bigint[]) => a.map((v, i) => mod(v + r * b[i]));
  return { az: f(p1.az, p2.az), bz: f(p1.bz, p2.bz), cz: f(p1.cz, p2.cz) };
}

/**
 * Why a relaxed instance and witness do not match, or undefined when they do: the witness
 * has the circuit's shape, opens the three commitments, and satisfies the relaxed R1CS.
 */
export async function relaxedProblem(
  curve: Bn128,
  r1cs: SparseR1cs,
  key: CommitmentKey,
  U: RelaxedInstance,
  W: RelaxedWitness,
): Promise<string | undefined> {
  const nPublic = r1cs.nPubOut + r1cs.nPubIn;
  if (U.x.length !== nPublic) return `the instance has ${U.x.length} public values, not ${nPublic}`;
  if (W.pre.length !== r1cs.nPrvIn || W.rest.length !== r1cs.nWires - 1 - nPublic - r1cs.nPrvIn)
    return "the witness does not have the circuit's shape";
  if (W.E.length !== r1cs.nConstraints)
    return "the error vector does not have one value per constraint";
  const G = curve.G1;
  if (!G.eq(await key.commit(W.pre), U.comPre))
    return "the folded witness does not open the folded commitment to the inputs";
  if (!G.eq(await key.commit(W.rest), U.comRest))
    return "the folded witness does not open the folded commitment to the internal wires";
  if (!G.eq(await key.commit(W.E), U.comE))
    return "the folded error vector does not open its commitment";
  const unsatisfied = unsatisfiedConstraint(products(r1cs, zOf(U.u, U.x, W)), U.u, W.E);
  return unsatisfied < 0
    ? undefined
    : `the folded instance does not satisfy constraint ${unsatisfied}`;
}
