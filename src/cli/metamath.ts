/**
 * Metamath databases in zero knowledge: `bmc import metamath`, `bmc prove --metamath` and
 * `bmc verify --metamath` (docs/metamath.md). Each runs src/metamath (read, encode) and then the
 * ordinary pipeline: check, build, validate, compile (cached by digest), fold, verify.
 *
 * The verifier never takes rules or a statement from the prover: it reads the database, encodes
 * it again for the labels the proof names, and checks the folded proof against that.
 */
import { availableParallelism } from "node:os";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { buildBlocks, transcriptText, type BuiltBlock, type ProofFile } from "../build/index.js";
import { checkRuleFile, type RuleSet } from "../check/index.js";
import {
  circuitDigest,
  compileProgram,
  emitCircuit,
  MANIFEST_VERSION,
  type SegmentShape,
} from "../circuits/index.js";
import { segmentCostEstimate, sizedShape } from "../circuits/sizing.js";
import { planSegments } from "../prove/fold/segments.js";
import { evaluateLExpr } from "../witness/evaluate.js";
import { packUnique, SegmentCapacityError } from "../witness/inputs.js";
import {
  DiagnosticError,
  renderDiagnostics,
  SourceFile,
  type Diagnostic,
} from "../diagnostics/index.js";
import { formatText } from "../format/index.js";
import { lowerRuleSet, type LoweredProgram } from "../lower/index.js";
import { proofDag, readMetamath } from "../metamath/index.js";
import type { MetamathDatabase } from "../metamath/model.js";
import {
  encodeMetamath,
  EncodeError,
  type EncodingMode,
  type MetamathEncoding,
  type MetamathStatement,
} from "../metamath/encode/index.js";
import { defaultCacheDir, proveFold, verifyFoldProof } from "../prove/index.js";
import type { FoldProof } from "../prove/fold/index.js";
import { numericValues, valueAt, type Transcript } from "../transcript/model.js";
import { parseTranscript } from "../transcript/parse.js";
import { validateTranscript, type ValidationResult } from "../validate/index.js";
import { stdlibDir } from "../paths.js";
import { CommandError } from "./prove.js";
import { writeFileAtomic } from "./files.js";
import { checkOutputFile, writeOutputFile } from "./outputs.js";

export const METAMATH_PROOF_FORMAT = "bmc-metamath-proof";

/** A proof file of `bmc prove --metamath`: the statement, then the folded proof. */
export interface MetamathProofFile {
  readonly format: typeof METAMATH_PROOF_FORMAT;
  readonly version: 1;
  /** "theorem": the theorems listed; "all": every theorem of the database. */
  readonly scope: "theorem" | "all";
  /** The encoding the prover chose (each is sound on its own); the verifier uses the same. */
  readonly encoding?: EncodingMode;
  readonly statement: MetamathStatement;
  readonly proof: FoldProof;
}

export interface Progress {
  (message: string): void;
}

/** Reads a database; a database with errors is a DiagnosticError carrying all of them. */
export function readDatabase(path: string): MetamathDatabase {
  if (!existsSync(path)) throw new CommandError(`cannot read ${path}`, "BM0901");
  const r = readMetamath(path);
  if (!r.database) {
    const [first, ...more] = r.diagnostics as Diagnostic[];
    throw new DiagnosticError(first, 1, more);
  }
  return r.database;
}

export function encode(
  db: MetamathDatabase,
  theorem?: string,
  mode?: EncodingMode,
): MetamathEncoding {
  try {
    return encodeMetamath(db, (d, i) => proofDag(d, i), {
      theorems: theorem === undefined ? undefined : [theorem],
      mode,
    });
  } catch (e) {
    if (e instanceof EncodeError) throw new DiagnosticError(e.diagnostic);
    throw e;
  }
}

export interface Built {
  readonly ruleSet: RuleSet;
  readonly blocks: BuiltBlock[];
  readonly transcript: string;
  /** The transcript as read back from its text, which `validation` validated. */
  readonly parsed: Transcript;
  readonly validation: ValidationResult;
}

/** The checked rule set of generated rules (which always check: anything else is a bug). */
export function checkGenerated(rulesPath: string, rulesText: string): RuleSet {
  const check = checkRuleFile(rulesPath, { entryText: rulesText });
  if (!check.ruleSet) {
    throw new Error(
      `the generated rules do not check (a bug in the Metamath encoder):\n${renderDiagnostics(check.diagnostics, { color: false })}`,
    );
  }
  return check.ruleSet;
}

