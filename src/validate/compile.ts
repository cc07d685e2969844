/**
 * Rules compiled to closures over a block's values, so that validating a block costs a few
 * BigInt operations and no tree walks. Plain variables and constants, by far the most common
 * arguments, skip closures entirely.
 */
import { compare, mod, type CompareOp } from "../field/index.js";
import type { Arg, Claim, Rule, Term } from "../check/index.js";

/** Evaluates a term for the block whose values start at `base` in `values`. */
export type Evaluator = (values: readonly bigint[], base: number) => bigint;

/** A compiled argument: a variable index (>= 0), a constant, a closure, or a wildcard. */
export type CompiledArg =
  | { readonly kind: "var"; readonly index: number }
  | { readonly kind: "const"; readonly value: bigint }
  | { readonly kind: "eval"; readonly fn: Evaluator }
  | { readonly kind: "wildcard" };

export interface CompiledClaim {
  readonly claim: Claim;
  readonly tag: number;
  readonly unique: boolean;
  readonly args: readonly CompiledArg[];
  /** For hypotheses with wildcards: which argument positions are known. */
  readonly knownMask?: readonly boolean[];
}

export interface CompiledConstraint {
  readonly op: CompareOp;
  readonly left: Evaluator;
  readonly right: Evaluator;
  /** Variables the constraint mentions, for explaining a failure. */
  readonly vars: readonly number[];
}

export interface CompiledRule {
  readonly rule: Rule;
  readonly conclusions: readonly CompiledClaim[];
  readonly hypotheses: readonly CompiledClaim[];
  readonly constraints: readonly CompiledConstraint[];
}

export function evaluator(t: Term): Evaluator {
  switch (t.kind) {
    case "int": {
      const v = t.value;
      return () => v;
    }
    case "var": {
      const i = t.index;
      return (values, base) => values[base + i];
    }
    case "neg": {
      const f = evaluator(t.operand);
      return (values, base) => mod(-f(values, base));
    }
    case "binary": {
      const l = evaluator(t.left);
      const r = evaluator(t.right);
      switch (t.op) {
        case "+":
          return (values, base) => mod(l(values, base) + r(values, base));
        case "-":
          return (values, base) => mod(l(values, base) - r(values, base));
        case "*":
          return (values, base) => mod(l(values, base) * r(values, base));
      }
    }
  }
}

function compileArg(a: Arg): CompiledArg {
  if (a.kind === "wildcard") return { kind: "wildcard" };
  if (a.kind === "var") return { kind: "var", index: a.index };
  if (a.kind === "int") return { kind: "const", value: a.value };
  return { kind: "eval", fn: evaluator(a) };
}

function compileClaim(c: Claim): CompiledClaim {
  const args = c.args.map(compileArg);
  const hasWildcard = args.some((a) => a.kind === "wildcard");
  return {
    claim: c,
    tag: c.relation.tag,
    unique: c.relation.unique,
    args,
    knownMask: hasWildcard ? args.map((a) => a.kind !== "wildcard") : undefined,
  };
}

function termVars(t: Term, out: Set<number>): void {
  if (t.kind === "var") out.add(t.index);
  else if (t.kind === "neg") termVars(t.operand, out);
  else if (t.kind === "binary") {
    termVars(t.left, out);
    termVars(t.right, out);
  }
}

export function compileRule(rule: Rule): CompiledRule {
  return {
    rule,
    conclusions: rule.conclusions.map(compileClaim),
    hypotheses: rule.hypotheses.map(compileClaim),
    constraints: rule.constraints.map((c) => {
      const vars = new Set<number>();
      termVars(c.left, vars);
      termVars(c.right, vars);
      return {
        op: c.op,
        left: evaluator(c.left),
        right: evaluator(c.right),
        vars: [...vars].sort((a, b) => a - b),
      };
    }),
  };
}

/** The value of a non-wildcard argument for one block. */
export function argValue(a: CompiledArg, values: readonly bigint[], base: number): bigint {
  switch (a.kind) {
    case "var":
      return values[base + a.index];
    case "const":
      return a.value;
    case "eval":
      return a.fn(values, base);
    case "wildcard":
      throw new Error("bmc internal error: a wildcard has no value of its own");
  }
}

export function holds(c: CompiledConstraint, values: readonly bigint[], base: number): boolean {
  return compare(c.op, c.left(values, base), c.right(values, base));
}
