/**
 * `npm run bench:fold`: folded proofs of large propositional transcripts.
 *   - transcripts of N proofs of X -> X (examples/propositional/generate.ts, 12 blocks each),
 *     up to 10^5 blocks and more;
 *   - a fold circuit holding K whole proofs per segment (circom --O1; bmc compiles the Groth16
 *     main of the same segment with it);
 *   - per size, in a fresh process: validation, layout, witness generation, commitments,
 *     cross terms, folding, proof size and verification, peak memory;
 *   - the MSM inside the prover against a bare ffjavascript MSM of the segment's size, and
 *     small scalars run as 8-byte scalars against 32-byte ones.
 * Writes bench/results/fold.md and fold.json (whole files, renamed into place).
 *
 *   node dist/bench/fold.js [--per-segment K] [--proofs 10,100,1000,8334] [--workers N]
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { gitRevision, machine, markdownTable, writeResult } from "./report.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const worker = join(here, "fold-worker.js");
const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const perSegment = Number(flag("--per-segment", "10"));
const proofCounts = flag("--proofs", "10,100,1000,8334").split(",").map(Number);
/** Threads for the segment jobs, as `bmc prove --workers N` (default: one per core). */
const workers = Number(flag("--workers", String(availableParallelism())));

function run(...workerArgs: string[]): Record<string, any> {
  const out = execFileSync(process.execPath, [worker, ...workerArgs], {
    encoding: "utf8",
    cwd: root,
    maxBuffer: 1 << 26,
  });
  return JSON.parse(out.trim().split("\n").pop()!);
}

const int = (n: number) => Math.round(n).toLocaleString("en-US");
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mib = (n: number) => `${int(n)} MiB`;

