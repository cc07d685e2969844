/**
 * The library API: each function runs the pipeline up to one stage and returns structured
 * results. The CLI is a thin layer over these.
 */
import { readFileSync } from "node:fs";
import { checkRuleFile, type CheckResult, type LoadOptions, type RuleSet } from "./check/index.js";
import { diagnostic, hasErrors, SourceFile, type Diagnostic } from "./diagnostics/index.js";
import { parseTranscript, type ParsedTranscript } from "./transcript/parse.js";
import { validateTranscript, type ValidationResult } from "./validate/index.js";

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
