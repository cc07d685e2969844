/**
 * Folded proofs: a transcript of any size, split into segments of one compiled circuit, folded
 * into a single relaxed R1CS instance (sibling folding, block-model.md section 5), with every
 * commitment hiding and a random instance folded in last, so that the proof reveals nothing
 * but the statement (docs/folding.md: the protocol step by step and the simulator).
 *
 * Prover (this file orchestrates the stages in ./prover):
 *   1. split the transcript (./segments.ts) and lay out each segment's inputs;
 *   2. hiding commitments to each segment's private inputs, all pre-challenge data
 *      (./prover/pre-challenge.ts);
 *   3. challenges a, b from a SHA-256 chain over those commitments and the public slots;
 *   4. per segment, a job (./prover/segment-job.ts): the witness, a hiding commitment to its
 *      internal wires, D_i (its A, B and u_out under the hiding generators) and its products;
 *   5. in segment order, a fold into the running instance (./prover/fold-step.ts: cross term,
 *      its hiding commitment, r_i from the chain);
 *   6. a random satisfying relaxed instance folded in and a Schnorr proof that the D_i total
 *      a commitment to A = B = 0 (./prover/zk-layer.ts);
 *   7. the folded commitments, the final step on the folded instance and the proof file
 *      (./prover/assemble.ts).
 * Verifier: ./verify.ts.
 */
import type { Transcript } from "../../transcript/model.js";
import { defaultCacheDir } from "../ptau.js";
import type { ValidationResult } from "../../validate/index.js";
import { segmentInputs } from "../../witness/inputs.js";
import type { StatementBlock } from "../proof-file.js";
import { contextChain, deriveChallenges, FoldError, onCurve } from "./protocol.js";
import type { FoldCircuit, FoldProof } from "./protocol.js";
import { finishProof } from "./prover/assemble.js";
import { bytesOf, proverContext, withRandomness, type ProverContext } from "./prover/context.js";
import { foldStep, startFold, type FoldState } from "./prover/fold-step.js";
import { drawSegmentBlinding, localExecutor, segmentJobs, type JobRunner } from "./prover/jobs.js";
import { commitPreChallenge, isEnd } from "./prover/pre-challenge.js";
import type { FoldOptions, SegmentInputs } from "./prover/types.js";
import { startMsmHelper, type MsmHelper } from "./prover/msm-helper.js";
import { withoutWasmTierUp } from "./prover/tier-up.js";
import { checkFoldedSatisfied, drawRandomInstance, zeroKnowledgeLayer } from "./prover/zk-layer.js";
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
export { emptyFoldStats, type FoldStats } from "./prover/stats.js";
export type { FoldOptions, SegmentInputs } from "./prover/types.js";
export type { SegmentExecutor, OpenedRunner, ProofRun, JobRunner } from "./prover/jobs.js";

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

/**
 * Folds the segments into one proof. Does not validate the transcript: an honest caller passes
 * the layout of a valid one (proveFold in ../index.ts does). The prover checks its own work
 * (each witness repeats its committed layout and satisfies every constraint; so does the
 * folded instance) and throws FoldError otherwise.
 */
export async function foldSegments(
  circuit: FoldCircuit,
  statement: readonly StatementBlock[],
  segments: readonly SegmentInputs[],
  options: FoldOptions = {},
): Promise<FoldProof> {
  if (segments.length === 0) throw new FoldError("nothing to fold: no segments");
  return onCurve(options, async (curve) => {
    const base = await proverContext(curve, circuit, options);
    const threads = options.workers ?? 1;
    const cacheDir = options.cacheDir ?? defaultCacheDir();
    const executor = options.executor ?? localExecutor(threads, cacheDir);
    // One local segment: its witness generator runs once (./prover/tier-up.ts).
    const once = !executor.remote && segments.length === 1;
    const prove = async () => {
      const { runner, rng } = await executor.open(base, { statement, segments });
      const ctx = rng ? withRandomness(base, rng) : base;
      // A local thread the segments leave idle commits to the random instance meanwhile.
      const idle = !executor.remote && threads > segments.length;
      const helper = idle ? startMsmHelper(ctx, cacheDir) : undefined;
      try {
        return await foldWith(ctx, runner, statement, segments, helper);
      } finally {
        await Promise.all([runner.close(), helper?.close()]);
      }
    };
    return once ? withoutWasmTierUp(prove) : prove();
  });
}

/** The stages in order, the per-segment ones on `runner`. */
async function foldWith(
  ctx: ProverContext,
  runner: JobRunner,
  statement: readonly StatementBlock[],
  segments: readonly SegmentInputs[],
  helper: MsmHelper | undefined,
): Promise<FoldProof> {
  const chain = contextChain(ctx.circuit.manifest, ctx.key.id, segments.length);
  const rhoPre = segments.map(() => ctx.random());
  const early = drawRandomInstance(ctx, helper?.commit);
  const pre = await commitPreChallenge(ctx, segments, rhoPre, runner);
  const challenges = deriveChallenges(chain, pre.comPre.map(bytesOf(ctx.curve)), pre.slots);
  const blinding = drawSegmentBlinding(ctx, segments.length);
  const jobs = segmentJobs(segments, challenges, pre.pre, blinding);
  let state: FoldState | undefined;
  for await (const result of runner.segments(jobs)) {
    const i = result.index;
    if (!state) {
      state = startFold(ctx, chain, pre.comPre[i], rhoPre[i], result);
      continue;
    }
    ctx.progress(`fold: ${i}/${segments.length - 1}`, i === 1 || isEnd(i, segments.length));
    await foldStep(ctx, chain, state, pre.comPre[i], rhoPre[i], result, blinding[i].T);
  }
  const zk = await zeroKnowledgeLayer(ctx, chain, state!, early);
  checkFoldedSatisfied(zk);
  ctx.lap("zkMs");
  return finishProof(ctx, chain, statement, state!, zk, helper?.commit);
}
