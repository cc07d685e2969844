/**
 * The final step of a folded proof: the compression SNARK (./snark: Spartan and HyperKZG) on
 * the folded relaxed instance, with its blinding removed, its witness in two parts (TwoParts):
 * comPre commits to the private inputs and comRest to the internal wires, each from the key's
 * first power, and the SNARK opens them apart, so that what was committed before the
 * challenges (comPre) stays apart from what was committed after (docs/folding.md).
 */
import type { Bn128 } from "ffjavascript";
import { sameKeys } from "../proof-file.js";
import type { Point } from "./curve.js";
import type { FoldCircuit } from "./protocol.js";
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
  type RelaxedR1csInstance,
  type Srs,
  type Transcript,
  type VerifierKey,
} from "./snark/index.js";

export interface SpartanFinal {
  readonly scheme: "spartan";
  readonly snark: CompressedProofJson;
}

/** The folded instance, its blinding removed, and (for the prover) its witness. */
export interface FoldedInstance {
  readonly comPre: Point;
  readonly comRest: Point;
  readonly comE: Point;
  readonly u: bigint;
  readonly x: readonly bigint[];
}

/** The folded instance as the SNARK takes it: the private inputs are W's first nPre wires. */
function snarkInstance(circuit: FoldCircuit, U: FoldedInstance): RelaxedR1csInstance {
  const parts = { comFirst: U.comPre, comSecond: U.comRest, firstWires: circuit.nPre };
  return { comE: U.comE, u: U.u, x: U.x, parts };
}

/** The final step on the folded instance U, whose witness is (pre, rest) and error vector E. */
export async function proveFinal(
  srs: Srs,
  circuit: FoldCircuit,
  U: FoldedInstance,
  W: { pre: readonly bigint[]; rest: readonly bigint[]; E: readonly bigint[] },
  transcript: Transcript,
  other?: OtherThread,
): Promise<SpartanFinal> {
  const snark = await proveRelaxed(
    srs,
    circuit.r1cs,
    snarkInstance(circuit, U),
    { W: [...W.pre, ...W.rest], E: W.E },
    transcript,
    other,
  );
  return { scheme: "spartan", snark: encodeCompressed(srs.curve, snark) };
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
  const { r1cs } = circuit;
  let snark;
  try {
    snark = decodeCompressed(curve, final.snark, compressedShape(r1cs, circuit.nPre));
  } catch (e) {
    if (e instanceof CompressedDecodeError)
      return `the compressed proof is malformed (${e.message})`;
    throw e;
  }
  try {
    await verifyRelaxed(vk, r1cs, snarkInstance(circuit, U), snark, transcript);
  } catch (e) {
    if (e instanceof SnarkVerifyError)
      return `the compressed proof of the folded instance does not verify (${e.check}: ${e.message})`;
    throw e;
  }
  return undefined;
}
