/**
 * Rules compiled to closures over a block's values, so that validating a block costs a few
 * BigInt operations and no tree walks. Plain variables and constants, by far the most common
 * arguments, skip closures entirely.
 */
import { compare, mod, ORDER_BOUND, type CompareOp } from "../field/index.js";
import type { Arg, Claim, Rule, Term } from "../check/index.js";

/** Evaluates a term for the block whose values start at `base` in `values`. */
export type Evaluator = (values: readonly bigint[], base: number) => bigint;

/**
 * Evaluates a term on the block's values as doubles (see Transcript.numbers): the exact value
 * when it is below 2^53, else -1 (also when an operand is -1), and then the caller evaluates
 * with BigInt. Field values are below P > 2^53, so exact sums and products below 2^53 need no
 * reduction.
 */
export type NumericEvaluator = (numbers: Float64Array, base: number) => number;

/** A compiled argument: a variable index (>= 0), a constant, a closure, or a wildcard. */
export type CompiledArg =
  | { readonly kind: "var"; readonly index: number }
  | { readonly kind: "const"; readonly value: bigint; readonly number: number }
  | { readonly kind: "eval"; readonly fn: Evaluator; readonly numeric: NumericEvaluator }
  | { readonly kind: "wildcard" };

/** Codes of argument kinds in CompiledClaim.argVars (a variable is its index, >= 0). */
export const CONST_ARG = -1;
export const EVAL_ARG = -2;
export const WILDCARD_ARG = -3;

export interface CompiledClaim {
  readonly claim: Claim;
  readonly tag: number;
  readonly unique: boolean;
  readonly args: readonly CompiledArg[];
  /**
   * `args` as numbers, for the validator's inner loop (millions of claims): per argument its
   * variable's index, or CONST_ARG (value in argConsts), EVAL_ARG or WILDCARD_ARG. Reading
   * these typed arrays is several times cheaper than dispatching on `args`' objects.
   */
  readonly argVars: Int32Array;
  readonly argConsts: Float64Array;
  /** For hypotheses with wildcards: which argument positions are known. */
  readonly knownMask?: readonly boolean[];
}

export interface CompiledConstraint {
  readonly op: CompareOp;
  readonly left: Evaluator;
  readonly right: Evaluator;
  readonly numericLeft: NumericEvaluator;
  readonly numericRight: NumericEvaluator;
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

const NUMBER_BOUND = 2 ** 53;
const exactNumber = (v: bigint): number => (v < BigInt(NUMBER_BOUND) ? Number(v) : -1);

export function numericEvaluator(t: Term): NumericEvaluator {
  switch (t.kind) {
    case "int": {
      const v = exactNumber(t.value);
      return () => v;
    }
    case "var": {
      const i = t.index;
      return (numbers, base) => numbers[base + i];
    }
    case "neg": {
      const f = numericEvaluator(t.operand);
      return (numbers, base) => (f(numbers, base) === 0 ? 0 : -1);
    }
    case "binary": {
      const l = numericEvaluator(t.left);
      const r = numericEvaluator(t.right);
      const exact = (x: number) => (x < NUMBER_BOUND ? x : -1);
      switch (t.op) {
        case "+":
          return (numbers, base) => {
            const x = l(numbers, base);
            const y = r(numbers, base);
            return x < 0 || y < 0 ? -1 : exact(x + y);
          };
        case "-":
          return (numbers, base) => {
            const x = l(numbers, base);
            const y = r(numbers, base);
            // x - y below zero is P - (y - x) in the field: not a double.
            return x < 0 || y < 0 || x < y ? -1 : x - y;
          };
        case "*":
          // A double product below 2^53 is exact: rounding cannot bring a larger one below.
          return (numbers, base) => {
            const x = l(numbers, base);
            const y = r(numbers, base);
            return x < 0 || y < 0 ? -1 : exact(x * y);
          };
      }
    }
  }
}

function compileArg(a: Arg): CompiledArg {
  if (a.kind === "wildcard") return { kind: "wildcard" };
  if (a.kind === "var") return { kind: "var", index: a.index };
  if (a.kind === "int") return { kind: "const", value: a.value, number: exactNumber(a.value) };
  return { kind: "eval", fn: evaluator(a), numeric: numericEvaluator(a) };
}

function compileClaim(c: Claim): CompiledClaim {
  const args = c.args.map(compileArg);
  const hasWildcard = args.some((a) => a.kind === "wildcard");
  const code = (a: CompiledArg) =>
    a.kind === "var"
      ? a.index
      : a.kind === "const"
        ? CONST_ARG
        : a.kind === "eval"
          ? EVAL_ARG
          : WILDCARD_ARG;
  return {
    claim: c,
    tag: c.relation.tag,
    unique: c.relation.unique,
    args,
    argVars: Int32Array.from(args, code),
    argConsts: Float64Array.from(args, (a) => (a.kind === "const" ? a.number : 0)),
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
        numericLeft: numericEvaluator(c.left),
        numericRight: numericEvaluator(c.right),
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

/** The value of a non-wildcard argument as a double (see NumericEvaluator), -1 if not exact. */
export function argNumber(a: CompiledArg, numbers: Float64Array, base: number): number {
  switch (a.kind) {
    case "var":
      return numbers[base + a.index];
    case "const":
      return a.number;
    case "eval":
      return a.numeric(numbers, base);
    case "wildcard":
      throw new Error("bmc internal error: a wildcard has no value of its own");
  }
}

const ORDER_BOUND_NUMBER = Number(ORDER_BOUND);

/**
 * Whether a constraint holds, decided on doubles: 1 or 0, or -1 when an operand is not an
 * exact double (then `holds` decides). Same meaning as `compare`: order comparisons are false
 * unless both sides are below 2^40.
 */
export function holdsNumeric(c: CompiledConstraint, numbers: Float64Array, base: number): number {
  const x = c.numericLeft(numbers, base);
  const y = c.numericRight(numbers, base);
  if (x < 0 || y < 0) return -1;
  switch (c.op) {
    case "==":
      return x === y ? 1 : 0;
    case "!=":
      return x !== y ? 1 : 0;
  }
  if (x >= ORDER_BOUND_NUMBER || y >= ORDER_BOUND_NUMBER) return 0;
  switch (c.op) {
    case "<":
      return x < y ? 1 : 0;
    case "<=":
      return x <= y ? 1 : 0;
    case ">":
      return x > y ? 1 : 0;
    case ">=":
      return x >= y ? 1 : 0;
  }
}

export function holds(c: CompiledConstraint, values: readonly bigint[], base: number): boolean {
  return compare(c.op, c.left(values, base), c.right(values, base));
}
