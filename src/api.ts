/**
 * The library API: each function runs the pipeline up to one stage and returns structured
 * results. The CLI is a thin layer over these.
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { checkRuleFile, type CheckResult, type LoadOptions, type RuleSet } from "./check/index.js";
import { diagnostic, hasErrors, SourceFile, type Diagnostic } from "./diagnostics/index.js";
import { parseTranscript, type ParsedTranscript } from "./transcript/parse.js";
import { validateTranscript, type ValidationResult } from "./validate/index.js";
import { buildBlocks, parseProofFile, transcriptText, type BuiltBlock } from "./build/index.js";
import type * as Bindings from "./bindings/generate.js";
import type * as Provers from "./prove/index.js";

export interface ReadOptions {
  /** Text to use instead of reading the file. */
  text?: string;
  maxErrors?: number;
}

export function readTranscript(
  path: string,
  ruleSet: RuleSet,
  options: ReadOptions = {},
): ParsedTranscript {
  let text = options.text;
  if (text === undefined) {
    try {
      text = readFileSync(path, "utf8");
    } catch {
      return { diagnostics: [diagnostic("BM0901", `cannot read ${path}`)], errorCount: 1 };
    }
  }
  return parseTranscript(new SourceFile(path, text), ruleSet, { maxErrors: options.maxErrors });
}

export interface ValidateFilesResult {
  readonly check: CheckResult;
  readonly parsed?: ParsedTranscript;
  readonly validation?: ValidationResult;
  /** Every diagnostic of every stage that ran, in order. */
  readonly diagnostics: Diagnostic[];
  /** True when the rules check, the transcript reads, and it is a valid transcript. */
  readonly valid: boolean;
}

/** Check a rule file, read a transcript against it, and validate it. */
export function validateFiles(
  rulesPath: string,
  transcriptPath: string,
  options: LoadOptions & { transcriptText?: string; maxErrors?: number } = {},
): ValidateFilesResult {
  const check = checkRuleFile(rulesPath, options);
  const diagnostics = [...check.diagnostics];
  if (!check.ruleSet) return { check, diagnostics, valid: false };
  const parsed = readTranscript(transcriptPath, check.ruleSet, {
    text: options.transcriptText,
    maxErrors: options.maxErrors,
  });
  diagnostics.push(...parsed.diagnostics);
  if (!parsed.transcript) return { check, parsed, diagnostics, valid: false };
  const validation = validateTranscript(parsed.transcript, { maxErrors: options.maxErrors });
  diagnostics.push(...validation.diagnostics);
  return {
    check,
    parsed,
    validation,
    diagnostics,
    valid: validation.valid && !hasErrors(diagnostics),
  };
}

export interface BuildFileResult {
  readonly check: CheckResult;
  /** The transcript text, when the proof file built without errors. */
  readonly text?: string;
  readonly blocks: BuiltBlock[];
  /** Validation of the built transcript (a proof whose steps all fit can still leave a
   * hypothesis to other blocks, e.g. a public demand nobody proves). */
  readonly validation?: ValidationResult;
  readonly diagnostics: Diagnostic[];
  readonly valid: boolean;
}

/** Build a transcript from a proof file (see docs/build.md) and validate it. */
export function buildFile(
  rulesPath: string,
  proofPath: string,
  options: LoadOptions & { proofText?: string; transcriptPath?: string } = {},
): BuildFileResult {
  const check = checkRuleFile(rulesPath, options);
  const diagnostics = [...check.diagnostics];
  const fail = (): BuildFileResult => ({ check, blocks: [], diagnostics, valid: false });
  if (!check.ruleSet) return fail();
  let text = options.proofText;
  if (text === undefined) {
    try {
      text = readFileSync(proofPath, "utf8");
    } catch {
      diagnostics.push(diagnostic("BM0901", `cannot read ${proofPath}`));
      return fail();
    }
  }
  const parsed = parseProofFile(text);
  if (!parsed.proof) {
    const code = parsed.errors[0]?.message.startsWith("not valid JSON") ? "BM0401" : "BM0402";
    for (const e of parsed.errors) {
      diagnostics.push(
        diagnostic(code, `${proofPath}${e.path ? ` at ${e.path}` : ""}: ${e.message}`),
      );
    }
    return fail();
  }
  const built = buildBlocks(check.ruleSet, parsed.proof);
  for (const e of built.errors) {
    diagnostics.push(diagnostic("BM0403", `${proofPath} at ${e.path}: ${e.message}`));
  }
  if (built.errors.length) return fail();
  const out = transcriptText(
    built.blocks,
    `// Built by bmc from ${basename(proofPath)}: ${built.blocks.length} blocks, ${built.terms.size} named terms.\n`,
  );
  const read = parseTranscript(
    new SourceFile(options.transcriptPath ?? "built.bmt", out),
    check.ruleSet,
  );
  diagnostics.push(...read.diagnostics);
  const validation = read.transcript ? validateTranscript(read.transcript) : undefined;
  if (validation) diagnostics.push(...validation.diagnostics);
  return {
    check,
    text: out,
    blocks: built.blocks,
    validation,
    diagnostics,
    valid: !!validation?.valid && !hasErrors(diagnostics),
  };
}

/**
 * Formats a rule file (`"bm"`) or a transcript (`"bmt"`) as `bmc fmt` does. Rejects with the
 * project's diagnostics when the text does not parse. The formatter (and prettier) load on
 * first use.
 */
export async function formatText(
  text: string,
  kind: "bm" | "bmt",
  options: { printWidth?: number; path?: string } = {},
): Promise<string> {
  const format = await import("./format/index.js");
  return format.formatText(text, kind, options);
}

// The provers (snarkjs, ffjavascript) and the bindings generator (ts-morph) load on first use,
// like the formatter: a program that imports bmc to check rules or validate transcripts loads
// none of them (together they took most of a second of every import). Each function below is
// its stage's own, under the same name and type.
const provers = () => import("./prove/index.js");

export const proveGroth16: typeof Provers.proveGroth16 = async (...args) =>
  (await provers()).proveGroth16(...args);
export const proveFold: typeof Provers.proveFold = async (...args) =>
  (await provers()).proveFold(...args);
export const verifyProofText: typeof Provers.verifyProofText = async (...args) =>
  (await provers()).verifyProofText(...args);
export const verifyFoldProof: typeof Provers.verifyFoldProof = async (...args) =>
  (await provers()).verifyFoldProof(...args);
export const setup: typeof Provers.setup = async (...args) => (await provers()).setup(...args);
export const exportSolidity: typeof Provers.exportSolidity = async (...args) =>
  (await provers()).exportSolidity(...args);
export const devPtau: typeof Provers.devPtau = async (...args) =>
  (await provers()).devPtau(...args);
export const generateBindings: typeof Bindings.generateBindings = async (...args) =>
  (await import("./bindings/generate.js")).generateBindings(...args);
