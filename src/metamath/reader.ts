/**
 * Reads a Metamath database (the Metamath book's spec, section 4.1-4.2) into the model of
 * ./model.ts: every statement kind, `${ $}` scopes, comments, `$[ $]` includes, normal and
 * compressed proofs (decompressed here into step arrays). Proofs are not checked here; see
 * ./verify.ts.
 *
 * Where the spec leaves room, the reader accepts exactly what metamath-exe accepts, since the
 * differential tests hold it to that:
 * - a variable's `$f` is checked when an assertion needs it: a variable of an assertion or of an
 *   active `$e` must have exactly one active `$f` then (a `$e` or a second `$f` that no
 *   assertion uses is not an error);
 * - a compressed proof's `Z` may tag only an assertion step, and its label list may not name a
 *   mandatory hypothesis;
 * - `$[ FILE $]` is resolved relative to the including file's folder (metamath-exe uses the
 *   current folder; bmc must not depend on where it runs) and a file is included once.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { Code } from "../diagnostics/codes.js";
import { diagnostic } from "../diagnostics/diagnostic.js";
import { SourceFile, span } from "../diagnostics/source.js";
import { CompressedStepDecoder } from "./compressed.js";
import { HAS_DOLLAR, IllegalCharacter, LABEL_CHARACTERS, Lexer, TokenTable } from "./lexer.js";
import type {
  Assertion,
  FloatingHypothesis,
  Frame,
  Location,
  MetamathDatabase,
  MetamathDiagnostic,
  MetamathReadOptions,
  MetamathReadResult,
  MetamathSymbol,
  Proof,
  Statement,
  SymbolId,
  Theorem,
} from "./model.js";

/** An error inside one statement: the reader records it and skips to the statement's `$.`. */
export class StatementError {
  constructor(
    readonly code: Code,
    readonly message: string,
    readonly file: number,
    readonly start: number,
    readonly end: number,
    readonly extra: Partial<MetamathDiagnostic> = {},
  ) {}
}

