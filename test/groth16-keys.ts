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
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, resolve } from "node:path";
import { neededPower, setupCommand } from "../src/cli/prove.js";
import { withFolderLock } from "../src/folder-lock.js";
import { sourceClosure } from "./fixtures.js";
import { defaultCacheDir, devPtau, loadManifest, VKEY, ZKEY } from "../src/prove/index.js";

process.env.BMC_CACHE ??= resolve(".cache");

/** Runs `work` while holding the cache's lock `name` (src/folder-lock.ts). */
export function withCacheLock<T>(name: string, work: () => Promise<T>): Promise<T> {
  return withFolderLock(join(defaultCacheDir(), "locks", name), work);
}

/**
 * The development powers of tau for a build folder's circuit, made once for every test file
 * that needs it. A ceremony under way in another process (its temporary files, named with its
 * pid) is waited for by devPtau itself rather than run a second time beside it.
 */
export async function testPtau(build: string): Promise<string> {
  const power = neededPower(build);
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
