/**
 * Property (fuzz) tests for both readers: rule files (.bm, Chevrotain lexer + parser + checker)
 * and transcripts (.bmt, hand-written scanner, then the native validator).
 *
 * Inputs are arbitrary strings (unicode, lone surrogates, control characters), soups of the
 * language's own tokens or lines, and mutations of valid seeds. The properties: nothing throws;
 * a missing result is always explained by an error diagnostic (and a present one never comes
 * with errors); every diagnostic has a code, a message and a span inside its file; rendering
 * and JSON conversion work on every diagnostic; whitespace between tokens changes nothing.
 *
 * Seeds are fixed so that CI is reproducible. Search harder locally with e.g.
 *   FUZZ_RUNS=20000 FUZZ_SEED=7 npx vitest run test/fuzz.test.ts
 */
import fc from "fast-check";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  checkRuleFile,
  diagnosticToJson,
  hasErrors,
  parseTranscript,
  printRuleSet,
  renderDiagnostics,
  SourceFile,
  validateTranscript,
  type Diagnostic,
  type RuleSet,
  type Span,
} from "../src/index.js";
import { SMALL_RULES, SMALL_TRANSCRIPT } from "./fixtures.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? 800);
const SEED = Number(process.env.FUZZ_SEED ?? 42);
/** Per-property settings: a fixed seed (offset so properties differ) and the run count. */
const params = (offset: number, numRuns = RUNS) => ({
  seed: SEED + offset,
  numRuns,
});

const P = "21888242871839275222246405745257275088548364400416034343698204186575808495617";
const P_MINUS_1 = "21888242871839275222246405745257275088548364400416034343698204186575808495616";
const P_HEX = "0x" + BigInt(P).toString(16);
const HUGE = "9".repeat(120);
const noFiles = { readFile: () => undefined };

// ---- Seeds ----------------------------------------------------------------------------------

const SEED_RULES = SMALL_RULES;

const SEED_TRANSCRIPT = SMALL_TRANSCRIPT;

function readExample(relative: string): string | undefined {
  const path = fileURLToPath(new URL(relative, import.meta.url));
  return existsSync(path) ? readFileSync(path, "utf8") : undefined;
}

function checkedRules(path: string, text: string): RuleSet {
  const result = checkRuleFile(path, { entryText: text, host: noFiles });
  if (!result.ruleSet) {
    throw new Error(`seed ${path} does not check:\n${renderDiagnostics(result.diagnostics)}`);
  }
  return result.ruleSet;
}

const seedRuleSet = checkedRules("seed.bm", SEED_RULES);

/** Rule sets by name, so that counterexamples print a name rather than a whole rule set. */
const ruleSets: Record<string, RuleSet> = { seed: seedRuleSet };

interface TranscriptSeed {
  readonly text: string;
  /** Key in ruleSets. */
  readonly rules: string;
}

const ruleSeeds: string[] = [SEED_RULES];
const transcriptSeeds: TranscriptSeed[] = [{ text: SEED_TRANSCRIPT, rules: "seed" }];
{
  const rules = readExample("../examples/propositional/propositional.bm");
  const transcript = readExample("../examples/propositional/a-implies-a.bmt");
  if (rules !== undefined) {
    ruleSeeds.push(rules);
    if (transcript !== undefined) {
      ruleSets.propositional = checkedRules("propositional.bm", rules);
      transcriptSeeds.push({ text: transcript, rules: "propositional" });
    }
  }
}

// ---- Shared checks --------------------------------------------------------------------------

/** Why a span is out of bounds of its own file, or undefined when it is fine. */
function spanProblem(s: Span): string | undefined {
  const n = s.file.text.length;
  if (!Number.isInteger(s.start) || !Number.isInteger(s.end)) {
    return `non-integer span ${s.start}..${s.end}`;
  }
  if (s.start < 0 || s.start > s.end || s.end > n) {
    return `span ${s.start}..${s.end} outside 0..${n} of ${s.file.path}`;
  }
  return undefined;
}

