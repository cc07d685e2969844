/**
 * Folded proofs: a transcript of any size, split into segments of one compiled circuit, folded
 * into a single relaxed R1CS instance (sibling folding, block-model.md section 5), with every
 * commitment hiding and a random instance folded in last, so that the proof reveals nothing
 * but the statement (docs/folding.md: the protocol step by step and the simulator).
 *
 * Prover (this file):
 *   1. split the transcript (./segments.ts) and lay out each segment's inputs;
 *   2. hiding commitments to each segment's private inputs (all pre-challenge data);
 *   3. challenges a, b from a SHA-256 chain over those commitments and the public slots;
 *   4. per segment: the witness, a hiding commitment to its internal wires, D_i (its A, B and
 *      u_out under the hiding generators), and a fold into the running instance (cross term,
 *      its hiding commitment, r_i from the chain);
 *   5. a random satisfying relaxed instance folded in (the zero-knowledge layer), a Schnorr
 *      proof that the D_i total a commitment to A = B = 0, the folded hidden wires and
 *      blinding factors, and the final step on the folded instance.
 * Verifier: ./verify.ts.
 */
import { mod } from "../../field/index.js";
import type { Transcript } from "../../transcript/model.js";
import type { ValidationResult } from "../../validate/index.js";
import { calculateWitness } from "../../witness/calculator.js";
import { segmentInputs, type CircuitInputs } from "../../witness/inputs.js";
import type { StatementBlock } from "../proof-file.js";
import { encodePoint, pointBytes, type Point } from "./curve.js";
import { cryptoRng, hidingGenerators, randomScalar, type Rng } from "./hiding.js";
import {
  crossTerm,
  foldProducts,
  foldVector,
  products,
  unsatisfiedConstraint,
  zOf,
  type Products,
} from "./nifs.js";
import { proveFinal } from "./final.js";
import {
  contextChain,
  deriveChallenges,
  FoldError,
  foldKey,
  isShownWire,
  linearCombination,
  onCurve,
  type KeyOptions,
  X,
  type FoldCircuit,
  type FoldProof,
} from "./protocol.js";
import { planSegments } from "./segments.js";

export { planSegments, type SegmentPlan } from "./segments.js";
export { R1csLoadError } from "./r1cs.js";
export {
  FoldError,
  loadFoldCircuit,
  type FoldCircuit,
  type FoldProof,
  type FinalProof,
} from "./protocol.js";
export { verifyFold, type FoldVerifyResult } from "./verify.js";
export { seededRng, type Rng } from "./hiding.js";

function inputValue(inputs: CircuitInputs, name: string): bigint {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)((?:\[\d+\])*)$/.exec(name);
  let v: unknown = m ? inputs[m[1]] : undefined;
  for (const index of m?.[2].match(/\d+/g) ?? []) v = (v as unknown[] | undefined)?.[Number(index)];
  if (typeof v !== "bigint") throw new Error(`bmc internal error: no input value for ${name}`);
  return v;
}

/** One segment's data before the challenges: its inputs and the public values known then. */
export interface SegmentInputs {
  /** Circuit inputs except a, b and u_in. */
  readonly inputs: CircuitInputs;
  readonly uIn: bigint;
  readonly uOut: bigint;
}

/** Where the prover's time goes (milliseconds), for benchmarks; filled when passed. */
export interface FoldStats {
  generatorsMs: number;
  witnessMs: number;
  /** Commitments to the private inputs (pre-challenge) and to the internal wires. */
  commitWitnessMs: number;
  commitWitnessPoints: number;
  /** Witness entries that are zero (the MSM skips them). */
  commitWitnessZeros: number;
  /** A z, B z, C z of each segment and the cross terms. */
  crossTermMs: number;
  /** Commitments to the cross terms (full-size scalars: the main cost). */
  commitCrossTermMs: number;
  commitCrossTermPoints: number;
  /** Cross-term entries that are zero, and that are below 2^64 (cheaper in the MSM). */
  crossTermZeros: number;
  crossTermSmall: number;
  /** Folding instances, witnesses and products. */
  foldMs: number;
  /** The zero-knowledge layer: the random instance, its commitments and its fold. */
  zkMs: number;
  /** The final step (compression of the folded instance). */
  finalMs: number;
}

