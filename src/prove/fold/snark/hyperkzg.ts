/**
 * HyperKZG (Gemini's multilinear-to-univariate reduction, specialised to KZG), batched: any
 * number of claims "the vector committed in C_j has the multilinear extension value y_j at
 * x_j" are proven together with two KZG witnesses and checked with two pairings.
 *
 * A vector v of length 2^k (index bits = variables, variable 0 the most significant bit; see
 * multilinear.ts) is the univariate polynomial P_0(X) = sum_i v_i X^i, committed as
 * sum_i v_i tau^i G1. Binding the last variable x_(k-1) halves it:
 *   P_(i+1)[j] = P_i[2j] + x_(k-1-i) (P_i[2j+1] - P_i[2j]),  i = 0 .. k-1,  P_k = v~(x).
 * In polynomial terms P_i(X) = E(X^2) + X O(X^2) and P_(i+1) = (1 - x) E + x O, so for any r
 *   2r P_(i+1)(r^2) = r (1 - x_(k-1-i)) (P_i(r) + P_i(-r)) + x_(k-1-i) (P_i(r) - P_i(-r)).
 *
 * Protocol (transcript labels in quotes):
 *   absorb "hyperkzg claims": every C_j, x_j, y_j;
 *   P: commitments to P_1 .. P_(k_j - 1) of every claim; absorb "hyperkzg folds"; r = "hyperkzg r";
 *   P: P_i(r), P_i(-r), P_i(r^2) for every i < k_j of every claim; absorb; q = "hyperkzg q";
 *   P: B = sum over all those polynomials (claims in order, i increasing) of q^n P; with
 *      Z(X) = (X - r)(X + r)(X - r^2) and R the remainder of B by Z (B(u_t) = R(u_t) for
 *      u = (r, -r, r^2)), the witness W_1 = [(B - R) / Z]; absorb "hyperkzg witnesses";
 *      z = "hyperkzg z"; W_2 = [L / (X - z)] for L = B - R(z) - Z(z) (B - R) / Z, which
 *      vanishes at z; absorb "hyperkzg witness at z". (A multi-point KZG opening with two
 *      witnesses, as in Boneh, Drake, Fisch and Gabizon's "Efficient polynomial commitment
 *      schemes for multiple points and polynomials", eprint 2020/081: one commitment of
 *      B's length fewer than three single-point witnesses.)
 *   V: r not in {0, 1, -1} (the three points distinct); the fold equations above for every
 *      claim (with P_k(r^2) = y_j); then, with C_B the same combination of the commitments,
 *      B(u_t) from the evaluations, R(z) by interpolation through them, checks
 *      e(C_B - R(z) G1 - Z(z) W_1 + z W_2, G2) = e(W_2, tau G2).
 */
import type { Bn128 } from "ffjavascript";
import { linearCombination, type Point } from "../curve.js";
import { commitVector } from "./commit.js";
import { engine } from "./engine.js";
import { inverse, mod, P } from "./multilinear.js";
import type { Srs, VerifierKey } from "./srs.js";
import { absorbPoints, type Transcript } from "./transcript.js";
import type { HyperKzgProof } from "./types.js";

export interface OpeningClaim {
  readonly commitment: Point;
  /** x: k >= 1 coordinates. */
  readonly point: readonly bigint[];
  readonly value: bigint;
}

/**
 * commitVector over the same SRS on another thread (the folding prover's spare one), given
 * the values and the offset of their first power: the prover shares its commitments with it.
 * The points are the same either way, and so is the proof.
 */
export type OtherThread = (values: readonly bigint[], offset: number) => Promise<Point>;

/** Below this many values a commitment is not split between threads. */
const SPLIT_MIN = 1024;

/** commitVector of each vector, the larger ones shared with `other` (largest first). */
async function commitEach(
  srs: Srs,
  vectors: readonly (readonly bigint[])[],
  other: OtherThread | undefined,
): Promise<Point[]> {
  if (!other) {
    const out: Point[] = [];
    for (const v of vectors) out.push(await commitVector(srs, v));
    return out;
  }
  // Each vector to the side with less work so far, the largest first; the other thread's are
  // sent before this thread starts on its own.
  const order = vectors.map((_, i) => i).sort((a, b) => vectors[b].length - vectors[a].length);
  const mine: number[] = [];
  const out = new Array<Point | Promise<Point>>(vectors.length);
  let [here, there] = [0, 0];
  for (const i of order) {
    if (there < here) {
      out[i] = other(vectors[i], 0);
      there += vectors[i].length;
    } else {
      mine.push(i);
      here += vectors[i].length;
    }
  }
  for (const i of mine) out[i] = await commitVector(srs, vectors[i]);
  return Promise.all(out);
}

