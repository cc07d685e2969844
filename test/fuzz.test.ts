/**
 * Random and mutated inputs for both readers (rule files and transcripts): they never throw,
 * every failure comes with at least one coded diagnostic, and every span is inside the text.
 * Seeds are fixed so that a failure reproduces; raise FUZZ_RUNS to search harder locally.
 */
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  checkRuleFile,
  diagnosticToJson,
  hasErrors,
  parseTranscript,
  renderDiagnostics,
  SourceFile,
  validateTranscript,
  type Diagnostic,
  type RuleSet,
} from "../src/index.js";

const runs = Number(process.env.FUZZ_RUNS ?? 300);
const noFiles = { readFile: () => undefined };

const ruleSeeds = [
  readFileSync("examples/propositional/propositional.bm", "utf8"),
  readFileSync("examples/hilbert/hilbert.bm", "utf8"),
  readFileSync("test/diagnostics/transcripts/rules.bm", "utf8"),
];
const transcriptSeeds = [
  readFileSync("examples/propositional/a-implies-a.bmt", "utf8"),
  readFileSync("examples/propositional/instance.bmt", "utf8"),
  readFileSync("examples/propositional/invalid/wraparound.bmt", "utf8"),
];
const rules: RuleSet = checkRuleFile("examples/propositional/propositional.bm").ruleSet!;

function expectWellFormed(text: string, path: string, diagnostics: readonly Diagnostic[]) {
  for (const d of diagnostics) {
    expect(d.code).toMatch(/^BM\d{4}$/);
    expect(d.message.length).toBeGreaterThan(0);
    if (d.span && d.span.file.path === path) {
      expect(d.span.start).toBeGreaterThanOrEqual(0);
      expect(d.span.start).toBeLessThanOrEqual(d.span.end);
      expect(d.span.end).toBeLessThanOrEqual(text.length + 1);
    }
  }
  const rendered = renderDiagnostics(diagnostics);
  for (const d of diagnostics) expect(rendered).toContain(d.code);
  diagnostics.forEach(diagnosticToJson);
}

/** Mutations: delete, insert, replace or duplicate a slice of a seed. */
function mutated(seeds: string[], alphabet: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const edit = fc.record({
    kind: fc.constantFrom("delete", "insert", "replace", "duplicate"),
    at: fc.nat(),
    length: fc.integer({ min: 0, max: 12 }),
    text: alphabet,
  });
  return fc
    .tuple(fc.constantFrom(...seeds), fc.array(edit, { minLength: 1, maxLength: 4 }))
    .map(([seed, edits]) => {
      let s = seed;
      for (const e of edits) {
        const at = e.at % (s.length + 1);
        const end = Math.min(s.length, at + e.length);
        if (e.kind === "delete") s = s.slice(0, at) + s.slice(end);
        else if (e.kind === "insert") s = s.slice(0, at) + e.text + s.slice(at);
        else if (e.kind === "replace") s = s.slice(0, at) + e.text + s.slice(end);
        else s = s.slice(0, end) + s.slice(at, end) + s.slice(end);
      }
      return s;
    });
}

const ruleTokens = fc.constantFrom(
  "rule ",
  "relation ",
  "unique ",
  "setup ",
  "import ",
  "sort ",
  "x",
  "T",
  "proved",
  "is_impl",
  "wf_term",
  "_",
  "(",
  ")",
  ",",
  ";",
  ":",
  "-:",
  ".",
  "==",
  "=",
  "<",
  "<=",
  "!=",
  ">",
  "+",
  "-",
  "*",
  "|",
  "0",
  "7",
  "0x1F",
  "0x",
  "21888242871839275222246405745257275088548364400416034343698204186575808495617",
  "// c\n",
  "/* c */",
  "/*",
  '"./x"',
  '"graph"',
  "\n",
  " ",
  "\t",
  "é",
  "\u0000",
);
const transcriptLines = fc.constantFrom(
  "public:",
  "private:",
  "  demand(1)",
  "  def_term_mvar(0, 0)",
  "  def_term_impl(1, 0, 0; 1, 0, 0)",
  "  modus_ponens(4; 3, 5, 1, 0, 0)",
  "  modus_ponens(4, 3; 5, 1, 0, 0)",
  "  axiom1(2; 0, 0)",
  "  nope(1)",
  "  demand(",
  "  demand(1) demand(2)",
  "  demand(0x)",
  "  demand(12a)",
  "  demand(21888242871839275222246405745257275088548364400416034343698204186575808495617)",
  "  assert(1, 2)",
  "// comment",
  "",
  "  demand(1) // trailing",
  "\t\tdemand( 1 )",
  ";",
  "(((",
);

function checkRules(text: string) {
  const result = checkRuleFile("fuzz.bm", { entryText: text, host: noFiles });
  if (!result.ruleSet) expect(hasErrors(result.diagnostics)).toBe(true);
  expectWellFormed(text, "fuzz.bm", result.diagnostics);
}

function checkTranscript(text: string) {
  const parsed = parseTranscript(new SourceFile("fuzz.bmt", text), rules);
  expect(parsed.transcript === undefined).toBe(parsed.errorCount > 0);
  if (!parsed.transcript) expect(hasErrors(parsed.diagnostics)).toBe(true);
  expectWellFormed(text, "fuzz.bmt", parsed.diagnostics);
  if (parsed.transcript) {
    const v = validateTranscript(parsed.transcript);
    expect(v.valid).toBe(v.errorCount === 0);
    expect(v.errors.length).toBeLessThanOrEqual(v.errorCount);
    expectWellFormed(text, "fuzz.bmt", v.diagnostics);
  }
}

describe("rule file reader under random input", () => {
  it("arbitrary strings", () => {
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 200 }), checkRules), {
      seed: 1,
      numRuns: runs,
    });
  });
  it("token soup", () => {
    fc.assert(
      fc.property(
        fc.array(ruleTokens, { maxLength: 60 }).map((t) => t.join("")),
        checkRules,
      ),
      { seed: 2, numRuns: runs },
    );
  });
  it("mutated examples", () => {
    fc.assert(
      fc.property(
        mutated(
          ruleSeeds,
          fc.array(ruleTokens, { maxLength: 3 }).map((t) => t.join("")),
        ),
        checkRules,
      ),
      {
        seed: 3,
        numRuns: runs,
      },
    );
  });
});

describe("transcript reader and validator under random input", () => {
  it("arbitrary strings", () => {
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 200 }), checkTranscript), {
      seed: 4,
      numRuns: runs,
    });
  });
  it("line soup", () => {
    fc.assert(
      fc.property(
        fc.array(transcriptLines, { maxLength: 30 }).map((l) => l.join("\n")),
        checkTranscript,
      ),
      { seed: 5, numRuns: runs },
    );
  });
  it("mutated examples", () => {
    fc.assert(
      fc.property(
        mutated(
          transcriptSeeds,
          fc.array(transcriptLines, { maxLength: 2 }).map((l) => l.join("\n")),
        ),
        checkTranscript,
      ),
      { seed: 6, numRuns: runs },
    );
  });
  it("extra blank space anywhere between tokens keeps a valid transcript valid", () => {
    const seed = transcriptSeeds[0];
    const spaced = seed.replace(/([(,;)])/g, "  $1\t").replace(/\n/g, "\n\n  ");
    const parsed = parseTranscript(new SourceFile("spaced.bmt", spaced), rules);
    expect(parsed.diagnostics).toEqual([]);
    expect(validateTranscript(parsed.transcript!).valid).toBe(true);
  });
});
