/**
 * Stage: a compiled build folder + a transcript -> a proof file, and back to a verdict.
 *
 * A proof file carries the statement (the public blocks: rule and shown values), the digests
 * of the rules and of the circuit, and the Groth16 proof. The verifier never trusts the
 * file's own idea of the public inputs: it recomputes them from the statement with the build
 * folder's layout, so a changed statement cannot pass with an old proof.
 */
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { checkRuleFile, type RuleSet } from "../check/index.js";
import type { Manifest } from "../circuits/index.js";
import {
  checkCircuitFiles,
  groth16Files,
  loadManifest,
  readVerificationKey,
  VKEY,
  ZKEY,
} from "./build-folder.js";
import {
  diagnostic,
  DiagnosticError,
  raise,
  SourceFile,
  type Diagnostic,
} from "../diagnostics/index.js";
import { lowerRuleSet } from "../lower/index.js";
import { parseTranscript } from "../transcript/parse.js";
import type { Transcript } from "../transcript/model.js";
import { validateTranscript, type ValidationResult } from "../validate/index.js";
import {
  foldSegments,
  FoldError,
  layoutSegments,
  loadFoldCircuit,
  verifyFold,
  type FoldProof,
  type Rng,
} from "./fold/index.js";
import { calculateWitness, WitnessError } from "../witness/calculator.js";
import { explainConstraint } from "../witness/explain.js";
import { checkR1cs, readR1cs, readSym, type R1cs } from "../witness/r1cs.js";
import { segmentInputs, SegmentCapacityError } from "../witness/inputs.js";
import {
  powerFor,
  prove,
  ProvingError,
  readZkeyHeader,
  verify,
  type Groth16Proof,
} from "./groth16.js";
import { canonicalDecimal, isStatement, Q, sameKeys, type StatementBlock } from "./proof-file.js";
import { publicSignalsFor, segmentPublicSignals, statementOf } from "./statement.js";
import type { QueueStats } from "./queue.js";

export type { QueueStats } from "./queue.js";

export { devPtau, devPtauPath, ptauPower, defaultCacheDir } from "./ptau.js";
export { exportSolidity, powerFor, setup, ProvingError } from "./groth16.js";

export const PROOF_FORMAT = "bmc-proof";
export const PROOF_VERSION = 1;

export type { StatementBlock } from "./proof-file.js";

export interface SegmentProof {
  readonly format: typeof PROOF_FORMAT;
  readonly version: typeof PROOF_VERSION;
  readonly backend: "groth16";
  readonly rulesDigest: string;
  readonly circuitDigest: string;
  readonly statement: readonly StatementBlock[];
  readonly proof: Groth16Proof;
}

export {
  checkBuildFolder,
  checkCircuitFiles,
  groth16Files,
  loadManifest,
  readVerificationKey,
  VKEY,
  ZKEY,
} from "./build-folder.js";
export { publicSignalsFor, segmentPublicSignals, statementOf } from "./statement.js";

export interface ProveResult {
  readonly proof?: SegmentProof;
  readonly diagnostics: Diagnostic[];
}

/** The build folder's rules, unchanged since compiling. */
function currentRules(
  buildDir: string,
  given?: RuleSet,
): { manifest: Manifest; ruleSet: RuleSet } | { diagnostics: Diagnostic[] } {
  const manifest = loadManifest(buildDir);
  const rulesPath = resolve(buildDir, manifest.rulesFile);
  const checked = given ? { ruleSet: given, diagnostics: [] } : checkRuleFile(rulesPath);
  if (!checked.ruleSet) return { diagnostics: checked.diagnostics };
  const lowered = lowerRuleSet(checked.ruleSet);
  if (lowered.program?.rulesDigest !== manifest.rulesDigest) {
    return {
      diagnostics: [
        diagnostic("BM0601", `${rulesPath} changed since ${buildDir} was compiled: compile again`),
      ],
    };
  }
  return { manifest, ruleSet: checked.ruleSet };
}