/** Code, message and presentation: the parts of a diagnostic that do not depend on its span. */
function expectPresentable(diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) {
    expect(d.code).toMatch(/^BM\d{4}$/);
    expect(typeof d.message).toBe("string");
    expect(d.message.length).toBeGreaterThan(0);
    expect(["error", "warning"]).toContain(d.severity);
  }
  const rendered = renderDiagnostics(diagnostics);
  const colored = renderDiagnostics(diagnostics, { color: true });
  for (const d of diagnostics) {
    expect(rendered).toContain(d.code);
    expect(colored).toContain(d.code);
    const json = diagnosticToJson(d);
    expect(json.code).toBe(d.code);
    // The JSON form is what `--json` prints: it must survive serialisation.
    JSON.parse(JSON.stringify(json));
  }
}

/**
 * Every span (primary and related) lies inside its file; primary spans lie in `file`
 * (the text under test), related spans may point elsewhere (e.g. a rule's header).
 */
function expectSpansInBounds(file: SourceFile, diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) {
    if (d.span) {
      expect(d.span.file).toBe(file);
      expect(spanProblem(d.span), `${d.code} ${d.message}`).toBeUndefined();
    }
    for (const r of d.related ?? []) {
      expect(spanProblem(r.span), `${d.code} related: ${r.message}`).toBeUndefined();
    }
  }
}

// ---- Rule files -----------------------------------------------------------------------------

function checkRules(text: string) {
  return { result: checkRuleFile("fuzz.bm", { entryText: text, host: noFiles }) };
}

/** Never throws; no rule set exactly when there are errors; diagnostics are presentable. */
function rulesAreRobust(text: string): void {
  const { result } = checkRules(text);
  if (result.ruleSet === undefined) expect(hasErrors(result.diagnostics)).toBe(true);
  else {
    expect(hasErrors(result.diagnostics)).toBe(false);
    printRuleSet(result.ruleSet);
  }
  expectPresentable(result.diagnostics);
}

function rulesSpansInBounds(text: string): void {
  const { result } = checkRules(text);
  for (const d of result.diagnostics) {
    if (d.span) {
      expect(d.span.file.path).toBe("fuzz.bm");
      expect(d.span.file.text).toBe(text);
    }
  }
  const file =
    result.diagnostics.find((d) => d.span)?.span?.file ?? new SourceFile("fuzz.bm", text);
  expectSpansInBounds(file, result.diagnostics);
}

/** Single UTF-16 code units, lone surrogates and controls included. */
const anyCodeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
const arbitraryText = fc.oneof(
  fc.string({ unit: "binary", maxLength: 200 }),
  fc.string({ unit: anyCodeUnit, maxLength: 120 }),
  fc.string({ unit: "grapheme", maxLength: 80 }),
  fc.string({ unit: fc.constantFrom(...'()[]{},;:.-=<>!+*|_/"\\ \t\r\n0x9aZ'), maxLength: 200 }),
);

const ruleTokens = [
  "rule",
  "relation",
  "unique",
  "setup",
  "import",
  "sort",
  "x",
  "T",
  "k",
  "k1",
  "proved",
  "is_impl",
  "wf_term",
  "demand",
  "_",
  "__x",
  "Rule",
  "é",
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
  ">",
  ">=",
  "!=",
  "!",
  "+",
  "-",
  "*",
  "|",
  "0",
  "1",
  "7",
  "00",
  "0x1F",
  "0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
  "0x",
  "0xg",
  P,
  P_MINUS_1,
  P_HEX,
  HUGE,
  "// comment\n",
  "//",
  "/* block */",
  "/* multi\nline */",
  "/*",
  "*/",
  '"./x"',
  '"x.bm"',
  '"graph"',
  '"unterminated',
  '""',
  "\\",
  "$",
  "\u0000",
  "\n",
  "\r\n",
  " ",
  "\t",
];
const ruleToken = fc.constantFrom(...ruleTokens);
/** Tokens glued with or without blank space, so that some fuse into longer tokens. */
const ruleSoup = fc
  .array(fc.tuple(ruleToken, fc.constantFrom("", " ", " ", "\n")), { maxLength: 60 })
  .map((parts) => parts.map(([t, sep]) => t + sep).join(""));
