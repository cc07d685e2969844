/**
 * The compressed proof as JSON: field elements as canonical decimal strings (no sign, no
 * leading zeros, below p), points as 128 hex digits (x then y, big-endian; the canonical
 * uncompressed encoding of a point on the curve, cofactor 1). The reader is strict: exact
 * keys, exact lengths for the circuit's shape, every element canonical.
 */
import type { Bn128 } from "ffjavascript";
import { decodePoint, encodePoint, type Point } from "../curve.js";
import { canonicalDecimal, sameKeys } from "../../proof-file.js";
import type { CompressedProof, CompressedShape } from "./types.js";

export interface CompressedProofJson {
  readonly outer: string[][];
  readonly az: string;
  readonly bz: string;
  readonly cz: string;
  readonly evalE: string;
  readonly inner: string[][];
  readonly evalW: string;
  readonly opening: {
    readonly folds: string[][];
    readonly evals: string[][][];
    readonly witnesses: string[];
  };
}

export class CompressedDecodeError extends Error {
  constructor(
    /** Where in the proof, e.g. `opening.folds[1][3]`. */
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
    this.name = "CompressedDecodeError";
  }
}

const PROOF_KEYS = ["outer", "az", "bz", "cz", "evalE", "inner", "evalW", "opening"] as const;
const OPENING_KEYS = ["folds", "evals", "witnesses"] as const;

export function encodeCompressed(curve: Bn128, proof: CompressedProof): CompressedProofJson {
  const s = (v: bigint) => v.toString();
  const p = (v: Point) => encodePoint(curve, v);
  return {
    outer: proof.outer.map((round) => round.map(s)),
    az: s(proof.az),
    bz: s(proof.bz),
    cz: s(proof.cz),
    evalE: s(proof.evalE),
    inner: proof.inner.map((round) => round.map(s)),
    evalW: s(proof.evalW),
    opening: {
      folds: proof.opening.folds.map((list) => list.map(p)),
      evals: proof.opening.evals.map((claim) => claim.map((row) => row.map(s))),
      witnesses: proof.opening.witnesses.map(p),
    },
  };
}

/** The size in bytes of the proof's elements (32 per field element, 64 per point). */
export function compressedSize(proof: CompressedProof): number {
  const scalars =
    proof.outer.flat().length +
    4 +
    proof.inner.flat().length +
    1 +
    proof.opening.evals.flat(2).length;
  const points = proof.opening.folds.flat().length + proof.opening.witnesses.length;
  return 32 * scalars + 64 * points;
}

export function decodeCompressed(
  curve: Bn128,
  json: unknown,
  shape: CompressedShape,
): CompressedProof {
  const fail = (path: string, message: string): never => {
    throw new CompressedDecodeError(path, message);
  };
  const scalar = (v: unknown, path: string): bigint =>
    canonicalDecimal(v) ?? fail(path, "not a canonical decimal field element");
  const point = (v: unknown, path: string): Point =>
    decodePoint(curve, v) ?? fail(path, "not the canonical encoding of a point of G1");
  const array = (v: unknown, length: number, path: string): unknown[] => {
    if (!Array.isArray(v)) return fail(path, "not an array");
    if (v.length !== length) fail(path, `has ${v.length} elements, not ${length}`);
    return v;
  };
  const rounds = (v: unknown, n: number, degree: number, path: string) =>
    array(v, n, path).map((round, i) =>
      array(round, degree, `${path}[${i}]`).map((x, t) => scalar(x, `${path}[${i}][${t}]`)),
    );
  if (!sameKeys(json, PROOF_KEYS))
    return fail("proof", `must have exactly the keys ${PROOF_KEYS.join(", ")}`);
  const o = json.opening;
  if (!sameKeys(o, OPENING_KEYS))
    return fail("opening", `must have exactly the keys ${OPENING_KEYS.join(", ")}`);
  // One claim, at colVars coordinates (spartan.ts).
  const ks = [shape.colVars];
  return {
    outer: rounds(json.outer, shape.rowVars, 3, "outer"),
    az: scalar(json.az, "az"),
    bz: scalar(json.bz, "bz"),
    cz: scalar(json.cz, "cz"),
    evalE: scalar(json.evalE, "evalE"),
    inner: rounds(json.inner, shape.colVars + 2, 2, "inner"),
    evalW: scalar(json.evalW, "evalW"),
    opening: {
      folds: array(o.folds, ks.length, "opening.folds").map((list, j) =>
        array(list, ks[j] - 1, `opening.folds[${j}]`).map((v, i) =>
          point(v, `opening.folds[${j}][${i}]`),
        ),
      ),
      evals: array(o.evals, ks.length, "opening.evals").map((claim, j) =>
        array(claim, 3, `opening.evals[${j}]`).map((row, t) =>
          array(row, ks[j], `opening.evals[${j}][${t}]`).map((v, i) =>
            scalar(v, `opening.evals[${j}][${t}][${i}]`),
          ),
        ),
      ),
      witnesses: array(o.witnesses, 2, "opening.witnesses").map((v, i) =>
        point(v, `opening.witnesses[${i}]`),
      ),
    },
  };
}
