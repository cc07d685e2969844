/**
 * From a validated transcript to the inputs of a segment circuit: each block in a slot of its
 * rule (public blocks in public slots), its values, the values the validator found for `_`,
 * the multiplicities of its conclusions, and the sorted list of packed unique claims.
 */
import { mod, ORDER_BITS } from "../field/index.js";
import type { EmittedCircuit, SegmentShape } from "../circuits/emit.js";
import { groupOfRule, sharedGroups, type RuleGroup } from "../circuits/groups.js";
import { limbPlan, limbsOf } from "../circuits/lookup.js";
import { TAG_BITS, type LoweredProgram } from "../lower/index.js";
import type { Transcript } from "../transcript/model.js";
import type { ValidationResult } from "../validate/index.js";
import { evaluateLExpr } from "./evaluate.js";

/** Circuit inputs by signal name: scalars, or (nested) arrays of field elements. */
export type CircuitInputs = Record<string, bigint | bigint[] | bigint[][]>;

export class SegmentCapacityError extends Error {}

/** Packs a unique claim as the circuits do: tag + 2^16 * (x1 + 2^40 * (x2 + ...)). */
export function packUnique(tag: number, args: readonly bigint[]): bigint {
  let packed = BigInt(tag);
  args.forEach((a, i) => {
    packed += a << BigInt(TAG_BITS + ORDER_BITS * i);
  });
  return packed;
}

/** The full input vector of one block: its variables, then one value per `_`. */
export function blockInputs(
  program: LoweredProgram,
  transcript: Transcript,
  validation: ValidationResult,
  block: number,
): bigint[] {
  const rule = program.rules[transcript.rule[block]];
  const start = transcript.valueStart[block];
  const values = transcript.values.slice(start, start + rule.varCount);
  const fills = validation.wildcardFills.get(block);
  for (const w of rule.wildcards) {
    const filled = fills?.[w.hypothesis];
    if (!filled && validation.valid) {
      throw new Error(`bmc internal error: no value found for _ in block ${block}`);
    }
    // In an invalid transcript nothing may match: any value will do, the circuit rejects it.
    values.push(filled ? filled[w.argument] : 0n);
  }
  return values;
}

/** A block's inputs, its conclusions' multiplicities, and its packed unique claims. */
function blockValues(
  program: LoweredProgram,
  transcript: Transcript,
  validation: ValidationResult,
  b: number,
): { values: bigint[]; m: bigint[]; packs: bigint[] } {
  const rule = program.rules[transcript.rule[b]];
  const values = blockInputs(program, transcript, validation, b);
  // validation.multiplicity counts every conclusion, unique ones (always 0) included.
  const all = transcript.ruleSet.rules[rule.index].conclusions;
  const start = validation.conclusionStart[b];
  const m = all.flatMap((c, j) =>
    c.relation.unique ? [] : [BigInt(validation.multiplicity[start + j])],
  );
  const packs = rule.uniques.map((u) =>
    packUnique(
      u.tag,
      u.args.map((a) => evaluateLExpr(a, values)),
    ),
  );
  return { values, m, packs };
}

/**
 * Lays a whole transcript out in one segment. Throws SegmentCapacityError when a rule has
 * more blocks than slots (the message says which and how many are needed).
 */
export function segmentInputs(
  program: LoweredProgram,
  /** The compiled layout: an EmittedCircuit or a build folder's Manifest. */
  circuit: Pick<EmittedCircuit, "uniqueSlots">,
  shape: SegmentShape,
  transcript: Transcript,
  validation: ValidationResult,
  options: {
    allowInvalid?: boolean;
    /** Lay out only these blocks (one segment of many); default every block. */
    blocks?: readonly number[];
    /** The last unique claim of the previous segments (the fold main's u_in); default 0. */
    uIn?: bigint;
    /**
     * Which main the inputs are for: the fold main (default) also takes the limbs of its range
     * checks by lookup and the table's multiplicities; the Groth16 main decomposes into bits.
     */
    main?: "fold" | "groth16";
  } = {},
): CircuitInputs {
  // Invalid transcripts are laid out only to show that the circuit rejects them (tests);
  // a prover has nothing to gain from it.
  if (!validation.valid && !options.allowInvalid) {
    throw new Error("bmc: segment inputs need a valid transcript");
  }
  const layout: Layout = { program, shape, transcript, validation };
  const byRule = blocksByRule(program, transcript, options.blocks);
  const overflow = fitSlots(program, shape, byRule);
  const inputs: CircuitInputs = {};
  const packs: bigint[] = [];
  for (const isPublic of [true, false]) addRuleSlots(layout, byRule, isPublic, inputs, packs);
  const table = sharedGroups(program, shape.shared).flatMap(({ group, slots }) =>
    addSharedSlots(layout, group, slots, overflow.get(group.leader) ?? [], inputs, packs),
  );
  if (table.length) inputs.rule_m = table;
  if (circuit.uniqueSlots) {
    packs.sort((p, q) => (p < q ? -1 : p > q ? 1 : 0));
    const pad = circuit.uniqueSlots - packs.length;
    inputs.sorted = [...new Array<bigint>(pad).fill(0n), ...packs];
    inputs.sorted_en = [...new Array<bigint>(pad).fill(0n), ...packs.map(() => 1n)];
  }
  if ((options.main ?? "fold") === "fold") addLimbs(program, shape, inputs, options.uIn ?? 0n);
  return inputs;
}