/** The transcript, read and valid: a prover never proves what the validator rejects. */
function validTranscript(
  ruleSet: RuleSet,
  transcriptPath: string,
  transcriptText: string | undefined,
): { transcript: Transcript; validation: ValidationResult } | { diagnostics: Diagnostic[] } {
  let text = transcriptText;
  if (text === undefined) {
    try {
      text = readFileSync(transcriptPath, "utf8");
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? "unreadable";
      return { diagnostics: [diagnostic("BM0901", `cannot read ${transcriptPath} (${reason})`)] };
    }
  }
  const parsed = parseTranscript(new SourceFile(transcriptPath, text), ruleSet);
  if (!parsed.transcript) return { diagnostics: parsed.diagnostics };
  const validation = validateTranscript(parsed.transcript);
  if (!validation.valid) return { diagnostics: validation.diagnostics };
  return { transcript: parsed.transcript, validation };
}

/** A transcript its caller validated: valid, or its diagnostics (never proven). */
function givenTranscript(
  given: CheckedTranscript,
): { transcript: Transcript; validation: ValidationResult } | { diagnostics: Diagnostic[] } {
  if (!given.validation.valid) return { diagnostics: given.validation.diagnostics };
  return { transcript: given.transcript, validation: given.validation };
}

/** A damaged build folder found deep inside proving is one more diagnostic of the result. */
async function diagnosticsOf<R>(
  work: () => Promise<R>,
): Promise<R | { diagnostics: Diagnostic[] }> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof DiagnosticError) return { diagnostics: [error.diagnostic] };
    throw error;
  }
}

export interface SegmentWitness {
  readonly manifest: Manifest;
  readonly transcript: Transcript;
  readonly r1cs: R1cs;
  /** Every wire of the Groth16 circuit, checked against its R1CS. */
  readonly witness: bigint[];
}

interface SegmentWitnessOptions {
  transcriptText?: string;
  onProgress?: (m: string) => void;
  /** Checked after the rules, before the transcript (BM0602). */
  requireProvingKey?: boolean;
}

/**
 * Computes and checks the witness of a transcript in one segment of a build folder's circuit,
 * without proving (`bmc execute`, and the first half of proveGroth16).
 */
export function segmentWitness(
  buildDir: string,
  transcriptPath: string,
  options: SegmentWitnessOptions = {},
): Promise<SegmentWitness | { diagnostics: Diagnostic[] }> {
  return diagnosticsOf(() => segmentWitnessUnchecked(buildDir, transcriptPath, options));
}

async function segmentWitnessUnchecked(
  buildDir: string,
  transcriptPath: string,
  options: SegmentWitnessOptions,
): Promise<SegmentWitness | { diagnostics: Diagnostic[] }> {
  const rules = currentRules(buildDir);
  if ("diagnostics" in rules) return rules;
  if (options.requireProvingKey && !existsSync(join(buildDir, ZKEY))) {
    return {
      diagnostics: [diagnostic("BM0602", `${buildDir} has no proving key: run bmc setup first`)],
    };
  }
  const files = groth16Files(buildDir, rules.manifest);
  // Keys matter only to proving: `bmc execute` needs none.
  if (options.requireProvingKey) readVerificationKey(buildDir, rules.manifest);
  const read = validTranscript(rules.ruleSet, transcriptPath, options.transcriptText);
  if ("diagnostics" in read) return read;
  const { manifest } = rules;
  const { transcript, validation } = read;
  options.onProgress?.("witness: laying out the segment");
  let inputs;
  try {
    inputs = segmentInputs(manifest.program, manifest, manifest.shape, transcript, validation, {
      main: "groth16",
    });
  } catch (error) {
    if (error instanceof SegmentCapacityError) {
      const help =
        "compile with --fit TRANSCRIPT.bmt or more --slots, or prove with --backend fold (any number of segments)";
      return { diagnostics: [diagnostic("BM0603", error.message, undefined, { help })] };
    }
    throw error;
  }
  let witness: bigint[];
  try {
    const wasm = join(buildDir, files.wasm);
    witness = await calculateWitness(dirname(wasm), basename(wasm), inputs);
  } catch (error) {
    if (!(error instanceof WitnessError)) throw error;
    // The validator accepted the transcript: a circuit that disagrees is a bug in bmc.
    const rule = error.template?.startsWith("Rule_") ? `, rule ${error.template.slice(5)}` : "";
    throw new Error(
      `the circuit rejects a transcript the validator accepts (template ${error.template} line ${error.line}${rule}): ${error.message}`,
    );
  }
  const r1cs = readR1cs(join(buildDir, files.r1cs));
  const check = checkR1cs(r1cs, witness);
  if (!check.ok) {
    const origin = explainConstraint(
      manifest,
      readSym(join(buildDir, files.sym)),
      check.wires,
      transcript,
    );
    throw new Error(
      `the witness violates constraint ${check.constraint}, ${origin.message}: a bug in bmc`,
    );
  }
  return { manifest, transcript, r1cs, witness };
}