/** Checks the generated rules (unless given checked), builds the transcript and validates it. */
export function buildEncoding(
  rulesPath: string,
  rulesText: string,
  proof: ProofFile,
  header = "",
  checked?: RuleSet,
): Built {
  const ruleSet = checked ?? checkGenerated(rulesPath, rulesText);
  const built = buildBlocks(ruleSet, proof);
  if (built.errors.length) {
    const e = built.errors[0];
    throw new Error(
      `the generated proof does not build (a bug in the Metamath encoder): ${e.path}: ${e.message}`,
    );
  }
  const transcript = transcriptText(built.blocks, header);
  const parsed = parseTranscript(new SourceFile("transcript.bmt", transcript), ruleSet);
  if (!parsed.transcript) throw new Error("the generated transcript does not read (a bug)");
  const validation = validateTranscript(parsed.transcript);
  return { ruleSet, blocks: built.blocks, transcript, parsed: parsed.transcript, validation };
}

/**
 * The built transcript of an encoding: solved from its proof file (tree, string), or read from
 * the lines the universal encoding gives in full.
 */
export function buildMetamath(
  rulesPath: string,
  enc: MetamathEncoding,
  header = "",
  checked?: RuleSet,
): Built {
  if (!enc.blocks) return buildEncoding(rulesPath, enc.rulesText, enc.proof, header, checked);
  const ruleSet = checked ?? checkGenerated(rulesPath, enc.rulesText);
  const indent = (l: string) => `  ${l}`;
  const parts = (header ? [header.trimEnd()] : []).concat(
    ["public:"],
    enc.blocks.public.map(indent),
    ["private:"],
    enc.blocks.private.map(indent),
  );
  const transcript = parts.join("\n") + "\n";
  const parsed = parseTranscript(new SourceFile("transcript.bmt", transcript), ruleSet);
  if (!parsed.transcript) {
    const first = renderDiagnostics(parsed.diagnostics.slice(0, 3), { color: false });
    throw new Error(`the generated transcript does not read (a bug):\n${first}`);
  }
  const validation = validateTranscript(parsed.transcript);
  const blocks = builtBlocks(parsed.transcript);
  return { ruleSet, blocks, transcript, parsed: parsed.transcript, validation };
}

/** The blocks of a read transcript as the builder gives them (values read on demand). */
function builtBlocks(t: Transcript): BuiltBlock[] {
  const numbers = numericValues(t);
  const out: BuiltBlock[] = new Array(t.blockCount);
  for (let i = 0; i < t.blockCount; i++) {
    const from = t.valueStart[i];
    const to = t.valueStart[i + 1];
    out[i] = {
      rule: t.ruleSet.rules[t.rule[i]],
      isPublic: t.isPublic[i] === 1,
      get values() {
        const v: bigint[] = [];
        for (let j = from; j < to; j++) v.push(valueAt(t, numbers, j));
        return v;
      },
    };
  }
  return out;
}

/** The proof steps one theorem needs (its context, its lemmas', and what they use). */
export function proofForTheorem(enc: MetamathEncoding, ctx: number): ProofFile {
  const byId = new Map(enc.proof.proofs!.map((s) => [s.id!, s]));
  const keep = new Set<string>();
  const visit = (id: string) => {
    if (keep.has(id)) return;
    keep.add(id);
    for (const p of byId.get(id)?.premises ?? []) if ("ref" in p) visit(p.ref);
  };
  visit(`qed${ctx}`);
  return {
    let: enc.proof.let,
    public: [{ rule: "goal", args: { i: ctx } }],
    proofs: enc.proof.proofs!.filter((s) => keep.has(s.id!)),
  };
}

export interface ImportResult {
  readonly mode: EncodingMode;
  readonly rules: string;
  readonly transcripts: { theorem: string; path: string; blocks: number; valid: boolean }[];
  readonly statement: MetamathStatement;
}

