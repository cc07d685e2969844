/**
 * Diagnostics fixtures: every file under test/diagnostics/ carries its expected diagnostics as
 * inline annotations (see annotations.ts), and every diagnostic code must be exercised.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { checkRuleFile, codes, readTranscript, validateTranscript } from "../src/index.js";
import type { Diagnostic } from "../src/index.js";
import { actualIn, expectationsOf, sortExpectations } from "./annotations.js";

const root = join(import.meta.dirname, "diagnostics");
const rulesDir = join(root, "rules");
const transcriptsDir = join(root, "transcripts");
const covered = new Set<string>();

function fixturesIn(dir: string, ext: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(ext))
    .sort()
    .map((f) => join(dir, f));
}

/** Compare the annotations of `files` with the diagnostics that land in them. */
function expectAnnotated(files: string[], diagnostics: Diagnostic[]): void {
  for (const path of files) {
    const shown = relative(process.cwd(), path);
    const expected = sortExpectations(expectationsOf(readFileSync(path, "utf8")));
    const actual = sortExpectations(actualIn(shown, diagnostics));
    expect({ file: shown, diagnostics: actual }).toEqual({ file: shown, diagnostics: expected });
    for (const e of expected) covered.add(e.code);
  }
}

describe("rule file diagnostics", () => {
  for (const entry of fixturesIn(rulesDir, ".bm")) {
    it(relative(root, entry), () => {
      const result = checkRuleFile(relative(process.cwd(), entry));
      const loaded = new Set(result.files.map((f) => join(process.cwd(), f)));
      const libs = fixturesIn(join(rulesDir, "lib"), ".bm").filter((f) => loaded.has(f));
      expectAnnotated([entry, ...libs], result.diagnostics);
      // No diagnostic may escape the fixtures (e.g. land in a file nobody annotated).
      for (const d of result.diagnostics) expect(d.span).toBeDefined();
    });
  }
});

describe("transcript diagnostics", () => {
  const rules = checkRuleFile(relative(process.cwd(), join(transcriptsDir, "rules.bm")));
  it("fixture rules check cleanly", () => {
    expect(rules.diagnostics).toEqual([]);
  });
  for (const path of fixturesIn(transcriptsDir, ".bmt")) {
    it(relative(root, path), () => {
      const parsed = readTranscript(relative(process.cwd(), path), rules.ruleSet!);
      const diagnostics = [...parsed.diagnostics];
      if (parsed.transcript) diagnostics.push(...validateTranscript(parsed.transcript).diagnostics);
      expectAnnotated([path], diagnostics);
    });
  }
});

describe("coverage of diagnostic codes", () => {
  // Codes about data files and the file system have no span; test/build.test.ts and the CLI
  // tests cover them.
  // BM0501 (lowering) and BM0502 (circom2 errors) come after checking: test/emit.test.ts
  // covers them; test/groth16.test.ts covers BM0601-BM0603 (build folders), and
  // test/cli-errors.test.ts and test/files-fuzz.test.ts BM0604-BM0607 and BM0903.
  const withoutSpan = new Set([
    "BM0401",
    "BM0402",
    "BM0403",
    "BM0501",
    "BM0502",
    "BM0601",
    "BM0602",
    "BM0603",
    "BM0604",
    "BM0605",
    "BM0606",
    "BM0607",
    "BM0620",
    "BM0621",
    // Distributed proving (a queue, a worker): test/distributed.test.ts.
    "BM0630",
    "BM0631",
    "BM0901",
    "BM0902",
    "BM0903",
    // Outputs, projects and command lines: test/cli-outputs, cli-flags and new.test.ts.
    "BM0910",
    "BM0911",
    "BM0912",
    "BM0920",
    "BM0921",
    "BM0922",
  ]);
  // BM07xx (Metamath databases) have their annotated cases in test/metamath-reader.test.ts.
  const elsewhere = (c: string) => c.startsWith("BM07");
  it("every code with a span has an annotated fixture", () => {
    const missing = Object.keys(codes).filter(
      (c) => !withoutSpan.has(c) && !elsewhere(c) && !covered.has(c),
    );
    expect(missing).toEqual([]);
  });
});
