/** The types of the compression SNARK's interface (re-exported by index.ts). */
import type { Point } from "../curve.js";

/** A relaxed R1CS instance with non-hiding commitments (see the conventions above). */
export interface RelaxedR1csInstance {
  readonly comW: Point;
  readonly comE: Point;
  readonly u: bigint;
  /** Wires 1..nPublic: the public outputs, then the public inputs. */
  readonly x: readonly bigint[];
  /** The witness committed in two parts (comW is their sum); see SplitCommitment. */
  readonly split?: SplitCommitment;
}

/**
 * A witness committed in two parts, comW = comLow + comHigh, that the proof also shows apart:
 * the vector of comLow lies in W's first 2^lowBits entries and the vector of comHigh outside
 * them (the fold's private inputs and internal wires; docs/compression.md, "Split witness").
 */
export interface SplitCommitment {
  readonly comLow: Point;
  readonly comHigh: Point;
  readonly lowBits: number;
}

export interface RelaxedR1csWitness {
  /** Wires nPublic+1 .. nWires-1. */
  readonly W: readonly bigint[];
  /** One value per constraint. */
  readonly E: readonly bigint[];
  /** With a split instance: the vectors of comLow and comHigh (W = low + high). */
  readonly parts?: {
    readonly low: readonly bigint[];
    readonly high: readonly bigint[];
  };
}

/**
 * A batched HyperKZG opening of several claims (claim j: a k_j-variable multilinear
 * polynomial, k_j >= 1): per claim, commitments to its k_j - 1 folded polynomials and the
 * evaluations of its k_j polynomials at r, -r and r^2; two KZG witnesses shared by all.
 * See hyperkzg.ts.
 */
export interface HyperKzgProof {
  /** Per claim, k_j - 1 points. */
  readonly folds: readonly (readonly Point[])[];
  /** Per claim, [at r, at -r, at r^2], each k_j values (polynomial 0 is the committed one). */
  readonly evals: readonly (readonly (readonly bigint[])[])[];
  /** 2 points: [(B - R) / Z] and the witness at z (hyperkzg.ts). */
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
  /** With a split instance only: low~(0, s), s the last lowBits coordinates of r_y. */
  readonly evalLow?: bigint;
  /**
   * Claim 0: E~ at r_x (rowVars coordinates); claim 1: W~ at r_y[1..] (colVars). With a split
   * instance, claims 1-4 are low~ at r_y[1..] and at (0, s), high~ at r_y[1..] and at (0, s).
   */
  readonly opening: HyperKzgProof;
}

/** The sizes a proof for one circuit must have (decodeCompressed checks them). */
export interface CompressedShape {
  /** log2 of the constraints padded to a power of two (at least 1). */
  readonly rowVars: number;
  /** log2 of the padded W half of z (at least 1): z has 2^(colVars+1) entries. */
  readonly colVars: number;
  /** A split instance's lowBits (below colVars); undefined for one witness commitment. */
  readonly lowBits?: number;
}
