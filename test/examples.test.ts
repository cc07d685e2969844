/**
 * Every example is run: its rule file checks with no diagnostic at all, every transcript next to
 * it is valid, and every transcript under invalid/ is rejected with exactly the errors its
 * `// expect: CODE line N` comments name (one comment per expected error).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  buildFile,
  checkRuleFile,
  readMetamath,
  readTranscript,
  validateFiles,
  verifyMetamath,
} from "../src/index.js";

const examples = readdirSync("examples", { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

function files(dir: string, ext: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(ext))
    .sort()
    .map((f) => join(dir, f));
}

export function expectedErrors(text: string): string[] {
  return [...text.matchAll(/^\s*\/\/\s*expect:\s*(BM\d{4}) line (\d+)\s*$/gm)].map(
    (m) => `${m[1]} line ${m[2]}`,
  );
}

it("there are examples", () => {
  expect(examples.length).toBeGreaterThanOrEqual(2);
});

// A folder of Metamath databases (the README proves one): each reads and verifies whole.
const metamathExamples = examples.filter((name) => files(join("examples", name), ".mm").length);
for (const name of metamathExamples) {
  for (const path of files(join("examples", name), ".mm")) {
    it(`${path} reads and every proof verifies`, () => {
      const read = readMetamath(path);
      expect(read.diagnostics).toEqual([]);
      const verified = verifyMetamath(read.database!);
      expect(verified.diagnostics).toEqual([]);
      expect(verified.verified).toBeGreaterThan(0);
    });
  }
}

for (const name of examples.filter((n) => !metamathExamples.includes(n))) {
  const dir = join("examples", name);
  const rulesPath = join(dir, `${name}.bm`);
  describe(`examples/${name}`, () => {
    it(`${name}.bm checks with no diagnostics`, () => {
      const r = checkRuleFile(rulesPath);
      expect(r.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
    });
    const valid = files(dir, ".bmt");
    it("has at least one valid transcript", () => expect(valid.length).toBeGreaterThan(0));
    for (const path of valid) {
      it(`${path} is valid`, () => {
        const r = validateFiles(rulesPath, path);
        expect(r.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
        expect(r.valid).toBe(true);
      });
    }
    for (const proof of files(dir, ".json")) {
      it(`${proof} builds exactly the committed transcript`, () => {
        const r = buildFile(rulesPath, proof);
        expect(r.diagnostics).toEqual([]);
        expect(r.text).toBe(readFileSync(proof.replace(/\.json$/, ".bmt"), "utf8"));
      });
    }
    for (const path of files(join(dir, "invalid"), ".bmt")) {
      it(`${path} is rejected as its comments say`, () => {
        const expected = expectedErrors(readFileSync(path, "utf8"));
        expect(expected.length).toBeGreaterThan(0);
        const rules = checkRuleFile(rulesPath);
        const parsed = readTranscript(path, rules.ruleSet!);
        expect(parsed.diagnostics).toEqual([]);
        const r = validateFiles(rulesPath, path);
        expect(r.valid).toBe(false);
        const actual = r.validation!.errors.map((e) => `${e.code} line ${e.line}`);
        expect(actual.sort()).toEqual(expected.sort());
      });
    }
  });
}

describe("stdlib", () => {
  for (const path of files("stdlib", ".bm")) {
    it(`${path} checks with no diagnostics`, () => {
      expect(checkRuleFile(path).diagnostics).toEqual([]);
    });
  }
});
