/**
 * `npm run bench:metamath-reader`: bmc's Metamath reader and proof checker against metamath-exe
 * on whole databases (Debian's metamath-databases: set.mm, iset.mm, nf.mm, ...), and on the
 * shared files.
 *
 * Each database is read and verified in a fresh Node process (cold, as a user runs it), timed
 * by wall clock and by CPU time (user + system, all threads); metamath-exe runs the same work
 * (`read FILE`, `verify proof *`) and is timed the same way. The machine is shared: CPU times
 * are the fairer comparison when the load average is high, and both are upper bounds.
 * Writes bench/results/metamath-reader.md and .json (whole files, renamed into place).
 *
 *   node dist/bench/metamath-reader.js [--databases DIR] [--files set.mm,nf.mm] [--runs 3]
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
// The reader alone: the library entry (src/index.ts) also loads the circuit and proving stacks.
import { readMetamath, verifyMetamath } from "../src/metamath/index.js";
import { gitRevision, machine, markdownTable, writeReport } from "./report.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};

/** The worker: read and verify one file, print one JSON line. */
if (args[0] === "--worker") {
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const t0 = performance.now();
  const c0 = cpu();
  const read = readMetamath(args[1]);
  const t1 = performance.now();
  const c1 = cpu();
  if (!read.database) throw new Error(read.diagnostics[0]?.message ?? "read failed");
  const verify = verifyMetamath(read.database);
  const t2 = performance.now();
  const c2 = cpu();
  const db = read.database;
  let steps = 0;
  for (const s of db.statements) if (s.kind === "p") steps += s.proof.steps.length;
  process.stdout.write(
    JSON.stringify({
      readMs: t1 - t0,
      readCpuMs: c1 - c0,
      verifyMs: t2 - t1,
      verifyCpuMs: c2 - c1,
      tokens: db.tokenCount,
      statements: db.statements.length,
      theorems: db.statements.filter((s) => s.kind === "p").length,
      steps,
      verified: verify.verified,
      errors: verify.diagnostics.length,
      maxRssMiB: process.resourceUsage().maxRSS / 1024,
    }) + "\n",
  );
  process.exit(0);
}

const databases = flag("--databases", "/usr/share/metamath/databases");
const files = flag("--files", "nf.mm,iset.mm,set.mm").split(",");
const runs = Number(flag("--runs", "3"));

/** Wall and CPU time of a child process (CPU from /usr/bin/time when it exists). */
function timed(command: string, commandArgs: string[], cwd: string) {
  const t0 = performance.now();
  const r = spawnSync("/usr/bin/time", ["-f", "%U %S %M", command, ...commandArgs], {
    cwd,
    encoding: "latin1",
    maxBuffer: 1 << 28,
  });
  const wallMs = performance.now() - t0;
  const last = r.stderr.trim().split("\n").pop()!.split(" ").map(Number);
  return { wallMs, cpuMs: (last[0] + last[1]) * 1000, maxRssMiB: last[2] / 1024, stdout: r.stdout };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const int = (n: number) => Math.round(n).toLocaleString("en-US");

const rows: Record<string, any>[] = [];
const exeAvailable = spawnSync("metamath", [], { input: "exit\n" }).status === 0;
for (const file of files) {
  const path = join(databases, file);
  if (!existsSync(path)) {
    process.stderr.write(`skipping ${path}: not installed (apt-get install metamath-databases)\n`);
    continue;
  }
  const bmc: Record<string, any>[] = [];
  const exe: Record<string, any>[] = [];
  for (let r = 0; r < runs; r++) {
    const t = timed(process.execPath, [fileURLToPath(import.meta.url), "--worker", path], root);
    bmc.push({
      ...JSON.parse(t.stdout.trim().split("\n").pop()!),
      wallMs: t.wallMs,
      cpuMs: t.cpuMs,
    });
    if (exeAvailable) {
      const e = timed(
        "metamath",
        [`read ${basename(path)}`, "verify proof *", "exit"],
        dirname(path),
      );
      if (/\?Error/.test(e.stdout))
        process.stderr.write(`metamath-exe reports errors in ${file}\n`);
      exe.push(e);
    }
  }
  const row = {
    file,
    ...bmc[0],
    bmcWallMs: median(bmc.map((b) => b.wallMs)),
    bmcCpuMs: median(bmc.map((b) => b.cpuMs)),
    readMs: median(bmc.map((b) => b.readMs)),
    readCpuMs: median(bmc.map((b) => b.readCpuMs)),
    verifyMs: median(bmc.map((b) => b.verifyMs)),
    verifyCpuMs: median(bmc.map((b) => b.verifyCpuMs)),
    exeWallMs: exe.length ? median(exe.map((e) => e.wallMs)) : undefined,
    exeCpuMs: exe.length ? median(exe.map((e) => e.cpuMs)) : undefined,
    exeMaxRssMiB: exe.length ? median(exe.map((e) => e.maxRssMiB)) : undefined,
  };
  rows.push(row);
  process.stderr.write(
    `${file}: bmc ${secs(row.bmcWallMs)} wall, ${secs(row.bmcCpuMs)} CPU; metamath-exe ${row.exeWallMs ? secs(row.exeWallMs) : "-"} wall, ${row.exeCpuMs ? secs(row.exeCpuMs) : "-"} CPU\n`,
  );
}

const m = machine();
const table = markdownTable(
  [
    "database",
    "tokens",
    "theorems",
    "proof steps",
    "bmc read",
    "bmc verify",
    "bmc process (wall / CPU)",
    "metamath-exe (wall / CPU)",
    "bmc peak",
    "exe peak",
  ],
  "lrrrrrrrrr",
  rows.map((r) => [
    r.file,
    int(r.tokens),
    int(r.theorems),
    int(r.steps),
    `${secs(r.readMs)} / ${secs(r.readCpuMs)}`,
    `${secs(r.verifyMs)} / ${secs(r.verifyCpuMs)}`,
    `${secs(r.bmcWallMs)} / ${secs(r.bmcCpuMs)}`,
    r.exeWallMs === undefined ? "-" : `${secs(r.exeWallMs)} / ${secs(r.exeCpuMs)}`,
    `${int(r.maxRssMiB)} MiB`,
    r.exeMaxRssMiB === undefined ? "-" : `${int(r.exeMaxRssMiB)} MiB`,
  ]),
);
const exeVersion = exeAvailable
  ? (execFileSync("metamath", [], { input: "exit\n", encoding: "latin1" }).match(
      /Version [^ ]+/,
    )?.[0] ?? "?")
  : "not installed";
const md = `# Metamath reader benchmark

\`npm run bench:metamath-reader\` (bench/metamath-reader.ts), ${new Date().toISOString()}, bmc ${gitRevision(root)}.
Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}; load average
${m.loadAverage.map((l) => l.toFixed(1)).join(", ")} (the machine is shared: times are upper bounds).
metamath-exe: Debian's \`metamath\` (${exeVersion}), \`read FILE\` then \`verify proof *\`.

Each database is read and all its proofs are verified in a fresh process, ${runs} runs, medians.
"read" and "verify" are measured inside the bmc process (wall / CPU of all its threads); the
process columns include Node's start-up. CPU time counts the compiler and GC threads too, so
it can exceed wall time on an idle machine.

${table}
`;
writeReport(join(root, "bench", "results"), "metamath-reader", md, {
  machine: m,
  exeVersion,
  rows,
});
process.stderr.write("wrote bench/results/metamath-reader.md\n");
