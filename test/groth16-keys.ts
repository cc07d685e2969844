/**
 * Groth16 keys for the tests' build folders, shared through the cache ($BMC_CACHE, or .cache/),
 * made by `bmc setup --dev` of this checkout (test/groth16.test.ts tests what it makes). Keys are reused only for the same R1CS, the same powers of tau and the same snarkjs.
 * Test files run in parallel: a lock folder makes one of them compute what both need (the dev
 * powers of tau, a phase-2 setup) while the other waits for it.
 */
import { createHash } from "node:crypto";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { neededPower, setupCommand } from "../src/cli/prove.js";
import { sourceClosure } from "./fixtures.js";
import {
  defaultCacheDir,
  devPtau,
  devPtauPath,
  loadManifest,
  VKEY,
  ZKEY,
} from "../src/prove/index.js";

process.env.BMC_CACHE ??= resolve(".cache");

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

/** Whether the process that took a lock is gone (killed tests leave their lock behind). */
function stale(lock: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(join(lock, "pid"), "utf8"));
  } catch {
    // Taken a moment ago, its pid not yet written; or taken by a process that died then.
    try {
      return Date.now() - statSync(lock).mtimeMs > 10_000;
    } catch {
      return false;
    }
  }
  return !alive(pid);
}

/** Runs `work` while holding the cache's lock `name` (a folder holding the holder's pid). */
export async function withCacheLock<T>(name: string, work: () => Promise<T>): Promise<T> {
  const lock = join(defaultCacheDir(), "locks", name);
  mkdirSync(join(lock, ".."), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, "pid"), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      if (stale(lock)) rmSync(lock, { recursive: true, force: true });
      else await sleep(250);
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * The development powers of tau for a build folder's circuit, made once for every test file
 * that needs it. A ceremony under way in another process (its temporary files, named with its
 * pid) is waited for rather than run a second time beside it.
 */
export async function testPtau(build: string): Promise<string> {
  const power = neededPower(build);
  const target = devPtauPath(power);
  const stem = basename(target);
  const running = () =>
    readdirSync(dirname(target))
      .map((name) => (name.startsWith(`${stem}.`) ? Number(name.split(".")[2]) : NaN))
      .some((pid) => Number.isInteger(pid) && alive(pid));
  mkdirSync(dirname(target), { recursive: true });
  while (!existsSync(target) && running()) await sleep(1000);
  return withCacheLock(`ptau-${power}`, () => devPtau(power));
}

/**
 * What keys for a build folder depend on: its R1CS, the powers of tau, snarkjs, and (for the
 * keys bmc makes, `withSetupCode`) bmc's setup code: `bmc setup` in src/cli/prove.ts and
 * src/prove/groth16.ts with what it imports, so that keys made by other setup code are never
 * taken for this checkout's.
 */
function keysDigest(build: string, ptau: string, withSetupCode: boolean): string {
  const h = createHash("sha256");
  h.update(readFileSync(join(build, loadManifest(build).files!.r1cs))).update(readFileSync(ptau));
  h.update(readFileSync("node_modules/snarkjs/package.json"));
  const setupCode = withSetupCode
    ? ["src/cli/prove.ts", ...sourceClosure("src/prove/groth16.ts")]
    : [];
  for (const file of setupCode) h.update(`${file}\0`).update(readFileSync(file));
  return h.digest("hex").slice(0, 32);
}

/**
 * The verification key of snarkjs's own zkey for a build folder's circuit, made without a
 * phase-2 contribution (delta = gamma), as `make(zkeyPath)` writes it; made once per circuit.
 */
export async function cachedBareVerificationKey(
  build: string,
  make: (zkey: string) => Promise<unknown>,
): Promise<unknown> {
  const ptau = await testPtau(build);
  const key = keysDigest(build, ptau, false);
  const cached = join(defaultCacheDir(), "test-keys", `bare-${key}.json`);
  return withCacheLock(`bare-${key}`, async () => {
    if (!existsSync(cached)) {
      mkdirSync(dirname(cached), { recursive: true });
      const staging = `${cached}.${process.pid}.tmp`;
      const zkey = `${staging}.zkey`;
      try {
        writeFileSync(staging, JSON.stringify(await make(zkey)));
        renameSync(staging, cached);
      } finally {
        rmSync(zkey, { force: true });
      }
    }
    return JSON.parse(readFileSync(cached, "utf8"));
  });
}

/** `bmc setup --dev` for a build folder, or the keys a previous run made for the same circuit. */
export async function setupWithCachedKeys(build: string): Promise<void> {
  const ptau = await testPtau(build);
  const key = keysDigest(build, ptau, true);
  const cached = join(defaultCacheDir(), "test-keys", key);
  const files = [ZKEY, VKEY];
  await withCacheLock(`keys-${key}`, async () => {
    if (!files.every((f) => existsSync(join(cached, f)))) {
      const setup = await setupCommand(build, undefined, true, undefined);
      if (!setup.insecure) throw new Error("a test setup must use the development ptau");
      const staging = `${cached}.${process.pid}.tmp`;
      mkdirSync(staging, { recursive: true });
      for (const f of files) copyFileSync(join(build, f), join(staging, f));
      rmSync(cached, { recursive: true, force: true });
      renameSync(staging, cached);
    }
  });
  for (const f of files) copyFileSync(join(cached, f), join(build, f));
}