/** Soups with the shape of statements, more likely to get past the first token. */
const ruleStatementSoup = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        "relation p(a, b).",
        "unique relation u(a).",
        "relation p(x)",
        "rule r(x; y): p(x, y) -: u(x), x < y.",
        "rule r(x): -: p(x, _).",
        "rule r(): p(1, 2) -: .",
        "setup rule s(x): p(x, x) -: x == 1 + 2 * 3.",
        "rule q(x, y): p(x, y) -: x != y, y <= x - 1.",
        "rule bad(x): p(_, x) -: .",
        'import "./x".',
        "sort t = leaf | node(t, t).",
        "rule c(x; y): p(x, y) -: y = node(x, x).",
      ),
      fc.array(ruleToken, { maxLength: 8 }).map((t) => t.join(" ")),
    ),
    { maxLength: 12 },
  )
  .map((s) => s.join("\n"));

// ---- Mutations ------------------------------------------------------------------------------

/** Tokens of either language, coarse but good enough to cut seeds at token boundaries. */
const tokenPattern =
  /\s+|\/\/[^\n]*|\/\*[\s\S]*?\*\/|[A-Za-z_][A-Za-z0-9_]*|0[xX][0-9a-fA-F]+|\d+|-:|==|!=|<=|>=|"[^"\n]*"|[\s\S]/g;
function tokenize(text: string): string[] {
  return text.match(tokenPattern) ?? [];
}

interface Edit {
  readonly unit: "char" | "token";
  readonly op: "delete" | "insert" | "replace" | "duplicate" | "swap";
  readonly at: number;
  readonly length: number;
  readonly other: number;
  readonly text: string;
}

function applyEdit(parts: string[], e: Edit): string[] {
  const at = e.at % (parts.length + 1);
  const end = Math.min(parts.length, at + e.length);
  switch (e.op) {
    case "delete":
      return [...parts.slice(0, at), ...parts.slice(end)];
    case "insert":
      return [...parts.slice(0, at), e.text, ...parts.slice(at)];
    case "replace":
      return [...parts.slice(0, at), e.text, ...parts.slice(end)];
    case "duplicate":
      return [...parts.slice(0, end), ...parts.slice(at, end), ...parts.slice(end)];
    case "swap": {
      if (parts.length < 2) return parts;
      const i = at % parts.length;
      const j = e.other % parts.length;
      const out = [...parts];
      [out[i], out[j]] = [out[j], out[i]];
      return out;
    }
  }
}

/** Applies edits to a seed, each on characters or on tokens. */
function mutate(seed: string, edits: readonly Edit[]): string {
  let text = seed;
  for (const e of edits) {
    const parts = e.unit === "char" ? [...text] : tokenize(text);
    text = applyEdit(parts, e).join("");
  }
  return text;
}

function edits(insertions: fc.Arbitrary<string>): fc.Arbitrary<Edit[]> {
  const edit: fc.Arbitrary<Edit> = fc.record({
    unit: fc.constantFrom("char" as const, "token" as const),
    op: fc.constantFrom(
      "delete" as const,
      "insert" as const,
      "replace" as const,
      "duplicate" as const,
      "swap" as const,
    ),
    at: fc.nat(),
    length: fc.oneof(fc.constant(1), fc.integer({ min: 0, max: 16 })),
    other: fc.nat(),
    text: insertions,
  });
  return fc.array(edit, { minLength: 1, maxLength: 5 });
}

const ruleInsertions = fc.oneof(
  ruleToken,
  fc.array(ruleToken, { maxLength: 4 }).map((t) => t.join(" ")),
  anyCodeUnit,
  fc.string({ unit: "binary", maxLength: 4 }),
);
const mutatedRules = fc
  .tuple(fc.constantFrom(...ruleSeeds), edits(ruleInsertions))
  .map(([seed, e]) => mutate(seed, e));

describe("rule file checker under random input", () => {
  it("the seed rule files check without errors", () => {
    for (const text of ruleSeeds) {
      const { result } = checkRules(text);
      expect(hasErrors(result.diagnostics), renderDiagnostics(result.diagnostics)).toBe(false);
      expect(result.ruleSet).toBeDefined();
    }
  });

  it("arbitrary strings: never throws, failures are explained", () => {
    fc.assert(fc.property(arbitraryText, rulesAreRobust), params(1));
  });

  it("token soup: never throws, failures are explained", () => {
    fc.assert(fc.property(fc.oneof(ruleSoup, ruleStatementSoup), rulesAreRobust), params(2));
  });

  it("mutated seeds: never throws, failures are explained", () => {
    fc.assert(fc.property(mutatedRules, rulesAreRobust), params(3));
  });

  it("every diagnostic span lies inside the rule file", () => {
    fc.assert(
      fc.property(
        fc.oneof(arbitraryText, ruleSoup, ruleStatementSoup, mutatedRules),
        rulesSpansInBounds,
      ),
      params(4),
    );
  });
});

