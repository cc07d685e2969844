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
 *   T = Az1 o Bz2 + Az2 o Bz1 - u1 Cz2 - u2 Cz1
 *   z = z1 + r z2, u = u1 + r u2, E = E1 + r T + r^2 E2, and the same for the commitments
 * (the protocol, challenges and commitments are in ./prover, orchestrated by ./index.ts).
 */
import { mod, P } from "../../field/index.js";
import { multiply, type SparseR1cs } from "./r1cs.js";

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
    // Most of a fresh segment's products are zero (empty slots): so is their cross term.
    if (p2.az[i] === 0n && p2.bz[i] === 0n && p2.cz[i] === 0n && u2 === 1n) {
      // -c mod p without a division when c is in (0, p), as products are.
      const c = p1.cz[i];
      t[i] = c > 0n && c < P ? P - c : mod(-c);
      continue;
    }
    t[i] = mod(p1.az[i] * p2.bz[i] + p2.az[i] * p1.bz[i] - u1 * p2.cz[i] - u2 * p1.cz[i]);
  }
  return t;
}

export function foldWitnesses(
  W1: RelaxedWitness,
  W2: RelaxedWitness,
  T: readonly bigint[],
  r: bigint,
): RelaxedWitness {
  const r2 = (r * r) % P;
  return {
    pre: foldVector(W1.pre, W2.pre, r),
    rest: foldVector(W1.rest, W2.rest, r),
    E: W1.E.map((v, i) => mod(v + r * T[i] + r2 * W2.E[i])),
  };
}

export function foldProducts(p1: Products, p2: Products, r: bigint): Products {
  return {
    az: foldVector(p1.az, p2.az, r),
    bz: foldVector(p1.bz, p2.bz, r),
    cz: foldVector(p1.cz, p2.cz, r),
  };
}

/**
 * v1 + r v2, entry by entry, for v1 in [0, p): where v2 is zero (most of a segment's inputs
 * and products are) the entry stays as it is, without a multiplication. A segment repeats its
 * full-size values (a witness's 4,989 take 877 distinct ones): r v is reduced once per distinct
 * v, and each entry then takes an addition.
 */
export function foldVector(v1: readonly bigint[], v2: readonly bigint[], r: bigint): bigint[] {
  const out = new Array<bigint>(v1.length);
  // Keyed by the low 52 bits as a number (V8 hashes BigInt keys badly); a value that shares
  // them with the one remembered is multiplied again.
  const products = new Map<number, { v: bigint; rv: bigint }>();
  for (let i = 0; i < v1.length; i++) {
    const v = v2[i];
    if (v === 0n) {
      out[i] = v1[i];
    } else if (v <= MASK64) {
      out[i] = mod(v1[i] + r * v);
    } else {
      const key = Number(v & LOW52);
      let known = products.get(key);
      if (known === undefined || known.v !== v) products.set(key, (known = { v, rv: mod(r * v) }));
      const sum = v1[i] + known.rv;
      out[i] = sum >= P ? sum - P : sum;
    }
  }
  return out;
}

const MASK64 = (1n << 64n) - 1n;
const LOW52 = (1n << 52n) - 1n;
