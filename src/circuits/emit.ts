/**
 * Circom emission: one template per rule, a segment template with a fixed number of slots per
 * rule, a main template for a single-segment Groth16 proof that derives the challenges with
 * Poseidon over every pre-challenge input, and a main template for folding, whose challenges
 * and chain are public inputs and whose accumulators are outputs (the fold verifier checks
 * them across segments).
 *
 * Soundness, in the circuit's terms (block-model.md section 3):
 * - every slot has an enable bit `en` (boolean); a disabled slot contributes nothing: its
 *   LogUp terms are en / (c - b) = 0, its multiplicities are forced to 0, its constraints and
 *   range checks are multiplied by en;
 * - claims are compressed as tag + a*x1 + ... + a^W*xW; hypotheses add en / (h - b) and
 *   conclusions subtract m / (t - b) into the accumulator A, which must total zero;
 * - unique claims are packed injectively (their arguments are range checked below 2^40) and
 *   tied by a second LogUp sum B to a sorted, strictly increasing witness list;
 * - setup rules get public slots only.
 */
import { ORDER_BITS } from "../field/index.js";
import { exprText, packedUniqueBits, TAG_BITS } from "../lower/index.js";
import type { LClaim, LExpr, LoweredProgram, LoweredRule } from "../lower/index.js";
import { sharedGroups, type RuleGroup, type TemplateClaim, type TemplateRule } from "./groups.js";
import { limbPlan, type LimbPlan } from "./lookup.js";
import { Lin, sumText, TemplateWriter } from "./writer.js";

/** How many blocks of each rule one segment holds, privately and publicly. */
export interface SegmentShape {
  readonly slots: Readonly<Record<string, number>>;
  readonly publicSlots: Readonly<Record<string, number>>;
  /**
   * Shared slots by group (./groups.ts, named by its first rule): each runs any rule of the
   * group, chosen by a selector looked up in the rule table. Private blocks of a grouped rule
   * fill its own slots first, then its group's.
   */
  readonly shared?: Readonly<Record<string, number>>;
}

/** One slot of the segment, in the order the segment lays them out. */
export interface SlotLayout {
  readonly rule: string;
  readonly ruleIndex: number;
  readonly public: boolean;
  /** Index among the slots of the same rule and visibility. */
  readonly index: number;
}

export interface EmittedCircuit {
  /** File name -> Circom text. */
  readonly files: Record<string, string>;
  /** The file to compile for a single-segment Groth16 proof. */
  readonly main: string;
  /** The file to compile for folding: one segment among many. */
  readonly foldMain: string;
  /**
   * The fold circuit's public wires after the constant one, in wire order: its outputs
   * (A, B, u_out), then its public inputs (a, b, u_in, then the public slots).
   */
  readonly foldPublic: string[];
  /** The fold circuit's private inputs (every one pre-challenge data), in wire order. */
  readonly foldPrivate: string[];
  readonly slots: SlotLayout[];
  /** Names of main's public inputs, in order. */
  readonly publicInputs: string[];
  /** Names of the pre-challenge inputs, in the order the sponge absorbs them. */
  readonly preChallenge: string[];
  /** The shared slots, after the per-rule ones, in the order the segment lays them out. */
  readonly sharedSlots: readonly SharedSlot[];
  /** Number of sorted unique-claim entries. */
  readonly uniqueSlots: number;
  /**
   * The fold main's range checks by lookup (its private inputs `limbs` and `limb_m`), or
   * undefined when it decomposes into bits like the Groth16 main (./lookup.ts).
   */
  readonly limbPlan?: LimbPlan;
}

/** One shared slot: which group, and its index among the group's slots. */
export interface SharedSlot {
  readonly group: string;
  readonly index: number;
}

export function defaultShape(program: LoweredProgram, slotsPerRule = 4): SegmentShape {
  const slots: Record<string, number> = {};
  const publicSlots: Record<string, number> = {};
  for (const r of program.rules) {
    // Definitions (rules with unique conclusions: every subterm has one) are the most common
    // blocks, and a statement defines the terms it names: they get twice the slots, and public
    // ones. The rest of the statement: setup facts and goals (rules with no conclusions).
    const defines = r.uniques.length > 0;
    slots[r.name] = r.setup ? 0 : defines ? 2 * slotsPerRule : slotsPerRule;
    const goal = r.conclusions.length === 0 && r.uniques.length === 0;
    publicSlots[r.name] = defines ? 2 : r.setup || goal ? 1 : 0;
  }
  return { slots, publicSlots };
}

const ident = (r: LoweredRule) => `Rule_${r.name}`;

/** Every element of a declared signal array, in Circom's order: `x[0][0]`, `x[0][1]`, ... */
function elementNames(name: string, dims: readonly number[], out: string[] = []): string[] {
  // Appended one by one: a spread of 100,000 names overflows the call stack.
  if (dims.length === 0) out.push(name);
  else for (let i = 0; i < dims[0]; i++) elementNames(`${name}[${i}]`, dims.slice(1), out);
  return out;
}

