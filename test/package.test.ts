/**
 * bmc as a dependency, as a new user gets it: `npm pack` (in a copy of the sources, so that its
 * build does not rewrite the dist/ other tests run), the tarball installed into fresh projects
 * made by `npm init -y` (npm 11 writes "type": "commonjs"; the other project says "module"),
 * then `npx bmc new`, compile, prove with both backends and verify, and the generated bindings
 * type-checked under `tsc --init`'s defaults and under `--strict`.
 *
 * The module project installs with `--prefer-offline` and a lock file made from bmc's own
 * package-lock.json: the packages `npm ci` put in npm's cache, so that no network is needed
 * after bmc's own install (CI's clean clone included).
 * The development powers of tau come from the shared cache ($BMC_CACHE).
 */
import { spawnSync, type SpawnSyncOptions } from "node:child_process";
import { createHash } from "node:crypto";
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testPtau } from "./groth16-keys.js";

process.env.BMC_CACHE ??= resolve(".cache");

const ROOT = resolve(".");
const TSC = join(ROOT, "node_modules", "typescript", "bin", "tsc");

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], cwd: string, options: SpawnSyncOptions = {}): Run {
  const r = spawnSync(command, args, { cwd, encoding: "utf8", timeout: 900_000, ...options });
  return { status: r.status, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** Runs a command that must succeed; its output is in the failure message. */
function ok(command: string, args: string[], cwd: string): Run {
  const r = run(command, args, cwd);
  expect(r.status, `${command} ${args.join(" ")}\n${r.stdout}\n${r.stderr}`).toBe(0);
  return r;
}

/** Packs bmc from a copy of what the package is built from; returns the tarball's path. */
function pack(dir: string): string {
  const stage = join(dir, "stage");
  mkdirSync(stage);
  const parts = ["package.json", "tsconfig.json", "tsconfig.build.json", "README.md", "LICENSE"];
  for (const part of [...parts, "bin", "src", "grammar", "stdlib", "examples", "docs"]) {
    cpSync(join(ROOT, part), join(stage, part), { recursive: true });
  }
  symlinkSync(join(ROOT, "node_modules"), join(stage, "node_modules"), "dir");
  // prepack builds dist/src and dist/grammar (tsconfig.build.json).
  const packed = ok("npm", ["pack", "--json", "--pack-destination", dir], stage);
  const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
  packedFiles = info.files.map((f) => f.path);
  return join(dir, info.filename);
}
let packedFiles: string[] = [];

/**
 * A lock file for a project that depends on the tarball (and on @types/node, for the type
 * checks): every package bmc needs, as bmc's own lock file pins it.
 */
function projectLock(name: string, tarball: string, dependencies: Record<string, unknown>) {
  const ours = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8"));
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
  const integrity = "sha512-" + createHash("sha512").update(readFileSync(tarball)).digest("base64");
  const packages: Record<string, unknown> = {
    "": { name, version: "1.0.0", license: "ISC", ...dependencies },
    "node_modules/bmc": {
      version: pkg.version,
      resolved: `file:${tarball.split("/").pop()}`,
      integrity,
      license: pkg.license,
      dependencies: pkg.dependencies,
      bin: pkg.bin,
      engines: pkg.engines,
    },
  };
  const typesOnly = ["node_modules/@types/node", "node_modules/undici-types"];
  for (const [path, entry] of Object.entries(ours.packages as Record<string, { dev?: boolean }>)) {
    if (path === "" || (entry.dev && !typesOnly.includes(path))) continue;
    packages[path] = entry;
  }
  return { name, version: "1.0.0", lockfileVersion: 3, requires: true, packages };
}

/**
 * A project made by `npm init -y`. The module project installs the tarball as a user does
 * (`npm install ./bmc-0.1.0.tgz`, where npm would warn about install scripts), its versions
 * pinned by a lock file; the CommonJS project shares its node_modules (the install is the same).
 */
function project(dir: string, tarball: string, type: "module" | "commonjs"): string {
  const folder = join(dir, `app-${type}`);
  mkdirSync(folder);
  ok("npm", ["init", "-y"], folder);
  const manifest = JSON.parse(readFileSync(join(folder, "package.json"), "utf8"));
  const file = tarball.split("/").pop()!;
  const types = JSON.parse(readFileSync("package.json", "utf8")).devDependencies["@types/node"];
  const dependencies = {
    dependencies: { bmc: `file:${file}` },
    devDependencies: { "@types/node": types },
  };
  writeFileSync(
    join(folder, "package.json"),
    JSON.stringify({ ...manifest, type, ...dependencies }, null, 2),
  );
  if (type === "commonjs") {
    symlinkSync(join(dir, "app-module", "node_modules"), join(folder, "node_modules"), "dir");
    return folder;
  }
  cpSync(tarball, join(folder, file));
  writeFileSync(
    join(folder, "package-lock.json"),
    JSON.stringify(projectLock(manifest.name, tarball, dependencies), null, 2),
  );
  const args = ["install", "--prefer-offline", "--no-audit", "--no-fund", `./${file}`];
  const installed = ok("npm", args, folder);
  installOutput.push(installed.stdout + installed.stderr);
  return folder;
}
const installOutput: string[] = [];

let dir: string;
let tarball: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "bmc-package-"));
  tarball = pack(dir);
}, 900_000);
// Two installed projects and a build folder: more than the default hook time on a busy machine.
afterAll(() => rmSync(dir, { recursive: true, force: true }), 120_000);

