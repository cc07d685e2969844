/**
 * Proving over a queue (docs/distributed.md): a real redis-server on 127.0.0.1, real `bmc
 * worker` processes and a real coordinator (`bmc prove --queue`), all from the built dist/
 * (bin/bmc.js), on a small segment (fold.test.ts's) so that 13 proofs of X -> X make 20
 * segments. Then the faults: a worker killed mid-job, Redis restarted mid-run, the coordinator
 * killed and started again, a worker that tampers with its commitments. And, in this process,
 * each check the coordinator makes of a result, against a result tampered in that one way.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { identityProofs } from "../examples/propositional/generate.js";
import { P } from "../src/field/index.js";
import { compileCommand } from "../src/cli/compile.js";
import { checkRuleFile, parseTranscript, SourceFile } from "../src/index.js";
import { layoutSegments, loadFoldCircuit, type FoldCircuit } from "../src/prove/fold/index.js";
import { withCurve } from "../src/prove/fold/curve.js";
import { proverContext, type ProverContext } from "../src/prove/fold/prover/context.js";
import { preChallengeValues, runPreJob } from "../src/prove/fold/prover/pre-challenge.js";
import {
  checkPreResults,
  checkRestCommitments,
  checkSegmentResult,
  WrongResultError,
  type ClaimedSegment,
} from "../src/prove/fold/prover/result-checks.js";
import { runSegmentJob, type SegmentJob } from "../src/prove/fold/prover/segment-job.js";
import { workerSetup } from "../src/prove/fold/prover/pool.js";
import { decodeChecked } from "../src/prove/fold/queue/coordinator.js";
import {
  decodeResult,
  segmentJobData,
  segmentResultData,
  unpackScalars,
  WireError,
} from "../src/prove/fold/queue/wire.js";
import { optionalPackage, QueueError } from "../src/prove/fold/queue/redis.js";
import { loadManifest, proveFold, verifyProofText } from "../src/prove/index.js";
import { validateTranscript } from "../src/validate/index.js";
import { cachedFolder, compilerSourceDigest, copyCachedBuild, slotSpec } from "./fixtures.js";
import {
  freePort,
  HAS_REDIS,
  requireRedisInCi,
  startRedis,
  type RedisServer,
} from "./support/redis.js";

process.env.BMC_CACHE ??= resolve(".cache");
requireRedisInCi();

const RULES = "examples/propositional/propositional.bm";
const SLOTS = { def_term_mvar: 1, def_term_impl: 4, axiom1: 2, axiom2: 1, modus_ponens: 2 };
const PUBLIC = { def_term_mvar: 1, def_term_impl: 1, demand: 1 };
const SEGMENTS = 20;

let dir: string;
let build: string;
let transcriptPath: string;
let circuit: FoldCircuit;

/** fold.test.ts's small segment, compiled once per compiler source. */
async function smallFoldBuild(into: string): Promise<void> {
  const spec = (counts: Record<string, number>) => slotSpec(RULES, counts);
  const key = compilerSourceDigest(readFileSync(RULES, "utf8"), spec(SLOTS), spec(PUBLIC));
  const cached = await cachedFolder(`distributed-fold-build-${key}`, async (staging) => {
    const compiled = await compileCommand({
      rulesPath: RULES,
      outDir: staging,
      slots: spec(SLOTS),
      publicSlots: spec(PUBLIC),
    });
    expect(compiled.diagnostics).toEqual([]);
  });
  copyCachedBuild(cached, into, RULES);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "bmc-distributed-"));
  build = join(dir, "build");
  await smallFoldBuild(build);
  circuit = loadFoldCircuit(build, loadManifest(build));
  transcriptPath = join(dir, "identities-13.bmt");
  // The goal demanded three times: one public demand slot per segment, so the second and third
  // are segment 1's and 2's (docs/folding.md, "The public layout"), on the queue path too.
  const demands = "  demand(1)\n".repeat(3);
  writeFileSync(transcriptPath, identityProofs(13).replace("  demand(1)\n", demands));
}, 600_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A process of bin/bmc.js (or another node script) with its output collected. */
interface Running {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves when stderr (or stdout) matches. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  exited: Promise<number | null>;
}