/** Signal names inside a rule template. */
function linOf(e: LExpr, t: TemplateWriter, products: { count: number }): Lin {
  switch (e.kind) {
    case "const":
      return Lin.const(e.value);
    case "input":
      return Lin.signal(`x[${e.index}]`);
    case "neg":
      return linOf(e.operand, t, products).scale(-1n);
    case "add":
      return linOf(e.left, t, products).add(linOf(e.right, t, products));
    case "sub":
      return linOf(e.left, t, products).sub(linOf(e.right, t, products));
    case "mul": {
      const l = linOf(e.left, t, products);
      const r = linOf(e.right, t, products);
      if (l.isConstant) return r.scale(l.constant);
      if (r.isConstant) return l.scale(r.constant);
      const name = `prod${products.count++}`;
      t.line(`signal ${name};`);
      t.assign(name, `(${l}) * (${r})`);
      return Lin.signal(name);
    }
  }
}

/** A claim's tag: a constant, or in a shared slot's template possibly an input (it varies by rule). */
const tagOf = (c: TemplateClaim): Lin =>
  c.tagInput === undefined ? Lin.const(BigInt(c.tag)) : Lin.signal(`x[${c.tagInput}]`);

/** What the parts of one rule template share while it is written. */
interface RuleBody {
  readonly t: TemplateWriter;
  readonly rule: TemplateRule;
  /** Counts the product signals, so that every part names its own. */
  readonly products: { count: number };
  /** A claim compressed: tag + a*x1 + ... (see claimCompressor). */
  readonly compress: (c: TemplateClaim) => Lin;
}

/**
 * A rule's template, or a shared slot's (`group` given): the group's template rule, whose
 * varying constants are inputs x[I ..] (I the members' input count), with a rule selector `sel`
 * whose tuple (sel, group, k) is a LogUp term `lookup` against the segment's rule table.
 */
function emitRule(rule: TemplateRule, program: LoweredProgram, group?: RuleGroup): string {
  const W = group ? powersWidth(program, group.params) : program.claimWidth;
  const t = new TemplateWriter(
    group ? sharedIdent(group) : ident(rule),
    [],
    ruleDoc(rule, program, group),
  );
  const C = rule.conclusions.length;
  const U = rule.uniques.length;
  const products = { count: 0 };
  t.line("signal input en;");
  if (group) t.line("signal input sel;");
  if (rule.inputs.length) t.line(`signal input x[${rule.inputs.length}];`);
  if (C) t.line(`signal input m[${C}];`);
  if (W) t.line(`signal input pw[${W}];`);
  t.line("signal input b;");
  t.line("signal output logup;");
  t.line("signal output unique;");
  if (U) t.line(`signal output packed[${U}];`);
  if (rule.rangeChecks.length) t.line(`signal output range[${rule.rangeChecks.length}];`);
  if (group) t.line("signal output lookup;");
  t.blank();
  t.constrain("en * (en - 1)", "0");

  const body: RuleBody = { t, rule, products, compress: claimCompressor(t, products) };
  const logup = emitClaimTerms(body);
  const unique = emitUniqueTerms(body);
  emitRuleConstraints(body);
  if (group) emitRuleLookup(body, group);
  t.blank();
  t.assign("logup", logup.toString());
  t.assign("unique", unique.toString());
  return t.render();
}

/** The template's doc comment: which rule (or which rules share the slot), and its inputs. */
function ruleDoc(rule: TemplateRule, program: LoweredProgram, group?: RuleGroup): string[] {
  return group
    ? [
        `shared slot of ${group.members.length} rules of one shape: ${group.members.map((r) => program.rules[r].name).join(", ")}`,
        `template: rule ${rule.name}, ${rule.source.file}:${rule.source.line}`,
        `x: ${rule.inputs.join(", ")}`,
      ]
    : [
        `rule ${rule.name}${rule.setup ? " (setup)" : ""}, ${rule.source.file}:${rule.source.line}`,
        `x: ${rule.inputs.join(", ")}`,
      ];
}

/** Compresses claims as tag + a*x1 + ... + a^W*xW, writing the product signals it needs. */
function claimCompressor(t: TemplateWriter, products: { count: number }) {
  // a^(i+1) * value, shared between claims that put the same value at the same position.
  const powerTimes = new Map<string, string>();
  return (c: TemplateClaim): Lin => {
    let acc = tagOf(c);
    c.args.forEach((arg, i) => {
      const value = linOf(arg, t, products);
      if (value.isConstant) {
        acc = acc.add(Lin.signal(`pw[${i}]`).scale(value.constant));
        return;
      }
      const key = `${i}:${value}`;
      let name = powerTimes.get(key);
      if (!name) {
        name = `term${powerTimes.size}`;
        powerTimes.set(key, name);
        t.line(`signal ${name};`);
        t.assign(name, `pw[${i}] * (${value})`);
      }
      acc = acc.add(Lin.signal(name));
    });
    return acc;
  };
}

