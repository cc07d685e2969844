/**
 * docs/reference.md is tested: every diagnostic code of the registry has a heading there, and
 * every example runs as its fence says (the convention is described at the top of the page):
 *
 *   ```bm                       checks with no diagnostic, and lowers to circuits
 *   ```bm expect=BM0101         gives diagnostics of that code only (at least one)
 *   ```bm file=NAME.bm          names the block, for imports and for rules=
 *   ```bmt rules=NAME.bm        a transcript read against NAME.bm: valid, or expect=CODE only
 *   ```json rules=NAME.bm       a proof file for bmc build: valid, or expect=CODE only
 *   ```mm                       a Metamath database: reads and verifies, or expect=CODE only
 *   ```mm encode                also encodes into the block model (theorem=LABEL: that one)
 *
 * Named blocks live in a virtual folder (a SourceHost), so imports between examples work and
 * nothing is written to disk; bare imports still reach the real stdlib/.
 *
 * grammar/diagrams.html is checked here too: regenerating it gives the committed file.
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { diagramsHtml, diagramsPath } from "../grammar/diagrams.js";
import { EncodeError, encodeMetamath } from "../src/metamath/encode/index.js";
import {
  buildFile,
  checkRuleFile,
  codes,
  lowerRuleSet,
  nodeHost,
  proofDag,
  readMetamath,
  verifyMetamath,
  validateFiles,
  type Diagnostic,
  type MetamathDatabase,
  type SourceHost,
} from "../src/index.js";

const reference = readFileSync("docs/reference.md", "utf8");

interface Example {
  lang: string;
  attrs: Record<string, string>;
  text: string;
  /** 1-based line of the opening fence. */
  line: number;
}

function examplesOf(markdown: string): Example[] {
  const out: Example[] = [];
  const fence = /^```(\S*)([^\n]*)\n([\s\S]*?)^```\s*$/gm;
  for (const m of markdown.matchAll(fence)) {
    const attrs: Record<string, string> = {};
    for (const pair of m[2].trim().split(/\s+/).filter(Boolean)) {
      const [key, value] = pair.split("=");
      attrs[key] = value ?? "";
    }
    const line = markdown.slice(0, m.index).split("\n").length;
    out.push({ lang: m[1], attrs, text: m[3], line });
  }
  return out;
}

const examples = examplesOf(reference);
const tested = examples.filter(
  (e) =>
    e.lang === "bm" ||
    e.lang === "mm" ||
    ((e.lang === "bmt" || e.lang === "json") && "rules" in e.attrs),
);

// Every example rule file gets a path in a folder that does not exist on disk.
const folder = resolve("docs", "reference-examples");
const virtual = new Map<string, string>();
const pathOf = new Map<Example, string>();
for (const e of examples.filter((e) => e.lang === "bm")) {
  const name = e.attrs.file ?? `line-${e.line}.bm`;
  const path = join(folder, name);
  if (virtual.has(path)) throw new Error(`docs/reference.md: two examples named ${name}`);
  virtual.set(path, e.text);
  pathOf.set(e, path);
}
const host: SourceHost = {
  readFile: (path) =>
    virtual.get(path) ?? (path.startsWith(folder) ? undefined : nodeHost.readFile(path)),
};

/** The encoding's refusal of a database (docs/metamath.md), if any. */
function encodeDiagnostics(db: MetamathDatabase, theorem?: string): Diagnostic[] {
  try {
    encodeMetamath(db, (d, i) => proofDag(d, i), { theorems: theorem ? [theorem] : undefined });
    return [];
  } catch (error) {
    if (error instanceof EncodeError) return [error.diagnostic];
    throw error;
  }
}

