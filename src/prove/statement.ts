/**
 * A proof's statement: the public blocks of a transcript, and the circuit's public inputs that
 * encode them. A module of its own, free of the provers, so that the library entry
 * (src/index.ts) can export publicSignalsFor without loading snarkjs and ffjavascript.
 *
 * Where the public blocks go (docs/folding.md, "The public layout"): a rule's public blocks, in
 * statement order, fill its public slots of segment 0, then those of segment 1, and so on. A
 * rule with unique claims keeps all of them in segment 0: the u_in/u_out chain orders unique
 * claims across segments, and the planner expects the public ones first. The prover
 * (./fold/segments.ts) and the verifier compute the layout from the statement, the circuit's
 * shape and the number of segments alone.
 */
import type { Manifest } from "../circuits/index.js";
import { P } from "../field/index.js";
import type { Transcript } from "../transcript/model.js";
import type { StatementBlock } from "./proof-file.js";

export function statementOf(t: Transcript): StatementBlock[] {
  const out: StatementBlock[] = [];
  for (let b = 0; b < t.blockCount; b++) {
    if (!t.isPublic[b]) continue;
    const rule = t.ruleSet.rules[t.rule[b]];
    const start = t.valueStart[b];
    out.push({
      rule: rule.name,
      shown: t.values.slice(start, start + rule.shownCount).map(String),
    });
  }
  return out;
}

/** Where one public block lives: its segment, and its index among its rule's public slots. */
export interface PublicPlace {
  readonly segment: number;
  readonly slot: number;
}

export interface PublicLayout {
  /** One place per public block, in statement order. */
  readonly places: PublicPlace[];
  /** The fewest segments that hold them (at least 1). */
  readonly segments: number;
}

/**
 * The public layout of a statement given by its blocks' rule names, in statement order. Throws
 * (with a message a verifier can show) for a rule the circuit does not have, a rule without
 * public slots, and a rule with unique claims that has more public blocks than slots.
 */
export function publicLayout(
  manifest: Pick<Manifest, "program" | "shape">,
  rules: readonly string[],
): PublicLayout {
  const byName = new Map(manifest.program.rules.map((r) => [r.name, r]));
  const used = new Map<string, number>();
  const places: PublicPlace[] = [];
  let segments = 1;
  for (const name of rules) {
    const rule = byName.get(name);
    const capacity = rule ? (manifest.shape.publicSlots[rule.name] ?? 0) : 0;
    const k = used.get(name) ?? 0;
    // Unique claims stay in segment 0; other rules' blocks spread over the segments.
    const spreads = rule !== undefined && spreadsOverSegments(rule, capacity);
    if (!rule || (k >= capacity && !spreads)) {
      throw new Error(
        `the statement has more \`${name}\` blocks than the circuit's public slots (${capacity})`,
      );
    }
    used.set(name, k + 1);
    const place = { segment: Math.floor(k / capacity), slot: k % capacity };
    places.push(place);
    segments = Math.max(segments, place.segment + 1);
  }
  return { places, segments };
}

/**
 * Whether a rule's public blocks spread over every segment's public slots: only a rule without
 * unique claims (the u_in/u_out chain orders unique claims, and the public ones are segment
 * 0's), and only one with public slots to spread over. The prover's planner and the verifier's
 * layout ask the same question here.
 */
export function spreadsOverSegments(
  rule: { readonly uniques: readonly unknown[] },
  publicSlots: number,
): boolean {
  return rule.uniques.length === 0 && publicSlots > 0;
}

/** Refuses a statement block whose shown values are not its rule's count of field elements. */
function checkShown(rule: { readonly shownCount: number }, block: StatementBlock): void {
  if (
    block.shown.length !== rule.shownCount ||
    block.shown.some((v) => !/^\d+$/.test(v) || BigInt(v) >= P)
  ) {
    throw new Error(
      `a \`${block.rule}\` block of the statement does not have ${rule.shownCount} field values`,
    );
  }
}

/**
 * Every segment's public slot values for a statement, each list in the order the circuit
 * declares its public inputs: the public layout over `segments` segments. Throws when the
 * statement needs more segments than that, or does not fit the slots at all.
 */
export function segmentPublicSignals(
  manifest: Manifest,
  statement: readonly StatementBlock[],
  segments: number,
): bigint[][] {
  const layout = publicLayout(
    manifest,
    statement.map((b) => b.rule),
  );
  const byName = new Map(manifest.program.rules.map((r) => [r.name, r]));
  const position = new Map(manifest.publicInputs.map((name, k) => [name, k]));
  const width = manifest.publicInputs.length;
  const values = Array.from({ length: segments }, () => new Array<bigint>(width).fill(0n));
  const set = (into: bigint[], name: string, v: bigint) => (into[position.get(name)!] = v);
  statement.forEach((block, i) => {
    const rule = byName.get(block.rule)!;
    checkShown(rule, block);
    const { segment, slot } = layout.places[i];
    const into = values[segment];
    // A public block in a segment the proof does not have: the proof is not of this statement.
    if (!into) {
      throw new Error(tooFewSegments(manifest, statement, block.rule, segments));
    }
    set(into, `pub${rule.index}_en[${slot}]`, 1n);
    block.shown.forEach((v, j) => set(into, `pub${rule.index}_shown[${slot}][${j}]`, BigInt(v)));
  });
  return values;
}

function tooFewSegments(
  manifest: Pick<Manifest, "shape">,
  statement: readonly StatementBlock[],
  rule: string,
  segments: number,
): string {
  const slots = manifest.shape.publicSlots[rule];
  const count = statement.filter((b) => b.rule === rule).length;
  const need = Math.ceil(count / slots);
  return `the statement's \`${rule}\` blocks need ${need} segments (${slots} public slot${slots === 1 ? "" : "s"} in each), the proof has ${segments}`;
}

/**
 * The circuit's public inputs for a statement in one segment (a Groth16 proof), in the order
 * the circuit declares them. Throws when the statement does not fit one segment's slots.
 */
export function publicSignalsFor(
  manifest: Manifest,
  statement: readonly StatementBlock[],
): string[] {
  const layout = publicLayout(
    manifest,
    statement.map((b) => b.rule),
  );
  const over = layout.places.findIndex((p) => p.segment > 0);
  if (over >= 0) {
    const name = statement[over].rule;
    throw new Error(
      `the statement has more \`${name}\` blocks than the circuit's public slots (${manifest.shape.publicSlots[name]})`,
    );
  }
  return segmentPublicSignals(manifest, statement, 1)[0].map(String);
}
