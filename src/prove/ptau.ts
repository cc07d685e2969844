/**
 * Powers of tau. bmc never downloads one: it takes a file the user trusts, or makes a local
 * development ceremony that is INSECURE (one contributor, this machine: whoever ran it could
 * forge proofs) and says so in its name. Development files are cached by power.
 */
import { randomBytes } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, readSync, renameSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import * as snarkjs from "snarkjs";
import { recordingLogger, releaseCurve } from "./curve.js";

export function defaultCacheDir(): string {
  return process.env.BMC_CACHE ?? join(homedir(), ".cache", "bmc");
}

export function devPtauPath(power: number, cacheDir = defaultCacheDir()): string {
  return join(cacheDir, "ptau", `insecure-dev-${power}.ptau`);
}

/** The power of a .ptau file (2^power constraints at most), read from its header. */
export function ptauPower(path: string): number {
  const fd = openSync(path, "r");
  try {
    const head = Buffer.alloc(64);
    readSync(fd, head, 0, 64, 0);
    if (head.toString("latin1", 0, 4) !== "ptau")
      throw new Error(`${path} is not a powers-of-tau file`);
    // magic, version, section count; section 1 (header): type, size, n8, q (n8 bytes), power.
    const n8 = head.readUInt32LE(24);
    return head.readUInt32LE(28 + n8);
  } finally {
    closeSync(fd);
  }
}

export async function devPtau(
  power: number,
  options: { cacheDir?: string; onProgress?: (m: string) => void } = {},
): Promise<string> {
  const target = devPtauPath(power, options.cacheDir);
  if (existsSync(target)) return target;
  mkdirSync(join(target, ".."), { recursive: true });
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