/** The LogUp terms of the hypotheses (en each) and conclusions (m each): their sum into A. */
function emitClaimTerms({ t, rule, compress }: RuleBody): Lin {
  let logup = Lin.const(0n);
  rule.hypotheses.forEach((h, j) => {
    t.blank().comment(
      `hypothesis ${j}: ${h.relation}(${h.args.map((a) => exprText(a, rule.inputs)).join(", ")})`,
    );
    const c = compress(h);
    t.line(`component hypTerm${j} = LogUpTerm();`);
    t.assign(`hypTerm${j}.en`, "en");
    t.assign(`hypTerm${j}.c`, c.toString());
    t.assign(`hypTerm${j}.x`, "b");
    logup = logup.add(Lin.signal(`hypTerm${j}.inv`));
  });
  rule.conclusions.forEach((k, j) => {
    t.blank().comment(
      `conclusion ${j}: ${k.relation}(${k.args.map((a) => exprText(a, rule.inputs)).join(", ")})`,
    );
    t.constrain(`m[${j}] * (1 - en)`, "0");
    const c = compress(k);
    t.line(`component conTerm${j} = LogUpTerm();`);
    t.assign(`conTerm${j}.en`, `m[${j}]`);
    t.assign(`conTerm${j}.c`, c.toString());
    t.assign(`conTerm${j}.x`, "b");
    logup = logup.sub(Lin.signal(`conTerm${j}.inv`));
  });
  return logup;
}

/** The unique claims, packed injectively, and their LogUp terms: their sum into B. */
function emitUniqueTerms({ t, rule, products }: RuleBody): Lin {
  let unique = Lin.const(0n);
  rule.uniques.forEach((u, j) => {
    t.blank().comment(
      `unique ${u.relation}(${u.args.map((a) => exprText(a, rule.inputs)).join(", ")}), packed`,
    );
    let pack = tagOf(u);
    u.args.forEach((arg, i) => {
      const shift = 1n << BigInt(TAG_BITS + ORDER_BITS * i);
      pack = pack.add(linOf(arg, t, products).scale(shift));
    });
    t.assign(`packed[${j}]`, pack.toString());
    t.line(`component uniTerm${j} = LogUpTerm();`);
    t.assign(`uniTerm${j}.en`, "en");
    t.assign(`uniTerm${j}.c`, `packed[${j}]`);
    t.assign(`uniTerm${j}.x`, "b");
    unique = unique.add(Lin.signal(`uniTerm${j}.inv`));
  });
  return unique;
}

/** The rule's side conditions (== and !=, times en) and the values it range checks. */
function emitRuleConstraints({ t, rule, products }: RuleBody): void {
  rule.constraints.forEach((c, j) => {
    if (c.kind === "lt" || c.kind === "le") return; // by the range checks below
    t.blank().comment(`constraint ${c.text}`);
    const diff = linOf(c.left, t, products).sub(linOf(c.right, t, products));
    if (c.kind === "eq") {
      t.constrain(`en * (${diff})`, "0");
    } else {
      t.line(`signal neqInv${j};`);
      t.witness(`neqInv${j}`, `(${diff}) != 0 ? en / (${diff}) : 0`);
      t.constrain(`neqInv${j} * (${diff})`, "en");
      t.constrain(`neqInv${j} * (1 - en)`, "0");
    }
  });
  // The segment range checks these (bit decomposition or lookup, depending on the main).
  rule.rangeChecks.forEach((r, j) => {
    t.blank().comment(`0 <= ${r.text} < 2^${ORDER_BITS}, range checked by the segment`);
    const value = linOf(r.expr, t, products);
    t.assign(`range[${j}]`, `en * (${value})`);
  });
}

/** A shared slot's rule tuple (sel, group, k), a LogUp term against the rule table. */
function emitRuleLookup({ t, rule, products }: RuleBody, group: RuleGroup): void {
  t.blank().comment("the rule selector and the constants, looked up in the segment's rule table");
  t.line("component ruleTerm = LogUpTerm();");
  t.assign("ruleTerm.en", "en");
  t.assign(
    "ruleTerm.c",
    ruleKey(
      group,
      Lin.signal("sel"),
      (p) => Lin.signal(`x[${rule.inputs.length - group.params + p}]`),
      t,
      products,
    ).toString(),
  );
  t.assign("ruleTerm.x", "b");
  t.assign("lookup", "ruleTerm.inv");
}

const sharedIdent = (g: RuleGroup) => `Shared_${g.leader}`;

