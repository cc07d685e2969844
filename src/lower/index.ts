/**
 * Stage: checked RuleSet -> LoweredProgram (see model.ts). Normalises comparisons, turns each
 * `_` into an input of its own, lists the values that need range checks, and fixes the claim
 * widths and the packing of unique claims.
 */
import { createHash } from "node:crypto";
import {
  printRuleSet,
  type Arg,
  type Claim,
  type Rule,
  type RuleSet,
  type Term,
} from "../check/index.js";
import { checkOrderConstants, checkUniqueConstants, constantValue } from "../check/constants.js";
import { diagnostic, hasErrors, type Diagnostic } from "../diagnostics/index.js";
import { mod, ORDER_BITS } from "../field/index.js";
import type { LClaim, LConstraint, LExpr, LoweredProgram, LoweredRule } from "./model.js";

export type * from "./model.js";

/** Bits reserved for the relation tag in a packed unique claim. */
export const TAG_BITS = 16;
/**
 * A packed unique claim, tag + 2^16 * (x1 + 2^40 * (x2 + ...)), must stay below 2^252 so that
 * a range check on the gap between sorted neighbours proves their order: 16 + 40 * U <= 252.
 */
export const MAX_UNIQUE_WIDTH = Math.floor((252 - TAG_BITS) / ORDER_BITS);

export function packedUniqueBits(uniqueWidth: number): number {
  return TAG_BITS + ORDER_BITS * uniqueWidth;
}

export function exprText(e: LExpr, inputs: readonly string[]): string {
  switch (e.kind) {
    case "const":
      return e.value.toString();
    case "input":
      return inputs[e.index];
    case "neg":
      return `-(${exprText(e.operand, inputs)})`;
    default: {
      const op = e.kind === "add" ? "+" : e.kind === "sub" ? "-" : "*";
      return `(${exprText(e.left, inputs)} ${op} ${exprText(e.right, inputs)})`;
    }
  }
}

/** Variable-free terms become one constant, so that range checks on them are decided here. */
function lowerTerm(t: Term): LExpr {
  const value = constantValue(t);
  if (value !== undefined) return { kind: "const", value };
  switch (t.kind) {
    case "int":
      return { kind: "const", value: t.value };
    case "var":
      return { kind: "input", index: t.index };
    case "neg":
      return { kind: "neg", operand: lowerTerm(t.operand) };
    case "binary":
      return {
        kind: t.op === "+" ? "add" : t.op === "-" ? "sub" : "mul",
        left: lowerTerm(t.left),
        right: lowerTerm(t.right),
      };
  }
}

export interface LowerResult {
  readonly program?: LoweredProgram;
  readonly diagnostics: Diagnostic[];
}

export function lowerRuleSet(ruleSet: RuleSet): LowerResult {
  const diagnostics = circuitLimits(ruleSet);
  if (diagnostics.length) return { diagnostics };
  const rules = ruleSet.rules.map((rule) => lowerRule(rule, diagnostics));
  if (hasErrors(diagnostics)) return { diagnostics };
  const rulesDigest = createHash("sha256").update(printRuleSet(ruleSet)).digest("hex");
  const uniques = ruleSet.relations.filter((r) => r.unique);
  const ordinary = ruleSet.relations.filter((r) => !r.unique);
  return {
    diagnostics,
    program: {
      relations: ruleSet.relations.map((r) => ({
        name: r.name,
        tag: r.tag,
        arity: r.arity,
        unique: r.unique,
      })),
      claimWidth: Math.max(0, ...ordinary.map((r) => r.arity)),
      uniqueWidth: Math.max(0, ...uniques.map((r) => r.arity)),
      rules,
      rulesDigest,
    },
  };
}

