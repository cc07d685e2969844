/**
 * Powers of tau. bmc never downloads one: it takes a file the user trusts, or makes a local
 * development ceremony that is INSECURE (one contributor, this machine: whoever ran it could
 * forge proofs) and says so in its name. Development files are cached by power.
 */
import { randomBytes } from "node:crypto";
import {
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
} from "node:fs";
import { homedir } from "node:os";
import { basename, dirname, join } from "node:path";
import * as snarkjs from "snarkjs";
import { DiagnosticError, raise } from "../diagnostics/index.js";
import { recordingLogger, releaseCurve } from "./curve.js";
import { Q } from "./proof-file.js";

export function defaultCacheDir(): string {
  return process.env.BMC_CACHE ?? join(homedir(), ".cache", "bmc");
}

export function devPtauPath(power: number, cacheDir = defaultCacheDir()): string {
  return join(cacheDir, "ptau", `insecure-dev-${power}.ptau`);
}

/**
 * The power of a .ptau file (2^power constraints at most), after checking that it is a whole
 * snarkjs powers-of-tau file over BN254 prepared for phase 2: its section table covers the
 * file exactly and every section of points has the size its power implies. (A file whose
 * points were changed passes: the keys it gives make proofs that do not verify, which proving
 * checks.) A DiagnosticError (BM0607) otherwise.
 */
export function ptauPower(path: string): number {
  const bad = (what: string): never =>
    raise("BM0607", `${path} ${what}`, {
      help: "use the file of a powers-of-tau ceremony prepared for phase 2, or --dev",
    });
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (error) {
    return bad(`cannot be read (${(error as NodeJS.ErrnoException).code ?? "unreadable"})`);
  }
  try {
    const fileSize = fstatSync(fd).size;
    const read = (at: number, length: number): Buffer => {
      const b = Buffer.alloc(length);
      if (at + length > fileSize || readSync(fd, b, 0, length, at) !== length) bad("is cut short");
      return b;
    };
    const head = read(0, 12);
    if (head.toString("latin1", 0, 4) !== "ptau") bad("is not a powers-of-tau file");
    if (head.readUInt32LE(4) !== 1) bad("has an unknown version");
    const sizes = new Map<number, { at: number; size: number }>();
    let at = 12;
    for (let i = 0, count = head.readUInt32LE(8); i < count; i++) {
      if (i >= 64) bad("has too many sections");
      const entry = read(at, 12);
      const size = entry.readBigUInt64LE(4);
      if (size > BigInt(fileSize)) bad("is cut short");
      sizes.set(entry.readUInt32LE(0), { at: at + 12, size: Number(size) });
      at += 12 + Number(size);
    }
    if (at !== fileSize) bad(at > fileSize ? "is cut short" : "has bytes after its last section");
    const header = sizes.get(1) ?? bad("has no header");
    const h = read(header.at, Math.min(header.size, 44));
    if (header.size !== 44 || h.readUInt32LE(0) !== 32) bad("is not over BN254");
    const q = BigInt(`0x${Buffer.from(h.subarray(4, 36)).reverse().toString("hex")}`);
    if (q !== Q) bad("is not over BN254");
    const power = h.readUInt32LE(36);
    if (power < 1 || power > 28) bad(`has an impossible power (${power})`);
    const n = 2 ** power;
    const expected: [number, number, string][] = [
      [2, (2 * n - 1) * 64, "tau G1"],
      [3, n * 128, "tau G2"],
      [4, n * 64, "alpha tau G1"],
      [5, n * 64, "beta tau G1"],
      [6, 128, "beta G2"],
      // snarkjs's phase-2 preparation: tau G1 in the Lagrange bases of every domain.
      [12, (4 * n - 1) * 64, "Lagrange tau G1 (prepared for phase 2)"],
    ];
    for (const [type, size, what] of expected) {
      const section = sizes.get(type);
      if (!section)
        bad(
          `has no ${what} section${type === 12 ? ": run snarkjs powersoftau prepare phase2" : ""}`,
        );
      if (section!.size !== size) bad(`has a ${what} section of the wrong size`);
    }
    return power;
  } finally {
    closeSync(fd);
  }
}

/**
 * Whether a live process other than this one is making `target` (its temporary files are
 * `target.PID.N`). Those of processes that are gone are removed.
 */
const STALE_MS = 20 * 60 * 1000;

function otherMakers(target: string): boolean {
  const prefix = `${basename(target)}.`;
  let making = false;
  for (const file of readdirSync(dirname(target))) {
    if (!file.startsWith(prefix)) continue;
    const pid = Number(file.slice(prefix.length).split(".")[0]);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    const path = join(dirname(target), file);
    let alive = true;
    try {
      process.kill(pid, 0);
      // A pid can be reused: a file nobody has written for a long time is left over.
      alive = Date.now() - statSync(path).mtimeMs < STALE_MS;
    } catch (error) {
      alive = (error as NodeJS.ErrnoException).code === "EPERM";
    }
    if (alive) making = true;
    else rmSync(path, { force: true });
  }
  return making;
}

export async function devPtau(
  power: number,
  options: { cacheDir?: string; onProgress?: (m: string) => void } = {},
): Promise<string> {
  const target = devPtauPath(power, options.cacheDir);
  mkdirSync(dirname(target), { recursive: true });
  // Another process making the same file (tests run in parallel): wait for it.
  while (otherMakers(target)) await new Promise((done) => setTimeout(done, 2000));
  // A cached file is used only when it is whole and of the power its name says; anything
  // else there (cut short, damaged, planted) is made again.
  if (existsSync(target)) {
    try {
      if (ptauPower(target) === power) return target;
    } catch (error) {
      if (!(error instanceof DiagnosticError)) throw error;
    }
    rmSync(target, { force: true });
  }
  const stem = `${target}.${process.pid}`;
  const { logger, errors } = recordingLogger();
  try {
    const curve = await snarkjs.curves.getCurveFromName("bn128");
    options.onProgress?.(`ptau: new accumulator 2^${power} (insecure, development only)`);
    await snarkjs.powersOfTau.newAccumulator(curve, power, `${stem}.0`, logger);
    options.onProgress?.("ptau: one local contribution");
    await snarkjs.powersOfTau.contribute(
      `${stem}.0`,
      `${stem}.1`,
      "bmc insecure development ceremony",
      randomBytes(32).toString("hex"),
      logger,
    );
    options.onProgress?.("ptau: preparing phase 2");
    await snarkjs.powersOfTau.preparePhase2(`${stem}.1`, `${stem}.2`, logger);
    if (errors.length) throw new Error(`powers of tau: ${errors.join("; ")}`);
    renameSync(`${stem}.2`, target);
    return target;
  } finally {
    for (const i of [0, 1, 2]) rmSync(`${stem}.${i}`, { force: true });
    await releaseCurve();
  }
}
