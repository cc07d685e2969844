/**
 * The structured reference string of the compression SNARK: powers of a secret tau in G1
 * (the commitment key: a vector v commits to sum v_i tau^i G1) and tau in G2 (the verifier's
 * key: two pairings check any opening).
 *
 * Two sources:
 * - `readPtauSrs`: the monomial section of a snarkjs powers-of-tau file the user trusts
 *   (section 2, tau^i G1; section 3 element 1, tau G2). Secure as long as one contributor of
 *   that ceremony destroyed their share.
 * - `devSrs`: INSECURE, for development. tau comes from crypto.getRandomValues and is dropped
 *   as soon as the powers exist, but nothing proves that: whoever controls this machine or its
 *   cache directory could know tau and forge proofs. Cached in $BMC_CACHE/srs/.
 *
 * Every SRS is checked before use, whatever its source: the first power is the generator,
 * every point is on the curve (G1 has cofactor 1; tau G2 is checked in the subgroup), and the
 * powers are consecutive, e(P_{i+1}, G2) = e(P_i, tau G2), on a random linear combination
 * with fresh 64-bit coefficients (two MSMs and two pairings; wrong powers escape with
 * probability at most 2^-64). A pass is recorded in the cache under a hash of the exact bytes
 * checked ($BMC_CACHE/srs/checked/), and the same bytes are not checked twice (the first
 * power and tau*G2 are, always): see checkedMarkPath for why that is safe.
 *
 * The digest names an SRS: SHA-256 over its powers in the canonical uncompressed form
 * (64 bytes each: x then y, big-endian) followed by tau G2 uncompressed (128 bytes, as
 * ffjavascript and snarkjs write it). The same tau and size give the same digest from either
 * source.
 */
import { createHash, getRandomValues } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  closeSync,
  renameSync,
  writeFileSync,
  fstatSync,
} from "node:fs";
import { join } from "node:path";
import type { Bn128 } from "ffjavascript";
import { P } from "../../../field/index.js";
import { defaultCacheDir } from "../../ptau.js";
import type { Point } from "../curve.js";
import { engine, withScratch } from "./engine.js";

/** What a verifier needs: no powers beyond the first. */
export interface VerifierKey {
  /** The curve instance the points were made with; valid while it lives. */
  readonly curve: Bn128;
  /** The SRS holds 2^logSize powers: it commits to vectors of that length at most. */
  readonly logSize: number;
  /** The G1 generator (affine, ffjavascript's form). */
  readonly g1: Point;
  /** The G2 generator and tau times it (affine, ffjavascript's form, 128 bytes). */
  readonly g2: Uint8Array;
  readonly tauG2: Uint8Array;
  /** SHA-256 hex, see the module comment. */
  readonly digest: string;
  /** True for a development SRS: proofs over it are forgeable by whoever may know tau. */
  readonly insecure: boolean;
  /** Where it came from, for messages: `insecure development SRS (...)` or the ptau path. */
  readonly source: string;
}

export interface Srs extends VerifierKey {
  /** tau^i G1 for i < 2^logSize: affine points, 64 bytes each, ffjavascript's form (LEM). */
  readonly powersG1: Uint8Array;
}

export class SrsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SrsError";
  }
}

export function verifierKeyOf(srs: Srs): VerifierKey {
  const { curve, logSize, g1, g2, tauG2, digest, insecure, source } = srs;
  return { curve, logSize, g1, g2, tauG2, digest, insecure, source };
}

const MAX_LOG_SIZE = 28;

function checkLogSize(logSize: number): void {
  if (!Number.isInteger(logSize) || logSize < 1 || logSize > MAX_LOG_SIZE)
    throw new SrsError(`an SRS of 2^${logSize} powers is not supported (1 to ${MAX_LOG_SIZE})`);
}

// ---------------------------------------------------------------------------------------
// Encodings

/** Affine LEM points to canonical uncompressed bytes, in chunks through wasm. */
function toUncompressed(curve: Bn128, lem: Uint8Array): Uint8Array {
  return convert(curve, lem, "g1m_batchLEMtoU");
}

function fromUncompressed(curve: Bn128, u: Uint8Array): Uint8Array {
  return convert(curve, u, "g1m_batchUtoLEM");
}

const CHUNK = 1 << 14;