/** Powers of `a` a template needs: the claim width, or a rule tuple (sel, group, k...). */
function powersWidth(program: LoweredProgram, params: number): number {
  return Math.max(program.claimWidth, params + 2);
}

/**
 * A rule tuple compressed: a*sel + a^2*group + a^3*k0 + ... With constants (a row of the rule
 * table) it is linear in the powers; in a slot each a^i times an input is a product. The
 * selector is multiplied by a, not added: a private input that occurs only in linear
 * constraints may be substituted away by circom --O2 (it was: every shared slot's `sel` in
 * hol.mm's fold main), leaving the key a free internal wire chosen after the challenges.
 */
function ruleKey(
  group: RuleGroup,
  sel: Lin,
  k: (p: number) => Lin,
  t: TemplateWriter,
  products: { count: number },
  pw: (i: number) => string = (i) => `pw[${i}]`,
): Lin {
  const times = (i: number, value: Lin): Lin => {
    if (value.isConstant) return Lin.signal(pw(i)).scale(value.constant);
    const name = `keyTerm${products.count++}`;
    t.line(`signal ${name};`);
    t.assign(name, `${pw(i)} * (${value})`);
    return Lin.signal(name);
  };
  let key = times(0, sel).add(Lin.signal(pw(1)).scale(BigInt(group.id)));
  for (let p = 0; p < group.params; p++) key = key.add(times(p + 2, k(p)));
  return key;
}

export function slotSignal(rule: LoweredRule, isPublic: boolean): string {
  return `${isPublic ? "pub" : "r"}${rule.index}`;
}

interface DeclaredInput {
  readonly name: string;
  readonly dims: number[];
  readonly public: boolean;
}

/** A group with shared slots in this segment, and how many (sharedGroups). */
type SlottedGroup = ReturnType<typeof sharedGroups>[number];
/** A row of the rule table: rule r, the i-th member of its group. */
type RuleTableRow = { group: RuleGroup; r: number; i: number };
/** Declares one segment input (skipped when it has no elements). */
type DeclareInput = (name: string, dims: number[], isPublic?: boolean) => void;

/** The wires the slots hand on to the segment's sums and checks. */
interface SlotOutputs {
  /** Summed into A. */
  readonly logups: string[];
  /** Summed into B. */
  readonly uniques: string[];
  /** Every value to range check, in the order of plan.values. */
  readonly ranged: string[];
  /** The shared slots' rule tuples, which the rule table must offer. */
  readonly looked: string[];
}

/**
 * The segment template: inputs per rule and visibility, one component per slot, the
 * accumulators, the sorted unique claims, and the range checks of every slot and every gap
 * between sorted neighbours: by bit decomposition (`plan` undefined: the Groth16 main, whose
 * sponge would pay about 41 constraints to absorb each limb) or by a limb lookup (the fold
 * main, whose private inputs are committed outside the circuit; ./lookup.ts).
 */
function emitSegment(
  name: string,
  program: LoweredProgram,
  shape: SegmentShape,
  { slots, sharedSlots, groups, uniqueSlots }: SegmentLayout,
  plan?: LimbPlan,
): { text: string; declared: DeclaredInput[] } {
  const W = program.claimWidth;
  const seg = new TemplateWriter(
    name,
    [],
    [
      "One segment: every slot of every rule, the LogUp accumulator A (hypotheses minus",
      "conclusions), the unique-claim accumulator B, and the chain of unique claims u_in -> u_out.",
      plan
        ? `Range checks by lookup: ${plan.limbBits}-bit limbs (private inputs) in a table of ${2 ** plan.limbBits}.`
        : "Range checks by bit decomposition.",
    ],
  );
  const table = groups.flatMap(({ group }) => group.members.map((r, i) => ({ group, r, i })));
  const declared = declareSegmentInputs(seg, program, shape, groups, table, uniqueSlots, plan);
  seg.line("signal output A;");
  seg.line("signal output B;");
  seg.line("signal output u_out;");
  seg.blank();
  const powers = Math.max(W, ...groups.map(({ group }) => powersWidth(program, group.params)));
  if (powers) {
    seg.line(`component powers = Powers(${powers});`);
    seg.assign("powers.a", "a");
  }
  const out: SlotOutputs = { logups: [], uniques: [], ranged: [], looked: [] };
  emitRuleSlots(seg, program, slots, out);
  emitSharedSlots(seg, program, groups, sharedSlots, out);
  if (table.length) emitRuleTable(seg, program, table, out.looked);
  emitAccumulators(seg, uniqueSlots, out);
  seg.blank();
  if (plan) emitLookupChecks(seg, plan, out.ranged);
  else emitBitChecks(seg, program, out.ranged, out.ranged.length - uniqueSlots);
  return { text: seg.render(), declared };
}