/** `bmc import metamath FILE.mm [--theorem LABEL] -o DIR`. */
export async function importMetamath(
  path: string,
  outDir: string,
  options: { theorem?: string; encoding?: EncodingMode; progress?: Progress } = {},
): Promise<ImportResult> {
  const db = readDatabase(path);
  options.progress?.(`read ${path}: ${db.statements.length} statements`);
  const enc = encode(db, options.theorem, options.encoding);
  options.progress?.(
    `encoded (${enc.mode} encoding): ${enc.stats.contexts} theorems, ${enc.stats.terms} terms`,
  );
  mkdirSync(outDir, { recursive: true });
  const rulesPath = join(outDir, "rules.bm");
  const rulesText = await formatText(enc.rulesText, "bm", { path: rulesPath });
  const transcripts: ImportResult["transcripts"] = [];
  const ordinals = new Map<string, number>();
  let n = 0;
  for (const s of db.statements) if (s.kind === "p") ordinals.set(s.label, ++n);
  const ruleSet = checkGenerated(rulesPath, rulesText);
  if (enc.blocks) {
    // Universal: the facts serve every theorem at once, so one transcript proves them all.
    const label = options.theorem ?? "all";
    const header = `// ${label} of ${enc.statement.database.file} (sha256 ${enc.statement.database.digest}), built by bmc import.\n`;
    const built = buildMetamath(rulesPath, enc, header, ruleSet);
    const file = join(outDir, `${label.replace(/[^A-Za-z0-9._-]/g, "_")}.bmt`);
    writeFileAtomic(file, built.transcript);
    const valid = built.validation.valid;
    transcripts.push({ theorem: label, path: file, blocks: built.blocks.length, valid });
    options.progress?.(`${label}: ${built.blocks.length} blocks, ${valid ? "valid" : "NOT valid"}`);
  }
  for (const t of enc.blocks ? [] : enc.statement.theorems) {
    const proof = proofForTheorem(enc, ordinals.get(t.label)!);
    const header = `// ${t.label} of ${enc.statement.database.file} (sha256 ${enc.statement.database.digest}), built by bmc import.\n`;
    const built = buildEncoding(rulesPath, rulesText, proof, header, ruleSet);
    const file = join(outDir, `${t.label.replace(/[^A-Za-z0-9._-]/g, "_")}.bmt`);
    writeFileAtomic(file, built.transcript);
    transcripts.push({
      theorem: t.label,
      path: file,
      blocks: built.blocks.length,
      valid: built.validation.valid,
    });
    options.progress?.(
      `${t.label}: ${built.blocks.length} blocks, ${built.validation.valid ? "valid" : "NOT valid"}`,
    );
  }
  writeFileAtomic(rulesPath, rulesText);
  return { mode: enc.mode, rules: rulesPath, transcripts, statement: enc.statement };
}

/** Blocks per segment when a proof is split: segments of about this many blocks. */
const SEGMENT_TARGET = 384;
/**
 * The same for the universal encoding. Its ~70 rules waste little slot room in large segments,
 * and its constraints per block barely fall past 1,024 blocks (nf.mm's fold main: 28.9 per
 * block at 384, 26.1 at 1,024, 25.2 at 2,048) while circom2's compile time grows faster than
 * the segment (8 s, 30 s, 91 s on a quiet machine): 1,024 keeps the compile short and takes
 * 2.5 times fewer segments than 384, so the fold's per-segment work (commitments, challenges)
 * falls (bench/results/metamath-nf-universal.md).
 */
const UNIVERSAL_SEGMENT_TARGET = 1024;

/**
 * A segment shape sized for this transcript: every block fits in one segment, or in about
 * blocks / SEGMENT_TARGET segments of equal shape; rules of one shape (the term-defining rules
 * of constructors of one arity, above all) share slots where that is cheaper (sizedShape).
 */
export function shapeFor(
  blocks: readonly BuiltBlock[],
  program: LoweredProgram,
  /**
   * segments: how many segments to size for (default: about blocks / SEGMENT_TARGET);
   * uniqueSlack: slots per rule with unique claims, times this (see chooseShape); universal:
   * size for UNIVERSAL_SEGMENT_TARGET.
   */
  options: {
    share?: boolean;
    segments?: number;
    slack?: number;
    uniqueSlack?: number;
    universal?: boolean;
  } = {},
): SegmentShape {
  const priv: Record<string, number> = {};
  const pub: Record<string, number> = {};
  let total = 0;
  for (const b of blocks) {
    const m = b.isPublic ? pub : priv;
    m[b.rule.name] = (m[b.rule.name] ?? 0) + 1;
    if (!b.isPublic) total++;
  }
  const target = options.universal ? UNIVERSAL_SEGMENT_TARGET : SEGMENT_TARGET;
  const segments = options.segments ?? Math.max(1, Math.ceil(total / target));
  const firstSegment = segments > 1 ? belowPublicClaims(blocks, program) : {};
  const shape = sizedShape(program, priv, pub, segments, { ...options, firstSegment });
  const slack = options.uniqueSlack ?? 1;
  if (slack === 1) return shape;
  const slots = { ...shape.slots };
  for (const rule of program.rules)
    if (rule.uniques.length && slots[rule.name])
      slots[rule.name] = Math.ceil(slots[rule.name] * slack);
  return { ...shape, slots };
}

