/**
 * `npm run bench:distributed`: folded proofs with the segment jobs on a Redis queue
 * (`bmc prove --queue`, `bmc worker`) against the local pool (`--workers N`), on this machine:
 *   - blocks/s of one transcript, proved locally with 1 and 2 threads, and over the queue with
 *     1, 2 and 4 `bmc worker` processes (one job at a time each), wall clock of `bmc prove`
 *     from start to the proof written (the queue's runs include verifying the proof);
 *   - the queue's overhead per job: encoding a real segment job and its result in the job
 *     format and decoding them (serialization), and a job's round trip through Redis to a
 *     worker that answers at once with a result of the same size (BullMQ: add, fetch,
 *     complete, and the coordinator's polls), sequentially.
 * Needs redis-server on the PATH (started on a free port, without persistence, and stopped).
 * Writes bench/results/distributed.md and distributed.json.
 *
 *   node dist/bench/distributed.js [--per-segment K] [--proofs N]
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { identityProofs, BLOCKS_PER_PROOF } from "../examples/propositional/generate.js";
import { checkRuleFile, parseTranscript, SourceFile } from "../src/index.js";
import { lowerRuleSet } from "../src/lower/index.js";
import { layoutSegments, loadFoldCircuit } from "../src/prove/fold/index.js";
import { withCurve } from "../src/prove/fold/curve.js";
import { proverContext } from "../src/prove/fold/prover/context.js";
import { preChallengeValues } from "../src/prove/fold/prover/pre-challenge.js";
import { runSegmentJob } from "../src/prove/fold/prover/segment-job.js";
import { connectionOf, redisClient } from "../src/prove/fold/queue/redis.js";
import {
  decodeJob,
  decodeResult,
  segmentJobData,
  segmentResultData,
} from "../src/prove/fold/queue/wire.js";
import { loadManifest } from "../src/prove/index.js";
import { validateTranscript } from "../src/validate/index.js";
import {
  commandAndLoadLines,
  commandLine,
  gitRevision,
  machine,
  markdownTable,
  writeReport,
} from "./report.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const bmcBin = join(root, "bin", "bmc.js");
const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const perSegment = Number(flag("--per-segment", "4"));
const proofs = Number(flag("--proofs", "80"));
const RULES = "examples/propositional/propositional.bm";
const blocks = proofs * BLOCKS_PER_PROOF + 1;

const loadBefore = loadavg();
const scratch = mkdtempSync(join(tmpdir(), "bmc-bench-distributed-"));
const build = join(scratch, "build");
const transcript = join(scratch, `identities-${proofs}.bmt`);
const children = new Set<ChildProcess>();

function bmc(...argv: string[]): string {
  const r = spawnSync(process.execPath, [bmcBin, ...argv], { cwd: root, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`bmc ${argv.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

/** Seconds of wall clock of `bmc ARGV`. */
function timed(...argv: string[]): { seconds: number; stdout: string } {
  const t = performance.now();
  const stdout = bmc(...argv);
  return { seconds: (performance.now() - t) / 1000, stdout };
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A process started and kept until `stop`; resolves once its output matches `ready`. */
function started(command: string, argv: string[], ready: RegExp): Promise<ChildProcess> {
  const child = spawn(command, argv, { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  let seen = "";
  return new Promise((resolve, reject) => {
    const look = (d: Buffer) => {
      seen += d;
      if (ready.test(seen)) resolve(child);
    };
    child.stdout!.on("data", look);
    child.stderr!.on("data", look);
    child.once("exit", (code) => reject(new Error(`${command} exited (${code}): ${seen}`)));
  });
}

function stop(child: ChildProcess): Promise<void> {
  children.delete(child);
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

function compile(): void {
  const program = lowerRuleSet(checkRuleFile(RULES).ruleSet!).program!;
  const perProof: Record<string, number> = {
    def_term_mvar: 1,
    def_term_impl: 6,
    axiom1: 2,
    axiom2: 1,
    modus_ponens: 2,
  };
  const spec = (count: (rule: string) => number) =>
    program.rules.map((r) => `${r.name}=${count(r.name)}`).join(",");
  const publicSlots = spec((r) =>
    ["def_term_mvar", "def_term_impl", "demand"].includes(r) ? 1 : 0,
  );
  bmc(
    ...["compile", RULES, "-o", build, "--O1"],
    ...["--slots", spec((r) => (perProof[r] ?? 0) * perSegment), "--public-slots", publicSlots],
  );
}

/** Encoding and decoding one real segment job and its result; their sizes. */
async function serialization() {
  const circuit = loadFoldCircuit(build, loadManifest(build));
  const ruleSet = checkRuleFile(RULES).ruleSet!;
  const t = parseTranscript(
    new SourceFile("t.bmt", identityProofs(perSegment)),
    ruleSet,
  ).transcript!;
  const [segment] = layoutSegments(circuit, t, validateTranscript(t));
  return withCurve(async (curve) => {
    const ctx = await proverContext(curve, circuit, {});
    const { pre } = preChallengeValues(ctx, segment);
    const [a, b] = [ctx.random(), ctx.random()];
    const job = { index: 0, ...segment, a, b, pre, rhoRest: ctx.random(), rhoD: ctx.random() };
    const result = await runSegmentJob(ctx, job);
    const names = { build: "0".repeat(64), run: "0".repeat(32) };
    const rounds = 50;
    let jobText = "";
    let resultText = "";
    const t0 = performance.now();
    for (let i = 0; i < rounds; i++) {
      jobText = JSON.stringify(segmentJobData(names, job));
      decodeJob(JSON.parse(jobText));
      resultText = JSON.stringify(segmentResultData({ ...names, worker: "w" }, result));
      decodeResult(JSON.parse(resultText));
    }
    return {
      ms: (performance.now() - t0) / rounds,
      jobBytes: jobText.length,
      resultBytes: resultText.length,
      jobText,
      resultText,
    };
  });
}

/** A job's round trip through Redis to a worker that answers at once, sequentially. */
async function roundTrip(url: string, jobText: string, resultText: string, rounds = 100) {
  const { Queue, Worker } = await import("bullmq");
  const connection = await redisClient(connectionOf(url));
  const queue = new Queue("bmc-bench-round-trip", { connection });
  const answer = JSON.parse(resultText);
  const workerConnection = await redisClient(connectionOf(url));
  const worker = new Worker("bmc-bench-round-trip", async () => answer, {
    connection: workerConnection,
  });
  await worker.waitUntilReady();
  const data = JSON.parse(jobText);
  const t0 = performance.now();
  for (let i = 0; i < rounds; i++) {
    const id = `job-${i}`;
    await queue.add("segment", data, { jobId: id });
    // As the coordinator waits: polls of the job's state, then the job with its result.
    for (;;) {
      if ((await queue.getJobState(id)) === "completed") break;
      await new Promise((r) => setTimeout(r, 1));
    }
    await queue.getJob(id);
  }
  const ms = (performance.now() - t0) / rounds;
  await worker.close();
  await queue.close();
  connection.disconnect();
  workerConnection.disconnect();
  return ms;
}

const rate = (seconds: number) => Math.round(blocks / seconds);

try {
  process.stderr.write(`compiling a fold circuit for ${perSegment} proofs per segment\n`);
  compile();
  writeFileSync(transcript, identityProofs(proofs));
  const out = join(scratch, "proof.json");
  const prove = (...extra: string[]) =>
    timed("prove", build, transcript, "--backend", "fold", "-o", out, "--json", ...extra);
  const rows: {
    how: string;
    seconds: number;
    segments: number;
    workers?: unknown;
    checkMs?: number;
  }[] = [];
  for (const threads of [1, 2]) {
    process.stderr.write(`local pool, ${threads} thread(s)\n`);
    const r = prove("--workers", String(threads));
    rows.push({
      how: `local, --workers ${threads}`,
      seconds: r.seconds,
      segments: JSON.parse(r.stdout).segments,
    });
  }
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const redis = await started(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    /Ready to accept connections/,
  );
  for (const count of [1, 2, 4]) {
    process.stderr.write(`queue, ${count} worker process(es)\n`);
    const workers = await Promise.all(
      Array.from({ length: count }, () =>
        started(process.execPath, [bmcBin, "worker", url, "--build", build], /waiting for jobs/),
      ),
    );
    const r = prove("--queue", url);
    const json = JSON.parse(r.stdout);
    rows.push({
      how: `queue, ${count} bmc worker`,
      seconds: r.seconds,
      segments: json.segments,
      workers: json.queue.workers,
      checkMs: json.queue.checkMs,
    });
    await Promise.all(workers.map(stop));
  }
  process.stderr.write("per-job overhead\n");
  const ser = await serialization();
  const roundTripMs = await roundTrip(url, ser.jobText, ser.resultText);
  await stop(redis);

  const loadAfter = loadavg();
  const m = machine();
  const command = commandLine(root, import.meta.url, "bench:distributed");
  const table = markdownTable(
    ["prover", "segments", "wall clock", "blocks/s", "checking results", "segments per worker"],
    "lrrrrl",
    rows.map((r) => [
      r.how,
      String(r.segments),
      `${r.seconds.toFixed(1)} s`,
      String(rate(r.seconds)),
      r.checkMs === undefined ? "" : `${(r.checkMs / 1000).toFixed(2)} s`,
      r.workers ? Object.values(r.workers as Record<string, number>).join(", ") : "",
    ]),
  );
  const md = [
    "# Proving over a Redis queue (`npm run bench:distributed`)",
    "",
    `- Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}`,
    `- Revision: ${gitRevision(root)}`,
    ...commandAndLoadLines(command, loadBefore, loadAfter),
    `- Transcript: ${proofs} proofs of X -> X, ${blocks} blocks; segment of ${perSegment} proofs (circom --O1); INSECURE development SRS`,
    "- Wall clock of `bmc prove` from start to the proof written: start-up, key, layout, jobs, folding, compression; the queue's runs also verify the proof before writing it. Redis and every worker run on this same machine, so the workers share its cores with the coordinator (with one worker, its jobs and the coordinator's folding overlap on the two cores, which one thread of the local pool does not do).",
    "- Checking results: the coordinator's time checking the workers' results (decoding, the witness's layout and constraints, D, and the commitments by one random combination per batch of 8).",
    "",
    table,
    "",
    "Per-job overhead of the queue:",
    "",
    `- serialization (a segment job and its result encoded to JSON and decoded back, checks of the format included): ${ser.ms.toFixed(2)} ms; job ${(ser.jobBytes / 1024).toFixed(1)} KiB, result ${(ser.resultBytes / 1024).toFixed(1)} KiB`,
    `- Redis round trip (add, a worker's fetch and completion with a result of that size, the coordinator's polls and read of the result; sequential, local Redis): ${roundTripMs.toFixed(2)} ms`,
    "",
  ].join("\n");
  writeReport(
    join(root, "bench", "results"),
    "distributed",
    md,
    {
      machine: m,
      loadBefore,
      loadAfter,
      proofs,
      blocks,
      perSegment,
      rows,
      serialization: { ms: ser.ms, jobBytes: ser.jobBytes, resultBytes: ser.resultBytes },
      roundTripMs,
    },
    1,
  );
  process.stdout.write(md);
} finally {
  for (const child of children) child.kill("SIGKILL");
  rmSync(scratch, { recursive: true, force: true });
}