export function emptyFoldStats(): FoldStats {
  return {
    generatorsMs: 0,
    witnessMs: 0,
    commitWitnessMs: 0,
    commitWitnessPoints: 0,
    commitWitnessZeros: 0,
    crossTermMs: 0,
    commitCrossTermMs: 0,
    commitCrossTermPoints: 0,
    crossTermZeros: 0,
    crossTermSmall: 0,
    foldMs: 0,
    zkMs: 0,
    finalMs: 0,
  };
}

export interface FoldOptions extends KeyOptions {
  /** Filled with where the time went. */
  readonly stats?: FoldStats;
  /**
   * Where the blinding factors and the random instance come from: crypto.getRandomValues
   * unless a test passes a seeded stream (./hiding.ts seededRng) to reproduce a proof.
   */
  readonly rng?: Rng;
  /**
   * For tests of the verifier only: replace a segment's challenges or u_in (a dishonest
   * prover), and skip the prover's own satisfiability check.
   */
  readonly tamper?: {
    readonly challenges?: (
      segment: number,
      honest: { a: bigint; b: bigint },
    ) => { a: bigint; b: bigint };
    readonly witness?: (segment: number, witness: bigint[]) => bigint[];
    readonly allowUnsatisfied?: boolean;
    /**
     * Private inputs of a segment (indices) to commit in comRest instead of comPre, at their
     * own positions: a prover that would choose them after the challenges.
     */
    readonly movePre?: (segment: number, pre: readonly bigint[]) => readonly number[];
  };
}

/** The segments' inputs for a validated transcript. */
export function layoutSegments(
  circuit: FoldCircuit,
  transcript: Transcript,
  validation: ValidationResult,
  options: { allowInvalid?: boolean } = {},
): SegmentInputs[] {
  const { manifest } = circuit;
  const plan = planSegments(manifest, transcript, validation);
  return plan.blocks.map((blocks, i) => ({
    inputs: segmentInputs(manifest.program, manifest, manifest.shape, transcript, validation, {
      blocks,
      allowInvalid: options.allowInvalid,
      uIn: plan.uIn[i],
    }),
    uIn: plan.uIn[i],
    uOut: plan.uOut[i],
  }));
}

/** The running (folded) instance and witness, with every blinding factor the prover tracks. */
interface Running {
  pre: bigint[];
  rest: bigint[];
  E: bigint[];
  x: bigint[];
  u: bigint;
  products: Products;
  /** Blinding factors of the folded comPre, comRest, comE, D (out) and previous D's (in). */
  rho: { pre: bigint; rest: bigint; E: bigint; out: bigint; in: bigint };
  /** The G_A and G_B parts of the folded previous-segment commitments (the in check). */
  inA: bigint;
  inB: bigint;
}

/**
 * Folds the segments into one proof. Does not validate anything: an honest caller passes the
 * layout of a valid transcript (proveFold in ../index.ts does).
 */
