/**
 * The final step of a folded proof: the compression SNARK (./snark: Spartan and HyperKZG) on
 * the folded relaxed instance, with its blinding removed, as a split instance
 * (SplitCommitment): comPre is the low part (the private inputs, inside the witness's first
 * restOffset entries) and comRest the high part (the internal wires, outside them), so the
 * one batched opening of the SNARK also shows that the private inputs and the internal wires
 * are committed apart (the support check of docs/folding.md).
 */
import type { Bn128 } from "ffjavascript";
import { mod } from "../../field/index.js";
import { sameKeys } from "../proof-file.js";
import type { Point } from "./curve.js";
import type { FoldCircuit } from "./protocol.js";
import type { SparseMatrix, SparseR1cs } from "./r1cs.js";
import {
  CompressedDecodeError,
  compressedShape,
  decodeCompressed,
  encodeCompressed,
  proveRelaxed,
  SnarkVerifyError,
  verifyRelaxed,
  type CompressedProofJson,
  type OtherThread,
  type Srs,
  type Transcript,
  type VerifierKey,
} from "./snark/index.js";

export interface SpartanFinal {
  readonly scheme: "spartan";
  readonly snark: CompressedProofJson;
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
    nWires: 1 + nPublic + restOffset + circuit.nRest,
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

/** log2 of restOffset: the coordinates that address an entry inside the low part. */
const lowBits = (circuit: FoldCircuit) => Math.log2(circuit.restOffset);

/**
 * The folded witness as the two committed vectors of length restOffset + nRest: the private
 * inputs at the start of one (the low part), the internal wires from restOffset in the other.
 */
export function paddedWitness(
  circuit: Pick<FoldCircuit, "restOffset" | "nRest">,
  W: { pre: readonly bigint[]; rest: readonly bigint[] },
): { pre: bigint[]; rest: bigint[] } {
  const offset = circuit.restOffset;
  const length = offset + circuit.nRest;
  const pre = new Array<bigint>(length).fill(0n);
  W.pre.forEach((v, j) => (pre[j] = v));
  const rest = new Array<bigint>(length).fill(0n);
  W.rest.forEach((v, j) => (rest[offset + j] = v));
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
  other?: OtherThread,
): Promise<SpartanFinal> {
  const curve = srs.curve;
  const G = curve.G1;
  const { pre, rest } = W;
  const whole = pre.map((v, j) => (rest[j] === 0n ? v : mod(v + rest[j])));
  const split = { comLow: U.comPre, comHigh: U.comRest, lowBits: lowBits(circuit) };
  const snark = await proveRelaxed(
    srs,
    paddedR1cs(circuit),
    { comW: G.add(U.comPre, U.comRest), comE: U.comE, u: U.u, x: U.x, split },
    { W: whole, E: W.E, parts: { low: pre, high: rest } },
    transcript,
    other,
  );
  return { scheme: "spartan", snark: encodeCompressed(curve, snark) };
}

/** Undefined when the final step accepts the folded instance; otherwise why not. */
export async function verifyFinal(
  vk: VerifierKey,
  circuit: FoldCircuit,
  U: FoldedInstance,
  final: unknown,
  transcript: Transcript,
): Promise<string | undefined> {
  const curve: Bn128 = vk.curve;
  if (!sameKeys(final, ["scheme", "snark"]) || final.scheme !== "spartan")
    return "the final step is malformed";
  const r1cs = paddedR1cs(circuit);
  let snark;
  try {
    snark = decodeCompressed(curve, final.snark, compressedShape(r1cs, lowBits(circuit)));
  } catch (e) {
    if (e instanceof CompressedDecodeError)
      return `the compressed proof is malformed (${e.message})`;
    throw e;
  }
  try {
    const comW = curve.G1.add(U.comPre, U.comRest);
    const split = { comLow: U.comPre, comHigh: U.comRest, lowBits: lowBits(circuit) };
    const instance = { comW, comE: U.comE, u: U.u, x: U.x, split };
    await verifyRelaxed(vk, r1cs, instance, snark, transcript);
  } catch (e) {
    if (e instanceof SnarkVerifyError)
      return `the compressed proof of the folded instance does not verify (${e.check}: ${e.message})`;
    throw e;
  }
  return undefined;
}