/** The segment's inputs, declared in wire order: challenges, slots, rule table, sorted list, limbs. */
function declareSegmentInputs(
  seg: TemplateWriter,
  program: LoweredProgram,
  shape: SegmentShape,
  groups: readonly SlottedGroup[],
  table: readonly RuleTableRow[],
  uniqueSlots: number,
  plan?: LimbPlan,
): DeclaredInput[] {
  const declared: DeclaredInput[] = [];
  const input: DeclareInput = (name, dims, isPublic = false) => {
    if (dims.some((d) => d === 0)) return;
    declared.push({ name, dims, public: isPublic });
    seg.line(`signal input ${name}${dims.map((d) => `[${d}]`).join("")};`);
  };
  seg.line("signal input a;");
  seg.line("signal input b;");
  seg.line("signal input u_in;");
  declareRuleSlotInputs(seg, input, program, shape);
  declareSharedSlotInputs(seg, input, groups);
  if (table.length) {
    seg.comment("how often each rule of the rule table is selected by a shared slot");
    input("rule_m", [table.length]);
  }
  input("sorted", [uniqueSlots]);
  input("sorted_en", [uniqueSlots]);
  if (plan) {
    seg.comment("the limbs of every range-checked value and the table's multiplicities");
    input("limbs", [plan.limbCount]);
    input("limb_m", [2 ** plan.limbBits]);
  }
  return declared;
}

/** Each rule's slot inputs, public rules first: a public slot's shown inputs are public. */
function declareRuleSlotInputs(
  seg: TemplateWriter,
  input: DeclareInput,
  program: LoweredProgram,
  shape: SegmentShape,
): void {
  for (const isPublic of [true, false]) {
    for (const rule of program.rules) {
      const n = (isPublic ? shape.publicSlots : shape.slots)[rule.name] ?? 0;
      if (n === 0) continue;
      const s = slotSignal(rule, isPublic);
      seg.comment(
        `${isPublic ? "public" : "private"} slots of ${rule.name}: ${rule.inputs.join(", ")}`,
      );
      input(`${s}_en`, [n], isPublic);
      if (isPublic) {
        input(`${s}_shown`, [n, rule.shownCount], true);
        input(`${s}_rest`, [n, rule.inputs.length - rule.shownCount]);
      } else {
        input(`${s}_x`, [n, rule.inputs.length]);
      }
      input(`${s}_m`, [n, rule.conclusions.length]);
    }
  }
}

/** Each group's shared slot inputs (all private): enable, selector, constants, values, m. */
function declareSharedSlotInputs(
  seg: TemplateWriter,
  input: DeclareInput,
  groups: readonly SlottedGroup[],
): void {
  for (const { group, slots: n } of groups) {
    const t = group.template;
    const s = `s${group.id}`;
    seg.comment(
      `shared slots of ${group.leader}'s group (${group.members.length} rules): selector, ${group.params} constants, ${t.inputs.length - group.params} values`,
    );
    input(`${s}_en`, [n]);
    input(`${s}_sel`, [n]);
    input(`${s}_k`, [n, group.params]);
    input(`${s}_x`, [n, t.inputs.length - group.params]);
    input(`${s}_m`, [n, t.conclusions.length]);
  }
}

/** One component per rule slot, wired to its inputs, the powers of a and b. */
function emitRuleSlots(
  seg: TemplateWriter,
  program: LoweredProgram,
  slots: readonly SlotLayout[],
  out: SlotOutputs,
): void {
  const W = program.claimWidth;
  slots.forEach((slot, k) => {
    const rule = program.rules[slot.ruleIndex];
    const s = slotSignal(rule, slot.public);
    const c = `slot${k}`;
    seg
      .blank()
      .comment(`slot ${k}: ${slot.public ? "public" : "private"} ${rule.name} #${slot.index}`);
    seg.line(`component ${c} = ${ident(rule)}();`);
    seg.assign(`${c}.en`, `${s}_en[${slot.index}]`);
    rule.inputs.forEach((_, j) => {
      const source = !slot.public
        ? `${s}_x[${slot.index}][${j}]`
        : j < rule.shownCount
          ? `${s}_shown[${slot.index}][${j}]`
          : `${s}_rest[${slot.index}][${j - rule.shownCount}]`;
      seg.assign(`${c}.x[${j}]`, source);
    });
    rule.conclusions.forEach((_, j) => seg.assign(`${c}.m[${j}]`, `${s}_m[${slot.index}][${j}]`));
    for (let i = 0; i < W; i++) seg.assign(`${c}.pw[${i}]`, `powers.pw[${i}]`);
    seg.assign(`${c}.b`, "b");
    out.logups.push(`${c}.logup`);
    out.uniques.push(`${c}.unique`);
    rule.rangeChecks.forEach((_, j) => out.ranged.push(`${c}.range[${j}]`));
  });
}

