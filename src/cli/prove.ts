/** `bmc ptau`, `bmc setup`, `bmc prove`, `bmc verify`, `bmc export solidity`. */
import { availableParallelism } from "node:os";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { diagnostic, raise } from "../diagnostics/index.js";
import { readZkeyHeader } from "../prove/groth16.js";
import { readR1cs } from "../witness/r1cs.js";
import {
  groth16Files,
  devPtau,
  exportSolidity,
  loadManifest,
  powerFor,
  proveFold,
  proveGroth16,
  ProvingError,
  type QueueStats,
  ptauPower,
  setup,
  verifyProofText,
  VKEY,
  ZKEY,
} from "../prove/index.js";
import { writeFileAtomic } from "./files.js";
import { plural } from "./messages.js";
import { checkOutputFile, writeOutputFile } from "./outputs.js";
import { CommandError, EXIT, UsageError, type CommandContext } from "./types.js";

export { CommandError } from "./types.js";

type Progress = ((m: string) => void) | undefined;

/** The power of tau a build folder's circuit needs. */
export function neededPower(buildDir: string): number {
  const manifest = loadManifest(buildDir);
  const files = groth16Files(buildDir, manifest);
  return Math.max(8, powerFor(readR1cs(join(buildDir, files.r1cs))));
}

export async function ptauCommand(power: number, progress: Progress): Promise<string> {
  if (!Number.isInteger(power) || power < 1 || power > 28) {
    throw new CommandError("--power takes a whole number from 1 to 28", "BM0922", undefined, 2);
  }
  return devPtau(power, { onProgress: progress });
}

export async function setupCommand(
  buildDir: string,
  ptau: string | undefined,
  dev: boolean,
  progress: Progress,
  force = false,
): Promise<{ ptau: string; power: number; insecure: boolean }> {
  loadManifest(buildDir);
  if (!ptau && !dev)
    throw new CommandError(
      "setup needs --ptau FILE, or --dev for an insecure local ceremony",
      "BM0922",
      undefined,
      2,
    );
  if (ptau && dev)
    throw new CommandError("setup takes --ptau FILE or --dev, not both", "BM0922", undefined, 2);
  if (!force && existsSync(join(buildDir, ZKEY)) && existsSync(join(buildDir, VKEY))) {
    throw new CommandError(
      `${buildDir} has Groth16 keys already; proofs made with them verify only with them`,
      "BM0910",
      "keep them, or run setup with --force to replace them",
    );
  }
  const power = neededPower(buildDir);
  if (ptau) ptauPower(ptau);
  const path = ptau ?? (await devPtau(power, { onProgress: progress }));
  progress?.(`setup: Groth16 keys for 2^${power}`);
  try {
    const vkey = await setup(
      join(buildDir, groth16Files(buildDir, loadManifest(buildDir)).r1cs),
      path,
      join(buildDir, ZKEY),
    );
    writeFileAtomic(join(buildDir, VKEY), JSON.stringify(vkey, null, 1) + "\n");
  } catch (error) {
    if (error instanceof ProvingError) raise("BM0607", error.message);
    throw error;
  }
  return { ptau: path, power, insecure: !ptau };
}

export { proveGroth16, verifyProofText };

export async function exportSolidityCommand(buildDir: string): Promise<string> {
  loadManifest(buildDir);
  const zkey = join(buildDir, ZKEY);
  if (!existsSync(zkey)) raise("BM0602", `${buildDir} has no proving key: run bmc setup`);
  const again = { help: `run bmc setup ${buildDir} again` };
  if (!readZkeyHeader(zkey)) raise("BM0605", `${zkey} is not a whole Groth16 proving key`, again);
  try {
    return await exportSolidity(zkey);
  } catch (error) {
    return raise("BM0605", `${zkey} is damaged (snarkjs: ${(error as Error).message})`, again);
  }
}

export function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? "unreadable";
    return raise("BM0901", `cannot read ${path} (${reason})`);
  }
}

/** A transcript with no block: only comments, blank lines and section headers. */
export function isEmptyTranscript(text: string): boolean {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .split("\n")
    .map((line) => line.replace(/\/\/.*$/, "").trim())
    .every((line) => line === "" || line === "public:" || line === "private:");
}

// The commands as the command table (commands.ts) runs them.

export const INSECURE_SRS =
  "INSECURE: committed with this machine's development SRS (no --ptau); never use it for real proofs.";

/** A proof's size for people: bytes, KiB or MiB. */
function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** --workers N for the folding prover: the machine's cores by default, 1 for this thread. */
export function workersOf(c: CommandContext, byDefault = availableParallelism()): number {
  const text = c.str("workers");
  if (text === undefined) return byDefault;
  if (!/^[1-9]\d{0,2}$/.test(text))
    throw new UsageError("BM0922", `--workers takes a whole number from 1 to 999, not \`${text}\``);
  return Number(text);
}

/** --job-timeout SECONDS: with --queue only. */
function jobTimeoutOf(c: CommandContext, queue: string | undefined): number | undefined {
  const text = c.str("job-timeout");
  if (text === undefined) return undefined;
  if (queue === undefined)
    throw new UsageError("BM0922", "--job-timeout is for --queue: local jobs run in bmc itself");
  if (!/^[1-9]\d{0,5}$/.test(text))
    throw new UsageError(
      "BM0922",
      `--job-timeout takes whole seconds from 1 to 999999, not \`${text}\``,
    );
  return Number(text) * 1000;
}

function backendOf(c: CommandContext): "groth16" | "fold" {
  const backend = c.str("backend") ?? c.project()?.backend ?? "groth16";
  if (backend !== "groth16" && backend !== "fold")
    throw new UsageError("BM0922", `unknown backend \`${backend}\``, "available: groth16, fold");
  return backend;
}