// ---- Transcripts ----------------------------------------------------------------------------

interface TranscriptCase {
  readonly text: string;
  /** Key in ruleSets. */
  readonly rules: string;
  /** Undefined: the reader's default. */
  readonly maxErrors?: number;
}

function readTranscript(c: TranscriptCase) {
  const file = new SourceFile("fuzz.bmt", c.text);
  const options = c.maxErrors === undefined ? {} : { maxErrors: c.maxErrors };
  const parsed = parseTranscript(file, ruleSets[c.rules], options);
  return { file, parsed, maxErrors: c.maxErrors ?? 100 };
}

/**
 * Never throws; a transcript exactly when there are no errors; errors are counted as kept;
 * a transcript validates without throwing and its verdict agrees with its error count.
 */
function transcriptIsRobust(c: TranscriptCase): void {
  const { parsed, maxErrors } = readTranscript(c);
  expect(parsed.transcript === undefined).toBe(parsed.errorCount > 0);
  const errorDiagnostics = parsed.diagnostics.filter((d) => d.severity === "error").length;
  if (parsed.transcript === undefined) expect(errorDiagnostics).toBeGreaterThan(0);
  // The first maxErrors errors are kept, then one line says how many more there were.
  expect(errorDiagnostics).toBe(
    Math.min(parsed.errorCount, maxErrors) + (parsed.errorCount > maxErrors ? 1 : 0),
  );
  expectPresentable(parsed.diagnostics);

  const t = parsed.transcript;
  if (!t) return;
  // Public blocks come first, and publicCount counts them.
  let publicBlocks = 0;
  for (let b = 0; b < t.blockCount; b++) {
    if (t.isPublic[b]) {
      expect(b).toBe(publicBlocks);
      publicBlocks++;
    }
  }
  expect(t.publicCount).toBe(publicBlocks);

  const v = validateTranscript(t);
  expect(v.valid).toBe(v.errorCount === 0);
  expect(v.errors.length).toBeLessThanOrEqual(v.errorCount);
  expect(v.errors.length).toBe(Math.min(v.errorCount, 100));
  expect(v.diagnostics.length).toBe(v.errors.length);
  expect(v.stats.blocks).toBe(t.blockCount);
  expectPresentable(v.diagnostics);
}

function transcriptSpansInBounds(c: TranscriptCase): void {
  const { file, parsed } = readTranscript(c);
  expectSpansInBounds(file, parsed.diagnostics);
  if (parsed.transcript) {
    const t = parsed.transcript;
    for (let b = 0; b < t.blockCount; b++) {
      expect(0 <= t.start[b] && t.start[b] < t.end[b] && t.end[b] <= c.text.length).toBe(true);
    }
    expectSpansInBounds(file, validateTranscript(t).diagnostics);
  }
}

const seedRuleNames = [...seedRuleSet.ruleByName.keys()];
const blockNames = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...seedRuleNames) },
  {
    weight: 1,
    arbitrary: fc.constantFrom("nope", "Demand", "demand_", "def", "_", "public", "private", "x9"),
  },
);
const decimalOrHex = (v: bigint) =>
  fc.constantFrom(v.toString(), "0x" + v.toString(16), "0X" + v.toString(16).toUpperCase());
