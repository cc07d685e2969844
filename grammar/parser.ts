/**
 * The Chevrotain grammar of the rule language (`.bm`). It builds a concrete syntax tree;
 * src/syntax turns that into the AST. Error recovery is on, so one run reports every
 * statement that fails to parse, not only the first.
 */
import type { CstNode, IRecognitionException, IToken, TokenType } from "chevrotain";
import { CstParser, EOF } from "./chevrotain.js";
import * as T from "./tokens.js";

/** Tokens that make `name(...)` the start of an expression rather than a claim. */
const OPERATORS: readonly TokenType[] = [
  T.EqEq,
  T.Equals,
  T.NotEq,
  T.LessEq,
  T.GreaterEq,
  T.Less,
  T.Greater,
  T.Plus,
  T.Minus,
  T.Star,
];

export class RuleParser extends CstParser {
  /**
   * `validate` runs Chevrotain's checks of the grammar itself (ambiguous alternatives, left
   * recursion, ...): some 8 ms of CPU at every start of bmc. The grammar is fixed when bmc is
   * built, so test/grammar.test.ts runs the checks and bmc itself skips them.
   */
  constructor(options: { validate?: boolean } = {}) {
    super(T.allTokens, {
      recoveryEnabled: true,
      maxLookahead: 3,
      skipValidations: !options.validate,
    });
    this.performSelfAnalysis();
  }

  public file = this.RULE("file", () => {
    this.MANY(() => this.SUBRULE(this.statement));
  });

