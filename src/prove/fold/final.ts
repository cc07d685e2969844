/**
 * The final step of a folded proof: the compression SNARK (./snark: Spartan and HyperKZG) on
 * the folded relaxed instance, with its blinding removed, plus one batched HyperKZG opening
 * that keeps the private inputs and the internal wires apart (the support check of
 * docs/folding.md): comPre vanishes at (1, s) and comRest at (0, s), the first variable being
 * the most significant bit of the witness index, so comPre lives in the first half of the
 * witness and comRest in the second.
 */
import type { Bn128 } from "ffjavascript";
import { mod } from "../../field/index.js";
import { canonicalDecimal, sameKeys } from "../proof-file.js";
import { decodePoint, encodePoint, type Point } from "./curve.js";
import type { FoldCircuit } from "./protocol.js";
import type { SparseMatrix, SparseR1cs } from "./r1cs.js";
import {
  CompressedDecodeError,
  compressedShape,
  decodeCompressed,
  encodeCompressed,
  HyperKzgError,
  proveHyperKzg,
  proveRelaxed,
  SnarkVerifyError,
  verifyHyperKzg,
  verifyRelaxed,
  type CompressedProofJson,
  type HyperKzgProof,
  type Srs,
  type Transcript,
  type VerifierKey,
} from "./snark/index.js";

export interface SpartanFinal {
  readonly scheme: "spartan";
  readonly snark: CompressedProofJson;
  /** HyperKZG opening of comPre at (1, s) and comRest at (0, s), both to 0. */
  readonly support: {
    readonly folds: readonly (readonly string[])[];
    readonly evals: readonly (readonly (readonly string[])[])[];
    readonly witnesses: readonly string[];
  };
}

/**
 * The fold circuit as the SNARK sees the committed witness: restOffset - nPre unused wires
 * after the private inputs, so that wire nPublic+1+j is entry j of the committed vector.
 */
export function paddedR1cs(circuit: FoldCircuit): SparseR1cs {
  const { r1cs, nPublic, nPre, restOffset } = circuit;
  const firstRest = 1 + nPublic + nPre;
  const shift = restOffset - nPre;
  const remap = (m: SparseMatrix): SparseMatrix => {
    const column = new Uint32Array(m.column.length);
    for (let k = 0; k < column.length; k++) {
      const c = m.column[k];
      column[k] = c >= firstRest ? c + shift : c;
    }
    return { ...m, column };
  };
  return {
    ...r1cs,
    nWires: 1 + nPublic + 2 * restOffset,
    A: remap(r1cs.A),
    B: remap(r1cs.B),
    C: remap(r1cs.C),
  };
}

/** The folded instance, its blinding removed, and (for the prover) its witness. */
export interface FoldedInstance {
  readonly comPre: Point;
  readonly comRest: Point;
  readonly comE: Point;
  readonly u: bigint;
  readonly x: readonly bigint[];
}

function supportClaims(circuit: FoldCircuit, U: FoldedInstance, transcript: Transcript) {
  const vars = Math.log2(2 * circuit.restOffset);
  const s = Array.from({ length: vars - 1 }, () => transcript.challenge("support s"));
  return [
    { commitment: U.comPre, point: [1n, ...s], value: 0n },
    { commitment: U.comRest, point: [0n, ...s], value: 0n },
  ];
}

/**
 * The folded witness as the two committed vectors of length 2 restOffset: the private inputs
 * in the first half of one, the internal wires in the second half of the other.
 */
export function paddedWitness(
  circuit: Pick<FoldCircuit, "restOffset">,
  W: { pre: readonly bigint[]; rest: readonly bigint[] },
): { pre: bigint[]; rest: bigint[] } {
  const half = circuit.restOffset;
  const pre = new Array<bigint>(2 * half).fill(0n);
  W.pre.forEach((v, j) => (pre[j] = v));
  const rest = new Array<bigint>(2 * half).fill(0n);
  W.rest.forEach((v, j) => (rest[half + j] = v));
  return { pre, rest };
}

