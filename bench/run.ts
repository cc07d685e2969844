/**
 * `npm run bench`: read + parse and validate throughput of the native checker on generated
 * propositional transcripts of growing size (bench/generate.ts). Every measurement runs in a
 * fresh process (bench/validate-worker.ts), so that its peak memory and JIT state are its own.
 * Prints a markdown table and writes bench/results/validate.md and bench/results/validate.json
 * (each to a temporary name, then renamed). Fails if a generated transcript does not parse, is
 * not valid, or does not have the expected number of blocks.
 *
 *   node dist/bench/run.js                  sizes 10^3, 10^4, 10^5, 10^6, 3 runs each
 *   node dist/bench/run.js 1000 2000000     other sizes (blocks)
 *   node dist/bench/run.js --runs=5         5 fresh processes per size (the median is kept)
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { RULES, shapeFor, writeTranscript } from "./generate.js";
import {
  commandAndLoadLines,
  commandLine,
  gitRevision,
  machine,
  markdownTable,
  runLines,
  writeReport,
} from "./report.js";
import type { WorkerResult } from "./validate-worker.js";

/** The target (issue 13): 10^6 blocks read, parsed and validated in at most 2 s and 400 MiB. */
const TARGET_BLOCKS = 1_000_000;
const TARGET_SECONDS = 2;
const TARGET_RSS_MIB = 400;
const DEFAULT_SIZES = [1_000, 10_000, 100_000, 1_000_000];
const DEFAULT_RUNS = 3;

const root = fileURLToPath(new URL("../../", import.meta.url));
const rulesPath = join(root, RULES);
const worker = fileURLToPath(new URL("./validate-worker.js", import.meta.url));
const resultsDir = join(root, "bench", "results");

interface Row extends WorkerResult {
  /** Time to generate and write the transcript file (not part of the measurement). */
  readonly generateMs: number;
  /** read + parse + validate of every run, in run order; the row is the median run by CPU time. */
  readonly runTotalsMs: number[];
  readonly runTotalsCpuMs: number[];
}

const totalMs = (r: WorkerResult) => r.readMs + r.parseMs + r.validateMs;
const totalCpuMs = (r: WorkerResult) => r.readCpuMs + r.parseCpuMs + r.validateCpuMs;

function parseArgs(args: string[]): { sizes: number[]; runs: number } {
  const usage = "usage: node dist/bench/run.js [--runs=N] [blocks...]";
  let runs = DEFAULT_RUNS;
  const sizes: number[] = [];
  for (const a of args) {
    const m = /^--runs=(\d+)$/.exec(a);
    if (m) {
      runs = Number(m[1]);
      if (runs < 1) throw new Error(`--runs must be at least 1 (${usage})`);
      continue;
    }
    const n = Number(a.replace(/_/g, ""));
    if (!Number.isSafeInteger(n) || n < 1) throw new Error(`not a block count: ${a} (${usage})`);
    sizes.push(n);
  }
  return { sizes: sizes.length ? sizes : DEFAULT_SIZES, runs };
}

/** One fresh worker process on the transcript at `path`; throws unless it is valid. */
function runWorker(size: number, path: string): WorkerResult {
  const run = spawnSync(process.execPath, [worker, rulesPath, path], {
    encoding: "utf8",
    maxBuffer: 64 * 2 ** 20,
  });
  if (run.error) throw run.error;
  if (run.status !== 0) {
    throw new Error(
      `bench worker failed on ${size} blocks (exit ${run.status ?? run.signal}):\n${run.stderr}`,
    );
  }
  const lines = run.stdout.trim().split("\n");
  const result = JSON.parse(lines[lines.length - 1]) as WorkerResult;
  const shape = shapeFor(size);
  if (result.blocks !== size || result.publicBlocks !== shape.publicBlocks) {
    throw new Error(
      `bench worker read ${result.blocks} blocks (${result.publicBlocks} public), ` +
        `expected ${size} (${shape.publicBlocks} public)`,
    );
  }
  return result;
}