/** commitVector(srs, values), its upper part on `other` when there is one and it pays. */
async function commitSplit(
  srs: Srs,
  values: readonly bigint[],
  other: OtherThread | undefined,
): Promise<Point> {
  if (!other || values.length < SPLIT_MIN) return commitVector(srs, values);
  const half = values.length >> 1;
  const far = other(values.slice(half), half);
  const near = await commitVector(srs, values.slice(0, half));
  return srs.curve.G1.add(near, await far);
}

export class HyperKzgError extends Error {
  constructor(
    readonly check: "hyperkzg-shape" | "hyperkzg-challenge" | "hyperkzg-fold" | "hyperkzg-pairing",
    message: string,
  ) {
    super(message);
    this.name = "HyperKzgError";
  }
}

function absorbClaims(curve: Bn128, transcript: Transcript, claims: readonly OpeningClaim[]) {
  absorbPoints(
    curve,
    transcript,
    "hyperkzg claims",
    claims.map((c) => c.commitment),
  );
  transcript.absorb(
    "hyperkzg claim values",
    claims.flatMap((c) => [BigInt(c.point.length), ...c.point, c.value]),
  );
}

function horner(poly: readonly bigint[], x: bigint): bigint {
  let acc = 0n;
  for (let i = poly.length - 1; i >= 0; i--) acc = (acc * x + poly[i]) % P;
  return acc;
}

/**
 * [f(r), f(-r), f(r^2)]: f(r) and f(-r) from one pass over f's even and odd halves at r^2
 * (f(X) = E(X^2) + X O(X^2)), so two passes over f instead of three.
 */
function valuesAtPoints(poly: readonly bigint[], r: bigint, r2: bigint): bigint[] {
  let even = 0n;
  let odd = 0n;
  const n = poly.length;
  for (let i = (n - 1) >> 1; i >= 0; i--) {
    even = (even * r2 + poly[2 * i]) % P;
    odd = (odd * r2 + (2 * i + 1 < n ? poly[2 * i + 1] : 0n)) % P;
  }
  const rOdd = (r * odd) % P;
  return [mod(even + rOdd), mod(even - rOdd), horner(poly, r2)];
}

/**
 * f divided by the monic cubic X^3 + c2 X^2 + c1 X + c0: the quotient's coefficients and the
 * remainder's (degree below 3), lowest first.
 */
export function divideByCubic(
  f: readonly bigint[],
  [c0, c1, c2]: readonly bigint[],
): { quotient: bigint[]; remainder: bigint[] } {
  const rem = f.map(mod);
  while (rem.length < 3) rem.push(0n);
  const quotient = new Array<bigint>(Math.max(rem.length - 3, 1)).fill(0n);
  for (let i = rem.length - 1; i >= 3; i--) {
    const lead = mod(rem[i]);
    if (lead === 0n) continue;
    quotient[i - 3] = lead;
    rem[i] = 0n;
    rem[i - 1] = (rem[i - 1] - lead * c2) % P;
    rem[i - 2] = (rem[i - 2] - lead * c1) % P;
    rem[i - 3] = (rem[i - 3] - lead * c0) % P;
  }
  return { quotient, remainder: rem.slice(0, 3).map(mod) };
}

/** Coefficients of (f(X) - f(u)) / (X - u). */
function quotient(f: readonly bigint[], u: bigint): bigint[] {
  const h = new Array<bigint>(Math.max(f.length - 1, 1)).fill(0n);
  let carry = 0n;
  for (let i = f.length - 1; i >= 1; i--) {
    carry = (f[i] + carry * u) % P;
    h[i - 1] = carry;
  }
  return h;
}

/**
 * The fold lists P_0 .. P_(k_j - 1) of every claim. Claims on the same vector (the same array)
 * whose points end in the same coordinates share their first folds: those depend only on the
 * coordinates bound so far (the last ones first), so the arrays are reused, not recomputed.
 */
function foldLists(
  claims: readonly OpeningClaim[],
  vectors: readonly (readonly bigint[])[],
): bigint[][][] {
  const lists: bigint[][][] = [];
  claims.forEach((claim, j) => {
    const k = claim.point.length;
    const n = 1 << k;
    const v = vectors[j];
    if (k < 1 || v.length > n)
      throw new Error(`bmc internal error: opening ${v.length} values at ${k} coordinates`);
    let list: bigint[][] | undefined;
    let shared = 0;
    for (let e = 0; e < j; e++) {
      const other = claims[e].point;
      if (vectors[e] !== v || other.length !== k) continue;
      let m = 0;
      while (m < k - 1 && other[k - 1 - m] === claim.point[k - 1 - m]) m++;
      if (!list || m > shared) [list, shared] = [lists[e], m];
    }
    if (list) list = list.slice(0, shared + 1);
    else {
      const first = new Array<bigint>(n);
      for (let i = 0; i < n; i++) first[i] = i < v.length ? mod(v[i]) : 0n;
      list = [first];
    }
    for (let i = list.length - 1; i < k - 1; i++) {
      const prev = list[i];
      const x = claim.point[k - 1 - i];
      const next = new Array<bigint>(prev.length >> 1);
      for (let t = 0; t < next.length; t++) {
        const lo = prev[2 * t];
        next[t] = mod(lo + x * (prev[2 * t + 1] - lo));
      }
      list.push(next);
    }
    lists.push(list);
  });
  return lists;
}

