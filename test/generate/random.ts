/**
 * A small deterministic random source for the generators: fast-check supplies the seeds (so a
 * run is reproducible from its seed and path), and each generator draws from one of these.
 */
import { P } from "../../src/field/index.js";

export const TWO_40 = 1n << 40n;

/** The values where the circuits' range checks and the field's wrap-around meet. */
export const EDGE_VALUES: readonly bigint[] = [0n, 1n, TWO_40 - 1n, TWO_40, P - 1n, P - TWO_40];

export class Random {
  private state: number;
  constructor(seed: number) {
    this.state = (seed >>> 0) ^ 0x9e3779b9;
    if (this.state === 0) this.state = 1;
  }
  /** mulberry32: 32 bits of state, good enough to pick among a few choices. */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }
}
