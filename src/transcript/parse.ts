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
import { lazyTranscript, NUMBER_BOUND, type Transcript } from "./model.js";

const NUMBER_BOUND_BIG = BigInt(NUMBER_BOUND);

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

/**
 * A typed array that grows by half when full. `done()` hands over the filled part without a
 * copy when it is at least half of the buffer: at a million blocks a copy is a peak of tens of
 * MiB for nothing.
 */
class Growable<T extends Int32Array | Float64Array | Uint8Array> {
  length = 0;
  constructor(
    public data: T,
    private readonly make: (n: number) => T,
  ) {}
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = this.make(Math.ceil(this.data.length * 1.5) + 16);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  /** Makes room for `n` more values, so that they can be written to `data` directly. */
  reserve(n: number): void {
    if (this.length + n <= this.data.length) return;
    const next = this.make(Math.max(Math.ceil(this.data.length * 1.5), this.length + n) + 16);
    next.set(this.data);
    this.data = next;
  }
  done(): T {
    const filled = this.data.subarray(0, this.length) as T;
    return this.length * 2 >= this.data.length ? filled : (filled.slice() as T);
  }
}

const int32s = (n: number) => new Growable(new Int32Array(n), (m) => new Int32Array(m));

/** Entries of the scanner's cache of recent rule names (a power of two). */
const RECENT_NAMES = 64;

/** Decimal literals of at most this many digits, and hex of at most 13, fit a double exactly. */
const EXACT_DECIMAL_DIGITS = 15;
const EXACT_HEX_DIGITS = 13;

function hexDigitValue(c: number): number {
  if (c <= 57) return c - 48;
  return (c | 32) - 87;
}

export function parseTranscript(
  file: SourceFile,
  ruleSet: RuleSet,
  options: ParseTranscriptOptions = {},
): ParsedTranscript {
  return new TranscriptScanner(file, ruleSet, options.maxErrors ?? 100).run();
}

/**
 * The scanner's state: the current line is text[lineStart, lineEnd) and `i` the position in
 * it. Values go into a column of doubles (exact below 2^53, else -1 with the BigInt kept by
 * index), so that reading a million blocks makes no BigInt at all.
 */
class TranscriptScanner {
  private readonly text: string;
  private readonly diagnostics: Diagnostic[] = [];
  private errorCount = 0;

  // Sized for one block a line, so that they never grow.
  private readonly ruleIdx: Growable<Int32Array>;
  private readonly valueStart: Growable<Int32Array>;
  private readonly lines: Growable<Int32Array>;
  private readonly starts: Growable<Int32Array>;
  private readonly ends: Growable<Int32Array>;
  private readonly publicFlags: Growable<Uint8Array>;
  /** Three values a line to start with. */
  private readonly numbers: Growable<Float64Array>;
  private readonly bigValues = new Map<number, bigint>();
  private section: "none" | "public" | "private" = "none";
  private publicHeaderAt = -1;
  private privateHeaderAt = -1;
  private publicCount = 0;
  private reportedOutside = false;
  /** Rules looked up by name once each: transcripts repeat few names many times. */
  private readonly ruleCache = new Map<string, Rule | null>();
  private readonly namesByShape = new Map<number, string[]>();
  private readonly recentNames = new Array<string | undefined>(RECENT_NAMES).fill(undefined);
  /** Where the current block's ';' is, and how many values precede it (-1: none). */
  private semicolonAt = -1;
  private semicolonAfter = -1;

  private line = 0;
  private lineEnd = 0;
  private i = 0;

  constructor(
    private readonly file: SourceFile,
    private readonly ruleSet: RuleSet,
    private readonly maxErrors: number,
  ) {
    this.text = file.text;
    const lineCount = file.lineCount + 1;
    this.ruleIdx = int32s(lineCount);
    this.valueStart = int32s(lineCount);
    this.lines = int32s(lineCount);
    this.starts = int32s(lineCount);
    this.ends = int32s(lineCount);
    this.publicFlags = new Growable(new Uint8Array(lineCount), (m) => new Uint8Array(m));
    this.numbers = new Growable(new Float64Array(lineCount * 3), (m) => new Float64Array(m));
  }

  run(): ParsedTranscript {
    const { text } = this;
    const n = text.length;
    let pos = 0;
    while (pos < n) {
      this.line++;
      let eol = text.indexOf("\n", pos);
      if (eol < 0) eol = n;
      this.lineEnd = eol;
      this.i = pos;
      this.scanLine();
      pos = eol + 1;
    }
    return this.finish();
  }

  private report(d: Diagnostic): void {
    if (d.severity === "error") this.errorCount++;
    if (this.errorCount <= this.maxErrors) this.diagnostics.push(d);
  }