/** What every part of a segment's layout reads. */
interface Layout {
  readonly program: LoweredProgram;
  readonly shape: SegmentShape;
  readonly transcript: Transcript;
  readonly validation: ValidationResult;
}

/** The blocks of each rule (by rule index), public and private, in transcript order. */
type BlocksByRule = { public: number[]; private: number[] }[];

function blocksByRule(
  program: LoweredProgram,
  transcript: Transcript,
  blocks: readonly number[] | undefined,
): BlocksByRule {
  const byRule = program.rules.map(() => ({ public: [] as number[], private: [] as number[] }));
  const place = (b: number) =>
    byRule[transcript.rule[b]][transcript.isPublic[b] ? "public" : "private"].push(b);
  if (blocks) blocks.forEach(place);
  else for (let b = 0; b < transcript.blockCount; b++) place(b);
  return byRule;
}

/**
 * Moves the private blocks beyond a grouped rule's own slots to its group's shared slots
 * (returned by group leader) and throws SegmentCapacityError, naming every rule and group that
 * is short, when the blocks do not fit.
 */
function fitSlots(
  program: LoweredProgram,
  shape: SegmentShape,
  byRule: BlocksByRule,
): Map<string, number[]> {
  const short: string[] = [];
  const groupOf = groupOfRule(program);
  const overflow = new Map<string, number[]>();
  program.rules.forEach((rule, i) => {
    const pub = shape.publicSlots[rule.name] ?? 0;
    const priv = shape.slots[rule.name] ?? 0;
    if (byRule[i].public.length > pub)
      short.push(`${rule.name}: ${byRule[i].public.length} public blocks, ${pub} public slots`);
    const group = groupOf[i];
    if (byRule[i].private.length > priv && group && shape.shared?.[group.leader]) {
      const list = overflow.get(group.leader) ?? [];
      list.push(...byRule[i].private.splice(priv));
      overflow.set(group.leader, list);
    }
    if (byRule[i].private.length > priv)
      short.push(`${rule.name}: ${byRule[i].private.length} blocks, ${priv} slots`);
  });
  for (const { group, slots } of sharedGroups(program, shape.shared)) {
    const n = overflow.get(group.leader)?.length ?? 0;
    if (n > slots)
      short.push(
        `${group.leader}'s group: ${n} blocks beyond their rules' own slots, ${slots} shared slots`,
      );
  }
  if (short.length) {
    throw new SegmentCapacityError(`the transcript does not fit one segment (${short.join("; ")})`);
  }
  return overflow;
}

/**
 * The inputs of every rule's own public (or private) slots: enable bits, values (a public
 * slot's split into shown and rest) and multiplicities; an empty slot is all zero. The blocks'
 * packed unique claims go to `packs`.
 */
function addRuleSlots(
  { program, shape, transcript, validation }: Layout,
  byRule: BlocksByRule,
  isPublic: boolean,
  inputs: CircuitInputs,
  packs: bigint[],
): void {
  program.rules.forEach((rule, i) => {
    const n = (isPublic ? shape.publicSlots : shape.slots)[rule.name] ?? 0;
    if (n === 0) return;
    const s = `${isPublic ? "pub" : "r"}${rule.index}`;
    const blocks = byRule[i][isPublic ? "public" : "private"];
    const en: bigint[] = [];
    const x: bigint[][] = [];
    const m: bigint[][] = [];
    for (let k = 0; k < n; k++) {
      const b = blocks[k];
      if (b === undefined) {
        en.push(0n);
        x.push(rule.inputs.map(() => 0n));
        m.push(rule.conclusions.map(() => 0n));
        continue;
      }
      en.push(1n);
      const block = blockValues(program, transcript, validation, b);
      x.push(block.values);
      m.push(block.m);
      packs.push(...block.packs);
    }
    inputs[`${s}_en`] = en;
    if (isPublic) {
      if (rule.shownCount) inputs[`${s}_shown`] = x.map((v) => v.slice(0, rule.shownCount));
      if (rule.inputs.length > rule.shownCount)
        inputs[`${s}_rest`] = x.map((v) => v.slice(rule.shownCount));
    } else if (rule.inputs.length) {
      inputs[`${s}_x`] = x;
    }
    if (rule.conclusions.length) inputs[`${s}_m`] = m;
  });
}