/** Generates the transcript of one size, measures it `runs` times, keeps the median run. */
async function measure(size: number, runs: number, scratch: string): Promise<Row> {
  const path = join(scratch, `propositional-${size}.bmt`);
  const g0 = performance.now();
  await writeTranscript(path, size);
  const generateMs = performance.now() - g0;
  try {
    const results: WorkerResult[] = [];
    for (let r = 0; r < runs; r++) results.push(runWorker(size, path));
    // By CPU time: on a shared machine wall time also measures the other jobs.
    const sorted = [...results].sort((x, y) => totalCpuMs(x) - totalCpuMs(y));
    const median = sorted[Math.floor((sorted.length - 1) / 2)];
    return {
      ...median,
      generateMs,
      runTotalsMs: results.map(totalMs),
      runTotalsCpuMs: results.map(totalCpuMs),
    };
  } finally {
    rmSync(path, { force: true });
  }
}

const int = (n: number) => Math.round(n).toLocaleString("en-US");
const seconds = (ms: number) => `${(ms / 1000).toFixed(3)} s`;
const perSecond = (blocks: number, ms: number) => int(blocks / (ms / 1000));

const { sizes, runs } = parseArgs(process.argv.slice(2));
const loadBefore = loadavg();
const scratch = mkdtempSync(join(tmpdir(), "bmc-bench-"));
const rows: Row[] = [];
try {
  for (const size of sizes) {
    const row = await measure(size, runs, scratch);
    rows.push(row);
    process.stderr.write(
      `${int(size)} blocks: read+parse ${seconds(row.readMs + row.parseMs)}, ` +
        `validate ${seconds(row.validateMs)}, total ${seconds(totalMs(row))} ` +
        `(CPU ${seconds(totalCpuMs(row))}) ` +
        `(median of ${row.runTotalsMs.map(seconds).join(", ")}), ` +
        `peak RSS ${row.maxRssMiB.toFixed(0)} MiB\n`,
    );
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

const cpu = cpus();
// The results give the load before and after the run on their own.
const { loadAverage: _, ...host } = machine();
const date = new Date().toISOString();
const command = commandLine(root, import.meta.url, "bench");
const revision = gitRevision(root);

const loadAfter = loadavg();
/** More runnable jobs than cores: wall times then include waiting for a core. */
const loaded = Math.max(loadBefore[0], loadAfter[0]) > cpu.length;

const target = rows.find((r) => r.blocks >= TARGET_BLOCKS);
const targetMs = target ? totalMs(target) : undefined;
const targetCpuMs = target ? totalCpuMs(target) : undefined;
const verdict = (met: boolean) => (met ? "met" : "NOT met");
const targetLine =
  target && targetMs !== undefined && targetCpuMs !== undefined
    ? `Target: ${int(TARGET_BLOCKS)} blocks read, parsed and validated in at most ` +
      `${TARGET_SECONDS} s and ${TARGET_RSS_MIB} MiB. Wall time: ` +
      `**${verdict(targetMs <= TARGET_SECONDS * 1000)}** (${seconds(targetMs)}; runs: ` +
      `${target.runTotalsMs.map(seconds).join(", ")}); CPU time: ` +
      `**${verdict(targetCpuMs <= TARGET_SECONDS * 1000)}** (${seconds(targetCpuMs)}; runs: ` +
      `${target.runTotalsCpuMs.map(seconds).join(", ")}); peak RSS: ` +
      `**${verdict(target.maxRssMiB <= TARGET_RSS_MIB)}** (${target.maxRssMiB.toFixed(0)} MiB).`
    : `Target: ${int(TARGET_BLOCKS)} blocks in at most ${TARGET_SECONDS} s: not measured in this run.`;
const targetMet =
  target && targetMs !== undefined
    ? targetMs <= TARGET_SECONDS * 1000 && target.maxRssMiB <= TARGET_RSS_MIB
    : undefined;

const table = markdownTable(
  [
    "blocks",
    "file",
    "read+parse",
    "validate",
    "total",
    "read+parse blocks/s",
    "validate blocks/s",
    "total blocks/s",
    "read+parse CPU",
    "validate CPU",
    "total CPU",
    "peak RSS",
  ],
  "rrrrrrrrrrrr",
  rows.map((r) => {
    const parse = r.readMs + r.parseMs;
    return [
      int(r.blocks),
      `${(r.bytes / 2 ** 20).toFixed(1)} MiB`,
      seconds(parse),
      seconds(r.validateMs),
      seconds(totalMs(r)),
      perSecond(r.blocks, parse),
      perSecond(r.blocks, r.validateMs),
      perSecond(r.blocks, totalMs(r)),
      seconds(r.readCpuMs + r.parseCpuMs),
      seconds(r.validateCpuMs),
      seconds(totalCpuMs(r)),
      `${r.maxRssMiB.toFixed(0)} MiB`,
    ];
  }),
);

const report = [
  "# Native checker throughput",
  "",
  ...runLines(date, host, revision),
  ...commandAndLoadLines(command, loadBefore, loadAfter),
  "",
  ...(loaded
    ? [
        `**Loaded machine** (load average above the ${cpu.length} cores): wall times include`,
        "waiting for a core, and CPU times are inflated by the other jobs' use of caches. Compare",
        "CPU times, and only with runs under similar load.",
        "",
      ]
    : []),
  `Transcripts for \`${RULES}\`, generated by \`bench/generate.ts\`:`,
  "copies of the whitepaper's proof of A -> A, 13 blocks each (public: the goal's 2 term",
  "definitions and `demand`; private: 5 more definitions, 2 axiom1, 1 axiom2, 2 modus ponens),",
  "copy i over metavariable i and its own term names, plus at most 12 term definitions to reach",
  "the exact block count.",
  "",
  "Every run is a fresh Node process (`bench/validate-worker.ts`). read+parse is `readFileSync`",
  "plus `parseTranscript` (text to the column-wise transcript); validate is `validateTranscript`",
  "(constraints, unique claims, hypotheses, setup placement, multiplicities, `_` values); each",
  "transcript is checked to be valid with the expected block count. Peak RSS is the worker's",
  "`process.resourceUsage().maxRSS` (a bare Node process is about 40 MiB). CPU is user + system",
  "time of the worker (`process.cpuUsage`, all its threads, so V8's background GC counts).",
  `Each row is the median run (by total CPU time) of ${runs}, with no warm-up: the smallest sizes mostly`,
  "measure JIT compilation.",
  "",
  table,
  "",
  targetLine,
  "",
].join("\n");

const json = {
  date,
  machine: host,
  revision,
  command: command.command,
  npmScript: command.script ?? null,
  loadAverageBefore: loadBefore,
  loadAverageAfter: loadAfter,
  loaded,
  rules: RULES,
  runsPerSize: runs,
  target: {
    blocks: TARGET_BLOCKS,
    seconds: TARGET_SECONDS,
    rssMiB: TARGET_RSS_MIB,
    measuredSeconds: targetMs !== undefined ? targetMs / 1000 : null,
    measuredCpuSeconds: targetCpuMs !== undefined ? targetCpuMs / 1000 : null,
    met: targetMet ?? null,
  },
  rows: rows.map((r) => ({
    ...r,
    readParseBlocksPerSecond: r.blocks / ((r.readMs + r.parseMs) / 1000),
    validateBlocksPerSecond: r.blocks / (r.validateMs / 1000),
    totalBlocksPerSecond: r.blocks / (totalMs(r) / 1000),
    totalCpuMs: totalCpuMs(r),
  })),
};

writeReport(resultsDir, "validate", report, json);
process.stdout.write(report);
process.stderr.write(
  `wrote ${relative(process.cwd(), join(resultsDir, "validate.md"))} and validate.json\n`,
);
