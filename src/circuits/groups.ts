/**
 * Rules of one shape: private rules whose lowered constraint systems are identical up to their
 * constants (claim tags and constant values), e.g. the term-defining rules `def_c` of the
 * constructors of one arity, which differ only in the tag of the relation they conclude. A
 * shared slot of a group runs any rule of the group: the constants that differ between its
 * members are inputs of the slot (`k`), and the slot's rule selector with those constants is
 * looked up in the rule table that the circuit fixes (docs/circuits.md, "Shared slots").
 *
 * Groups are a function of the program alone, so that the emitter, the witness layout and the
 * segment planner derive the same ones, and a manifest needs no field for them.
 */
import type { LClaim, LExpr, LoweredProgram, LoweredRule } from "../lower/index.js";

/** A claim of a group's template: its tag may be a parameter (input `x[tagInput]`). */
export interface TemplateClaim extends LClaim {
  readonly tagInput?: number;
}

/** The rule a shared slot runs: a member with each varying constant replaced by an input. */
export interface TemplateRule extends Omit<LoweredRule, "conclusions" | "uniques" | "hypotheses"> {
  readonly conclusions: readonly TemplateClaim[];
  readonly uniques: readonly TemplateClaim[];
  readonly hypotheses: readonly TemplateClaim[];
}

export interface RuleGroup {
  /** The first member's name: names the group in a shape and its slots' inputs. */
  readonly leader: string;
  /** The first member's rule index: the group's number in the rule table's tuples. */
  readonly id: number;
  /** Rule indices of the members, increasing. */
  readonly members: readonly number[];
  /** How many constants vary between members: the slot's parameters k[0 .. params-1]. */
  readonly params: number;
  /** For each member (same order), its values of the parameters. */
  readonly constants: readonly (readonly bigint[])[];
  /** The template, over inputs x[0 .. inputs-1] then the parameters x[inputs .. ]. */
  readonly template: TemplateRule;
}

/**
 * A rule's skeleton (its structure with every constant written `#`) and its constants in the
 * order the skeleton meets them. Rules with equal skeletons lower to the same circuit once
 * their constants are inputs.
 */
function skeleton(rule: LoweredRule): { key: string; constants: bigint[] } {
  const constants: bigint[] = [];
  const expr = (e: LExpr): string => {
    switch (e.kind) {
      case "const":
        constants.push(e.value);
        return "#";
      case "input":
        return `x${e.index}`;
      case "neg":
        return `-(${expr(e.operand)})`;
      default:
        return `${e.kind}(${expr(e.left)},${expr(e.right)})`;
    }
  };
  const claim = (c: LClaim): string => {
    constants.push(BigInt(c.tag));
    return `#(${c.args.map(expr).join(",")})`;
  };
  const key = [
    `inputs ${rule.inputs.length}`,
    `conclusions ${rule.conclusions.map(claim).join(" ")}`,
    `uniques ${rule.uniques.map(claim).join(" ")}`,
    `hypotheses ${rule.hypotheses.map(claim).join(" ")}`,
    `constraints ${rule.constraints.map((c) => `${c.kind}(${expr(c.left)},${expr(c.right)})`).join(" ")}`,
    `ranges ${rule.rangeChecks.map((r) => expr(r.expr)).join(" ")}`,
  ].join("\n");
  return { key, constants };
}

/** The member `rule` with the constants at `varying` positions replaced by inputs. */
function templateOf(rule: LoweredRule, varying: ReadonlyMap<number, number>): TemplateRule {
  let position = 0;
  const base = rule.inputs.length;
  const expr = (e: LExpr): LExpr => {
    switch (e.kind) {
      case "const": {
        const p = varying.get(position++);
        return p === undefined ? e : { kind: "input", index: base + p };
      }
      case "input":
        return e;
      case "neg":
        return { kind: "neg", operand: expr(e.operand) };
      default: {
        const left = expr(e.left);
        return { kind: e.kind, left, right: expr(e.right) };
      }
    }
  };
  const claim = (c: LClaim): TemplateClaim => {
    const p = varying.get(position++);
    const args = c.args.map(expr);
    return p === undefined ? { ...c, args } : { ...c, args, tagInput: base + p };
  };
  // The same order as skeleton(): conclusions, uniques, hypotheses, constraints, ranges.
  const conclusions = rule.conclusions.map(claim);
  const uniques = rule.uniques.map(claim);
  const hypotheses = rule.hypotheses.map(claim);
  const constraints = rule.constraints.map((c) => {
    const left = expr(c.left);
    return { ...c, left, right: expr(c.right) };
  });
  const rangeChecks = rule.rangeChecks.map((r) => ({ ...r, expr: expr(r.expr) }));
  const params = [...varying.values()].map((p) => `k${p}`);
  return {
    ...rule,
    inputs: [...rule.inputs, ...params],
    conclusions,
    uniques,
    hypotheses,
    constraints,
    rangeChecks,
  };
}

const cache = new WeakMap<LoweredProgram, RuleGroup[]>();

/** The program's groups of two or more private rules of one shape, by their first member. */
export function ruleGroups(program: LoweredProgram): RuleGroup[] {
  const known = cache.get(program);
  if (known) return known;
  const byKey = new Map<string, { members: number[]; constants: bigint[][] }>();
  for (const rule of program.rules) {
    if (rule.setup) continue;
    const s = skeleton(rule);
    let g = byKey.get(s.key);
    if (!g) byKey.set(s.key, (g = { members: [], constants: [] }));
    g.members.push(rule.index);
    g.constants.push(s.constants);
  }
  const groups: RuleGroup[] = [];
  for (const g of byKey.values()) {
    if (g.members.length < 2) continue;
    const varying = new Map<number, number>();
    g.constants[0].forEach((c, i) => {
      if (g.constants.some((cs) => cs[i] !== c)) varying.set(i, varying.size);
    });
    const leader = program.rules[g.members[0]];
    groups.push({
      leader: leader.name,
      id: leader.index,
      members: g.members,
      params: varying.size,
      constants: g.constants.map((cs) => [...varying.keys()].map((i) => cs[i])),
      template: templateOf(leader, varying),
    });
  }
  groups.sort((x, y) => x.id - y.id);
  cache.set(program, groups);
  return groups;
}

/** The group of each rule index (undefined: the rule has no group). */
export function groupOfRule(program: LoweredProgram): (RuleGroup | undefined)[] {
  const out: (RuleGroup | undefined)[] = program.rules.map(() => undefined);
  for (const g of ruleGroups(program)) for (const r of g.members) out[r] = g;
  return out;
}

/** The groups with shared slots in this shape, in group order: their members make the table. */
export function sharedGroups(
  program: LoweredProgram,
  shared: Readonly<Record<string, number>> | undefined,
): { group: RuleGroup; slots: number }[] {
  if (!shared) return [];
  return ruleGroups(program)
    .map((group) => ({ group, slots: shared[group.leader] ?? 0 }))
    .filter((g) => g.slots > 0);
}