/**
 * The segment shape a proof is compiled for: sized with slots per rule and with shared slots
 * where they pay (shapeFor), the one whose planned segments cost fewer constraints in all.
 * Shared slots make each segment smaller but fewer blocks of one rule fit a segment, and the
 * planner, which places blocks in the order of their unique claims, may need more segments.
 * Shared slots are tried with more or less room (sizedShape's slack). `share` false takes slots
 * per rule; true compares only the sizings with shared slots.
 */
export function chooseShape(
  built: Built,
  program: LoweredProgram,
  /** universal: the universal encoding's segment size, and its doubled unique slots too. */
  options: { share?: boolean; segments?: number; universal?: boolean } = {},
): { shape: SegmentShape; segments: number; estimate: number } {
  // Slots per rule, or shared slots with more or less room (see sizedShape's slack). The
  // planner opens a segment when any rule's slots are full, taking unique blocks in the order
  // of their claims, whose mix of rules varies along that order: for the universal encoding,
  // twice the slots for rules with unique claims, to let it fill the others, is a candidate
  // too (nf.mm at 384 blocks a segment: 3,930 segments planned for 3,464 sized instead of
  // 8,105, a third fewer constraints in all; hol.mm's tree encoding would take it too, 18
  // segments for 27 but of about 78,000 constraints for 55,000: unmeasured, so not yet there).
  const shared = [1, 1.5, 2].map((slack) => ({ share: true, slack, uniqueSlack: 1 }));
  const perRule = (options.universal ? [1, 2] : [1]).map((uniqueSlack) => ({
    share: false,
    slack: 1,
    uniqueSlack,
  }));
  const candidates =
    options.share === undefined ? [...perRule, ...shared] : options.share ? shared : perRule;
  let best: { shape: SegmentShape; segments: number; estimate: number } | undefined;
  let failure: unknown;
  for (const { share, slack, uniqueSlack } of candidates) {
    const shape = shapeFor(built.blocks, program, {
      share,
      slack,
      uniqueSlack,
      segments: options.segments,
      universal: options.universal,
    });
    let segments: number;
    try {
      segments = planSegments({ program, shape }, built.parsed, built.validation).blocks.length;
    } catch (error) {
      if (!(error instanceof SegmentCapacityError)) throw error;
      failure = error;
      continue;
    }
    const estimate = segments * segmentCostEstimate(program, shape);
    if (!best || estimate < best.estimate) best = { shape, segments, estimate };
  }
  if (!best) throw failure;
  return best;
}

/**
 * Private blocks with a unique claim below the largest public one, by rule: the segment planner
 * must put them in the first segment, with the public blocks. (A public block's shown values
 * are all taken as term names, so a theorem count can make a term public.)
 */
function belowPublicClaims(
  blocks: readonly BuiltBlock[],
  program: LoweredProgram,
): Record<string, number> {
  const claims = (b: BuiltBlock) =>
    program.rules[b.rule.index].uniques.map((u) =>
      packUnique(
        u.tag,
        u.args.map((a) => evaluateLExpr(a, b.values)),
      ),
    );
  let top = -1n;
  for (const b of blocks) if (b.isPublic) for (const c of claims(b)) if (c > top) top = c;
  const out: Record<string, number> = {};
  for (const b of blocks) {
    if (b.isPublic || !claims(b).some((c) => c <= top)) continue;
    out[b.rule.name] = (out[b.rule.name] ?? 0) + 1;
  }
  return out;
}

