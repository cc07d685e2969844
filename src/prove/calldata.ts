/**
 * The arguments of the Solidity verifier that `bmc export solidity` writes (snarkjs's Groth16
 * template): `verifyProof(uint[2] _pA, uint[2][2] _pB, uint[2] _pC, uint[N] _pubSignals)`.
 *
 * `_pubSignals` are the circuit's public inputs, computed from the proof file's statement
 * exactly as `bmc verify` computes them (publicSignalsFor). A contract that acts on a statement
 * must compute them itself from the statement it cares about: the verifier only says that the
 * proof holds for these signals, and `signals` names each one so that contract can be written.
 */
import { keccak_256 } from "@noble/hashes/sha3";
import type { Manifest } from "../circuits/index.js";
import {
  loadManifest,
  proofFileProblem,
  publicSignalsFor,
  verifyProofText,
  type SegmentProof,
} from "./index.js";

export interface SolidityCalldata {
  /** The verifier's function, as its selector is computed. */
  readonly function: string;
  readonly _pA: readonly [string, string];
  readonly _pB: readonly [readonly [string, string], readonly [string, string]];
  readonly _pC: readonly [string, string];
  readonly _pubSignals: readonly string[];
  /** What each public signal is: the circuit's input name (`pubR_en[k]`, `pubR_shown[k][j]`). */
  readonly signals: readonly string[];
  /** The whole call, ABI-encoded: selector, then every argument as a 32-byte word. */
  readonly calldata: string;
}

const word = (decimal: string) => BigInt(decimal).toString(16).padStart(64, "0");

/** The verifier's arguments for a Groth16 proof file that `proofFileProblem` accepted. */
export function solidityCalldata(manifest: Manifest, file: SegmentProof): SolidityCalldata {
  const pubSignals = publicSignalsFor(manifest, file.statement);
  const proof = file.proof as {
    pi_a: readonly string[];
    pi_b: readonly (readonly string[])[];
    pi_c: readonly string[];
  };
  const pA = [proof.pi_a[0], proof.pi_a[1]] as const;
  // The precompile takes an element of the quadratic extension as (imaginary, real): snarkjs
  // writes (real, imaginary).
  const pB = [
    [proof.pi_b[0][1], proof.pi_b[0][0]],
    [proof.pi_b[1][1], proof.pi_b[1][0]],
  ] as const;
  const pC = [proof.pi_c[0], proof.pi_c[1]] as const;
  const signature = `verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[${pubSignals.length}])`;
  const selector = Buffer.from(keccak_256(signature)).subarray(0, 4).toString("hex");
  const words = [...pA, ...pB[0], ...pB[1], ...pC, ...pubSignals].map(word);
  return {
    function: signature,
    _pA: pA,
    _pB: pB,
    _pC: pC,
    _pubSignals: pubSignals,
    signals: manifest.publicInputs,
    calldata: `0x${selector}${words.join("")}`,
  };
}

/**
 * The verifier's arguments for a proof file's text, or why there are none: only a Groth16
 * proof that `bmc verify` accepts against this build folder gets calldata, so that a call that
 * would fail on chain fails here first, with the reason.
 */
export async function calldataForProofText(
  buildDir: string,
  text: string,
): Promise<{ calldata: SolidityCalldata } | { reason: string }> {
  const verdict = await verifyProofText(buildDir, text);
  if (!verdict.valid) return { reason: verdict.reason ?? "the proof does not verify" };
  const file = JSON.parse(text) as SegmentProof;
  if (proofFileProblem(file) !== undefined) {
    return { reason: "only Groth16 proofs have a Solidity verifier (this one is folded)" };
  }
  return { calldata: solidityCalldata(loadManifest(buildDir), file) };
}
