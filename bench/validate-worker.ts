/**
 * One measurement in a fresh process (started by bench/run.ts), so that peak memory and JIT
 * state are this run's alone: check the rules, then read + parse the transcript, then validate
 * it. Prints one JSON line (a WorkerResult) on stdout; exits 1, with the diagnostics on stderr,
 * if the transcript does not parse or is not valid.
 *
 * node dist/bench/validate-worker.js <rules.bm> <transcript.bmt>
 */
import { readFileSync } from "node:fs";
import {
  checkRuleFile,
  renderDiagnostics,
  parseTranscript,
  SourceFile,
  validateTranscript,
} from "../src/index.js";

export interface WorkerResult {
  readonly blocks: number;
  readonly publicBlocks: number;
  readonly bytes: number;
  /** Reading the file into a string. */
  readonly readMs: number;
  /** parseTranscript: scanning the text into the column-wise transcript. */
  readonly parseMs: number;
  /** validateTranscript: the four validity conditions, multiplicities, `_` values. */
  readonly validateMs: number;
  /** process.resourceUsage().maxRSS at the end, in MiB. */
  readonly maxRssMiB: number;
  /** V8 heap in use after validation (the transcript and the validation result still live). */
  readonly heapUsedMiB: number;
  readonly hypotheses: number;
  readonly distinctClaims: number;
  readonly uniqueClaims: number;
}

function fail(message: string): never {
  process.stderr.write(`bench worker: ${message}\n`);
  process.exit(1);
}

const [rulesPath, transcriptPath] = process.argv.slice(2);
if (!rulesPath || !transcriptPath) {
  fail("usage: node dist/bench/validate-worker.js <rules.bm> <transcript.bmt>");
}
const check = checkRuleFile(rulesPath);
if (!check.ruleSet) fail(`${rulesPath} does not check:\n${renderDiagnostics(check.diagnostics)}`);
const ruleSet = check.ruleSet;

const t0 = performance.now();
const text = readFileSync(transcriptPath, "utf8");
const t1 = performance.now();
const parsed = parseTranscript(new SourceFile(transcriptPath, text), ruleSet);
const t2 = performance.now();
if (!parsed.transcript) {
  fail(`${transcriptPath} does not parse:\n${renderDiagnostics(parsed.diagnostics)}`);
}
const validation = validateTranscript(parsed.transcript);
const t3 = performance.now();
if (!validation.valid) {
  fail(
    `${transcriptPath} is not valid (${validation.errorCount} errors):\n` +
      renderDiagnostics(validation.diagnostics),
  );
}
const MiB = 2 ** 20;
const result: WorkerResult = {
  blocks: parsed.transcript.blockCount,
  publicBlocks: parsed.transcript.publicCount,
  bytes: Buffer.byteLength(text),
  readMs: t1 - t0,
  parseMs: t2 - t1,
  validateMs: t3 - t2,
  // maxRSS is in KiB.
  maxRssMiB: process.resourceUsage().maxRSS / 1024,
  heapUsedMiB: process.memoryUsage().heapUsed / MiB,
  hypotheses: validation.stats.hypotheses,
  distinctClaims: validation.stats.distinctClaims,
  uniqueClaims: validation.stats.uniqueClaims,
};
process.stdout.write(JSON.stringify(result) + "\n");
