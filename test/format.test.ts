/**
 * `bmc fmt` and formatText: every example and stdlib file is a fixed point (CI's check), and
 * formatting is idempotent and keeps the meaning: rule files parse to the same AST, transcripts
 * to the same blocks on the same lines, with every comment kept in order.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { runBmc, scratchFolders } from "./fixtures.js";
import { checkRuleFile } from "../src/check/index.js";
import { SourceFile } from "../src/diagnostics/index.js";
import { FormatError, formatText } from "../src/format/index.js";
import { parseRuleFile } from "../src/syntax/index.js";
import { parseTranscript } from "../src/transcript/parse.js";

const bmc = runBmc;
const scratch = scratchFolders("bmc-fmt-");

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]))
    .filter((f) => f.endsWith(".bm") || f.endsWith(".bmt"))
    .sort();
}

/** An AST value without positions. */
function withoutSpans(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSpans);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => !["span", "pathSpan", "opSpan", "file"].includes(k))
        .map(([k, v]) => [
          k,
          k === "unique" && v && typeof v === "object" ? true : withoutSpans(v),
        ]),
    );
  }
  return value;
}

function ruleFileMeaning(text: string) {
  const parsed = parseRuleFile(new SourceFile("x.bm", text));
  expect(parsed.diagnostics).toEqual([]);
  return withoutSpans(parsed.ast.items);
}

/** Comments in order, line comments without trailing blanks. */
function commentsOf(text: string, kind: "bm" | "bmt"): string[] {
  if (kind === "bm") {
    return parseRuleFile(new SourceFile("x.bm", text)).ast.comments.map((c) =>
      c.text.startsWith("//") ? c.text.trimEnd() : c.text,
    );
  }
  return text
    .split("\n")
    .filter((l) => l.includes("//"))
    .map((l) => l.slice(l.indexOf("//")).trimEnd());
}

/** The rule file a transcript is checked against: examples/NAME/NAME.bm. */
function rulesFor(transcript: string): string {
  let dir = dirname(transcript);
  if (basename(dir) === "invalid") dir = dirname(dir);
  return join(dir, `${basename(dir)}.bm`);
}

function transcriptMeaning(rulesPath: string, text: string) {
  const ruleSet = checkRuleFile(rulesPath).ruleSet!;
  const parsed = parseTranscript(new SourceFile("t.bmt", text), ruleSet);
  expect(parsed.diagnostics).toEqual([]);
  const t = parsed.transcript!;
  return {
    rule: [...t.rule],
    valueStart: [...t.valueStart],
    values: t.values.map(String),
    isPublic: [...t.isPublic],
    line: [...t.line],
  };
}

const files = [...walk("examples"), ...walk("stdlib")];

describe("every example and stdlib file", () => {
  it("there are files of both kinds", () => {
    expect(files.filter((f) => f.endsWith(".bm")).length).toBeGreaterThan(3);
    expect(files.filter((f) => f.endsWith(".bmt")).length).toBeGreaterThan(10);
  });
  for (const path of files) {
    const kind = path.endsWith(".bmt") ? "bmt" : "bm";
    it(`${path}: idempotent, same meaning, same comments`, async () => {
      const text = readFileSync(path, "utf8");
      const once = await formatText(text, kind, { path });
      expect(await formatText(once, kind, { path })).toBe(once);
      expect(commentsOf(once, kind)).toEqual(commentsOf(text, kind));
      if (kind === "bm") expect(ruleFileMeaning(once)).toEqual(ruleFileMeaning(text));
      else {
        const rules = rulesFor(path);
        expect(existsSync(rules)).toBe(true);
        expect(transcriptMeaning(rules, once)).toEqual(transcriptMeaning(rules, text));
        // Transcripts keep their lines, so `// expect: CODE line N` stays right.
        expect(once.split("\n").length).toBe(text.replace(/\n+$/, "\n").split("\n").length);
      }
    });
  }
  it("are formatted: bmc fmt --check examples stdlib exits 0 (the CI check)", async () => {
    const r = await bmc("fmt", "--check", "examples", "stdlib");
    expect(r.stdout).toBe("");
    expect(r.code).toBe(0);
  });
});

