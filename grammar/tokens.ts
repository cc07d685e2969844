/**
 * Tokens of the bmc rule language (`.bm`). The transcript format (`.bmt`) has its own
 * line-oriented scanner in src/transcript, because it must read millions of blocks fast.
 */
import type { TokenType } from "chevrotain";
import { createToken, Lexer } from "./chevrotain.js";

export const Identifier = createToken({ name: "Identifier", pattern: /[A-Za-z_][A-Za-z0-9_]*/ });

function keyword(name: string, word: string): TokenType {
  return createToken({ name, pattern: new RegExp(word), longer_alt: Identifier });
}

export const WhiteSpace = createToken({
  name: "WhiteSpace",
  pattern: /[ \t\r\n]+/,
  group: Lexer.SKIPPED,
});
export const LineComment = createToken({
  name: "LineComment",
  pattern: /\/\/[^\n]*/,
  group: "comments",
});
export const BlockComment = createToken({
  name: "BlockComment",
  pattern: /\/\*[\s\S]*?\*\//,
  group: "comments",
  line_breaks: true,
});

// Matches only where BlockComment cannot: an opening with no closing up to the end of the file.
export const UnterminatedComment = createToken({
  name: "UnterminatedComment",
  pattern: /\/\*[\s\S]*/,
  group: "comments",
  line_breaks: true,
});

export const Import = keyword("Import", "import");
export const Unique = keyword("Unique", "unique");
export const Relation = keyword("Relation", "relation");
export const Setup = keyword("Setup", "setup");
export const Rule = keyword("Rule", "rule");
export const Sort = keyword("Sort", "sort");
/** `_` alone: "any value", only as a whole hypothesis argument. */
export const Wildcard = createToken({ name: "Wildcard", pattern: /_/, longer_alt: Identifier });

export const Integer = createToken({ name: "Integer", pattern: /0[xX][0-9a-fA-F]+|[0-9]+/ });
export const StringLiteral = createToken({ name: "StringLiteral", pattern: /"[^"\\\n]*"/ });

export const Turnstile = createToken({ name: "Turnstile", pattern: /-:/, label: "'-:'" });
export const EqEq = createToken({ name: "EqEq", pattern: /==/, label: "'=='" });
export const NotEq = createToken({ name: "NotEq", pattern: /!=/, label: "'!='" });
export const LessEq = createToken({ name: "LessEq", pattern: /<=/, label: "'<='" });
export const GreaterEq = createToken({ name: "GreaterEq", pattern: />=/, label: "'>='" });
export const Less = createToken({ name: "Less", pattern: /</, label: "'<'" });
export const Greater = createToken({ name: "Greater", pattern: />/, label: "'>'" });
export const Equals = createToken({ name: "Equals", pattern: /=/, label: "'='" });
export const Pipe = createToken({ name: "Pipe", pattern: /\|/, label: "'|'" });
export const Plus = createToken({ name: "Plus", pattern: /\+/, label: "'+'" });
export const Minus = createToken({ name: "Minus", pattern: /-/, label: "'-'" });
export const Star = createToken({ name: "Star", pattern: /\*/, label: "'*'" });
export const LParen = createToken({ name: "LParen", pattern: /\(/, label: "'('" });
export const RParen = createToken({ name: "RParen", pattern: /\)/, label: "')'" });
export const Comma = createToken({ name: "Comma", pattern: /,/, label: "','" });
export const Semicolon = createToken({ name: "Semicolon", pattern: /;/, label: "';'" });
export const Colon = createToken({ name: "Colon", pattern: /:/, label: "':'" });
export const Period = createToken({ name: "Period", pattern: /\./, label: "'.'" });

/** Order matters: longer punctuation before its prefixes, keywords before identifiers. */
export const allTokens: TokenType[] = [
  WhiteSpace,
  LineComment,
  BlockComment,
  UnterminatedComment,
  Turnstile,
  EqEq,
  NotEq,
  LessEq,
  GreaterEq,
  Less,
  Greater,
  Equals,
  Pipe,
  Plus,
  Minus,
  Star,
  LParen,
  RParen,
  Comma,
  Semicolon,
  Colon,
  Period,
  Integer,
  StringLiteral,
  Import,
  Unique,
  Relation,
  Setup,
  Rule,
  Sort,
  Wildcard,
  Identifier,
];

/**
 * The lexer of rule files. `validate` runs Chevrotain's checks of the token definitions
 * (patterns that match the empty string, unreachable tokens, ...): some 7 ms of CPU at every
 * start of bmc. The tokens are fixed when bmc is built, so test/grammar.test.ts runs the checks
 * and bmc itself skips them.
 */
export function createRuleLexer(validate = false): Lexer {
  return new Lexer(allTokens, {
    ensureOptimizations: true,
    positionTracking: "full",
    skipValidations: !validate,
  });
}

export const ruleLexer = createRuleLexer();
