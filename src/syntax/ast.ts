/** The abstract syntax of rule files, as written (before name resolution and checks). */
import type { CompareOp } from "../field/index.js";
import type { SourceFile, Span } from "../diagnostics/index.js";

export interface Name {
  readonly text: string;
  readonly span: Span;
}

export type Expr =
  | { readonly kind: "int"; readonly value: bigint; readonly span: Span }
  | { readonly kind: "var"; readonly name: string; readonly span: Span }
  | { readonly kind: "wildcard"; readonly span: Span }
  /** A constructor applied to arguments: a nested term, desugared by the checker. */
  | {
      readonly kind: "apply";
      readonly constructor: Name;
      readonly args: readonly Expr[];
      readonly span: Span;
    }
  | { readonly kind: "neg"; readonly operand: Expr; readonly span: Span }
  | {
      readonly kind: "binary";
      readonly op: "+" | "-" | "*";
      readonly left: Expr;
      readonly right: Expr;
      readonly span: Span;
    };

export interface ClaimAst {
  readonly kind: "claim";
  /** Span of the `unique` keyword, when written. */
  readonly unique?: Span;
  readonly relation: Name;
  readonly args: readonly Expr[];
  readonly span: Span;
}

export interface ComparisonAst {
  readonly kind: "comparison";
  /** `=` binds a variable to a term: `T = impl(A, B)`. */
  readonly op: CompareOp | "=";
  readonly opSpan: Span;
  readonly left: Expr;
  readonly right: Expr;
  readonly span: Span;
}

export type BodyItem = ClaimAst | ComparisonAst;

export interface ImportAst {
  readonly kind: "import";
  /** The string as written, without quotes. */
  readonly path: string;
  readonly span: Span;
  readonly pathSpan: Span;
}

export interface RelationAst {
  readonly kind: "relation";
  readonly unique: boolean;
  readonly name: Name;
  readonly params: readonly Name[];
  readonly span: Span;
}

export interface RuleAst {
  readonly kind: "rule";
  readonly setup: boolean;
  readonly name: Name;
  /** Header variables shown when the block is public (before `;`). */
  readonly shown: readonly Name[];
  /** Header variables after `;`. */
  readonly hidden: readonly Name[];
  /** Whether the header contains a `;` at all. */
  readonly hasSemicolon: boolean;
  readonly conclusions: readonly ClaimAst[];
  /** Hypotheses and primitive constraints, in source order. */
  readonly body: readonly BodyItem[];
  readonly span: Span;
  /**
   * Set by term expansion: every variable the rule as written mentions, so that a variable
   * inside a term dropped for an error is not also reported as unused.
   */
  readonly mentions?: ReadonlySet<string>;
}

export interface ConstructorAst {
  readonly name: Name;
  /** Sorts of the arguments: declared sorts, or `field` for any value. */
  readonly argSorts: readonly Name[];
  readonly span: Span;
}

/** `sort term = impl(term, term) | bot | mvar(field).` */
export interface SortAst {
  readonly kind: "sort";
  readonly name: Name;
  readonly constructors: readonly ConstructorAst[];
  readonly span: Span;
}

export type Item = ImportAst | RelationAst | RuleAst | SortAst;

export interface Comment {
  readonly text: string;
  readonly span: Span;
}

export interface RuleFileAst {
  readonly file: SourceFile;
  readonly items: readonly Item[];
  readonly comments: readonly Comment[];
}
