/**
 * Formatting of rule files (`.bm`): the parser half turns the project's own AST (src/syntax,
 * built on the Chevrotain grammar) into nodes prettier can walk, with the offsets of the few
 * punctuation tokens that comments may sit next to; the printer half lays them out with
 * prettier's doc builders.
 *
 * Comments at the top level (own-line comments, comments after a statement's period) are placed
 * by this module, so that blank lines are kept and trailing comments of consecutive lines stay
 * aligned. Comments inside a statement go through prettier's comment attachment.
 */
import type { IToken } from "chevrotain";
import { doc, type AstPath, type Doc, type ParserOptions, type Printer } from "prettier";
import { ruleLexer } from "../../grammar/tokens.js";
import { SourceFile, type Diagnostic } from "../diagnostics/index.js";
import type * as A from "../syntax/ast.js";
import { parseRuleFile } from "../syntax/index.js";
import { alignTrailing, FormatError, type TrailingLine } from "./common.js";

const { fill, group, hardline, indent, join, line, softline, breakParent, literalline } =
  doc.builders;

// ---- Nodes -------------------------------------------------------------------------------

interface Located {
  start: number;
  end: number;
  /** Set by prettier's comment attachment. */
  comments?: BmComment[];
}

export interface BmComment extends Located {
  type: "comment";
  /** The comment as written (line comments without trailing whitespace). */
  value: string;
  block: boolean;
  leading?: boolean;
  trailing?: boolean;
  marker?: string;
  printed?: boolean;
  enclosingNode?: BmNode;
  precedingNode?: BmNode;
  followingNode?: BmNode;
}

interface NameNode extends Located {
  type: "name";
  text: string;
}

type ExprNode =
  | (Located & { type: "int"; raw: string })
  | (Located & { type: "var"; name: string })
  | (Located & { type: "wildcard" })
  | (Located & { type: "apply"; ctor: NameNode; args: ExprNode[] })
  | (Located & { type: "neg"; operand: ExprNode })
  | (Located & { type: "binary"; op: "+" | "-" | "*"; left: ExprNode; right: ExprNode });

interface ClaimNode extends Located {
  type: "claim";
  unique: boolean;
  relation: NameNode;
  args: ExprNode[];
}

interface ComparisonNode extends Located {
  type: "comparison";
  op: string;
  left: ExprNode;
  right: ExprNode;
}

interface ConstructorNode extends Located {
  type: "constructor";
  name: NameNode;
  argSorts: NameNode[];
}

interface StatementCommon extends Located {
  /** Block comments before the statement on its first line. */
  prefix: string[];
  /** Comments after the statement on its last line (or just before its period). */
  trailing: string[];
  /** Column (0-based) where the first trailing comment was written. */
  trailingColumn: number;
}

type StatementNode = StatementCommon &
  (
    | { type: "import"; path: string }
    | { type: "relation"; unique: boolean; name: NameNode; params: NameNode[] }
    | { type: "sort"; name: NameNode; constructors: ConstructorNode[] }
    | {
        type: "rule";
        setup: boolean;
        name: NameNode;
        shown: NameNode[];
        hidden: NameNode[];
        hasSemicolon: boolean;
        conclusions: ClaimNode[];
        body: (ClaimNode | ComparisonNode)[];
        rParenStart: number;
        colonStart: number;
        colonEnd: number;
        turnstileStart: number;
        turnstileEnd: number;
      }
  );

/** A comment outside every statement (text as commentValue gives it). */
interface TopComment {
  start: number;
  end: number;
  text: string;
}

type TopElement =
  | { kind: "comments"; texts: string[]; blankBefore: boolean }
  | { kind: "statement"; index: number; blankBefore: boolean };

export interface BmFile extends Located {
  type: "bm-file";
  statements: StatementNode[];
  elements: TopElement[];
  /** Comments inside statements, for prettier to attach (it deletes this property). */
  comments?: BmComment[];
}

type RuleNode = Extract<StatementNode, { type: "rule" }>;

type BmNode =
  BmFile | StatementNode | ClaimNode | ComparisonNode | ConstructorNode | ExprNode | NameNode;

// ---- Parser --------------------------------------------------------------------------------

/** Parses a rule file for formatting; throws FormatError with the parser's diagnostics. */
export function parseBm(text: string, path: string): BmFile {
  const file = new SourceFile(path, text);
  const parsed = parseRuleFile(file);
  const errors = parsed.diagnostics.filter((d) => d.severity === "error");
  if (errors.length) throw new FormatError(errors);
  const tokens = ruleLexer.tokenize(text).tokens;
  return new Converter(file, tokens).convert(parsed.ast);
}

