/**
 * BN254's endomorphism for multi-scalar multiplication (Gallant, Lambert, Vanstone): for a point
 * P = (x, y) of G1, phi(P) = (BETA x, y) equals LAMBDA P, where BETA is a cube root of unity mod
 * q and LAMBDA one mod r. A full-size scalar k splits into k1 + k2 LAMBDA (mod r) with k1, k2
 * below 2^127 in absolute value, so k P = k1 P + k2 phi(P): twice the points at half the bits,
 * which ffjavascript's Pippenger runs in about half the windows (./grouped-msm.ts). The sum is
 * the same group element, so commitments and proofs do not change.
 *
 * The constants were derived here, not copied: BETA and LAMBDA are the cube roots of unity
 * paired by phi(G) = LAMBDA G on the generator (1, 2); the short lattice vectors (A1, B1),
 * (A2, B2) with a + b LAMBDA = 0 mod r come from the extended Euclidean algorithm on r and
 * LAMBDA, stopped at sqrt(r). test/msm.test.ts checks each of these facts.
 */
import { P as R } from "../../field/index.js";

export const BETA = 2203960485148121921418603742825762020974279258880205651966n;
export const LAMBDA = 4407920970296243842393367215006156084916469457145843978461n;

const A1 = 9931322734385697763n;
const B1 = -147946756881789319000765030803803410728n;
const A2 = 147946756881789319010696353538189108491n;
const B2 = 9931322734385697763n;

/** The lattice basis, for the tests: A1 B2 - A2 B1 = r. */
export const LATTICE = { A1, B1, A2, B2 } as const;

/** round(B2 2^SHIFT / r) and round(-B1 2^SHIFT / r): k's coordinates by multiplication. */
const SHIFT = 384n;
const G1 = ((B2 * (1n << (SHIFT + 1n))) / R + 1n) >> 1n;
const G2 = ((-B1 * (1n << (SHIFT + 1n))) / R + 1n) >> 1n;
const HALF = 1n << (SHIFT - 1n);

/**
 * k1, k2 with k1 + k2 LAMBDA = k (mod r), both below 2^127 in absolute value, for k in [0, r).
 * (k, 0) minus the lattice point nearest to it: any lattice point keeps the congruence; the
 * nearest keeps k1 and k2 short.
 */
export function splitScalar(k: bigint): [bigint, bigint] {
  const c1 = (k * G1 + HALF) >> SHIFT;
  const c2 = (k * G2 + HALF) >> SHIFT;
  return [k - c1 * A1 - c2 * A2, -c1 * B1 - c2 * B2];
}
