/**
 * The compression SNARK (src/prove/fold/snark) with real curve arithmetic: a relaxed instance
 * made by folding two witnesses of a small circom circuit (so u != 1 and E != 0) verifies, and
 * every element of its proof, every part of the instance, and an unsatisfied witness are
 * rejected; HyperKZG on random vectors; the development SRS cache and a snarkjs ptau.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Bn128 } from "ffjavascript";
import * as snarkjs from "snarkjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileCircom } from "../src/circuits/circom.js";
import { P } from "../src/field/index.js";
import { withCurve } from "../src/prove/fold/curve.js";
import { loadSparseR1cs, multiply, type SparseR1cs } from "../src/prove/fold/r1cs.js";
import {
  checkPowers,
  commitVector,
  CompressedDecodeError,
  compressedShape,
  compressedSize,
  decodeCompressed,
  devSrs,
  devSrsPath,
  devVerifierKey,
  encodeCompressed,
  HyperKzgError,
  proveHyperKzg,
  proveRelaxed,
  readPtauSrs,
  readPtauVerifierKey,
  requiredLogSize,
  Sha256Transcript,
  SnarkVerifyError,
  SrsError,
  verifierKeyOf,
  verifyHyperKzg,
  verifyRelaxed,
  type CompressedProof,
  type CompressedProofJson,
  type RelaxedR1csInstance,
  type RelaxedR1csWitness,
  type Srs,
} from "../src/prove/fold/snark/index.js";
import { evaluateMle, eqTable, mod } from "../src/prove/fold/snark/multilinear.js";
import { checkedKey, checkedMarkPath } from "../src/prove/fold/snark/srs.js";
import { interpolate } from "../src/prove/fold/snark/sumcheck.js";
import { engine } from "../src/prove/fold/snark/engine.js";
import { calculateWitness } from "../src/witness/calculator.js";
import { recordingLogger } from "../src/prove/curve.js";

let dir: string;
let curve: Bn128;
let srs: Srs;
let r1cs: SparseR1cs;
let instance: RelaxedR1csInstance;
let witness: RelaxedR1csWitness;
let proof: CompressedProof;

const CIRCUIT = `pragma circom 2.1.0;
template Chain(n) {
  signal input a;
  signal input b;
  signal output out;
  signal s[n];
  s[0] <== a * b;
  for (var i = 1; i < n; i++) s[i] <== s[i - 1] * s[i - 1] + b;
  out <== s[n - 1] * a;
}
component main { public [a] } = Chain(20);
`;

const rand = () => BigInt(`0x${randomBytes(40).toString("hex")}`) % P;
const transcript = () => new Sha256Transcript("bmc snark test");

async function prove(U = instance, W = witness) {
  return proveRelaxed(srs, r1cs, U, W, transcript());
}

/** The check that rejects, or "accepted". */
async function outcome(U: RelaxedR1csInstance, p: CompressedProof): Promise<string> {
  try {
    await verifyRelaxed(verifierKeyOf(srs), r1cs, U, p, transcript());
    return "accepted";
  } catch (e) {
    if (e instanceof SnarkVerifyError) return e.check;
    throw e;
  }
}

/** A fresh instance (u = 1, E = 0) of the circuit for inputs a, b. */
async function fresh(a: bigint, b: bigint) {
  const z = await calculateWitness(join(dir, "chain_js"), "chain.wasm", { a, b });
  const nPublic = r1cs.nPubOut + r1cs.nPubIn;
  return {
    z,
    u: 1n,
    x: z.slice(1, 1 + nPublic),
    W: z.slice(1 + nPublic),
    E: new Array<bigint>(r1cs.nConstraints).fill(0n),
  };
}

/** Nova's fold of two relaxed instances, by hand: z = z1 + r z2, E = E1 + r T + r^2 E2. */
function foldTwo(
  one: Awaited<ReturnType<typeof fresh>>,
  two: Awaited<ReturnType<typeof fresh>>,
  r: bigint,
) {
  const z1 = [one.u, ...one.x, ...one.W];
  const z2 = [two.u, ...two.x, ...two.W];
  const [a1, b1, c1] = [r1cs.A, r1cs.B, r1cs.C].map((m) => multiply(m, z1));
  const [a2, b2, c2] = [r1cs.A, r1cs.B, r1cs.C].map((m) => multiply(m, z2));
  const T = a1.map((_, i) => mod(a1[i] * b2[i] + a2[i] * b1[i] - one.u * c2[i] - two.u * c1[i]));
  const f = (x: bigint[], y: bigint[]) => x.map((v, i) => mod(v + r * y[i]));
  return {
    u: mod(one.u + r * two.u),
    x: f(one.x, two.x),
    W: f(one.W, two.W),
    E: one.E.map((e, i) => mod(e + r * T[i] + r * r * two.E[i])),
  };
}

async function instanceOf(w: { u: bigint; x: bigint[]; W: bigint[]; E: bigint[] }) {
  return {
    instance: {
      comW: await commitVector(srs, w.W),
      comE: await commitVector(srs, w.E),
      u: w.u,
      x: w.x,
    },
    witness: { W: w.W, E: w.E },
  };
}