  private skipWs(): void {
    const { text, lineEnd } = this;
    let i = this.i;
    while (i < lineEnd) {
      const c = text.charCodeAt(i);
      if (c === SPACE || c === TAB || c === CR) i++;
      else break;
    }
    this.i = i;
  }

  /** Skips blanks; true if only a comment or nothing is left on the line. */
  private atLineRest(): boolean {
    this.skipWs();
    const { text, i } = this;
    return i >= this.lineEnd || (text.charCodeAt(i) === SLASH && text.charCodeAt(i + 1) === SLASH);
  }

  private syntax(at: number, message: string, help?: string): void {
    this.report(diagnostic("BM0201", message, span(this.file, at, at + 1), help ? { help } : {}));
  }

  private found(at: number): string {
    const { text } = this;
    if (at >= this.lineEnd) return "end of line";
    if (text.charCodeAt(at) === SLASH && text.charCodeAt(at + 1) === SLASH) return "a comment";
    return JSON.stringify(text[at]);
  }

  /**
   * text[start, end) as a string seen before when there is one: a million blocks repeat a few
   * rule names, and a name found by length, first and last character (then compared) costs
   * no new string and hashes once for the rule lookup.
   */
  private nameAt(start: number, end: number): string {
    const { text, recentNames } = this;
    const length = end - start;
    const first = text.charCodeAt(start);
    const last = text.charCodeAt(end - 1);
    // First the name last seen with this shape, compared character by character: no Map and
    // no builtin call for nearly every line.
    const recent = (length * 31 + first * 7 + last) & (RECENT_NAMES - 1);
    const seen = recentNames[recent];
    if (seen !== undefined && seen.length === length) {
      let k = 1;
      while (k < length && seen.charCodeAt(k) === text.charCodeAt(start + k)) k++;
      if (k === length && seen.charCodeAt(0) === first) return seen;
    }
    const name = this.knownNameAt(start, end, length * 65536 + first * 256 + last);
    recentNames[recent] = name;
    return name;
  }

  /** nameAt's slower path: the (at most 8) names seen of this length, first and last character. */
  private knownNameAt(start: number, end: number, key: number): string {
    const { text } = this;
    let names = this.namesByShape.get(key);
    if (names) {
      for (const name of names) if (text.startsWith(name, start)) return name;
    } else this.namesByShape.set(key, (names = []));
    const name = text.slice(start, end);
    if (names.length < 8) names.push(name);
    return name;
  }

  /** One line: blank, a section header, or a block. */
  private scanLine(): void {
    if (this.atLineRest()) return;
    const { text } = this;
    const nameStart = this.i;
    if (!isIdentStart(text.charCodeAt(nameStart))) {
      this.syntax(
        nameStart,
        `expected a block such as rule(1, 2) or a section header, found ${this.found(nameStart)}`,
      );
      return;
    }
    let i = nameStart;
    while (i < this.lineEnd && isIdentPart(text.charCodeAt(i))) i++;
    const name = this.nameAt(nameStart, i);
    this.i = i;
    this.skipWs();
    if (text.charCodeAt(this.i) === COLON && (name === "public" || name === "private")) {
      this.scanHeader(name, nameStart);
      return;
    }
    if (text.charCodeAt(this.i) !== LPAREN) {
      this.syntax(
        this.i,
        `expected '(' after the rule name \`${name}\`, found ${this.found(this.i)}`,
      );
      return;
    }
    this.i++;
    this.scanBlock(name, nameStart);
  }

  /** `public:` or `private:`, with `i` at the colon. */
  private scanHeader(name: "public" | "private", nameStart: number): void {
    const headerSpan = span(this.file, nameStart, this.i + 1);
    this.i++;
    if (!this.atLineRest()) {
      this.syntax(
        this.i,
        `expected end of line after \`${name}:\`, found ${this.found(this.i)}`,
        "put each block on its own line",
      );
    }
    if (name === "public") {
      if (this.publicHeaderAt >= 0 || this.privateHeaderAt >= 0) {
        this.report(
          diagnostic(
            "BM0207",
            this.publicHeaderAt >= 0
              ? "`public:` appears twice"
              : "`public:` must come before `private:`",
            headerSpan,
          ),
        );
      } else this.publicHeaderAt = nameStart;
      this.section = "public";
    } else {
      if (this.privateHeaderAt >= 0)
        this.report(diagnostic("BM0207", "`private:` appears twice", headerSpan));
      else this.privateHeaderAt = nameStart;
      this.section = "private";
    }
  }