export async function foldSegments(
  circuit: FoldCircuit,
  statement: readonly StatementBlock[],
  segments: readonly SegmentInputs[],
  options: FoldOptions = {},
): Promise<FoldProof> {
  const { manifest, r1cs } = circuit;
  // One line per stage and segment would flood a terminal: at most two a second, and always
  // the first and the last of each stage.
  const report = options.onProgress ?? (() => {});
  let lastReport = 0;
  const progress = (message: string, force = true) => {
    const now = Date.now();
    if (force || now - lastReport >= 500) {
      lastReport = now;
      report(message);
    }
  };
  const ends = (i: number) => i === 0 || i === segments.length - 1;
  const fold = manifest.fold!;
  if (segments.length === 0) throw new FoldError("nothing to fold: no segments");
  const rng = options.rng ?? cryptoRng;
  const random = () => randomScalar(rng);
  return onCurve(options, async (curve) => {
    const G = curve.G1;
    progress(`commit: key for vectors of ${circuit.nPre + circuit.nRest}`);
    const stats = options.stats ?? emptyFoldStats();
    let clock = performance.now();
    const lap = (field: `${string}Ms` & keyof FoldStats) => {
      const now = performance.now();
      stats[field] += now - clock;
      clock = now;
    };
    const { key, srs } = await foldKey(curve, circuit, { ...options, onProgress: report });
    if (srs.insecure) report(`commit: ${srs.source}`);
    const gens = hidingGenerators(curve);
    lap("generatorsMs");
    const times = (p: Point, k: bigint) => (k === 0n ? G.zero : G.timesScalar(p, k));
    const hide = (com: Point, rho: bigint) => G.add(com, times(gens.H, rho));
    const accumulators = (A: bigint, B: bigint, u: bigint, rho: bigint) =>
      G.add(G.add(times(gens.GA, A), times(gens.GB, B)), hide(times(gens.Gu, u), rho));
    const bytes = (p: Point) => pointBytes(curve, p);
    const chain = contextChain(manifest, key.id, segments.length);

    // Pre-challenge data: hiding commitments to the private inputs, and the public slots.
    const pre: bigint[][] = [];
    const rhoPre: bigint[] = [];
    const comPre: Point[] = [];
    const slots: bigint[][] = [];
    const moved: bigint[][] = [];
    for (let i = 0; i < segments.length; i++) {
      progress(`commit: segment ${i + 1}/${segments.length} inputs`, ends(i));
      const s = segments[i];
      pre.push(fold.privateInputs.map((name) => inputValue(s.inputs, name)));
      rhoPre.push(random());
      const movedIndices = new Set(options.tamper?.movePre?.(i, pre[i]) ?? []);
      moved.push(pre[i].map((v, k) => (movedIndices.has(k) ? v : 0n)));
      const kept = pre[i].map((v, k) => (movedIndices.has(k) ? 0n : v));
      comPre.push(hide(await key.commit(kept, 0), rhoPre[i]));
      stats.commitWitnessPoints += pre[i].length;
      for (const v of pre[i]) if (v === 0n) stats.commitWitnessZeros++;
      slots.push(fold.publicWires.slice(X.slots).map((name) => inputValue(s.inputs, name)));
      lap("commitWitnessMs");
    }
    const honest = deriveChallenges(chain, comPre.map(bytes), slots);

    let acc: Running | undefined;
    const encoded: string[] = [];
    // The folding coefficients (1 for the first segment) and the points they multiply.
    const coefficients: bigint[] = [];
    const comRests: Point[] = [];
    const comTs: Point[] = [];
    let previous = { A: 0n, B: 0n, rho: 0n };
    let sumU = 0n;
    let sumRho = 0n;
    for (let i = 0; i < segments.length; i++) {
      const s = segments[i];
      const { a, b } = options.tamper?.challenges?.(i, honest) ?? honest;
      progress(`witness: segment ${i + 1}/${segments.length}`, ends(i));
      let witness = await calculateWitness(circuit.jsDir, circuit.wasmFile, {
        ...s.inputs,
        a,
        b,
        u_in: s.uIn,
      });
      if (options.tamper?.witness) witness = options.tamper.witness(i, witness);
      lap("witnessMs");
      if (witness.length !== r1cs.nWires) {
        throw new FoldError(
          `the witness has ${witness.length} values; the circuit has ${r1cs.nWires} wires`,
        );
      }
      const x = witness.slice(1, 1 + circuit.nPublic);
      const w = {
        pre: witness.slice(1 + circuit.nPublic, 1 + circuit.nPublic + circuit.nPre),
        rest: witness.slice(1 + circuit.nPublic + circuit.nPre),
      };
      if (!options.tamper && (x[X.uOut] !== s.uOut || w.pre.some((v, k) => v !== pre[i][k]))) {
        throw new FoldError(
          `bmc internal error: segment ${i + 1}'s witness differs from its layout`,
        );
      }
      progress(`commit: segment ${i + 1}/${segments.length} witness`, ends(i));
      const rhoRest = random();
      let comRest = hide(await key.commit(w.rest, circuit.restOffset), rhoRest);
      if (moved[i].some((v) => v !== 0n)) comRest = G.add(comRest, await key.commit(moved[i], 0));
      const rhoD = random();
      const D = accumulators(x[X.A], x[X.B], x[X.uOut], rhoD);
      sumU = mod(sumU + x[X.uOut]);
      sumRho = mod(sumRho + rhoD);
      stats.commitWitnessPoints += w.rest.length;
      for (const v of w.rest) if (v === 0n) stats.commitWitnessZeros++;
      lap("commitWitnessMs");
      const pi = products(r1cs, zOf(1n, x, w));
      const unsatisfied = options.tamper?.allowUnsatisfied ? -1 : unsatisfiedConstraint(pi, 1n);
      if (unsatisfied >= 0) {
        throw new FoldError(
          `segment ${i + 1}'s witness violates constraint ${unsatisfied}: refusing to fold`,
        );
      }
      lap("crossTermMs");
      const points = [comPre[i], comRest, D];
      comRests.push(comRest);
      if (!acc) {
        coefficients.push(1n);
        chain.absorb("segment", points.map(bytes));
        encoded.push(Buffer.concat(points.map(bytes)).toString("base64"));
        acc = {
          ...w,
          E: new Array<bigint>(r1cs.nConstraints).fill(0n),
          x,
          u: 1n,
          products: pi,
          rho: { pre: rhoPre[i], rest: rhoRest, E: 0n, out: rhoD, in: 0n },
          inA: 0n,
          inB: 0n,
        };
        previous = { A: x[X.A], B: x[X.B], rho: rhoD };
        continue;
      }
      progress(`fold: ${i}/${segments.length - 1}`, i === 1 || i === segments.length - 1);
      const T = crossTerm(acc.products, acc.u, pi, 1n);
      lap("crossTermMs");
      const rhoT = random();
      const comT = hide(await key.commit(T), rhoT);
      stats.commitCrossTermPoints += T.length;
      for (const v of T) {
        if (v === 0n) stats.crossTermZeros++;
        else if (v < 1n << 64n) stats.crossTermSmall++;
      }
      lap("commitCrossTermMs");
      points.push(comT);
      chain.absorb("segment", points.map(bytes));
      encoded.push(Buffer.concat(points.map(bytes)).toString("base64"));
      const r = chain.challenge("r");
      coefficients.push(r);
      comTs.push(comT);
      acc = {
        pre: foldVector(acc.pre, w.pre, r),
        rest: foldVector(acc.rest, w.rest, r),
        E: foldVector(acc.E, T, r),
        x: foldVector(acc.x, x, r),
        u: mod(acc.u + r),
        products: foldProducts(acc.products, pi, r),
        rho: {
          pre: mod(acc.rho.pre + r * rhoPre[i]),
          rest: mod(acc.rho.rest + r * rhoRest),
          E: mod(acc.rho.E + r * rhoT),
          out: mod(acc.rho.out + r * rhoD),
          in: mod(acc.rho.in + r * previous.rho),
        },
        inA: mod(acc.inA + r * previous.A),
        inB: mod(acc.inB + r * previous.B),
      };
      previous = { A: x[X.A], B: x[X.B], rho: rhoD };
      lap("foldMs");
    }

    // The zero-knowledge layer: fold in a random satisfying relaxed instance.
    progress("zero-knowledge: folding in a random instance");
    const Z = {
      pre: Array.from({ length: circuit.nPre }, random),
      rest: Array.from({ length: circuit.nRest }, random),
      x: Array.from({ length: circuit.nPublic }, random),
      u: random(),
      inA: random(),
      inB: random(),
      rho: { pre: random(), rest: random(), E: random(), D: random(), Din: random(), T: random() },
    };
    const pz = products(r1cs, zOf(Z.u, Z.x, Z));
    const EZ = pz.az.map((v, k) => mod(v * pz.bz[k] - Z.u * pz.cz[k]));
    const TZ = crossTerm(acc!.products, acc!.u, pz, Z.u);
    const randomPoints = {
      comPre: hide(await key.commit(Z.pre, 0), Z.rho.pre),
      comRest: hide(await key.commit(Z.rest, circuit.restOffset), Z.rho.rest),
      comE: hide(await key.commit(EZ), Z.rho.E),
      D: accumulators(Z.x[X.A], Z.x[X.B], Z.x[X.uOut], Z.rho.D),
      Din: accumulators(Z.inA, Z.inB, Z.x[X.uIn], Z.rho.Din),
      comT: hide(await key.commit(TZ), Z.rho.T),
    };
    const shownX = Z.x.filter((_, k) => isShownWire(k));
    chain.absorb("random", [...Object.values(randomPoints).map(bytes), Z.u, ...shownX]);
    const rZ = chain.challenge("r random");
    const rZ2 = mod(rZ * rZ);
    const a = acc!;
    const folded = {
      pre: foldVector(a.pre, Z.pre, rZ),
      rest: foldVector(a.rest, Z.rest, rZ),
      E: a.E.map((v, k) => mod(v + rZ * TZ[k] + rZ2 * EZ[k])),
      x: foldVector(a.x, Z.x, rZ),
      u: mod(a.u + rZ * Z.u),
      rho: {
        pre: mod(a.rho.pre + rZ * Z.rho.pre),
        rest: mod(a.rho.rest + rZ * Z.rho.rest),
        E: mod(a.rho.E + rZ * Z.rho.T + rZ2 * Z.rho.E),
        out: mod(a.rho.out + rZ * Z.rho.D),
        in: mod(a.rho.in + rZ * Z.rho.Din),
      },
      inA: mod(a.inA + rZ * Z.inA),
      inB: mod(a.inB + rZ * Z.inB),
    };
    if (!options.tamper) {
      const unsatisfied = unsatisfiedConstraint(
        foldProducts(a.products, pz, rZ),
        folded.u,
        folded.E,
      );
      if (unsatisfied >= 0)
        throw new FoldError(`bmc internal error: the folded instance violates ${unsatisfied}`);
    }

    // The D_i total s G_u + t H (A and B sum to zero): prove knowledge of s and t.
    const [alpha, beta] = [random(), random()];
    const K = G.add(times(gens.Gu, alpha), times(gens.H, beta));
    chain.absorb("sum", [bytes(K)]);
    const c = chain.challenge("c");
    lap("zkMs");

    // The final step, on the folded instance with its blinding removed.
    const combine = async (points: Point[], scalars: bigint[], rho: bigint) =>
      G.sub(await linearCombination(curve, points, scalars), times(gens.H, rho));
    const r = [...coefficients, rZ];
    const U = {
      comPre: await combine([...comPre, randomPoints.comPre], r, folded.rho.pre),
      comRest: await combine([...comRests, randomPoints.comRest], r, folded.rho.rest),
      comE: await combine(
        [...comTs, randomPoints.comT, randomPoints.comE],
        [...coefficients.slice(1), rZ, rZ2],
        folded.rho.E,
      ),
      u: folded.u,
      x: folded.x,
    };
    progress("compress: the folded instance");
    const movedFolded = moved[0].map((_, k) =>
      coefficients.reduce((sum, c, i) => mod(sum + c * moved[i][k]), 0n),
    );
    const final = await proveFinal(srs, circuit, U, folded, chain, movedFolded);
    lap("finalMs");
    const point = (p: Point) => encodePoint(curve, p);
    const dec = (v: bigint) => v.toString();
    return {
      format: "bmc-proof",
      version: 2,
      backend: "fold",
      rulesDigest: manifest.rulesDigest,
      circuitDigest: manifest.circuitDigest,
      commitmentKey: key.id,
      statement,
      segments: encoded,
      random: {
        comPre: point(randomPoints.comPre),
        comRest: point(randomPoints.comRest),
        comE: point(randomPoints.comE),
        D: point(randomPoints.D),
        Din: point(randomPoints.Din),
        comT: point(randomPoints.comT),
        u: dec(Z.u),
        x: shownX.map(dec),
      },
      sum: { K: point(K), zu: dec(mod(alpha + c * sumU)), zh: dec(mod(beta + c * sumRho)) },
      folded: {
        A: dec(folded.x[X.A]),
        B: dec(folded.x[X.B]),
        uOut: dec(folded.x[X.uOut]),
        uIn: dec(folded.x[X.uIn]),
        inA: dec(folded.inA),
        inB: dec(folded.inB),
        rhoPre: dec(folded.rho.pre),
        rhoRest: dec(folded.rho.rest),
        rhoE: dec(folded.rho.E),
        rhoOut: dec(folded.rho.out),
        rhoIn: dec(folded.rho.in),
      },
      final,
    };
  });
}