/**
 * B = sum q^n P_n over the polynomials in order (claims in order, i increasing), reduced; a
 * polynomial that claims share gets the sum of its powers of q.
 */
function batchedCoefficients(polys: readonly (readonly bigint[][])[], q: bigint): bigint[] {
  const weights = new Map<bigint[], bigint>();
  let qn = 1n;
  for (const list of polys) {
    for (const poly of list) {
      weights.set(poly, ((weights.get(poly) ?? 0n) + qn) % P);
      qn = (qn * q) % P;
    }
  }
  const length = Math.max(...polys.map((list) => list[0].length));
  const B = new Array<bigint>(length).fill(0n);
  for (const [poly, weight] of weights)
    for (let i = 0; i < poly.length; i++) B[i] += weight * poly[i];
  for (let i = 0; i < length; i++) B[i] %= P;
  return B;
}

/**
 * Proves the claims; `vectors[j]` is the vector committed in claims[j] (zero-padded to
 * 2^k_j). The claimed values are not checked here (a wrong one makes a proof that fails).
 * Claims that share a vector and the tail of their points share work (foldLists): the proof
 * is the same as without sharing, each claim still gets its own folds and evaluations.
 */
export async function proveHyperKzg(
  srs: Srs,
  transcript: Transcript,
  claims: readonly OpeningClaim[],
  vectors: readonly (readonly bigint[])[],
  other?: OtherThread,
): Promise<HyperKzgProof> {
  const curve = srs.curve;
  absorbClaims(curve, transcript, claims);
  const polys = foldLists(claims, vectors);
  // Every fold is committed once (shared ones too), the work shared with `other`.
  const distinct = [...new Set(polys.flatMap((list) => list.slice(1)))];
  const points = await commitEach(srs, distinct, other);
  const commitments = new Map(distinct.map((poly, k) => [poly, points[k]]));
  const folds = polys.map((list) => list.slice(1).map((poly) => commitments.get(poly)!));
  absorbPoints(curve, transcript, "hyperkzg folds", folds.flat());
  const r = transcript.challenge("hyperkzg r");
  const u = [r, mod(-r), (r * r) % P];
  const values = new Map<bigint[], bigint[]>();
  const valuesOf = (poly: bigint[]) => {
    let at = values.get(poly);
    if (!at) values.set(poly, (at = valuesAtPoints(poly, r, u[2])));
    return at;
  };
  const evals = polys.map((list) => u.map((_, t) => list.map((poly) => valuesOf(poly)[t])));
  transcript.absorb("hyperkzg evals", evals.flat(2));
  const q = transcript.challenge("hyperkzg q");
  const B = batchedCoefficients(polys, q);
  const r2 = u[2];
  // Z(X) = (X^2 - r^2)(X - r^2) = X^3 - r^2 X^2 - r^2 X + r^4.
  const zCoefficients = [(r2 * r2) % P, mod(-r2), mod(-r2)];
  const { quotient: h, remainder } = divideByCubic(B, zCoefficients);
  const W1 = await commitSplit(srs, h, other);
  absorbPoints(curve, transcript, "hyperkzg witnesses", [W1]);
  const z = transcript.challenge("hyperkzg z");
  const Rz = horner(remainder, z);
  const Zz = horner([...zCoefficients, 1n], z);
  const L = B.map((b, i) => mod(b - (i === 0 ? Rz : 0n) - (i < h.length ? Zz * h[i] : 0n)));
  const W2 = await commitSplit(srs, quotient(L, z), other);
  absorbPoints(curve, transcript, "hyperkzg witness at z", [W2]);
  const witnesses = [W1, W2];
  return { folds, evals, witnesses };
}

function fail(check: HyperKzgError["check"], message: string): never {
  throw new HyperKzgError(check, message);
}