export function proveGroth16(
  buildDir: string,
  transcriptPath: string,
  options: { transcriptText?: string; onProgress?: (m: string) => void } = {},
): Promise<ProveResult> {
  return diagnosticsOf(() => proveGroth16Unchecked(buildDir, transcriptPath, options));
}

async function proveGroth16Unchecked(
  buildDir: string,
  transcriptPath: string,
  options: { transcriptText?: string; onProgress?: (m: string) => void },
): Promise<ProveResult> {
  const computed = await segmentWitnessUnchecked(buildDir, transcriptPath, {
    ...options,
    requireProvingKey: true,
  });
  if ("diagnostics" in computed) return computed;
  const { manifest, transcript, r1cs, witness } = computed;
  options.onProgress?.(`prove: Groth16 over ${witness.length} wires`);
  const zkey = join(buildDir, ZKEY);
  const header = readZkeyHeader(zkey);
  const again = { help: `run bmc setup ${buildDir} again` };
  if (!header) raise("BM0605", `${zkey} is not a whole Groth16 proving key`, again);
  if (
    header.nVars !== r1cs.nWires ||
    header.nPublic !== r1cs.nPubIn + r1cs.nPubOut ||
    header.domainSize !== 2 ** powerFor(r1cs)
  )
    raise("BM0605", `${zkey} is for another circuit`, again);
  let proof;
  try {
    ({ proof } = await prove(zkey, join(buildDir, groth16Files(buildDir, manifest).r1cs), witness));
  } catch (error) {
    if (error instanceof ProvingError) throw error;
    return raise("BM0605", `${zkey} is damaged (snarkjs: ${(error as Error).message})`, again);
  }
  // snarkjs proves with whatever key it is given: a damaged one makes proofs that fail later.
  const statement = statementOf(transcript);
  const vkey = readVerificationKey(buildDir, manifest);
  if (!(await verify(vkey, publicSignalsFor(manifest, statement), proof)))
    raise(
      "BM0605",
      `the proof made with ${zkey} does not verify with ${VKEY}: a key is damaged`,
      again,
    );
  return {
    diagnostics: [],
    proof: {
      format: PROOF_FORMAT,
      version: PROOF_VERSION,
      backend: "groth16",
      rulesDigest: manifest.rulesDigest,
      circuitDigest: manifest.circuitDigest,
      statement,
      proof,
    },
  };
}

export interface VerifyResult {
  readonly valid: boolean;
  /** Why a proof is rejected, in words. */
  readonly reason?: string;
  readonly statement?: readonly StatementBlock[];
  /** For folded proofs: how many segments were folded. */
  readonly segments?: number;
}

const isDecimal = (v: unknown, bound: bigint) => canonicalDecimal(v, bound) !== undefined;

