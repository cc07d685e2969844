/**
 * What `bmc` loads to start (issue 13). The quick commands must not load the prover (snarkjs,
 * ffjavascript), the circuit compiler (circom2), the formatter (prettier), the bindings
 * generator (ts-morph) or the language server (vscode-languageserver): an eager import of any
 * of them anywhere under the command table puts back a second of start-up. `check` must load
 * Chevrotain from the one-module bundle its package ships (grammar/chevrotain.ts), not from its
 * package entry, which imports some 650 lodash-es modules.
 *
 * A program that imports bmc as a library loads none of them either until it proves,
 * verifies or generates bindings (src/api.ts).
 *
 * Not a timing test (bench/startup.ts measures the times): each command runs once from
 * bin/bmc.js, on the built dist/ as in test/cli.test.ts, with a trace of every module it loads
 * (test/module-trace/), and the test reads which packages the trace names.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const PRELOAD = fileURLToPath(new URL("./module-trace/preload.mjs", import.meta.url));
const RULES = "examples/propositional/propositional.bm";
const TRANSCRIPT = "examples/propositional/a-implies-a.bmt";
const HEAVY = [
  "snarkjs",
  "ffjavascript",
  "circom2",
  "prettier",
  "ts-morph",
  "vscode-languageserver",
  "lodash-es",
  // The queue's client (bmc prove --queue, bmc worker).
  "bullmq",
  "ioredis",
];

const dir = mkdtempSync(join(tmpdir(), "bmc-startup-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let traces = 0;

/** Runs `bmc ARGS` with the module trace; the URLs it loaded and the packages they are in. */
function traced(args: string[], exitCode = 0): { urls: string[]; packages: Set<string> } {
  return tracedNode(["bin/bmc.js", ...args], exitCode);
}

function tracedNode(argv: string[], exitCode = 0): { urls: string[]; packages: Set<string> } {
  const trace = join(dir, `trace-${++traces}.txt`);
  const run = spawnSync(process.execPath, ["--import", PRELOAD, ...argv], {
    encoding: "utf8",
    env: { ...process.env, BMC_MODULE_TRACE: trace, NO_COLOR: "1" },
  });
  expect(run.stderr).not.toMatch(/module-trace|Error:/);
  expect(run.status).toBe(exitCode);
  const urls = readFileSync(trace, "utf8").split("\n").filter(Boolean);
  const packages = new Set<string>();
  for (const url of urls) {
    // The innermost node_modules folder names the package (scoped packages have two parts).
    const name = /.*\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1];
    if (name) packages.add(name);
  }
  return { urls, packages };
}

const heavyIn = (packages: Set<string>) =>
  [...packages].filter((p) => HEAVY.some((h) => p === h || p.startsWith(h + "-")));

describe("start-up: what each command loads", () => {
  it("`bmc --version` loads nothing but bin/bmc.js", () => {
    const { urls, packages } = traced(["--version"]);
    expect(urls.some((u) => u.endsWith("/bin/bmc.js"))).toBe(true);
    expect([...packages]).toEqual([]);
    expect(urls.filter((u) => u.includes("/dist/"))).toEqual([]);
  });

  it("`bmc help` and `bmc --version` through the command line parser load no package", () => {
    for (const args of [["help"], ["help", "prove"], ["--version", "--quiet"]]) {
      const { urls, packages } = traced(args);
      expect(urls.some((u) => u.endsWith("/dist/src/cli/main.js"))).toBe(true);
      expect([...packages], args.join(" ")).toEqual([]);
    }
  });

  it("`bmc check` loads Chevrotain's bundle and no other package", () => {
    const { urls, packages } = traced(["check", RULES]);
    expect([...packages]).toEqual(["chevrotain"]);
    const chevrotain = urls.filter((u) => u.includes("/node_modules/chevrotain/"));
    expect(chevrotain.map((u) => u.replace(/.*\/node_modules\//, ""))).toEqual([
      "chevrotain/lib/chevrotain.mjs",
    ]);
  });

  it("`bmc validate` and `bmc build` load no heavy package", () => {
    expect(heavyIn(traced(["validate", RULES, TRANSCRIPT]).packages)).toEqual([]);
    const hilbert = ["examples/hilbert/hilbert.bm", "examples/hilbert/a-implies-a.json"];
    expect(heavyIn(traced(["build", ...hilbert]).packages)).toEqual([]);
  });

  it("a program that imports bmc (the package's entry) loads no heavy package", () => {
    const entry = new URL("../dist/src/index.js", import.meta.url).href;
    const program = `const bmc = await import(${JSON.stringify(entry)});
if (typeof bmc.proveFold !== "function" || typeof bmc.generateBindings !== "function") process.exit(9);`;
    const { urls, packages } = tracedNode(["--input-type=module", "-e", program]);
    expect(urls.some((u) => u.endsWith("/dist/src/index.js"))).toBe(true);
    expect([...packages]).toEqual(["chevrotain"]);
  });

  it("the trace sees a heavy package where a command does load one (`bmc fmt` and prettier)", () => {
    const { packages } = traced(["fmt", "--check", RULES]);
    expect(heavyIn(packages)).toContain("prettier");
  });
});
