/**
 * The transcript reader. Transcripts are line-oriented and can hold millions of blocks, so this
 * is a hand-written scanner over character codes rather than a Chevrotain parser: it reads
 * about a million blocks a second and still reports each problem with its exact column.
 *
 *   transcript := line*
 *   line       := ws* (section | block)? ws* comment? EOL
 *   section    := "public:" | "private:"
 *   block      := name ws* "(" ws* (value (ws* ("," | ";") ws* value)*)? ws* ")"
 *   value      := decimal | "0x" hex
 *   comment    := "//" any*
 */
import { diagnostic, span, type Diagnostic, type SourceFile } from "../diagnostics/index.js";
import { P } from "../field/index.js";
import type { Rule, RuleSet } from "../check/index.js";
import type { Transcript } from "./model.js";

export interface ParsedTranscript {
  /** Present when the transcript has no errors. */
  readonly transcript?: Transcript;
  readonly diagnostics: Diagnostic[];
  /** Number of errors found, which can exceed the diagnostics kept (see maxErrors). */
  readonly errorCount: number;
}

export interface ParseTranscriptOptions {
  /** Stop keeping diagnostics after this many errors (counting goes on). Default 100. */
  maxErrors?: number;
}

const SPACE = 32;
const TAB = 9;
const CR = 13;
const LF = 10;
const SLASH = 47;
const LPAREN = 40;
const RPAREN = 41;
const COMMA = 44;
const SEMI = 59;
const COLON = 58;

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}
function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

class GrowableInt32 {
  data = new Int32Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  done(): Int32Array {
    return this.data.slice(0, this.length);
  }
}

