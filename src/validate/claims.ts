/**
 * Sets of claims keyed by number, for the native checker: a claim is a relation tag and its
 * argument values, here doubles below 2^53 (exact integers). Millions of claims as strings in
 * a Map cost seconds and hundreds of MiB; here they are rows of typed arrays, found by an
 * open-addressing hash table (linear probing) that compares tag and arguments exactly, so a
 * hash collision costs a probe, never a wrong answer. Claims with larger arguments are the
 * caller's business (the validator keeps those few in a Map by string).
 */

export interface ClaimTableOptions {
  /**
   * Keep only this many low bits of every hash (default: all 32). For tests: with 1 or 2
   * bits nearly every claim collides, which exercises probing and exact comparison.
   */
  readonly hashBits?: number;
  /** Expected number of claims, to size the arrays once. */
  readonly capacity?: number;
  /** Expected total of their argument counts (default: 2 a claim). */
  readonly argCapacity?: number;
}

/** A claim's hash: tag and argument values mixed 32 bits at a time (murmur3's finalizer). */
export function claimHash(tag: number, args: Float64Array, from: number, count: number): number {
  let h = Math.imul(tag ^ 0x9e3779b9, 0x85ebca6b);
  for (let k = 0; k < count; k++) {
    const v = args[from + k];
    const lo = v >>> 0;
    h = Math.imul(h ^ lo, 0xcc9e2d51);
    h = (h << 15) | (h >>> 17);
    // The high bits are zero for nearly every value (names and depths are small): skip their
    // arithmetic then (h ^ 0 is h, so the hash is the same).
    h = Math.imul(v > 0xffffffff ? h ^ ((v - lo) / 4294967296) : h, 0x1b873593);
    h = (h << 13) | (h >>> 19);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A row's first double: tag * ARITY_LIMIT + argument count. */
const ARITY_LIMIT = 65536;

/**
 * Claims in insertion order, each with one integer payload (the validator stores a flat
 * conclusion index or a block). A row is identified by its offset in `pool`, where it is
 * [tag * ARITY_LIMIT + argument count, payload, arguments...]: one cache line to compare, as
 * lookups land at random rows of millions.
 */
export class ClaimTable {
  private pool: Float64Array;
  private used = 0;
  /**
   * Two entries per slot: row + 1 (0 for an empty slot) and the row's hash, which settles
   * most mismatches without touching the rows. The slot count is a power of two.
   */
  private slots: Int32Array;
  private readonly hashMask: number;
  private lastHash = 0;
  size = 0;

  constructor(options: ClaimTableOptions = {}) {
    const capacity = Math.max(16, options.capacity ?? 1024);
    this.pool = new Float64Array(capacity * 2 + Math.max(16, options.argCapacity ?? capacity * 2));
    // At most 3/4 full: with the hash in the slot, a longer probe mostly stays in one cache line.
    let slotCount = 16;
    while (slotCount * 3 < capacity * 4) slotCount *= 2;
    this.slots = new Int32Array(slotCount * 2);
    const bits = options.hashBits ?? 32;
    this.hashMask = bits >= 32 ? 0xffffffff : (1 << bits) - 1;
  }

  /** The row of claim (tag, args[from .. from + count)), or -1. */
  find(tag: number, args: Float64Array, from: number, count: number): number {
    const slot = this.probe(tag, args, from, count);
    return this.slots[slot] - 1;
  }

  /** Adds the claim unless present; returns its row (`size` grows if it was added). */
  insert(tag: number, args: Float64Array, from: number, count: number, payload: number): number {
    const slot = this.probe(tag, args, from, count);
    const found = this.slots[slot];
    if (found !== 0) return found - 1;
    const row = this.appendRow(tag, args, from, count, payload);
    this.slots[slot] = row + 1;
    this.slots[slot + 1] = this.lastHash;
    // slots.length is twice the slot count: grow beyond 3/4 full.
    if (this.size * 8 > this.slots.length * 3) this.rehash(this.slots.length);
    return row;
  }

  /**
   * Where the probe for a claim starts: for `prefetch`. The same claim always starts at the
   * same place until the table grows.
   */
  home(tag: number, args: Float64Array, from: number, count: number): number {
    return ((claimHash(tag, args, from, count) & this.hashMask) << 1) & (this.slots.length - 2);
  }

  /**
   * Reads the slots at homes[0 .. n), then the rows they hold, and returns a value made of
   * them that the caller must keep (so that the reads are not optimized away). Why: with
   * millions of claims nearly every lookup misses the cache twice (its slot, then its row),
   * and a lookup between a block's other work waits for each miss alone; reading the slots of
   * a batch of lookups back to back lets the processor wait for them all at once, and the
   * lookups that follow find them in the cache. It changes no answer.
   */
  prefetch(homes: Int32Array, n: number): number {
    const { slots, pool } = this;
    let seen = 0;
    for (let k = 0; k < n; k++) seen ^= slots[homes[k]];
    for (let k = 0; k < n; k++) {
      const entry = slots[homes[k]];
      if (entry !== 0) seen += pool[entry - 1];
    }
    return seen;
  }

  /** The index in `slots` of the claim's slot, or of the empty slot where it would go. */
  private probe(tag: number, args: Float64Array, from: number, count: number): number {
    const hash = claimHash(tag, args, from, count) & this.hashMask;
    this.lastHash = hash;
    const slots = this.slots;
    const mask = slots.length - 2;
    let slot = (hash << 1) & mask;
    for (;;) {
      const entry = slots[slot];
      if (entry === 0) return slot;
      if (slots[slot + 1] === hash && this.rowEquals(entry - 1, tag, args, from, count))
        return slot;
      slot = (slot + 2) & mask;
    }
  }

  payload(row: number): number {
    return this.pool[row + 1];
  }
  tag(row: number): number {
    return Math.floor(this.pool[row] / ARITY_LIMIT);
  }
  argCount(row: number): number {
    return this.pool[row] % ARITY_LIMIT;
  }
  arg(row: number, k: number): number {
    return this.pool[row + 2 + k];
  }

  private rowEquals(row: number, tag: number, args: Float64Array, from: number, count: number) {
    const pool = this.pool;
    if (pool[row] !== tag * ARITY_LIMIT + count) return false;
    for (let k = 0; k < count; k++) if (pool[row + 2 + k] !== args[from + k]) return false;
    return true;
  }

  private appendRow(tag: number, args: Float64Array, from: number, count: number, payload: number) {
    if (count >= ARITY_LIMIT || tag < 0) {
      throw new Error(`bmc internal error: a claim of tag ${tag} with ${count} arguments`);
    }
    const row = this.used;
    while (row + 2 + count > this.pool.length) {
      const next = new Float64Array(Math.ceil(this.pool.length * 1.5) + 16);
      next.set(this.pool);
      this.pool = next;
    }
    const pool = this.pool;
    pool[row] = tag * ARITY_LIMIT + count;
    pool[row + 1] = payload;
    for (let k = 0; k < count; k++) pool[row + 2 + k] = args[from + k];
    this.used = row + 2 + count;
    this.size++;
    return row;
  }

  /** Doubles the slots (each slot is two entries of `slots`). */
  private rehash(entries: number): void {
    const slots = new Int32Array(entries * 2);
    const mask = slots.length - 2;
    for (let row = 0; row < this.used; row += 2 + this.argCount(row)) {
      const hash = claimHash(this.tag(row), this.pool, row + 2, this.argCount(row)) & this.hashMask;
      let slot = (hash << 1) & mask;
      while (slots[slot] !== 0) slot = (slot + 2) & mask;
      slots[slot] = row + 1;
      slots[slot + 1] = hash;
    }
    this.slots = slots;
  }
}