export interface Prepared {
  readonly enc: MetamathEncoding;
  readonly built: Built;
  readonly buildDir: string;
  readonly transcriptPath: string;
  readonly timings: { encode: number; build: number; compile: number };
  readonly compiled: boolean;
}

/**
 * The cache key of a compiled circuit: the Circom bmc would write for it now and the manifest
 * version, so that a build made by another version of bmc (another emitter, another stdlib,
 * another manifest format) is never picked up as this one's.
 */
function buildKey(program: LoweredProgram, shape: SegmentShape): string {
  const emitted = emitCircuit(program, shape);
  return createHash("sha256")
    .update(`manifest ${MANIFEST_VERSION}\0${circuitDigest(emitted.files)}\0`)
    .update(readFileSync(join(stdlibDir(), "circom", "bmc.circom")))
    .digest("hex");
}

/** Encode, build, validate, and compile (or find in the cache) the circuit for a proof. */
export async function prepareMetamath(
  db: MetamathDatabase,
  theorem: string | undefined,
  /**
   * share: true or false sizes the segment with or without shared slots (to measure what sharing
   * saves); by default the cheaper of the two (chooseShape).
   */
  options: {
    cacheDir?: string;
    progress?: Progress;
    share?: boolean;
    encoding?: EncodingMode;
  } = {},
): Promise<Prepared> {
  const t0 = performance.now();
  const enc = encode(db, theorem, options.encoding);
  const t1 = performance.now();
  const { rulesDir, rulesPath } = storeRules(enc.rulesText, options.cacheDir);
  const built = buildMetamath(rulesPath, enc);
  const t2 = performance.now();
  if (!built.validation.valid) {
    throw new Error(
      `the generated transcript is not valid (a bug in the Metamath encoder):\n${renderDiagnostics(built.validation.diagnostics.slice(0, 3), { color: false })}`,
    );
  }
  options.progress?.(
    `encoded ${enc.stats.contexts} theorem${enc.stats.contexts === 1 ? "" : "s"} (${enc.mode} encoding): ${built.blocks.length} blocks, valid`,
  );
  const { buildDir, compiled } = await compileCircuit(built, rulesDir, rulesPath, {
    progress: options.progress,
    share: options.share,
    universal: enc.mode === "universal",
  });
  const t3 = performance.now();
  const transcriptPath = join(rulesDir, "transcript.bmt");
  return {
    enc,
    built,
    buildDir,
    transcriptPath,
    compiled,
    timings: { encode: t1 - t0, build: t2 - t1, compile: t3 - t2 },
  };
}

/**
 * The generated rules in the cache, in a folder named by their digest (which holds their
 * builds too); written only when missing or different.
 */
function storeRules(
  rulesText: string,
  cacheDir: string | undefined,
): { rulesDir: string; rulesPath: string } {
  const cache = join(cacheDir ?? defaultCacheDir(), "metamath");
  const rulesDigest = createHash("sha256").update(rulesText).digest("hex");
  const rulesDir = join(cache, rulesDigest.slice(0, 32));
  mkdirSync(rulesDir, { recursive: true });
  const rulesPath = join(rulesDir, "rules.bm");
  if (!existsSync(rulesPath) || readFileSync(rulesPath, "utf8") !== rulesText) {
    writeFileAtomic(rulesPath, rulesText);
  }
  return { rulesDir, rulesPath };
}

/**
 * Lowers the generated rules, sizes the segment for the built transcript, and compiles the
 * circuit into the rules' folder unless a build for the same circuit is already there.
 */
async function compileCircuit(
  built: Built,
  rulesDir: string,
  rulesPath: string,
  options: { progress?: Progress; share?: boolean; universal: boolean },
): Promise<{ buildDir: string; compiled: boolean }> {
  const lowered = lowerRuleSet(built.ruleSet);
  if (!lowered.program)
    throw new Error("the generated rules do not lower (a bug in the Metamath encoder)");
  const { shape } = chooseShape(built, lowered.program, {
    share: options.share,
    universal: options.universal,
  });
  const buildDir = join(rulesDir, `build-${buildKey(lowered.program, shape).slice(0, 16)}`);
  if (existsSync(join(buildDir, "manifest.json"))) return { buildDir, compiled: false };
  options.progress?.(`compiling the circuit (cached under ${buildDir})`);
  const r = await compileProgram(lowered.program, {
    rulesFile: rulesPath,
    outDir: buildDir,
    shape,
    onProgress: options.progress,
    // Metamath proofs are folded: the Groth16 main (a Poseidon sponge over every input, most
    // of the compile on a large segment) would never be used.
    mains: "fold",
    // --O2 (compileProgram's default) pays here: on hol.mm's segment (every theorem, 27
    // segments) it took 119 s of CPU against --O1's 107 s, the same 1.3 GiB, and removed all
    // 10,543 linear constraints (22% of the --O1 circuit's, which every segment would fold).
  });
  if (!r.ok)
    throw new Error(
      `circom could not compile the generated circuit: ${JSON.stringify(r.circom ?? {}).slice(0, 400)}`,
    );
  return { buildDir, compiled: true };
}

