/**
 * `npm run bench`: parse and validate throughput of the native checker on generated
 * propositional transcripts of growing size, each measured in a fresh process. Writes
 * bench/results/validate.md and .json (each to a temporary name, then renamed).
 *
 * Pass sizes to measure others: node dist/bench/run.js 1000 1000000
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { copiesFor, writeTranscript } from "./generate.js";

const RULES = "examples/propositional/propositional.bm";
const sizes = process.argv.slice(2).map(Number);
if (sizes.length === 0) sizes.push(1_000, 10_000, 100_000, 1_000_000);
const worker = fileURLToPath(new URL("./validate-worker.js", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "bmc-bench-"));

interface Row {
  blocks: number;
  bytes: number;
  parseMs: number;
  validateMs: number;
  maxRssMiB: number;
}

const rows: Row[] = [];
try {
  for (const size of sizes) {
    const path = join(scratch, `prop-${size}.bmt`);
    await writeTranscript(path, copiesFor(size));
    const out = execFileSync(process.execPath, [worker, RULES, path], { encoding: "utf8" });
    const row = JSON.parse(out) as Row;
    rows.push(row);
    rmSync(path);
    process.stderr.write(
      `${row.blocks} blocks: parse ${row.parseMs.toFixed(0)} ms, validate ${row.validateMs.toFixed(0)} ms, peak ${row.maxRssMiB.toFixed(0)} MiB\n`,
    );
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

const rate = (blocks: number, ms: number) =>
  Math.round(blocks / (ms / 1000)).toLocaleString("en-US");
const machine = `${cpus()[0]?.model ?? "unknown CPU"}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
const table = [
  "| blocks | transcript | parse | validate | total | parse blocks/s | validate blocks/s | total blocks/s | peak RSS |",
  "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  ...rows.map((r) =>
    [
      r.blocks.toLocaleString("en-US"),
      `${(r.bytes / 2 ** 20).toFixed(1)} MiB`,
      `${(r.parseMs / 1000).toFixed(2)} s`,
      `${(r.validateMs / 1000).toFixed(2)} s`,
      `${((r.parseMs + r.validateMs) / 1000).toFixed(2)} s`,
      rate(r.blocks, r.parseMs),
      rate(r.blocks, r.validateMs),
      rate(r.blocks, r.parseMs + r.validateMs),
      `${r.maxRssMiB.toFixed(0)} MiB`,
    ]
      .join(" | ")
      .replace(/^/, "| ")
      .replace(/$/, " |"),
  ),
];
const report = [
  "# Native checker throughput",
  "",
  `Measured ${new Date().toISOString().slice(0, 10)} on ${machine}, by \`npm run bench\`.`,
  "",
  `Transcripts: copies of the whitepaper's proof of A -> A (13 blocks each, 1 public) for \`${RULES}\`,`,
  "each copy over its own metavariable and term names. Each size runs in a fresh process: parse is",
  "reading the file and building the column-wise transcript; validate is the four validity",
  "conditions, multiplicities and `_` values. Peak RSS is the process's maximum resident set",
  "(Node's own baseline included). One run per size: expect a few percent of noise.",
  "",
  ...table,
  "",
].join("\n");
const dir = fileURLToPath(new URL("../../bench/results/", import.meta.url));
const write = (name: string, text: string) => {
  const tmp = join(dir, `.${name}.tmp`);
  writeFileSync(tmp, text);
  renameSync(tmp, join(dir, name));
};
write("validate.md", report);
write(
  "validate.json",
  JSON.stringify({ machine, date: new Date().toISOString(), rows }, null, 2) + "\n",
);
process.stdout.write(report);
