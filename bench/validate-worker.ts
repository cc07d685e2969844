/**
 * One measurement in a fresh process (started by bench/run.ts), so that peak memory and JIT
 * state are this run's alone: check the rules, then read + parse the transcript, then validate
 * it. Prints one JSON line (a WorkerResult) on stdout; exits 1, with the diagnostics on stderr,
 * if the transcript does not parse or is not valid.
 *
 * node dist/bench/validate-worker.js <rules.bm> <transcript.bmt>
 */
import { readFileSync } from "node:fs";
// The checker's own modules, not src/index.js: that one also loads the compiler and the
// prover (snarkjs, ffjavascript, circom2), whose start-up time and memory are not the checker's.
import { checkRuleFile } from "../src/check/index.js";
import { renderDiagnostics, SourceFile } from "../src/diagnostics/index.js";
import { parseTranscript } from "../src/transcript/parse.js";
import { validateTranscript } from "../src/validate/index.js";

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
  /**
   * CPU time (user + system, process.cpuUsage: all of the process's threads, so V8's
   * background GC counts) of the same three phases: on a loaded machine wall time measures
   * the other jobs, CPU time this one.
   */
  readonly readCpuMs: number;
  readonly parseCpuMs: number;
  readonly validateCpuMs: number;
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

/** CPU time used so far by this process, in ms. */
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const c0 = cpuMs();
const t0 = performance.now();
const text = readFileSync(transcriptPath, "utf8");
const t1 = performance.now();
const c1 = cpuMs();
const parsed = parseTranscript(new SourceFile(transcriptPath, text), ruleSet);
const t2 = performance.now();
const c2 = cpuMs();
if (!parsed.transcript) {
  fail(`${transcriptPath} does not parse:\n${renderDiagnostics(parsed.diagnostics)}`);
}
const validation = validateTranscript(parsed.transcript);
const t3 = performance.now();
const c3 = cpuMs();
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
  readCpuMs: c1 - c0,
  parseCpuMs: c2 - c1,
  validateCpuMs: c3 - c2,
  // maxRSS is in KiB.
  maxRssMiB: process.resourceUsage().maxRSS / 1024,
  heapUsedMiB: process.memoryUsage().heapUsed / MiB,
  hypotheses: validation.stats.hypotheses,
  distinctClaims: validation.stats.distinctClaims,
  uniqueClaims: validation.stats.uniqueClaims,
};
process.stdout.write(JSON.stringify(result) + "\n");