function convert(curve: Bn128, input: Uint8Array, fn: string): Uint8Array {
  const out = new Uint8Array(input.length);
  const n = input.length / 64;
  withScratch(curve, (s) => {
    const p = s.alloc(CHUNK * 64);
    for (let at = 0; at < n; at += CHUNK) {
      const m = Math.min(CHUNK, n - at);
      s.u8().set(input.subarray(at * 64, (at + m) * 64), p);
      s.ex[fn](p, m, p);
      out.set(s.u8().subarray(p, p + m * 64), at * 64);
    }
  });
  return out;
}

/** The index of the first affine LEM point that is not on the curve (or is zero), or -1. */
function firstInvalidPoint(curve: Bn128, lem: Uint8Array): number {
  const n = lem.length / 64;
  return withScratch(curve, (s) => {
    const p = s.alloc(CHUNK * 64);
    for (let at = 0; at < n; at += CHUNK) {
      const m = Math.min(CHUNK, n - at);
      s.u8().set(lem.subarray(at * 64, (at + m) * 64), p);
      for (let i = 0; i < m; i++) {
        if (s.ex.g1m_isZeroAffine(p + i * 64) || !s.ex.g1m_inCurveAffine(p + i * 64)) return at + i;
      }
    }
    return -1;
  });
}

function g2Uncompressed(curve: Bn128, p: Uint8Array): Uint8Array {
  const out = new Uint8Array(128);
  engine(curve).G2.toRprUncompressed(out, 0, p);
  return out;
}

function srsDigest(curve: Bn128, uncompressedPowers: Uint8Array, tauG2: Uint8Array): string {
  return createHash("sha256")
    .update(uncompressedPowers)
    .update(g2Uncompressed(curve, tauG2))
    .digest("hex");
}

// ---------------------------------------------------------------------------------------
// The consistency check

/** Random bytes (getRandomValues gives at most 64 KiB per call). */
function getRandomBytes(length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let at = 0; at < length; at += 65536)
    getRandomValues(out.subarray(at, Math.min(length, at + 65536)));
  return out;
}

/**
 * What a verifier's soundness rests on, checked cheaply: the first power is the generator of
 * G1 and tau*G2 is a non-zero point of the prime-order subgroup of G2.
 */
function checkVerifierPoints(
  curve: Bn128,
  firstPower: Uint8Array,
  tauG2: Uint8Array,
  what: string,
) {
  const G1 = curve.G1;
  const { G2 } = engine(curve);
  if (!G1.eq(firstPower, G1.toAffine(G1.g)))
    throw new SrsError(`${what}: the first power is not the generator of G1`);
  if (G2.isZero(tauG2) || !G2.isValid(tauG2) || !G2.isZero(G2.timesScalar(tauG2, P)))
    throw new SrsError(`${what}: tau*G2 is not a point of the prime-order subgroup of G2`);
}

/** Throws unless the powers are 1, tau, tau^2, ... times G1 for the tau of tauG2. */
export async function checkPowers(
  curve: Bn128,
  powersG1: Uint8Array,
  tauG2: Uint8Array,
  what: string,
): Promise<void> {
  const G1 = curve.G1;
  const { G2 } = engine(curve);
  const n = powersG1.length / 64;
  checkVerifierPoints(curve, powersG1.subarray(0, 64), tauG2, what);
  const invalid = firstInvalidPoint(curve, powersG1);
  if (invalid >= 0) throw new SrsError(`${what}: power ${invalid} is not a point of G1`);
  if (n < 2) return;
  // A = sum_{i<n-1} c_i P_{i+1}, B = sum_{i<n-1} c_i P_i with random 64-bit c_i: two MSMs
  // over 8-byte scalars cost less than one over 32-byte scalars (c_i = rho^i would need one).
  const scalars = getRandomBytes((n - 1) * 8);
  const A = await G1.multiExpAffine(powersG1.subarray(64), scalars);
  const B = await G1.multiExpAffine(powersG1.subarray(0, (n - 1) * 64), scalars);
  const ok = await engine(curve).pairingEq(A, G2.g, G1.neg(B), tauG2);
  if (!ok)
    throw new SrsError(`${what}: the powers of G1 do not match tau*G2 (some power is wrong)`);
}

