/**
 * STATUS (kept current; read this first):
 * - WORKS, tested (test/snark.test.ts): the SRS (devSrs, readPtauSrs, checkPowers,
 *   verifierKeyOf), commitVector / srsCommitmentKey, the transcript interface, sum-check,
 *   batched HyperKZG (two-witness KZG opening, shared folds), proveRelaxed / verifyRelaxed
 *   (Spartan; a witness committed whole or in two parts), encodeCompressed /
 *   decodeCompressed. The exported types and functions below are the stable interface.
 * - VERIFIERS: load a VerifierKey with devVerifierKey / readPtauVerifierKey (milliseconds:
 *   tau*G2, the digest, cheap checks), not devSrs / readPtauSrs + verifierKeyOf, which load
 *   and pairing-check every power (seconds at 2^16: a prover's cost). Same digest either way.
 * - Measurements and the protocol with every check: docs/compression.md.
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
 * - Transcript: any object with absorb(label, parts: (Uint8Array | bigint)[]) and
 *   challenge(label) (Transcript; ../transcript.ts's HashChain fits); the SNARK absorbs the
 *   shape of the circuit, the SRS digest and the instance itself before its first challenge,
 *   so the caller need only have absorbed what binds its own context.
 * - Errors: verifyRelaxed throws SnarkVerifyError (its `check` names the failed check);
 *   decodeCompressed throws CompressedDecodeError (its `path` names the element); SRS loading
 *   throws SrsError. The provers do not check satisfiability (a false claim makes a proof
 *   that fails) and throw plain "bmc internal error" Errors on misuse (wrong lengths).
 */

export {
  checkPowers,
  devSrs,
  devSrsPath,
  devVerifierKey,
  readPtauSrs,
  readPtauVerifierKey,
  SrsError,
  verifierKeyOf,
  type DevSrsOptions,
  type Srs,
  type VerifierKey,
} from "./srs.js";
export { commitVector, srsCommitmentKey, type SparseVector } from "./commit.js";
export { absorbPoints, pointBytes, Sha256Transcript, type Transcript } from "./transcript.js";
export {
  compressedShape,
  proveRelaxed,
  requiredLogSize,
  SnarkVerifyError,
  verifyRelaxed,
  type SnarkCheck,
} from "./spartan.js";
export {
  CompressedDecodeError,
  compressedSize,
  decodeCompressed,
  encodeCompressed,
  type CompressedProofJson,
} from "./encoding.js";
export {
  HyperKzgError,
  proveHyperKzg,
  verifyHyperKzg,
  type OpeningClaim,
  type OtherThread,
} from "./hyperkzg.js";

export type {
  CompressedProof,
  CompressedShape,
  HyperKzgProof,
  RelaxedR1csInstance,
  RelaxedR1csWitness,
  TwoParts,
} from "./types.js";
