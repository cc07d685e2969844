/**
 * `npm run bench:startup`: how long `bmc` takes to start. Runs `bmc --version`, `bmc help` and
 * `bmc check examples/propositional/propositional.bm` as fresh processes, with a bare
 * `node -e ""` next to them (the floor: Node's own start-up on this machine, under this load),
 * and writes bench/results/startup.md and startup.json (each to a temporary name, then renamed).
 *
 * Each round runs every case once, in turn, so that a change of load during the benchmark falls
 * on all cases alike; one round first warms the file cache and is not counted. Wall time is
 * measured on plain runs; peak RSS and CPU time on as many further runs preloading
 * bench/startup-probe.ts, which reports them when the process exits.
 *
 *   node dist/bench/startup.js                   5 rounds
 *   node dist/bench/startup.js --runs=9          9 rounds
 *   node dist/bench/startup.js --before=DIR      also a built checkout of an older bmc in DIR
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  commandAndLoadLines,
  commandLine,
  gitRevision,
  machine,
  markdownTable,
  runLines,
  writeReport,
} from "./report.js";
import type { ProbeResult } from "./startup-probe.js";

/** The targets (issue 13): median wall time of `bmc --version` and of `bmc check`. */
const TARGET_SECONDS: Record<string, number> = { version: 0.15, check: 0.4 };
const RULES = "examples/propositional/propositional.bm";

const root = fileURLToPath(new URL("../../", import.meta.url));
const probe = fileURLToPath(new URL("./startup-probe.js", import.meta.url));
const resultsDir = join(root, "bench", "results");

interface Case {
  /** Short name: node, version, help, check. */
  readonly name: string;
  /** Which bmc: "this" (this checkout) or "before" (--before DIR). */
  readonly bmc: "this" | "before" | "none";
  /** As shown in the report. */
  readonly command: string;
  /** Node's arguments (after any --import of the probe). */
  readonly argv: string[];
}

interface Row {
  readonly name: string;
  readonly bmc: Case["bmc"];
  readonly command: string;
  readonly wallMs: number[];
  readonly cpuMs: number[];
  readonly maxRssKiB: number[];
}

function parseArgs(args: string[]): { runs: number; before?: string } {
  const usage = "usage: node dist/bench/startup.js [--runs=N] [--before=DIR]";
  let runs = 5;
  let before: string | undefined;
  for (const a of args) {
    const r = /^--runs=(\d+)$/.exec(a);
    const b = /^--before=(.+)$/.exec(a);
    if (r && Number(r[1]) >= 1) runs = Number(r[1]);
    else if (b) before = resolve(b[1]);
    else throw new Error(`unknown argument ${a} (${usage})`);
  }
  if (before && !existsSync(join(before, "bin", "bmc.js")))
    throw new Error(`--before: ${before} has no bin/bmc.js (${usage})`);
  return { runs, before };
}

function casesFor(before?: string): Case[] {
  const bmcCases = (bmc: "this" | "before", dir: string): Case[] => {
    const bin = join(dir, "bin", "bmc.js");
    const label = bmc === "this" ? "bmc" : "bmc (before)";
    return [
      { name: "version", bmc, command: `${label} --version`, argv: [bin, "--version"] },
      { name: "help", bmc, command: `${label} help`, argv: [bin, "help"] },
      { name: "check", bmc, command: `${label} check ${RULES}`, argv: [bin, "check", RULES] },
    ];
  };
  return [
    { name: "node", bmc: "none", command: 'node -e ""', argv: ["-e", ""] },
    ...bmcCases("this", root),
    ...(before ? bmcCases("before", before) : []),
  ];
}

/** One fresh process; throws unless it exits 0. With the probe, returns what it reported. */
function runOnce(c: Case, withProbe: boolean): { wallMs: number; probe?: ProbeResult } {
  const argv = withProbe ? ["--import", probe, ...c.argv] : c.argv;
  const start = process.hrtime.bigint();
  const run = spawnSync(process.execPath, argv, {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe", "pipe"],
    env: { ...process.env, NO_COLOR: "1" },
  });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (run.error) throw run.error;
  if (run.status !== 0)
    throw new Error(`${c.command} failed (exit ${run.status ?? run.signal}):\n${run.stderr}`);
  const reported = withProbe ? String(run.output[3] ?? "").trim() : "";
  return { wallMs, probe: reported ? (JSON.parse(reported) as ProbeResult) : undefined };
}