/** The diagnostics of one example, every stage that applies. */
function run(e: Example): Diagnostic[] {
  if (e.lang === "mm") {
    const path = join(folder, `line-${e.line}.mm`);
    const read = readMetamath(path, {
      readFile: (p) => (p === path ? Buffer.from(e.text, "latin1") : undefined),
    });
    if (!read.database) return [...read.diagnostics];
    const verified = verifyMetamath(read.database).diagnostics;
    if (verified.length || !("encode" in e.attrs)) return [...verified];
    return encodeDiagnostics(read.database, e.attrs.theorem);
  }
  if (e.lang === "bm") {
    const check = checkRuleFile(pathOf.get(e)!, { host });
    if (!check.ruleSet) return check.diagnostics;
    return [...check.diagnostics, ...lowerRuleSet(check.ruleSet).diagnostics];
  }
  const rules = join(folder, e.attrs.rules);
  if (!virtual.has(rules)) throw new Error(`no example named ${e.attrs.rules}`);
  if (e.lang === "bmt") {
    const r = validateFiles(rules, join(folder, `line-${e.line}.bmt`), {
      host,
      transcriptText: e.text,
    });
    if (!e.attrs.expect) expect(r.valid).toBe(true);
    return r.diagnostics;
  }
  const r = buildFile(rules, join(folder, `line-${e.line}.json`), { host, proofText: e.text });
  if (!e.attrs.expect) expect(r.valid).toBe(true);
  return r.diagnostics;
}

describe("docs/reference.md", () => {
  it("has a heading for every code of the registry", () => {
    const headings = reference.split("\n").filter((l) => /^#{2,6} /.test(l));
    const missing = Object.keys(codes).filter(
      (code) => !headings.some((h) => new RegExp(`\\b${code}\\b`).test(h)),
    );
    expect(missing).toEqual([]);
  });

  it("has a tested example for every code that has a small one in the registry", () => {
    const exemplified = new Set(tested.map((e) => e.attrs.expect).filter(Boolean));
    const missing = Object.entries(codes)
      .filter(([code, info]) => info.example !== "" && !exemplified.has(code))
      .map(([code]) => code);
    expect(missing).toEqual([]);
  });

  it("names only codes of the registry", () => {
    for (const e of tested.filter((e) => e.attrs.expect))
      expect(Object.keys(codes), `line ${e.line}`).toContain(e.attrs.expect);
    const named = [...reference.matchAll(/\bBM\d{4}\b/g)].map((m) => m[0]);
    expect(named.filter((c) => !(c in codes))).toEqual([]);
  });

  it("has examples of rule files, transcripts, proof files and Metamath databases", () => {
    for (const lang of ["bm", "bmt", "json", "mm"])
      expect(tested.filter((e) => e.lang === lang).length, lang).toBeGreaterThan(1);
  });

  for (const e of tested) {
    const what = e.attrs.expect ? `gives ${e.attrs.expect} only` : "is valid";
    it(`example at line ${e.line} (${e.lang}) ${what}`, () => {
      const shown = run(e).map((d) => `${d.code} ${d.message}`);
      if (e.attrs.expect) {
        expect(shown.length, "no diagnostic").toBeGreaterThan(0);
        expect(shown.filter((s) => !s.startsWith(e.attrs.expect + " "))).toEqual([]);
      } else {
        expect(shown).toEqual([]);
      }
    });
  }

  it("marks severities as the registry does", () => {
    for (const [code, info] of Object.entries(codes)) {
      const section = reference.split(new RegExp(`^### ${code}\\b.*$`, "m"))[1] ?? "";
      const first = section.trim().split(/[.(]/)[0].trim();
      expect(first, code).toBe(info.severity === "error" ? "Error" : "Warning");
    }
  });

  it("is linked from the README and language.md", () => {
    expect(readFileSync("README.md", "utf8")).toContain("docs/reference.md");
    expect(readFileSync("docs/language.md", "utf8")).toContain("reference.md");
  });
});

describe("grammar/diagrams.html", () => {
  it("is what grammar/diagrams.ts generates from the parser (run npm run diagrams)", async () => {
    const committed = readFileSync(diagramsPath(), "utf8");
    const generated = await diagramsHtml();
    expect(generated === committed, "grammar/diagrams.html is stale: npm run diagrams").toBe(true);
    // Every grammar rule is drawn.
    for (const rule of ["file", "statement", "ruleDecl", "sortDecl", "claim", "expression"])
      expect(committed).toContain(`name: "${rule}"`);
  });
});