/**
 * Where a passed checkPowers is recorded: a file named by the SHA-256 of the exact bytes the
 * powers were decoded from and of tau*G2 (the key below). Recomputed from those bytes on every
 * load, the hash vouches that these are the powers checked before, so the two MSMs and the
 * pairing are not repeated. What this skips guards the prover only: powers that do not match
 * tau*G2 make proofs that fail (the verifier checks its own tau*G2 and first power, always);
 * and whoever can write this cache could as well replace a development SRS by one whose tau
 * they know. tau*G2 and the first power are checked on every load all the same.
 */
export function checkedMarkPath(cacheDir: string, key: string): string {
  return join(cacheDir, "srs", "checked", key);
}

/** The name of a pass's record: `source` is "dev" or "ptau" (the bytes' encoding). */
export function checkedKey(source: string, powers: Uint8Array, tauG2: Uint8Array): string {
  return createHash("sha256")
    .update(`bmc-srs-checked-v1\n${source}\n`)
    .update(powers)
    .update(tauG2)
    .digest("hex");
}

/**
 * checkPowers, unless this cache recorded that the same bytes passed it (checkedMarkPath);
 * records a pass. `key` is checkedKey of the bytes the powers were decoded from.
 */
async function checkPowersOnce(
  curve: Bn128,
  powersG1: Uint8Array,
  tauG2: Uint8Array,
  what: string,
  key: string,
  cacheDir: string | undefined,
): Promise<void> {
  const mark = cacheDir === undefined ? undefined : checkedMarkPath(cacheDir, key);
  if (mark && existsSync(mark)) {
    checkVerifierPoints(curve, powersG1.subarray(0, 64), tauG2, what);
    return;
  }
  await checkPowers(curve, powersG1, tauG2, what);
  if (!mark) return;
  try {
    mkdirSync(join(mark, ".."), { recursive: true });
    const temporary = `${mark}.${process.pid}.tmp`;
    writeFileSync(temporary, `${what}\n`);
    renameSync(temporary, mark);
  } catch {
    // A read-only cache: the check runs again next time.
  }
}

// ---------------------------------------------------------------------------------------
// Development SRS

/**
 * Powers 1, tau, ..., tau^(n-1) times G1 by a fixed-base windowed table: with windows of w
 * bits, a table of (2^w - 1) multiples of 2^(w i) G1 per window, and one mixed addition per
 * non-zero digit. w minimises the table plus the additions (w = 13 at 2^18 powers: 20
 * additions a power; ffjavascript's batchApplyKey, a full scalar multiplication a power, was
 * about 15 times slower).
 */
function fixedBasePowers(curve: Bn128, tau: bigint, n: number): Uint8Array {
  const cost = (w: number) => Math.ceil(254 / w) * (2 ** w + n);
  let WINDOW = 4;
  for (let w = 5; w <= 16; w++) if (cost(w) < cost(WINDOW)) WINDOW = w;
  const WINDOWS = Math.ceil(254 / WINDOW);
  const ENTRIES = (1 << WINDOW) - 1; // digit d >= 1 at entry d - 1
  const out = new Uint8Array(n * 64);
  withScratch(curve, (s) => {
    const ex = s.ex;
    const table = s.alloc(WINDOWS * ENTRIES * 64);
    const jac = s.alloc(ENTRIES * 96);
    const base = s.alloc(96);
    ex.g1m_copy(engine(curve).tm.pG1gen, base);
    for (let w = 0; w < WINDOWS; w++) {
      // entries k 2^(WINDOW w) G1, k = 1 .. 2^WINDOW - 1
      ex.g1m_copy(base, jac);
      for (let k = 1; k < ENTRIES; k++) ex.g1m_add(jac + (k - 1) * 96, base, jac + k * 96);
      ex.g1m_batchToAffine(jac, ENTRIES, table + w * ENTRIES * 64);
      for (let d = 0; d < WINDOW; d++) ex.g1m_double(base, base);
    }
    const chunk = s.alloc(CHUNK * 96);
    const digits = new Uint8Array(40);
    const view = new DataView(digits.buffer);
    const mask = (1n << 64n) - 1n;
    let power = 1n;
    for (let at = 0; at < n; at += CHUNK) {
      const m = Math.min(CHUNK, n - at);
      for (let i = 0; i < m; i++) {
        view.setBigUint64(0, power & mask, true);
        view.setBigUint64(8, (power >> 64n) & mask, true);
        view.setBigUint64(16, (power >> 128n) & mask, true);
        view.setBigUint64(24, power >> 192n, true);
        const acc = chunk + i * 96;
        ex.g1m_zero(acc);
        for (let w = 0; w < WINDOWS; w++) {
          const bit = w * WINDOW;
          const byte = bit >> 3;
          const d =
            ((digits[byte] | (digits[byte + 1] << 8) | (digits[byte + 2] << 16)) >> (bit & 7)) &
            ENTRIES;
          if (d !== 0) ex.g1m_addMixed(acc, table + (w * ENTRIES + d - 1) * 64, acc);
        }
        power = (power * tau) % P;
      }
      ex.g1m_batchToAffine(chunk, m, chunk);
      out.set(s.u8().subarray(chunk, chunk + m * 64), at * 64);
    }
  });
  return out;
}

