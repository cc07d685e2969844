/**
 * The TextMate grammars of grammar/ (editor highlighting for .bm and .bmt files), run through
 * vscode-textmate with the Oniguruma regex engine, as VS Code runs them:
 *
 * - every rule file and transcript of examples/ and stdlib/ is tokenised, and no visible text
 *   is left with only the root scope or marked invalid;
 * - chosen tokens get the expected scopes (keywords, comments, numbers, relations, ...);
 * - the rule grammar agrees with the Chevrotain lexer of grammar/tokens.ts: every keyword token
 *   type is a keyword, and on every rule file (the diagnostics fixtures with their errors too)
 *   each character lands in a TextMate token of the kind the lexer gives it.
 */
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import onig from "vscode-oniguruma";
import vsctm from "vscode-textmate";
import { beforeAll, describe, expect, it } from "vitest";
import * as T from "../grammar/tokens.js";
import { checkRuleFile, readTranscript } from "../src/index.js";

const require = createRequire(import.meta.url);
const grammarFiles: Record<string, string> = {
  "source.bm": "grammar/bm.tmLanguage.json",
  "source.bmt": "grammar/bmt.tmLanguage.json",
};

interface Token {
  /** Offsets into the whole text. */
  start: number;
  end: number;
  text: string;
  /** Outermost first; the first is always the grammar's root scope. */
  scopes: string[];
}

let grammars: Record<string, vsctm.IGrammar>;

beforeAll(async () => {
  await onig.loadWASM(readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm")));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => onig.createOnigScanner(patterns),
      createOnigString: (text: string) => onig.createOnigString(text),
    }),
    loadGrammar: async (scopeName: string) => {
      const path = grammarFiles[scopeName];
      return path ? vsctm.parseRawGrammar(readFileSync(path, "utf8"), path) : null;
    },
  });
  grammars = {};
  for (const scope of Object.keys(grammarFiles)) {
    const grammar = await registry.loadGrammar(scope);
    if (!grammar) throw new Error(`cannot load ${scope}`);
    grammars[scope] = grammar;
  }
});

function tokenize(scope: "source.bm" | "source.bmt", text: string): Token[] {
  const out: Token[] = [];
  let stack = vsctm.INITIAL;
  let offset = 0;
  for (const line of text.split("\n")) {
    const r = grammars[scope].tokenizeLine(line, stack);
    stack = r.ruleStack;
    for (const t of r.tokens) {
      const end = Math.min(t.endIndex, line.length);
      if (end <= t.startIndex) continue;
      out.push({
        start: offset + t.startIndex,
        end: offset + end,
        text: line.slice(t.startIndex, end),
        scopes: t.scopes,
      });
    }
    offset += line.length + 1;
  }
  return out;
}

/** The innermost scope of every token whose text is `word`, in order. */
function scopesOf(tokens: Token[], word: string): string[] {
  return tokens.filter((t) => t.text.trim() === word).map((t) => t.scopes[t.scopes.length - 1]);
}

function walk(dir: string, ext: string[]): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(path, ext));
    else if (ext.some((e) => entry.name.endsWith(e))) out.push(path);
  }
  return out.sort();
}

const projectFiles = [...walk("examples", [".bm", ".bmt"]), ...walk("stdlib", [".bm", ".bmt"])];

/** Keyword token types: a lowercase word that yields to a longer identifier. */
const keywordTokens = T.allTokens.filter((t) => {
  const longer = [t.LONGER_ALT].flat();
  return (
    t.PATTERN instanceof RegExp &&
    /^[a-z]+$/.test(t.PATTERN.source) &&
    longer.includes(T.Identifier)
  );
});

