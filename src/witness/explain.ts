/**
 * From an unsatisfied constraint back to the transcript: the signals it involves (.sym names
 * such as `main.segment.slot3_range2.bits[5]`) name a slot; the manifest's layout names the
 * slot's rule; the transcript's blocks, laid out in order, name the block and its line.
 */
import { sharedGroups } from "../circuits/groups.js";
import type { Manifest } from "../circuits/index.js";
import { slotSignal } from "../circuits/emit.js";
import type { LimbPlan } from "../circuits/lookup.js";
import type { Transcript } from "../transcript/model.js";

export interface ConstraintOrigin {
  /** Index of the slot in the segment, when the constraint belongs to one. */
  readonly slot?: number;
  readonly rule?: string;
  readonly public?: boolean;
  /** The block in that slot (index in the transcript) and its line, if any. */
  readonly block?: number;
  readonly line?: number;
  /** The part of the slot's template, e.g. `range2` or `hypTerm1`. */
  readonly part?: string;
  readonly signals: readonly string[];
  readonly message: string;
}

export function explainConstraint(
  manifest: Manifest,
  names: ReadonlyMap<number, string>,
  wires: readonly number[],
  transcript?: Transcript,
): ConstraintOrigin {
  const signals = wires.map((w) => names.get(w) ?? `wire ${w}`);
  let slotIndex: number | undefined;
  let part: string | undefined;
  for (const s of signals) {
    // slot3.range[0] (the rule's output) and slot3_range0 (its check) are both range0.
    const m = /\.slot(\d+)(?:[._]([A-Za-z]+)(\d*)(?:\[(\d+)\])?)?/.exec(s);
    if (m) {
      slotIndex = Number(m[1]);
      part = m[2] && m[2] + (m[3] || m[4] || "");
      break;
    }
  }
  if (slotIndex === undefined) {
    const where = signals.some((s) => s.includes("sortedUnique"))
      ? "the sorted list of unique claims"
      : signals.some((s) => s.includes("challenges"))
        ? "the challenge sponge"
        : "the segment";
    return { signals, message: `a constraint of ${where} (${signals.slice(0, 3).join(", ")})` };
  }
  const slot = manifest.slots[slotIndex];
  let block: number | undefined;
  if (transcript && slot) {
    // Blocks fill a rule's slots in transcript order, public and private apart.
    let k = -1;
    for (let b = 0; b < transcript.blockCount; b++) {
      const rule = transcript.ruleSet.rules[transcript.rule[b]];
      if (rule.name !== slot.rule || !!transcript.isPublic[b] !== slot.public) continue;
      if (++k === slot.index) {
        block = b;
        break;
      }
    }
  }
  const line = block === undefined ? undefined : transcript!.line[block];
  const visibility = slot?.public ? "public" : "private";
  const message =
    `slot ${slotIndex} (${visibility} ${slot?.rule} #${slot?.index}` +
    (line !== undefined ? `, the block on line ${line}` : ", empty") +
    `)${part ? `, in ${part}` : ""}`;
  return {
    slot: slotIndex,
    rule: slot?.rule,
    public: slot?.public,
    block,
    line,
    part,
    signals,
    message,
  };
}

/**
 * Constraints per slot, per rule and for the rest of the segment (challenges, sorted unique
 * claims, powers), by the slot of the signals each constraint involves. For the fold main
 * (`fold`), two more kinds of signal name a slot: its inputs to the main (`main.r3_x[1][0]`:
 * after circom's simplification its enable bit, multiplicity gating and range recompositions
 * are constraints on these alone; in the Groth16 main they also feed the shared challenge
 * sponge), and with a limb plan its limbs' LogUp terms (`segment.lookup.limbs[i]`). The
 * table's terms and the limbs of the unique-claim gaps stay the segment's.
 */
