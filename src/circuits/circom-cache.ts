/**
 * A cache of circom2's outputs, used when BMC_CIRCOM_CACHE names a folder (the test suite sets
 * it): circom2 in WebAssembly takes seconds to minutes per circuit, and the tests compile the
 * same circuits in many files and on every run. An entry is keyed by everything circom reads
 * and everything that changes what it writes: the main file and every file its includes reach
 * (by their paths from the main file's folder, without their line comments), the main file's name, the flags, and circom2's
 * own version and WebAssembly. It holds the .r1cs, .sym
 * and <main>_js/ of a run that went okay, and its output with the folders' paths taken out;
 * the caller parses that output as it would a fresh run's. Failed runs are not kept.
 */
import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join, relative, resolve } from "node:path";
import { withFolderLock } from "../folder-lock.js";
import type { CircomRun } from "./circom.js";

interface CachedRunOptions {
  readonly mainFile: string;
  readonly outDir: string;
  /** Where circom starts: paths in its output are relative to it. */
  readonly root: string;
  /** The flags other than the input and output paths. */
  readonly flags: readonly string[];
}

const MAIN_DIR = "\u0000main-dir\u0000";
const OUT_DIR = "\u0000out-dir\u0000";

let circomDigest: string | undefined;

/** circom2's version and its WebAssembly: a new circom2 may write other files. */
function circomVersion(): string {
  if (circomDigest) return circomDigest;
  const require = createRequire(import.meta.url);
  const h = createHash("sha256");
  h.update(readFileSync(require.resolve("circom2/package.json")));
  h.update(readFileSync(require.resolve("circom2/circom.wasm")));
  return (circomDigest = h.digest("hex"));
}

/**
 * The files circom reads: the main file and, transitively, what its `include` lines name
 * (relative to the including file, as circom resolves them). undefined if one cannot be read:
 * such a run is not cached.
 */
function sourcesOf(mainFile: string): string[] | undefined {
  const seen = new Set<string>();
  const visit = (file: string): boolean => {
    if (seen.has(file)) return true;
    seen.add(file);
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      return false;
    }
    for (const m of text.matchAll(/\binclude\s+"([^"]+)"/g))
      if (!visit(resolve(dirname(file), m[1]))) return false;
    return true;
  };
  return visit(resolve(mainFile)) ? [...seen].sort() : undefined;
}

/**
 * A source without its line comments, line for line (line numbers are in the witness
 * generator's messages): bmc's generated circuits name the rule file's path in comments, and
 * tests compile the same rules from temporary folders. A line with a quote before its `//` is
 * kept whole.
 */
function withoutLineComments(text: string): string {
  return text
    .split("\n")
    .map((line) => {
      const at = line.indexOf("//");
      return at >= 0 && !line.slice(0, at).includes('"') ? line.slice(0, at).trimEnd() : line;
    })
    .join("\n");
}

function entryKey(options: CachedRunOptions): string | undefined {
  const sources = sourcesOf(options.mainFile);
  if (!sources) return undefined;
  const h = createHash("sha256").update(circomVersion());
  const mainDir = dirname(resolve(options.mainFile));
  h.update(`${basename(options.mainFile)}\0${options.flags.join(" ")}\0`);
  for (const file of sources)
    h.update(`${relative(mainDir, file)}\0${withoutLineComments(readFileSync(file, "utf8"))}\0`);
  return h.digest("hex").slice(0, 40);
}

/** The run's output with the folders named as circom names them (from the root) swapped. */
function swapPaths(output: string, options: CachedRunOptions, toTokens: boolean): string {
  const named = (path: string) => relative(options.root, resolve(path)) || ".";
  // The longer path first: the output folder may hold the main file's folder, or the reverse.
  const pairs = [
    [named(dirname(options.mainFile)), MAIN_DIR],
    [named(options.outDir), OUT_DIR],
  ].sort((a, b) => b[0].length - a[0].length);
  let text = output;
  for (const [path, token] of pairs)
    text = toTokens ? text.split(path).join(token) : text.split(token).join(path);
  return text;
}

/** What circom writes for a main file: the R1CS, the symbols and the witness generator. */
function outputsOf(mainFile: string): string[] {
  const stem = basename(mainFile).replace(/\.circom$/, "");
  return [`${stem}.r1cs`, `${stem}.sym`, `${stem}_js`];
}

export async function cachedCircomRun(
  cacheDir: string,
  options: CachedRunOptions,
  run: () => Promise<CircomRun>,
): Promise<CircomRun> {
  const key = entryKey(options);
  if (!key) return run();
  const entry = join(cacheDir, key);
  const outputs = outputsOf(options.mainFile);
  const fromCache = (): CircomRun | undefined => {
    const runFile = join(entry, "run.json");
    if (!existsSync(runFile)) return undefined;
    const cached = JSON.parse(readFileSync(runFile, "utf8")) as CircomRun;
    for (const name of outputs) {
      rmSync(join(options.outDir, name), { recursive: true, force: true });
      cpSync(join(entry, name), join(options.outDir, name), { recursive: true });
    }
    return { ...cached, output: swapPaths(cached.output, options, false) };
  };
  const cached = fromCache();
  if (cached) return cached;
  // Test files run in parallel and often compile the same circuit: one compiles, the others
  // wait for its entry.
  mkdirSync(cacheDir, { recursive: true });
  return withFolderLock(
    `${entry}.lock`,
    async () => fromCache() ?? (await runAndKeep(entry, outputs, options, run)),
    500,
  );
}

async function runAndKeep(
  entry: string,
  outputs: string[],
  options: CachedRunOptions,
  run: () => Promise<CircomRun>,
): Promise<CircomRun> {
  const fresh = await run();
  if (fresh.code !== 0 || fresh.crash || !/Everything went okay/.test(fresh.output)) return fresh;
  // Written under a temporary name and renamed, so that an entry is whole or absent.
  const staging = `${entry}.${process.pid}.tmp`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  for (const name of outputs)
    cpSync(join(options.outDir, name), join(staging, name), { recursive: true });
  const stored = { code: fresh.code, output: swapPaths(fresh.output, options, true) };
  writeFileSync(join(staging, "run.json"), JSON.stringify(stored));
  rmSync(entry, { recursive: true, force: true });
  renameSync(staging, entry);
  return fresh;
}
