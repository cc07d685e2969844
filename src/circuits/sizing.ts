/**
 * Sizing a segment for a transcript, with shared slots where they pay: a group of rules of one
 * shape (./groups.ts) gets shared slots instead of slots of its own per rule when that costs
 * fewer constraints per segment, counting the rule table's share. Per-rule slots are rounded up
 * per rule (a rule with one block in ten segments still has a slot in each); shared slots are
 * rounded up once per group, and each pays a little more (the selector's lookup term, its
 * product with the challenge, and a product per varying constant).
 */
import type { LoweredProgram, LoweredRule } from "../lower/index.js";
import type { SegmentShape } from "./emit.js";
import { ruleGroups } from "./groups.js";

/** Non-linear constraints of a rule's slot, roughly: enough to compare two layouts. */
export function slotCostEstimate(rule: LoweredRule): number {
  const claim = (args: readonly { kind: string }[]) =>
    1 + args.filter((a) => a.kind !== "const").length;
  let cost = 1 + rule.constraints.length;
  for (const c of rule.hypotheses) cost += claim(c.args);
  for (const c of rule.conclusions) cost += 1 + claim(c.args);
  // A unique claim: its LogUp term, its entry in the sorted list and that gap's range check.
  cost += rule.uniques.length * 14;
  // A 40-bit range check by lookup: ten 4-bit limbs.
  cost += rule.rangeChecks.length * 10;
  return cost;
}

/**
 * A shape for `segments` segments holding these private and public block counts (by rule
 * name): private blocks spread evenly; public blocks of a rule without unique claims spread
 * evenly too (the public layout fills segment 0's public slots, then segment 1's, ...:
 * src/prove/statement.ts), those of a rule with unique claims all in the first segment; and
 * shared slots for each group where they cost less than slots per rule.
 */
export function sizedShape(
  program: LoweredProgram,
  privateBlocks: Readonly<Record<string, number>>,
  publicBlocks: Readonly<Record<string, number>>,
  segments: number,
  options: {
    share?: boolean;
    /**
     * Private blocks that must share the first segment with the public ones, by rule: those
     * whose unique claims are below a public block's (segments chain their unique claims in
     * increasing order, and public blocks with unique claims are all in the first segment).
     */
    firstSegment?: Readonly<Record<string, number>>;
    /**
     * Shared slots per group: `slack` times its blocks per segment (default 1). The planner
     * places blocks in the order of their unique claims and opens a segment when any rule's or
     * group's slots are full, so a group sized exactly can make it open more segments.
     */
    slack?: number;
  } = {},
): SegmentShape {
  const perSegment = (n: number) => Math.ceil(n / segments);
  const first = options.firstSegment ?? {};
  const slots: Record<string, number> = {};
  for (const [name, n] of Object.entries(privateBlocks))
    if (n > 0) slots[name] = Math.max(perSegment(n), first[name] ?? 0);
  const shared: Record<string, number> = {};
  if (options.share ?? true) {
    for (const group of ruleGroups(program)) {
      const names = group.members.map((r) => program.rules[r].name);
      const total = names.reduce((n, name) => n + (privateBlocks[name] ?? 0), 0);
      if (total === 0) continue;
      const cost = slotCostEstimate(program.rules[group.id]);
      const own = names.reduce((n, name) => n + perSegment(privateBlocks[name] ?? 0), 0) * cost;
      const pooled = perSegment(total) * (cost + 2 + 2 * group.params) + group.members.length + 1;
      if (pooled >= own) continue;
      for (const name of names) delete slots[name];
      const firsts = names.reduce((n, name) => n + (first[name] ?? 0), 0);
      const slack = Math.ceil((total * (options.slack ?? 1)) / segments);
      shared[group.leader] = Math.max(perSegment(total), slack, firsts);
    }
  }
  const publicSlots: Record<string, number> = {};
  const byName = new Map(program.rules.map((r) => [r.name, r]));
  for (const [name, n] of Object.entries(publicBlocks)) {
    const spreads = byName.get(name)?.uniques.length === 0;
    publicSlots[name] = spreads ? perSegment(n) : n;
  }
  return Object.keys(shared).length ? { slots, publicSlots, shared } : { slots, publicSlots };
}

/**
 * Non-linear constraints of one segment of this shape, roughly: its slots (./sizing's estimate
 * per rule), what shared slots add, the rule table, and a fixed share for the limb table and
 * the sorted unique list's own terms. For comparing shapes, not for reporting.
 */
export function segmentCostEstimate(program: LoweredProgram, shape: SegmentShape): number {
  let cost = 256;
  for (const rule of program.rules) {
    const n = (shape.slots[rule.name] ?? 0) + (shape.publicSlots[rule.name] ?? 0);
    cost += n * slotCostEstimate(rule);
  }
  for (const group of ruleGroups(program)) {
    const n = shape.shared?.[group.leader] ?? 0;
    if (n === 0) continue;
    cost += n * (slotCostEstimate(program.rules[group.id]) + 2 + 2 * group.params);
    cost += group.members.length;
  }
  return cost;
}