export interface MetamathProveResult {
  readonly file: MetamathProofFile;
  readonly prepared: Prepared;
  readonly segments: number;
  readonly proveMs: number;
  /** CPU time of this process (user + system) over the same span as proveMs. */
  readonly proveCpuMs: number;
}

/** `bmc prove --metamath FILE.mm [--theorem LABEL]`: a folded proof of the theorem(s). */
export async function proveMetamath(
  path: string,
  options: {
    theorem?: string;
    cacheDir?: string;
    progress?: Progress;
    share?: boolean;
    encoding?: EncodingMode;
  } = {},
): Promise<MetamathProveResult> {
  const db = readDatabase(path);
  const prepared = await prepareMetamath(db, options.theorem, options);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const { built } = prepared;
  const r = await proveFold(prepared.buildDir, prepared.transcriptPath, {
    transcriptText: built.transcript,
    checked: { ruleSet: built.ruleSet, transcript: built.parsed, validation: built.validation },
    onProgress: options.progress,
    cacheDir: options.cacheDir,
    // As `bmc prove`: a thread per core (for one segment, the second commits beside it).
    workers: availableParallelism(),
  });
  if (!r.proof) {
    throw new Error(
      `the folding prover rejected the generated transcript (a bug):\n${renderDiagnostics(r.diagnostics, { color: false })}`,
    );
  }
  const file: MetamathProofFile = {
    format: METAMATH_PROOF_FORMAT,
    version: 1,
    scope: options.theorem === undefined ? "all" : "theorem",
    encoding: prepared.enc.mode,
    statement: prepared.enc.statement,
    proof: r.proof,
  };
  const cpu = process.cpuUsage(cpu0);
  const proveMs = performance.now() - t0;
  const proveCpuMs = (cpu.user + cpu.system) / 1000;
  return { file, prepared, segments: r.segments ?? 0, proveMs, proveCpuMs };
}

export interface MetamathVerifyResult {
  readonly valid: boolean;
  readonly reason?: string;
  readonly scope?: "theorem" | "all";
  readonly statement?: MetamathStatement;
  readonly segments?: number;
}

/**
 * `bmc verify --metamath FILE.mm PROOF.json`: the proof's statement must be the database's
 * (same digest, same theorems with the same hypotheses and conclusions), and the folded proof
 * must verify against the circuit compiled from the database's own encoding, with the goal the
 * encoding names as its only public block.
 */
export async function verifyMetamath(
  path: string,
  proofText: string,
  options: { cacheDir?: string; progress?: Progress; encoding?: EncodingMode } = {},
): Promise<MetamathVerifyResult> {
  const file = readProofFile(proofText, options.encoding);
  if (typeof file === "string") return { valid: false, reason: file };
  const db = readDatabase(path);
  const prepared = await prepareForProof(db, file, options);
  if (typeof prepared === "string") return { valid: false, reason: prepared };
  const reason = statementMismatch(file, prepared, path);
  if (reason !== undefined) return { valid: false, reason };
  const r = await verifyFoldProof(prepared.buildDir, file.proof, { cacheDir: options.cacheDir });
  if (!r.valid) return { valid: false, reason: r.reason };
  const statement = prepared.enc.statement;
  return { valid: true, scope: file.scope, statement, segments: r.segments };
}

/**
 * A proof file's JSON, when it has the shape of one and its encoding is known (and the one
 * asked for, if one is); otherwise why not.
 */
