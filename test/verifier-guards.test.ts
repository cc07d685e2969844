/**
 * Guards of the fold verifier that no changed proof can show, because the prover and the
 * verifier share them (the hash chain) or because a proof's other checks stand in front of
 * them (point decoding): each is tested directly here. scripts/guard-removal.ts removes each
 * one and sees a test here fail; test/zk.test.ts covers the checks a changed proof reaches.
 */
import { buildBn128, type Bn128 } from "ffjavascript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { P } from "../src/field/index.js";
import { decodePoint, encodePoint, pointBytes } from "../src/prove/fold/curve.js";
import { HashChain } from "../src/prove/fold/transcript.js";
import { Q } from "../src/prove/proof-file.js";

describe("the hash chain of folded proofs", () => {
  const digest = (label: string, parts: (string | bigint)[]) =>
    new HashChain("test")
      .absorb(
        label,
        parts.map((p) => (typeof p === "string" ? Buffer.from(p, "latin1") : p)),
      )
      .digest();

  it("keeps parts apart: [ab] and [a, b] differ", () => {
    expect(digest("l", ["ab"]).equals(digest("l", ["a", "b"]))).toBe(false);
  });

  it("keeps a label apart from the parts after it", () => {
    // Without the label's length, label "x" and part "abc" hash the same bytes as this label.
    expect(digest("x", ["abc"]).equals(digest("x\u0000\u0000\u0000\u0003abc", []))).toBe(false);
  });

  it("gives field elements, and two challenges in a row differ", () => {
    const chain = new HashChain("test");
    const seen = new Set<bigint>();
    for (let k = 0; k < 64; k++) {
      const c = chain.challenge("c");
      expect(c >= 0n && c < P).toBe(true);
      seen.add(c);
    }
    expect(seen.size).toBe(64);
  });
});

describe("points of a proof file", () => {
  let curve: Bn128;
  beforeAll(async () => {
    curve = await buildBn128(true);
  });
  afterAll(() => curve?.terminate());

  it("only the canonical encoding of a point is read", () => {
    const p = curve.G1.toAffine(curve.G1.timesScalar(curve.G1.g, 123456789n));
    const bytes = pointBytes(curve, p);
    expect(curve.G1.eq(decodePoint(curve, encodePoint(curve, p))!, p)).toBe(true);
    // x + q (q < 2^254, so it fits the 32 bytes): ffjavascript reads a point from it.
    const x = BigInt(`0x${bytes.toString("hex", 0, 32)}`);
    const wide = Buffer.from(bytes);
    wide.write((x + Q).toString(16).padStart(64, "0"), 0, "hex");
    expect(decodePoint(curve, wide.toString("hex"))).toBeUndefined();
    // Infinity is 64 zero bytes; the flag bit with anything else set is another encoding of it.
    const flagged = Buffer.alloc(64);
    flagged[0] = 0x40;
    flagged[63] = 1;
    expect(decodePoint(curve, flagged.toString("hex"))).toBeUndefined();
    const flaggedPoint = Buffer.from(bytes);
    flaggedPoint[0] |= 0x40;
    expect(decodePoint(curve, flaggedPoint.toString("hex"))).toBeUndefined();
    expect(curve.G1.isZero(decodePoint(curve, "00".repeat(64))!)).toBe(true);
  });
});