export interface DevSrsOptions {
  /** Where the SRS is cached; defaults to $BMC_CACHE or ~/.cache/bmc. */
  readonly cacheDir?: string;
  readonly onProgress?: (message: string) => void;
}

export function devSrsPath(logSize: number, cacheDir = defaultCacheDir()): string {
  return join(cacheDir, "srs", `insecure-dev-${logSize}.srs`);
}

const DEV_MAGIC = "bmc-insecure-dev-srs-v1\n";
const DEV_HEADER = 32; // magic padded, then u32 logSize
// File: header (32 bytes), tau G2 uncompressed (128), powers uncompressed (64 each).
// The digest is in a separate file, `<name>.sha256`.

function devSource(logSize: number): string {
  return `INSECURE development SRS (2^${logSize} powers, tau sampled on this machine; not for production)`;
}

/**
 * An INSECURE development SRS of 2^logSize powers: from the cache when a whole, consistent one
 * is there (a longer cached one serves a shorter request), otherwise made and cached.
 */
export async function devSrs(
  curve: Bn128,
  logSize: number,
  options: DevSrsOptions = {},
): Promise<Srs> {
  checkLogSize(logSize);
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const cache = findDevCache(curve, logSize, cacheDir, options.onProgress);
  if (cache) {
    try {
      return await devSrsFromCache(curve, cache, logSize, cacheDir);
    } catch (e) {
      if (!(e instanceof SrsError)) throw e;
      options.onProgress?.(`srs: ignoring the cached ${cache.file}: ${e.message}`);
    }
  }
  options.onProgress?.(`srs: making an INSECURE development SRS of 2^${logSize} powers`);
  const tauBytes = getRandomValues(new Uint8Array(48));
  let tau = BigInt(`0x${Buffer.from(tauBytes).toString("hex")}`) % P;
  tauBytes.fill(0);
  if (tau === 0n) tau = 1n;
  const powersG1 = fixedBasePowers(curve, tau, 1 << logSize);
  const { G2 } = engine(curve);
  const tauG2 = G2.toAffine(G2.timesScalar(G2.g, tau));
  tau = 0n;
  const uncompressed = toUncompressed(curve, powersG1);
  const digest = srsDigest(curve, uncompressed, tauG2);
  const file = devSrsPath(logSize, cacheDir);
  mkdirSync(join(file, ".."), { recursive: true });
  const header = Buffer.alloc(DEV_HEADER);
  header.write(DEV_MAGIC, 0, "latin1");
  header.writeUInt32LE(logSize, DEV_HEADER - 4);
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, Buffer.concat([header, g2Uncompressed(curve, tauG2), uncompressed]));
  renameSync(temporary, file);
  writeFileSync(`${temporary}.sha256`, `${digest}\n`);
  renameSync(`${temporary}.sha256`, `${file}.sha256`);
  return {
    curve,
    logSize,
    g1: curve.G1.toAffine(curve.G1.g),
    g2: G2.toAffine(G2.g),
    tauG2,
    digest,
    insecure: true,
    source: devSource(logSize),
    powersG1,
  };
}

/** The first cached development SRS of at least 2^logSize powers that reads whole. */
function findDevCache(
  curve: Bn128,
  logSize: number,
  cacheDir: string,
  onProgress?: (message: string) => void,
): DevCache | undefined {
  for (let size = logSize; size <= MAX_LOG_SIZE; size++) {
    const file = devSrsPath(size, cacheDir);
    if (!existsSync(file)) continue;
    try {
      return readDevCache(curve, file, size, logSize);
    } catch (e) {
      if (!(e instanceof SrsError)) throw e;
      onProgress?.(`srs: ignoring the cached ${file}: ${e.message}`);
    }
  }
  return undefined;
}