/**
 * The exact shape of a proof file, every number canonical. snarkjs ignores some fields and
 * accepts several spellings of a point; bmc does not, so that no change to a proof file, however
 * small, leaves it accepted.
 */
export function proofFileProblem(file: unknown): string | undefined {
  const top = [
    "format",
    "version",
    "backend",
    "rulesDigest",
    "circuitDigest",
    "statement",
    "proof",
  ];
  if (!sameKeys(file, top)) return "not a bmc proof file (unexpected or missing fields)";
  if (file.format !== PROOF_FORMAT) return "not a bmc proof file";
  if (file.version !== PROOF_VERSION || file.backend !== "groth16") {
    return `unsupported proof version ${String(file.version)} or backend ${String(file.backend)}`;
  }
  const digest = (d: unknown) => typeof d === "string" && /^[0-9a-f]{64}$/.test(d);
  if (!digest(file.rulesDigest) || !digest(file.circuitDigest)) return "malformed digests";
  if (!isStatement(file.statement)) return "the statement is malformed";
  const proof = file.proof;
  const point = (p: unknown) =>
    Array.isArray(p) && p.length === 3 && isDecimal(p[0], Q) && isDecimal(p[1], Q) && p[2] === "1";
  const pair = (p: unknown) =>
    Array.isArray(p) && p.length === 2 && isDecimal(p[0], Q) && isDecimal(p[1], Q);
  const wellFormed =
    sameKeys(proof, ["pi_a", "pi_b", "pi_c", "protocol", "curve"]) &&
    proof.protocol === "groth16" &&
    proof.curve === "bn128" &&
    point(proof.pi_a) &&
    point(proof.pi_c) &&
    Array.isArray(proof.pi_b) &&
    proof.pi_b.length === 3 &&
    pair(proof.pi_b[0]) &&
    pair(proof.pi_b[1]) &&
    JSON.stringify(proof.pi_b[2]) === '["1","0"]';
  return wellFormed ? undefined : "the Groth16 proof is malformed";
}

export async function verifyProofText(
  buildDir: string,
  text: string,
  options: { cacheDir?: string; ptau?: string } = {},
): Promise<VerifyResult> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { valid: false, reason: "the proof file is not valid JSON" };
  }
  if (
    typeof parsed === "object" &&
    parsed !== null &&
    (parsed as { backend?: unknown }).backend === "fold"
  ) {
    return verifyFoldProof(buildDir, parsed, options);
  }
  const problem = proofFileProblem(parsed);
  if (problem) return { valid: false, reason: problem };
  const file = parsed as SegmentProof;
  const manifest = loadManifest(buildDir);
  if (file.rulesDigest !== manifest.rulesDigest) {
    return { valid: false, reason: "the proof is for other rules than this build folder's" };
  }
  if (file.circuitDigest !== manifest.circuitDigest) {
    return {
      valid: false,
      reason: "the proof is for another circuit (other slots) than this build folder's",
    };
  }
  if (!Array.isArray(file.statement))
    return { valid: false, reason: "the proof file has no statement" };
  let signals: string[];
  try {
    signals = publicSignalsFor(manifest, file.statement);
  } catch (error) {
    return { valid: false, reason: (error as Error).message };
  }
  const vkey = readVerificationKey(buildDir, manifest);
  const ok = await verify(vkey, signals, file.proof);
  return ok
    ? { valid: true, statement: file.statement }
    : { valid: false, reason: "the Groth16 proof does not verify for this statement" };
}

export interface FoldProveResult {
  readonly proof?: FoldProof;
  readonly segments?: number;
  readonly diagnostics: Diagnostic[];
  /** With `queue`: what the queue did (jobs, resumed, per worker). */
  readonly queue?: QueueStats;
}

