/**
 * STATUS (kept current; read this first):
 * - WORKS: the SRS (srs.ts: devSrs, readPtauSrs, checkPowers, verifierKeyOf), commitVector,
 *   the transcripts (transcript.ts). The types below are the interface and are stable.
 * - IN PROGRESS: multilinear helpers, sum-check, HyperKZG, Spartan, encoding. Until they land,
 *   proveRelaxed / verifyRelaxed / encodeCompressed / decodeCompressed are not exported.
 *
 * The compression SNARK of a folded relaxed R1CS instance: Spartan's two sum-checks and a
 * HyperKZG multilinear commitment over powers of tau. Self-contained: the folding code hands
 * it an instance (non-hiding commitments), a witness and a transcript; docs/compression.md
 * gives the protocol, every check and what a proof reveals.
 *
 * Conventions (the folding code must commit the same way):
 * - Field: BN254's scalar field, elements as bigint in [0, p).
 * - Wires: circom's order z = (u, x, W): wire 0 is u (the relaxed constant-one wire), wires
 *   1..nPublic are x (public outputs, then public inputs), wire nPublic+1+j is W[j].
 * - Commitments: comW = sum_j W[j] tau^j G1 and comE = sum_i E[i] tau^i G1 (i = constraint),
 *   that is commitVector(srs, W) and commitVector(srs, E): not hiding (the caller subtracts its
 *   blinding before calling the SNARK).
 * - Multilinear extensions: a vector v of length 2^k is the function on {0,1}^k with
 *   v(b_0, ..., b_(k-1)) = v[sum_j b_j 2^(k-1-j)]: the FIRST variable is the MOST significant
 *   bit of the index. A shorter vector is padded with zeros.
 * - Transcript: any object with absorb(label, bigint[]) and squeeze(label) (Transcript); the
 *   SNARK absorbs the shape of the circuit, the SRS digest and the instance itself before its
 *   first challenge, so the caller need only have absorbed what binds its own context.
 */
import type { Point } from "../curve.js";

export {
  checkPowers,
  devSrs,
  devSrsPath,
  readPtauSrs,
  SrsError,
  verifierKeyOf,
  type DevSrsOptions,
  type Srs,
  type VerifierKey,
} from "./srs.js";
export { commitVector, srsCommitmentKey, type SparseVector } from "./commit.js";
export { absorbPoints, Sha256Transcript, type Transcript } from "./transcript.js";

/** A relaxed R1CS instance with non-hiding commitments (see the conventions above). */
export interface RelaxedR1csInstance {
  readonly comW: Point;
  readonly comE: Point;
  readonly u: bigint;
  /** Wires 1..nPublic: the public outputs, then the public inputs. */
  readonly x: readonly bigint[];
}

export interface RelaxedR1csWitness {
  /** Wires nPublic+1 .. nWires-1. */
  readonly W: readonly bigint[];
  /** One value per constraint. */
  readonly E: readonly bigint[];
}

/**
 * One HyperKZG opening of a k-variable multilinear polynomial (k >= 1): commitments to the
 * k - 1 folded polynomials, the evaluations of all k polynomials at r, -r and r^2, and the
 * three KZG witnesses. See hyperkzg.ts.
 */
export interface HyperKzgProof {
  /** k - 1 points. */
  readonly folds: readonly Point[];
  /** [at r, at -r, at r^2], each k values (polynomial 0 is the committed one). */
  readonly evals: readonly (readonly bigint[])[];
  /** 3 points. */
  readonly witnesses: readonly Point[];
}

/**
 * The compressed proof. A sum-check round polynomial g of degree d is sent as its values at
 * 0, 2, 3, ..., d (g(1) follows from the running claim: g(0) + g(1) = claim).
 */
export interface CompressedProof {
  /** Outer sum-check: rowVars rounds of 3 values (degree 3). */
  readonly outer: readonly (readonly bigint[])[];
  /** Az~(r_x), Bz~(r_x), Cz~(r_x). */
  readonly az: bigint;
  readonly bz: bigint;
  readonly cz: bigint;
  /** E~(r_x). */
  readonly evalE: bigint;
  /** Inner sum-check: colVars + 1 rounds of 2 values (degree 2). */
  readonly inner: readonly (readonly bigint[])[];
  /** W~ at r_y without its first coordinate. */
  readonly evalW: bigint;
  readonly openE: HyperKzgProof;
  readonly openW: HyperKzgProof;
}

/** The sizes a proof for one circuit must have (decodeCompressed checks them). */
export interface CompressedShape {
  /** log2 of the constraints padded to a power of two (at least 1). */
  readonly rowVars: number;
  /** log2 of the padded W half of z (at least 1): z has 2^(colVars+1) entries. */
  readonly colVars: number;
}