interface DevCache {
  readonly file: string;
  /** The first 2^logSize powers, uncompressed. */
  readonly powers: Uint8Array;
  readonly tauG2: Uint8Array;
  readonly digest: string;
}

/** A cached development SRS of 2^size powers, whole and matching its digest file. */
function readDevCache(curve: Bn128, file: string, size: number, logSize: number): DevCache {
  const bytes = readFileSync(file);
  const n = 1 << size;
  if (
    bytes.length !== DEV_HEADER + 128 + n * 64 ||
    bytes.toString("latin1", 0, DEV_MAGIC.length) !== DEV_MAGIC ||
    bytes.readUInt32LE(DEV_HEADER - 4) !== size
  )
    throw new SrsError("not a whole development SRS of its size");
  const { G2 } = engine(curve);
  let tauG2: Uint8Array;
  try {
    tauG2 = G2.fromRprUncompressed(bytes, DEV_HEADER);
  } catch {
    throw new SrsError("tau*G2 is not a valid encoding");
  }
  const uncompressed = bytes.subarray(DEV_HEADER + 128);
  const fullDigest = srsDigest(curve, uncompressed, tauG2);
  const digestFile = `${file}.sha256`;
  const recorded = existsSync(digestFile) ? readFileSync(digestFile, "utf8").trim() : "";
  if (recorded !== fullDigest) throw new SrsError("its digest file does not match its content");
  const powers = uncompressed.subarray(0, (1 << logSize) * 64);
  const digest = size === logSize ? fullDigest : srsDigest(curve, powers, tauG2);
  return { file, powers, tauG2, digest };
}

async function devSrsFromCache(
  curve: Bn128,
  cache: DevCache,
  logSize: number,
  cacheDir: string,
): Promise<Srs> {
  const powersG1 = fromUncompressed(curve, cache.powers);
  const key = checkedKey("dev", cache.powers, g2Uncompressed(curve, cache.tauG2));
  await checkPowersOnce(curve, powersG1, cache.tauG2, cache.file, key, cacheDir);
  return { ...devVerifierParts(curve, cache, logSize), powersG1 };
}

/** What a prover's and a verifier's key from the development cache have in common. */
function devVerifierParts(curve: Bn128, cache: DevCache, logSize: number): VerifierKey {
  const { G2 } = engine(curve);
  return {
    curve,
    logSize,
    g1: curve.G1.toAffine(curve.G1.g),
    g2: G2.toAffine(G2.g),
    tauG2: cache.tauG2,
    digest: cache.digest,
    insecure: true,
    source: devSource(logSize),
  };
}

/**
 * A verifier's key from the cached INSECURE development SRS, without the powers: the cache
 * must be whole, match its digest file, start at the generator and hold a tau*G2 of the
 * subgroup; the consistency of the powers (a prover's concern: inconsistent ones only make
 * proofs that fail) is not re-checked, which keeps this to milliseconds. Throws SrsError when
 * no usable cache exists: a verifier never makes an SRS (a new tau verifies nothing).
 */
export function devVerifierKey(
  curve: Bn128,
  logSize: number,
  options: DevSrsOptions = {},
): VerifierKey {
  checkLogSize(logSize);
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const cache = findDevCache(curve, logSize, cacheDir, options.onProgress);
  if (!cache)
    throw new SrsError(
      `no development SRS of 2^${logSize} powers is cached in ${join(cacheDir, "srs")}`,
    );
  checkVerifierPoints(
    curve,
    fromUncompressed(curve, cache.powers.subarray(0, 64)),
    cache.tauG2,
    cache.file,
  );
  return devVerifierParts(curve, cache, logSize);
}

// ---------------------------------------------------------------------------------------
// snarkjs powers of tau

/**
 * The first 2^logSize powers and tau*G2 of a snarkjs .ptau file (any phase: sections 2 and 3
 * are the same in a prepared one), read but not checked (the callers below check). Layout (snarkjs powersoftau_new.js): "ptau",
 * u32 version, u32 section count, then sections (u32 type, u64 size, bytes); section 1 holds
 * u32 n8, the prime q (n8 bytes), u32 power; section 2, 2^(power+1) - 1 G1 points; section 3,
 * 2^power G2 points; points affine, coordinates little-endian in Montgomery form.
 */
