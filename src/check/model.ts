/**
 * The checked rule set: every name resolved, every arity right. Later stages (the validator,
 * lowering to circuits) consume only this, never the AST.
 */
import type { CompareOp } from "../field/index.js";
import type { Span } from "../diagnostics/index.js";

export interface Relation {
  /** Index in RuleSet.relations. */
  readonly index: number;
  readonly name: string;
  readonly unique: boolean;
  readonly arity: number;
  readonly params: readonly string[];
  /**
   * Distinct non-zero tag of the relation, the first component of every claim's encoding.
   * Tags are 1, 2, 3, ... in declaration order (imports first, depth-first).
   */
  readonly tag: number;
  readonly span: Span;
}

/** An expression over a rule's variables; variables are indexes into Rule.vars. */
export type Term =
  | { readonly kind: "int"; readonly value: bigint; readonly span: Span }
  | { readonly kind: "var"; readonly index: number; readonly span: Span }
  | { readonly kind: "neg"; readonly operand: Term; readonly span: Span }
  | {
      readonly kind: "binary";
      readonly op: "+" | "-" | "*";
      readonly left: Term;
      readonly right: Term;
      readonly span: Span;
    };

/** A hypothesis argument may also be `_`: any value, chosen by the prover. */
export type Arg = Term | { readonly kind: "wildcard"; readonly span: Span };

export interface Claim {
  readonly relation: Relation;
  readonly args: readonly Arg[];
  readonly span: Span;
}

export interface Constraint {
  readonly op: CompareOp;
  readonly left: Term;
  readonly right: Term;
  readonly span: Span;
}

export interface Rule {
  /** Index in RuleSet.rules. */
  readonly index: number;
  readonly name: string;
  readonly setup: boolean;
  /** All header variables in header order: the shown ones, then the hidden ones. */
  readonly vars: readonly string[];
  /** How many of `vars` come before the `;` (all of them when the header has none). */
  readonly shownCount: number;
  readonly hasSemicolon: boolean;
  /** Conclusions, ordinary and unique (see Claim.relation.unique), in source order. */
  readonly conclusions: readonly Claim[];
  readonly hypotheses: readonly Claim[];
  readonly constraints: readonly Constraint[];
  readonly span: Span;
  readonly nameSpan: Span;
}

/** A declared sort: `sort term = impl(term, term) | mvar(field).` and what it expanded to. */
export interface Sort {
  readonly name: string;
  /** `unique relation term(T)`: one definition per name. */
  readonly unique: Relation;
  /** `relation term(T, k)`: T is a well-formed term of depth k. */
  readonly depth: Relation;
  readonly constructors: readonly Constructor[];
}

export interface Constructor {
  readonly name: string;
  readonly sort: Sort;
  /** Sort names of the arguments; `field` for plain values. */
  readonly argSorts: readonly string[];
  /** `relation impl(T, a1, a2)`: T names impl(a1, a2). */
  readonly relation: Relation;
  /** The generated `def_impl` rule that defines such names. */
  readonly defRule: Rule;
}

export interface RuleSet {
  readonly relations: readonly Relation[];
  readonly rules: readonly Rule[];
  readonly ruleByName: ReadonlyMap<string, Rule>;
  readonly sorts: ReadonlyMap<string, Sort>;
  readonly constructors: ReadonlyMap<string, Constructor>;
  /** Paths of every file the rule set was read from, in dependency order: imports first, the entry file last. */
  readonly files: readonly string[];
}
