/**
 * The least number of constraints a block of a rule needs in each main, whatever the layout of
 * the segment around it: the yardstick that `bmc compile --stats` and bench:circuits hold the
 * emitted circuits against (one definition, so that both report the same ratio).
 *
 * Every block, in either main, needs one product per distinct compressed (argument position,
 * value) of its claims, one LogUp inverse per claim (hypotheses, conclusions, unique claims),
 * one constraint per `==` and `!=`, and its range checks: 41 each by bits in the Groth16 main
 * (40 bits and their weighted sum, gated by the enable bit), 40/k + 1 each in the fold main with
 * k-bit limbs (one LogUp inverse per limb against the table 0 .. 2^k - 1, one recomposition
 * gated by the enable bit). The table's 2^k entries are the segment's; a caller that spreads
 * them over blocks passes that share as `tableShare`.
 */
import { ORDER_BITS } from "../field/index.js";
import type { LExpr, LoweredRule } from "../lower/index.js";

/** Products, LogUp inverses and `==`/`!=`: what a block needs besides its range checks. */
export function claimsLeast(rule: LoweredRule): number {
  const key = (e: LExpr): string =>
    JSON.stringify(e, (_, v) => (typeof v === "bigint" ? v.toString() : v));
  const products = new Set<string>();
  for (const c of [...rule.hypotheses, ...rule.conclusions]) {
    c.args.forEach((a, i) => {
      if (a.kind !== "const") products.add(`${i}:${key(a)}`);
    });
  }
  const claims = rule.hypotheses.length + rule.conclusions.length + rule.uniques.length;
  const equalities = rule.constraints.filter((c) => c.kind === "eq" || c.kind === "neq").length;
  return products.size + claims + equalities;
}

/** The Groth16 main: range checks by bit decomposition, 41 constraints each. */
export function groth16Least(rule: LoweredRule): number {
  return claimsLeast(rule) + (ORDER_BITS + 1) * rule.rangeChecks.length;
}

/**
 * The fold main with k-bit limbs (`limbBits`; undefined when the segment range checks by bits,
 * as the Groth16 main does), plus `tableShare` constraints of the limb table (default none).
 */
export function foldLeast(rule: LoweredRule, limbBits: number | undefined, tableShare = 0): number {
  if (limbBits === undefined) return groth16Least(rule);
  return claimsLeast(rule) + (ORDER_BITS / limbBits + 1) * rule.rangeChecks.length + tableShare;
}