export function parseTranscript(
  file: SourceFile,
  ruleSet: RuleSet,
  options: ParseTranscriptOptions = {},
): ParsedTranscript {
  const maxErrors = options.maxErrors ?? 100;
  const text = file.text;
  const n = text.length;
  const diagnostics: Diagnostic[] = [];
  let errorCount = 0;
  const report = (d: Diagnostic) => {
    if (d.severity === "error") errorCount++;
    if (errorCount <= maxErrors) diagnostics.push(d);
  };

  const ruleIdx = new GrowableInt32();
  const valueStart = new GrowableInt32();
  const lines = new GrowableInt32();
  const starts = new GrowableInt32();
  const ends = new GrowableInt32();
  const publicFlags: number[] = [];
  const values: bigint[] = [];
  let section: "none" | "public" | "private" = "none";
  let publicHeaderAt = -1;
  let privateHeaderAt = -1;
  let publicCount = 0;
  let reportedOutside = false;
  // Rules looked up by name once each: transcripts repeat few names many times.
  const ruleCache = new Map<string, Rule | null>();

  let pos = 0;
  let line = 0;
  while (pos < n) {
    line++;
    let eol = text.indexOf("\n", pos);
    if (eol < 0) eol = n;
    const lineEnd = eol;
    let i = pos;
    const skipWs = () => {
      while (i < lineEnd) {
        const c = text.charCodeAt(i);
        if (c === SPACE || c === TAB || c === CR) i++;
        else break;
      }
    };
    const atLineRest = (): boolean => {
      skipWs();
      return i >= lineEnd || (text.charCodeAt(i) === SLASH && text.charCodeAt(i + 1) === SLASH);
    };
    const syntax = (at: number, message: string, help?: string) => {
      report(diagnostic("BM0201", message, span(file, at, at + 1), help ? { help } : {}));
    };
    const found = (at: number): string => {
      if (at >= lineEnd) return "end of line";
      if (text.charCodeAt(at) === SLASH && text.charCodeAt(at + 1) === SLASH) return "a comment";
      return JSON.stringify(text[at]);
    };

    lineBody: {
      if (atLineRest()) break lineBody;
      const nameStart = i;
      const c0 = text.charCodeAt(i);
      if (!isIdentStart(c0)) {
        syntax(i, `expected a block such as rule(1, 2) or a section header, found ${found(i)}`);
        break lineBody;
      }
      while (i < lineEnd && isIdentPart(text.charCodeAt(i))) i++;
      const name = text.slice(nameStart, i);
      skipWs();
      if (text.charCodeAt(i) === COLON && (name === "public" || name === "private")) {
        const headerSpan = span(file, nameStart, i + 1);
        i++;
        if (!atLineRest()) {
          syntax(
            i,
            `expected end of line after \`${name}:\`, found ${found(i)}`,
            "put each block on its own line",
          );
        }
        if (name === "public") {
          if (publicHeaderAt >= 0 || privateHeaderAt >= 0) {
            report(
              diagnostic(
                "BM0207",
                publicHeaderAt >= 0
                  ? "`public:` appears twice"
                  : "`public:` must come before `private:`",
                headerSpan,
              ),
            );
          } else publicHeaderAt = nameStart;
          section = "public";
        } else {
          if (privateHeaderAt >= 0)
            report(diagnostic("BM0207", "`private:` appears twice", headerSpan));
          else privateHeaderAt = nameStart;
          section = "private";
        }
        break lineBody;
      }
      if (text.charCodeAt(i) !== LPAREN) {
        syntax(i, `expected '(' after the rule name \`${name}\`, found ${found(i)}`);
        break lineBody;
      }
      i++;
      const firstValue = values.length;
      let semicolonAfter = -1;
      let semicolonAt = -1;
      let ok = true;
      skipWs();
      if (text.charCodeAt(i) !== RPAREN) {
        for (;;) {
          skipWs();
          const vStart = i;
          const c = text.charCodeAt(i);
          if (!(i < lineEnd && isDigit(c))) {
            syntax(i, `expected a value (a decimal or 0x hex integer), found ${found(i)}`);
            ok = false;
            break;
          }
          let value: bigint;
          if (c === 48 && (text.charCodeAt(i + 1) === 120 || text.charCodeAt(i + 1) === 88)) {
            i += 2;
            const digits = i;
            while (i < lineEnd && isHexDigit(text.charCodeAt(i))) i++;
            if (i === digits) {
              syntax(i, `expected hex digits after 0x, found ${found(i)}`);
              ok = false;
              break;
            }
            value = BigInt(text.slice(vStart, i));
          } else {
            while (i < lineEnd && isDigit(text.charCodeAt(i))) i++;
            // Up to 15 digits fit a double exactly; most values are small names and depths.
            value =
              i - vStart <= 15
                ? BigInt(Number(text.slice(vStart, i)))
                : BigInt(text.slice(vStart, i));
          }
          if (i < lineEnd && isIdentPart(text.charCodeAt(i))) {
            syntax(i, `unexpected ${found(i)} in a number`);
            ok = false;
            break;
          }
          if (value >= P) {
            report(
              diagnostic(
                "BM0205",
                "value is not below the BN254 scalar field modulus",
                span(file, vStart, i),
                {
                  help: `values must be below ${P}`,
                },
              ),
            );
            ok = false;
          }
          values.push(value);
          skipWs();
          const sep = text.charCodeAt(i);
          if (sep === COMMA) {
            i++;
            continue;
          }
          if (sep === SEMI) {
            if (semicolonAt >= 0) {
              syntax(i, "a block has at most one ';'");
              ok = false;
              break;
            }
            semicolonAt = i;
            semicolonAfter = values.length - firstValue;
            i++;
            continue;
          }
          if (sep === RPAREN) break;
          syntax(i, `expected ',' or ')', found ${found(i)}`);
          ok = false;
          break;
        }
      }
      if (!ok) {
        values.length = firstValue;
        break lineBody;
      }
      i++; // the ')'
      const blockEnd = i;
      if (!atLineRest()) {
        syntax(
          i,
          `expected end of line after the block, found ${found(i)}`,
          "put each block on its own line",
        );
        values.length = firstValue;
        break lineBody;
      }
      const blockSpan = span(file, nameStart, blockEnd);
      let rule = ruleCache.get(name);
      if (rule === undefined) {
        rule = ruleSet.ruleByName.get(name) ?? null;
        ruleCache.set(name, rule);
      }
      const count = values.length - firstValue;
      let valid = true;
      if (!rule) {
        report(unknownRule(name, span(file, nameStart, nameStart + name.length), ruleSet));
        valid = false;
      } else if (count !== rule.vars.length) {
        report(
          diagnostic(
            "BM0203",
            `\`${name}\` has ${rule.vars.length} variable${rule.vars.length === 1 ? "" : "s"}, this block gives ${count} value${count === 1 ? "" : "s"}`,
            blockSpan,
            { related: [{ span: rule.nameSpan, message: `rule ${headerText(rule)}` }] },
          ),
        );
        valid = false;
      } else if (semicolonAt >= 0 && (semicolonAfter !== rule.shownCount || !rule.hasSemicolon)) {
        report(
          diagnostic(
            "BM0204",
            rule.hasSemicolon
              ? `\`;\` must follow the first ${rule.shownCount} value${rule.shownCount === 1 ? "" : "s"} of \`${name}\``
              : `\`${name}\` has no \`;\` in its header`,
            span(file, semicolonAt, semicolonAt + 1),
            { related: [{ span: rule.nameSpan, message: `rule ${headerText(rule)}` }] },
          ),
        );
        valid = false;
      }
      if (section === "none") {
        if (!reportedOutside) {
          report(
            diagnostic("BM0206", "block before any section header", blockSpan, {
              help: "start the transcript with `public:` (optional) and `private:`",
            }),
          );
          reportedOutside = true;
        }
        valid = false;
      }
      if (!valid) {
        values.length = firstValue;
        break lineBody;
      }
      ruleIdx.push(rule!.index);
      valueStart.push(firstValue);
      lines.push(line);
      starts.push(nameStart);
      ends.push(blockEnd);
      const isPublic = section === "public" ? 1 : 0;
      publicFlags.push(isPublic);
      if (isPublic) publicCount++;
    }
    pos = eol + 1;
  }
  if (errorCount > maxErrors) {
    diagnostics.push(
      diagnostic(
        "BM0201",
        `${errorCount - maxErrors} more errors not shown (stopped after ${maxErrors})`,
      ),
    );
  }
  if (errorCount > 0) return { diagnostics, errorCount };
  valueStart.push(values.length);
  const transcript: Transcript = {
    file,
    ruleSet,
    blockCount: ruleIdx.length,
    rule: ruleIdx.done(),
    valueStart: valueStart.done(),
    values,
    isPublic: Uint8Array.from(publicFlags),
    line: lines.done(),
    start: starts.done(),
    end: ends.done(),
    publicCount,
  };
  return { transcript, diagnostics, errorCount };
}

export function headerText(rule: Rule): string {
  const shown = rule.vars.slice(0, rule.shownCount).join(", ");
  const hidden = rule.vars.slice(rule.shownCount).join(", ");
  return `${rule.name}(${rule.hasSemicolon ? `${shown}; ${hidden}`.trim() : shown})`;
}

function unknownRule(name: string, at: ReturnType<typeof span>, ruleSet: RuleSet): Diagnostic {
  const lower = name.toLowerCase();
  const close = [...ruleSet.ruleByName.keys()].find(
    (k) => k.toLowerCase() === lower || k.startsWith(name) || name.startsWith(k),
  );
  return diagnostic("BM0202", `unknown rule \`${name}\``, at, {
    help: close
      ? `did you mean \`${close}\`?`
      : `the rule file defines ${[...ruleSet.ruleByName.keys()].slice(0, 8).join(", ")}${ruleSet.rules.length > 8 ? ", ..." : ""}`,
  });
}