function readProofFile(
  proofText: string,
  encoding: EncodingMode | undefined,
): MetamathProofFile | string {
  let file: MetamathProofFile;
  try {
    file = JSON.parse(proofText);
  } catch {
    return "the proof file is not valid JSON";
  }
  const shapeOk =
    typeof file === "object" &&
    file !== null &&
    file.format === METAMATH_PROOF_FORMAT &&
    file.version === 1 &&
    (file.scope === "all" || file.scope === "theorem") &&
    typeof file.statement === "object" &&
    file.statement !== null &&
    Array.isArray(file.statement.theorems) &&
    typeof file.proof === "object";
  if (!shapeOk) return "not a bmc Metamath proof file";
  if (file.encoding !== undefined && !isEncodingMode(file.encoding))
    return `unknown encoding ${JSON.stringify(file.encoding)}`;
  if (encoding && file.encoding !== encoding)
    return `the proof uses the ${file.encoding ?? "default"} encoding, not ${encoding}`;
  return file;
}

/**
 * The database's own encoding of the theorem(s) the proof file names, built and compiled
 * (prepareMetamath); or why there is none (a bad label, a theorem that does not encode).
 */
async function prepareForProof(
  db: MetamathDatabase,
  file: MetamathProofFile,
  options: { cacheDir?: string; progress?: Progress },
): Promise<Prepared | string> {
  const labels = file.statement.theorems.map((t) => (t as { label?: unknown }).label);
  if (file.scope === "theorem" && (labels.length !== 1 || typeof labels[0] !== "string"))
    return "a theorem proof names exactly one theorem";
  try {
    return await prepareMetamath(db, file.scope === "all" ? undefined : (labels[0] as string), {
      ...options,
      encoding: file.encoding,
    });
  } catch (e) {
    if (e instanceof CommandError) return e.message;
    if (e instanceof DiagnosticError) return `${e.diagnostic.code}: ${e.message}`;
    throw e;
  }
}

/**
 * Why the proof file's statement and goal are not the database's (another database, other
 * hypotheses or conclusions, other public blocks), if they differ.
 */
function statementMismatch(
  file: MetamathProofFile,
  prepared: Prepared,
  path: string,
): string | undefined {
  const expected = prepared.enc.statement;
  if (JSON.stringify(file.statement.database) !== JSON.stringify(expected.database))
    return `the proof is for another database than ${path} (sha256 ${expected.database.digest})`;
  if (JSON.stringify(file.statement) !== JSON.stringify(expected))
    return "the proof's statement is not the database's (hypotheses or conclusion differ)";
  const goal = JSON.stringify(publicBlocks(prepared.built.blocks));
  const claimed = (file.proof as { statement?: unknown }).statement;
  if (JSON.stringify(claimed) !== goal)
    return "the folded proof's public blocks are not the goal the database's encoding names";
  return undefined;
}

// ---- The commands (thin: arguments in, library call, text or --json out). ----

interface Io {
  out(text: string): void;
  err(text: string): void;
}
type Opts = {
  output?: string;
  metamath?: string;
  theorem?: string;
  encoding?: string;
  json?: boolean;
  quiet?: boolean;
};

/**
 * `import metamath -o DIR` writes rules.bm and a transcript per theorem into DIR: a new or empty
 * folder only, so that no file bmc did not make is overwritten (BM0910).
 */
function refuseUserFolder(dir: string): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory() || readdirSync(dir).length > 0)
    throw new CommandError(
      `-o ${dir} exists and is not an empty folder; bmc will not write into it`,
      "BM0910",
      "name a new folder for the imported rules and transcripts",
    );
}

/** What a Metamath command reports: JSON for --json, else text (to stderr when it failed). */
interface Outcome {
  readonly json: unknown;
  readonly text: string;
  readonly exit: number;
}

type MetamathCommand = (
  args: string[],
  opts: Opts,
  io: Io,
  progress: Progress | undefined,
  usage: (m: string) => never,
) => Promise<number>;

/**
 * The shell the three commands share: arguments checked against the synopsis, the library
 * call, then the outcome as JSON or text. A failed outcome's text is shown even with --quiet.
 */
function metamathCommand(
  synopsis: string,
  accepts: (args: string[], opts: Opts) => boolean,
  run: (args: string[], opts: Opts, progress: Progress | undefined) => Promise<Outcome>,
): MetamathCommand {
  return async (args, opts, io, progress, usage) => {
    if (!accepts(args, opts)) usage(synopsis);
    if (opts.encoding !== undefined && !isEncodingMode(opts.encoding))
      usage(`--encoding takes tree, string or universal, not \`${opts.encoding}\``);
    const r = await run(args, opts, progress);
    if (opts.json) io.out(JSON.stringify(r.json, null, 2) + "\n");
    else if (r.exit !== 0) io.err(r.text);
    else if (!opts.quiet) io.out(r.text);
    return r.exit;
  };
}

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;