function measure(cases: Case[], runs: number): Row[] {
  const rows = cases.map((c) => ({ ...c, wallMs: [], cpuMs: [], maxRssKiB: [] }) as Row);
  for (const c of cases) runOnce(c, false); // warm-up, not counted
  for (let round = 0; round < runs; round++) {
    cases.forEach((c, i) => rows[i].wallMs.push(runOnce(c, false).wallMs));
    cases.forEach((c, i) => {
      const p = runOnce(c, true).probe;
      if (!p) throw new Error(`${c.command}: the probe reported nothing`);
      rows[i].cpuMs.push(p.cpuMs);
      rows[i].maxRssKiB.push(p.maxRssKiB);
    });
    process.stderr.write(`round ${round + 1} of ${runs}\n`);
  }
  return rows;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(3)} s`;
const mib = (kib: number) => `${(kib / 1024).toFixed(0)} MiB`;

/** The command that ran this benchmark, and the npm script behind it if run by npm. */
const { runs, before } = parseArgs(process.argv.slice(2));
const command = commandLine(root, import.meta.url, "bench:startup");
const date = new Date().toISOString();
const revision = gitRevision(root);
const beforeRevision = before ? gitRevision(before) : undefined;
const loadBefore = loadavg();
const rows = measure(casesFor(before), runs);
const loadAfter = loadavg();
const host = machine();
const loaded = Math.max(loadBefore[0], loadAfter[0]) > cpus().length;
const nodeFloor = median(rows[0].wallMs);

const table = markdownTable(
  ["command", "wall (median)", "over bare node", "wall, every run", "CPU (median)", "peak RSS"],
  "lrrlrr",
  rows.map((r) => [
    `\`${r.command}\``,
    seconds(median(r.wallMs)),
    r.bmc === "none" ? "" : seconds(median(r.wallMs) - nodeFloor),
    r.wallMs.map((ms) => (ms / 1000).toFixed(3)).join(", "),
    seconds(median(r.cpuMs)),
    mib(median(r.maxRssKiB)),
  ]),
);

const targets = Object.entries(TARGET_SECONDS).map(([name, limit]) => {
  const row = rows.find((r) => r.bmc === "this" && r.name === name)!;
  const wall = median(row.wallMs) / 1000;
  return { command: row.command, limitSeconds: limit, medianSeconds: wall, met: wall <= limit };
});
const targetLines = targets.map(
  (t) =>
    `- \`${t.command}\` in at most ${t.limitSeconds} s: **${t.met ? "met" : "NOT met"}** ` +
    `(median ${t.medianSeconds.toFixed(3)} s)`,
);

const report = [
  "# Start-up",
  "",
  ...runLines(date, host, revision + (before ? `; before: ${beforeRevision} (\`--before\`)` : "")),
  ...commandAndLoadLines(command, loadBefore, loadAfter),
  "",
  ...(loaded
    ? [
        `**Loaded machine** (load average above the ${host.cores} cores): wall times include`,
        "waiting for a core. The bare `node` row is the floor under the same load; the column",
        '"over bare node" is what bmc adds to it.',
        "",
      ]
    : []),
  `Every run is a fresh process (\`node bin/bmc.js ...\` from a built checkout), ${runs} rounds`,
  "after one warm-up round; each round runs every command once, in turn. Wall time is from",
  "spawn to exit, measured by the benchmark on runs that preload nothing. CPU (user + system,",
  "all threads) and peak RSS (`process.resourceUsage().maxRSS`) come from as many further runs",
  "that preload `bench/startup-probe.ts`. Medians of the runs.",
  "",
  table,
  "",
  "Targets (median wall time):",
  "",
  ...targetLines,
  "",
].join("\n");

const json = {
  date,
  machine: host,
  revision,
  beforeRevision: beforeRevision ?? null,
  command: command.command,
  npmScript: command.script ?? null,
  loadAverageBefore: loadBefore,
  loadAverageAfter: loadAfter,
  loaded,
  runs,
  targets,
  rows: rows.map((r) => ({
    ...r,
    medianWallMs: median(r.wallMs),
    medianCpuMs: median(r.cpuMs),
    medianMaxRssKiB: median(r.maxRssKiB),
  })),
};

writeReport(resultsDir, "startup", report, json);
process.stdout.write(report);
process.stderr.write(
  `wrote ${relative(process.cwd(), join(resultsDir, "startup.md"))} and startup.json\n`,
);