const smallValue = fc.bigInt({ min: 0n, max: 12n });
const fieldValue = fc.oneof(
  { weight: 6, arbitrary: smallValue },
  { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 2n ** 41n }) },
  { weight: 1, arbitrary: fc.bigInt({ min: BigInt(P) - 3n, max: BigInt(P) + 3n }) },
  { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 2n ** 300n }) },
);
/** A block line: a rule name and values, in the right number or not, `;` anywhere or nowhere. */
const generatedBlock = fc
  .tuple(
    blockNames,
    fc.array(fieldValue.chain(decimalOrHex), { maxLength: 8 }),
    fc.option(fc.nat(), { nil: undefined }),
    fc.constantFrom("", " ", "  ", "\t"),
    fc.constantFrom("", " // note", "//", " \r"),
  )
  .map(([name, values, semicolonAt, indent, tail]) => {
    const shown = values
      .map((v, i) =>
        i === 0
          ? v
          : (semicolonAt !== undefined && semicolonAt % values.length === i ? "; " : ", ") + v,
      )
      .join("");
    return `${indent}${name}(${shown})${tail}`;
  });

const transcriptLinePool = [
  // section headers, well and badly formed
  "public:",
  "private:",
  "  public:  // the public part",
  "public :",
  "public: demand(1)",
  "PUBLIC:",
  "public::",
  "private",
  ":",
  // valid blocks of the seed rules
  "  assert(1, 0)",
  "  assert(3, 0)",
  "  demand(2)",
  "  def_atom(1)",
  "  def_atom(2)",
  "  def_impl(3, 1, 2; 1, 0, 0)",
  "  modus_ponens(3; 1, 2, 1, 0, 0)",
  "\tdemand( 1 )",
  "  demand  (  2  )  ",
  "  demand(0x1)",
  "  demand(0X1f)",
  "  demand(000000000000000000000000000001)",
  "  demand(999999999999999)",
  "  demand(9999999999999999)",
  "  def_atom(1099511627775)",
  "  def_atom(1099511627776)",
  "  demand(1) // trailing comment",
  "  demand(1)\r",
  // huge values and values at and above the field modulus
  `  demand(${P})`,
  `  demand(${P_MINUS_1})`,
  `  demand(${P_HEX})`,
  `  demand(${HUGE})`,
  `  assert(${P}, ${P})`,
  `  def_impl(${P_MINUS_1}, 1, 2; 1, 0, 0)`,
  // broken blocks
  "  demand(",
  "  demand(1",
  "  demand(1,",
  "  demand(1,)",
  "  demand(,1)",
  "  demand()",
  "  demand(;)",
  "  demand(1;;2)",
  "  demand(1;2;3)",
  "  demand(0x)",
  "  demand(0xZZ)",
  "  demand(12a)",
  "  demand(1_000)",
  "  demand(-1)",
  "  demand(+1)",
  "  demand(1.5)",
  "  demand(\uff11)",
  "  demand 1",
  "  demand",
  "  demand(1) demand(2)",
  "  demand(1))",
  "  demand((1))",
  "  nope(1)",
  "  Demand(1)",
  "  def_impl(3, 1; 2, 1, 0, 0)",
  "  def_atom(1; )",
  "  def_atom(;1)",
  "  modus_ponens(1, 2, 3)",
  "  assert(1, 2, 3)",
  "  é(1)",
  "  1(2)",
  "(",
  ")",
  ";",
  ",",
  "1",
  "\u0000",
  "/* not a comment */",
  "/",
  // comments and blank lines
  "// comment",
  "//",
  "   // indented comment",
  "",
  "   ",
  "\t",
];
const transcriptLine = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...transcriptLinePool) },
  { weight: 2, arbitrary: generatedBlock },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 12 }) },
);
const lineSoup = fc
  .tuple(
    fc.array(transcriptLine, { maxLength: 30 }),
    fc.constantFrom("\n", "\r\n"),
    fc.constantFrom("", "\n"),
  )
  .map(([lines, eol, last]) => lines.join(eol) + last);
/** Mostly well-placed: a public part and a private part with soup lines in them. */
const sectionedSoup = fc
  .tuple(fc.array(transcriptLine, { maxLength: 10 }), fc.array(transcriptLine, { maxLength: 20 }))
  .map(([pub, priv]) => ["public:", ...pub, "private:", ...priv].join("\n") + "\n");

/**
 * Blocks that read without errors (right rule, arity and `;`), with values that mostly collide,
 * so that the validator finds and misses hypotheses, repeats unique claims, breaks constraints.
 */