/** One component per shared slot: its values, then its constants as the template's last inputs. */
function emitSharedSlots(
  seg: TemplateWriter,
  program: LoweredProgram,
  groups: readonly SlottedGroup[],
  sharedSlots: readonly SharedSlot[],
  out: SlotOutputs,
): void {
  sharedSlots.forEach((slot, j) => {
    const { group } = groups.find((g) => g.group.leader === slot.group)!;
    const t = group.template;
    const values = t.inputs.length - group.params;
    const s = `s${group.id}`;
    const c = `shared${j}`;
    seg.blank().comment(`shared slot ${j}: ${group.leader}'s group #${slot.index}`);
    seg.line(`component ${c} = ${sharedIdent(group)}();`);
    seg.assign(`${c}.en`, `${s}_en[${slot.index}]`);
    seg.assign(`${c}.sel`, `${s}_sel[${slot.index}]`);
    for (let j = 0; j < values; j++) seg.assign(`${c}.x[${j}]`, `${s}_x[${slot.index}][${j}]`);
    for (let p = 0; p < group.params; p++)
      seg.assign(`${c}.x[${values + p}]`, `${s}_k[${slot.index}][${p}]`);
    t.conclusions.forEach((_, j) => seg.assign(`${c}.m[${j}]`, `${s}_m[${slot.index}][${j}]`));
    for (let i = 0; i < powersWidth(program, group.params); i++)
      seg.assign(`${c}.pw[${i}]`, `powers.pw[${i}]`);
    seg.assign(`${c}.b`, "b");
    out.logups.push(`${c}.logup`);
    out.uniques.push(`${c}.unique`);
    out.looked.push(`${c}.lookup`);
    t.rangeChecks.forEach((_, j) => out.ranged.push(`${c}.range[${j}]`));
  });
}

/**
 * The rule table, fixed by the circuit: row t is (rule, group, the rule's constants). Its own
 * LogUp sum at b, zero in every segment: it never meets A or B.
 */
function emitRuleTable(
  seg: TemplateWriter,
  program: LoweredProgram,
  table: readonly RuleTableRow[],
  looked: readonly string[],
): void {
  seg.blank().comment("the rule table: every shared slot's (sel, group, k) is one of its rows");
  const offered: string[] = [];
  table.forEach(({ group, r, i }, row) => {
    const c = `ruleRow${row}`;
    const key = ruleKey(
      group,
      Lin.const(BigInt(r)),
      (p) => Lin.const(group.constants[i][p]),
      seg,
      { count: 0 },
      (i) => `powers.pw[${i}]`,
    );
    seg.comment(`row ${row}: rule ${program.rules[r].name}`);
    seg.line(`component ${c} = LogUpTerm();`);
    seg.assign(`${c}.en`, `rule_m[${row}]`);
    seg.assign(`${c}.c`, key.toString());
    seg.assign(`${c}.x`, "b");
    offered.push(`${c}.inv`);
  });
  seg.constrain(sumText(looked), sumText(offered));
}

/** A and B, and the sorted unique claims chained from u_in to u_out (their gaps range checked). */
function emitAccumulators(seg: TemplateWriter, uniqueSlots: number, out: SlotOutputs): void {
  seg.blank();
  seg.assign("A", sumText(out.logups));
  if (uniqueSlots) {
    seg.line(`component sortedUnique = SortedUnique(${uniqueSlots});`);
    seg.line(`for (var i = 0; i < ${uniqueSlots}; i++) {`);
    seg.line("    sortedUnique.in[i] <== sorted[i];");
    seg.line("    sortedUnique.en[i] <== sorted_en[i];");
    seg.line("}");
    seg.assign("sortedUnique.prev", "u_in");
    seg.assign("sortedUnique.x", "b");
    seg.assign("B", `${sumText(out.uniques)} - sortedUnique.sum`);
    seg.assign("u_out", "sortedUnique.last");
    for (let i = 0; i < uniqueSlots; i++) out.ranged.push(`sortedUnique.gap[${i}]`);
  } else {
    seg.assign("B", "0");
    seg.assign("u_out", "u_in");
  }
}

/** Each value below 2^40 (a slot's) or 2^(16 + 40U) (a gap), by its binary decomposition. */
function emitBitChecks(
  seg: TemplateWriter,
  program: LoweredProgram,
  ranged: readonly string[],
  slotChecks: number,
): void {
  const gapBits = packedUniqueBits(program.uniqueWidth);
  ranged.forEach((value, i) => {
    const bits = i < slotChecks ? ORDER_BITS : gapBits;
    // slot3.range[2] is checked by slot3_range2 (--stats and error messages name its slot).
    const check = value.replace(".", "_").replace(/\[(\d+)\]$/, "$1");
    seg.line(`component ${check} = RangeCheck(${bits});`);
    seg.assign(`${check}.in`, value);
  });
}

/**
 * Each value is the sum of its limbs times 2^(k*i), below 2^(k*count) <= 2^252 < p: no
 * wrap-around. Every limb is in the table 0 .. 2^k - 1 by one LogUp sum at the challenge b, its
 * own equation, zero in every segment: it never meets A or B.
 */