describe("TextMate grammars on examples/ and stdlib/", () => {
  it("finds the files", () => {
    expect(projectFiles.filter((f) => f.endsWith(".bm")).length).toBeGreaterThanOrEqual(5);
    expect(projectFiles.filter((f) => f.endsWith(".bmt")).length).toBeGreaterThanOrEqual(5);
  });
  for (const path of projectFiles) {
    it(`${path}: every visible character has a scope, none invalid`, () => {
      const scope = path.endsWith(".bmt") ? "source.bmt" : "source.bm";
      const tokens = tokenize(scope, readFileSync(path, "utf8"));
      const bare = tokens.filter((t) => t.text.trim() !== "" && t.scopes.length < 2);
      expect(bare.map((t) => `${t.start}: ${t.text}`)).toEqual([]);
      const invalid = tokens.filter((t) => t.scopes.some((s) => s.startsWith("invalid.")));
      expect(invalid.map((t) => `${t.start}: ${t.text}`)).toEqual([]);
    });
  }
});

describe("rule grammar (source.bm)", () => {
  const sample = [
    'import "graph". // stdlib',
    "/* a block",
    "   comment */",
    "sort term = impl(term, term) | mvar(field) | bot.",
    "unique relation wf(T).",
    "relation proved(T, k).",
    "setup rule assert(T; k): proved(T, k) -: wf(T), k >= 0x1F.",
    "rule mp(A, B; k, k1, k2):",
    "  proved(B, k) -: proved(impl(A, B), k1), proved(A, k2), k1 < k, k2 <= k - 1,",
    "  k != 3 * k1 + 2, k1 == k2, A = mvar(_x), proved(A, _).",
    "rule r(x): unique wf(x) -: x > 1.",
  ].join("\n");
  let tokens: Token[];
  beforeAll(() => {
    tokens = tokenize("source.bm", sample);
  });

  it("scopes keywords", () => {
    expect(scopesOf(tokens, "import")).toEqual(["keyword.control.import.bm"]);
    expect(scopesOf(tokens, "sort")).toEqual(["keyword.other.sort.bm"]);
    expect(scopesOf(tokens, "unique")).toEqual([
      "keyword.other.unique.bm",
      "keyword.other.unique.bm",
    ]);
    expect(scopesOf(tokens, "relation")).toEqual([
      "keyword.other.relation.bm",
      "keyword.other.relation.bm",
    ]);
    expect(scopesOf(tokens, "setup")).toEqual(["keyword.other.setup.bm"]);
    expect(new Set(scopesOf(tokens, "rule"))).toEqual(new Set(["keyword.other.rule.bm"]));
    expect(scopesOf(tokens, "rule")).toHaveLength(3);
  });

  it("scopes comments, strings and numbers", () => {
    expect(scopesOf(tokens, "stdlib")).toEqual(["comment.line.double-slash.bm"]);
    expect(scopesOf(tokens, "comment */").length + scopesOf(tokens, "comment").length).toBe(1);
    const block = tokens.filter((t) => t.text.includes("a block"));
    expect(block.map((t) => t.scopes[t.scopes.length - 1])).toEqual(["comment.block.bm"]);
    expect(scopesOf(tokens, "graph")).toEqual(["string.quoted.double.bm"]);
    expect(scopesOf(tokens, "0x1F")).toEqual(["constant.numeric.hex.bm"]);
    expect(scopesOf(tokens, "3")).toEqual(["constant.numeric.decimal.bm"]);
  });

  it("scopes declarations: sorts, constructors, relations, rules and their variables", () => {
    expect(scopesOf(tokens, "term")).toEqual([
      "entity.name.type.sort.bm",
      "entity.name.type.sort.bm",
      "entity.name.type.sort.bm",
    ]);
    expect(scopesOf(tokens, "field")).toEqual(["support.type.builtin.field.bm"]);
    expect(scopesOf(tokens, "bot")).toEqual(["entity.name.function.constructor.bm"]);
    expect(scopesOf(tokens, "wf")).toEqual([
      "entity.name.type.relation.bm",
      "entity.name.type.relation.bm",
      "entity.name.type.relation.bm",
    ]);
    expect(new Set(scopesOf(tokens, "proved"))).toEqual(new Set(["entity.name.type.relation.bm"]));
    expect(scopesOf(tokens, "assert")).toEqual(["entity.name.function.rule.bm"]);
    expect(scopesOf(tokens, "mp")).toEqual(["entity.name.function.rule.bm"]);
    // Header variables are parameters; in the body they are variables.
    expect(scopesOf(tokens, "k1")[0]).toBe("variable.parameter.bm");
    expect(new Set(scopesOf(tokens, "k1").slice(1))).toEqual(new Set(["variable.other.bm"]));
    expect(scopesOf(tokens, "T")[0]).toBe("variable.parameter.relation.bm");
  });

  it("scopes nested terms, in claims and after `=`, as constructors", () => {
    expect(scopesOf(tokens, "impl")).toEqual([
      "entity.name.function.constructor.bm",
      "entity.name.function.constructor.bm",
    ]);
    expect(scopesOf(tokens, "mvar")).toEqual([
      "entity.name.function.constructor.bm",
      "entity.name.function.constructor.bm",
    ]);
  });

  it("scopes `_`, operators and separators", () => {
    expect(scopesOf(tokens, "_")).toEqual(["variable.language.wildcard.bm"]);
    expect(scopesOf(tokens, "_x")).toEqual(["variable.other.bm"]);
    expect(new Set(scopesOf(tokens, "-:"))).toEqual(new Set(["keyword.operator.turnstile.bm"]));
    for (const op of ["<", "<=", ">=", ">", "==", "!="])
      expect(scopesOf(tokens, op), op).toContain("keyword.operator.comparison.bm");
    expect(new Set(scopesOf(tokens, "="))).toEqual(new Set(["keyword.operator.binding.bm"]));
    for (const op of ["+", "-", "*"])
      expect(scopesOf(tokens, op), op).toEqual(["keyword.operator.arithmetic.bm"]);
    expect(new Set(scopesOf(tokens, "|"))).toEqual(
      new Set(["punctuation.separator.alternative.bm"]),
    );
    expect(new Set(scopesOf(tokens, ";"))).toEqual(new Set(["punctuation.separator.semicolon.bm"]));
    expect(new Set(scopesOf(tokens, "."))).toEqual(
      new Set(["punctuation.terminator.statement.bm"]),
    );
  });

  it("marks characters the lexer rejects, and keeps an unterminated comment open", () => {
    const bad = tokenize("source.bm", "relation p(x) $ # @.\n/* open\nrule r(x): p(x) -: .");
    expect(scopesOf(bad, "$")).toEqual(["invalid.illegal.character.bm"]);
    expect(scopesOf(bad, "#")).toEqual(["invalid.illegal.character.bm"]);
    const last = bad.filter((t) => t.text.includes("rule"));
    expect(last.map((t) => t.scopes[t.scopes.length - 1])).toEqual(["comment.block.bm"]);
  });

  it("matches every keyword token of grammar/tokens.ts as a keyword, in every context", () => {
    expect(keywordTokens.map((t) => t.name).sort()).toEqual(
      ["Import", "Relation", "Rule", "Setup", "Sort", "Unique"].sort(),
    );
    for (const token of keywordTokens) {
      const word = (token.PATTERN as RegExp).source;
      const contexts = [
        word,
        `${word}.`,
        `rule r(x): p(x) -: ${word}.`,
        `rule r(${word}): p(x) -: .`,
        `relation p(${word}).`,
        `sort s = c(${word}).`,
      ];
      for (const text of contexts) {
        const scopes = scopesOf(tokenize("source.bm", text), word);
        const count = text.split(new RegExp(`\\b${word}\\b`)).length - 1;
        expect(scopes, `${token.name} in ${text}`).toHaveLength(count);
        for (const s of scopes)
          expect(s, `${token.name} in ${text}`).toMatch(/^keyword\.(control|other)\./);
      }
      // A longer identifier is not a keyword, as the lexer's longer_alt says.
      for (const text of [`${word}s`, `${word}_1`, `my${word}`]) {
        const scopes = tokenize("source.bm", `rule r(x): ${text}(x) -: .`)
          .filter((t) => t.text === text)
          .map((t) => t.scopes[t.scopes.length - 1]);
        expect(scopes, text).toEqual(["entity.name.type.relation.bm"]);
      }
    }
  });
});

