/**
 * The cross term (src/prove/fold/nifs.ts) against its definition
 *   T = Az1 o Bz2 + Az2 o Bz1 - u1 Cz2 - u2 Cz1 (mod p),
 * in particular where the fresh instance's products are zero (the shortcut for empty slots),
 * with the running instance's Cz zero, in (0, p), or not reduced at all.
 */
import { describe, expect, it } from "vitest";
import { mod, P } from "../src/field/index.js";
import { crossTerm, type Products } from "../src/prove/fold/nifs.js";

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