  /** A block after its '(': values, ')', then the checks against the rule's header. */
  private scanBlock(name: string, nameStart: number): void {
    const firstValue = this.numbers.length;
    if (!this.scanValues()) {
      this.dropValuesFrom(firstValue);
      return;
    }
    this.i++; // the ')'
    const blockEnd = this.i;
    if (!this.atLineRest()) {
      this.syntax(
        this.i,
        `expected end of line after the block, found ${this.found(this.i)}`,
        "put each block on its own line",
      );
      this.dropValuesFrom(firstValue);
      return;
    }
    const count = this.numbers.length - firstValue;
    const rule = this.checkBlock(name, nameStart, blockEnd, count);
    if (!rule) {
      this.dropValuesFrom(firstValue);
      return;
    }
    this.ruleIdx.push(rule.index);
    this.valueStart.push(firstValue);
    this.lines.push(this.line);
    this.starts.push(nameStart);
    this.ends.push(blockEnd);
    const isPublic = this.section === "public" ? 1 : 0;
    this.publicFlags.push(isPublic);
    if (isPublic) this.publicCount++;
  }

  private dropValuesFrom(firstValue: number): void {
    for (let k = firstValue; k < this.numbers.length; k++) this.bigValues.delete(k);
    this.numbers.length = firstValue;
  }

  /**
   * The values of a block up to its ')' (left at `i`), noting where its ';' is. False after an
   * error.
   */
  private scanValues(): boolean {
    return this.scanPlainValues() || this.scanAnyValues();
  }

  /**
   * scanValues for the blocks nearly every transcript is made of: decimal values of at most 15
   * digits, in one loop over local variables (a third of the reader's time went to the general
   * scanner). False, with nothing consumed or pushed, on anything else (hex, long literals,
   * errors): then scanAnyValues reads the block again and reports what is wrong.
   */
  private scanPlainValues(): boolean {
    const { text, numbers } = this;
    const first = numbers.length;
    let i = this.i;
    // A value takes a digit and a separator, and the line's break or end stops every loop
    // below (it is neither a blank, a digit nor a separator).
    numbers.reserve(((this.lineEnd - i) >> 1) + 1);
    const data = numbers.data;
    let n = first;
    let semicolonAt = -1;
    let semicolonAfter = -1;
    let c = text.charCodeAt(i);
    while (c === SPACE || c === TAB || c === CR) c = text.charCodeAt(++i);
    if (c !== RPAREN) {
      for (;;) {
        while (c === SPACE || c === TAB || c === CR) c = text.charCodeAt(++i);
        if (!(c >= 48 && c <= 57)) return false;
        const start = i;
        let value = c - 48;
        c = text.charCodeAt(++i);
        while (c >= 48 && c <= 57) {
          value = value * 10 + (c - 48);
          c = text.charCodeAt(++i);
        }
        // Longer literals may not be exact doubles. (Hex and letters after digits fail below:
        // they are no separator.)
        if (i - start > EXACT_DECIMAL_DIGITS) return false;
        data[n++] = value;
        while (c === SPACE || c === TAB || c === CR) c = text.charCodeAt(++i);
        if (c === COMMA) {
          c = text.charCodeAt(++i);
        } else if (c === SEMI && semicolonAt < 0) {
          semicolonAt = i;
          semicolonAfter = n - first;
          c = text.charCodeAt(++i);
        } else if (c === RPAREN) break;
        else return false;
      }
    }
    numbers.length = n;
    this.semicolonAt = semicolonAt;
    this.semicolonAfter = semicolonAfter;
    this.i = i;
    return true;
  }

  /** scanValues for any block, with every error reported. */
  private scanAnyValues(): boolean {
    const { text } = this;
    const firstValue = this.numbers.length;
    this.semicolonAt = -1;
    this.semicolonAfter = -1;
    let ok = true;
    this.skipWs();
    if (text.charCodeAt(this.i) === RPAREN) return true;
    for (;;) {
      this.skipWs();
      const result = this.scanValue();
      if (result === "syntax") return false;
      if (result === "range") ok = false;
      this.skipWs();
      const sep = text.charCodeAt(this.i);
      if (sep === COMMA) {
        this.i++;
        continue;
      }
      if (sep === SEMI) {
        if (this.semicolonAt >= 0) {
          this.syntax(this.i, "a block has at most one ';'");
          return false;
        }
        this.semicolonAt = this.i;
        this.semicolonAfter = this.numbers.length - firstValue;
        this.i++;
        continue;
      }
      if (sep === RPAREN) return ok;
      this.syntax(this.i, `expected ',' or ')', found ${this.found(this.i)}`);
      return false;
    }
  }