function emitLookupChecks(seg: TemplateWriter, plan: LimbPlan, ranged: readonly string[]): void {
  const k = BigInt(plan.limbBits);
  plan.values.forEach((v, i) => {
    let sum = Lin.const(0n);
    for (let j = 0; j < v.count; j++)
      sum = sum.add(Lin.signal(`limbs[${v.first + j}]`).scale(1n << (k * BigInt(j))));
    seg.constrain(ranged[i], sum.toString());
  });
  seg.line(`component lookup = LimbLookup(${plan.limbCount}, ${plan.limbBits});`);
  seg.assign("lookup.x", "b");
  seg.line(`for (var i = 0; i < ${plan.limbCount}; i++) {`);
  seg.line("    lookup.in[i] <== limbs[i];");
  seg.line("}");
  seg.line(`for (var t = 0; t < ${2 ** plan.limbBits}; t++) {`);
  seg.line("    lookup.m[t] <== limb_m[t];");
  seg.line("}");
}

export function emitCircuit(program: LoweredProgram, shape: SegmentShape): EmittedCircuit {
  const layout = layOutSegment(program, shape);
  const { slots, sharedSlots, uniqueSlots } = layout;
  const bits = emitSegment("Segment", program, shape, layout);
  const plan = limbPlan(program, shape);
  const lookup = plan && emitSegment("LookupSegment", program, shape, layout, plan);
  const declared = bits.declared;
  const foldDeclared = lookup?.declared ?? declared;
  const main = emitGroth16Main(declared);
  const fold = emitFoldMain(foldDeclared, lookup ? "LookupSegment" : "Segment");

  const publicNames = declared.filter((d) => d.public).map((d) => d.name);
  const publicInputs = declared
    .filter((x) => x.public)
    .flatMap((d) => elementNames(d.name, d.dims));
  const header = fileHeader(program, slots, sharedSlots);
  const rules = [
    ...program.rules.map((r) => emitRule(r, program) + "\n"),
    ...layout.groups.map(({ group }) => emitRule(group.template, program, group) + "\n"),
  ];
  const groth16Main = publicNames.length
    ? `component main {public [${publicNames.join(", ")}]} = Groth16Segment();`
    : "component main = Groth16Segment();";
  const foldMain = `component main {public [${["a", "b", "u_in", ...publicNames].join(", ")}]} = FoldSegment();`;
  return {
    files: {
      "rules.circom": circomFile(header, "bmc.circom", rules),
      "segment.circom": circomFile(header, "rules.circom", [
        bits.text,
        ...(lookup ? ["", lookup.text] : []),
        "",
      ]),
      "groth16.circom": circomFile(header, "segment.circom", [main.text, "", groth16Main, ""]),
      "fold.circom": circomFile(header, "segment.circom", [fold.text, "", foldMain, ""]),
    },
    main: "groth16.circom",
    foldMain: "fold.circom",
    foldPublic: ["A", "B", "u_out", "a", "b", "u_in", ...publicInputs],
    foldPrivate: fold.foldPrivate,
    slots,
    sharedSlots,
    publicInputs,
    preChallenge: main.preChallenge,
    uniqueSlots,
    limbPlan: lookup ? plan : undefined,
  };
}

/** What both segment templates are made of. */
interface SegmentLayout {
  readonly slots: SlotLayout[];
  readonly sharedSlots: SharedSlot[];
  /** The groups with shared slots in the shape (sharedGroups, computed once per circuit). */
  readonly groups: readonly SlottedGroup[];
  /** How many unique claims the slots and shared slots make (the sorted list's length). */
  readonly uniqueSlots: number;
}

function layOutSegment(program: LoweredProgram, shape: SegmentShape): SegmentLayout {
  const slots = layOutSlots(program, shape);
  const groups = sharedGroups(program, shape.shared);
  const shared = layOutSharedSlots(groups);
  const uniqueSlots =
    slots.reduce((n, s) => n + program.rules[s.ruleIndex].uniques.length, 0) + shared.uniques;
  return { slots, sharedSlots: shared.slots, groups, uniqueSlots };
}

/** The per-rule slots of a shape, public ones first, each rule's in index order. */
function layOutSlots(program: LoweredProgram, shape: SegmentShape): SlotLayout[] {
  const slots: SlotLayout[] = [];
  for (const isPublic of [true, false]) {
    for (const rule of program.rules) {
      const n = (isPublic ? shape.publicSlots : shape.slots)[rule.name] ?? 0;
      if (!isPublic && rule.setup && n > 0) {
        throw new Error(`setup rule ${rule.name} can have public slots only`);
      }
      for (let i = 0; i < n; i++)
        slots.push({ rule: rule.name, ruleIndex: rule.index, public: isPublic, index: i });
    }
  }
  return slots;
}

