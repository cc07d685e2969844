/**
 * Splitting a validated transcript into segments of one compiled shape.
 *
 * Blocks are unordered, so any split is valid as far as hypotheses go: the LogUp accumulators
 * of all segments are summed by the verifier. Unique claims are not: each segment proves that
 * its own unique claims are strictly increasing and all above u_in, the last unique claim of
 * the segments before it. So blocks with unique claims are placed in increasing order of their
 * packed claims, a new segment starting when a rule's slots are full; the public blocks with
 * unique claims are all in segment 0. Public blocks without unique claims go where the public
 * layout puts them (../statement.ts publicLayout: segment 0's public slots, then segment 1's, and
 * so on, as the verifier computes it), in segments opened for them if need be. Blocks without
 * unique claims then fill free slots.
 */
import type { Manifest } from "../../circuits/index.js";
import type { Transcript } from "../../transcript/model.js";
import type { ValidationResult } from "../../validate/index.js";
import { groupOfRule } from "../../circuits/groups.js";
import { evaluateLExpr } from "../../witness/evaluate.js";
import { blockInputs, packUnique, SegmentCapacityError } from "../../witness/inputs.js";
import { publicLayout, spreadsOverSegments } from "../statement.js";

export interface SegmentPlan {
  /** Block indices of each segment. */
  readonly blocks: number[][];
  /** The chain of unique claims: uIn[i] is the largest unique claim before segment i. */
  readonly uIn: bigint[];
  readonly uOut: bigint[];
}

type Program = Manifest["program"];

/** A block's packed unique claims, smallest first (none for a rule without unique claims). */
function uniqueClaimsOf(
  program: Program,
  transcript: Transcript,
  validation: ValidationResult,
  b: number,
): bigint[] {
  const rule = program.rules[transcript.rule[b]];
  if (rule.uniques.length === 0) return [];
  const values = blockInputs(program, transcript, validation, b);
  return rule.uniques
    .map((u) =>
      packUnique(
        u.tag,
        u.args.map((a) => evaluateLExpr(a, values)),
      ),
    )
    .sort((p, q) => (p < q ? -1 : p > q ? 1 : 0));
}

interface Segment {
  blocks: number[];
  /** Used slots by rule index, and shared slots by -1 - group id. */
  used: Map<number, number>;
  uIn: bigint;
  uOut: bigint;
}

/** The segments laid out so far, and the slot accounting of one shape. */
interface SegmentBook {
  readonly segments: Segment[];
  /** A new last segment, its unique claims starting where the one before it ended. */
  open(): Segment;
  /** Private slots of `rule` still free in `s`, its own and its group's shared ones. */
  free(s: Segment, rule: number): number;
  /** Own slots of `rule` plus its group's shared slots, per segment. */
  totalSlots(rule: number): number;
  /** Places block `b` (with its unique claims `keys`) in `s`. */
  put(s: Segment, b: number, keys: bigint[]): void;
}

function segmentBook(
  manifest: Pick<Manifest, "program" | "shape">,
  transcript: Transcript,
): SegmentBook {
  const { program, shape } = manifest;
  const capacity = (rule: number) => shape.slots[program.rules[rule].name] ?? 0;
  // A grouped rule's blocks beyond its own slots take its group's shared slots (as
  // segmentInputs lays them out).
  const groupOf = groupOfRule(program);
  const sharedOf = (rule: number) => {
    const g = groupOf[rule];
    return g ? { key: -1 - g.id, slots: shape.shared?.[g.leader] ?? 0 } : undefined;
  };
  const segments: Segment[] = [];
  const used = (s: Segment, key: number) => s.used.get(key) ?? 0;
  return {
    segments,
    open() {
      const previous = segments[segments.length - 1];
      const uIn = previous ? previous.uOut : 0n;
      const s: Segment = { blocks: [], used: new Map(), uIn, uOut: uIn };
      segments.push(s);
      return s;
    },
    free(s, rule) {
      const shared = sharedOf(rule);
      const own = capacity(rule) - used(s, rule);
      return own + (shared ? shared.slots - used(s, shared.key) : 0);
    },
    totalSlots: (rule) => capacity(rule) + (sharedOf(rule)?.slots ?? 0),
    put(s, b, keys) {
      s.blocks.push(b);
      if (!transcript.isPublic[b]) {
        const rule = transcript.rule[b];
        const shared = sharedOf(rule);
        const key = used(s, rule) < capacity(rule) || !shared ? rule : shared.key;
        s.used.set(key, used(s, key) + 1);
      }
      for (const k of keys) if (k > s.uOut) s.uOut = k;
    },
  };
}