  /** One value at `i`, pushed onto the columns; "range" if it is not below P (reported). */
  private scanValue(): "ok" | "syntax" | "range" {
    const { text, lineEnd } = this;
    const vStart = this.i;
    let i = vStart;
    const c = text.charCodeAt(i);
    if (!(i < lineEnd && isDigit(c))) {
      this.syntax(i, `expected a value (a decimal or 0x hex integer), found ${this.found(i)}`);
      return "syntax";
    }
    let exact = 0;
    let digitCount: number;
    let exactDigits: number;
    if (c === 48 && (text.charCodeAt(i + 1) === 120 || text.charCodeAt(i + 1) === 88)) {
      i += 2;
      const digits = i;
      while (i < lineEnd && isHexDigit(text.charCodeAt(i))) {
        exact = exact * 16 + hexDigitValue(text.charCodeAt(i));
        i++;
      }
      if (i === digits) {
        this.syntax(i, `expected hex digits after 0x, found ${this.found(i)}`);
        return "syntax";
      }
      digitCount = i - digits;
      exactDigits = EXACT_HEX_DIGITS;
    } else {
      while (i < lineEnd && isDigit(text.charCodeAt(i))) {
        exact = exact * 10 + (text.charCodeAt(i) - 48);
        i++;
      }
      digitCount = i - vStart;
      exactDigits = EXACT_DECIMAL_DIGITS;
    }
    this.i = i;
    if (i < lineEnd && isIdentPart(text.charCodeAt(i))) {
      this.syntax(i, `unexpected ${this.found(i)} in a number`);
      return "syntax";
    }
    if (digitCount <= exactDigits) {
      this.numbers.push(exact);
      return "ok";
    }
    // Long literals (possibly with leading zeros) are read exactly.
    const value = BigInt(text.slice(vStart, i));
    if (value < NUMBER_BOUND_BIG) {
      this.numbers.push(Number(value));
      return "ok";
    }
    this.bigValues.set(this.numbers.length, value);
    this.numbers.push(-1);
    if (value < P) return "ok";
    this.report(
      diagnostic(
        "BM0205",
        "value is not below the BN254 scalar field modulus",
        span(this.file, vStart, i),
        {
          help: `values must be below ${P}`,
        },
      ),
    );
    return "range";
  }

  /** The rule of a well-formed block, or undefined after reporting why it does not fit. */
  private checkBlock(
    name: string,
    nameStart: number,
    blockEnd: number,
    count: number,
  ): Rule | undefined {
    const { semicolonAt, semicolonAfter } = this;
    const blockSpan = () => span(this.file, nameStart, blockEnd);
    let rule = this.ruleCache.get(name);
    if (rule === undefined) {
      rule = this.ruleSet.ruleByName.get(name) ?? null;
      this.ruleCache.set(name, rule);
    }
    let valid = true;
    if (!rule) {
      this.report(
        unknownRule(name, span(this.file, nameStart, nameStart + name.length), this.ruleSet),
      );
      valid = false;
    } else if (count !== rule.vars.length) {
      this.report(
        diagnostic(
          "BM0203",
          `\`${name}\` has ${rule.vars.length} variable${rule.vars.length === 1 ? "" : "s"}, this block gives ${count} value${count === 1 ? "" : "s"}`,
          blockSpan(),
          { related: [{ span: rule.nameSpan, message: `rule ${headerText(rule)}` }] },
        ),
      );
      valid = false;
    } else if (semicolonAt >= 0 && (semicolonAfter !== rule.shownCount || !rule.hasSemicolon)) {
      this.report(
        diagnostic(
          "BM0204",
          rule.hasSemicolon
            ? `\`;\` must follow the first ${rule.shownCount} value${rule.shownCount === 1 ? "" : "s"} of \`${name}\``
            : `\`${name}\` has no \`;\` in its header`,
          span(this.file, semicolonAt, semicolonAt + 1),
          { related: [{ span: rule.nameSpan, message: `rule ${headerText(rule)}` }] },
        ),
      );
      valid = false;
    }
    if (this.section === "none") {
      if (!this.reportedOutside) {
        this.report(
          diagnostic("BM0206", "block before any section header", blockSpan(), {
            help: "start the transcript with `public:` (optional) and `private:`",
          }),
        );
        this.reportedOutside = true;
      }
      valid = false;
    }
    return valid ? rule! : undefined;
  }

  private finish(): ParsedTranscript {
    const { diagnostics, errorCount, maxErrors } = this;
    if (errorCount > maxErrors) {
      diagnostics.push(
        diagnostic(
          "BM0201",
          `${errorCount - maxErrors} more errors not shown (stopped after ${maxErrors})`,
        ),
      );
    }
    if (errorCount > 0) return { diagnostics, errorCount };
    this.valueStart.push(this.numbers.length);
    const transcript = lazyTranscript({
      file: this.file,
      ruleSet: this.ruleSet,
      blockCount: this.ruleIdx.length,
      rule: this.ruleIdx.done(),
      valueStart: this.valueStart.done(),
      numbers: this.numbers.done(),
      bigValues: this.bigValues,
      isPublic: this.publicFlags.done(),
      line: this.lines.done(),
      start: this.starts.done(),
      end: this.ends.done(),
      publicCount: this.publicCount,
    });
    return { transcript, diagnostics, errorCount };
  }
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
