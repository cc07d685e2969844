/**
 * What several test files share: the small rule set of test/diagnostics/transcripts/rules.bm
 * (modus ponens over defined terms) with a valid transcript for it, the `bmc` command run in
 * this process, temporary folders removed after the file's tests, and build folders cached
 * across runs.
 */
import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { afterAll } from "vitest";
import { checkRuleFile } from "../src/check/index.js";
import { compileCommand } from "../src/cli/compile.js";
import { main } from "../src/cli/main.js";
import { lowerRuleSet } from "../src/lower/index.js";
import { defaultCacheDir } from "../src/prove/index.js";

export const SMALL_RULES_FILE = "test/diagnostics/transcripts/rules.bm";
/** The rules of SMALL_RULES_FILE, without its comment line. */
export const SMALL_RULES = readFileSync(SMALL_RULES_FILE, "utf8").replace(/^\/\/.*\n/, "");

/** A valid transcript for SMALL_RULES: A, B, A -> B asserted, B demanded. */
export const SMALL_TRANSCRIPT = `public:
  assert(1, 0)
  assert(3, 0)
  demand(2)
private:
  def_atom(1)
  def_atom(2)
  def_impl(3, 1, 2; 1, 0, 0)
  modus_ponens(3; 1, 2, 1, 0, 0)
`;

/** Runs `bmc ARGV...` in this process and collects what it prints. */
export async function runBmc(...argv: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, {
    out: (t) => (stdout += t),
    err: (t) => (stderr += t),
    color: false,
  });
  return { code, stdout, stderr };
}

/**
 * A --slots (or --public-slots) value for the rules of a file: every rule in order, with 0
 * where `counts` has none.
 */
export function slotSpec(rulesFile: string, counts: Readonly<Record<string, number>>): string {
  const ruleSet = checkRuleFile(rulesFile).ruleSet!;
  const names = lowerRuleSet(ruleSet).program!.rules.map((r) => r.name);
  return names.map((n) => `${n}=${counts[n] ?? 0}`).join(",");
}

/** Runs bmc with `dir` as the current folder (where bmc looks for bmc.json). */
export async function runBmcIn(dir: string, ...argv: string[]) {
  const previous = process.cwd();
  process.chdir(dir);
  try {
    return await runBmc(...argv);
  } finally {
    process.chdir(previous);
  }
}

/** A maker of temporary folders holding the given files, all removed after the file's tests. */
export function scratchFolders(prefix: string): (files: Record<string, string>) => string {
  const folders: string[] = [];
  afterAll(() => {
    for (const dir of folders) rmSync(dir, { recursive: true, force: true });
  });
  return (files) => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    folders.push(dir);
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return dir;
  };
}

/**
 * The source files `entries` import, transitively, through relative imports (`from "./x.js"`
 * is ./x.ts): the code a result made by those entries can depend on.
 */
export function sourceClosure(...entries: string[]): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/(?:from|import\()\s*"(\.{1,2}\/[^"]+)"/g)) {
      const target = join(dirname(file), m[1]).replace(/\.js$/, ".ts");
      if (existsSync(target)) visit(target);
    }
  };
  for (const entry of entries) visit(entry);
  return [...seen].sort();
}

/**
 * A digest of what a build folder `bmc compile` made depends on: every source file compile's
 * code reaches (the stages up to the circuits, the manifest and bindings writers), stdlib,
 * the locked dependencies (circomlib, circom2), and `inputs` (rules, transcripts, options).
 */
export function compilerSourceDigest(...inputs: string[]): string {
  const h = createHash("sha256");
  const walk = (path: string) => {
    for (const entry of readdirSync(path).sort()) {
      const p = join(path, entry);
      if (statSync(p).isDirectory()) walk(p);
      else h.update(`${p}\0`).update(readFileSync(p));
    }
  };
  for (const file of sourceClosure("src/cli/compile.ts"))
    h.update(`${file}\0`).update(readFileSync(file));
  walk("stdlib");
  h.update(readFileSync("package-lock.json"));
  for (const input of inputs) h.update(input);
  return h.digest("hex").slice(0, 32);
}

/** `make(staging)` once per `name` in $BMC_CACHE/test-fixtures; the cached folder's path. */
export async function cachedFolder(
  name: string,
  make: (into: string) => Promise<void>,
): Promise<string> {
  const cached = join(defaultCacheDir(), "test-fixtures", name);
  if (!existsSync(cached)) {
    const staging = `${cached}.${process.pid}.tmp`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    await make(staging);
    rmSync(cached, { recursive: true, force: true });
    renameSync(staging, cached);
  }
  return cached;
}

/**
 * A cached build folder copied to `into`; its manifest, which names the rule file relative to
 * the build folder, names `rulesPath` from the new place.
 */
export function copyCachedBuild(cached: string, into: string, rulesPath: string): void {
  cpSync(cached, into, { recursive: true });
  const manifestPath = join(into, "manifest.json");
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
  manifest.rulesFile = relative(into, resolve(rulesPath));
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
}

/**
 * SMALL_RULES and SMALL_TRANSCRIPT written into `dir`, with SMALL_RULES compiled to fit that
 * transcript (once, in the cache) and copied to `dir`/build: the three paths.
 */
export async function smallBuild(dir: string) {
  const rules = join(dir, "rules.bm");
  const transcript = join(dir, "t.bmt");
  writeFileSync(rules, SMALL_RULES);
  writeFileSync(transcript, SMALL_TRANSCRIPT);
  const compiled = await cachedFolder(
    `files-fuzz-build-${compilerSourceDigest(SMALL_RULES, SMALL_TRANSCRIPT)}`,
    async (into) => {
      const r = await compileCommand({ rulesPath: rules, outDir: into, fit: transcript });
      if (!r.ok || r.diagnostics.length > 0)
        throw new Error(`the small rules do not compile: ${JSON.stringify(r.diagnostics)}`);
    },
  );
  const build = join(dir, "build");
  copyCachedBuild(compiled, build, rules);
  return { rules, transcript, build };
}