class Converter {
  constructor(
    private readonly file: SourceFile,
    private readonly tokens: IToken[],
  ) {}

  /** Index of the first token starting at or after `offset`. */
  private tokenAt(offset: number): number {
    let lo = 0;
    let hi = this.tokens.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.tokens[mid].startOffset < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private firstToken(type: string, from: number, to: number): IToken {
    for (let i = this.tokenAt(from); i < this.tokens.length; i++) {
      const t = this.tokens[i];
      if (t.startOffset >= to) break;
      if (t.tokenType.name === type) return t;
    }
    throw new Error(`formatter: no ${type} token in ${from}..${to}`);
  }

  private line(offset: number): number {
    return this.file.position(offset).line;
  }

  convert(ast: A.RuleFileAst): BmFile {
    const statements = ast.items.map((item) => this.statement(item));
    const { inner, top } = this.placeComments(ast.comments, statements);
    return {
      type: "bm-file",
      statements,
      elements: this.topElements(statements, top),
      comments: inner,
      start: 0,
      end: this.file.text.length,
    };
  }

  /**
   * Sorts the comments: inside a statement before its period, an inner comment (prettier
   * attaches it to a node); inside after the gap before the period, one of the statement's
   * trailing comments; outside every statement, a top-level one (returned in order).
   */
  private placeComments(
    comments: A.RuleFileAst["comments"],
    statements: StatementNode[],
  ): { inner: BmComment[]; top: TopComment[] } {
    // The gap before a statement's period belongs to the statement's trailing comments.
    const periodGap = statements.map((s) => {
      const period = this.tokenAt(s.end - 1);
      const before = this.tokens[period - 1];
      return before ? before.startOffset + before.image.length : s.start;
    });
    const inner: BmComment[] = [];
    const top: TopComment[] = [];
    let si = 0;
    for (const c of comments) {
      const value = commentValue(c.text);
      while (si < statements.length && statements[si].end <= c.span.start) si++;
      const s = statements[si];
      if (s && s.start <= c.span.start && c.span.end <= s.end) {
        if (c.span.start >= periodGap[si]) {
          if (!s.trailing.length) s.trailingColumn = this.file.position(c.span.start).column - 1;
          s.trailing.push(value);
        } else {
          inner.push({
            type: "comment",
            value,
            block: c.text.startsWith("/*"),
            start: c.span.start,
            end: c.span.end,
          });
        }
      } else top.push({ start: c.span.start, end: c.span.end, text: value });
    }
    return { inner, top };
  }

  /**
   * The file's top-level elements in order. Top-level comments: trailing a statement on its
   * last line, prefixing a statement on its first line, or lines of their own.
   */
  private topElements(statements: StatementNode[], top: readonly TopComment[]): TopElement[] {
    const text = this.file.text;
    const elements: TopElement[] = [];
    let lastEnd = -1;
    let ti = 0;
    const blankBefore = (start: number) =>
      lastEnd >= 0 && /\n[ \t\r]*\n/.test(text.slice(lastEnd, start));
    const flushComments = (upTo: number, statementLine: number) => {
      while (ti < top.length && top[ti].start < upTo) {
        const c = top[ti];
        const prev = elements[elements.length - 1];
        if (
          prev?.kind === "statement" &&
          lastEnd >= 0 &&
          this.line(c.start) === this.line(lastEnd)
        ) {
          const s = statements[prev.index];
          if (!s.trailing.length) s.trailingColumn = this.file.position(c.start).column - 1;
          s.trailing.push(c.text);
          lastEnd = c.end;
          ti++;
          continue;
        }
        // Block comments on the same line as the next statement's start go before it.
        const rest = top.slice(ti).filter((d) => d.start < upTo);
        if (
          statementLine >= 0 &&
          rest.every(
            (d) => this.line(d.start) === statementLine && this.line(d.end) === statementLine,
          )
        ) {
          return rest.map((d) => {
            ti++;
            return d;
          });
        }
        if (prev?.kind === "comments" && this.line(c.start) === this.line(lastEnd)) {
          prev.texts.push(c.text);
        } else {
          elements.push({ kind: "comments", texts: [c.text], blankBefore: blankBefore(c.start) });
        }
        lastEnd = c.end;
        ti++;
      }
      return [];
    };
    statements.forEach((s, index) => {
      const prefix = flushComments(s.start, this.line(s.start));
      s.prefix = prefix.map((p) => p.text);
      const start = prefix.length ? prefix[0].start : s.start;
      elements.push({ kind: "statement", index, blankBefore: blankBefore(start) });
      lastEnd = s.end;
    });
    flushComments(Infinity, -1);
    return elements;
  }

  private common(span: { start: number; end: number }): StatementCommon {
    return { start: span.start, end: span.end, prefix: [], trailing: [], trailingColumn: 0 };
  }

  private statement(item: A.Item): StatementNode {
    switch (item.kind) {
      case "import": {
        const str = this.firstToken("StringLiteral", item.span.start, item.span.end);
        return { ...this.common(item.span), type: "import", path: str.image };
      }
      case "relation":
        return {
          ...this.common(item.span),
          type: "relation",
          unique: item.unique,
          name: this.name(item.name),
          params: item.params.map((p) => this.name(p)),
        };
      case "sort":
        return {
          ...this.common(item.span),
          type: "sort",
          name: this.name(item.name),
          constructors: item.constructors.map((c) => ({
            type: "constructor",
            start: c.span.start,
            end: c.span.end,
            name: this.name(c.name),
            argSorts: c.argSorts.map((a) => this.name(a)),
          })),
        };
      case "rule": {
        const colon = this.firstToken("Colon", item.name.span.end, item.span.end);
        const rParen = this.tokens[this.tokenAt(colon.startOffset) - 1];
        const turnstile = this.firstToken("Turnstile", colon.startOffset, item.span.end);
        return {
          ...this.common(item.span),
          type: "rule",
          setup: item.setup,
          name: this.name(item.name),
          shown: item.shown.map((n) => this.name(n)),
          hidden: item.hidden.map((n) => this.name(n)),
          hasSemicolon: item.hasSemicolon,
          conclusions: item.conclusions.map((c) => this.claim(c)),
          body: item.body.map((b) => (b.kind === "claim" ? this.claim(b) : this.comparison(b))),
          rParenStart: rParen.startOffset,
          colonStart: colon.startOffset,
          colonEnd: colon.startOffset + 1,
          turnstileStart: turnstile.startOffset,
          turnstileEnd: turnstile.startOffset + 2,
        };
      }
    }
  }

  private name(n: A.Name): NameNode {
    return { type: "name", text: n.text, start: n.span.start, end: n.span.end };
  }

  private claim(c: A.ClaimAst): ClaimNode {
    return {
      type: "claim",
      unique: !!c.unique,
      relation: this.name(c.relation),
      args: c.args.map((a) => this.expr(a)),
      start: c.span.start,
      end: c.span.end,
    };
  }

  private comparison(c: A.ComparisonAst): ComparisonNode {
    return {
      type: "comparison",
      op: c.op,
      left: this.expr(c.left),
      right: this.expr(c.right),
      start: c.span.start,
      end: c.span.end,
    };
  }

  private expr(e: A.Expr): ExprNode {
    const at = { start: e.span.start, end: e.span.end };
    switch (e.kind) {
      case "int":
        return { ...at, type: "int", raw: this.firstToken("Integer", at.start, at.end).image };
      case "var":
        return { ...at, type: "var", name: e.name };
      case "wildcard":
        return { ...at, type: "wildcard" };
      case "apply":
        return {
          ...at,
          type: "apply",
          ctor: this.name(e.constructor),
          args: e.args.map((a) => this.expr(a)),
        };
      case "neg":
        return { ...at, type: "neg", operand: this.expr(e.operand) };
      case "binary":
        return {
          ...at,
          type: "binary",
          op: e.op,
          left: this.expr(e.left),
          right: this.expr(e.right),
        };
    }
  }
}

function commentValue(text: string): string {
  return text.startsWith("//") ? text.trimEnd() : text;
}

// ---- Comment attachment --------------------------------------------------------------------

function childNodes(node: BmNode): BmNode[] {
  switch (node.type) {
    case "bm-file":
      return node.statements;
    case "import":
      return [];
    case "relation":
      return [node.name, ...node.params];
    case "sort":
      return [node.name, ...node.constructors];
    case "constructor":
      return [node.name, ...node.argSorts];
    case "rule":
      return [node.name, ...node.shown, ...node.hidden, ...node.conclusions, ...node.body];
    case "claim":
      return [node.relation, ...node.args];
    case "comparison":
      return [node.left, node.right];
    case "apply":
      return [node.ctor, ...node.args];
    case "neg":
      return [node.operand];
    case "binary":
      return [node.left, node.right];
    default:
      return [];
  }
}

/**
 * Comments around a rule's `:` and `-:` are kept next to those tokens (printed after them)
 * rather than attached to a neighbouring variable or claim, where a line comment would force
 * the header's or the conclusions' parentheses open.
 */
function handleComment(comment: BmComment, text: string, ownLine: boolean): boolean {
  return handleEmptyParens(comment, text) || handleRuleComment(comment, ownLine);
}

/** A comment inside empty parentheses, as in `p( comment )`, stays inside them. */
function handleEmptyParens(comment: BmComment, text: string): boolean {
  const node = comment.enclosingNode;
  if (!node) return false;
  let name: NameNode;
  let empty: boolean;
  switch (node.type) {
    case "relation":
      [name, empty] = [node.name, !node.params.length];
      break;
    case "claim":
      [name, empty] = [node.relation, !node.args.length];
      break;
    case "apply":
      [name, empty] = [node.ctor, !node.args.length];
      break;
    case "constructor":
      [name, empty] = [node.name, !node.argSorts.length];
      break;
    case "rule":
      [name, empty] = [node.name, !node.shown.length && !node.hasSemicolon];
      if (comment.start > node.rParenStart) return false;
      break;
    default:
      return false;
  }
  if (!empty || comment.start < name.end || !text.slice(name.end, comment.start).includes("(")) {
    return false;
  }
  addDangling(node, comment, "parens");
  return true;
}

function handleRuleComment(comment: BmComment, ownLine: boolean): boolean {
  const rule = comment.enclosingNode;
  if (rule?.type !== "rule") return false;
  const s = comment.start;
  const firstConclusion = rule.conclusions[0]?.start ?? rule.turnstileStart;
  if (s >= rule.rParenStart && s < rule.colonStart) {
    addDangling(rule, comment, "colon");
    return true;
  }
  if (s >= rule.colonEnd && s < firstConclusion) {
    if (ownLine && rule.conclusions.length) return false;
    addDangling(rule, comment, "colon");
    return true;
  }
  const lastConclusion = rule.conclusions[rule.conclusions.length - 1];
  if (lastConclusion && s >= lastConclusion.end && s < rule.turnstileStart) {
    addDangling(rule, comment, "turnstile");
    return true;
  }
  const firstBody = rule.body[0];
  if (firstBody && s >= rule.turnstileEnd && s < firstBody.start) {
    if (ownLine) return false;
    addDangling(rule, comment, "turnstile");
    return true;
  }
  return false;
}

function addDangling(node: BmNode, comment: BmComment, marker: string): void {
  comment.leading = false;
  comment.trailing = false;
  comment.marker = marker;
  (node.comments ??= []).push(comment);
}

// ---- Printer -------------------------------------------------------------------------------

function printedDangling(node: BmNode, marker: string | undefined): Doc[] {
  const out: Doc[] = [];
  for (const c of node.comments ?? []) {
    if (c.leading || c.trailing || c.marker !== marker) continue;
    c.printed = true;
    out.push(" ", printCommentText(c));
    if (!c.block) out.push(breakParent);
  }
  return out;
}

function printCommentText(c: BmComment): Doc {
  return c.value.includes("\n") ? join(literalline, c.value.split("\n")) : c.value;
}

function list(path: AstPath<BmNode>, print: (p: AstPath<BmNode>) => Doc, key: string): Doc[] {
  return path.map(print, key as never);
}

/** `(a, b, c)`, one item a line when they do not fit; `()` holds the node's comments if any. */
function parenthesized(items: Doc[], node: BmNode): Doc {
  if (!items.length) {
    const inside = (node.comments ?? []).filter((c) => c.marker === "parens");
    for (const c of inside) c.printed = true;
    const texts = inside.map(printCommentText);
    if (inside.every((c) => c.block)) return ["(", join(" ", texts), ")"];
    return ["(", indent([hardline, join(hardline, texts)]), hardline, ")"];
  }
  return group(["(", indent([softline, join([",", line], items)]), softline, ")"]);
}

/** Whether a line comment ends the node's printed text (then the next item needs a new line). */
function endsWithLineComment(node: BmNode): boolean {
  return !!node.comments?.some((c) => c.trailing && !c.block);
}

/** Items separated by `sep` (e.g. ","), as many on a line as fit. */
function fillList(items: Doc[], nodes: BmNode[], sep: Doc, lead: Doc = ""): Doc {
  const parts: Doc[] = [];
  items.forEach((d, i) => {
    const ownLine =
      endsWithLineComment(nodes[i - 1] ?? nodes[i]) ||
      !!nodes[i].comments?.some((c) => c.leading && !c.block);
    if (i > 0) parts.push(ownLine ? hardline : line);
    parts.push([i > 0 ? lead : "", d, i < items.length - 1 ? sep : ""]);
  });
  return fill(parts);
}

const precedence = (e: ExprNode): number =>
  e.type === "binary" ? (e.op === "*" ? 2 : 1) : e.type === "neg" ? 3 : 4;

function needsParens(path: AstPath<BmNode>): boolean {
  const node = path.node as ExprNode;
  const parent = path.parent as BmNode | null;
  if (!parent) return false;
  if (parent.type === "binary") {
    const p = precedence(parent);
    return path.key === "left" ? precedence(node) < p : precedence(node) <= p;
  }
  if (parent.type === "neg") return node.type === "binary";
  return false;
}

function printNode(
  path: AstPath<BmNode>,
  options: ParserOptions<BmNode>,
  print: (p: AstPath<BmNode>) => Doc,
): Doc {
  const node = path.node;
  if (node.type === "bm-file") return printFile(path as AstPath<BmFile>, options, print);
  let out = printOwn(path as AstPath<Exclude<BmNode, BmFile>>, print);
  if (needsParens(path)) out = ["(", out, ")"];
  const dangling = printedDangling(node, undefined);
  return dangling.length ? [out, ...dangling] : out;
}

/**
 * A node's own text, before parentheses and dangling comments: a dispatch on the node type,
 * one short case per type (a rule's is printRule).
 */
function printOwn(path: AstPath<Exclude<BmNode, BmFile>>, print: (p: AstPath<BmNode>) => Doc): Doc {
  const node = path.node;
  const p = (key: string) => path.call(print, key as never);
  switch (node.type) {
    case "import":
      return ["import ", node.path, "."];
    case "relation":
      return [
        node.unique ? "unique " : "",
        "relation ",
        p("name"),
        parenthesized(list(path, print, "params"), node),
        ".",
      ];
    case "sort": {
      const ctors = fillList(list(path, print, "constructors"), node.constructors, "", "| ");
      return group(["sort ", p("name"), " =", indent([line, ctors]), "."]);
    }
    case "constructor":
      return [
        p("name"),
        node.argSorts.length || node.comments?.some((c) => c.marker === "parens")
          ? parenthesized(list(path, print, "argSorts"), node)
          : "",
      ];
    case "rule":
      return printRule(path as AstPath<RuleNode>, print);
    case "claim":
      return [
        node.unique ? "unique " : "",
        p("relation"),
        parenthesized(list(path, print, "args"), node),
      ];
    case "comparison":
      return [p("left"), " ", node.op, " ", p("right")];
    case "name":
      return node.text;
    case "int":
      return node.raw;
    case "var":
      return node.name;
    case "wildcard":
      return "_";
    case "apply":
      return [p("ctor"), parenthesized(list(path, print, "args"), node)];
    case "neg":
      return ["-", node.operand.type === "neg" ? " " : "", p("operand")];
    case "binary":
      return [p("left"), " ", node.op, " ", p("right")];
  }
}

/** A rule: its header, then its conclusions and body, broken where they do not fit. */
function printRule(path: AstPath<RuleNode>, print: (p: AstPath<BmNode>) => Doc): Doc {
  const node = path.node;
  const p = (key: string) => path.call(print, key as never);
  const vars: Doc[] = [join([",", line], list(path, print, "shown"))];
  if (node.hasSemicolon) {
    vars.push(";");
    if (node.hidden.length) vars.push(line, join([",", line], list(path, print, "hidden")));
  }
  const header: Doc[] = [
    node.setup ? "setup " : "",
    "rule ",
    p("name"),
    node.shown.length || node.hasSemicolon
      ? group(["(", indent([softline, vars]), softline, ")"])
      : parenthesized([], node),
    ":",
    ...printedDangling(node, "colon"),
  ];
  const conclusions = list(path, print, "conclusions");
  const body = list(path, print, "body");
  const rest = group([
    conclusions.length ? [fillList(conclusions, node.conclusions, ","), " -:"] : "-:",
    ...printedDangling(node, "turnstile"),
    body.length ? indent([line, fillList(body, node.body, ",")]) : " ",
    ".",
  ]);
  return group([header, indent([line, rest])]);
}

/** The comments prettier attached inside a statement. */
function innerComments(node: BmNode): BmComment[] {
  return [...(node.comments ?? []), ...childNodes(node).flatMap(innerComments)];
}

/** Renders one top-level doc on its own, as prettier would at column 0. */
function render(d: Doc, options: ParserOptions<BmNode>): string {
  // What prettier does before printing: a group that must break (it holds a hard line break or
  // a broken group) is marked broken, inner groups first.
  const marked = doc.utils.mapDoc(d, (x) =>
    typeof x === "object" &&
    !Array.isArray(x) &&
    x.type === "group" &&
    !x.break &&
    doc.utils.willBreak(x.contents)
      ? { ...x, break: true }
      : x,
  );
  return doc.printer.printDocToString(marked, {
    printWidth: options.printWidth,
    tabWidth: options.tabWidth,
    useTabs: options.useTabs,
  }).formatted;
}

function printFile(
  path: AstPath<BmFile>,
  options: ParserOptions<BmNode>,
  print: (p: AstPath<BmNode>) => Doc,
): Doc {
  const node = path.node;
  const printed = path.map(print as never, "statements") as Doc[];
  const lines: TrailingLine[] = [];
  for (const el of node.elements) {
    if (el.blankBefore && lines.length) lines.push({ code: "", blank: true });
    if (el.kind === "comments") {
      lines.push({ code: el.texts.join(" ") });
      continue;
    }
    const s = node.statements[el.index];
    const text = render(printed[el.index], options);
    const code = s.prefix.length ? `${s.prefix.join(" ")} ${text}` : text;
    // Trailing comments share the statement's last line up to the first line comment; the rest,
    // or all of them if the statement's last line already ends in a line comment, follow on
    // lines of their own.
    const rows: string[][] = [];
    let row: string[] = [];
    for (const t of s.trailing) {
      row.push(t);
      if (t.startsWith("//")) {
        rows.push(row);
        row = [];
      }
    }
    if (row.length) rows.push(row);
    const last = code.slice(code.lastIndexOf("\n") + 1);
    const pending = innerComments(s).some((c) => !c.block && last.endsWith(c.value));
    if (rows.length && !pending) {
      lines.push({ code, comment: rows.shift()!.join(" "), column: s.trailingColumn });
    } else lines.push({ code });
    for (const r of rows) lines.push({ code: r.join(" ") });
  }
  return alignTrailing(lines);
}

export const bmPrinter: Printer<BmNode> = {
  print: printNode as Printer<BmNode>["print"],
  getVisitorKeys(node) {
    switch ((node as BmNode).type) {
      case "bm-file":
        return ["statements"];
      case "relation":
        return ["name", "params"];
      case "sort":
        return ["name", "constructors"];
      case "constructor":
        return ["name", "argSorts"];
      case "rule":
        return ["name", "shown", "hidden", "conclusions", "body"];
      case "claim":
        return ["relation", "args"];
      case "comparison":
      case "binary":
        return ["left", "right"];
      case "apply":
        return ["ctor", "args"];
      case "neg":
        return ["operand"];
      default:
        return [];
    }
  },
  canAttachComment: (node) => (node as { type?: string }).type !== "comment",
  getCommentChildNodes: (node) => childNodes(node as BmNode),
  isBlockComment: (node) => (node as unknown as BmComment).block,
  printComment: (path) => printCommentText(path.node as unknown as BmComment),
  handleComments: {
    ownLine: (comment, text) => handleComment(comment, text, true),
    endOfLine: (comment, text) => handleComment(comment, text, false),
    remaining: (comment, text) => handleComment(comment, text, false),
  },
};

export const bmLocStart = (node: Located): number => node.start;
export const bmLocEnd = (node: Located): number => node.end;

/** Meaning of a rule file for the formatter's own check: the AST without positions. */
export function bmMeaning(text: string, path: string): { items: unknown; comments: string[] } {
  const parsed = parseRuleFile(new SourceFile(path, text));
  if (parsed.diagnostics.some((d: Diagnostic) => d.severity === "error")) {
    throw new FormatError(parsed.diagnostics);
  }
  return {
    items: stripSpans(parsed.ast.items),
    comments: parsed.ast.comments.map((c) => commentValue(c.text)),
  };
}

/** A copy of an AST value without spans (and so without source files). */
export function stripSpans(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripSpans);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === "span" || k === "pathSpan" || k === "opSpan") continue;
      // `unique` on claims is a span when written; only whether it is matters.
      if (k === "unique" && v && typeof v === "object") out[k] = true;
      else out[k] = stripSpans(v);
    }
    return out;
  }
  return value;
}
