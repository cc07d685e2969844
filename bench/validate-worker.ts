/**
 * One measurement in a fresh process, so that peak memory is this run's alone:
 * read + parse, then validate. Prints one JSON line.
 */
import { readFileSync } from "node:fs";
import { checkRuleFile, parseTranscript, SourceFile, validateTranscript } from "../src/index.js";

const [rulesPath, transcriptPath] = process.argv.slice(2);
const rules = checkRuleFile(rulesPath).ruleSet!;
const t0 = performance.now();
const text = readFileSync(transcriptPath, "utf8");
const parsed = parseTranscript(new SourceFile(transcriptPath, text), rules);
const t1 = performance.now();
if (!parsed.transcript)
  throw new Error(`bench transcript did not parse: ${parsed.diagnostics[0]?.message}`);
const v = validateTranscript(parsed.transcript);
const t2 = performance.now();
if (!v.valid) throw new Error(`bench transcript is not valid: ${v.errors[0]?.message}`);
process.stdout.write(
  JSON.stringify({
    blocks: parsed.transcript.blockCount,
    bytes: text.length,
    parseMs: t1 - t0,
    validateMs: t2 - t1,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
  }) + "\n",
);
