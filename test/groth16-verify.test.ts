/**
 * bmc's Groth16 verifier (src/prove/groth16.ts), which checks proofs on one curve instance per
 * process instead of snarkjs's groth16.verify (a curve with worker threads built per call): the
 * same verdicts as snarkjs on the honest proof and on tampered proofs and inputs, and the
 * checks it makes beyond snarkjs's. On the small rule set's build and keys, shared with
 * test/files-fuzz.test.ts through the cache.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { buildBn128, type Bn128 } from "ffjavascript";
import * as snarkjs from "snarkjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { P } from "../src/field/index.js";
import { releaseCurve } from "../src/prove/curve.js";
import { proofPoints, verify, type VerificationKey } from "../src/prove/groth16.js";
import {
  loadManifest,
  proveGroth16,
  publicSignalsFor,
  VKEY,
  type SegmentProof,
} from "../src/prove/index.js";
import { smallBuild } from "./fixtures.js";
import { setupWithCachedKeys } from "./groth16-keys.js";

process.env.BMC_CACHE ??= resolve(".cache");

let dir: string;
let build: string;
let proofText: string;
const silent = { info() {}, log() {}, debug() {}, warn() {}, error() {} };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "bmc-groth16-verify-"));
  // The same cached build as files-fuzz.test.ts's.
  let transcript: string;
  ({ build, transcript } = await smallBuild(dir));
  await setupWithCachedKeys(build);
  const proved = await proveGroth16(build, transcript);
  expect(proved.diagnostics).toEqual([]);
  proofText = JSON.stringify(proved.proof);
}, 1_800_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("Groth16 verification on one curve per process", () => {
  it("verifies on one shared curve as snarkjs's groth16.verify does, on tampered proofs and inputs", async () => {
    const file = JSON.parse(proofText) as SegmentProof;
    const vkey = JSON.parse(readFileSync(join(build, VKEY), "utf8")) as VerificationKey;
    const signals = publicSignalsFor(loadManifest(build), file.statement);
    const proof = file.proof as Record<string, string[] | string[][] | string>;
    const pi = (name: string) => proof[name] as string[];
    const changed = (v: string) => (BigInt(v) + 1n).toString();
    const cases: [string, string[], unknown][] = [
      ["honest", signals, proof],
      ["a public input changed", signals.map((v, i) => (i === 0 ? changed(v) : v)), proof],
      [
        "a public input plus r (out of range)",
        signals.map((v, i) => (i === 0 ? `${BigInt(v) + P}` : v)),
        proof,
      ],
      [
        "A's x changed (off the curve)",
        signals,
        { ...proof, pi_a: [changed(pi("pi_a")[0]), ...pi("pi_a").slice(1)] },
      ],
      ["A and C swapped", signals, { ...proof, pi_a: proof.pi_c, pi_c: proof.pi_a }],
      [
        "B's coordinates swapped",
        signals,
        { ...proof, pi_b: [...(proof.pi_b as string[][])].reverse() },
      ],
      ["no C", signals, { ...proof, pi_c: undefined }],
    ];
    const verdicts: Record<string, [boolean, boolean]> = {};
    for (const [what, inputs, candidate] of cases) {
      // snarkjs throws on some malformed proofs; bmc's verify said false to those before too.
      const snark = await snarkjs.groth16
        .verify(vkey, inputs, candidate as never, silent)
        .catch(() => false);
      verdicts[what] = [await verify(vkey, inputs, candidate), snark === true];
    }
    await releaseCurve();
    expect(verdicts).toEqual(
      Object.fromEntries(
        cases.map(([what]) => [what, what === "honest" ? [true, true] : [false, false]]),
      ),
    );
  }, 120_000);

  it("refuses what snarkjs would accept: a key for another curve, a public input missing or extra", async () => {
    const file = JSON.parse(proofText) as SegmentProof;
    const vkey = JSON.parse(readFileSync(join(build, VKEY), "utf8")) as VerificationKey;
    const signals = publicSignalsFor(loadManifest(build), file.statement);
    expect(await verify(vkey, signals, file.proof)).toBe(true);
    // snarkjs would check this proof on BLS12-381 (and refuse it); bmc's keys are all BN254.
    expect(await verify({ ...vkey, curve: "bls12381" }, signals, file.proof)).toBe(false);
    expect(await verify({ ...vkey, curve: "BN-254" }, signals, file.proof)).toBe(true);
    // One IC point more than public inputs: snarkjs ignores it (the input is taken as 0).
    const ic = vkey.IC as string[][];
    expect(await verify({ ...vkey, IC: [...ic, ic[1]] }, signals, file.proof)).toBe(false);
    // The last public input left out, when it is 0: the same to snarkjs.
    const zeroAt = signals.lastIndexOf("0");
    expect(zeroAt).toBeGreaterThan(0);
    const shorter = { ...vkey, IC: ic.filter((_, i) => i !== zeroAt + 1).concat([ic[zeroAt + 1]]) };
    const moved = signals.filter((_, i) => i !== zeroAt).concat(["0"]);
    expect(await verify(shorter, moved, file.proof)).toBe(true);
    expect(await verify(shorter, moved.slice(0, -1), file.proof)).toBe(false);
    expect(await verify(vkey, [...signals, "0"], file.proof)).toBe(false);
  });

  it("takes A, B and C only in their groups (B on the twist but outside G2 refused)", async () => {
    const curve = await buildBn128(true);
    try {
      const numbers = (text: string) =>
        JSON.parse(text, (_, v) => (typeof v === "string" && /^\d+$/.test(v) ? BigInt(v) : v));
      const proof = numbers(proofText).proof as Record<string, never>;
      expect(proofPoints(curve, proof)).toBeDefined();
      const off = (p: bigint[]) => [p[0] + 1n, ...p.slice(1)];
      const b = proof.pi_b as bigint[][];
      for (const bad of [
        { ...proof, pi_a: off(proof.pi_a) },
        { ...proof, pi_b: [off(b[0]), ...b.slice(1)] },
        { ...proof, pi_c: off(proof.pi_c) },
        { ...proof, pi_b: outsideG2(curve) },
      ])
        expect(proofPoints(curve, bad)).toBeUndefined();
    } finally {
      await curve.terminate();
    }
  });
});

/**
 * An affine point of G2's twist curve y^2 = x^3 + b that is not in G2 (r times it is not 0):
 * the first x = (i, 1) with a square right-hand side. The twist has about 2^254 times more
 * points than G2, so such a point is outside G2 (checked).
 */
function outsideG2(curve: Bn128): bigint[][] {
  const { G2 } = curve;
  const F2 = G2.F;
  for (let i = 1n; ; i++) {
    const x = F2.fromObject([i, 1n]);
    const rhs = F2.add(F2.mul(F2.square(x), x), G2.b);
    if (!F2.isSquare(rhs)) continue;
    const point = [F2.toObject(x), F2.toObject(F2.sqrt(rhs)!), [1n, 0n]];
    const p = G2.fromObject(point);
    expect(G2.isValid(p)).toBe(true);
    expect(G2.isZero(G2.timesScalar(p, curve.r))).toBe(false);
    return point;
  }
}
