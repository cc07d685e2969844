/**
 * A dishonest folding prover, for tests of the verifier: the production stages
 * (src/prove/fold/prover) composed without the honest prover's self-checks (the witness repeats
 * its layout, every constraint holds, the folded instance is satisfied) and with the changes a
 * test asks for. What it makes goes to the real verifier.
 */
import { mod } from "../../src/field/index.js";
import type { StatementBlock } from "../../src/prove/proof-file.js";
import { pointBytes } from "../../src/prove/fold/curve.js";
import { proveFinal } from "../../src/prove/fold/final.js";
import type {
  FoldCircuit,
  FoldOptions,
  FoldProof,
  SegmentInputs,
} from "../../src/prove/fold/index.js";
import { contextChain, deriveChallenges, onCurve } from "../../src/prove/fold/protocol.js";
import { foldedInstance, proofFile } from "../../src/prove/fold/prover/assemble.js";
import { bytesOf, proverContext, type ProverContext } from "../../src/prove/fold/prover/context.js";
import { foldStep, startFold, type FoldState } from "../../src/prove/fold/prover/fold-step.js";
import { drawSegmentBlinding, segmentJobs } from "../../src/prove/fold/prover/jobs.js";
import { commitPre, preChallengeValues } from "../../src/prove/fold/prover/pre-challenge.js";
import {
  calculateSegmentWitness,
  commitSegment,
  segmentProducts,
  splitWitness,
  type SegmentJob,
  type SegmentResult,
} from "../../src/prove/fold/prover/segment-job.js";
import { drawRandomInstance, zeroKnowledgeLayer } from "../../src/prove/fold/prover/zk-layer.js";
import { calculateWitness } from "../../src/witness/calculator.js";

type Challenges = { a: bigint; b: bigint };

export interface Dishonesty {
  /** Other challenges for a segment than the chain's. */
  readonly challenges?: (segment: number, honest: Challenges) => Challenges;
  /** A segment's witness changed after the challenges. */
  readonly witness?: (segment: number, witness: bigint[]) => bigint[];
  /**
   * Private inputs of a segment (indices) committed in comRest instead of comPre, at their own
   * positions (from the key's first power, as comRest's own entries): a prover that would
   * choose them after the challenges.
   */
  readonly movePre?: (segment: number, pre: readonly bigint[]) => readonly number[];
}

/** The private inputs a segment moves to comRest (zero elsewhere). */
function movedInputs(d: Dishonesty, i: number, pre: readonly bigint[]): bigint[] {
  const moved = new Set(d.movePre?.(i, pre) ?? []);
  return pre.map((v, k) => (moved.has(k) ? v : 0n));
}

/** A segment job without the checks, its witness changed and its moved inputs in comRest. */
async function dishonestJob(
  ctx: ProverContext,
  d: Dishonesty,
  job: SegmentJob,
  moved: readonly bigint[],
): Promise<SegmentResult> {
  let witness = await calculateSegmentWitness(ctx, job);
  if (d.witness) witness = d.witness(job.index, witness);
  const w = splitWitness(ctx, witness);
  let { comRest, D } = await commitSegment(ctx, w, job.rhoRest, job.rhoD);
  if (moved.some((v) => v !== 0n)) {
    const G = ctx.curve.G1;
    const sum = G.add(G.fromRprUncompressed(comRest, 0), await ctx.key.commit(moved, 0));
    comRest = pointBytes(ctx.curve, sum);
  }
  const stats = { witnessMs: 0, commitWitnessMs: 0, crossTermMs: 0 };
  const cpu = { witnessCpuMs: 0, commitWitnessCpuMs: 0, crossTermCpuMs: 0 };
  const products = segmentProducts(ctx, w);
  const { index, rhoRest, rhoD } = job;
  return {
    index,
    ...w,
    comRest,
    D,
    products,
    rhoRest,
    rhoD,
    stats: { ...stats, ...cpu, commitWitnessPoints: 0, commitWitnessZeros: 0 },
  };
}

export function dishonestFold(
  circuit: FoldCircuit,
  statement: readonly StatementBlock[],
  segments: readonly SegmentInputs[],
  d: Dishonesty = {},
  options: FoldOptions = {},
): Promise<FoldProof> {
  return onCurve(options, async (curve) => {
    const ctx = await proverContext(curve, circuit, options);
    const chain = contextChain(circuit.manifest, ctx.key.id, segments.length);
    const rhoPre = segments.map(() => ctx.random());
    const early = drawRandomInstance(ctx);
    const values = segments.map((s) => preChallengeValues(ctx, s));
    const moved = values.map(({ pre }, i) => movedInputs(d, i, pre));
    const comPre: Uint8Array[] = [];
    for (const [i, { pre }] of values.entries()) {
      const kept = pre.map((v, k) => mod(v - moved[i][k]));
      comPre.push(await commitPre(ctx, kept, rhoPre[i]));
    }
    const slots = values.map((v) => v.slots);
    const honest = deriveChallenges(chain, comPre.map(bytesOf(curve)), slots);
    const blinding = drawSegmentBlinding(ctx, segments.length);
    const pre = values.map((v) => v.pre);
    const jobs = segmentJobs(segments, honest, pre, blinding).map((job) => ({
      ...job,
      ...(d.challenges?.(job.index, honest) ?? honest),
    }));
    let state: FoldState | undefined;
    for (const job of jobs) {
      const i = job.index;
      const result = await dishonestJob(ctx, d, job, moved[i]);
      if (!state) state = startFold(ctx, chain, comPre[i], rhoPre[i], result);
      else await foldStep(ctx, chain, state, comPre[i], rhoPre[i], result, blinding[i].T);
    }
    const zk = await zeroKnowledgeLayer(ctx, chain, state!, early);
    const U = await foldedInstance(ctx, state!, zk);
    // The SNARK runs on the true folded witness; moved inputs change only the commitments.
    const W = { pre: zk.folded.pre, rest: zk.folded.rest, E: zk.folded.E };
    const final = await proveFinal(ctx.srs, circuit, U, W, chain);
    return proofFile(ctx, statement, state!, zk, final);
  });
}

/**
 * Every segment's whole witness for the challenges a verifier derives from a proof (its
 * commitment key, its segments' comPre and the layout's public slots).
 */
export async function segmentWitnesses(
  circuit: FoldCircuit,
  segments: readonly SegmentInputs[],
  proof: FoldProof,
): Promise<bigint[][]> {
  const chain = contextChain(circuit.manifest, proof.commitmentKey, segments.length);
  const comPre = proof.segments.map((s) => Buffer.from(s, "base64").subarray(0, 64));
  const slots = segments.map((s) => preChallengeValues({ circuit }, s).slots);
  const { a, b } = deriveChallenges(chain, comPre, slots);
  const out: bigint[][] = [];
  for (const s of segments) {
    out.push(
      await calculateWitness(circuit.jsDir, circuit.wasmFile, { ...s.inputs, a, b, u_in: s.uIn }),
    );
  }
  return out;
}