describe("the packed tarball", () => {
  it("ships the library, the command, stdlib, examples and docs; no tests or benchmarks", () => {
    expect(packedFiles).toContain("dist/src/index.js");
    expect(packedFiles).toContain("dist/src/index.d.ts");
    expect(packedFiles).toContain("dist/grammar/parser.js");
    expect(packedFiles).toContain("bin/bmc.js");
    expect(packedFiles).toContain("stdlib/circom/bmc.circom");
    expect(packedFiles).toContain("docs/bindings.md");
    expect(packedFiles).toContain("grammar/bm.tmLanguage.json");
    // No sources but the two declarations of untyped dependencies the published types reference.
    expect(packedFiles.filter((f) => /^(dist\/(test|bench)|test|bench|src)\//.test(f))).toEqual([
      "src/prove/ffjavascript.d.ts",
      "src/prove/snarkjs.d.ts",
    ]);
  });

  it("installs offline into a module project, whose bmc compiles, proves with both backends and verifies", async () => {
    const app = project(dir, tarball, "module");
    expect(installOutput.join("\n")).not.toMatch(/prepare|tsconfig|warn/i);
    const bmc = (...args: string[]) => ok("npx", ["bmc", ...args], app);
    bmc("new", "demo");
    expect(readdirSync(join(app, "demo"))).toContain("rules.bm");
    const compiled = bmc("compile", "demo/rules.bm", "-o", "build", "--bindings", "src/rules.ts");
    expect(compiled.stdout).toMatch(/compiled/);
    await testPtau(join(app, "build")); // the cached development ceremony, made once
    bmc("setup", "build", "--dev");
    for (const backend of ["groth16", "fold"]) {
      bmc("prove", "build", "demo/proof.bmt", "--backend", backend, "-o", `${backend}.json`);
      expect(bmc("verify", "build", `${backend}.json`).stdout).toMatch(/^valid:/);
    }
    typeCheck(app, "src/rules.ts", "src/main.ts", "./rules.js");
  }, 1_200_000);

  it("installs into a CommonJS project (npm init -y), whose bindings compile as .mts", () => {
    const app = project(dir, tarball, "commonjs");
    const bmc = (...args: string[]) => ok("npx", ["bmc", ...args], app);
    bmc("new", "demo");
    bmc("compile", "demo/rules.bm", "-o", "build", "--bindings", "src/rules.mts");
    typeCheck(app, "src/rules.mts", "src/main.mts", "./rules.mjs");
  }, 900_000);
});

/**
 * A program using the bindings, type-checked with the tsconfig.json of `tsc --init` and again
 * with only `--strict` (and the module system and target that bigint and ES modules need).
 */
function typeCheck(app: string, bindings: string, main: string, specifier: string) {
  const text = JSON.stringify(readFileSync(join(app, "demo", "proof.bmt"), "utf8"));
  writeFileSync(
    join(app, main),
    `import { parse, prove, verify, transcript } from "${specifier}";

const read = parse(${text});
const t = read.transcript ?? transcript();
const report = t.validate();
const { proof, diagnostics } = await prove(t, { buildDir: "build" });
if (proof) {
  const { valid, statement } = await verify(proof, { buildDir: "build" });
  console.log(report.valid, valid, statement?.length, diagnostics.length);
}
`,
  );
  ok("node", [TSC, "--init"], app);
  ok("node", [TSC, "--noEmit", "-p", "."], app);
  ok(
    "node",
    [TSC, "--noEmit", "--strict", "--module", "nodenext", "--target", "es2022", bindings, main],
    app,
  );
}
