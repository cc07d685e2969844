/**
 * circom2 in a worker thread: a small circuit compiles with its includes from a parent folder
 * and its output in a sibling one, the event loop keeps running meanwhile, and a broken
 * circuit gives circom's coded error with its file, line and column, not an exception. With
 * BMC_CIRCOM_CACHE set (the suite sets it for every other file), circom2's outputs are reused
 * for the same sources, wherever they are, and only for them.
 */
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileCircom } from "../src/circuits/circom.js";

// circom2 itself, not the cache's copy of its outputs, except where the cache is tested.
delete process.env.BMC_CIRCOM_CACHE;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "bmc-circom-"));
  mkdirSync(join(dir, "main"));
  mkdirSync(join(dir, "out"));
  writeFileSync(
    join(dir, "lib.circom"),
    "pragma circom 2.1.0;\ntemplate Mul() { signal input a; signal input b; signal output c; c <== a * b; }\n",
  );
  writeFileSync(
    join(dir, "main", "ok.circom"),
    'pragma circom 2.1.0;\ninclude "../lib.circom";\ncomponent main = Mul();\n',
  );
  writeFileSync(
    join(dir, "main", "broken.circom"),
    "pragma circom 2.1.0;\ntemplate T() {\n  signal input a;\n  b <== a;\n}\ncomponent main = T();\n",
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("circom2 in a worker thread", () => {
  it("compiles with includes and output outside the main file's folder, off the main thread", async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const result = await compileCircom({
      mainFile: join(dir, "main", "ok.circom"),
      outDir: join(dir, "out"),
    });
    clearInterval(timer);
    expect(result.errors).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.constraints?.nonLinear).toBe(1);
    expect(existsSync(join(dir, "out", "ok.r1cs"))).toBe(true);
    expect(existsSync(join(dir, "out", "ok_js", "ok.wasm"))).toBe(true);
    expect(ticks).toBeGreaterThan(0);
  });

  it("reports circom's errors with code, file, line and column", async () => {
    const result = await compileCircom({
      mainFile: join(dir, "main", "broken.circom"),
      outDir: join(dir, "out"),
    });
    expect(result.ok).toBe(false);
    expect(result.errors[0]).toMatchObject({ line: 4, column: 3 });
    expect(result.errors[0].code).toMatch(/^[A-Z]\d+$/);
    expect(result.errors[0].file).toBe(join(dir, "main", "broken.circom"));
  });
});

describe("circom2's outputs cached in BMC_CIRCOM_CACHE", () => {
  const cache = () => join(dir, "cache");
  const compileIn = async (root: string) => {
    process.env.BMC_CIRCOM_CACHE = cache();
    try {
      return await compileCircom({
        mainFile: join(root, "main", "ok.circom"),
        outDir: join(root, "out"),
      });
    } finally {
      delete process.env.BMC_CIRCOM_CACHE;
    }
  };
  const copyOfSources = (name: string) => {
    const root = join(dir, name);
    mkdirSync(join(root, "out"), { recursive: true });
    cpSync(join(dir, "main"), join(root, "main"), { recursive: true });
    cpSync(join(dir, "lib.circom"), join(root, "lib.circom"));
    return root;
  };

  it("reuses the outputs for the same sources in another folder, naming that folder", async () => {
    const first = await compileIn(copyOfSources("first"));
    expect(first.ok).toBe(true);
    const entries = readdirSync(cache());
    expect(entries).toHaveLength(1);
    // Marked, so that a copy of the entry can be told from a fresh run's output.
    appendFileSync(join(cache(), entries[0], "ok.sym"), "cached\n");
    const second = await compileIn(copyOfSources("second"));
    expect(second).toMatchObject({ ok: true, errors: [], constraints: first.constraints });
    expect(readFileSync(join(dir, "second", "out", "ok.sym"), "utf8")).toMatch(/cached\n$/);
    expect(existsSync(join(dir, "second", "out", "ok_js", "ok.wasm"))).toBe(true);
    expect(second.output).toContain(join("second", "out", "ok.r1cs"));
    expect(second.output).not.toContain("first");
  });

  it("reuses them when only a line comment changed (a rule file's path, say)", async () => {
    const root = copyOfSources("commented");
    const lib = readFileSync(join(root, "lib.circom"), "utf8");
    writeFileSync(
      join(root, "lib.circom"),
      lib.replace(/\n$/, " // from /tmp/elsewhere/rules.bm:3\n"),
    );
    expect((await compileIn(root)).ok).toBe(true);
    expect(readFileSync(join(root, "out", "ok.sym"), "utf8")).toMatch(/cached\n$/);
  });

  it("compiles again when a file the main file includes changed", async () => {
    const root = copyOfSources("changed");
    writeFileSync(
      join(root, "lib.circom"),
      "pragma circom 2.1.0;\ntemplate Mul() { signal input a; signal input b; signal output c; signal d; d <== a * b; c <== d * b; }\n",
    );
    const result = await compileIn(root);
    expect(result.ok).toBe(true);
    expect(result.constraints?.nonLinear).toBe(2);
    expect(readFileSync(join(root, "out", "ok.sym"), "utf8")).not.toMatch(/cached/);
  });

  it("keeps no failed run", async () => {
    const before = readdirSync(cache()).length;
    process.env.BMC_CIRCOM_CACHE = cache();
    try {
      const result = await compileCircom({
        mainFile: join(dir, "main", "broken.circom"),
        outDir: join(dir, "out"),
      });
      expect(result.ok).toBe(false);
      expect(result.errors[0]).toMatchObject({ line: 4, column: 3 });
    } finally {
      delete process.env.BMC_CIRCOM_CACHE;
    }
    expect(readdirSync(cache())).toHaveLength(before);
  });
});
