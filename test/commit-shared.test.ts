/**
 * The zero-knowledge layer's commitments shared between two threads (commitShared in
 * src/prove/fold/prover/zk-layer.ts): whoever commits which piece, and however slowly the
 * other thread answers, each vector's point is its commitment.
 */
import { randomBytes } from "node:crypto";
import { buildBn128, type Bn128 } from "ffjavascript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { P } from "../src/field/index.js";
import { deriveGenerators } from "../src/prove/fold/commit.js";
import { msm } from "../src/prove/fold/curve.js";
import { commitShared } from "../src/prove/fold/prover/zk-layer.js";

const N = 5000;
let curve: Bn128;
let bases: Uint8Array;

beforeAll(async () => {
  curve = await buildBn128(true);
  const encoded = deriveGenerators(curve, "bmc commit-shared test", 0, N);
  bases = new Uint8Array(N * 64);
  for (let i = 0; i < N; i++) bases.set(curve.G1.fromRprUncompressed(encoded, i * 64), i * 64);
});
afterAll(() => curve.terminate());

const full = () => BigInt(`0x${randomBytes(32).toString("hex")}`) % P;
const commit = (values: readonly bigint[], offset = 0) =>
  msm(curve, bases.subarray(offset * 64), values);

describe("commitments shared with another thread", () => {
  it("give each vector's commitment, in pieces from both ends", async () => {
    // One entry, one piece (1,500 entries), and several pieces (5,000), which the other
    // thread, taking from the back, starts on from the middle.
    const vectors = [1, 1500, N].map((n) => Array.from({ length: n }, full));
    const expected = await Promise.all(vectors.map((v) => commit(v)));
    const key = { id: "test", size: N, commit };
    const taken: number[] = [];
    // The other thread answers late, as when it is still on the random instance's witness.
    const other = async (values: readonly bigint[], offset = 0) => {
      taken.push(offset);
      await new Promise((resolve) => setTimeout(resolve, 30));
      return commit(values, offset);
    };
    const shared = await commitShared({ key, curve }, vectors, other);
    expect(taken.some((offset) => offset > 0)).toBe(true);
    shared.forEach((point, k) => expect(curve.G1.eq(point, expected[k])).toBe(true));
    const alone = await commitShared({ key, curve }, vectors);
    alone.forEach((point, k) => expect(curve.G1.eq(point, expected[k])).toBe(true));
  });
});
