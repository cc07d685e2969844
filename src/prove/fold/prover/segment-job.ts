/**
 * Stage (b): the per-segment job. A segment's inputs, the challenges and its blinding factors
 * in; its witness (public wires x, private inputs, internal wires), its hiding commitments
 * comRest and D, and its products A z, B z, C z out. Both sides are plain data (bigints,
 * arrays, 64-byte point encodings): a worker thread runs it as it is (./pool.ts), and so could
 * another machine.
 *
 * runSegmentJob is the honest job: it checks that the witness repeats the committed layout and
 * satisfies every constraint, and refuses to go on otherwise.
 */
import type { Bn128 } from "ffjavascript";
import { calculateWitness } from "../../../witness/calculator.js";
import type { CircuitInputs } from "../../../witness/inputs.js";
import type { CommitmentKey } from "../commit.js";
import { pointBytes } from "../curve.js";
import type { HidingGenerators } from "../hiding.js";
import { products, unsatisfiedConstraint, zOf, type Products } from "../nifs.js";
import { FoldError, X, type FoldCircuit } from "../protocol.js";
import { accumulators, hide } from "./context.js";
import { stageClock } from "./stats.js";

/** What a job runs against: loaded once per thread. */
export interface SegmentEnv {
  readonly curve: Bn128;
  readonly circuit: Pick<FoldCircuit, "r1cs" | "jsDir" | "wasmFile" | "nPublic" | "nPre">;
  readonly key: CommitmentKey;
  readonly gens: HidingGenerators;
}

export interface SegmentJob {
  readonly index: number;
  /** Circuit inputs except a, b and u_in. */
  readonly inputs: CircuitInputs;
  readonly uIn: bigint;
  readonly uOut: bigint;
  readonly a: bigint;
  readonly b: bigint;
  /** The private inputs as committed in comPre: the witness must repeat them. */
  readonly pre: readonly bigint[];
  readonly rhoRest: bigint;
  readonly rhoD: bigint;
}

/** A segment's witness: public wires, private inputs, internal wires. */
export interface SegmentWitness {
  readonly x: bigint[];
  readonly pre: bigint[];
  readonly rest: bigint[];
}

export interface SegmentResult extends SegmentWitness {
  readonly index: number;
  /** 64-byte encodings (../curve.ts pointBytes). */
  readonly comRest: Uint8Array;
  readonly D: Uint8Array;
  readonly products: Products;
  readonly rhoRest: bigint;
  readonly rhoD: bigint;
  /** The job's share of the statistics (./stats.ts). */
  readonly stats: SegmentJobStats;
}

export interface SegmentJobStats {
  witnessMs: number;
  commitWitnessMs: number;
  crossTermMs: number;
  commitWitnessPoints: number;
  commitWitnessZeros: number;
  witnessCpuMs: number;
  commitWitnessCpuMs: number;
  crossTermCpuMs: number;
}

/** circom's whole witness (leading 1, x, private inputs, internal wires) for a job. */
export function calculateSegmentWitness(env: SegmentEnv, job: SegmentJob): Promise<bigint[]> {
  const { jsDir, wasmFile } = env.circuit;
  return calculateWitness(jsDir, wasmFile, { ...job.inputs, a: job.a, b: job.b, u_in: job.uIn });
}

/** The witness cut into x, private inputs and internal wires; its length checked. */
export function splitWitness(env: SegmentEnv, witness: readonly bigint[]): SegmentWitness {
  const { r1cs, nPublic, nPre } = env.circuit;
  if (witness.length !== r1cs.nWires) {
    throw new FoldError(
      `the witness has ${witness.length} values; the circuit has ${r1cs.nWires} wires`,
    );
  }
  return {
    x: witness.slice(1, 1 + nPublic),
    pre: witness.slice(1 + nPublic, 1 + nPublic + nPre),
    rest: witness.slice(1 + nPublic + nPre),
  };
}

/** comRest (the internal wires, from the key's first power) and D (A, B, u_out), both hiding. */
export async function commitSegment(
  env: SegmentEnv,
  w: SegmentWitness,
  rhoRest: bigint,
  rhoD: bigint,
): Promise<{ comRest: Uint8Array; D: Uint8Array }> {
  const { curve, gens } = env;
  const comRest = hide(curve, gens, await env.key.commit(w.rest, 0), rhoRest);
  const D = accumulators(curve, gens, w.x[X.A], w.x[X.B], w.x[X.uOut], rhoD);
  return { comRest: pointBytes(curve, comRest), D: pointBytes(curve, D) };
}

export function segmentProducts(env: SegmentEnv, w: SegmentWitness): Products {
  return products(env.circuit.r1cs, zOf(1n, w.x, w));
}

/** The honest job: witness, its checks, commitments and products. */
export async function runSegmentJob(env: SegmentEnv, job: SegmentJob): Promise<SegmentResult> {
  const stats: SegmentJobStats = {
    witnessMs: 0,
    commitWitnessMs: 0,
    crossTermMs: 0,
    commitWitnessPoints: 0,
    commitWitnessZeros: 0,
    witnessCpuMs: 0,
    commitWitnessCpuMs: 0,
    crossTermCpuMs: 0,
  };
  const clock = stageClock();
  const lap = (field: "witnessMs" | "commitWitnessMs" | "crossTermMs") => clock.lap(stats, field);
  const w = splitWitness(env, await calculateSegmentWitness(env, job));
  lap("witnessMs");
  if (w.x[X.uOut] !== job.uOut || w.pre.some((v, k) => v !== job.pre[k])) {
    throw new FoldError(
      `bmc internal error: segment ${job.index + 1}'s witness differs from its layout`,
    );
  }
  const commitments = await commitSegment(env, w, job.rhoRest, job.rhoD);
  stats.commitWitnessPoints += w.rest.length;
  for (const v of w.rest) if (v === 0n) stats.commitWitnessZeros++;
  lap("commitWitnessMs");
  const pi = segmentProducts(env, w);
  const unsatisfied = unsatisfiedConstraint(pi, 1n);
  if (unsatisfied >= 0) {
    throw new FoldError(
      `segment ${job.index + 1}'s witness violates constraint ${unsatisfied}: refusing to fold`,
    );
  }
  lap("crossTermMs");
  const { index, rhoRest, rhoD } = job;
  return { index, ...w, ...commitments, products: pi, rhoRest, rhoD, stats };
}