const running = new Set<ChildProcess>();
afterAll(() => {
  for (const child of running) child.kill("SIGKILL");
});

function start(argv: string[]): Running {
  const child = spawn(process.execPath, argv, {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NO_COLOR: "1" },
  });
  running.add(child);
  let out = "";
  let err = "";
  const waiters: (() => void)[] = [];
  const wake = () => waiters.forEach((w) => w());
  child.stdout!.on("data", (d: Buffer) => ((out += d), wake()));
  child.stderr!.on("data", (d: Buffer) => ((err += d), wake()));
  const exited = new Promise<number | null>((r) =>
    child.once("exit", (code) => (running.delete(child), r(code))),
  );
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor: (pattern, timeoutMs = 60_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no ${pattern} in:\n${err}\n${out}`)),
          timeoutMs,
        );
        const check = () => {
          if (pattern.test(err) || pattern.test(out)) {
            clearTimeout(timer);
            resolve();
          }
        };
        waiters.push(check);
        check();
      }),
  };
}

const bmc = (...args: string[]) => start(["bin/bmc.js", ...args]);

async function startWorker(redis: RedisServer): Promise<Running> {
  const w = bmc("worker", redis.url, "--build", build, "--lock", "2");
  await w.waitFor(/waiting for jobs/);
  return w;
}

async function stopWorker(w: Running): Promise<void> {
  w.child.kill("SIGTERM");
  await w.exited;
}

function proveOnQueue(redis: RedisServer, proof: string, ...more: string[]): Running {
  return bmc(
    ...["prove", build, transcriptPath, "--backend", "fold", "--queue", redis.url],
    ...["-o", proof, ...more],
  );
}

async function provedJson(coordinator: Running) {
  const code = await coordinator.exited;
  expect(coordinator.stderr()).not.toMatch(/internal error/);
  expect(code, coordinator.stderr()).toBe(0);
  return coordinator;
}

async function verified(proof: string) {
  return verifyProofText(build, readFileSync(proof, "utf8"));
}

describe.skipIf(!HAS_REDIS)("proving over a Redis queue, with bmc worker processes", () => {
  let redis: RedisServer;
  let workers: Running[] = [];
  beforeAll(async () => {
    redis = await startRedis();
    workers = await Promise.all([1, 2, 3].map(() => startWorker(redis)));
  }, 120_000);
  afterAll(async () => {
    await Promise.all(workers.map(stopWorker));
    await redis?.stop();
  });

  it("proves 20 segments with three workers; the proof verifies, as a local proof does", async () => {
    const proof = join(dir, "queue.json");
    const coordinator = proveOnQueue(redis, proof, "--json");
    await provedJson(coordinator);
    const json = JSON.parse(coordinator.stdout());
    expect(json).toMatchObject({ ok: true, segments: SEGMENTS, queue: { jobs: 2 * SEGMENTS } });
    const perWorker = Object.values(json.queue.workers as Record<string, number>);
    expect(perWorker.reduce((a, b) => a + b, 0)).toBe(SEGMENTS);
    expect(await verified(proof)).toMatchObject({ valid: true, segments: SEGMENTS });
    const local = await proveFold(build, transcriptPath, { workers: 1 });
    expect(local.segments).toBe(SEGMENTS);
    const localVerdict = await verifyProofText(build, JSON.stringify(local.proof));
    expect(localVerdict).toMatchObject({ valid: true, segments: SEGMENTS });
    expect(JSON.parse(readFileSync(proof, "utf8")).statement).toEqual(local.proof!.statement);
    const demands = local.proof!.statement.filter((b) => b.rule === "demand");
    expect(demands).toHaveLength(3);
  }, 120_000);

  it("a worker killed mid-job (SIGKILL): its job goes to another worker, and the proof verifies", async () => {
    const proof = join(dir, "killed-worker.json");
    const coordinator = proveOnQueue(redis, proof);
    const victim = workers[0];
    await victim.waitFor(/\(segment\) started/);
    victim.child.kill("SIGKILL");
    await victim.exited;
    await provedJson(coordinator);
    expect(await verified(proof)).toMatchObject({ valid: true, segments: SEGMENTS });
    workers[0] = await startWorker(redis);
  }, 120_000);

  it("Redis restarted mid-run (its data lost): the jobs are queued again, and the proof verifies", async () => {
    const proof = join(dir, "redis-restart.json");
    const coordinator = proveOnQueue(redis, proof);
    await coordinator.waitFor(/queue: 20 segment jobs/);
    await redis.restart();
    await provedJson(coordinator);
    expect(coordinator.stdout()).toMatch(/queue: 40 jobs, \d+ queued again after Redis lost them/);
    expect(await verified(proof)).toMatchObject({ valid: true, segments: SEGMENTS });
  }, 120_000);

  it("the coordinator killed and started again resumes from the jobs already done", async () => {
    const proof = join(dir, "resumed.json");
    const first = proveOnQueue(redis, proof);
    await first.waitFor(/witness: segment \d+\/20/);
    first.child.kill("SIGKILL");
    await first.exited;
    const again = proveOnQueue(redis, proof, "--json");
    await provedJson(again);
    const json = JSON.parse(again.stdout());
    // Every comPre job at least was done before: the same seed named the same jobs.
    expect(json.queue.reused).toBeGreaterThanOrEqual(SEGMENTS);
    expect(await verified(proof)).toMatchObject({ valid: true, segments: SEGMENTS });
  }, 120_000);

  it("a worker returning tampered commitments: refused with the segment and the worker named, no proof written", async () => {
    await Promise.all(workers.map(stopWorker));
    workers = [];
    const liar = start(["dist/test/support/tampering-worker.js", redis.url, build, "comRest"]);
    await liar.waitFor(/ready/);
    const proof = join(dir, "tampered.json");
    const coordinator = proveOnQueue(redis, proof);
    expect(await coordinator.exited).toBe(1);
    expect(coordinator.stderr()).toMatch(
      /error\[BM0631\]: segment 1's result from worker tampering:\d+ is wrong: its comRest does not commit to its internal wires; nothing of it was folded/,
    );
    expect(existsSync(proof)).toBe(false);
    liar.child.kill("SIGTERM");
    await liar.exited;
  }, 120_000);

  it("a job failing on every attempt stops the run with the segment, the worker and its reason", async () => {
    const broken = start(["dist/test/support/tampering-worker.js", redis.url, build, "throw"]);
    await broken.waitFor(/ready/);
    const coordinator = proveOnQueue(redis, join(dir, "failing.json"));
    expect(await coordinator.exited).toBe(1);
    expect(coordinator.stderr()).toMatch(
      /error\[BM0630\]: segment \d+'s (comPre )?job failed 3 time\(s\), last on worker tampering:\d+: this worker fails every job/,
    );
    broken.child.kill("SIGTERM");
    await broken.exited;
  }, 60_000);

  it("a worker hung in a job while it renews the job's lock: the run stops after --job-timeout, naming it", async () => {
    await Promise.all(workers.map(stopWorker)); // none left by the tests above; alone, three
    workers = [];
    // Started together: the coordinator's jobs wait on the queue until the worker is ready.
    const hung = start(["dist/test/support/tampering-worker.js", redis.url, build, "hang"]);
    const proof = join(dir, "hung.json");
    const coordinator = proveOnQueue(redis, proof, "--job-timeout", "1");
    expect(await coordinator.exited).toBe(1);
    expect(hung.stdout()).toMatch(/ready/);
    expect(coordinator.stderr()).toMatch(
      /error\[BM0630\]: segment \d+'s (comPre )?job has run for [12] s on worker tampering:\d+ without a result .*run the same command again: it resumes/,
    );
    expect(existsSync(proof)).toBe(false);
    hung.child.kill("SIGKILL");
    await hung.exited;
  }, 20_000);
});

describe("the queue's command line", () => {
  it("no Redis at the URL: BM0630, and no proof", async () => {
    const proof = join(dir, "unreachable.json");
    const url = `redis://127.0.0.1:${await freePort()}`;
    const r = spawnSync(
      process.execPath,
      [
        "bin/bmc.js",
        "prove",
        build,
        transcriptPath,
        "--backend",
        "fold",
        "--queue",
        url,
        "-o",
        proof,
      ],
      { encoding: "utf8" },
    );
    expect(r.stderr).toMatch(/error\[BM0630\]: cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+/);
    expect(r.status).toBe(1);
    expect(existsSync(proof)).toBe(false);
  });

  it("--queue is for the fold backend, without --workers; the URL is redis://", () => {
    const run = (...args: string[]) =>
      spawnSync(process.execPath, ["bin/bmc.js", "prove", build, transcriptPath, ...args], {
        encoding: "utf8",
      });
    const out = ["-o", join(dir, "never.json")];
    expect(run("--queue", "redis://127.0.0.1:1", ...out).stderr).toMatch(
      /BM0922.*--queue is for --backend fold/,
    );
    expect(
      run("--backend", "fold", "--queue", "redis://h:1", "--workers", "2", ...out).stderr,
    ).toMatch(/BM0922.*do not go together/);
    expect(run("--backend", "fold", "--job-timeout", "5", ...out).stderr).toMatch(
      /BM0922.*--job-timeout is for --queue/,
    );
    expect(
      run("--backend", "fold", "--queue", "redis://h:1", "--job-timeout", "0", ...out).stderr,
    ).toMatch(/BM0922.*--job-timeout takes whole seconds/);
    const http = run("--backend", "fold", "--queue", "http://127.0.0.1:1", ...out);
    expect(http.stderr).toMatch(/BM0630.*is not a redis:\/\/HOST:PORT URL/);
  });
});

