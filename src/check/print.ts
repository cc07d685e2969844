/**
 * Prints a checked rule set back as rule-language text: what `bmc check --expand` shows, with
 * sorts and nested terms desugared into the plain relations and rules the circuits will see.
 * The output is itself a valid rule file that checks to an equivalent rule set.
 */
import type { Arg, Claim, Constraint, Relation, Rule, RuleSet, Term } from "./model.js";

const precedence = { "+": 1, "-": 1, "*": 2 } as const;

export function termText(t: Arg, vars: readonly string[], parent = 0): string {
  switch (t.kind) {
    case "int":
      return t.value.toString();
    case "var":
      return vars[t.index];
    case "wildcard":
      return "_";
    case "neg":
      return `-${termText(t.operand, vars, 3)}`;
    case "binary": {
      const p = precedence[t.op];
      // Left-associative: the right operand needs parentheses at equal precedence.
      const text = `${termText(t.left, vars, p)} ${t.op} ${termText(t.right, vars, p + 1)}`;
      return p < parent ? `(${text})` : text;
    }
  }
}

function claimText(c: Claim, vars: readonly string[]): string {
  const args = c.args.map((a) => termText(a, vars)).join(", ");
  return `${c.relation.unique ? "unique " : ""}${c.relation.name}(${args})`;
}

function constraintText(c: Constraint, vars: readonly string[]): string {
  return `${termText(c.left as Term, vars)} ${c.op} ${termText(c.right as Term, vars)}`;
}

export function relationText(r: Relation): string {
  return `${r.unique ? "unique " : ""}relation ${r.name}(${r.params.join(", ")}).`;
}

export function ruleText(rule: Rule): string {
  const shown = rule.vars.slice(0, rule.shownCount).join(", ");
  const hidden = rule.vars.slice(rule.shownCount).join(", ");
  const header = rule.hasSemicolon ? `${shown}; ${hidden}`.trim() : shown;
  const conclusions = rule.conclusions.map((c) => claimText(c, rule.vars)).join(", ");
  const body = [
    ...rule.hypotheses.map((h) => claimText(h, rule.vars)),
    ...rule.constraints.map((c) => constraintText(c, rule.vars)),
  ].join(", ");
  const head = `${rule.setup ? "setup " : ""}rule ${rule.name}(${header}):`;
  return `${head}\n  ${conclusions ? conclusions + " " : ""}-: ${body}.`;
}

export function printRuleSet(ruleSet: RuleSet): string {
  const lines = [
    "// Expanded by bmc: sorts and nested terms desugared; relation tags in comments.",
    "",
  ];
  for (const r of ruleSet.relations) lines.push(`${relationText(r)} // tag ${r.tag}`);
  for (const rule of ruleSet.rules) lines.push("", ruleText(rule));
  return lines.join("\n") + "\n";
}
