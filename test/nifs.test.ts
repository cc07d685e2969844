/**
 * The cross term (src/prove/fold/nifs.ts) against its definition
 *   T = Az1 o Bz2 + Az2 o Bz1 - u1 Cz2 - u2 Cz1 (mod p),
 * in particular where the fresh instance's products are zero (the shortcut for empty slots),
 * with the running instance's Cz zero, in (0, p), or not reduced at all; and a fold of two
 * vectors against v1 + r v2 (mod p), with values that repeat or share the low bits its
 * products are remembered by.
 */
import { describe, expect, it } from "vitest";
import { mod, P } from "../src/field/index.js";
import { randomBytes } from "node:crypto";
import { crossTerm, foldVector, type Products } from "../src/prove/fold/nifs.js";

const definition = (p1: Products, u1: bigint, p2: Products, u2: bigint) =>
  p1.az.map((_, i) =>
    mod(p1.az[i] * p2.bz[i] + p2.az[i] * p1.bz[i] - u1 * p2.cz[i] - u2 * p1.cz[i]),
  );

describe("the cross term", () => {
  it("is its definition, empty slots and unreduced values included", () => {
    const cz1 = [0n, 1n, P - 1n, 12345n, P, P + 7n, -3n, 0n];
    const n = cz1.length;
    const p1: Products = {
      az: cz1.map((_, i) => BigInt(i * 7 + 1)),
      bz: cz1.map((_, i) => P - BigInt(i + 2)),
      cz: cz1,
    };
    const zero = new Array<bigint>(n).fill(0n);
    const empty: Products = { az: zero, bz: zero, cz: zero };
    const some: Products = {
      az: zero.map((_, i) => (i % 2 ? 0n : BigInt(i + 3))),
      bz: zero.map((_, i) => (i % 3 ? 0n : P - 5n)),
      cz: zero.map((_, i) => (i % 4 ? 0n : 9n)),
    };
    for (const [p2, u2] of [
      [empty, 1n],
      [empty, 4n],
      [some, 1n],
    ] as const) {
      for (const u1 of [1n, 3n, P - 2n]) {
        const T = crossTerm(p1, u1, p2, u2);
        expect(T).toEqual(definition(p1, u1, p2, u2));
        for (const t of T) expect(t >= 0n && t < P).toBe(true);
      }
    }
  });
});

describe("folding a vector", () => {
  it("is v1 + r v2 entry by entry, whatever v2 repeats", () => {
    const full = () => BigInt(`0x${randomBytes(32).toString("hex")}`) % P;
    const big = full() % (1n << 200n);
    // Zeros, small values, full-size ones repeated, and full-size ones equal in their low 52
    // bits (one remembered product must not stand for another).
    const v2 = [0n, 1n, 7n, 1n << 64n, big, big, big + (1n << 52n), big, P - 1n, P - 1n, 0n];
    const v1 = v2.map((_, i) => (i === 0 ? P - 1n : full()));
    for (const r of [0n, 1n, full()]) {
      expect(foldVector(v1, v2, r)).toEqual(v1.map((v, i) => mod(v + r * v2[i])));
    }
  });
});