describe("formatText", () => {
  it("is the library's too, loaded on first use", async () => {
    const { formatText: fromPackage } = await import("../src/index.js");
    const text = "relation p(x).\nrule r(x):   p(x)   -: .\n";
    expect(await fromPackage(text, "bm")).toBe(await formatText(text, "bm"));
    expect(await fromPackage(text, "bm")).toBe("relation p(x).\nrule r(x): p(x) -: .\n");
  });

  const fixture = (name: string) => readFileSync(join("test", "format", name), "utf8");

  it("keeps comments in odd places, in order, and is idempotent", async () => {
    const input = fixture("comments.bm");
    const once = await formatText(input, "bm");
    expect(once).toBe(fixture("comments.expected.bm"));
    expect(await formatText(once, "bm")).toBe(once);
    expect(commentsOf(once, "bm")).toEqual(commentsOf(input, "bm"));
    expect(ruleFileMeaning(once)).toEqual(ruleFileMeaning(input));
  });

  it("aligns trailing comments of consecutive lines", async () => {
    const out = await formatText(
      "relation a(x). // one\nrelation bbbbbb(x, y).   // two\n\nrelation c(x). // three\n",
      "bm",
    );
    expect(out).toBe(
      "relation a(x).           // one\nrelation bbbbbb(x, y).   // two\n\nrelation c(x). // three\n",
    );
  });

  it("wraps a long rule at the print width, header first, then the body", async () => {
    const input = fixture("long.bm");
    const out = await formatText(input, "bm");
    expect(out).toBe(fixture("long.expected.bm"));
    for (const l of out.split("\n")) expect(l.length).toBeLessThanOrEqual(100);
    expect(out).toContain(
      "rule mp(T; TA, TB, k, k1, k2):\n  proved(TB, k) -: is_impl(T, TA, TB), proved(T, k1), proved(TA, k2), k1 < k, k2 < k.\n",
    );
    const narrow = await formatText(input, "bm", { printWidth: 60 });
    for (const l of narrow.split("\n")) expect(l.length).toBeLessThanOrEqual(60);
    expect(ruleFileMeaning(narrow)).toEqual(ruleFileMeaning(input));
    expect(await formatText(narrow, "bm", { printWidth: 60 })).toBe(narrow);
  });

  it("keeps the parentheses that matter and drops the others", async () => {
    const out = await formatText("rule r(a, b, c): -: a == (b - (c - a)) * ((b)) - (-c).\n", "bm");
    expect(out).toBe("rule r(a, b, c): -: a == (b - (c - a)) * b - -c.\n");
  });

  it("formats a transcript line by line, keeping every line", async () => {
    const input = fixture("messy.bmt");
    const out = await formatText(input, "bmt");
    expect(out).toBe(fixture("messy.expected.bmt"));
    expect(await formatText(out, "bmt")).toBe(out);
    expect(commentsOf(out, "bmt")).toEqual(commentsOf(input, "bmt"));
  });

  it("refuses a rule file with a syntax error, with coded diagnostics", async () => {
    const error = await formatText("rule r(x): p(x) -: q(x)\nrule s(x): -: .\n", "bm", {
      path: "bad.bm",
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FormatError);
    const diagnostics = (error as FormatError).diagnostics;
    expect(diagnostics.map((d) => d.code)).toEqual(["BM0002"]);
    expect((error as FormatError).message).toContain("--> bad.bm:1:24");
  });

  it("refuses a transcript with a syntax error, with coded diagnostics", async () => {
    const error = await formatText("private:\n  r(1, 2\n", "bmt", { path: "bad.bmt" }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(FormatError);
    expect((error as FormatError).diagnostics.map((d) => d.code)).toEqual(["BM0201"]);
    expect((error as FormatError).message).toContain("--> bad.bmt:2:9");
  });

  it("formats a transcript whatever its rules (unknown rules are not its business)", async () => {
    expect(await formatText("private:\n  nobody_knows( 1,2 )\n", "bmt")).toBe(
      "private:\n  nobody_knows(1, 2)\n",
    );
  });
});

describe("bmc fmt", () => {
  const messy = "relation   p(x).\nrule r(x):p(x)-:.\n";
  const tidy = "relation p(x).\nrule r(x): p(x) -: .\n";

  it("prints one formatted file", async () => {
    const dir = scratch({ "a.bm": messy });
    const r = await bmc("fmt", join(dir, "a.bm"));
    expect(r).toEqual({ code: 0, stdout: tidy, stderr: "" });
    expect(readFileSync(join(dir, "a.bm"), "utf8")).toBe(messy);
  });

  it("--check exits 1 listing unformatted files, and 0 after --write", async () => {
    const dir = scratch({ "a.bm": messy, "b.bm": tidy, "t.bmt": "private:\n r( 1 )\n" });
    const check = await bmc("fmt", "--check", dir);
    expect(check.code).toBe(1);
    expect(check.stdout).toBe(`${join(dir, "a.bm")}\n${join(dir, "t.bmt")}\n`);
    const write = await bmc("fmt", "--write", dir);
    expect(write.code).toBe(0);
    expect(readFileSync(join(dir, "a.bm"), "utf8")).toBe(tidy);
    expect(readFileSync(join(dir, "t.bmt"), "utf8")).toBe("private:\n  r(1)\n");
    expect(readdirSync(dir).sort()).toEqual(["a.bm", "b.bm", "t.bmt"]);
    const again = await bmc("fmt", "--check", dir);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe("");
  });

  it("reports a syntax error with its code and location, no stack trace, and writes nothing", async () => {
    const dir = scratch({ "bad.bm": "rule r(x): p(x) -: q(x)\n" });
    const path = join(dir, "bad.bm");
    const r = await bmc("fmt", "--write", path);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error[BM0002]");
    expect(r.stderr).toContain(`--> ${path}:1:24`);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(readFileSync(path, "utf8")).toBe("rule r(x): p(x) -: q(x)\n");
  });

  it("usage errors exit 2", async () => {
    expect((await bmc("fmt")).code).toBe(2);
    expect((await bmc("fmt", "--check", "--write", "examples")).code).toBe(2);
    expect((await bmc("fmt", "examples")).code).toBe(2);
    expect((await bmc("fmt", "README.md")).code).toBe(2);
  });

  it("a missing file is BM0901, exit 1", async () => {
    const r = await bmc("fmt", "--check", "no/such/file.bm");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error[BM0901]");
  });
});