  private statement = this.RULE("statement", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.importDecl) },
      { ALT: () => this.SUBRULE(this.relationDecl) },
      { ALT: () => this.SUBRULE(this.ruleDecl) },
      { ALT: () => this.SUBRULE(this.sortDecl) },
    ]);
  });

  /** `sort term = impl(term, term) | bot | mvar(field).` */
  private sortDecl = this.RULE("sortDecl", () => {
    this.CONSUME(T.Sort);
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.CONSUME(T.Equals);
    this.AT_LEAST_ONE_SEP({ SEP: T.Pipe, DEF: () => this.SUBRULE(this.constructorDecl) });
    this.CONSUME(T.Period);
  });

  private constructorDecl = this.RULE("constructorDecl", () => {
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.OPTION(() => {
      this.CONSUME(T.LParen);
      this.MANY_SEP({
        SEP: T.Comma,
        DEF: () => this.CONSUME2(T.Identifier, { LABEL: "argSort" }),
      });
      this.CONSUME(T.RParen);
    });
  });

  private importDecl = this.RULE("importDecl", () => {
    this.CONSUME(T.Import);
    this.CONSUME(T.StringLiteral);
    this.CONSUME(T.Period);
  });

  private relationDecl = this.RULE("relationDecl", () => {
    this.OPTION(() => this.CONSUME(T.Unique));
    this.CONSUME(T.Relation);
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.CONSUME(T.LParen);
    this.MANY_SEP({
      SEP: T.Comma,
      DEF: () => this.CONSUME2(T.Identifier, { LABEL: "param" }),
    });
    this.CONSUME(T.RParen);
    this.CONSUME(T.Period);
  });

  private ruleDecl = this.RULE("ruleDecl", () => {
    this.OPTION(() => this.CONSUME(T.Setup));
    this.CONSUME(T.Rule);
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.CONSUME(T.LParen);
    this.MANY_SEP({
      SEP: T.Comma,
      DEF: () => this.CONSUME2(T.Identifier, { LABEL: "shown" }),
    });
    this.OPTION2(() => {
      this.CONSUME(T.Semicolon);
      this.MANY_SEP2({
        SEP: T.Comma,
        DEF: () => this.CONSUME3(T.Identifier, { LABEL: "hidden" }),
      });
    });
    this.CONSUME(T.RParen);
    this.CONSUME(T.Colon);
    this.MANY_SEP3({
      SEP: T.Comma,
      DEF: () => this.SUBRULE(this.claim, { LABEL: "conclusion" }),
    });
    this.CONSUME(T.Turnstile);
    this.MANY_SEP4({
      SEP: T.Comma,
      DEF: () => this.SUBRULE(this.bodyItem),
    });
    this.CONSUME(T.Period);
  });

  /**
   * Whether a body item starting `name(` is a claim: it is not when an operator follows the
   * closing parenthesis, as in `pair(x, y) = p` (a term on the left of a constraint).
   */
  private claimAhead(): boolean {
    if (this.LA(1).tokenType === T.Unique) return true;
    if (this.LA(1).tokenType !== T.Identifier || this.LA(2).tokenType !== T.LParen) return false;
    let depth = 0;
    for (let k = 2; ; k++) {
      const type = this.LA(k).tokenType;
      if (type === T.LParen) depth++;
      else if (type === T.RParen && --depth === 0) {
        return !OPERATORS.includes(this.LA(k + 1).tokenType);
      } else if (type === EOF || type === T.Period || type === T.Turnstile) return true;
    }
  }

  private bodyItem = this.RULE("bodyItem", () => {
    this.OR([
      {
        GATE: () => this.claimAhead(),
        ALT: () => this.SUBRULE(this.claim),
      },
      { ALT: () => this.SUBRULE(this.comparison) },
    ]);
  });

  /** `unique` is accepted here in hypotheses too, so that the checker can explain the misuse. */
  private claim = this.RULE("claim", () => {
    this.OPTION(() => this.CONSUME(T.Unique));
    this.CONSUME(T.Identifier, { LABEL: "relation" });
    this.CONSUME(T.LParen);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.expression, { LABEL: "arg" }) });
    this.CONSUME(T.RParen);
  });

  private comparison = this.RULE("comparison", () => {
    this.SUBRULE(this.expression, { LABEL: "left" });
    this.OR([
      { ALT: () => this.CONSUME(T.EqEq, { LABEL: "op" }) },
      { ALT: () => this.CONSUME(T.Equals, { LABEL: "op" }) },
      { ALT: () => this.CONSUME(T.NotEq, { LABEL: "op" }) },
      { ALT: () => this.CONSUME(T.LessEq, { LABEL: "op" }) },
      { ALT: () => this.CONSUME(T.GreaterEq, { LABEL: "op" }) },
      { ALT: () => this.CONSUME(T.Less, { LABEL: "op" }) },
      { ALT: () => this.CONSUME(T.Greater, { LABEL: "op" }) },
    ]);
    this.SUBRULE2(this.expression, { LABEL: "right" });
  });

  private expression = this.RULE("expression", () => {
    this.SUBRULE(this.product, { LABEL: "operand" });
    this.MANY(() => {
      this.OR([
        { ALT: () => this.CONSUME(T.Plus, { LABEL: "op" }) },
        { ALT: () => this.CONSUME(T.Minus, { LABEL: "op" }) },
      ]);
      this.SUBRULE2(this.product, { LABEL: "operand" });
    });
  });

  private product = this.RULE("product", () => {
    this.SUBRULE(this.unary, { LABEL: "operand" });
    this.MANY(() => {
      this.CONSUME(T.Star, { LABEL: "op" });
      this.SUBRULE2(this.unary, { LABEL: "operand" });
    });
  });

  private unary = this.RULE("unary", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Minus, { LABEL: "neg" });
          this.SUBRULE(this.unary, { LABEL: "operand" });
        },
      },
      { ALT: () => this.SUBRULE(this.primary, { LABEL: "operand" }) },
    ]);
  });

  private primary = this.RULE("primary", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Integer) },
      {
        // A constructor application: a term such as impl(A, impl(B, A)).
        GATE: () => this.LA(2).tokenType === T.LParen,
        ALT: () => {
          this.CONSUME2(T.Identifier, { LABEL: "constructor" });
          this.CONSUME2(T.LParen);
          this.MANY_SEP({
            SEP: T.Comma,
            DEF: () => this.SUBRULE2(this.expression, { LABEL: "arg" }),
          });
          this.CONSUME2(T.RParen);
        },
      },
      { ALT: () => this.CONSUME(T.Identifier) },
      { ALT: () => this.CONSUME(T.Wildcard) },
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          this.SUBRULE(this.expression, { LABEL: "inner" });
          this.CONSUME(T.RParen);
        },
      },
    ]);
  });
}

/** One parser instance is enough: Chevrotain parsers are reusable by resetting `input`. */
export const ruleParser = new RuleParser();

export interface RuleCst {
  cst: CstNode;
  tokens: IToken[];
  comments: IToken[];
  lexErrors: { offset: number; length: number; line?: number; column?: number; message: string }[];
  parseErrors: IRecognitionException[];
}

export function parseRuleCst(text: string): RuleCst {
  const lexed = T.ruleLexer.tokenize(text);
  ruleParser.input = lexed.tokens;
  const cst = ruleParser.file();
  return {
    cst,
    tokens: lexed.tokens,
    comments: (lexed.groups["comments"] as IToken[] | undefined) ?? [],
    lexErrors: lexed.errors,
    parseErrors: ruleParser.errors,
  };
}
