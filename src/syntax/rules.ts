/**
 * Parses a rule file: Chevrotain lexer and parser (grammar/), then CST to AST. Lexer and parser
 * errors become coded diagnostics; statements the parser had to recover from are left out of
 * the AST so that later stages never see half-built nodes.
 */
import type { CstElement, CstNode, IToken } from "chevrotain";
import { parseRuleCst } from "../../grammar/parser.js";
import { diagnostic, span, type Diagnostic, SourceFile, type Span } from "../diagnostics/index.js";
import type { CompareOp } from "../field/index.js";
import type { BodyItem, ClaimAst, ComparisonAst, Expr, Item, Name, RuleFileAst } from "./ast.js";

export interface ParsedRuleFile {
  readonly ast: RuleFileAst;
  readonly diagnostics: Diagnostic[];
}

export function parseRuleFile(file: SourceFile): ParsedRuleFile {
  const diagnostics: Diagnostic[] = [];
  const result = parseRuleCst(file.text);
  for (const c of result.comments) {
    if (c.tokenType.name === "UnterminatedComment") {
      diagnostics.push(
        diagnostic(
          "BM0003",
          "unterminated block comment",
          span(file, c.startOffset, c.startOffset + 2),
          {
            help: "close it with `*/`",
          },
        ),
      );
    }
  }
  for (const e of result.lexErrors) {
    {
      const ch = file.text.slice(e.offset, e.offset + Math.max(1, e.length));
      diagnostics.push(
        diagnostic(
          "BM0001",
          `unexpected character ${JSON.stringify(ch.slice(0, 1))}`,
          span(file, e.offset, e.offset + 1),
        ),
      );
    }
  }
  for (const e of result.parseErrors) {
    const previous = (e as { previousToken?: IToken }).previousToken;
    diagnostics.push(parseErrorDiagnostic(file, e.token, previous, e.message, e.context.ruleStack));
  }
  const builder = new AstBuilder(file);
  const items: Item[] = [];
  for (const statement of children(result.cst, "statement")) {
    if (touchedByRecovery(statement)) continue;
    let item: Item | undefined;
    try {
      item = builder.statement(statement);
    } catch (error) {
      // Recovery can leave a statement's tree incomplete in ways no flag records; such a
      // statement already has its syntax error, so it is dropped. Without errors, a throw is a bug.
      if (result.parseErrors.length === 0) throw error;
    }
    if (item) items.push(item);
  }
  const comments = result.comments.map((t) => ({ text: t.image, span: tokenSpan(file, t) }));
  return { ast: { file, items, comments }, diagnostics };
}

function parseErrorDiagnostic(
  file: SourceFile,
  token: IToken,
  previous: IToken | undefined,
  message: string,
  ruleStack: string[],
): Diagnostic {
  const atEnd = token.tokenType?.name === "EOF" || Number.isNaN(token.startOffset);
  const found = atEnd ? "end of file" : `'${token.image}'`;
  const expected = expectedFrom(message);
  let at = atEnd ? span(file, file.text.length, file.text.length) : tokenSpan(file, token);
  // A missing terminator is best shown right after what precedes it, not on the next line.
  if (
    expected &&
    previous &&
    !Number.isNaN(previous.startOffset) &&
    (atEnd || file.position(previous.startOffset).line < file.position(token.startOffset).line)
  ) {
    const end = previous.startOffset + previous.image.length;
    at = span(file, end, end + 1);
  }
  const where = ruleStack.includes("ruleDecl")
    ? " in rule"
    : ruleStack.includes("relationDecl")
      ? " in relation declaration"
      : ruleStack.includes("importDecl")
        ? " in import"
        : "";
  const text = expected
    ? `expected ${expected}${where}, found ${found}`
    : `unexpected ${found}${where}`;
  const help =
    ruleStack.length <= 2 && !expected
      ? 'a rule file holds `import "...".`, `relation name(args).`, `sort name = c1(...) | c2.` and `rule name(vars): ... -: ... .`'
      : undefined;
  return diagnostic("BM0002", text, at, help ? { help } : {});
}

/**
 * Chevrotain's messages list the expected alternatives; keep just that list, in our words.
 * Token labels are quoted punctuation; unlabeled tokens are named as the grammar names them.
 */
function expectedFrom(message: string): string | undefined {
  const one = /^Expecting (?:token of type )?--> (.+?) <--/.exec(message);
  if (one) return tokenWord(one[1]);
  const many = message.match(/\[([^\]]+)\]/g);
  if (/one of these possible Token sequences/.test(message) && many) {
    const firsts = [...new Set(many.map((m) => m.slice(1, -1).split(",")[0].trim()))];
    if (firsts.includes("Integer") && firsts.includes("Identifier") && firsts.includes("'('")) {
      return "an expression";
    }
    return firsts.map(tokenWord).join(" or ");
  }
  return undefined;
}

const tokenWords: Record<string, string> = {
  Identifier: "a name",
  Integer: "an integer",
  StringLiteral: "a quoted path",
  Import: "'import'",
  Unique: "'unique'",
  Relation: "'relation'",
  Setup: "'setup'",
  Rule: "'rule'",
  Sort: "'sort'",
  Wildcard: "'_'",
  EOF: "end of file",
};

function tokenWord(name: string): string {
  return tokenWords[name] ?? name;
}

function touchedByRecovery(node: CstNode): boolean {
  if (node.recoveredNode) return true;
  for (const list of Object.values(node.children)) {
    for (const el of list) {
      if ("image" in el) {
        if (el.isInsertedInRecovery || Number.isNaN(el.startOffset)) return true;
      } else if (touchedByRecovery(el)) return true;
    }
  }
  return false;
}

