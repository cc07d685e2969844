/**
 * bmc, the block model compiler: library entry point.
 *
 * Pipeline (each stage a folder, each ignorant of the ones after it):
 *   grammar/         tokens and Chevrotain grammar of rule files
 *   src/syntax       rule file text -> AST (syntax diagnostics)
 *   src/check        AST + imports -> checked RuleSet (semantic diagnostics, lints)
 *   src/transcript   transcript text + RuleSet -> Transcript (column-wise blocks)
 *   src/validate     Transcript -> verdict, multiplicities, `_` values (the reference semantics)
 *   src/build        proof trees -> transcripts (term naming, depths, variable solving)
 *   src/lower        RuleSet -> flat claims, constraints and range checks
 *   src/circuits     lowered rules -> Circom -> R1CS, witness generator, manifest (circom2)
 *   src/witness      transcript -> segment inputs -> witness; R1CS files and checks
 *   src/prove        Groth16 (snarkjs): powers of tau, setup, proof files, verification;
 *                    src/prove/fold: folding (Pedersen commitments, NIFS, segments)
 *   src/bindings     RuleSet -> generated TypeScript bindings
 *   src/format       the prettier plugin behind `bmc fmt`
 *   src/metamath     Metamath databases: reader, proof checker, proof DAGs (model.ts)
 *   src/cli          the `bmc` command, a thin layer over src/api.ts
 */
// ffjavascript and snarkjs ship no types; bmc's declarations of them are published with it
// (package.json "files") and referenced from its types, so that programs which import bmc
// type-check under --strict.
/// <reference path="./prove/ffjavascript.d.ts" preserve="true" />
/// <reference path="./prove/snarkjs.d.ts" preserve="true" />
export * from "./api.js";
export * from "./check/index.js";
export * from "./diagnostics/index.js";
export * from "./field/index.js";
export { parseRuleFile } from "./syntax/index.js";
export type * from "./syntax/index.js";
export type { BlockValues, Transcript } from "./transcript/model.js";
export { headerText, parseTranscript, type ParsedTranscript } from "./transcript/parse.js";
export * from "./validate/index.js";
export * from "./build/index.js";
export { lowerRuleSet, type LoweredProgram, type LoweredRule } from "./lower/index.js";
export {
  compileProgram,
  defaultShape,
  emitCircuit,
  parseManifest,
  type Manifest,
  type SegmentShape,
} from "./circuits/index.js";
export { calculateWitness, WitnessError } from "./witness/calculator.js";
export { segmentInputs, SegmentCapacityError } from "./witness/inputs.js";
export { checkR1cs, readR1cs, readSym } from "./witness/r1cs.js";
// The provers and the bindings generator are exported from api.ts, which loads them on first use.
export { loadManifest } from "./prove/build-folder.js";
export { publicLayout, publicSignalsFor, segmentPublicSignals } from "./prove/statement.js";
export type { SegmentProof } from "./prove/index.js";
export type { FoldProof } from "./prove/fold/index.js";
export type { BindingsOptions } from "./bindings/generate.js";
export { rulesDigest } from "./bindings/digest.js";
export { foldBackend, groth16Backend, type ProvingBackend } from "./bindings/runtime.js";
export * as bindingsRuntime from "./bindings/runtime.js";
export {
  expressionText,
  proofDag,
  readMetamath,
  verifyMetamath,
  type MetamathDatabase,
  type MetamathDiagnostic,
  type MetamathReadOptions,
  type MetamathReadResult,
  type MetamathVerifyOptions,
  type MetamathVerifyResult,
  type ProofDag,
  type ProofNode,
} from "./metamath/index.js";
/** The whole Metamath model (statements, frames, proofs) under one name. */
export * as metamath from "./metamath/index.js";
