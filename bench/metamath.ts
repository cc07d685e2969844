/**
 * `npm run bench:metamath`: every good file of the shared Metamath data, proven with the fold
 * backend, beside the zkVM times published for the same files (../shared/data/metamath/README.md).
 * Per file, in a fresh process (bench/metamath-worker.ts): tokens, proof steps, blocks,
 * constraints, import (read + encode), build and validate, compile (when not cached), prove,
 * verify (re-encoding the database), proof size and peak memory.
 * Writes bench/results/metamath.md and metamath.json.
 *
 *   node dist/bench/metamath.js [--files a.mm,b.mm] [--data DIR] [--extra /usr/share/.../nf.mm]
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gitRevision, machine, markdownTable, writeResult } from "./report.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const worker = join(here, "metamath-worker.js");
const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const data = flag("--data", join(root, "..", "..", "shared", "data", "metamath"));
const cacheDir = process.env.BMC_CACHE ?? join(root, ".bench-cache");

/** Published zkVM proving times in seconds (the data README): SP1 CPU, RISC0 CPU, Jolt, Cairo, SP1 GPU, RISC0 GPU. */
const ZKVM: Record<string, string[]> = {
  "hol_idi.mm": ["7.26", "3.14", "2.04", "0.91", "0.69", "0.98"],
  "hol_wov.mm": ["12.22", "5.77", "2.89", "5.98", "0.71", "1.01"],
  "demo0.mm": ["9.31", "5.92", "n/a", "6.01", "0.75", "0.98"],
  "hol_ax13.mm": ["17.45", "11.22", "5.25", "25.62", "0.69", "1.09"],
  "45.erc20transfer_success_tm_0_6.mm": ["34.79", "33.48", "21.15", "228.5", "0.75", "1.36"],
};

const good = (f: string) => f.endsWith(".mm") && !/-bad|broken/.test(f);
const filesFlag = flag("--files", "");
const files =
  filesFlag === "-" ? [] : filesFlag ? filesFlag.split(",") : readdirSync(data).filter(good).sort();
const extra = flag("--extra", "") ? flag("--extra", "").split(",") : [];
/** Files only encoded, built and validated natively (no circuit): e.g. all of hol.mm, nf.mm. */
const native = flag("--native", "") ? flag("--native", "").split(",") : [];
const outName = flag("--out", "metamath");

function theoremsOf(path: string): string[] {
  // Labels of $p statements, for choosing one-theorem runs; the worker reads the file properly.
  const text = readFileSync(path, "latin1").replace(/\$\([\s\S]*?\$\)/g, " ");
  return [...text.matchAll(/(\S+)\s+\$p\s/g)].map((m) => m[1]);
}

const started = new Date().toISOString();
const rows: Record<string, any>[] = [];
for (const f of [...files.map((f) => join(data, f)), ...extra]) {
  const name = f.split("/").pop()!;
  const theorems = theoremsOf(f);
  if (!theorems.length) {
    rows.push({ file: name, skipped: "no theorem ($p) to prove" });
    continue;
  }
  const which = theorems.length === 1 ? theorems[0] : "--all";
  process.stderr.write(
    `${name} (${which === "--all" ? `all ${theorems.length} theorems` : which}) ...\n`,
  );
  try {
    const out = execFileSync(process.execPath, [worker, f, which, cacheDir], {
      encoding: "utf8",
      cwd: root,
      maxBuffer: 1 << 26,
      stdio: ["ignore", "pipe", "inherit"],
    });
    const row = JSON.parse(out.trim().split("\n").pop()!);
    rows.push(row);
    process.stderr.write(`  ${JSON.stringify(row)}\n`);
  } catch (e) {
    rows.push({ file: name, skipped: `failed: ${(e as Error).message.split("\n")[0]}` });
  }
}

const nativeRows: Record<string, any>[] = [];
for (const f of native) {
  process.stderr.write(`${f} (all theorems, native only) ...\n`);
  try {
    const out = execFileSync(process.execPath, [worker, f, "--all", cacheDir, "--native"], {
      encoding: "utf8",
      cwd: root,
      maxBuffer: 1 << 26,
      stdio: ["ignore", "pipe", "inherit"],
    });
    nativeRows.push(JSON.parse(out.trim().split("\n").pop()!));
    process.stderr.write(`  ${JSON.stringify(nativeRows.at(-1))}\n`);
  } catch (e) {
    rows.push({
      file: f.split("/").pop(),
      skipped: `failed: ${(e as Error).message.split("\n")[0]}`,
    });
  }
}

const int = (n: number) => Math.round(n).toLocaleString("en-US");
const sec = (ms: number | null | undefined) =>
  ms == null ? "cached" : `${(ms / 1000).toFixed(2)}`;