/** A point on the twist curve of G2 that is not in its prime-order subgroup. */
function offSubgroupG2(): Uint8Array {
  type F2 = {
    fromObject(a: bigint[]): Uint8Array;
    toObject(a: Uint8Array): bigint[];
    add(a: Uint8Array, b: Uint8Array): Uint8Array;
    mul(a: Uint8Array, b: Uint8Array): Uint8Array;
    square(a: Uint8Array): Uint8Array;
    isSquare(a: Uint8Array): boolean;
    sqrt(a: Uint8Array): Uint8Array;
  };
  const { F2, G2 } = curve as unknown as {
    F2: F2;
    G2: { b: Uint8Array; fromObject(o: bigint[][]): Uint8Array; isValid(p: Uint8Array): boolean };
  };
  for (let i = 1n; ; i++) {
    const x = F2.fromObject([i, 1n]);
    const rhs = F2.add(F2.mul(F2.square(x), x), G2.b);
    if (!F2.isSquare(rhs)) continue;
    const p = G2.fromObject([F2.toObject(x), F2.toObject(F2.sqrt(rhs))]);
    expect(G2.isValid(p)).toBe(true);
    expect(engine(curve).G2.isZero(engine(curve).G2.timesScalar(p, P))).toBe(false);
    return p;
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "bmc-snark-"));
  writeFileSync(join(dir, "chain.circom"), CIRCUIT);
  const compiled = await compileCircom({ mainFile: join(dir, "chain.circom"), outDir: dir });
  expect(compiled.errors).toEqual([]);
  r1cs = loadSparseR1cs(join(dir, "chain.r1cs"));
  curve = await (await import("ffjavascript")).buildBn128(true);
  srs = await devSrs(curve, requiredLogSize(r1cs), { cacheDir: join(dir, "cache") });
  const folded = foldTwo(await fresh(3n, 5n), await fresh(7n, 11n), rand());
  ({ instance, witness } = await instanceOf(folded));
  proof = await prove();
}, 60_000);

