/**
 * BN254 curve instances without generating their WebAssembly every time. ffjavascript's
 * buildBn128 writes the module's code in JavaScript on each call (wasmcurves' builder, which
 * also runs Miller-Rabin on both moduli in JS BigInt): about a quarter of a second of CPU in
 * every process that proves or verifies. The code is the same every time for one version of
 * wasmcurves, so it is generated once, kept in $BMC_CACHE/curve/, and handed to ffjavascript's
 * engine.
 *
 * Executable bytes from a cache must not be trusted: a cached module is used only when the
 * SHA-256 of its bytes and layout is PINNED below (the digest of what wasmcurves 0.2.2
 * generates). Other bytes, a missing cache or another wasmcurves all end the same way: the code
 * is generated as buildBn128 would (and cached only if it hashes to PINNED).
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { buildBn128, type Bn128 } from "ffjavascript";

/** SHA-256 of the cache file's content (layout line, then the code) for wasmcurves 0.2.2. */
export const PINNED = "43595ab0a42de6a3d3bc6ba98b8de93f048123c78a8c8f391b5c14db1b37bb4e";

/** What ffjavascript's engine reads from a generated module besides its code. */
const LAYOUT_FIELDS = [
  "pq",
  "pr",
  "pG1gen",
  "pG1zero",
  "pG1b",
  "pG2gen",
  "pG2zero",
  "pG2b",
  "pOneT",
  "prePSize",
  "preQSize",
] as const;

interface Generated {
  readonly layout: Record<string, number | string>;
  readonly code: Uint8Array;
}

const requireFromFf = () => createRequire(createRequire(import.meta.url).resolve("ffjavascript"));
const ffRoot = () => dirname(dirname(createRequire(import.meta.url).resolve("ffjavascript")));

/** The digest a freshly generated module would need to match (for pinning a new version). */
export async function generatedDigest(): Promise<string> {
  return digestOf(serialize(await generate()));
}

/** The module as buildBn128 makes it, with wasmcurves and wasmbuilder as ffjavascript has them. */
async function generate(): Promise<Generated> {
  const req = requireFromFf();
  const wasmcurves = req("wasmcurves");
  const { ModuleBuilder } = await import(pathToFileURL(req.resolve("wasmbuilder")).href);
  const builder = new ModuleBuilder();
  builder.setMemory(25);
  wasmcurves.buildBn128(builder);
  const code: Uint8Array = builder.build();
  const m = builder.modules;
  const from: Record<string, number> = {
    pq: m.f1m.pq,
    pr: m.frm.pq,
    pG1gen: m.bn128.pG1gen,
    pG1zero: m.bn128.pG1zero,
    pG1b: m.bn128.pG1b,
    pG2gen: m.bn128.pG2gen,
    pG2zero: m.bn128.pG2zero,
    pG2b: m.bn128.pG2b,
    pOneT: m.bn128.pOneT,
    prePSize: m.bn128.prePSize,
    preQSize: m.bn128.preQSize,
  };
  const layout: Record<string, number | string> = {};
  for (const f of LAYOUT_FIELDS) layout[f] = from[f];
  layout.q = String(m.bn128.q);
  layout.r = String(m.bn128.r);
  return { layout, code: new Uint8Array(code) };
}

function serialize(g: Generated): Buffer {
  return Buffer.concat([Buffer.from(`${JSON.stringify(g.layout)}\n`, "utf8"), g.code]);
}

function deserialize(bytes: Buffer): Generated | undefined {
  const end = bytes.indexOf(10);
  if (end < 0) return undefined;
  try {
    const layout = JSON.parse(bytes.toString("utf8", 0, end));
    return { layout, code: new Uint8Array(bytes.subarray(end + 1)) };
  } catch {
    return undefined;
  }
}

const digestOf = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

export function curveCachePath(cacheDir: string): string {
  return join(cacheDir, "curve", `bn128-${PINNED.slice(0, 16)}.bin`);
}

/** The pinned module from the cache, or undefined (missing, other bytes). */
function cached(cacheDir: string): Generated | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(curveCachePath(cacheDir));
  } catch {
    return undefined;
  }
  return digestOf(bytes) === PINNED ? deserialize(bytes) : undefined;
}

function store(cacheDir: string, bytes: Buffer): void {
  const file = curveCachePath(cacheDir);
  try {
    mkdirSync(dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, bytes);
    renameSync(temporary, file);
  } catch {
    // A read-only cache: generated again next time.
  }
}

/** ffjavascript's engine on a generated module (single-threaded, as buildBn128(true) makes it). */
async function engineFor(g: Generated): Promise<Bn128> {
  const { default: buildEngine } = await import(
    pathToFileURL(join(ffRoot(), "src", "engine.js")).href
  );
  const wasm = { ...g.layout, code: g.code, n8q: 32, n8r: 32, q: g.layout.q, r: g.layout.r };
  const q = BigInt(g.layout.q);
  const r = BigInt(g.layout.r);
  const curve = await buildEngine({
    name: "bn128",
    wasm,
    q,
    r,
    n8q: 32,
    n8r: 32,
    cofactorG2: BigInt("0x30644e72e131a029b85045b68181585e06ceecda572a2489345f2299c0f9fa8d"),
    singleThread: true,
  });
  curve.terminate = async () => {};
  return curve as Bn128;
}

/**
 * A single-threaded BN254 instance, from the pinned cached module when there is one (see the
 * module comment), otherwise as buildBn128(true) makes it.
 */
export async function buildCurve(cacheDir: string | undefined): Promise<Bn128> {
  if (cacheDir === undefined) return buildBn128(true);
  const hit = cached(cacheDir);
  if (hit) return engineFor(hit);
  let made: Generated;
  try {
    made = await generate();
  } catch {
    return buildBn128(true);
  }
  const bytes = serialize(made);
  if (digestOf(bytes) !== PINNED) return buildBn128(true);
  store(cacheDir, bytes);
  return engineFor(made);
}