const measured = rows.filter((r) => !r.skipped);
const table = markdownTable(
  [
    "file",
    "theorems",
    "tokens",
    "steps (DAG)",
    "encoding",
    "blocks",
    "segments",
    "constraints/segment",
    "import s",
    "build+validate s",
    "compile s",
    "prove s",
    "prove CPU s",
    "verify s",
    "proof KiB",
    "peak MiB",
    "valid",
  ],
  "llrrlrrrrrrrrrrrl",
  measured.map((r) => [
    r.file,
    r.theorem === "all" ? `all ${r.theorems}` : r.theorem,
    int(r.tokens),
    `${int(r.proofSteps)} (${int(r.dagNodes)})`,
    r.mode,
    int(r.blocks),
    int(r.segments),
    int(r.constraints.nonLinear + r.constraints.linear),
    sec(r.readMs + r.encodeMs),
    sec(r.buildValidateMs),
    sec(r.compileMs),
    sec(r.proveMs),
    r.proveCpuMs == null ? "-" : sec(r.proveCpuMs),
    sec(r.verifyMs),
    (r.proofBytes / 2 ** 10).toFixed(1),
    int(r.peakMiB),
    r.valid ? "yes" : `NO (${r.reason})`,
  ]),
);
const zk = markdownTable(
  [
    "file",
    "bmc prove s",
    "bmc prove CPU s",
    "SP1 CPU",
    "RISC0 CPU",
    "Jolt",
    "Cairo",
    "SP1 GPU",
    "RISC0 GPU",
  ],
  "lrrrrrrrr",
  measured
    .filter((r) => ZKVM[r.file])
    .map((r) => [
      r.file,
      sec(r.proveMs),
      r.proveCpuMs == null ? "-" : sec(r.proveCpuMs),
      ...ZKVM[r.file],
    ]),
);
const nativeTable = markdownTable(
  [
    "file",
    "theorems",
    "tokens",
    "steps (DAG)",
    "encoding",
    "terms",
    "blocks",
    "rules",
    "import s",
    "build+validate s",
    "peak MiB",
    "valid",
  ],
  "lrrrlrrrrrrl",
  nativeRows.map((r) => [
    r.file,
    `all ${int(r.theorems)}`,
    int(r.tokens),
    `${int(r.proofSteps)} (${int(r.dagNodes)})`,
    r.mode,
    int(r.terms),
    int(r.blocks),
    int(r.rules),
    sec(r.readMs + r.encodeMs),
    sec(r.buildValidateMs),
    int(r.peakMiB),
    r.valid ? "yes" : "NO",
  ]),
);
const m = machine();
const skipped = rows.filter((r) => r.skipped).map((r) => `- ${r.file}: ${r.skipped}`);
const md = `# Metamath files proven with the fold backend

Measured ${started} on ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node},
bmc ${gitRevision(root)}, by \`npm run bench:metamath\`. Load average when the run ended:
${m.loadAverage.map((l) => l.toFixed(1)).join(", ")} (the machine is shared: times are upper bounds).

Each file in a fresh process. *import*: read the database and encode it; *build+validate*: check
the generated rules, build the transcript and validate it natively; *compile*: circom2 for the
folding main (the only one \`bmc prove --metamath\` compiles), only when the circuit (sized for
this proof) is not in the cache ("cached" otherwise);
*prove*: the fold prover on the built transcript (witnesses, commitments, folds); *verify*:
\`verifyMetamath\`, which reads and encodes the database again, rebuilds the transcript to find
the circuit, and verifies the folded proof. *constraints/segment*: the folding circuit's.
The fold backend's proof is succinct and zero-knowledge (docs/folding.md); *prove* includes loading
the SRS (its consistency check is recorded in the cache after the first pass) and runs on one
thread per core (with one segment, the second commits beside the first: docs/folding.md);
*prove CPU* is the process's CPU time over the same span (user + system, all threads: on a
loaded machine it is the better measure).

${table}

## Beside the published zkVM times (seconds; their machine: AMD EPYC 9354 32 cores, 4x RTX 4090)

${zk}

${nativeRows.length ? `## Encoded and validated natively only (one transcript for every theorem; no circuit)\n\n${nativeTable}\n\n` : ""}${skipped.length ? `## Not measured\n\n${skipped.join("\n")}\n` : ""}`;
writeResult(join(root, "bench", "results"), `${outName}.md`, md);
writeResult(
  join(root, "bench", "results"),
  `${outName}.json`,
  JSON.stringify({ machine: m, started, rows, nativeRows }, null, 2) + "\n",
);
process.stderr.write(md);