/** What the innermost scope of a character must look like, by Chevrotain token type. */
const expectedScope = new Map<string, RegExp>([
  ["Identifier", /^(variable\.(other|parameter)|entity\.name\.|support\.type\.)/],
  ["Wildcard", /^variable\.language\.wildcard\./],
  ["Integer", /^constant\.numeric\./],
  ["StringLiteral", /^(string\.quoted\.|punctuation\.definition\.string\.)/],
  ["Turnstile", /^keyword\.operator\.turnstile\./],
  ["EqEq", /^keyword\.operator\.comparison\./],
  ["NotEq", /^keyword\.operator\.comparison\./],
  ["LessEq", /^keyword\.operator\.comparison\./],
  ["GreaterEq", /^keyword\.operator\.comparison\./],
  ["Less", /^keyword\.operator\.comparison\./],
  ["Greater", /^keyword\.operator\.comparison\./],
  ["Equals", /^keyword\.operator\.binding\./],
  ["Pipe", /^punctuation\.separator\.alternative\./],
  ["Plus", /^keyword\.operator\.arithmetic\./],
  ["Minus", /^keyword\.operator\.arithmetic\./],
  ["Star", /^keyword\.operator\.arithmetic\./],
  ["LParen", /^punctuation\.section\.parens\.begin\./],
  ["RParen", /^punctuation\.section\.parens\.end\./],
  ["Comma", /^punctuation\.separator\.comma\./],
  ["Semicolon", /^punctuation\.separator\.semicolon\./],
  ["Colon", /^punctuation\.separator\.colon\./],
  ["Period", /^punctuation\.terminator\./],
  ["LineComment", /^(comment\.line\.|punctuation\.definition\.comment\.)/],
  ["BlockComment", /^(comment\.block\.|punctuation\.definition\.comment\.)/],
  ["UnterminatedComment", /^(comment\.block\.|punctuation\.definition\.comment\.)/],
  ...keywordTokens.map((t): [string, RegExp] => [t.name, /^keyword\.(control|other)\./]),
  // Characters the lexer rejects (BM0001).
  ["(error)", /^invalid\.illegal\./],
]);