export function planSegments(
  manifest: Pick<Manifest, "program" | "shape">,
  transcript: Transcript,
  validation: ValidationResult,
): SegmentPlan {
  const { program } = manifest;
  const book = segmentBook(manifest, transcript);
  const first = book.open();
  const publicBlocks: number[] = [];
  const publicCount = new Map<number, number>();
  const privateRules = new Set<number>();
  const uniqueBlocks: UniqueBlock[] = [];
  const plainBlocks: number[] = [];
  for (let b = 0; b < transcript.blockCount; b++) {
    const rule = transcript.rule[b];
    if (transcript.isPublic[b]) {
      publicCount.set(rule, (publicCount.get(rule) ?? 0) + 1);
      publicBlocks.push(b);
    } else {
      privateRules.add(rule);
      if (program.rules[rule].uniques.length)
        uniqueBlocks.push({ block: b, keys: uniqueClaimsOf(program, transcript, validation, b) });
      else plainBlocks.push(b);
    }
  }
  checkCapacity(manifest, book, publicCount, privateRules);
  const layout = publicLayout(
    manifest,
    publicBlocks.map((b) => program.rules[transcript.rule[b]].name),
  );
  // Segment 0's share of the statement first (every public unique claim among it), then the
  // private unique claims above it, segment by segment.
  publicBlocks.forEach((b, i) => {
    if (layout.places[i].segment === 0)
      book.put(first, b, uniqueClaimsOf(program, transcript, validation, b));
  });
  placeUniqueBlocks(program, transcript, book, uniqueBlocks);
  // The rest of the statement has no unique claims: it goes to its segments, opened if need be.
  publicBlocks.forEach((b, i) => {
    const { segment } = layout.places[i];
    if (segment === 0) return;
    while (book.segments.length <= segment) book.open();
    book.put(book.segments[segment], b, []);
  });
  placePlainBlocks(transcript, book, plainBlocks);
  const { segments } = book;
  return {
    blocks: segments.map((s) => s.blocks),
    uIn: segments.map((s) => s.uIn),
    uOut: segments.map((s) => s.uOut),
  };
}

interface UniqueBlock {
  readonly block: number;
  /** Its packed unique claims, smallest first. */
  readonly keys: bigint[];
}

/**
 * Refuses a shape with no public slot for a rule with public blocks, too few public slots in
 * segment 0 for the public blocks of a rule with unique claims (they stay there), or no private
 * slot at all for a rule with private blocks: no number of segments would hold them.
 */
function checkCapacity(
  manifest: Pick<Manifest, "program" | "shape">,
  book: SegmentBook,
  publicCount: Map<number, number>,
  privateRules: Set<number>,
): void {
  const { program, shape } = manifest;
  const short: string[] = [];
  for (const [rule, n] of publicCount) {
    const name = program.rules[rule].name;
    const slots = shape.publicSlots[name] ?? 0;
    const spreads = spreadsOverSegments(program.rules[rule], slots);
    if (n > slots && !spreads) short.push(`${name}: ${n} public blocks, ${slots} public slots`);
  }
  for (const rule of [...privateRules].sort((x, y) => x - y)) {
    if (book.totalSlots(rule) === 0)
      short.push(`${program.rules[rule].name}: private blocks, but no private slots`);
  }
  if (short.length) {
    throw new SegmentCapacityError(
      `the transcript does not fit the segments (${short.join("; ")})`,
    );
  }
}

/** Blocks with unique claims, in increasing order of their largest claim, from segment 0 on. */
function placeUniqueBlocks(
  program: Program,
  transcript: Transcript,
  book: SegmentBook,
  uniqueBlocks: UniqueBlock[],
): void {
  const last = (keys: bigint[]) => keys[keys.length - 1];
  uniqueBlocks.sort((x, y) =>
    last(x.keys) < last(y.keys) ? -1 : last(x.keys) > last(y.keys) ? 1 : 0,
  );
  let current = book.segments[0];
  for (const { block, keys } of uniqueBlocks) {
    const rule = transcript.rule[block];
    if (book.free(current, rule) === 0) current = book.open();
    if (keys[0] <= current.uIn) {
      // Either the first segment is full of blocks whose claims are below a public block's
      // (public blocks are all in segment 0), or a block has several unique claims that
      // straddle another block's.
      throw new SegmentCapacityError(
        `the block on line ${transcript.line[block]} (${program.rules[rule].name}) has a unique claim below the last one of the segment before it, so no order of segments can hold it`,
      );
    }
    book.put(current, block, keys);
  }
}

/**
 * The rest, first fit: no unique claims, so any segment will do. Per rule, the first segment
 * that may still have a free slot only moves forward.
 */
function placePlainBlocks(transcript: Transcript, book: SegmentBook, plainBlocks: number[]): void {
  const { segments } = book;
  const firstFree = new Map<number, number>();
  for (const b of plainBlocks) {
    const rule = transcript.rule[b];
    let i = firstFree.get(rule) ?? 0;
    while (i < segments.length && book.free(segments[i], rule) === 0) i++;
    if (i === segments.length) book.open();
    book.put(segments[i], b, []);
    firstFree.set(rule, i);
  }
}
