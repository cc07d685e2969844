/**
 * The README's commands are correct as written: every ```sh block runs, in order, in a copy of
 * the README's files, and every command must exit 0. `npx bmc` runs this checkout's bin/bmc.js;
 * `npm ci`, `npm install`, `npm run build` and `npm test` are not run (this test is part of
 * `npm test`, which builds first, and nothing is installed at test time). The library snippet runs too, without a rule file: it
 * must say so. The figures the README and docs/circuits.md give for the builds are read back
 * from the builds.
 *
 * The slow commands (compile, setup, prove) are cached in $BMC_CACHE/readme: a command runs
 * when bmc's code, the examples, or any command before it in the README changed (setup: when
 * the build folder it reads or setup's own code changed); otherwise its outputs (the build
 * folder, the proof) are copied from the cache. verify always runs.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { defaultCacheDir } from "../src/prove/index.js";
import { scratchFolders } from "./fixtures.js";

const scratch = scratchFolders("bmc-readme-");
const README = readFileSync("README.md", "utf8");
const BIN = resolve("bin/bmc.js");
const SKIPPED = /^npm (ci|install|test|run build)\b/;

/** The README's sh blocks, as lines without comments. */
function shellBlocks(markdown: string): string[][] {
  const blocks = [...markdown.matchAll(/^```sh\n([\s\S]*?)^```/gm)].map((m) => m[1]);
  return blocks.map((b) =>
    b
      .split("\n")
      .map((l) => l.replace(/\s+#.*$/, "").trim())
      .filter((l) => l && !l.startsWith("#")),
  );
}

const shellLines = (markdown: string) => shellBlocks(markdown).flat();

/** A digest of every file under the paths (bmc's code, the examples): what outputs depend on. */
function treeDigest(paths: string[]): string {
  const h = createHash("sha256");
  const walk = (p: string) => {
    if (statSync(p).isDirectory()) for (const n of readdirSync(p).sort()) walk(join(p, n));
    else h.update(p).update(readFileSync(p));
  };
  for (const p of paths) walk(p);
  return h.digest("hex");
}

/** A digest of a folder's files by their paths inside it (wherever the folder is). */
function folderDigest(root: string): string {
  const h = createHash("sha256");
  const walk = (rel: string) => {
    const p = join(root, rel);
    if (statSync(p).isDirectory()) for (const n of readdirSync(p).sort()) walk(join(rel, n));
    else h.update(rel).update(readFileSync(p));
  };
  walk(".");
  return h.digest("hex");
}

/**
 * The code `bmc setup` runs: its command, the Groth16 key making and the R1CS reader, and
 * snarkjs. Folding (dist/src/prove/fold) and the compiler are not in it: setup only reads the
 * R1CS compile wrote and writes the two keys.
 */
const SETUP_CODE = ["dist/src/cli", "dist/src/diagnostics", "dist/src/witness", "dist/src/prove"];

function setupCodeDigest(): string {
  const h = createHash("sha256");
  for (const root of SETUP_CODE) {
    const walk = (p: string) => {
      if (p === "dist/src/prove/fold") return;
      if (statSync(p).isDirectory()) for (const n of readdirSync(p).sort()) walk(join(p, n));
      else h.update(p).update(readFileSync(p));
    };
    walk(root);
  }
  return h.update(readFileSync("node_modules/snarkjs/package.json")).digest("hex");
}

/**
 * Where a slow command's outputs are cached. Setup (a 2^13 phase-2 ceremony for the README's
 * --fit circuit) is keyed by what it reads, the build folder compile wrote and setup's own
 * code, so that a change elsewhere in bmc does not run it again; the other commands by the
 * chain of every command before them (with the keys setup made) and all of bmc's code.
 */
function cacheKey(args: string[], cwd: string, chain: string): string {
  if (args[0] !== "setup") return chain.slice(0, 32);
  const h = createHash("sha256").update(args.join(" "));
  h.update(folderDigest(join(cwd, args[1]))).update(setupCode);
  return `setup-${h.digest("hex").slice(0, 32)}`;
}
let setupCode = "";

/** What a slow command writes, to be cached: the -o target, or the build folder of setup. */
function outputsOf(args: string[]): string | undefined {
  const o = args.indexOf("-o");
  if (args[0] === "compile" || args[0] === "prove") return o >= 0 ? args[o + 1] : undefined;
  if (args[0] === "setup") return args[1];
  return undefined;
}

interface Ran {
  line: string;
  status: number | null;
  output: string;
  cached: boolean;
}

function runReadme(dir: string): Ran[] {
  const ran: Ran[] = [];
  const cacheRoot = join(defaultCacheDir(), "readme");
  let chain = treeDigest(["dist/src", "stdlib", "examples", "package.json"]);
  setupCode = setupCodeDigest();
  let cwd = dir;
  // Each block starts in the README's folder (a `cd` holds until the end of its block).
  for (const line of shellBlocks(README).flatMap((block) => ["cd .", ...block])) {
    if (line === "cd .") cwd = dir;
    for (const part of line.split("&&").map((p) => p.trim())) {
      if (SKIPPED.test(part)) continue;
      if (part.startsWith("cd ")) {
        cwd = resolve(cwd, part.slice(3).trim());
        continue;
      }
      chain = createHash("sha256").update(chain).update(part).digest("hex");
      expect(part, "README commands run bmc through npx").toMatch(/^npx bmc /);
      const args = part.replace(/^npx bmc /, "").split(/\s+/);
      const output = outputsOf(args);
      const key = output ? cacheKey(args, cwd, chain) : chain.slice(0, 32);
      // What comes after setup depends on the keys it made: proofs are cached under them.
      if (args[0] === "setup") chain = createHash("sha256").update(chain).update(key).digest("hex");
      const cached = join(cacheRoot, key);
      if (output && existsSync(cached)) {
        rmSync(join(cwd, output), { recursive: true, force: true });
        cpSync(cached, join(cwd, output), { recursive: true });
        ran.push({ line: part, status: 0, output: "", cached: true });
        continue;
      }
      const r = spawnSync(process.execPath, [BIN, ...args], {
        cwd,
        encoding: "utf8",
        env: { ...process.env, NO_COLOR: "1" },
      });
      ran.push({ line: part, status: r.status, output: r.stdout + r.stderr, cached: false });
      if (r.status !== 0) return ran;
      if (output) {
        const staging = `${cached}.${process.pid}.tmp`;
        mkdirSync(cacheRoot, { recursive: true });
        cpSync(join(cwd, output), staging, { recursive: true });
        rmSync(cached, { recursive: true, force: true });
        renameSync(staging, cached);
      }
    }
  }
  return ran;
}

describe("README.md", () => {
  let dir: string;
  let ran: Ran[];
  beforeAll(() => {
    dir = scratch({});
    for (const p of ["README.md", "examples", "stdlib"])
      cpSync(p, join(dir, p), { recursive: true });
    ran = runReadme(dir);
  }, 1_800_000);

  it("runs every command of its sh blocks with exit 0", () => {
    const failed = ran.filter((r) => r.status !== 0);
    expect(failed.map((r) => `${r.line}\n${r.output}`)).toEqual([]);
    const commands = shellLines(README).flatMap((l) => l.split("&&").map((p) => p.trim()));
    const expected = commands.filter((c) => !SKIPPED.test(c) && !c.startsWith("cd "));
    expect(ran.map((r) => r.line)).toEqual(expected);
    // The verifications are never taken from the cache.
    for (const r of ran.filter((r) => /^npx bmc verify /.test(r.line)))
      expect(r.cached).toBe(false);
  });

  it("gives the figures of the builds it makes, as docs/circuits.md does", () => {
    const manifest = (build: string) =>
      JSON.parse(readFileSync(join(dir, build, "manifest.json"), "utf8"));
    const fit = manifest("build/a-implies-a");
    const full = manifest("build/propositional");
    const n = (x: number) => x.toLocaleString("en-US");
    const circuits = readFileSync("docs/circuits.md", "utf8").replace(/ +/g, " ");
    for (const [m, text] of [
      [fit, `13 slots, ${n(fit.constraints.nonLinear)} constraints`],
      [full, `128 slots,\n${n(full.constraints.nonLinear)} constraints`],
    ]) {
      expect(m.slots.length).toBe(Number(/(\d+) slots/.exec(text)![1]));
      expect(README.replace(/\s+/g, " ")).toContain(text.replace(/\s+/g, " "));
    }
    expect(circuits).toContain(
      `| ${fit.slots.length} | ${n(fit.constraints.nonLinear)} | ${n(fit.fold.constraints.nonLinear)} |`,
    );
    expect(circuits).toContain(
      `| ${full.slots.length} | ${n(full.constraints.nonLinear)} | ${n(full.fold.constraints.nonLinear)} |`,
    );
  });

  it("has a library snippet that reports a missing rule file", () => {
    const snippet = /^```ts\n(import \{ validateFiles \} from "bmc";[\s\S]*?)^```/m.exec(
      README,
    )![1];
    const project = scratch({ "snippet.mjs": snippet });
    mkdirSync(join(project, "node_modules"));
    symlinkSync(resolve("."), join(project, "node_modules", "bmc"));
    const r = spawnSync(process.execPath, ["snippet.mjs"], { cwd: project, encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^BM0901: cannot read rules\.bm/);
    expect(r.stdout).toContain("not valid");
    writeFileSync(join(project, "rules.bm"), "relation p(x).\nrule a(x): p(x) -: .\n");
    writeFileSync(join(project, "proof.bmt"), "private:\n  a(1)\n");
    const valid = spawnSync(process.execPath, ["snippet.mjs"], { cwd: project, encoding: "utf8" });
    expect(valid.stdout).toBe("valid\n");
  });
});