/** The shared slots of a shape, group by group, and how many unique claims they make. */
function layOutSharedSlots(groups: readonly SlottedGroup[]): {
  slots: SharedSlot[];
  uniques: number;
} {
  const slots: SharedSlot[] = [];
  let uniques = 0;
  for (const { group, slots: n } of groups) {
    for (let i = 0; i < n; i++) slots.push({ group: group.leader, index: i });
    uniques += n * group.template.uniques.length;
  }
  return { slots, uniques };
}

/** A Circom declaration of an input: `signal input x[2][3];`. */
const inputDeclaration = (d: DeclaredInput) =>
  `signal input ${d.name}${d.dims.map((x) => `[${x}]`).join("")};`;

/**
 * The Groth16 main: challenges from Poseidon over all pre-challenge inputs, A = B = 0. Returns
 * its text and the inputs the sponge absorbs, in order.
 */
function emitGroth16Main(declared: readonly DeclaredInput[]): {
  text: string;
  preChallenge: string[];
} {
  const main = new TemplateWriter(
    "Groth16Segment",
    [],
    [
      "A whole transcript in one segment, for Groth16: the challenges are a Poseidon sponge over",
      "every input (all are pre-challenge data), both accumulators must vanish, u_in = 0.",
    ],
  );
  const flat: string[] = [];
  for (const d of declared) {
    main.line(inputDeclaration(d));
    elementNames(d.name, d.dims, flat);
  }
  main.blank();
  main.line(`component challenges = Challenges(${flat.length});`);
  flat.forEach((name, i) => main.assign(`challenges.in[${i}]`, name));
  main.line("component segment = Segment();");
  main.assign("segment.a", "challenges.a");
  main.assign("segment.b", "challenges.b");
  main.assign("segment.u_in", "0");
  for (const name of flat) main.assign(`segment.${name}`, name);
  main.constrain("segment.A", "0");
  main.constrain("segment.B", "0");
  return { text: main.render(), preChallenge: flat };
}

/**
 * The fold main: one segment of many. Its challenges and u_in are public inputs, checked by
 * the fold verifier against the Merkle root of every segment's committed inputs and the
 * previous segment's u_out; the accumulators are outputs that must total zero over all
 * segments. Public inputs come first among the inputs (circom orders wires: one, outputs,
 * public inputs, private inputs), so the private inputs, all pre-challenge data, are one run
 * of wires that the prover commits to before the challenges exist. Returns its text and its
 * private inputs in wire order.
 */
function emitFoldMain(
  foldDeclared: readonly DeclaredInput[],
  segment: string,
): { text: string; foldPrivate: string[] } {
  const fold = new TemplateWriter(
    "FoldSegment",
    [],
    [
      "One segment of a folded proof: challenges a, b and u_in are public inputs, the",
      "accumulators A, B and u_out are public outputs, summed and chained by the fold verifier.",
    ],
  );
  fold.line("signal input a;");
  fold.line("signal input b;");
  fold.line("signal input u_in;");
  const ordered = [
    ...foldDeclared.filter((d) => d.public),
    ...foldDeclared.filter((d) => !d.public),
  ];
  const foldPrivate = foldDeclared
    .filter((x) => !x.public)
    .flatMap((d) => elementNames(d.name, d.dims));
  for (const d of ordered) fold.line(inputDeclaration(d));
  fold.line("signal output A;");
  fold.line("signal output B;");
  fold.line("signal output u_out;");
  fold.blank();
  fold.line(`component segment = ${segment}();`);
  fold.assign("segment.a", "a");
  fold.assign("segment.b", "b");
  fold.assign("segment.u_in", "u_in");
  for (const d of foldDeclared)
    for (const name of elementNames(d.name, d.dims)) fold.assign(`segment.${name}`, name);
  fold.assign("A", "segment.A");
  fold.assign("B", "segment.B");
  fold.assign("u_out", "segment.u_out");
  return { text: fold.render(), foldPrivate };
}

/** Every generated file's first lines: the pragma, the rules' digest, the shape's size. */
function fileHeader(
  program: LoweredProgram,
  slots: readonly SlotLayout[],
  sharedSlots: readonly SharedSlot[],
): string[] {
  return [
    "pragma circom 2.1.0;",
    "",
    `// Generated by bmc from rules ${program.rulesDigest.slice(0, 16)}. Do not edit.`,
    `// Claim width ${program.claimWidth}, unique width ${program.uniqueWidth}, ${slots.length} slots` +
      (sharedSlots.length ? `, ${sharedSlots.length} shared slots.` : "."),
    "",
  ];
}

/** A generated file: the header, the file it includes, then its body's lines. */
function circomFile(header: readonly string[], include: string, body: readonly string[]): string {
  return [...header, `include "${include}";`, "", ...body].join("\n");
}