/**
 * The inputs of one group's shared slots: each slot selects the rule of its block and takes
 * that rule's constants. Returns how many blocks of each member rule the slots hold (the rule
 * table's multiplicities).
 */
function addSharedSlots(
  { program, transcript, validation }: Layout,
  group: RuleGroup,
  slots: number,
  blocks: readonly number[],
  inputs: CircuitInputs,
  packs: bigint[],
): bigint[] {
  const s = `s${group.id}`;
  const used = group.members.map(() => 0n);
  const en: bigint[] = [];
  const sel: bigint[] = [];
  const k: bigint[][] = [];
  const x: bigint[][] = [];
  const m: bigint[][] = [];
  const values = group.template.inputs.length - group.params;
  for (let i = 0; i < slots; i++) {
    const b = blocks[i];
    if (b === undefined) {
      // An empty slot selects the group's first rule: any row would do, en = 0 hides it.
      en.push(0n);
      sel.push(BigInt(group.id));
      k.push([...group.constants[0]]);
      x.push(new Array<bigint>(values).fill(0n));
      m.push(group.template.conclusions.map(() => 0n));
      continue;
    }
    const member = group.members.indexOf(transcript.rule[b]);
    used[member]++;
    const block = blockValues(program, transcript, validation, b);
    en.push(1n);
    sel.push(BigInt(transcript.rule[b]));
    k.push([...group.constants[member]]);
    x.push(block.values);
    m.push(block.m);
    packs.push(...block.packs);
  }
  inputs[`${s}_en`] = en;
  inputs[`${s}_sel`] = sel;
  if (group.params) inputs[`${s}_k`] = k;
  if (values) inputs[`${s}_x`] = x;
  if (group.template.conclusions.length) inputs[`${s}_m`] = m;
  return used;
}

/**
 * The fold main's range checks by lookup: sets `limbs` and `limb_m` from the other inputs (and
 * u_in, where the sorted list's first gap starts), exactly as the circuit computes the values it
 * range checks: `en * value` for each check of each slot, `en * (in - carry - 1)` for each
 * sorted entry. A segment without a lookup is left as it is. Exported so that a test can play
 * the dishonest prover: edit the inputs, then lay their limbs out.
 */
export function addLimbs(
  program: LoweredProgram,
  shape: SegmentShape,
  inputs: CircuitInputs,
  uIn: bigint,
): void {
  const plan = limbPlan(program, shape);
  if (!plan) return;
  const ranged: bigint[] = [];
  for (const isPublic of [true, false]) {
    for (const rule of program.rules) {
      const n = (isPublic ? shape.publicSlots : shape.slots)[rule.name] ?? 0;
      const s = `${isPublic ? "pub" : "r"}${rule.index}`;
      const rows = (name: string) => (inputs[name] as bigint[][] | undefined) ?? [];
      for (let k = 0; k < n; k++) {
        const en = (inputs[`${s}_en`] as bigint[])[k];
        const values = isPublic
          ? [...(rows(`${s}_shown`)[k] ?? []), ...(rows(`${s}_rest`)[k] ?? [])]
          : (rows(`${s}_x`)[k] ?? []);
        for (const r of rule.rangeChecks) ranged.push(mod(en * evaluateLExpr(r.expr, values)));
      }
    }
  }
  for (const { group, slots } of sharedGroups(program, shape.shared)) {
    const s = `s${group.id}`;
    const rows = (name: string) => (inputs[name] as bigint[][] | undefined) ?? [];
    for (let k = 0; k < slots; k++) {
      const en = (inputs[`${s}_en`] as bigint[])[k];
      // The template's inputs: the block's values, then the selected rule's constants.
      const values = [...(rows(`${s}_x`)[k] ?? []), ...(rows(`${s}_k`)[k] ?? [])];
      for (const r of group.template.rangeChecks)
        ranged.push(mod(en * evaluateLExpr(r.expr, values)));
    }
  }
  const sorted = (inputs.sorted as bigint[] | undefined) ?? [];
  const sortedEn = (inputs.sorted_en as bigint[] | undefined) ?? [];
  let carry = uIn;
  sorted.forEach((value, i) => {
    ranged.push(mod(sortedEn[i] * (value - carry - 1n)));
    carry = mod(carry + sortedEn[i] * (value - carry));
  });
  // The limbs of each value and how often each table entry is used: all pre-challenge data.
  const k = plan.limbBits;
  const limbs: bigint[] = [];
  plan.values.forEach((v, i) => limbs.push(...limbsOf(ranged[i], v, k)));
  const used = new Array<bigint>(2 ** k).fill(0n);
  for (const l of limbs) used[Number(l)]++;
  inputs.limbs = limbs;
  inputs.limb_m = used;
}