describe("rule grammar agrees with the Chevrotain lexer", () => {
  it("knows every token type", () => {
    const skipped = new Set(["WhiteSpace"]);
    const missing = T.allTokens
      .map((t) => t.name)
      .filter((n) => !skipped.has(n) && !expectedScope.has(n));
    expect(missing).toEqual([]);
  });

  const ruleFiles = [
    ...projectFiles.filter((f) => f.endsWith(".bm")),
    ...walk("test/diagnostics", [".bm"]),
  ];
  for (const path of ruleFiles) {
    it(path, () => {
      const text = readFileSync(path, "utf8");
      const lexed = T.ruleLexer.tokenize(text);
      const owner = new Array<number>(text.length).fill(-1);
      const kinds: string[] = [];
      const all = [...lexed.tokens, ...((lexed.groups["comments"] as typeof lexed.tokens) ?? [])];
      for (const token of all) {
        const id = kinds.push(token.tokenType.name) - 1;
        for (let i = token.startOffset; i <= token.endOffset!; i++) owner[i] = id;
      }
      const problems: string[] = [];
      for (const t of tokenize("source.bm", text)) {
        const inner = t.scopes[t.scopes.length - 1];
        const owners = new Set<number>();
        for (let i = t.start; i < t.end; i++) {
          if (/\s/.test(text[i])) continue;
          owners.add(owner[i]);
          const kind = owner[i] < 0 ? "(error)" : kinds[owner[i]];
          if (!expectedScope.get(kind)!.test(inner)) {
            problems.push(
              `offset ${i} ${JSON.stringify(t.text)}: lexer ${kind}, TextMate ${inner}`,
            );
            break;
          }
        }
        // A TextMate token never straddles two lexer tokens.
        if (
          owners.size > 1 &&
          !(owners.size === 2 && owners.has(-1) && inner.startsWith("invalid"))
        )
          problems.push(
            `${JSON.stringify(t.text)} at ${t.start} spans ${owners.size} lexer tokens`,
          );
      }
      expect(problems).toEqual([]);
    });
  }
});

