/**
 * Compile-time evaluation of variable-free operands, and the errors for rules that such
 * operands make impossible. Order comparisons hold only between values below 2^40 (src/field),
 * and a unique claim's arguments must be below 2^40 to be packed without collisions. The
 * circuits range-check every operand that depends on a block's values; an operand without
 * variables is decided here instead, once for every block: a rule that no block can satisfy is
 * an error, because lowering must not drop a range check that could fail (a circuit would
 * then accept what the validator rejects).
 */
import { diagnostic, type Diagnostic } from "../diagnostics/index.js";
import { mod, ORDER_BOUND } from "../field/index.js";
import type { Arg, Claim, Constraint, Term } from "./model.js";

/** The value of a term without variables, reduced mod p (undefined if it has a variable). */
export function constantValue(t: Arg): bigint | undefined {
  switch (t.kind) {
    case "int":
      return mod(t.value);
    case "var":
    case "wildcard":
      return undefined;
    case "neg": {
      const v = constantValue(t.operand);
      return v === undefined ? undefined : mod(-v);
    }
    case "binary": {
      const l = constantValue(t.left);
      const r = constantValue(t.right);
      if (l === undefined || r === undefined) return undefined;
      return mod(t.op === "+" ? l + r : t.op === "-" ? l - r : l * r);
    }
  }
}

/**
 * Why an order comparison can never hold, judging only its constant operands, or undefined.
 * Normalised to `lo < hi` or `lo <= hi`.
 */
export function neverHoldsReason(c: Constraint): string | undefined {
  if (c.op === "==" || c.op === "!=") return undefined;
  const flipped = c.op === ">" || c.op === ">=";
  const strict = c.op === "<" || c.op === ">";
  const lo = constantValue(flipped ? c.right : c.left);
  const hi = constantValue(flipped ? c.left : c.right);
  const max = ORDER_BOUND - 1n;
  if (lo !== undefined && lo > max) return `${lo} is not below 2^40`;
  if (hi !== undefined && hi > max) return `${hi} is not below 2^40`;
  if (strict && hi === 0n) return "no value below 2^40 is less than 0";
  if (strict && lo === max) return "no value below 2^40 is greater than 2^40 - 1";
  if (lo !== undefined && hi !== undefined && (strict ? !(lo < hi) : !(lo <= hi)))
    return `${lo} ${strict ? "<" : "<="} ${hi} is false`;
  return undefined;
}

export function checkOrderConstants(c: Constraint, diagnostics: Diagnostic[]): void {
  const reason = neverHoldsReason(c);
  if (reason === undefined) return;
  diagnostics.push(
    diagnostic(
      "BM0115",
      `this comparison can never hold (${reason}), so no block of this rule is valid`,
      c.span,
      { help: `order comparisons hold only between values below 2^40 (${ORDER_BOUND})` },
    ),
  );
}

/** A unique claim's constant arguments must be below 2^40 (BM0305 is the same rule for blocks). */
export function checkUniqueConstants(c: Claim, diagnostics: Diagnostic[]): void {
  if (!c.relation.unique) return;
  for (const a of c.args) {
    const v = constantValue(a);
    if (v === undefined || v < ORDER_BOUND) continue;
    diagnostics.push(
      diagnostic(
        "BM0123",
        `unique claim argument ${v} is not below 2^40, so no block of this rule is valid`,
        a.span,
        {
          help: `unique claims are packed into one field element; each argument must be below 2^40 (${ORDER_BOUND})`,
        },
      ),
    );
  }
}
