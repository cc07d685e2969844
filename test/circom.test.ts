/**
 * circom2 in a worker thread: a small circuit compiles with its includes from a parent folder
 * and its output in a sibling one, the event loop keeps running meanwhile, and a broken
 * circuit gives circom's coded error with its file, line and column, not an exception.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileCircom } from "../src/circuits/circom.js";

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
