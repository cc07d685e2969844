/** The types of the compression SNARK's interface (re-exported by index.ts). */
import type { Point } from "../curve.js";

/**
 * A relaxed R1CS instance with non-hiding commitments (see the conventions above): the witness
 * committed whole (comW), or in two parts (parts), never both.
 */
export interface RelaxedR1csInstance {
  readonly comW?: Point;
  readonly comE: Point;
  readonly u: bigint;
  /** Wires 1..nPublic: the public outputs, then the public inputs. */
  readonly x: readonly bigint[];
  /** The witness committed in two parts; see TwoParts. */
  readonly parts?: TwoParts;
}

/**
 * A witness committed as two vectors, each from the SRS's first power: W's first `firstWires`
 * entries (comFirst) and the others (comSecond). The fold commits its private inputs (before
 * the challenges) and its internal wires (after) so; docs/compression.md, "Two-part witness".
 */
export interface TwoParts {
  readonly comFirst: Point;
  readonly comSecond: Point;
  readonly firstWires: number;
}

export interface RelaxedR1csWitness {
  /** Wires nPublic+1 .. nWires-1 (with two parts, the first part then the second). */
  readonly W: readonly bigint[];
  /** One value per constraint. */
  readonly E: readonly bigint[];
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
  /** Inner sum-check: colVars + 2 rounds of 2 values (degree 2). */
  readonly inner: readonly (readonly bigint[])[];
  /**
   * The committed blocks' term of z''~(r_y), r_y = (y0, y1, y'): (1-y0)(1-y1) first~(y') +
   * (1-y0) y1 second~(y') + y0 y1 E~(y') (spartan.ts), W being the first part of a witness in
   * one part.
   */
  readonly evalW: bigint;
  /** The one claim: that term, on the same combination of comW (or the parts) and comE. */
  readonly opening: HyperKzgProof;
}

/** The sizes a proof for one circuit must have (decodeCompressed checks them). */
export interface CompressedShape {
  /** log2 of the constraints padded to a power of two (at least 1). */
  readonly rowVars: number;
  /**
   * log2 of a block of z'' (at least rowVars and 1): W's, or each part's, (u, x)'s and E's;
   * z'' has 2^(colVars + 2) entries.
   */
  readonly colVars: number;
}
