/**
 * Field helpers and multilinear extensions over BN254's scalar field, with bigint.
 *
 * Convention (the whole SNARK's): a vector v of length 2^k is the function on {0,1}^k with
 * v(b_0, ..., b_(k-1)) = v[sum_j b_j 2^(k-1-j)], so variable 0 is the most significant bit of
 * the index. Binding variable 0 to r pairs entry j with entry j + 2^(k-1).
 */
import { P } from "../../../field/index.js";

export { P };

export function mod(x: bigint): bigint {
  const r = x % P;
  return r < 0n ? r + P : r;
}

export function inverse(a: bigint): bigint {
  let [t, newT, r, newR] = [0n, 1n, P, mod(a)];
  if (newR === 0n) throw new Error("bmc internal error: inverting zero");
  while (newR !== 0n) {
    const q = r / newR;
    [t, newT] = [newT, t - q * newT];
    [r, newR] = [newR, r - q * newR];
  }
  return t < 0n ? t + P : t;
}

/** The smallest k >= minimum with 2^k >= n. */
export function log2Ceil(n: number, minimum = 0): number {
  let k = minimum;
  while (2 ** k < n) k++;
  return k;
}

/** eq(r, b) for every b in {0,1}^k, as the table indexed like a vector (k = r.length). */
export function eqTable(r: readonly bigint[]): bigint[] {
  const table = new Array<bigint>(1 << r.length);
  table[0] = 1n;
  let size = 1;
  // Variable 0 is the top bit: expand from the first variable, each step doubling the table
  // by splitting every entry into its (bit = 0, bit = 1) children.
  for (const ri of r) {
    for (let j = size - 1; j >= 0; j--) {
      const high = (table[j] * ri) % P;
      const low = table[j] - high; // both in [0, p): no division needed
      table[2 * j + 1] = high;
      table[2 * j] = low < 0n ? low + P : low;
    }
    size *= 2;
  }
  return table;
}

/** eq(a, b) = prod_i (a_i b_i + (1 - a_i)(1 - b_i)). */
export function eqAt(a: readonly bigint[], b: readonly bigint[]): bigint {
  let acc = 1n;
  for (let i = 0; i < a.length; i++) {
    acc = (acc * mod(2n * a[i] * b[i] - a[i] - b[i] + 1n)) % P;
  }
  return acc;
}

/**
 * The multilinear extension of v (zero-padded to 2^r.length) at r, by binding the variables
 * one at a time (2^k multiplications, one scratch array of half the length).
 */
export function evaluateMle(v: readonly bigint[], r: readonly bigint[]): bigint {
  const n = 1 << r.length;
  if (v.length > n)
    throw new Error(`bmc internal error: ${v.length} values, ${r.length} variables`);
  if (r.length === 0) return v.length ? mod(v[0]) : 0n;
  let half = n >> 1;
  let cur = new Array<bigint>(half);
  const at = (i: number) => (i < v.length ? v[i] : 0n);
  for (let j = 0; j < half; j++) {
    const lo = at(j);
    cur[j] = mod(lo + r[0] * (at(j + half) - lo));
  }
  for (let i = 1; i < r.length; i++) {
    half >>= 1;
    const next = new Array<bigint>(half);
    for (let j = 0; j < half; j++) {
      const lo = cur[j];
      next[j] = mod(lo + r[i] * (cur[j + half] - lo));
    }
    cur = next;
  }
  return cur[0];
}

/** Bind variable 0 of a table of 2 * half entries to r, in place (keeps the first half). */
export function bindTop(table: bigint[], half: number, r: bigint): void {
  for (let j = 0; j < half; j++) {
    const lo = table[j];
    const d = table[j + half] - lo;
    table[j] = d === 0n ? lo : mod(lo + r * d);
  }
}