function readPtauParts(
  curve: Bn128,
  path: string,
  logSize: number,
): { powersG1: Uint8Array; tauG2: Uint8Array } {
  checkLogSize(logSize);
  const fail = (what: string): never => {
    throw new SrsError(`${path}: ${what}`);
  };
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return fail("cannot read the file");
  }
  try {
    const size = fstatSync(fd).size;
    const read = (at: number, length: number): Buffer => {
      if (at + length > size) fail("truncated");
      const b = Buffer.alloc(length);
      readSync(fd, b, 0, length, at);
      return b;
    };
    const head = read(0, 12);
    if (head.toString("latin1", 0, 4) !== "ptau") fail("not a powers-of-tau file");
    const sections = new Map<number, { at: number; size: number }>();
    let o = 12;
    for (let i = 0, count = head.readUInt32LE(8); i < count; i++) {
      const s = read(o, 12);
      const type = s.readUInt32LE(0);
      const length = Number(s.readBigUInt64LE(4));
      if (sections.has(type)) fail(`section ${type} appears twice`);
      sections.set(type, { at: o + 12, size: length });
      o += 12 + length;
      if (o > size) fail(`section ${type} runs past the end of the file`);
    }
    const header = sections.get(1) ?? fail("no header section");
    const h = read(header.at, Math.min(header.size, 64));
    const n8 = h.readUInt32LE(0);
    if (n8 !== 32) fail(`field elements of ${n8} bytes; the SRS is over BN254`);
    let q = 0n;
    for (let i = 31; i >= 0; i--) q = (q << 8n) | BigInt(h[4 + i]);
    if (q !== curve.F1.p) fail("the ceremony is over another curve; the SRS is over BN254");
    const power = h.readUInt32LE(36);
    if (logSize > power)
      fail(`it has 2^${power} powers; 2^${logSize} are needed (use a larger ceremony)`);
    const g1Section = sections.get(2) ?? fail("no tau*G1 section");
    const g2Section = sections.get(3) ?? fail("no tau*G2 section");
    if (g1Section.size !== (2 ** (power + 1) - 1) * 64 || g2Section.size !== 2 ** power * 128)
      fail("the tau sections do not have the sizes its power says");
    const powersG1 = new Uint8Array(read(g1Section.at, (1 << logSize) * 64));
    const tauG2 = engine(curve).G2.fromRprLEM(read(g2Section.at + 128, 128), 0);
    return { powersG1, tauG2 };
  } finally {
    closeSync(fd);
  }
}

/** The first 2^logSize powers of a snarkjs .ptau file, all checked (see readPtauParts). */
export async function readPtauSrs(
  curve: Bn128,
  path: string,
  logSize: number,
  options: { readonly cacheDir?: string } = {},
): Promise<Srs> {
  const { powersG1, tauG2 } = readPtauParts(curve, path, logSize);
  const key = checkedKey("ptau", powersG1, tauG2);
  await checkPowersOnce(curve, powersG1, tauG2, path, key, options.cacheDir);
  return { ...ptauKey(curve, path, logSize, powersG1, tauG2), powersG1 };
}

/**
 * A verifier's key from a snarkjs .ptau file, without keeping the powers: the same digest as
 * readPtauSrs, tau*G2 checked in the subgroup and the first power the generator; the
 * consistency of the powers is the prover's concern (see devVerifierKey).
 */
export function readPtauVerifierKey(curve: Bn128, path: string, logSize: number): VerifierKey {
  const { powersG1, tauG2 } = readPtauParts(curve, path, logSize);
  checkVerifierPoints(curve, powersG1.subarray(0, 64), tauG2, path);
  return ptauKey(curve, path, logSize, powersG1, tauG2);
}

/** The verifier's key of a ptau file's powers, once they are checked. */
function ptauKey(
  curve: Bn128,
  path: string,
  logSize: number,
  powersG1: Uint8Array,
  tauG2: Point,
): VerifierKey {
  const { G2 } = engine(curve);
  return {
    curve,
    logSize,
    g1: curve.G1.toAffine(curve.G1.g),
    g2: G2.toAffine(G2.g),
    tauG2,
    digest: srsDigest(curve, toUncompressed(curve, powersG1), tauG2),
    insecure: false,
    source: path,
  };
}