const readableBlock = fc
  .tuple(
    fc.constantFrom(...seedRuleSet.rules),
    fc.array(
      fc.oneof(
        { weight: 12, arbitrary: fc.bigInt({ min: 0n, max: 4n }) },
        { weight: 1, arbitrary: fc.constantFrom(2n ** 40n - 1n, 2n ** 40n, BigInt(P_MINUS_1)) },
      ),
      { minLength: 16, maxLength: 16 },
    ),
    fc.boolean(),
  )
  .map(([rule, pool, hex]) => {
    const values = rule.vars.map((_v, i) => (hex ? "0x" + pool[i].toString(16) : String(pool[i])));
    const shown = values.slice(0, rule.shownCount).join(", ");
    const hidden = values.slice(rule.shownCount).join(", ");
    return `  ${rule.name}(${rule.hasSemicolon ? `${shown}; ${hidden}` : shown})`;
  });
const readableTranscript = fc
  .tuple(
    fc.array(readableBlock, { maxLength: 6 }),
    fc.array(readableBlock, { maxLength: 20 }),
    fc.boolean(),
  )
  .map(
    ([pub, priv, withPublic]) =>
      [...(withPublic ? ["public:", ...pub] : []), "private:", ...priv].join("\n") + "\n",
  );

const maxErrorsOption = fc.oneof(
  { weight: 4, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 3 }) },
);
const onSeedRules = (text: fc.Arbitrary<string>): fc.Arbitrary<TranscriptCase> =>
  fc.record({ text, rules: fc.constant("seed"), maxErrors: maxErrorsOption });

const transcriptInsertions = fc.oneof(
  transcriptLine.map((l) => l + "\n"),
  fc.constantFrom(
    "(",
    ")",
    ",",
    ";",
    ":",
    "\n",
    "\r",
    " ",
    "//",
    "0",
    "0x",
    "9",
    P,
    HUGE,
    "public:",
    "private:",
    "demand",
  ),
  anyCodeUnit,
);
const mutatedTranscripts: fc.Arbitrary<TranscriptCase> = fc
  .tuple(fc.constantFrom(...transcriptSeeds), edits(transcriptInsertions), maxErrorsOption)
  .map(([seed, e, maxErrors]) => ({
    text: mutate(seed.text, e),
    rules: seed.rules,
    maxErrors,
  }));

describe("transcript reader and validator under random input", () => {
  it("the seed transcripts read and validate", () => {
    for (const seed of transcriptSeeds) {
      const parsed = parseTranscript(new SourceFile("seed.bmt", seed.text), ruleSets[seed.rules]);
      expect(parsed.diagnostics).toEqual([]);
      const v = validateTranscript(parsed.transcript!);
      expect(v.valid, renderDiagnostics(v.diagnostics)).toBe(true);
    }
  });

  it("arbitrary strings: never throws, failures are explained", () => {
    fc.assert(fc.property(onSeedRules(arbitraryText), transcriptIsRobust), params(11));
  });

  it("line soup: never throws, failures are explained, validation agrees", () => {
    fc.assert(
      fc.property(
        onSeedRules(fc.oneof(lineSoup, sectionedSoup, readableTranscript)),
        transcriptIsRobust,
      ),
      params(12),
    );
  });

  it("mutated seeds: never throws, failures are explained, validation agrees", () => {
    fc.assert(fc.property(mutatedTranscripts, transcriptIsRobust), params(13));
  });

  it("every diagnostic span lies inside its file", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          onSeedRules(fc.oneof(arbitraryText, lineSoup, sectionedSoup, readableTranscript)),
          mutatedTranscripts,
        ),
        transcriptSpansInBounds,
      ),
      params(14),
    );
  });
});

// ---- Blank space between tokens changes nothing ---------------------------------------------

/** Puts `pad(i)` after token i (any blank space; after a `//` comment it joins the comment). */
function spaceRuleTokens(text: string, pad: (i: number) => string): string {
  return tokenize(text)
    .map((t, i) => t + pad(i))
    .join("");
}

/**
 * Transcripts are line-oriented: blank space within a line goes between tokens (not inside
 * names, numbers or `//`; `public :` is fine), and whole blank lines go between lines.
 */