/** What the circuits cannot hold: unique claims wider than a pack, more relations than tags. */
function circuitLimits(ruleSet: RuleSet): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const r of ruleSet.relations.filter((r) => r.unique)) {
    if (r.arity > MAX_UNIQUE_WIDTH) {
      diagnostics.push(
        diagnostic(
          "BM0501",
          `unique relation \`${r.name}\` has ${r.arity} arguments; circuits support at most ${MAX_UNIQUE_WIDTH}`,
          r.span,
        ),
      );
    }
  }
  if (ruleSet.relations.length >= 1 << TAG_BITS) {
    diagnostics.push(
      diagnostic(
        "BM0501",
        `${ruleSet.relations.length} relations; circuits support fewer than 2^${TAG_BITS}`,
      ),
    );
  }
  return diagnostics;
}

/** One rule: its claims over its inputs (each `_` an extra input), constraints, range checks. */
function lowerRule(rule: Rule, diagnostics: Diagnostic[]): LoweredRule {
  const inputs = [...rule.vars];
  const wildcards: { hypothesis: number; argument: number }[] = [];
  const claim = (c: Claim, hypothesis?: number): LClaim => ({
    relation: c.relation.name,
    tag: c.relation.tag,
    args: c.args.map((a: Arg, argument): LExpr => {
      if (a.kind !== "wildcard") return lowerTerm(a);
      wildcards.push({ hypothesis: hypothesis!, argument });
      inputs.push(`_${wildcards.length}`);
      return { kind: "input", index: inputs.length - 1 };
    }),
  });
  const hypotheses = rule.hypotheses.map((h, i) => claim(h, i));
  const conclusions = rule.conclusions.filter((c) => !c.relation.unique).map((c) => claim(c));
  const uniqueClaims = rule.conclusions.filter((c) => c.relation.unique).map((c) => claim(c));
  const checks = new Map<string, LExpr>();
  // A constant needs no range check: rules whose constants are out of range are refused
  // (BM0115, BM0123), as the checker does, in case a RuleSet did not come through it.
  const check = (e: LExpr) => {
    const text = exprText(e, inputs);
    if (!checks.has(text) && e.kind !== "const") checks.set(text, e);
  };
  const constraints = lowerConstraints(rule, check, diagnostics);
  for (const c of rule.conclusions) checkUniqueConstants(c, diagnostics);
  for (const u of uniqueClaims) for (const a of u.args) check(a);
  return {
    index: rule.index,
    name: rule.name,
    setup: rule.setup,
    source: {
      file: rule.span.file.path,
      line: rule.span.file.position(rule.span.start).line,
    },
    inputs,
    varCount: rule.vars.length,
    shownCount: rule.shownCount,
    wildcards,
    conclusions,
    uniques: uniqueClaims,
    hypotheses,
    constraints,
    rangeChecks: [...checks].map(([text, expr]) => ({ expr, text })),
  };
}

/**
 * The rule's constraints, `>` and `>=` turned around into `<` and `<=`. An order constraint
 * holds over the integers only when both sides and their gap are in range: `check` is given
 * each of them.
 */
function lowerConstraints(
  rule: Rule,
  check: (e: LExpr) => void,
  diagnostics: Diagnostic[],
): LConstraint[] {
  const constraints: LConstraint[] = [];
  for (const c of rule.constraints) {
    checkOrderConstants(c, diagnostics);
    const text = c.span.file.text.slice(c.span.start, c.span.end);
    let left = lowerTerm(c.left);
    let right = lowerTerm(c.right);
    if (c.op === ">" || c.op === ">=") [left, right] = [right, left];
    const kind =
      c.op === "==" ? "eq" : c.op === "!=" ? "neq" : c.op === "<" || c.op === ">" ? "lt" : "le";
    constraints.push({ kind, left, right, text });
    if (kind === "lt" || kind === "le") {
      check(left);
      check(right);
      const gap = minus(right, left);
      check(kind === "lt" ? minus(gap, { kind: "const", value: 1n }) : gap);
    }
  }
  return constraints;
}

/** l - r, folded when both are constants. */
function minus(l: LExpr, r: LExpr): LExpr {
  return l.kind === "const" && r.kind === "const"
    ? { kind: "const", value: mod(l.value - r.value) }
    : { kind: "sub", left: l, right: r };
}
