/**
 * Sum-check over BN254's scalar field, for the two sums Spartan needs:
 *   outer: sum_x eq(tau, x) (Az(x) Bz(x) - D(x)),  D = u Cz + E     (degree 3 per variable)
 *   inner: sum_y M(y) z(y)                                           (degree 2 per variable)
 * Variables are bound in order, variable 0 (the most significant index bit) first. Each round
 * polynomial g of degree d is sent as g(0), g(2), ..., g(d); the verifier takes
 * g(1) = claim - g(0), so every round is consistent with the claim by construction and a
 * changed value changes the challenges and the final claim.
 *
 * Transcript per round: absorb(`${label} round`, values), then challenge(`${label} challenge`).
 */
import { bindTop, mod, inverse, P } from "./multilinear.js";
import type { Transcript } from "./transcript.js";

/** Lagrange weights of the points 0..degree at r. */
function lagrangeWeights(degree: number, r: bigint): bigint[] {
  const weights: bigint[] = [];
  for (let i = 0; i <= degree; i++) {
    let num = 1n;
    let den = 1n;
    for (let j = 0; j <= degree; j++) {
      if (j === i) continue;
      num = (num * mod(r - BigInt(j))) % P;
      den = den * BigInt(i - j);
    }
    weights.push((num * inverse(mod(den))) % P);
  }
  return weights;
}

/** g(r) from g(0), g(1), g(2), ..., g(degree). */
export function interpolate(values: readonly bigint[], r: bigint): bigint {
  const w = lagrangeWeights(values.length - 1, r);
  let acc = 0n;
  for (let i = 0; i < values.length; i++) acc += w[i] * values[i];
  return acc % P;
}

export class SumcheckShapeError extends Error {}

/**
 * The verifier's side of one sum-check: returns the claim the rounds reduce to and the point.
 * The caller checks that claim against its own evaluation of the summand at the point.
 */
export function verifySumcheck(
  claim: bigint,
  rounds: readonly (readonly bigint[])[],
  degree: number,
  transcript: Transcript,
  label: string,
): { claim: bigint; point: bigint[] } {
  const point: bigint[] = [];
  for (const sent of rounds) {
    if (sent.length !== degree)
      throw new SumcheckShapeError(`a ${label} round has ${sent.length} values, not ${degree}`);
    transcript.absorb(`${label} round`, sent);
    const r = transcript.challenge(`${label} challenge`);
    const values = [sent[0], mod(claim - sent[0]), ...sent.slice(1)];
    claim = interpolate(values, r);
    point.push(r);
  }
  return { claim, point };
}

export interface OuterResult {
  readonly rounds: bigint[][];
  readonly point: bigint[];
  /** The tables bound at the point. */
  readonly az: bigint;
  readonly bz: bigint;
  readonly cz: bigint;
  readonly d: bigint;
}

/**
 * The prover's outer sum-check. Tables have length 2^k (k = rounds) and are consumed (bound
 * in place).
 */
export function proveOuter(
  eq: bigint[],
  az: bigint[],
  bz: bigint[],
  cz: bigint[],
  d: bigint[],
  transcript: Transcript,
  label: string,
): OuterResult {
  const rounds: bigint[][] = [];
  const point: bigint[] = [];
  for (let half = eq.length >> 1; half >= 1; half >>= 1) {
    let g0 = 0n;
    let g2 = 0n;
    let g3 = 0n;
    for (let j = 0; j < half; j++) {
      const e0 = eq[j];
      const a0 = az[j];
      const b0 = bz[j];
      const d0 = d[j];
      const e1 = eq[j + half];
      const a1 = az[j + half];
      const b1 = bz[j + half];
      const d1 = d[j + half];
      g0 += e0 * ((a0 * b0 - d0) % P);
      const de = e1 - e0;
      const da = a1 - a0;
      const db = b1 - b0;
      const dd = d1 - d0;
      const e2 = e1 + de;
      const a2 = a1 + da;
      const b2 = b1 + db;
      const d2 = d1 + dd;
      g2 += e2 * ((a2 * b2 - d2) % P);
      g3 += (e2 + de) * (((a2 + da) * (b2 + db) - d2 - dd) % P);
    }
    const sent = [mod(g0), mod(g2), mod(g3)];
    transcript.absorb(`${label} round`, sent);
    const r = transcript.challenge(`${label} challenge`);
    for (const table of [eq, az, bz, cz, d]) bindTop(table, half, r);
    rounds.push(sent);
    point.push(r);
  }
  return { rounds, point, az: az[0], bz: bz[0], cz: cz[0], d: d[0] };
}

export interface InnerResult {
  readonly rounds: bigint[][];
  readonly point: bigint[];
  readonly m: bigint;
  readonly z: bigint;
}

/** The prover's inner sum-check of sum_y m(y) z(y); tables are consumed. */
export function proveInner(
  m: bigint[],
  z: bigint[],
  transcript: Transcript,
  label: string,
): InnerResult {
  const rounds: bigint[][] = [];
  const point: bigint[] = [];
  for (let half = m.length >> 1; half >= 1; half >>= 1) {
    let g0 = 0n;
    let g2 = 0n;
    for (let j = 0; j < half; j++) {
      const m0 = m[j];
      const z0 = z[j];
      g0 += m0 * z0;
      g2 += (2n * m[j + half] - m0) * (2n * z[j + half] - z0);
    }
    const sent = [mod(g0), mod(g2)];
    transcript.absorb(`${label} round`, sent);
    const r = transcript.challenge(`${label} challenge`);
    bindTop(m, half, r);
    bindTop(z, half, r);
    rounds.push(sent);
    point.push(r);
  }
  return { rounds, point, m: m[0], z: z[0] };
}