function spaceTranscript(
  text: string,
  pad: (i: number) => string,
  blankLines: (i: number) => string,
) {
  let k = 0;
  return text
    .split("\n")
    .map((line, li) => {
      const comment = line.indexOf("//");
      const code = comment < 0 ? line : line.slice(0, comment);
      const rest = comment < 0 ? "" : line.slice(comment);
      const spaced = code.replace(/\s*([(),;:])\s*/g, (_m, p: string) => pad(k++) + p + pad(k++));
      return blankLines(li) + pad(k++) + spaced.trim() + pad(k++) + rest;
    })
    .join("\n");
}

function blocksOf(text: string, ruleSet: RuleSet) {
  const parsed = parseTranscript(new SourceFile("spaced.bmt", text), ruleSet);
  expect(parsed.diagnostics, renderDiagnostics(parsed.diagnostics)).toEqual([]);
  const t = parsed.transcript!;
  const v = validateTranscript(t);
  expect(v.valid, renderDiagnostics(v.diagnostics)).toBe(true);
  const blocks = [];
  for (let b = 0; b < t.blockCount; b++) {
    blocks.push({
      rule: t.ruleSet.rules[t.rule[b]].name,
      public: t.isPublic[b] === 1,
      values: t.values.slice(t.valueStart[b], t.valueStart[b + 1]),
    });
  }
  return blocks;
}

describe("blank space between tokens", () => {
  it("keeps the seed rule files valid and the same", () => {
    for (const seed of ruleSeeds) {
      const before = printRuleSet(checkedRules("before.bm", seed));
      const cycle = ["  ", "\n", "\t \n\n ", "\r\n"];
      const spaced = spaceRuleTokens(seed, (i) => cycle[i % cycle.length]);
      expect(spaced).not.toBe(seed);
      const after = checkRuleFile("spaced.bm", { entryText: spaced, host: noFiles });
      expect(hasErrors(after.diagnostics), renderDiagnostics(after.diagnostics)).toBe(false);
      expect(printRuleSet(after.ruleSet!)).toBe(before);
    }
  });

  it("keeps the seed transcripts valid and the same", () => {
    for (const seed of transcriptSeeds) {
      const before = blocksOf(seed.text, ruleSets[seed.rules]);
      const cycle = ["  ", "\t", " \t ", "\r"];
      const spaced = spaceTranscript(
        seed.text,
        (i) => cycle[i % cycle.length],
        (li) => (li % 2 ? "\n  \n" : ""),
      );
      expect(spaced).not.toBe(seed.text);
      expect(blocksOf(spaced, ruleSets[seed.rules])).toEqual(before);
    }
  });

  it("random blank space keeps the seeds valid and the same", () => {
    const blank = fc.array(fc.constantFrom("", " ", "\t", "\n", "\r\n", "  \n\t"), {
      minLength: 1,
      maxLength: 64,
    });
    const lineBlank = fc.array(fc.constantFrom("", " ", "\t", "\r"), {
      minLength: 1,
      maxLength: 64,
    });
    const rulesBefore = ruleSeeds.map((s) => printRuleSet(checkedRules("before.bm", s)));
    const blocksBefore = transcriptSeeds.map((s) => blocksOf(s.text, ruleSets[s.rules]));
    fc.assert(
      fc.property(
        fc.nat(),
        blank,
        lineBlank,
        fc.array(fc.boolean(), { minLength: 1 }),
        (which, pads, linePads, blankLines) => {
          const r = which % ruleSeeds.length;
          const spacedRules = spaceRuleTokens(ruleSeeds[r], (i) => pads[i % pads.length]);
          const after = checkRuleFile("spaced.bm", { entryText: spacedRules, host: noFiles });
          expect(hasErrors(after.diagnostics), renderDiagnostics(after.diagnostics)).toBe(false);
          expect(printRuleSet(after.ruleSet!)).toBe(rulesBefore[r]);

          const t = which % transcriptSeeds.length;
          const spacedTranscript = spaceTranscript(
            transcriptSeeds[t].text,
            (i) => linePads[i % linePads.length],
            (li) => (blankLines[li % blankLines.length] ? "\n \t\n" : ""),
          );
          expect(blocksOf(spacedTranscript, ruleSets[transcriptSeeds[t].rules])).toEqual(
            blocksBefore[t],
          );
        },
      ),
      params(21, Math.max(20, Math.floor(RUNS / 10))),
    );
  });
});
