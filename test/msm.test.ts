/**
 * The prover's MSM (src/prove/fold/curve.ts, grouped-msm.ts) against ffjavascript's own
 * multiExpAffine: adding up the points of equal scalars first gives the same point, whatever
 * the scalars (zeros, small, full-size, repeated, or sharing the low bits the grouping hashes).
 * Full-size scalars run split by BN254's endomorphism (src/prove/fold/glv.ts), whose constants
 * are checked here.
 */
import { randomBytes } from "node:crypto";
import { buildBn128, type Bn128 } from "ffjavascript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { P } from "../src/field/index.js";
import { deriveGenerators } from "../src/prove/fold/commit.js";
import { msm } from "../src/prove/fold/curve.js";
import { BETA, LAMBDA, LATTICE, splitScalar } from "../src/prove/fold/glv.js";
import { groupedMsm } from "../src/prove/fold/grouped-msm.js";
import { Q } from "../src/prove/proof-file.js";

const N = 300;
let curve: Bn128;
let bases: Uint8Array;

beforeAll(async () => {
  curve = await buildBn128(true);
  const encoded = deriveGenerators(curve, "bmc msm test", 0, N);
  bases = new Uint8Array(N * 64);
  for (let i = 0; i < N; i++) bases.set(curve.G1.fromRprUncompressed(encoded, i * 64), i * 64);
});
afterAll(() => curve.terminate());

const full = () => BigInt(`0x${randomBytes(32).toString("hex")}`) % P;

/** ffjavascript's MSM of all N bases with 32-byte scalars: the reference. */
async function reference(values: readonly bigint[]): Promise<Uint8Array> {
  const scalars = new Uint8Array(values.length * 32);
  const view = new DataView(scalars.buffer);
  values.forEach((v, i) => {
    for (let k = 0; k < 4; k++) {
      view.setBigUint64(i * 32 + 8 * k, (v >> BigInt(64 * k)) & ((1n << 64n) - 1n), true);
    }
  });
  return curve.G1.multiExpAffine(bases.subarray(0, values.length * 64), scalars);
}

async function agrees(values: readonly bigint[]): Promise<void> {
  const expected = await reference(values);
  for (const splitSmall of [true, false]) {
    const grouped = groupedMsm(curve, bases, values, splitSmall);
    expect(grouped).toBeDefined();
    expect(curve.G1.eq(grouped!, expected)).toBe(true);
    const viaMsm = await msm(curve, bases, values, { splitSmall });
    expect(curve.G1.eq(viaMsm, expected)).toBe(true);
  }
}

describe("MSM with the points of equal scalars added up first", () => {
  it("equals ffjavascript's MSM on repeated full-size scalars among zeros and small ones", async () => {
    const pool = Array.from({ length: 20 }, full);
    const values = Array.from({ length: N }, (_, i) =>
      i % 5 === 0 ? 0n : i % 5 === 1 ? BigInt(i % 7) : i % 5 === 2 ? 1n : pool[i % pool.length],
    );
    await agrees(values);
  });

  it("tells apart values that share the low 52 bits it groups by", async () => {
    // Without the full comparison these would merge into one scalar.
    const v = full() % (1n << 200n);
    const values = Array.from({ length: N }, (_, i) => v + BigInt(i % 4) * (1n << 52n));
    await agrees(values);
    const small = Array.from({ length: N }, (_, i) => 5n + BigInt(i % 3) * (1n << 52n));
    await agrees(small);
  });

  it("equals it on distinct scalars (no grouping), all zeros and an empty vector", async () => {
    await agrees(Array.from({ length: N }, full));
    await agrees(new Array<bigint>(N).fill(0n));
    expect(curve.G1.isZero(await msm(curve, bases, []))).toBe(true);
  });
});

describe("BN254's endomorphism (GLV)", () => {
  const pow = (b: bigint, e: bigint, m: bigint) => {
    let [acc, base] = [1n, b % m];
    for (; e > 0n; e >>= 1n, base = (base * base) % m) if (e & 1n) acc = (acc * base) % m;
    return acc;
  };

  it("has BETA and LAMBDA cube roots of unity with (BETA x, y) = LAMBDA (x, y)", () => {
    expect(BETA).not.toBe(1n);
    expect(pow(BETA, 3n, Q)).toBe(1n);
    expect(LAMBDA).not.toBe(1n);
    expect(pow(LAMBDA, 3n, P)).toBe(1n);
    const G = curve.G1;
    for (const k of [1n, 2n, 12345n]) {
      const p = G.timesScalar(G.g, k);
      // Uncompressed: x then y, 32 bytes each, big-endian.
      const bytes = Buffer.alloc(64);
      G.toRprUncompressed(bytes, 0, p);
      const x = BigInt(`0x${bytes.toString("hex", 0, 32)}`);
      bytes.write(((BETA * x) % Q).toString(16).padStart(64, "0"), 0, "hex");
      const phi = G.fromRprUncompressed(bytes, 0);
      expect(G.eq(phi, G.timesScalar(p, LAMBDA))).toBe(true);
    }
  });

  it("splits scalars into halves below 2^127 that add up again", () => {
    const { A1, B1, A2, B2 } = LATTICE;
    expect(A1 * B2 - A2 * B1).toBe(P);
    expect((A1 + B1 * LAMBDA) % P).toBe(0n);
    expect((A2 + B2 * LAMBDA) % P).toBe(0n);
    const edges = [0n, 1n, 2n, P - 1n, P - 2n, P / 2n, LAMBDA, P - LAMBDA, 1n << 127n, 1n << 253n];
    for (const k of [...edges, ...Array.from({ length: 500 }, full)]) {
      const [k1, k2] = splitScalar(k);
      expect((((k1 + k2 * LAMBDA - k) % P) + P) % P).toBe(0n);
      for (const half of [k1, k2]) expect(half < 1n << 127n && half > -(1n << 127n)).toBe(true);
    }
  });
});