/** One honest segment job and its result, run in this process, for the checks below. */
describe("the coordinator's checks of a worker's result", () => {
  let ctx: ProverContext;
  let job: SegmentJob;
  let honest: ClaimedSegment;
  let done: () => void;
  beforeAll(async () => {
    const ruleSet = checkRuleFile(RULES).ruleSet!;
    const transcript = parseTranscript(
      new SourceFile("t.bmt", identityProofs(2)),
      ruleSet,
    ).transcript!;
    const segments = layoutSegments(circuit, transcript, validateTranscript(transcript));
    // A curve that lives until the checks are done.
    await new Promise<void>((ready) => {
      void withCurve(async (curve) => {
        ctx = await proverContext(curve, circuit, {});
        const { pre } = preChallengeValues(ctx, segments[1]);
        // Challenges as the chain would draw them: large, so that no LogUp denominator is 0.
        const [a, b] = [3n ** 150n % P, 5n ** 100n % P];
        job = { index: 1, ...segments[1], a, b, pre, rhoRest: 11n, rhoD: 13n };
        const result = await runSegmentJob(ctx, job);
        honest = { ...result };
        ready();
        await new Promise<void>((r) => (done = r));
      });
    });
  }, 120_000);
  afterAll(() => done?.());

  const G = () => ctx.curve.G1;
  const bytes = (p: Uint8Array) => {
    const out = new Uint8Array(64);
    G().toRprUncompressed(out, 0, p);
    return out;
  };
  const plusH = (point: Uint8Array) =>
    bytes(G().add(G().fromRprUncompressed(point, 0), ctx.gens.H));
  const check = (claimed: ClaimedSegment) => checkSegmentResult(ctx, job, claimed, "w:1");
  const reason = (claimed: ClaimedSegment) => {
    try {
      check(claimed);
    } catch (error) {
      expect(error).toBeInstanceOf(WrongResultError);
      return (error as Error).message;
    }
    return "accepted";
  };
  const edit = (v: readonly bigint[], at: number) => v.map((x, k) => (k === at ? x + 1n : x));

  it("accepts the honest result, and its comRest in a batch", async () => {
    const checked = check(honest);
    await expect(checkRestCommitments(ctx, [checked], ["w:1"])).resolves.toBeUndefined();
  });

  it("refuses a comRest that is a valid point but not the commitment, naming segment and worker", async () => {
    const good = check(honest);
    const bad = check({ ...honest, comRest: plusH(honest.comRest) });
    await expect(
      checkRestCommitments(ctx, [good, bad, good], ["w:1", "w:2", "w:3"]),
    ).rejects.toThrow(
      "segment 2's result from worker w:2 is wrong: its comRest does not commit to its internal wires",
    );
  });

  it("refuses a comPre that does not commit to the private inputs", async () => {
    const preJob = { index: 1, pre: job.pre, rho: 17n };
    const result = await runPreJob(ctx, preJob);
    await expect(checkPreResults(ctx, [preJob], [result], ["w:1"])).resolves.toBeUndefined();
    const tampered = { ...result, comPre: plusH(result.comPre) };
    await expect(checkPreResults(ctx, [preJob], [tampered], ["w:1"])).rejects.toThrow(
      "its comPre does not commit to its private inputs",
    );
  });

  it.each<[string, () => ClaimedSegment, RegExp]>([
    [
      "a D that does not commit to A, B, u_out",
      () => ({ ...honest, D: plusH(honest.D) }),
      /its D does not commit/,
    ],
    [
      "a comRest off the curve",
      () => ({ ...honest, comRest: new Uint8Array(64).fill(7) }),
      /comRest is not a point/,
    ],
    [
      "an internal wire changed",
      () => ({ ...honest, rest: edit(honest.rest, 3) }),
      /violates constraint/,
    ],
    [
      "a private input changed",
      () => ({ ...honest, pre: edit(honest.pre, 0) }),
      /private inputs differ from those committed/,
    ],
    [
      "the challenge a changed",
      () => ({ ...honest, x: edit(honest.x, 3) }),
      /public value a is not the job's/,
    ],
    ["u_out changed", () => ({ ...honest, x: edit(honest.x, 2) }), /public value u_out/],
    [
      "a public slot changed",
      () => ({ ...honest, x: edit(honest.x, honest.x.length - 1) }),
      /public slots are not the job's/,
    ],
    [
      "a wire missing",
      () => ({ ...honest, rest: honest.rest.slice(1) }),
      /internal wires has \d+ values/,
    ],
    ["another segment's index", () => ({ ...honest, index: 0 }), /it is for segment 1/],
  ])("refuses %s", (_, tampered, expected) => {
    expect(reason(tampered())).toMatch(expected);
  });

  it("gives worker threads (the pool's and bmc worker's) the key up to the longer witness part", () => {
    // Both parts from the first power: more internal wires than private inputs, as in
    // bench:distributed's segment of 4 proofs, or fewer.
    const { nPre } = ctx.circuit;
    for (const nRest of [nPre + 5, Math.max(1, nPre - 1)]) {
      const srs = { ...ctx.srs, powersG1: new Uint8Array(4 * (nPre + 5) * 64) };
      const setup = workerSetup(
        { circuit: { ...ctx.circuit, nRest }, srs },
        process.env.BMC_CACHE!,
      );
      expect(setup.powersG1.length).toBe(Math.max(nPre, nRest) * 64);
    }
  });

  it("refuses a result for another build or run, or not in the job format", () => {
    const names = { build: "b".repeat(64), run: "r1" };
    const data = segmentJobData(names, job);
    const result = segmentResultData({ ...names, worker: "w:1" }, honest);
    expect(decodeChecked(result, "w:1", data, names).index).toBe(1);
    expect(() => decodeChecked({ ...result, build: "c".repeat(64) }, "w:1", data, names)).toThrow(
      /segment 2's result from worker w:1 is wrong: it is for another build/,
    );
    expect(() => decodeChecked({ ...result, run: "r2" }, "w:1", data, names)).toThrow(
      /it is for another run/,
    );
    expect(() => decodeChecked({ ...result, x: "%%" }, "w:1", data, names)).toThrow(
      /not in the job format \(x is not base64\)/,
    );
    expect(() =>
      decodeResult({ ...result, rest: Buffer.alloc(32, 255).toString("base64") }),
    ).toThrow(WireError);
    expect(unpackScalars(result.x, "x")).toEqual(honest.x);
  });
});

describe("the queue's packages", () => {
  it("are optional peers: missing, they are a QueueError that says what to install", async () => {
    const missing = "bmc-test-no-such-package";
    const loading = optionalPackage(missing, () => import(missing));
    await expect(loading).rejects.toBeInstanceOf(QueueError);
    await expect(loading).rejects.toThrow(/`bmc-test-no-such-package`.*npm install bullmq ioredis/);
    const manifest = JSON.parse(readFileSync("package.json", "utf8"));
    expect(manifest.dependencies.bullmq).toBeUndefined();
    expect(manifest.peerDependenciesMeta.bullmq.optional).toBe(true);
    expect(manifest.peerDependenciesMeta.ioredis.optional).toBe(true);
  });
});