/** A growable Int32Array that reads `fill` beyond what was written. */
class IntArray {
  private data: Int32Array;
  constructor(private readonly fill: number) {
    this.data = new Int32Array(1024).fill(fill);
  }
  get(i: number): number {
    return i < this.data.length ? this.data[i] : this.fill;
  }
  set(i: number, value: number): void {
    if (i >= this.data.length) {
      const bigger = new Int32Array(Math.max(this.data.length * 2, i + 1)).fill(this.fill);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[i] = value;
  }
}

/** Pairs of symbol ids as one number, smaller id first. */
export const PAIR_BASE = 2 ** 24;
export function pairKey(a: SymbolId, b: SymbolId): number {
  return a < b ? a * PAIR_BASE + b : b * PAIR_BASE + a;
}

const MAX_DIAGNOSTICS = 100;

const NO_PAIRS: readonly (readonly [SymbolId, SymbolId])[] = [];
const NO_KEYS: readonly number[] = [];

/** Pair keys as sorted, distinct pairs. */
function pairsOf(keys: Iterable<number>): (readonly [SymbolId, SymbolId])[] {
  return [...new Set(keys)]
    .sort((x, y) => x - y)
    .map((k) => [Math.floor(k / PAIR_BASE), k % PAIR_BASE] as const);
}

/**
 * The $d pairs active where a theorem is stated, sorted and distinct, smaller id first (built
 * when asked for, once per keys array: theorems in one scope share theirs). The reader keeps
 * only the keys: building pairs for every theorem was a tenth of reading nf.mm, and the proof
 * checker needs the keys alone.
 */
const pairsByKeys = new WeakMap<readonly number[], readonly (readonly [SymbolId, SymbolId])[]>();
export function activeDisjoint(theorem: Theorem): readonly (readonly [SymbolId, SymbolId])[] {
  const keys = theorem.activeDisjointKeys;
  if (keys.length === 0) return NO_PAIRS;
  let pairs = pairsByKeys.get(keys);
  if (!pairs) pairsByKeys.set(keys, (pairs = pairsOf(keys)));
  return pairs;
}

/** The files behind each database read, for locating proof steps in diagnostics later. */
const sourcesByDatabase = new WeakMap<MetamathDatabase, SourceFiles>();
export function sourcesOf(db: MetamathDatabase): SourceFiles | undefined {
  return sourcesByDatabase.get(db);
}

/** Lazily built source files (a line index of set.mm is only made when something is wrong there). */
export class SourceFiles {
  private made: SourceFile[] = [];
  constructor(
    readonly paths: readonly string[],
    readonly bytes: readonly Uint8Array[],
  ) {}
  get(file: number): SourceFile {
    return (this.made[file] ??= new SourceFile(
      this.paths[file],
      Buffer.from(
        this.bytes[file].buffer,
        this.bytes[file].byteOffset,
        this.bytes[file].length,
      ).toString("latin1"),
    ));
  }
  diagnostic(e: StatementError): MetamathDiagnostic {
    const file = this.get(e.file);
    return { ...diagnostic(e.code, e.message, span(file, e.start, e.end)), ...e.extra };
  }
}

function defaultReadFile(path: string): Uint8Array | undefined {
  try {
    return readFileSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
}

export function readMetamath(path: string, options: MetamathReadOptions = {}): MetamathReadResult {
  const readFile = options.readFile ?? defaultReadFile;
  const absolute = resolve(path);
  let bytes: Uint8Array | undefined;
  try {
    bytes = readFile(absolute);
  } catch (e) {
    return {
      diagnostics: [diagnostic("BM0901", `cannot read ${path}: ${(e as Error).message}`)],
    };
  }
  if (!bytes) return { diagnostics: [diagnostic("BM0901", `cannot read ${path}: no such file`)] };
  return new Reader(absolute, bytes, readFile).read();
}

const KEYWORDS = [
  "$c",
  "$v",
  "$f",
  "$e",
  "$d",
  "$a",
  "$p",
  "$=",
  "$.",
  "${",
  "$}",
  "$(",
  "$)",
  "$[",
  "$]",
];
const [C, V, F, E, D, A, P, EQ, DOT, OPEN, CLOSE, COMMENT, END_COMMENT, INCLUDE, END_INCLUDE] =
  KEYWORDS.map((_, i) => i);

interface Scope {
  /** Where its `${` is. */
  file: number;
  start: number;
  hypotheses: number;
  essentials: number;
  disjoint: number;
  variables: SymbolId[];
}

class Reader {
  private readonly tokens = new TokenTable();
  private readonly files: string[] = [];
  private readonly fileBytes: Uint8Array[] = [];
  private readonly sources: SourceFiles;
  private lexers: Lexer[] = [];
  private lexer!: Lexer;
  private token = -1;
  private tokenCount = 0;
  private readonly diagnostics: MetamathDiagnostic[] = [];

  private readonly symbols: MetamathSymbol[] = [];
  private readonly symbolIds = new Map<string, SymbolId>();
  /** Per token id: its symbol id, or -1. */
  private readonly symbolOfToken = new IntArray(-1);
  /** Per token id: its statement index, or -1. */
  private readonly labelOfToken = new IntArray(-1);
  /** Per symbol id: 1 when the symbol is a variable. */
  private readonly isVariable = new IntArray(0);
  /** Per symbol id: 1 when the variable is active. */
  private readonly activeVariable = new IntArray(0);
  private readonly statements: Statement[] = [];
  private readonly labels = new Map<string, number>();
  /** Per statement index: 1 when the hypothesis is active. */
  private readonly activeHypothesis = new IntArray(0);
  private readonly hypotheses: number[] = [];
  /** The active `$e` hypotheses, in order. */
  private readonly essentials: number[] = [];
  /** Per variable: its latest active `$f`, and how many are active. */
  private readonly floatOf = new IntArray(-1);
  private readonly floatCount = new IntArray(0);
  private readonly disjoint: number[] = [];
  private readonly scopes: Scope[] = [];
  private readonly mark = new IntArray(0);
  private stamp = 0;
  /** Counts scope openings and closings: with the list's length, it dates the active $d pairs. */
  private scopeSerial = 0;
  private disjointCache?: { length: number; keys: readonly number[] };
  private disjointCacheScope = -1;
  /** Token of the label of the `$p` whose proof is being read. */
  private theoremLabel = -1;

  constructor(
    path: string,
    bytes: Uint8Array,
    private readonly readFile: (path: string) => Uint8Array | undefined,
  ) {
    for (const k of KEYWORDS) this.tokens.internString(k);
    this.files.push(path);
    this.fileBytes.push(bytes);
    this.sources = new SourceFiles(this.files, this.fileBytes);
    this.lexer = new Lexer(bytes, 0);
  }

  read(): MetamathReadResult {
    try {
      this.statementsLoop();
    } catch (e) {
      if (!(e instanceof StatementError)) throw e;
      this.report(e);
    }
    const unclosed = this.scopes.at(-1);
    if (unclosed && this.diagnostics.length === 0)
      this.report(
        new StatementError(
          "BM0716",
          `\`\${\` not closed by \`$}\` at the end of the file (${this.scopes.length} open)`,
          unclosed.file,
          unclosed.start,
          unclosed.start + 2,
        ),
      );
    if (this.diagnostics.length > 0) return { diagnostics: this.diagnostics };
    const database: MetamathDatabase = {
      files: this.files,
      symbols: this.symbols,
      symbolIds: this.symbolIds,
      statements: this.statements,
      labels: this.labels,
      tokenCount: this.tokenCount,
    };
    sourcesByDatabase.set(database, this.sources);
    return { database, diagnostics: [] };
  }

  private report(e: StatementError): void {
    if (this.diagnostics.length < MAX_DIAGNOSTICS)
      this.diagnostics.push(this.sources.diagnostic(e));
  }

  // ---- tokens ----------------------------------------------------------------------------

  /** Next token of the current file, comments skipped; false at its end. */
  private next(): boolean {
    for (;;) {
      if (!this.advance()) return false;
      this.token = this.tokens.intern(this.lexer.bytes, this.lexer.start, this.lexer.end);
      if (this.token === COMMENT) {
        this.skipComment();
        continue;
      }
      this.tokenCount++;
      return true;
    }
  }

  /**
   * Next token without interning it (the letters of compressed proofs: millions of distinct
   * tokens in set.mm). Comments are skipped; `token` is DOT for `$.` and -1 otherwise.
   */
  private nextRaw(): boolean {
    const b = this.lexer.bytes;
    for (;;) {
      if (!this.advance()) return false;
      const { start, end } = this.lexer;
      const keyword = end - start === 2 && b[start] === 36;
      if (keyword && b[start + 1] === 40) {
        this.skipComment();
        continue;
      }
      this.tokenCount++;
      this.token = keyword && b[start + 1] === 46 ? DOT : -1;
      return true;
    }
  }

  private advance(): boolean {
    try {
      return this.lexer.next();
    } catch (e) {
      if (!(e instanceof IllegalCharacter)) throw e;
      throw new StatementError(
        "BM0701",
        `illegal character (byte ${e.byte}): a Metamath file holds printable ASCII, spaces, tabs and line breaks only`,
        this.lexer.file,
        e.offset,
        e.offset + 1,
      );
    }
  }

  private skipComment(): void {
    const open = this.lexer.start;
    const b = this.lexer.bytes;
    while (this.advance()) {
      const { start, end } = this.lexer;
      for (let i = start; i + 1 < end; i++) {
        if (b[i] !== 36 || (b[i + 1] !== 41 && b[i + 1] !== 40)) continue;
        if (b[i + 1] === 41 && i === start && end === start + 2) return;
        throw this.errorHere(
          "BM0702",
          b[i + 1] === 40
            ? "`$(` inside a comment: comments do not nest"
            : "`$)` must stand alone between white space",
        );
      }
    }
    throw new StatementError(
      "BM0702",
      "comment not closed by `$)`",
      this.lexer.file,
      open,
      open + 2,
    );
  }

  /** Next token inside a statement: the end of the file is an error. */
  private expectToken(what: string, statementStart: number): void {
    if (!this.next())
      throw new StatementError(
        "BM0704",
        `the file ends inside a statement (${what}): \`$.\` missing`,
        this.lexer.file,
        statementStart,
        statementStart + 2,
      );
  }

  private errorHere(
    code: Code,
    message: string,
    extra: Partial<MetamathDiagnostic> = {},
  ): StatementError {
    return new StatementError(
      code,
      message,
      this.lexer.file,
      this.lexer.start,
      this.lexer.end,
      extra,
    );
  }

  private location(): Location {
    const l = this.lexer;
    return { file: l.file, offset: l.start, line: l.tokenLine, column: l.tokenColumn };
  }

  private name(token: number): string {
    return this.tokens.names[token];
  }

  private isKeyword(token: number): boolean {
    return token < KEYWORDS.length;
  }

  /** Tokens with a `$` are keywords; any other one is an error. */
  private checkNoDollar(): void {
    if (this.isKeyword(this.token) || !(this.tokens.flags[this.token] & HAS_DOLLAR)) return;
    throw this.errorHere(
      "BM0703",
      `\`${this.lexer.text()}\`: \`$\` may only start a keyword, and keywords stand alone between white space`,
    );
  }

  // ---- statements ------------------------------------------------------------------------

  private statementsLoop(): void {
    for (;;) {
      let more: boolean;
      try {
        more = this.next();
      } catch (e) {
        if (!(e instanceof StatementError)) throw e;
        this.report(e);
        if (e.code === "BM0702" || e.code === "BM0701") return;
        continue;
      }
      if (!more) {
        if (this.lexers.length === 0) return;
        this.lexer = this.lexers.pop()!;
        continue;
      }
      if (this.diagnostics.length >= MAX_DIAGNOSTICS) return;
      try {
        this.statement();
      } catch (e) {
        if (!(e instanceof StatementError)) throw e;
        this.report(e);
        if (e.code === "BM0701" || e.code === "BM0702" || e.code === "BM0704") return;
        this.skipToEnd();
      }
    }
  }

  /** After an error: on to the `$.` that ends the statement (if we are not on it already). */
  private skipToEnd(): void {
    try {
      while (this.token !== DOT && this.next());
    } catch (e) {
      if (!(e instanceof StatementError)) throw e;
    }
  }

  private statement(): void {
    const t = this.token;
    switch (t) {
      case OPEN:
        this.scopeSerial++;
        this.scopes.push({
          file: this.lexer.file,
          start: this.lexer.start,
          hypotheses: this.hypotheses.length,
          essentials: this.essentials.length,
          disjoint: this.disjoint.length,
          variables: [],
        });
        return;
      case CLOSE:
        this.closeScope();
        return;
      case C:
        return this.constants();
      case V:
        return this.variables();
      case D:
        return this.disjointVariables();
      case INCLUDE:
        return this.include();
      case F:
      case E:
      case A:
      case P:
        throw this.errorHere("BM0705", `\`${this.name(t)}\` needs a label before it`);
    }
    if (this.isKeyword(t))
      throw this.errorHere("BM0703", `unexpected \`${this.name(t)}\` between statements`);
    this.checkNoDollar();
    this.checkLabel();
    const label = t;
    const location = this.location();
    this.expectToken("a labelled statement", location.offset);
    switch (this.token) {
      case F:
        return this.floating(label, location);
      case E:
        return this.essential(label, location);
      case A:
      case P:
        return this.assertion(label, location, this.token === P);
      case C:
      case V:
      case D:
        throw this.errorHere(
          "BM0705",
          `\`${this.name(this.token)}\` takes no label (\`${this.name(label)}\` before it)`,
        );
    }
    throw this.errorHere(
      "BM0703",
      `expected \`$f\`, \`$e\`, \`$a\` or \`$p\` after the label \`${this.name(label)}\``,
    );
  }

  private checkLabel(): void {
    if (!(this.tokens.flags[this.token] & LABEL_CHARACTERS))
      throw this.errorHere(
        "BM0706",
        `\`${this.lexer.text()}\` is not a label: labels use letters, digits, \`-\`, \`_\` and \`.\` only (or a \`$\` keyword is missing)`,
      );
    const t = this.token;
    const earlier = this.labelOfToken.get(t);
    if (earlier >= 0) {
      const s = this.statements[earlier];
      throw this.errorHere(
        "BM0707",
        `label \`${this.name(t)}\` already names the statement on line ${s.location.line}`,
      );
    }
    if (this.symbolOfToken.get(t) >= 0)
      throw this.errorHere("BM0707", `label \`${this.name(t)}\` is already a math symbol`);
  }

  private closeScope(): void {
    const scope = this.scopes.pop();
    if (!scope) throw this.errorHere("BM0716", "`$}` without a `${` to close");
    this.scopeSerial++;
    for (let i = this.hypotheses.length - 1; i >= scope.hypotheses; i--) {
      const h = this.hypotheses[i];
      this.activeHypothesis.set(h, 0);
      const hyp = this.statements[h];
      if (hyp.kind !== "f") continue;
      const v = hyp.variable;
      this.floatCount.set(v, this.floatCount.get(v) - 1);
      if (this.floatOf.get(v) === h) this.floatOf.set(v, this.earlierFloat(v, i));
    }
    this.hypotheses.length = scope.hypotheses;
    this.essentials.length = scope.essentials;
    this.disjoint.length = scope.disjoint;
    for (const v of scope.variables) this.activeVariable.set(v, 0);
  }

  /** The active `$f` of `v` before position `before` of the active hypotheses, or -1. */
  private earlierFloat(v: SymbolId, before: number): number {
    for (let i = before - 1; i >= 0; i--) {
      const hyp = this.statements[this.hypotheses[i]];
      if (hyp.kind === "f" && hyp.variable === v) return hyp.index;
    }
    return -1;
  }

  /** Reads math symbols up to `$.`; each one checked by `each` (called with the token current). */
  private symbolList(what: string, start: number, each: () => void): number {
    let count = 0;
    for (;;) {
      this.expectToken(what, start);
      if (this.token === DOT) return count;
      if (this.isKeyword(this.token))
        throw this.errorHere(
          "BM0704",
          `\`${this.name(this.token)}\` inside ${what}: the \`$.\` that ends it is missing`,
        );
      this.checkNoDollar();
      each();
      count++;
    }
  }

  private constants(): void {
    const start = this.lexer.start;
    if (this.scopes.length > 0)
      throw this.errorHere(
        "BM0710",
        "`$c` is only allowed in the outermost scope, outside `${ $}`",
      );
    const n = this.symbolList("a `$c` statement", start, () => {
      this.checkNewSymbol();
      this.addSymbol("constant");
    });
    if (n === 0) throw this.errorHere("BM0703", "`$c` declares no constant");
  }

  private variables(): void {
    const start = this.lexer.start;
    const n = this.symbolList("a `$v` statement", start, () => {
      const existing = this.symbolOfToken.get(this.token);
      if (existing >= 0 && this.isVariable.get(existing) && !this.activeVariable.get(existing)) {
        this.activeVariable.set(existing, 1);
        this.scopes.at(-1)?.variables.push(existing);
        return;
      }
      this.checkNewSymbol();
      const id = this.addSymbol("variable");
      this.activeVariable.set(id, 1);
      this.scopes.at(-1)?.variables.push(id);
    });
    if (n === 0) throw this.errorHere("BM0703", "`$v` declares no variable");
  }

  private checkNewSymbol(): void {
    const t = this.token;
    const existing = this.symbolOfToken.get(t);
    if (existing >= 0) {
      const s = this.symbols[existing];
      throw this.errorHere(
        "BM0708",
        `\`${s.name}\` is already declared (as a ${s.kind}${s.kind === "variable" ? ", still active" : ""}) on line ${s.location.line}`,
      );
    }
    if (this.labelOfToken.get(t) >= 0)
      throw this.errorHere("BM0707", `math symbol \`${this.name(t)}\` is already a label`);
  }

  private addSymbol(kind: "constant" | "variable"): SymbolId {
    const id = this.symbols.length;
    const name = this.name(this.token);
    this.symbols.push({ id, name, kind, location: this.location() });
    this.symbolIds.set(name, id);
    this.symbolOfToken.set(this.token, id);
    this.isVariable.set(id, kind === "variable" ? 1 : 0);
    this.activeVariable.set(id, 0);
    return id;
  }

  /** The current token as an active math symbol. */
  private activeSymbol(): SymbolId {
    const id = this.symbolOfToken.get(this.token);
    if (id < 0) {
      const what =
        this.labelOfToken.get(this.token) >= 0 ? "a label, not a math symbol" : "not declared";
      throw this.errorHere("BM0709", `\`${this.lexer.text()}\` is ${what}`);
    }
    if (this.isVariable.get(id) && !this.activeVariable.get(id))
      throw this.errorHere(
        "BM0709",
        `variable \`${this.symbols[id].name}\` is not active here (its \`$v\` scope has ended)`,
      );
    return id;
  }

  private disjointVariables(): void {
    const start = this.lexer.start;
    const vars: SymbolId[] = [];
    this.symbolList("a `$d` statement", start, () => {
      const id = this.activeSymbol();
      if (!this.isVariable.get(id))
        throw this.errorHere(
          "BM0714",
          `\`${this.symbols[id].name}\` in a \`$d\` is a constant, not a variable`,
        );
      if (vars.includes(id))
        throw this.errorHere("BM0714", `\`${this.symbols[id].name}\` appears twice in one \`$d\``);
      vars.push(id);
    });
    if (vars.length < 2) throw this.errorHere("BM0714", "a `$d` needs at least two variables");
    for (let i = 0; i < vars.length; i++)
      for (let j = i + 1; j < vars.length; j++) this.disjoint.push(pairKey(vars[i], vars[j]));
  }

  private include(): void {
    const start = this.lexer.start;
    if (this.scopes.length > 0)
      throw this.errorHere(
        "BM0710",
        "`$[ $]` is only allowed in the outermost scope, outside `${ $}`",
      );
    this.expectToken("an include", start);
    if (this.isKeyword(this.token))
      throw this.errorHere("BM0703", "`$[` needs a file name before `$]`");
    const name = this.lexer.text();
    const nameStart = this.lexer.start;
    const nameEnd = this.lexer.end;
    const here = this.lexer.file;
    this.expectToken("an include", start);
    if (this.token !== END_INCLUDE)
      throw this.errorHere("BM0703", "`$[ FILE` must be followed by `$]`");
    const path = resolve(dirname(this.files[here]), name);
    if (this.files.includes(path)) return;
    let bytes: Uint8Array | undefined;
    try {
      bytes = this.readFile(path);
    } catch (e) {
      throw new StatementError(
        "BM0717",
        `cannot read included file ${path}: ${(e as Error).message}`,
        here,
        nameStart,
        nameEnd,
      );
    }
    if (!bytes)
      throw new StatementError(
        "BM0717",
        `included file ${path} not found (resolved relative to the including file)`,
        here,
        nameStart,
        nameEnd,
      );
    this.files.push(path);
    this.fileBytes.push(bytes);
    this.lexers.push(this.lexer);
    this.lexer = new Lexer(bytes, this.files.length - 1);
  }

  /** Reads the math string of a statement up to `$.` (or `$=` when `proof` is set). */
  private expression(
    what: string,
    start: number,
    allowProof: boolean,
  ): { symbols: SymbolId[]; proof: boolean } {
    const symbols: SymbolId[] = [];
    for (;;) {
      this.expectToken(what, start);
      if (this.token === DOT) return { symbols, proof: false };
      if (this.token === EQ) {
        if (allowProof) return { symbols, proof: true };
        throw this.errorHere("BM0726", `\`$=\` in ${what}: only a \`$p\` has a proof`);
      }
      if (this.isKeyword(this.token))
        throw this.errorHere(
          "BM0704",
          `\`${this.name(this.token)}\` inside ${what}: the \`$.\` that ends it is missing`,
        );
      this.checkNoDollar();
      const id = this.activeSymbol();
      if (symbols.length === 0 && this.isVariable.get(id))
        throw this.errorHere(
          "BM0715",
          `${what} must start with a constant (its typecode), not the variable \`${this.symbols[id].name}\``,
        );
      symbols.push(id);
    }
  }

  private addStatement(label: number, s: Statement): void {
    this.statements.push(s);
    this.labelOfToken.set(label, s.index);
    this.labels.set(s.label, s.index);
  }

  private floating(label: number, location: Location): void {
    const what = "a `$f` hypothesis";
    const ids: SymbolId[] = [];
    this.symbolList(what, location.offset, () => {
      const id = this.activeSymbol();
      if (ids.length === 0 && this.isVariable.get(id))
        throw this.errorHere(
          "BM0711",
          `a \`$f\` starts with a constant (the typecode), not the variable \`${this.symbols[id].name}\``,
        );
      if (ids.length === 1 && !this.isVariable.get(id))
        throw this.errorHere(
          "BM0711",
          `a \`$f\` gives a type to a variable; \`${this.symbols[id].name}\` is a constant`,
        );
      if (ids.length === 2)
        throw this.errorHere("BM0711", "a `$f` has exactly two symbols: a typecode and a variable");
      ids.push(id);
    });
    if (ids.length < 2)
      throw this.errorHere("BM0711", "a `$f` has exactly two symbols: a typecode and a variable");
    const index = this.statements.length;
    this.addStatement(label, {
      kind: "f",
      index,
      label: this.name(label),
      location,
      expression: ids,
      typecode: ids[0],
      variable: ids[1],
    });
    this.activate(index);
    this.floatOf.set(ids[1], index);
    this.floatCount.set(ids[1], this.floatCount.get(ids[1]) + 1);
  }

  private activate(index: number): void {
    this.hypotheses.push(index);
    this.activeHypothesis.set(index, 1);
  }

  private essential(label: number, location: Location): void {
    const { symbols } = this.expression("a `$e` hypothesis", location.offset, false);
    if (symbols.length === 0) throw this.errorHere("BM0715", "a `$e` needs at least its typecode");
    const index = this.statements.length;
    this.addStatement(label, {
      kind: "e",
      index,
      label: this.name(label),
      location,
      expression: symbols,
    });
    this.activate(index);
    this.essentials.push(index);
  }

  private assertion(label: number, location: Location, isTheorem: boolean): void {
    const what = isTheorem ? "a `$p` statement" : "an `$a` statement";
    const { symbols, proof: hasProof } = this.expression(what, location.offset, isTheorem);
    if (symbols.length === 0) throw this.errorHere("BM0715", `${what} needs at least its typecode`);
    const terminator = { file: this.lexer.file, start: this.lexer.start, end: this.lexer.end };
    const frame = this.frame(symbols, location);
    const index = this.statements.length;
    const name = this.name(label);
    if (!isTheorem) {
      this.addStatement(label, {
        kind: "a",
        index,
        label: name,
        location,
        expression: symbols,
        frame,
      });
      return;
    }
    if (!hasProof)
      throw new StatementError(
        "BM0726",
        `\`$p\` statement \`${name}\` has no proof (\`$=\` missing)`,
        terminator.file,
        terminator.start,
        terminator.end,
      );
    this.theoremLabel = label;
    const proof = this.proof(index, name, frame);
    this.theoremLabel = -1;
    const activeDisjointKeys = this.activeDisjointKeys();
    const theorem: Assertion = {
      kind: "p",
      index,
      label: name,
      location,
      expression: symbols,
      frame,
      proof,
      activeDisjointKeys,
    };
    this.addStatement(label, theorem);
  }

  /** The active $d pair keys, one array shared by the theorems between two changes of them. */
  private activeDisjointKeys(): readonly number[] {
    if (
      this.disjointCache?.length !== this.disjoint.length ||
      this.disjointCacheScope !== this.scopeSerial
    )
      this.disjointCache = {
        length: this.disjoint.length,
        keys: this.disjoint.length === 0 ? NO_KEYS : this.disjoint.slice(),
      };
    this.disjointCacheScope = this.scopeSerial;
    return this.disjointCache.keys;
  }

  /** Mandatory hypotheses and $d pairs of an assertion stated with `symbols`, here. */
  private frame(symbols: SymbolId[], location: Location): Frame {
    const stamp = ++this.stamp;
    const mark = this.mark;
    const used: SymbolId[] = [];
    const use = (list: readonly SymbolId[], where: Location, what: string) => {
      for (const v of list) {
        if (!this.isVariable.get(v) || mark.get(v) === stamp) continue;
        mark.set(v, stamp);
        used.push(v);
        const count = this.floatCount.get(v);
        if (count === 0)
          throw this.errorAt(
            where,
            "BM0713",
            `variable \`${this.symbols[v].name}\`${what} has no active \`$f\``,
          );
        if (count > 1) {
          const second = this.statements[this.floatOf.get(v)];
          throw this.errorAt(
            second.location,
            "BM0712",
            `variable \`${this.symbols[v].name}\` already has an active \`$f\`; the assertion on line ${location.line} uses it`,
          );
        }
      }
    };
    for (const h of this.essentials) {
      const hyp = this.statements[h];
      use(
        hyp.expression,
        hyp.location,
        ` in \`$e\` \`${hyp.label}\` (needed by the assertion on line ${location.line})`,
      );
    }
    use(symbols, location, "");
    const floating = used.map((v) => this.floatOf.get(v)).sort((a, b) => a - b);
    const essential = [...this.essentials];
    const hypotheses = [...floating, ...essential].sort((a, b) => a - b);
    const variables = floating.map((h) => (this.statements[h] as FloatingHypothesis).variable);
    let disjoint: (readonly [SymbolId, SymbolId])[] = [];
    if (this.disjoint.length > 0) {
      const pairs = new Set<number>();
      for (const k of this.disjoint) {
        const a = Math.floor(k / PAIR_BASE);
        const b = k - a * PAIR_BASE;
        if (mark.get(a) === stamp && mark.get(b) === stamp) pairs.add(k);
      }
      disjoint = [...pairs]
        .sort((x, y) => x - y)
        .map((k) => [Math.floor(k / PAIR_BASE), k % PAIR_BASE] as const);
    }
    return { hypotheses, variables, floating, essential, disjoint };
  }

  private errorAt(location: Location, code: Code, message: string): StatementError {
    const bytes = this.fileBytes[location.file];
    let end = location.offset;
    while (end < bytes.length && bytes[end] > 32) end++;
    return new StatementError(code, message, location.file, location.offset, end);
  }

  // ---- proofs ----------------------------------------------------------------------------

  private proof(index: number, theorem: string, frame: Frame): Proof {
    const location = this.location();
    this.expectToken("a proof", location.offset);
    const extra = { theorem };
    if (this.token === DOT)
      throw this.errorHere("BM0726", `the proof of \`${theorem}\` is empty`, extra);
    if (this.lexer.end - this.lexer.start === 1 && this.lexer.bytes[this.lexer.start] === 40)
      return {
        format: "compressed",
        steps: this.compressed(index, theorem, frame, location.offset),
        location,
      };
    const steps: number[] = [];
    do {
      if (this.token === DOT) return { format: "normal", steps: Int32Array.from(steps), location };
      steps.push(this.proofLabel(index, theorem, steps.length + 1));
    } while (this.next());
    throw new StatementError(
      "BM0704",
      `the file ends inside the proof of \`${theorem}\``,
      location.file,
      location.offset,
      location.offset + 2,
    );
  }

  /** What a diagnostic about a proof label adds (made only when one is thrown). */
  private stepExtra(theorem: string, step: number, token: number) {
    return { theorem, step, stepLabel: this.name(token) };
  }

  /** The statement a label names in a proof, if the proof may use it here. */
  private proofLabel(index: number, theorem: string, step: number): number {
    const t = this.token;
    if (this.lexer.end - this.lexer.start === 1 && this.lexer.bytes[this.lexer.start] === 63)
      throw this.errorHere(
        "BM0719",
        `the proof of \`${theorem}\` is incomplete: step ${step} is \`?\``,
        this.stepExtra(theorem, step, t),
      );
    if (this.isKeyword(t))
      throw this.errorHere(
        "BM0704",
        `\`${this.name(t)}\` inside the proof of \`${theorem}\`: \`$.\` missing`,
        this.stepExtra(theorem, step, t),
      );
    if (t === this.theoremLabel)
      throw this.errorHere(
        "BM0720",
        `step ${step} of \`${theorem}\`: a theorem cannot be used in its own proof`,
        this.stepExtra(theorem, step, t),
      );
    const s = this.labelOfToken.get(t);
    if (s < 0)
      throw this.errorHere(
        "BM0720",
        `step ${step} of \`${theorem}\`: \`${this.name(t)}\` is not the label of an earlier statement`,
        this.stepExtra(theorem, step, t),
      );
    const kind = this.statements[s].kind;
    if ((kind === "f" || kind === "e") && !this.activeHypothesis.get(s))
      throw this.errorHere(
        "BM0720",
        `step ${step} of \`${theorem}\`: hypothesis \`${this.name(t)}\` is not active here`,
        this.stepExtra(theorem, step, t),
      );
    return s;
  }

  /** A compressed proof from its `(` (at `start`) to its `$.`, decoded into steps. */
  private compressed(index: number, theorem: string, frame: Frame, start: number): Int32Array {
    const table = this.compressedLabels(index, theorem, frame, start);
    const decoder = new CompressedStepDecoder(
      table,
      frame.hypotheses.length,
      theorem,
      this.statements,
      (code, message, at, step) => this.letterError(code, message, at, theorem, step),
    );
    for (;;) {
      if (!this.nextRaw())
        throw new StatementError(
          "BM0704",
          `the file ends inside the proof of \`${theorem}\``,
          this.lexer.file,
          start,
          start + 2,
        );
      if (this.token === DOT) break;
      decoder.letters(this.lexer.bytes, this.lexer.start, this.lexer.end);
    }
    if (decoder.inNumber)
      throw this.errorHere("BM0718", "the compressed proof ends in the middle of a step number", {
        theorem,
      });
    if (decoder.steps.length === 0)
      throw this.errorHere("BM0726", `the proof of \`${theorem}\` is empty`, { theorem });
    return Int32Array.from(decoder.steps);
  }

  /**
   * The table compressed step numbers index: the theorem's mandatory hypotheses, then the
   * statements of the label list (read up to its `)`).
   */
  private compressedLabels(index: number, theorem: string, frame: Frame, start: number): number[] {
    const table = [...frame.hypotheses];
    for (;;) {
      this.expectToken("a compressed proof's label list", start);
      if (this.lexer.end - this.lexer.start === 1 && this.lexer.bytes[this.lexer.start] === 41)
        return table;
      if (this.token === DOT)
        throw this.errorHere(
          "BM0718",
          "the label list of a compressed proof is not closed by `)`",
          { theorem },
        );
      const s = this.proofLabel(index, theorem, 0);
      if (frame.hypotheses.includes(s))
        throw this.errorHere(
          "BM0718",
          `\`${this.name(this.token)}\` is a mandatory hypothesis of \`${theorem}\`; the label list names only other statements`,
          { theorem },
        );
      table.push(s);
    }
  }

  private letterError(code: Code, message: string, at: number, theorem: string, step: number) {
    return new StatementError(code, message, this.lexer.file, at, at + 1, { theorem, step });
  }
}