/** Throws HyperKzgError naming the first check that fails. */
export async function verifyHyperKzg(
  vk: VerifierKey,
  transcript: Transcript,
  claims: readonly OpeningClaim[],
  proof: HyperKzgProof,
): Promise<void> {
  const curve = vk.curve;
  checkOpeningShape(vk, claims, proof);
  absorbClaims(curve, transcript, claims);
  absorbPoints(curve, transcript, "hyperkzg folds", proof.folds.flat());
  const r = transcript.challenge("hyperkzg r");
  if (r === 0n || r === 1n || r === P - 1n)
    fail("hyperkzg-challenge", "the challenge r is 0, 1 or -1 (the points r, -r, r^2 coincide)");
  const u = [r, mod(-r), (r * r) % P];
  checkFoldEquations(claims, proof, r);
  transcript.absorb("hyperkzg evals", proof.evals.flat(2));
  const q = transcript.challenge("hyperkzg q");
  const [W1, W2] = proof.witnesses;
  absorbPoints(curve, transcript, "hyperkzg witnesses", [W1]);
  const z = transcript.challenge("hyperkzg z");
  absorbPoints(curve, transcript, "hyperkzg witness at z", [W2]);
  const { bases, scalars, Bu } = batchedPolynomial(claims, proof, q);
  const { Rz, Zz } = remainderAndVanishingAt(u, Bu, z);
  const G = curve.G1;
  bases.push(G.g, W1, W2);
  scalars.push(mod(-Rz), mod(-Zz), z);
  const left = await linearCombination(curve, bases, scalars);
  const e = engine(curve);
  const ok = await e.pairingEq(G.neg(left), vk.g2, W2, vk.tauG2);
  if (!ok) fail("hyperkzg-pairing", "the KZG pairing check fails");
}

/** One fold list and one evaluation triple per claim, of the claim's sizes; two witnesses. */
function checkOpeningShape(
  vk: VerifierKey,
  claims: readonly OpeningClaim[],
  proof: HyperKzgProof,
): void {
  if (proof.folds.length !== claims.length || proof.evals.length !== claims.length)
    fail("hyperkzg-shape", "the opening does not cover every claim");
  if (proof.witnesses.length !== 2) fail("hyperkzg-shape", "the opening needs two witnesses");
  claims.forEach((claim, j) => {
    const k = claim.point.length;
    if (k < 1 || k > vk.logSize) fail("hyperkzg-shape", `claim ${j} has ${k} coordinates`);
    if (proof.folds[j].length !== k - 1 || proof.evals[j].length !== 3)
      fail("hyperkzg-shape", `claim ${j}'s opening has the wrong number of elements`);
    for (const row of proof.evals[j])
      if (row.length !== k)
        fail("hyperkzg-shape", `claim ${j}'s evaluations have the wrong length`);
  });
}

/** The fold equations at r of every claim, with P_k(r^2) = y_j (the module comment's). */
function checkFoldEquations(
  claims: readonly OpeningClaim[],
  proof: HyperKzgProof,
  r: bigint,
): void {
  claims.forEach((claim, j) => {
    const k = claim.point.length;
    const [ypos, yneg, ysq] = proof.evals[j];
    for (let i = 0; i < k; i++) {
      const x = claim.point[k - 1 - i];
      const next = i + 1 < k ? ysq[i + 1] : claim.value;
      const left = (2n * r * next) % P;
      const right = mod(r * (1n - x) * (ypos[i] + yneg[i]) + x * (ypos[i] - yneg[i]));
      if (left !== right)
        fail("hyperkzg-fold", `claim ${j}: the evaluations of fold ${i} are inconsistent`);
    }
  });
}

/**
 * B = sum q^n P_n over the polynomials in the prover's order: the commitments and coefficients
 * of C_B, and B(u_t) from the evaluations (unreduced).
 */
function batchedPolynomial(
  claims: readonly OpeningClaim[],
  proof: HyperKzgProof,
  q: bigint,
): { bases: Point[]; scalars: bigint[]; Bu: bigint[] } {
  const bases: Point[] = [];
  const scalars: bigint[] = [];
  const Bu = [0n, 0n, 0n];
  let qn = 1n;
  claims.forEach((claim, j) => {
    const coms = [claim.commitment, ...proof.folds[j]];
    coms.forEach((c, i) => {
      bases.push(c);
      scalars.push(qn);
      for (let t = 0; t < 3; t++) Bu[t] += qn * proof.evals[j][t][i];
      qn = (qn * q) % P;
    });
  });
  return { bases, scalars, Bu };
}

/**
 * R(z), the parabola through (u_t, B(u_t)) at z (unreduced; the u_t are distinct: r is not 0,
 * 1, -1), and Z(z) = (z - r)(z + r)(z - r^2).
 */
function remainderAndVanishingAt(
  u: readonly bigint[],
  Bu: readonly bigint[],
  z: bigint,
): { Rz: bigint; Zz: bigint } {
  let Rz = 0n;
  let Zz = 1n;
  for (let t = 0; t < 3; t++) {
    Zz = (Zz * mod(z - u[t])) % P;
    let num = Bu[t] % P;
    let den = 1n;
    for (let s = 0; s < 3; s++) {
      if (s === t) continue;
      num = (num * mod(z - u[s])) % P;
      den = (den * mod(u[t] - u[s])) % P;
    }
    Rz += num * inverse(den);
  }
  return { Rz, Zz };
}
