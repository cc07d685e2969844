/**
 * A dishonest compression prover, for tests of the SNARK verifier: the production stages of
 * src/prove/fold/snark/spartan.ts (proveSumchecks, proveOpening) composed with an evalLow the
 * test chooses instead of the honest splitEvalLow. What it makes goes to the real verifier.
 */
import {
  proveOpening,
  proveSumchecks,
  type CompressedProof,
  type RelaxedR1csInstance,
  type RelaxedR1csWitness,
  type Srs,
  type Transcript,
} from "../../src/prove/fold/snark/index.js";
import type { SparseR1cs } from "../../src/prove/fold/r1cs.js";

/**
 * A proof of a split instance whose evalLow is `forgeLow(r_y[1..])`, everything else as the
 * honest prover makes it.
 */
export async function proveWithEvalLow(
  srs: Srs,
  r1cs: SparseR1cs,
  instance: RelaxedR1csInstance,
  witness: RelaxedR1csWitness,
  transcript: Transcript,
  forgeLow: (ryW: readonly bigint[]) => bigint,
): Promise<CompressedProof> {
  if (!instance.split || !witness.parts)
    throw new Error("proveWithEvalLow: a split instance and its parts are needed");
  const stage = proveSumchecks(srs, r1cs, instance, witness, transcript);
  return proveOpening(srs, instance, witness, stage, forgeLow(stage.ryW), transcript);
}