/**
 * The final step on the folded instance U. `W.pre` and `W.rest` are the vectors comPre and
 * comRest commit to (paddedWitness); the SNARK proves their sum, the whole witness.
 */
export async function proveFinal(
  srs: Srs,
  circuit: FoldCircuit,
  U: FoldedInstance,
  W: { pre: readonly bigint[]; rest: readonly bigint[]; E: readonly bigint[] },
  transcript: Transcript,
): Promise<SpartanFinal> {
  const curve = srs.curve;
  const G = curve.G1;
  const { pre, rest } = W;
  const whole = pre.map((v, j) => (rest[j] === 0n ? v : mod(v + rest[j])));
  const snark = await proveRelaxed(
    srs,
    paddedR1cs(circuit),
    { comW: G.add(U.comPre, U.comRest), comE: U.comE, u: U.u, x: U.x },
    { W: whole, E: W.E },
    transcript,
  );
  const support = await proveHyperKzg(srs, transcript, supportClaims(circuit, U, transcript), [
    pre,
    rest,
  ]);
  const point = (p: Point) => encodePoint(curve, p);
  return {
    scheme: "spartan",
    snark: encodeCompressed(curve, snark),
    support: {
      folds: support.folds.map((list) => list.map(point)),
      evals: support.evals.map((claim) => claim.map((row) => row.map(String))),
      witnesses: support.witnesses.map(point),
    },
  };
}

/** The support opening from its JSON, or undefined unless every element is canonical. */
function decodeSupport(curve: Bn128, v: unknown, vars: number): HyperKzgProof | undefined {
  if (!sameKeys(v, ["folds", "evals", "witnesses"])) return undefined;
  const list = <T>(a: unknown, n: number, item: (x: unknown) => T | undefined) => {
    if (!Array.isArray(a) || a.length !== n) return undefined;
    const out = a.map(item);
    return out.every((x) => x !== undefined) ? (out as T[]) : undefined;
  };
  const point = (x: unknown) => decodePoint(curve, x);
  const scalar = (x: unknown) => canonicalDecimal(x);
  const folds = list(v.folds, 2, (l) => list(l, vars - 1, point));
  const evals = list(v.evals, 2, (c) => list(c, 3, (row) => list(row, vars, scalar)));
  const witnesses = list(v.witnesses, 3, point);
  return folds && evals && witnesses ? { folds, evals, witnesses } : undefined;
}

/** Undefined when the final step accepts the folded instance; otherwise why not. */
export async function verifyFinal(
  vk: VerifierKey,
  circuit: FoldCircuit,
  U: FoldedInstance,
  final: unknown,
  transcript: Transcript,
): Promise<string | undefined> {
  const curve = vk.curve;
  if (!sameKeys(final, ["scheme", "snark", "support"]) || final.scheme !== "spartan")
    return "the final step is malformed";
  const r1cs = paddedR1cs(circuit);
  let snark;
  try {
    snark = decodeCompressed(curve, final.snark, compressedShape(r1cs));
  } catch (e) {
    if (e instanceof CompressedDecodeError)
      return `the compressed proof is malformed (${e.message})`;
    throw e;
  }
  const support = decodeSupport(curve, final.support, Math.log2(2 * circuit.restOffset));
  if (!support) return "the support opening is malformed";
  try {
    const comW = curve.G1.add(U.comPre, U.comRest);
    await verifyRelaxed(vk, r1cs, { comW, comE: U.comE, u: U.u, x: U.x }, snark, transcript);
  } catch (e) {
    if (e instanceof SnarkVerifyError)
      return `the compressed proof of the folded instance does not verify (${e.check}: ${e.message})`;
    throw e;
  }
  try {
    await verifyHyperKzg(vk, transcript, supportClaims(circuit, U, transcript), support);
  } catch (e) {
    if (e instanceof HyperKzgError)
      return `the private inputs and the internal wires are not committed apart (${e.check}: ${e.message})`;
    throw e;
  }
  return undefined;
}