afterAll(async () => {
  await curve?.terminate();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * In the 2^4 development SRS cached in `cacheDir`, power 5 := power 6, with a matching digest
 * file: only the pairing check sees it. The planted powers and tau*G2 as stored.
 */
function plantPower5(cacheDir: string): { powers: Buffer; g2: Buffer } {
  const file = devSrsPath(4, cacheDir);
  const bytes = readFileSync(file);
  const powersAt = bytes.length - 16 * 64;
  bytes.copy(bytes, powersAt + 5 * 64, powersAt + 6 * 64, powersAt + 7 * 64);
  writeFileSync(file, bytes);
  const powers = bytes.subarray(powersAt);
  const g2 = bytes.subarray(powersAt - 128, powersAt);
  writeFileSync(`${file}.sha256`, createHash("sha256").update(powers).update(g2).digest("hex"));
  return { powers, g2 };
}

describe("multilinear helpers and sum-check", () => {
  it("evaluates an MLE with variable 0 as the top bit, and eq tables agree", () => {
    const v = [5n, 7n, 11n, 13n];
    expect(evaluateMle(v, [0n, 1n])).toBe(7n);
    expect(evaluateMle(v, [1n, 0n])).toBe(11n);
    const r = [rand(), rand(), rand()];
    const table = eqTable(r);
    const w = Array.from({ length: 8 }, rand);
    expect(evaluateMle(w, r)).toBe(mod(w.reduce((s, wi, i) => s + wi * table[i], 0n)));
  });

  it("interpolates a round polynomial through 0..d", () => {
    const g = (t: bigint) => mod(3n * t * t * t + 2n * t + 9n);
    const r = rand();
    expect(interpolate([0n, 1n, 2n, 3n].map(g), r)).toBe(g(r));
  });
});

describe("compression of a relaxed R1CS instance", () => {
  it("a folded instance (u != 1, E != 0) of a real circuit verifies, and the JSON round-trips", async () => {
    expect(instance.u).not.toBe(1n);
    expect(witness.E.some((e) => e !== 0n)).toBe(true);
    expect(await outcome(instance, proof)).toBe("accepted");
    const json = JSON.parse(JSON.stringify(encodeCompressed(curve, proof)));
    const decoded = decodeCompressed(curve, json, compressedShape(r1cs));
    expect(await outcome(instance, decoded)).toBe("accepted");
    expect(compressedSize(proof)).toBeGreaterThan(0);
  });

  it("rejects every changed sum-check message and evaluation", async () => {
    const bump = (v: bigint) => mod(v + 1n);
    for (let i = 0; i < proof.outer.length; i++)
      for (let t = 0; t < 3; t++) {
        const outer = proof.outer.map((round, k) =>
          round.map((v, s) => (k === i && s === t ? bump(v) : v)),
        );
        expect(await outcome(instance, { ...proof, outer })).toBe("outer-sumcheck");
      }
    for (let i = 0; i < proof.inner.length; i++)
      for (let t = 0; t < 2; t++) {
        const inner = proof.inner.map((round, k) =>
          round.map((v, s) => (k === i && s === t ? bump(v) : v)),
        );
        expect(await outcome(instance, { ...proof, inner })).toBe("inner-sumcheck");
      }
    for (const key of ["az", "bz", "cz", "evalE"] as const)
      expect(await outcome(instance, { ...proof, [key]: bump(proof[key]) })).toBe("outer-sumcheck");
    expect(await outcome(instance, { ...proof, evalW: bump(proof.evalW) })).toBe("inner-sumcheck");
  });

  it("rejects every changed HyperKZG element", async () => {
    const { folds, evals, witnesses } = proof.opening;
    const G = curve.G1;
    const seen = new Set<string>();
    for (let j = 0; j < folds.length; j++)
      for (let i = 0; i < folds[j].length; i++) {
        const changed = folds.map((list, a) =>
          list.map((p, b) => (a === j && b === i ? G.add(p, G.g) : p)),
        );
        seen.add(
          await outcome(instance, { ...proof, opening: { ...proof.opening, folds: changed } }),
        );
      }
    for (let j = 0; j < evals.length; j++)
      for (let t = 0; t < 3; t++)
        for (let i = 0; i < evals[j][t].length; i++) {
          const changed = evals.map((c, a) =>
            c.map((row, s) => row.map((v, b) => (a === j && s === t && b === i ? mod(v + 1n) : v))),
          );
          const check = await outcome(instance, {
            ...proof,
            opening: { ...proof.opening, evals: changed },
          });
          expect(check).not.toBe("accepted");
          seen.add(check);
        }
    expect(witnesses).toHaveLength(2);
    for (let t = 0; t < witnesses.length; t++) {
      const changed = witnesses.map((p, s) => (s === t ? G.add(p, G.g) : p));
      expect(
        await outcome(instance, { ...proof, opening: { ...proof.opening, witnesses: changed } }),
      ).toBe("hyperkzg-pairing");
    }
    expect(seen.has("accepted")).toBe(false);
    expect([...seen].sort()).toEqual(["hyperkzg-fold", "hyperkzg-pairing"]);
  });

  it("rejects a changed instance: comW, comE, u, each x", async () => {
    const G = curve.G1;
    expect(await outcome({ ...instance, comW: G.add(instance.comW!, G.g) }, proof)).not.toBe(
      "accepted",
    );
    expect(await outcome({ ...instance, comE: G.add(instance.comE, G.g) }, proof)).not.toBe(
      "accepted",
    );
    expect(await outcome({ ...instance, u: mod(instance.u + 1n) }, proof)).not.toBe("accepted");
    for (let i = 0; i < instance.x.length; i++) {
      const x = instance.x.map((v, k) => (k === i ? mod(v + 1n) : v));
      expect(await outcome({ ...instance, x }, proof)).not.toBe("accepted");
    }
  });

  it("a prover whose comW or comE commits to another vector fails the pairing check", async () => {
    // The transcript absorbs the lying commitment, so the challenges are honest for it: only
    // the binding of the commitment stops this. E~(r_x) is bound by the same opening as W
    // (E is a block of the inner sum-check's z'').
    const otherW = witness.W.map((w, j) => (j === 0 ? mod(w + 1n) : w));
    const lying = { ...instance, comW: await commitVector(srs, otherW) };
    expect(await outcome(lying, await prove(lying, witness))).toBe("hyperkzg-pairing");
    const otherE = witness.E.map((e, i) => (i === 2 ? mod(e + 1n) : e));
    const lyingE = { ...instance, comE: await commitVector(srs, otherE) };
    expect(await outcome(lyingE, await prove(lyingE, witness))).toBe("hyperkzg-pairing");
  });

  it("an unsatisfied witness makes no verifying proof", async () => {
    for (const change of ["W", "E"] as const) {
      const bad = {
        ...witness,
        [change]: witness[change].map((v, j) => (j === 3 ? mod(v + 1n) : v)),
      };
      const { instance: U } = await instanceOf({
        u: instance.u,
        x: [...instance.x],
        W: [...bad.W],
        E: [...bad.E],
      });
      expect(await outcome(U, await prove(U, bad))).toBe("outer-sumcheck");
    }
  });

  it("rejects a proof of the wrong shape or with values out of the field", async () => {
    expect(await outcome(instance, { ...proof, outer: proof.outer.slice(1) })).toBe("shape");
    expect(await outcome(instance, { ...proof, az: proof.az + P })).toBe("shape");
    expect(await outcome({ ...instance, x: instance.x.slice(1) }, proof)).toBe("shape");
    // u and x as integers equal to them mod p: not field elements, whatever the transcript makes of them.
    expect(await outcome({ ...instance, u: instance.u + P }, proof)).toBe("shape");
    const x = instance.x.map((v, i) => (i === 0 ? v + P : v));
    expect(await outcome({ ...instance, x }, proof)).toBe("shape");
  });
});

describe("Fiat-Shamir and the verifier's own guards", () => {
  /** A transcript that records its challenges by label (and may replace one). */
  class Recording extends Sha256Transcript {
    readonly seen = new Map<string, bigint[]>();
    constructor(private readonly replace: Record<string, bigint> = {}) {
      super("bmc snark test");
    }
    override challenge(label: string): bigint {
      const c = label in this.replace ? this.replace[label] : super.challenge(label);
      this.seen.set(label, [...(this.seen.get(label) ?? []), c]);
      return c;
    }
  }

  it("rejects public inputs changed so that the final inner equation still holds", async () => {
    // z~(r_y) weighs x_i by eq(r_y, column of x_i): moving x_0 and x_1 against each other by
    // those weights keeps z~(r_y), so only the transcript (which absorbs x) stops it.
    const t = new Recording();
    await verifyRelaxed(verifierKeyOf(srs), r1cs, instance, proof, t);
    const ry = t.seen.get("spartan inner challenge")!;
    const eqy = eqTable(ry);
    const half = 1 << compressedShape(r1cs).colVars;
    expect(instance.x.length).toBeGreaterThanOrEqual(2);
    const delta = 12345n;
    const { inverse } = await import("../src/prove/fold/snark/multilinear.js");
    const x = [...instance.x];
    x[0] = mod(x[0] + delta);
    x[1] = mod(x[1] - delta * eqy[half + 1] * inverse(eqy[half + 2]));
    const shifted = mod(x[0] * eqy[half + 1] + x[1] * eqy[half + 2]);
    expect(shifted).toBe(mod(instance.x[0] * eqy[half + 1] + instance.x[1] * eqy[half + 2]));
    expect(await outcome({ ...instance, x }, proof)).not.toBe("accepted");
  });

  it("the instance and the SRS digest enter the transcript before the first challenge", async () => {
    // Each is also checked later (the pairing binds comW and comE, the final equations u and
    // x), but a prover that could pick them after seeing tau or r_x could fit them to the
    // challenges: Fiat-Shamir must see them first.
    const tauOf = async (U: RelaxedR1csInstance, vk = verifierKeyOf(srs)) => {
      const t = new Recording();
      await verifyRelaxed(vk, r1cs, U, proof, t).catch(() => undefined);
      return t.seen.get("spartan tau")![0];
    };
    const base = await tauOf(instance);
    expect(await tauOf(instance)).toBe(base);
    const G = curve.G1;
    const changed: RelaxedR1csInstance[] = [
      { ...instance, comW: G.add(instance.comW!, G.g) },
      { ...instance, comE: G.add(instance.comE, G.g) },
      { ...instance, u: mod(instance.u + 1n) },
      ...instance.x.map((_, i) => ({
        ...instance,
        x: instance.x.map((v, k) => (k === i ? mod(v + 1n) : v)),
      })),
    ];
    for (const U of changed) expect(await tauOf(U)).not.toBe(base);
    expect(await tauOf(instance, { ...verifierKeyOf(srs), digest: "00".repeat(32) })).not.toBe(
      base,
    );
  });

  it("rejects the HyperKZG challenges r = 0, 1 and -1 (the points r, -r, r^2 coincide)", async () => {
    const v = [rand(), rand(), rand(), rand()];
    const point = [rand(), rand()];
    const claims = [
      { commitment: await commitVector(srs, v), point, value: evaluateMle(v, point) },
    ];
    for (const r of [0n, 1n, P - 1n]) {
      const fixed = () => new Recording({ "hyperkzg r": r });
      const opening = await proveHyperKzg(srs, fixed(), claims, [v]);
      await expect(verifyHyperKzg(srs, fixed(), claims, opening)).rejects.toMatchObject({
        check: "hyperkzg-challenge",
      });
    }
  });

  it("rejects a verifier key too small for the circuit and rounds of the wrong length", async () => {
    const small = { ...verifierKeyOf(srs), logSize: requiredLogSize(r1cs) - 1 };
    await expect(verifyRelaxed(small, r1cs, instance, proof, transcript())).rejects.toMatchObject({
      check: "shape",
    });
    const outer = proof.outer.map((round, i) => (i === 2 ? round.slice(1) : round));
    expect(await outcome(instance, { ...proof, outer })).toBe("shape");
    const inner = proof.inner.map((round, i) => (i === 1 ? [...round, 0n] : round));
    expect(await outcome(instance, { ...proof, inner })).toBe("shape");
  });
});

describe("proof encoding", () => {
  const decode = (json: unknown) => decodeCompressed(curve, json, compressedShape(r1cs));
  const fails = (json: unknown) => {
    try {
      decode(json);
      return "accepted";
    } catch (e) {
      if (e instanceof CompressedDecodeError) return e.path;
      throw e;
    }
  };
  const good = () =>
    JSON.parse(JSON.stringify(encodeCompressed(curve, proof))) as CompressedProofJson &
      Record<string, unknown>;

  it("rejects extra or missing keys, wrong lengths, non-canonical numbers and points off the curve", () => {
    expect(fails({ ...good(), extra: 1 })).toBe("proof");
    const { evalW: _, ...missing } = good();
    expect(fails(missing)).toBe("proof");
    expect(fails({ ...good(), opening: { ...good().opening, more: [] } })).toBe("opening");
    const short = good();
    short.outer.pop();
    expect(fails(short)).toBe("outer");
    for (const bad of ["01", "-1", P.toString(), "1e3", " 1", 5])
      expect(fails({ ...good(), az: bad })).toBe("az");
    const g = good();
    g.inner[0][1] = (P + 1n).toString();
    expect(fails(g)).toBe("inner[0][1]");
    const off = good();
    off.opening.witnesses[1] = "00".repeat(63) + "05"; // (0, 5) is not on y^2 = x^3 + 3
    expect(fails(off)).toBe("opening.witnesses[1]");
    const upper = good();
    upper.opening.folds[0][0] = upper.opening.folds[0][0].toUpperCase();
    expect(fails(upper)).toBe("opening.folds[0][0]");
    const notInField = good();
    const hex = notInField.opening.folds[0][1];
    // x + q: the same point with a non-canonical coordinate.
    const q = curve.F1.p;
    notInField.opening.folds[0][1] =
      (BigInt(`0x${hex.slice(0, 64)}`) + q).toString(16).padStart(64, "0") + hex.slice(64);
    expect(fails(notInField)).toBe("opening.folds[0][1]");
    const evals = good();
    evals.opening.evals[0][2].push("0");
    expect(fails(evals)).toBe("opening.evals[0][2]");
  });
});

describe("a witness in two parts (committed apart, each from the SRS's first power)", () => {
  /** The instance with W's first `firstWires` entries and the others committed apart. */
  const twoParts = async (firstWires: number): Promise<RelaxedR1csInstance> => {
    const comFirst = await commitVector(srs, witness.W.slice(0, firstWires));
    const comSecond = await commitVector(srs, witness.W.slice(firstWires));
    const { comW: _, ...rest } = instance;
    return { ...rest, parts: { comFirst, comSecond, firstWires } };
  };
  // As the fold commits its segments: the one private input b, then the internal wires.
  const FIRST = 1;
  let U: RelaxedR1csInstance;
  let partsProof: CompressedProof;
  beforeAll(async () => {
    U = await twoParts(FIRST);
    partsProof = await prove(U);
  });

  it("verifies, and the JSON round-trips", async () => {
    const shape = compressedShape(r1cs, FIRST);
    expect(partsProof.inner).toHaveLength(shape.colVars + 2);
    expect(await outcome(U, partsProof)).toBe("accepted");
    const json = JSON.parse(JSON.stringify(encodeCompressed(curve, partsProof)));
    expect(await outcome(U, decodeCompressed(curve, json, shape))).toBe("accepted");
  });

  it("verifies with any cut, an empty part included", async () => {
    for (const firstWires of [0, 10, witness.W.length]) {
      const V = await twoParts(firstWires);
      expect(await outcome(V, await prove(V))).toBe("accepted");
    }
  });

  it("rejects the parts swapped, a value moved between them, or another cut", async () => {
    const G = curve.G1;
    const parts = U.parts!;
    const swapped = { ...parts, comFirst: parts.comSecond, comSecond: parts.comFirst };
    expect(await outcome({ ...U, parts: swapped }, partsProof)).not.toBe("accepted");
    // The first entry of each part changed by +d and -d: the sum of the two vectors, and of
    // their commitments, is unchanged (what a prover committing part of one in the other
    // would show if only the sum were opened).
    const d = G.timesScalar(G.g, rand());
    const moved = {
      ...parts,
      comFirst: G.add(parts.comFirst, d),
      comSecond: G.sub(parts.comSecond, d),
    };
    expect(await outcome({ ...U, parts: moved }, partsProof)).not.toBe("accepted");
    const recut = { ...parts, firstWires: FIRST + 1 };
    expect(await outcome({ ...U, parts: recut }, partsProof)).not.toBe("accepted");
  });

  it("refuses comW beside the parts, neither, a cut outside W, or a proof of the other kind", async () => {
    expect(await outcome({ ...U, comW: instance.comW }, partsProof)).toBe("shape");
    const { parts, ...neither } = U;
    expect(await outcome(neither, partsProof)).toBe("shape");
    expect(await outcome(neither, proof)).toBe("shape");
    for (const firstWires of [-1, witness.W.length + 1, 1.5])
      expect(await outcome({ ...U, parts: { ...parts!, firstWires } }, partsProof)).toBe("shape");
    expect(await outcome(U, proof)).not.toBe("accepted");
    expect(await outcome(instance, partsProof)).not.toBe("accepted");
  });
});

describe("commitments over the SRS", () => {
  it("sparse, dense and offset commitments agree; out-of-range ones are refused", async () => {
    const G = curve.G1;
    const dense = [0n, 5n, 0n, 0n, rand(), 1n, 0n, P - 1n];
    const sparse = { index: [1, 4, 5, 7], value: [5n, dense[4], 1n, P - 1n] };
    const a = await commitVector(srs, dense);
    expect(G.eq(a, await commitVector(srs, sparse))).toBe(true);
    // Offset 3: the same as the dense vector shifted by three zeros.
    expect(
      G.eq(await commitVector(srs, dense, 3), await commitVector(srs, [0n, 0n, 0n, ...dense])),
    ).toBe(true);
    expect(G.eq(await commitVector(srs, sparse, 3), await commitVector(srs, dense, 3))).toBe(true);
    const n = srs.powersG1.length / 64;
    await expect(commitVector(srs, [1n], n)).rejects.toThrow(/internal error/);
    await expect(commitVector(srs, { index: [n], value: [1n] })).rejects.toThrow(/internal error/);
  });
});

describe("HyperKZG", () => {
  it("opens random vectors at random points, batched; a wrong value or element is rejected", async () => {
    const vectors = [
      Array.from({ length: 16 }, rand),
      Array.from({ length: 5 }, rand),
      [rand(), rand()],
    ];
    const points = [4, 3, 1].map((k) => Array.from({ length: k }, rand));
    const claims = await Promise.all(
      vectors.map(async (v, j) => ({
        commitment: await commitVector(srs, v),
        point: points[j],
        value: evaluateMle(v, points[j]),
      })),
    );
    const opening = await proveHyperKzg(srs, transcript(), claims, vectors);
    await verifyHyperKzg(srs, transcript(), claims, opening);
    const check = async (c: typeof claims, o = opening) => {
      try {
        await verifyHyperKzg(srs, transcript(), c, o);
        return "accepted";
      } catch (e) {
        if (e instanceof HyperKzgError) return e.check;
        throw e;
      }
    };
    for (let j = 0; j < claims.length; j++) {
      const wrong = claims.map((c, k) => (k === j ? { ...c, value: mod(c.value + 1n) } : c));
      expect(await check(wrong)).not.toBe("accepted");
    }
    // A prover that claims a wrong value from the start fails too (not just a changed claim).
    const lie = claims.map((c, k) => (k === 0 ? { ...c, value: mod(c.value + 1n) } : c));
    expect(await check(lie, await proveHyperKzg(srs, transcript(), lie, vectors))).not.toBe(
      "accepted",
    );
    expect(await check(claims, { ...opening, witnesses: opening.witnesses.slice(1) })).toBe(
      "hyperkzg-shape",
    );
  });

  it("refuses an opening whose lists do not fit the claims before reading them", async () => {
    const v = [rand(), rand(), rand()];
    const point = [rand(), rand()];
    const claims = [
      { commitment: await commitVector(srs, v), point, value: evaluateMle(v, point) },
    ];
    const opening = await proveHyperKzg(srs, transcript(), claims, [v]);
    const reason = async (c: typeof claims, o: typeof opening) => {
      try {
        await verifyHyperKzg(srs, transcript(), c, o);
        return "accepted";
      } catch (e) {
        if (e instanceof HyperKzgError) return `${e.check}: ${e.message}`;
        throw e;
      }
    };
    const { folds, evals } = opening;
    const shape = (what: RegExp) =>
      expect.stringMatching(new RegExp(`^hyperkzg-shape: .*${what.source}`));
    expect(await reason(claims, { ...opening, folds: [] })).toEqual(shape(/every claim/));
    expect(await reason(claims, { ...opening, evals: [...evals, evals[0]] })).toEqual(
      shape(/every claim/),
    );
    const extraFold = { ...opening, folds: [[...folds[0], folds[0][0]]] };
    expect(await reason(claims, extraFold)).toEqual(shape(/number of elements/));
    const twoRows = { ...opening, evals: [evals[0].slice(1)] };
    expect(await reason(claims, twoRows)).toEqual(shape(/number of elements/));
    const shortRow = {
      ...opening,
      evals: [evals[0].map((row, t) => (t === 1 ? row.slice(1) : row))],
    };
    expect(await reason(claims, shortRow)).toEqual(shape(/wrong length/));
    // More coordinates than the SRS has powers, in an opening of that shape whose fold
    // equations hold (all zero, value 0): refused for its size, not left to the pairing.
    const k = srs.logSize + 1;
    const wide = [
      { commitment: claims[0].commitment, point: Array.from({ length: k }, rand), value: 0n },
    ];
    const zeros = {
      folds: [Array.from({ length: k - 1 }, () => curve.G1.g)],
      evals: [[0, 1, 2].map(() => new Array<bigint>(k).fill(0n))],
      witnesses: opening.witnesses,
    };
    expect(await reason(wide, zeros)).toEqual(shape(/has \d+ coordinates/));
  });

  it("divides by a monic cubic: f = Z h + R at a random point, R of degree below 3", async () => {
    const { divideByCubic } = await import("../src/prove/fold/snark/hyperkzg.js");
    const at = (f: readonly bigint[], x: bigint) => f.reduceRight((acc, c) => mod(acc * x + c), 0n);
    for (const length of [1, 2, 3, 4, 9, 64]) {
      const f = Array.from({ length }, rand);
      const cubic = [rand(), rand(), rand()];
      const { quotient, remainder } = divideByCubic(f, cubic);
      expect(remainder).toHaveLength(3);
      const x = rand();
      expect(at(f, x)).toBe(mod(at([...cubic, 1n], x) * at(quotient, x) + at(remainder, x)));
    }
  });

  it("claims that share a vector and the tail of their points: the proof made sharing folds equals the one made without", async () => {
    const v = Array.from({ length: 13 }, rand);
    const w = Array.from({ length: 16 }, rand);
    const tail = [rand(), rand()];
    const points = [
      [rand(), rand(), ...tail],
      [0n, 1n, ...tail],
      [rand(), ...tail, rand()],
      [rand(), rand(), ...tail],
    ];
    const vectorsShared = [v, v, v, w];
    const claims = await Promise.all(
      points.map(async (point, j) => ({
        commitment: await commitVector(srs, vectorsShared[j]),
        point,
        value: evaluateMle(vectorsShared[j], point),
      })),
    );
    const shared = await proveHyperKzg(srs, transcript(), claims, vectorsShared);
    // Copies: no two claims hold the same array, so nothing is shared.
    const apart = await proveHyperKzg(
      srs,
      transcript(),
      claims,
      vectorsShared.map((x) => [...x]),
    );
    const encode = (o: typeof shared) =>
      JSON.stringify({
        folds: o.folds.map((l) => l.map((p) => Buffer.from(curve.G1.toAffine(p)).toString("hex"))),
        evals: o.evals.map((c) => c.map((row) => row.map(String))),
        witnesses: o.witnesses.map((p) => Buffer.from(curve.G1.toAffine(p)).toString("hex")),
      });
    expect(encode(shared)).toBe(encode(apart));
    await verifyHyperKzg(srs, transcript(), claims, shared);
  });

  it("commitments shared with another thread (split and spread): the same proof", async () => {
    // Long enough for the witnesses to be split (hyperkzg.ts: from 1024 values).
    const k = 11;
    const n = 1 << k;
    const srs = await devSrs(curve, k, { cacheDir: join(dir, "cache-split") });
    const vectors = [Array.from({ length: n }, rand), Array.from({ length: n / 2 + 3 }, rand)];
    const claims = await Promise.all(
      vectors.map(async (v) => {
        const point = Array.from({ length: k }, rand);
        return { commitment: await commitVector(srs, v), point, value: evaluateMle(v, point) };
      }),
    );
    const calls: number[] = [];
    const other = (values: readonly bigint[], offset: number) => {
      calls.push(offset);
      return commitVector(srs, values, offset);
    };
    const alone = await proveHyperKzg(srs, transcript(), claims, vectors);
    const shared = await proveHyperKzg(srs, transcript(), claims, vectors, other);
    // Folds went to the other thread (offset 0) and the witnesses' upper halves (offset > 0).
    expect(calls.filter((o) => o === 0).length).toBeGreaterThan(0);
    expect(calls.filter((o) => o > 0).length).toBe(2);
    const affine = (p: Uint8Array) => Buffer.from(curve.G1.toAffine(p)).toString("hex");
    expect(shared.folds.flat().map(affine)).toEqual(alone.folds.flat().map(affine));
    expect(shared.witnesses.map(affine)).toEqual(alone.witnesses.map(affine));
    await verifyHyperKzg(srs, transcript(), claims, shared);
  });
});

describe("SRS", () => {
  it("reuses a consistent cached development SRS and rejects one with a wrong power", async () => {
    const cacheDir = join(dir, "srs-cache");
    const made = await devSrs(curve, 4, { cacheDir });
    expect(made.insecure).toBe(true);
    expect(made.source).toMatch(/INSECURE/);
    const again = await devSrs(curve, 4, { cacheDir });
    expect(again.digest).toBe(made.digest);
    // Its check passed and is recorded (the planted power below is not covered by it).
    expect(readdirSync(join(cacheDir, "srs", "checked"))).toHaveLength(1);
    expect(Buffer.from(again.powersG1).equals(Buffer.from(made.powersG1))).toBe(true);
    // A shorter request is served from the longer cached SRS.
    const shorter = await devSrs(curve, 3, { cacheDir });
    expect(
      Buffer.from(shorter.powersG1).equals(Buffer.from(made.powersG1.subarray(0, 8 * 64))),
    ).toBe(true);

    // Plant power 5 := power 6 with a matching digest file: only the pairing check sees it.
    plantPower5(cacheDir);
    const messages: string[] = [];
    const remade = await devSrs(curve, 4, { cacheDir, onProgress: (m) => messages.push(m) });
    expect(messages.join("\n")).toMatch(/do not match tau\*G2/);
    expect(remade.digest).not.toBe(made.digest);
    const powers = new Uint8Array(made.powersG1);
    powers.copyWithin(5 * 64, 6 * 64, 7 * 64);
    await expect(checkPowers(curve, powers, made.tauG2, "planted")).rejects.toThrow(SrsError);
  });

  it("a recorded check covers the same bytes only; a record for planted bytes is honoured", async () => {
    const cacheDir = join(dir, "srs-cache-record");
    const made = await devSrs(curve, 4, { cacheDir });
    const { powers, g2 } = plantPower5(cacheDir);
    // A record of the planted bytes (what a tampered cache could hold) skips the pairing
    // check: the record is what vouches, so it must name exactly these bytes.
    const key = checkedKey("dev", powers, g2);
    mkdirSync(join(cacheDir, "srs", "checked"), { recursive: true });
    writeFileSync(checkedMarkPath(cacheDir, key), "planted\n");
    const vouched = await devSrs(curve, 4, { cacheDir });
    expect(vouched.digest).not.toBe(made.digest);
    expect(Buffer.from(vouched.powersG1.subarray(5 * 64, 6 * 64))).toEqual(
      Buffer.from(made.powersG1.subarray(6 * 64, 7 * 64)),
    );
    // Without it, the same bytes are checked and rejected.
    rmSync(checkedMarkPath(cacheDir, key));
    const messages: string[] = [];
    await devSrs(curve, 4, { cacheDir, onProgress: (m) => messages.push(m) });
    expect(messages.join("\n")).toMatch(/do not match tau\*G2/);
  });

  it("rejects powers that do not start at the generator, leave the curve, or a bad tau*G2", async () => {
    const made = await devSrs(curve, 3, { cacheDir: join(dir, "srs-cache-3") });
    const G = curve.G1;
    const check = (powers: Uint8Array, tauG2 = made.tauG2) =>
      checkPowers(curve, powers, tauG2, "test");
    await check(made.powersG1);
    // All powers times 2: consecutive for the same tau, but not starting at G1.
    const doubled = new Uint8Array(made.powersG1.length);
    for (let i = 0; i < 8; i++)
      doubled.set(
        G.toAffine(
          G.add(
            made.powersG1.subarray(i * 64, i * 64 + 64),
            made.powersG1.subarray(i * 64, i * 64 + 64),
          ),
        ),
        i * 64,
      );
    await expect(check(doubled)).rejects.toThrow(/first power is not the generator/);
    const off = new Uint8Array(made.powersG1);
    off[3 * 64 + 5] ^= 1; // y changes: off the curve
    await expect(check(off)).rejects.toThrow(/power 3 is not a point of G1/);
    const G2 = engine(curve).G2;
    await expect(check(made.powersG1, G2.zero)).rejects.toThrow(/prime-order subgroup/);
    await expect(check(made.powersG1, offSubgroupG2())).rejects.toThrow(/prime-order subgroup/);
    // tau*G2 for another tau: a valid point, inconsistent with the powers.
    await expect(check(made.powersG1, G2.toAffine(G2.timesScalar(made.tauG2, 2n)))).rejects.toThrow(
      /do not match tau\*G2/,
    );
  });

  it("loads a verifier key alone: same key as the SRS, checked cheaply, never made", async () => {
    const cacheDir = join(dir, "srs-cache-vk");
    expect(() => devVerifierKey(curve, 3, { cacheDir })).toThrow(/no development SRS of 2\^3/);
    const made = await devSrs(curve, 4, { cacheDir });
    const vk = devVerifierKey(curve, 4, { cacheDir });
    expect(vk.digest).toBe(made.digest);
    expect(engine(curve).G2.eq(vk.tauG2, made.tauG2)).toBe(true);
    // From the larger cache, with the digest of the prefix, as devSrs computes it.
    expect(devVerifierKey(curve, 3, { cacheDir }).digest).toBe(
      (await devSrs(curve, 3, { cacheDir })).digest,
    );
    // Planted with a digest file to match: tau*G2 off the curve; a first power that is not
    // the generator.
    const file = devSrsPath(4, cacheDir);
    const bytes = readFileSync(file);
    const plant = (edit: (copy: Buffer) => void) => {
      const copy = Buffer.from(bytes);
      edit(copy);
      writeFileSync(file, copy);
      const digest = createHash("sha256")
        .update(copy.subarray(160))
        .update(copy.subarray(32, 160))
        .digest("hex");
      writeFileSync(`${file}.sha256`, digest);
    };
    plant((copy) => (copy[159] ^= 1));
    expect(() => devVerifierKey(curve, 4, { cacheDir })).toThrow(/prime-order subgroup/);
    plant((copy) => copy.copy(copy, 160, 224, 288));
    expect(() => devVerifierKey(curve, 4, { cacheDir })).toThrow(
      /first power is not the generator/,
    );
  });

  it("rejects a cached SRS whose digest file does not match, or that is cut short", async () => {
    const cacheDir = join(dir, "srs-cache-2");
    const made = await devSrs(curve, 3, { cacheDir });
    const file = devSrsPath(3, cacheDir);
    writeFileSync(`${file}.sha256`, "00".repeat(32));
    const messages: string[] = [];
    const remade = await devSrs(curve, 3, { cacheDir, onProgress: (m) => messages.push(m) });
    expect(messages.join("\n")).toMatch(/digest file does not match/);
    expect(remade.digest).not.toBe(made.digest);
    writeFileSync(file, readFileSync(file).subarray(0, 200));
    messages.length = 0;
    await devSrs(curve, 3, { cacheDir, onProgress: (m) => messages.push(m) });
    expect(messages.join("\n")).toMatch(/not a whole development SRS/);
  });

  it("reads a snarkjs ptau: same tau, same powers; a damaged one is rejected", async () => {
    const ptau0 = join(dir, "pot0.ptau");
    const ptau1 = join(dir, "pot1.ptau");
    const { logger } = recordingLogger();
    const bn128 = await snarkjs.curves.getCurveFromName("bn128");
    await snarkjs.powersOfTau.newAccumulator(bn128, 4, ptau0, logger);
    await snarkjs.powersOfTau.contribute(
      ptau0,
      ptau1,
      "test",
      randomBytes(32).toString("hex"),
      logger,
    );
    const read = await readPtauSrs(curve, ptau1, 4);
    expect(read.insecure).toBe(false);
    const vk = readPtauVerifierKey(curve, ptau1, 3);
    expect(vk.digest).toBe((await readPtauSrs(curve, ptau1, 3)).digest);
    expect(engine(curve).G2.eq(vk.tauG2, read.tauG2)).toBe(true);
    // Commitments and openings work over it.
    const v = Array.from({ length: 16 }, rand);
    const x = [rand(), rand(), rand(), rand()];
    const claims = [
      { commitment: await commitVector(read, v), point: x, value: evaluateMle(v, x) },
    ];
    await verifyHyperKzg(
      read,
      transcript(),
      claims,
      await proveHyperKzg(read, transcript(), claims, [v]),
    );
    await expect(readPtauSrs(curve, ptau1, 5)).rejects.toThrow(/2\^4 powers/);
    // Swap two powers in section 2.
    const bytes = readFileSync(ptau1);
    const at = bytes.indexOf(Buffer.from(read.powersG1.subarray(64, 128)));
    expect(at).toBeGreaterThan(0);
    const damaged = Buffer.from(bytes);
    damaged.set(bytes.subarray(at + 64, at + 128), at);
    damaged.set(bytes.subarray(at, at + 64), at + 64);
    writeFileSync(join(dir, "damaged.ptau"), damaged);
    await expect(readPtauSrs(curve, join(dir, "damaged.ptau"), 4)).rejects.toThrow(
      /do not match tau\*G2/,
    );
    await expect(readPtauSrs(curve, join(dir, "missing.ptau"), 4)).rejects.toThrow(SrsError);
    // tau*G2 off the curve: the verifier key is refused.
    const g2At = bytes.indexOf(Buffer.from(read.tauG2));
    expect(g2At).toBeGreaterThan(0);
    const badG2 = Buffer.from(bytes);
    badG2[g2At + 3] ^= 1;
    writeFileSync(join(dir, "bad-g2.ptau"), badG2);
    expect(() => readPtauVerifierKey(curve, join(dir, "bad-g2.ptau"), 4)).toThrow(
      /prime-order subgroup/,
    );
    await bn128.terminate();
  }, 30_000);
});