describe("transcript grammar (source.bmt)", () => {
  it("scopes sections, blocks, numbers, separators and comments", () => {
    const tokens = tokenize(
      "source.bmt",
      [
        "// header comment",
        "public:",
        "  demand(1)   // the goal",
        "private:",
        "  def_impl(3, 1, 2; 1, 0x0, 0)",
      ].join("\n"),
    );
    expect(scopesOf(tokens, "header comment")).toEqual(["comment.line.double-slash.bmt"]);
    expect(scopesOf(tokens, "the goal")).toEqual(["comment.line.double-slash.bmt"]);
    expect(scopesOf(tokens, "public")).toEqual(["keyword.control.section.bmt"]);
    expect(scopesOf(tokens, "private")).toEqual(["keyword.control.section.bmt"]);
    expect(scopesOf(tokens, "demand")).toEqual(["entity.name.function.rule.bmt"]);
    expect(scopesOf(tokens, "def_impl")).toEqual(["entity.name.function.rule.bmt"]);
    expect(new Set(scopesOf(tokens, "1"))).toEqual(new Set(["constant.numeric.decimal.bmt"]));
    expect(scopesOf(tokens, "0x0")).toEqual(["constant.numeric.hex.bmt"]);
    expect(scopesOf(tokens, ";")).toEqual(["punctuation.separator.semicolon.bmt"]);
    expect(new Set(scopesOf(tokens, ","))).toEqual(new Set(["punctuation.separator.comma.bmt"]));
  });

  it("marks what the transcript reader rejects", () => {
    const tokens = tokenize("source.bmt", "private:\n  r(12a, x)\n  (1)\n  private: extra");
    for (const bad of ["12a", "x", "extra"])
      expect(scopesOf(tokens, bad), bad).toEqual(["invalid.illegal.bmt"]);
    expect(tokens.filter((t) => t.text === "(")[1].scopes).toContain("invalid.illegal.bmt");
  });

  it("marks nothing invalid in transcripts the reader accepts", () => {
    const rules = checkRuleFile("test/diagnostics/transcripts/rules.bm").ruleSet!;
    for (const path of walk("test/diagnostics/transcripts", [".bmt"])) {
      const text = readFileSync(path, "utf8");
      const syntaxErrors = readTranscript(path, rules, { text }).diagnostics.filter(
        (d) => d.code === "BM0201",
      );
      const lines = new Set(syntaxErrors.map((d) => d.span!.file.position(d.span!.start).line));
      const tokens = tokenize("source.bmt", text);
      let offset = 0;
      text.split("\n").forEach((line, i) => {
        const lineTokens = tokens.filter((t) => t.start >= offset && t.end <= offset + line.length);
        const invalid = lineTokens.some((t) => t.scopes.some((s) => s.startsWith("invalid.")));
        // The reader may reject a line TextMate cannot see as wrong (a missing ')'), never
        // the other way round.
        if (invalid) expect(lines.has(i + 1), `${path}:${i + 1} ${line}`).toBe(true);
        offset += line.length + 1;
      });
    }
  });
});