export async function runPtau(c: CommandContext): Promise<number> {
  const path = await ptauCommand(Number(c.str("power")), c.progress);
  if (c.json) c.printJson({ ok: true, ptau: path, insecure: true });
  else
    c.io.out(
      `${path}\nINSECURE: a local development ceremony with one contributor; never use it for real proofs.\n`,
    );
  return EXIT.ok;
}

export async function runSetup(c: CommandContext): Promise<number> {
  const r = await setupCommand(
    c.args[0],
    c.str("ptau"),
    c.bool("dev"),
    c.progress,
    c.bool("force"),
  );
  if (c.json) c.printJson({ ok: true, ...r });
  else {
    c.io.out(
      `setup: ${c.args[0]}/groth16.zkey and verification_key.json (powers of tau 2^${r.power}: ${r.ptau})\n`,
    );
    if (r.insecure)
      c.io.out(
        "INSECURE: keys from a local development ceremony; never use them for real proofs.\n",
      );
  }
  return EXIT.ok;
}

export async function runVerify(c: CommandContext): Promise<number> {
  const [buildDir, proofPath] = c.args;
  const text = readText(proofPath);
  const ptau = c.str("ptau");
  const r = await verifyProofText(buildDir, text, { ptau });
  const rejected = r.valid ? [] : [diagnostic("BM0606", `invalid: ${proofPath}: ${r.reason}`)];
  if (c.json) c.printJson({ ...r, ...c.jsonDiagnostics(rejected) });
  else if (r.valid)
    c.io.out(
      `valid: ${proofPath} proves its statement (${plural(r.statement!.length, "public block")}` +
        (r.segments === undefined
          ? ")\n"
          : `, ${plural(r.segments, "segment")} folded; zero-knowledge, ${formatBytes(Buffer.byteLength(text, "utf8"))})\n` +
            (ptau ? "" : `${INSECURE_SRS}\n`)),
    );
  else c.print(rejected);
  return r.valid ? EXIT.ok : EXIT.invalid;
}

export async function runExportSolidity(c: CommandContext): Promise<number> {
  const out = c.str("output");
  if (out) checkOutputFile(out, [".sol"]);
  const sol = await exportSolidityCommand(c.args[0]);
  if (out) writeOutputFile(out, sol);
  if (c.json) c.printJson({ ok: true, output: out, solidity: out ? undefined : sol });
  else if (!out) c.io.out(sol);
  else if (!c.quiet) c.io.out(`exported: ${out}\n`);
  return EXIT.ok;
}

export async function runProve(c: CommandContext): Promise<number> {
  const [buildDir, transcriptPath] = c.args;
  const out = c.str("output")!;
  const backend = backendOf(c);
  checkOutputFile(out, [".json"], [transcriptPath]);
  const text = readText(transcriptPath);
  if (isEmptyTranscript(text)) {
    throw new CommandError(
      `${transcriptPath} has no blocks: its proof would prove nothing`,
      "BM0620",
      "a transcript proves its public blocks; add the blocks of a proof",
    );
  }
  const queue = queueOf(c, backend);
  const options = { onProgress: c.progress, transcriptText: text };
  const r =
    backend === "fold"
      ? await proveFold(buildDir, transcriptPath, {
          ...options,
          ptau: c.str("ptau"),
          workers: queue ? undefined : workersOf(c),
          queue,
          jobMs: jobTimeoutOf(c, queue),
        })
      : await proveGroth16(buildDir, transcriptPath, options);
  const queueStats = "queue" in r ? r.queue : undefined;
  if (!r.proof) {
    if (c.json) c.printJson({ ok: false, queue: queueStats, ...c.jsonDiagnostics(r.diagnostics) });
    else c.print(r.diagnostics);
    return EXIT.invalid;
  }
  writeOutputFile(out, JSON.stringify(r.proof, null, 1) + "\n");
  const segments = "segments" in r ? (r.segments ?? 1) : 1;
  if (c.json) {
    const statement = r.proof.statement;
    c.printJson({ ok: true, proof: out, backend, segments, statement, queue: queueStats });
  } else if (!c.quiet) {
    c.io.out(
      `proved: ${out} (${plural(r.proof.statement.length, "public block")}` +
        (backend === "fold" ? `, ${plural(segments, "segment")} folded)\n` : ")\n"),
    );
    if (queueStats) c.io.out(`${queueSummary(queueStats)}\n`);
    if (backend === "fold" && !c.str("ptau")) c.io.out(`${INSECURE_SRS}\n`);
  }
  return EXIT.ok;
}

/** --queue redis://HOST:PORT: the fold backend only, and instead of --workers. */
function queueOf(c: CommandContext, backend: string): string | undefined {
  const queue = c.str("queue");
  if (queue === undefined) return undefined;
  if (backend !== "fold")
    throw new UsageError("BM0922", "--queue is for --backend fold: a Groth16 proof is one job");
  if (c.str("workers") !== undefined)
    throw new UsageError(
      "BM0922",
      "--queue and --workers do not go together: with a queue, the workers' threads are `bmc worker --workers N`",
    );
  return queue;
}

function queueSummary(q: QueueStats): string {
  const workers = Object.entries(q.workers).map(([w, n]) => `${w} ${n}`);
  return (
    `queue: ${plural(q.jobs, "job")}` +
    (q.reused ? `, ${q.reused} done before this run` : "") +
    (q.requeued ? `, ${q.requeued} queued again after Redis lost them` : "") +
    `; segments per worker: ${workers.join(", ") || "none"}`
  );
}