export const importCommand = metamathCommand(
  "bmc import metamath FILE.mm [--theorem LABEL] [--encoding tree|string|universal] -o DIR",
  (args, opts) => args[0] === "metamath" && args.length === 2 && !!opts.output,
  async (args, opts, progress) => {
    refuseUserFolder(opts.output!);
    const r = await importMetamath(args[1], opts.output!, {
      theorem: opts.theorem,
      encoding: opts.encoding as EncodingMode | undefined,
      progress,
    });
    const valid = r.transcripts.every((t) => t.valid);
    const blocks = r.transcripts.reduce((n, t) => n + t.blocks, 0);
    return {
      json: { valid, ...r },
      text: `imported: ${r.rules} (${r.mode} encoding) and ${plural(r.transcripts.length, "transcript")} (${blocks} blocks), ${valid ? "all valid" : "NOT all valid"}\n`,
      exit: valid ? 0 : 1,
    };
  },
);

export const proveCommand = metamathCommand(
  "bmc prove --metamath FILE.mm [--theorem LABEL] [--encoding tree|string|universal] -o PROOF.json",
  (args, opts) => args.length === 0 && !!opts.output,
  async (_args, opts, progress) => {
    checkOutputFile(opts.output!, [".json"], [opts.metamath!]);
    const r = await proveMetamath(opts.metamath!, {
      theorem: opts.theorem,
      encoding: opts.encoding as EncodingMode | undefined,
      progress,
    });
    writeOutputFile(opts.output!, JSON.stringify(r.file) + "\n");
    const blocks = r.prepared.built.blocks.length;
    return {
      json: {
        proof: opts.output,
        statement: r.file.statement,
        mode: r.prepared.enc.mode,
        blocks,
        segments: r.segments,
      },
      text:
        `proved: ${describe(r.file.statement, r.file.scope)}\n  ${opts.output} (${blocks} blocks, ${plural(r.segments, "segment")} folded)\n` +
        "INSECURE: committed with this machine's development SRS; never use it for real proofs.\n",
      exit: 0,
    };
  },
);

export const verifyCommand = metamathCommand(
  "bmc verify --metamath FILE.mm [--encoding tree|string|universal] PROOF.json",
  (args) => args.length === 1,
  async (args, opts, progress) => {
    let text: string;
    try {
      text = readFileSync(args[0], "utf8");
    } catch {
      throw new CommandError(`cannot read ${args[0]}`, "BM0901");
    }
    const r = await verifyMetamath(opts.metamath!, text, {
      progress,
      encoding: opts.encoding as EncodingMode | undefined,
    });
    return {
      json: r,
      text: r.valid
        ? `valid: ${args[0]} proves ${describe(r.statement!, r.scope!)}\n`
        : `invalid: ${args[0]}: ${r.reason}\n`,
      exit: r.valid ? 0 : 1,
    };
  },
);

function isEncodingMode(x: unknown): x is EncodingMode {
  return x === "tree" || x === "string" || x === "universal";
}

function describe(s: MetamathStatement, scope: "all" | "theorem"): string {
  const db = `${s.database.file} (sha256 ${s.database.digest})`;
  if (scope === "all") return `all ${s.theorems.length} theorems of ${db}`;
  const t = s.theorems[0];
  const hyps = t.hypotheses.length ? ` from ${t.hypotheses.map((h) => `\`${h}\``).join(", ")}` : "";
  return `${t.label} of ${db}: \`${t.conclusion}\`${hyps}`;
}

/** The public blocks of a built transcript, as a proof file's statement lists them: the goal,
 * and the definitions of any term a goal's value happens to name (the builder makes them
 * public, docs/build.md). */
export function publicBlocks(blocks: readonly BuiltBlock[]): { rule: string; shown: string[] }[] {
  return blocks
    .filter((b) => b.isPublic)
    .map((b) => ({ rule: b.rule.name, shown: b.values.slice(0, b.rule.shownCount).map(String) }));
}