export interface FoldProveOptions {
  transcriptText?: string;
  onProgress?: (m: string) => void;
  cacheDir?: string;
  /** A powers-of-tau file for the commitment key (default: the INSECURE development SRS). */
  ptau?: string;
  /** Randomness for the zero-knowledge layer (tests only: default crypto.getRandomValues). */
  rng?: Rng;
  /** Threads for the segments' witnesses and commitments (default 1: this thread). */
  workers?: number;
  /**
   * The checked rule set and the transcript already read and validated with it (a caller that
   * built them, e.g. `bmc prove --metamath`): not checked and validated again. The rule set
   * must still lower to the build's rules digest, and the validation must be a valid one.
   */
  checked?: CheckedTranscript;
  /** redis://HOST:PORT: the segment jobs go to `bmc worker` processes instead (./queue.ts). */
  queue?: string;
  /** With `queue`: how long one attempt at a job may run on a worker (default 10 min). */
  jobMs?: number;
}

export interface CheckedTranscript {
  readonly ruleSet: RuleSet;
  readonly transcript: Transcript;
  readonly validation: ValidationResult;
}

/** Validates a transcript, splits it into segments of the build's circuit and folds them. */
export function proveFold(
  buildDir: string,
  transcriptPath: string,
  options: FoldProveOptions = {},
): Promise<FoldProveResult> {
  return diagnosticsOf(() => proveFoldUnchecked(buildDir, transcriptPath, options));
}

async function proveFoldUnchecked(
  buildDir: string,
  transcriptPath: string,
  options: FoldProveOptions,
): Promise<FoldProveResult> {
  const given = options.checked;
  const rules = currentRules(buildDir, given?.ruleSet);
  if ("diagnostics" in rules) return rules;
  const read = given
    ? givenTranscript(given)
    : validTranscript(rules.ruleSet, transcriptPath, options.transcriptText);
  if ("diagnostics" in read) return read;
  const { manifest } = rules;
  const { transcript, validation } = read;
  if (manifest.fold) checkCircuitFiles(buildDir, manifest.fold.files);
  let circuit;
  try {
    circuit = loadFoldCircuit(buildDir, manifest);
  } catch (error) {
    if (error instanceof FoldError) return { diagnostics: [diagnostic("BM0602", error.message)] };
    throw error;
  }
  options.onProgress?.("witness: splitting the transcript into segments");
  let segments;
  try {
    segments = layoutSegments(circuit, transcript, validation);
  } catch (error) {
    if (error instanceof SegmentCapacityError) {
      return {
        diagnostics: [diagnostic("BM0603", `${error.message}: compile with other --slots`)],
      };
    }
    throw error;
  }
  if (options.queue) {
    const { foldOnQueue } = await import("./queue.js");
    const url = options.queue;
    const r = await foldOnQueue(circuit, manifest, statementOf(transcript), segments, {
      ...options,
      url,
    });
    return { ...r, segments: segments.length };
  }
  const proof = await foldSegments(circuit, statementOf(transcript), segments, {
    onProgress: options.onProgress,
    cacheDir: options.cacheDir,
    ptau: options.ptau,
    rng: options.rng,
    workers: options.workers,
  });
  return { proof, segments: segments.length, diagnostics: [] };
}

export async function verifyFoldProof(
  buildDir: string,
  file: unknown,
  options: { cacheDir?: string; ptau?: string } = {},
): Promise<VerifyResult> {
  const manifest = loadManifest(buildDir);
  if (manifest.fold) checkCircuitFiles(buildDir, manifest.fold.files);
  let circuit;
  try {
    circuit = loadFoldCircuit(buildDir, manifest);
  } catch (error) {
    if (error instanceof FoldError) return { valid: false, reason: error.message };
    throw error;
  }
  const result = await verifyFold(
    circuit,
    file,
    (statement, segments) => segmentPublicSignals(manifest, statement, segments),
    options,
  );
  return result.valid
    ? { valid: true, statement: (file as FoldProof).statement, segments: result.segments }
    : { valid: false, reason: result.reason };
}