function tokenSpan(file: SourceFile, t: IToken): Span {
  return span(file, t.startOffset, t.startOffset + t.image.length);
}

function children(node: CstNode, key: string): CstNode[] {
  return (node.children[key] as CstNode[] | undefined) ?? [];
}

function tokens(node: CstNode, key: string): IToken[] {
  return (node.children[key] as IToken[] | undefined) ?? [];
}

class AstBuilder {
  constructor(private readonly file: SourceFile) {}

  statement(node: CstNode): Item | undefined {
    const [decl] = Object.values(node.children).flat() as CstNode[];
    if (!decl || decl.recoveredNode) return undefined;
    switch (decl.name) {
      case "importDecl": {
        const str = tokens(decl, "StringLiteral")[0];
        return {
          kind: "import",
          path: str.image.slice(1, -1),
          span: this.nodeSpan(decl),
          pathSpan: tokenSpan(this.file, str),
        };
      }
      case "relationDecl":
        return {
          kind: "relation",
          unique: tokens(decl, "Unique").length > 0,
          name: this.name(tokens(decl, "name")[0]),
          params: tokens(decl, "param").map((t) => this.name(t)),
          span: this.nodeSpan(decl),
        };
      case "ruleDecl":
        return {
          kind: "rule",
          setup: tokens(decl, "Setup").length > 0,
          name: this.name(tokens(decl, "name")[0]),
          shown: tokens(decl, "shown").map((t) => this.name(t)),
          hidden: tokens(decl, "hidden").map((t) => this.name(t)),
          hasSemicolon: tokens(decl, "Semicolon").length > 0,
          conclusions: children(decl, "conclusion").map((c) => this.claim(c)),
          body: children(decl, "bodyItem").map((b) => this.bodyItem(b)),
          span: this.nodeSpan(decl),
        };
      case "sortDecl":
        return {
          kind: "sort",
          name: this.name(tokens(decl, "name")[0]),
          constructors: children(decl, "constructorDecl").map((c) => ({
            name: this.name(tokens(c, "name")[0]),
            argSorts: tokens(c, "argSort").map((t) => this.name(t)),
            span: this.nodeSpan(c),
          })),
          span: this.nodeSpan(decl),
        };
    }
    return undefined;
  }

  private name(t: IToken): Name {
    return { text: t.image, span: tokenSpan(this.file, t) };
  }

  private bodyItem(node: CstNode): BodyItem {
    const claim = children(node, "claim")[0];
    if (claim) return this.claim(claim);
    return this.comparison(children(node, "comparison")[0]);
  }

  private claim(node: CstNode): ClaimAst {
    const unique = tokens(node, "Unique")[0];
    return {
      kind: "claim",
      unique: unique ? tokenSpan(this.file, unique) : undefined,
      relation: this.name(tokens(node, "relation")[0]),
      args: children(node, "arg").map((e) => this.expression(e)),
      span: this.nodeSpan(node),
    };
  }

  private comparison(node: CstNode): ComparisonAst {
    const op = tokens(node, "op")[0];
    return {
      kind: "comparison",
      op: op.image as CompareOp | "=",
      opSpan: tokenSpan(this.file, op),
      left: this.expression(children(node, "left")[0]),
      right: this.expression(children(node, "right")[0]),
      span: this.nodeSpan(node),
    };
  }

  private expression(node: CstNode): Expr {
    // expression and product share a shape: operands separated by left-associative operators.
    const operands = children(node, "operand");
    const ops = tokens(node, "op");
    const sub = (n: CstNode) => (n.name === "product" ? this.expression(n) : this.unary(n));
    let acc = sub(operands[0]);
    for (let i = 1; i < operands.length; i++) {
      const right = sub(operands[i]);
      acc = {
        kind: "binary",
        op: ops[i - 1].image as "+" | "-" | "*",
        left: acc,
        right,
        span: span(this.file, acc.span.start, right.span.end),
      };
    }
    return acc;
  }

  private unary(node: CstNode): Expr {
    const neg = tokens(node, "neg")[0];
    const operand = children(node, "operand")[0];
    if (neg) {
      const inner = this.unary(operand);
      return {
        kind: "neg",
        operand: inner,
        span: span(this.file, neg.startOffset, inner.span.end),
      };
    }
    return this.primary(operand);
  }

  private primary(node: CstNode): Expr {
    const s = this.nodeSpan(node);
    const int = tokens(node, "Integer")[0];
    if (int) return { kind: "int", value: BigInt(int.image), span: s };
    const ctor = tokens(node, "constructor")[0];
    if (ctor) {
      return {
        kind: "apply",
        constructor: this.name(ctor),
        args: children(node, "arg").map((e) => this.expression(e)),
        span: s,
      };
    }
    const id = tokens(node, "Identifier")[0];
    if (id) return { kind: "var", name: id.image, span: s };
    if (tokens(node, "Wildcard").length) return { kind: "wildcard", span: s };
    // Parenthesised: keep the inner expression but widen its span to the parentheses.
    const inner = this.expression(children(node, "inner")[0]);
    return { ...inner, span: s };
  }

  private nodeSpan(node: CstNode): Span {
    let start = Infinity;
    let end = -Infinity;
    const visit = (el: CstElement) => {
      if ("image" in el) {
        if (!Number.isNaN(el.startOffset)) {
          start = Math.min(start, el.startOffset);
          end = Math.max(end, el.startOffset + el.image.length);
        }
      } else {
        for (const list of Object.values(el.children)) for (const c of list) visit(c);
      }
    };
    visit(node);
    if (start === Infinity) return span(this.file, 0, 0);
    return span(this.file, start, end);
  }
}