const started = new Date().toISOString();
const scratch = mkdtempSync(join(tmpdir(), "bmc-bench-fold-"));
const build = join(scratch, "build");
let compiled: Record<string, any>;
const rows: Record<string, any>[] = [];
let msm: Record<string, any>;
try {
  process.stderr.write(`compiling a fold circuit for ${perSegment} proofs per segment\n`);
  compiled = run("compile", build, String(perSegment));
  for (const n of proofCounts) {
    process.stderr.write(`folding ${int(n)} proofs (${int(n * 12 + 1)} blocks)\n`);
    const row = run("prove", build, String(n), String(workers));
    rows.push(row);
    process.stderr.write(
      `  ${row.segments} segments: prove ${s(row.proveMs)} (ZK ${s(row.stats.zkMs)}, compression ${s(row.stats.finalMs)}), verify ${s(row.verifyMs)} (cold ${s(row.verifyColdMs)}), proof ${int(row.proofBytes)} bytes, peak ${mib(row.maxRssMiB)}\n`,
    );
  }
  const n = rows[0]?.constraintsPerSegment ?? compiled.constraints.nonLinear;
  process.stderr.write(`bare MSM of ${int(n)} points\n`);
  msm = run("msm", String(n));
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

const m = machine();
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const pct = (part: number, whole: number) => `${((100 * part) / whole).toFixed(1)}%`;
/** The folding prover's own time: everything but the zero-knowledge layer and the final step. */
const foldingMs = (r: Record<string, any>) => r.proveMs - r.stats.zkMs - r.stats.finalMs;
const table = markdownTable(
  [
    "blocks",
    "segments",
    "witness",
    "commit witness",
    "cross terms",
    "commit cross terms",
    "fold",
    "ZK layer",
    "compression",
    "prove total",
    "prove CPU",
    "per segment",
    "peak RSS",
  ],
  "rrrrrrrrrrrrr",
  rows.map((r) => [
    int(r.blocks),
    int(r.segments),
    s(r.stats.witnessMs),
    s(r.stats.commitWitnessMs),
    s(r.stats.crossTermMs),
    s(r.stats.commitCrossTermMs),
    s(r.stats.foldMs),
    s(r.stats.zkMs),
    s(r.stats.finalMs),
    s(r.proveMs),
    s(r.proveCpuMs),
    s(r.proveMs / r.segments),
    mib(r.maxRssMiB),
  ]),
);
const verifyTable = markdownTable(
  [
    "segments",
    "ZK layer / folding",
    "compression / folding",
    "verify",
    "verify CPU",
    "verify, cold",
    "prover's SRS load and check",
    "proof",
    "of which segments",
    "budget (64 KiB + 400 B/segment)",
  ],
  "rrrrrrrrrr",
  rows.map((r) => [
    int(r.segments),
    pct(r.stats.zkMs, foldingMs(r)),
    pct(r.stats.finalMs, foldingMs(r)),
    s(r.verifyMs),
    s(r.verifyCpuMs),
    s(r.verifyColdMs),
    `${s(r.srsMs)} (2^${r.srsLogSize})`,
    kib(r.proofBytes),
    kib(r.segmentBytes),
    kib(64 * 1024 + 400 * r.segments),
  ]),
);
const cpuPerSegment = (r: Record<string, any>, field: string) =>
  `${(r.stats[field] / r.segments).toFixed(1)} ms`;
const cpuTable = markdownTable(
  [
    "blocks",
    "witness",
    "commit witness",
    "cross terms",
    "commit cross terms",
    "fold",
    "non-zero points",
    "bare MSM of them",
    "prove CPU",
    "prove CPU / bare MSM",
    "blocks/s",
  ],
  "rrrrrrrrrrr",
  rows.map((r) => [
    int(r.blocks),
    cpuPerSegment(r, "witnessCpuMs"),
    cpuPerSegment(r, "commitWitnessCpuMs"),
    cpuPerSegment(r, "crossTermCpuMs"),
    cpuPerSegment(r, "commitCrossTermCpuMs"),
    cpuPerSegment(r, "foldCpuMs"),
    int(r.nonZeroPoints),
    s(r.bareMsmTotalCpuMs),
    s(r.proveCpuMs),
    `${(r.proveCpuMs / r.bareMsmTotalCpuMs).toFixed(2)}`,
    int(r.blocks / (r.proveMs / 1000)),
  ]),
);
const rate = (points: number, ms: number) => points / (ms / 1000);
const bareRate = rate(msm!.n, msm!.bareMs);
const msmTable = markdownTable(
  [
    "blocks",
    "MSM",
    "points",
    "time",
    "points/s",
    "vs bare MSM",
    "zero scalars",
    "non-zero points/s",
    "vs bare MSM",
  ],
  "rlrrrrrrr",
  rows.flatMap((r) => {
    const t = rate(r.stats.commitCrossTermPoints, r.stats.commitCrossTermMs);
    const w = rate(r.stats.commitWitnessPoints, r.stats.commitWitnessMs);
    const share = (k: number, n: number) => `${((100 * k) / Math.max(1, n)).toFixed(0)}%`;
    const tz = r.stats.crossTermZeros;
    const wz = r.stats.commitWitnessZeros;
    const tn = rate(r.stats.commitCrossTermPoints - tz, r.stats.commitCrossTermMs);
    const wn = rate(r.stats.commitWitnessPoints - wz, r.stats.commitWitnessMs);
    const some = r.stats.commitCrossTermPoints > 0;
    return [
      [
        int(r.blocks),
        "cross terms",
        int(r.stats.commitCrossTermPoints),
        s(r.stats.commitCrossTermMs),
        some ? int(t) : "-",
        some ? `${(t / bareRate).toFixed(2)}x` : "-",
        share(tz, r.stats.commitCrossTermPoints),
        some ? int(tn) : "-",
        some ? `${(tn / bareRate).toFixed(2)}x` : "-",
      ],
      [
        int(r.blocks),
        "witness",
        int(r.stats.commitWitnessPoints),
        s(r.stats.commitWitnessMs),
        int(w),
        `${(w / bareRate).toFixed(2)}x`,
        share(wz, r.stats.commitWitnessPoints),
        int(wn),
        `${(wn / bareRate).toFixed(2)}x`,
      ],
    ];
  }),
);
const largest = rows[rows.length - 1];

/**
 * The CPU time one more segment costs (between the two largest rows: the fixed costs cancel)
 * and the throughput that would give with every core busy: an extrapolation, labelled so.
 */
function marginalCpu(): string[] {
  if (rows.length < 2) return [];
  const [a, b] = rows.slice(-2);
  const segments = b.segments - a.segments;
  const cpuMs = (b.proveCpuMs - a.proveCpuMs) / segments;
  const blocks = (b.blocks - a.blocks) / segments;
  const rate = blocks / (cpuMs / 1000 / m.cores);
  return [
    `One more segment (${int(blocks)} blocks) costs ${cpuMs.toFixed(0)} ms of CPU between the two largest rows;`,
    `with all ${m.cores} cores busy on it that is ${int(rate)} blocks/s (an extrapolation from CPU time, not a`,
    "measurement: wall-clock throughput also depends on the machine's other load).",
    "",
  ];
}
const report = [
  "# Folding",
  "",
  `- Date: ${started}`,
  `- Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB memory, ${m.os}`,
  `- Node: ${m.node}; load average before the run: ${m.loadAverage.map((l) => l.toFixed(2)).join(", ")}`,
  `- Revision: ${gitRevision(root)}`,
  `- Command: \`${["node", relative(root, fileURLToPath(import.meta.url)).replace(/\.ts$/, ".js"), ...args].join(" ")}\``,
  "",
  "Transcripts: N proofs of X -> X for `examples/propositional/propositional.bm`",
  "(`examples/propositional/generate.ts`, 12 blocks per proof, plus the public goal).",
  `Segment: ${perSegment} whole proofs (${perSegment * 12} private blocks) and the statement's 3 public`,
  `slots; the fold circuit (circom \`--O1\`, no challenge sponge) has ${int(compiled!.constraints.nonLinear)}`,
  `non-linear and ${int(compiled!.constraints.linear)} linear constraints (${int(largest?.wiresPerSegment ?? 0)} wires),`,
  `compiled with the same segment's Groth16 circuit (${int(compiled!.groth16Constraints.nonLinear)} non-linear constraints with its`,
  `challenge sponge) in ${s(compiled!.ms)} (peak ${mib(compiled!.maxRssMiB)}); the fold .r1cs loads into sparse`,
  `matrices in ${int(largest?.loadR1csMs ?? 0)} ms. Field arithmetic (A z, B z, C z, cross terms, folds) is plain`,
  "BigInt; the MSMs run in ffjavascript's WebAssembly (its curve code, in an instance of bmc's own).",
  "",
  "Each row is one fresh process: validate, lay out, fold (witness generation, hiding commitments",
  "to each segment's inputs and internal wires, cross terms A z, B z, C z and T, their",
  "commitments, and the folds), the zero-knowledge layer (a random satisfying instance, its",
  "commitments and its fold, the sum proof), and the compression (Spartan and HyperKZG on the",
  "folded instance as a split instance, its opening showing the support too). Times are the prover's own clocks around each",
  "stage; `prove total` also includes hashing. The commitment key is the INSECURE development",
  "SRS (cached). Per-segment work (witness, witness commitments, products) ran " +
    (workers > 1
      ? `on ${workers} worker threads while the main thread folded; those columns are summed over the threads, so they can add up to more than \`prove total\`.`
      : "in the main thread (`--workers 1`)."),
  "The machine is shared: `prove CPU` and `verify CPU`",
  "are the process's CPU time (user + system, all threads), which a loaded machine inflates",
  "far less than wall time.",
  "",
  table,
  "",
  "## CPU time by stage",
  "",
  "Per segment, the CPU time of the thread that ran each stage (the kernel's",
  "`/proc/thread-self/schedstat`, summed over the threads), which other processes on a loaded",
  "machine do not inflate. The bare MSM is ffjavascript's `multiExpAffine` of as many of the",
  "key's points as the prover committed non-zero values per segment (witness, inputs and",
  "cross terms), with random full-size scalars, in the same process after the proof (CPU time,",
  "least of three), times the number of segments. `prove CPU` is the whole prover's",
  "(every thread, the zero-knowledge layer and the compression included).",
  "",
  cpuTable,
  "",
  "`verify` is the verifier's own work with the SRS already loaded (strict reading, every",
  "challenge, the sum proof, the openings of the hidden wires, one linear combination per",
  "folded commitment, the compressed proof); `verify, cold` is `bmc verify`'s library call in a",
  "fresh process: manifest, R1CS and SRS loaded and checked, then the same. The shares compare",
  "the zero-knowledge layer and the compression with the folding prover's own time (prove total",
  "minus both).",
  "",
  verifyTable,
  "",
  "## MSM inside the prover",
  "",
  `Bare ffjavascript \`multiExpAffine\` of ${int(msm!.n)} points with random full-size scalars, in the`,
  `same run: ${s(msm!.bareMs)}, ${int(bareRate)} points/s (bmc's \`msm\` on the same input: ${s(msm!.oursFullMs)}).`,
  "The prover's commitments run faster than that because their scalars are not random: zeros are",
  "skipped, the points of equal scalars are added up first (one addition each), scalars below",
  "2^64 run as 8-byte scalars (fewer Pippenger windows) and the others as two 16-byte halves",
  "(BN254's endomorphism, `src/prove/fold/glv.ts`). Counting only",
  "the non-zero points shows how close each MSM comes to the bare one (the cross terms' MSMs have",
  "a few thousand non-zero points each; the bare one has all of the segment's).",
  "",
  msmTable,
  "",
  `Small scalars (below 2^16, ${int(msm!.n)} points): as 32-byte scalars ${s(msm!.smallAs32Ms)}, split into an`,
  `8-byte MSM ${s(msm!.smallSplitMs)} (${(msm!.smallAs32Ms / msm!.smallSplitMs).toFixed(2)}x): the split is on by default.`,
  "",
  `Repeated full-size scalars (${int(msm!.n)} points, ${int(msm!.distinct)} distinct values, as in a segment's`,
  `internal wires): ${s(msm!.repeatedPlainMs)} as they are, ${s(msm!.repeatedGroupedMs)} with the points of equal`,
  `scalars added up first (${(msm!.repeatedPlainMs / msm!.repeatedGroupedMs).toFixed(2)}x; \`src/prove/fold/grouped-msm.ts\`, on by default).`,
  "",
  "## Growth",
  "",
  ...rows.map(
    (r) =>
      `- ${int(r.blocks)} blocks: ${int(r.segments)} segments, ${s(r.proveMs)} to prove ` +
      `(${int(r.blocks / (r.proveMs / 1000))} blocks/s), ${s(r.verifyMs)} to verify, proof ${kib(r.proofBytes)}.`,
  ),
  "",
  ...marginalCpu(),
  "Proving grows linearly with the number of segments. The proof holds a constant part (the",
  "random instance, the folded values, the compressed proof) and 256 bytes of points per",
  "segment (344 in base64); verification reads every segment once (hashing, decoding, one",
  "linear combination per commitment) plus a constant for the compressed proof.",
  "",
].join("\n");
const dir = join(root, "bench", "results");
writeResult(
  dir,
  "fold.json",
  JSON.stringify({ date: started, machine: m, compiled: compiled!, rows, msm: msm! }, null, 2) +
    "\n",
);
writeResult(dir, "fold.md", report);
process.stdout.write(report);