export function constraintsBySlot(
  manifest: Manifest,
  names: ReadonlyMap<number, string>,
  constraints: readonly {
    a: { wires: Uint32Array };
    b: { wires: Uint32Array };
    c: { wires: Uint32Array };
  }[],
  fold?: { readonly limbs?: LimbPlan },
): {
  perSlot: number[];
  perRule: Record<string, { slots: number; constraints: number }>;
  shared: number;
} {
  // Shared slots are numbered after the per-rule ones.
  const sharedNames = sharedGroups(manifest.program, manifest.shape.shared).flatMap(
    ({ group, slots }) => new Array<string>(slots).fill(`${group.leader}'s group (shared)`),
  );
  const slotOfLimb = fold?.limbs ? limbOwners(manifest, fold.limbs) : [];
  const slotOfInput = fold ? inputOwners(manifest) : new Map<string, number>();
  const slotOfWire = new Map<number, number>();
  for (const [wire, name] of names) {
    const m = /^main\.segment\.(slot|shared)(\d+)[._]/.exec(name);
    if (m) slotOfWire.set(wire, Number(m[2]) + (m[1] === "shared" ? manifest.slots.length : 0));
    if (!fold) continue;
    const input = /^main\.([a-z]+\d+)_[a-z]+\[(\d+)\]/.exec(name);
    const limb = /^main\.segment\.lookup\.limbs\[(\d+)\]\./.exec(name);
    const owner = input
      ? slotOfInput.get(`${input[1]}/${input[2]}`)
      : limb
        ? slotOfLimb[Number(limb[1])]
        : undefined;
    if (owner !== undefined) slotOfWire.set(wire, owner);
  }
  const perSlot = new Array<number>(manifest.slots.length + sharedNames.length).fill(0);
  let shared = 0;
  for (const c of constraints) {
    let slot: number | undefined;
    for (const lc of [c.a, c.b, c.c]) {
      for (const w of lc.wires) {
        slot = slotOfWire.get(w);
        if (slot !== undefined) break;
      }
      if (slot !== undefined) break;
    }
    if (slot === undefined) shared++;
    else perSlot[slot]++;
  }
  const perRule: Record<string, { slots: number; constraints: number }> = {};
  [...manifest.slots.map((s) => s.rule), ...sharedNames].forEach((rule, i) => {
    const r = (perRule[rule] ??= { slots: 0, constraints: 0 });
    r.slots++;
    r.constraints += perSlot[i];
  });
  return { perSlot, perRule, shared };
}

/**
 * The slot of each limb: the plan lists the slots' range checks in slot order (each rule's in
 * its rangeChecks order), as manifest.slots lists the slots, then the shared slots', then the
 * gaps (no slot's).
 */
function limbOwners(manifest: Manifest, plan: LimbPlan): number[] {
  const owners: number[] = [];
  let value = 0;
  const own = (slot: number, rangeChecks: number) => {
    for (let r = 0; r < rangeChecks; r++) {
      const v = plan.values[value++];
      for (let j = 0; j < v.count; j++) owners[v.first + j] = slot;
    }
  };
  manifest.slots.forEach((s, slot) =>
    own(slot, manifest.program.rules[s.ruleIndex].rangeChecks.length),
  );
  // Then the shared slots, group by group, as rangedValues lists them.
  let slot = manifest.slots.length;
  for (const { group, slots } of sharedGroups(manifest.program, manifest.shape.shared)) {
    for (let i = 0; i < slots; i++) own(slot++, group.template.rangeChecks.length);
  }
  return owners;
}

/** The slot of each `prefix/index` of the main's per-rule inputs (emit.ts's slotSignal). */
function inputOwners(manifest: Manifest): Map<string, number> {
  const owners = new Map<string, number>();
  manifest.slots.forEach((s, slot) => {
    const prefix = slotSignal(manifest.program.rules[s.ruleIndex], s.public);
    owners.set(`${prefix}/${s.index}`, slot);
  });
  return owners;
}
