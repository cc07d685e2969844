/**
 * From an unsatisfied constraint back to the transcript: the signals it involves (.sym names
 * such as `main.segment.slot3_range2.bits[5]`) name a slot; the manifest's layout names the
 * slot's rule; the transcript's blocks, laid out in order, name the block and its line.
 */
import { sharedGroups } from "../circuits/groups.js";
import type { Manifest } from "../circuits/index.js";
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
 * claims, powers), by the slot of the signals each constraint involves.
 */
export function constraintsBySlot(
  manifest: Manifest,
  names: ReadonlyMap<number, string>,
  constraints: readonly {
    a: { wires: Uint32Array };
    b: { wires: Uint32Array };
    c: { wires: Uint32Array };
  }[],
): {
  perSlot: number[];
  perRule: Record<string, { slots: number; constraints: number }>;
  shared: number;
} {
  // Shared slots are numbered after the per-rule ones.
  const sharedNames = sharedGroups(manifest.program, manifest.shape.shared).flatMap(
    ({ group, slots }) => new Array<string>(slots).fill(`${group.leader}'s group (shared)`),
  );
  const slotOfWire = new Map<number, number>();
  for (const [wire, name] of names) {
    const m = /^main\.segment\.(slot|shared)(\d+)[._]/.exec(name);
    if (m) slotOfWire.set(wire, Number(m[2]) + (m[1] === "shared" ? manifest.slots.length : 0));
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
