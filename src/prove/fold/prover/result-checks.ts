/**
 * Checks of job results that come from processes bmc does not control (workers behind a
 * queue, ../queue/coordinator.ts). A local job checks its own witness (./segment-job.ts); a
 * remote result is checked here before anything of it is folded, so that a worker that is
 * wrong, out of date or dishonest cannot make the coordinator fold what it did not mean to.
 *
 * Everything a result claims is checked, most of it by recomputing what is cheap:
 *  - the witness: its lengths, the private inputs equal to those committed before the
 *    challenges, the public values as laid out (A and B aside, which the circuit computes:
 *    a, b, u_in, u_out and the public slots), and every constraint satisfied (the products
 *    A z, B z, C z are computed here, never taken from the worker);
 *  - D, three scalar multiplications: recomputed and compared;
 *  - comRest and comPre, a multi-scalar multiplication each, the work the workers are there
 *    for: checked for a batch of results at once by one random linear combination (one
 *    multi-scalar multiplication for the batch), and one by one only when the batch fails,
 *    to name the wrong result.
 */
import type { Bn128 } from "ffjavascript";
import { mod, P } from "../../../field/index.js";
import type { CommitmentKey } from "../commit.js";
import { pointFromBytes, type Point } from "../curve.js";
import { cryptoRng, randomScalar, type HidingGenerators } from "../hiding.js";
import { products, unsatisfiedConstraint, zOf } from "../nifs.js";
import { FoldError, X } from "../protocol.js";
import { accumulators, hide, times, type ProverContext } from "./context.js";
import { preChallengeValues, type PreJob, type PreResult } from "./pre-challenge.js";
import type { SegmentJob, SegmentResult, SegmentWitness } from "./segment-job.js";

/** A result that must not be folded: the segment it is for and the worker that sent it. */
export class WrongResultError extends FoldError {
  constructor(
    readonly segment: number,
    readonly worker: string,
    readonly reason: string,
  ) {
    super(`segment ${segment + 1}'s result from worker ${worker} is wrong: ${reason}`);
  }
}

/** What the checks run against: the coordinator's own circuit, key and generators. */
export type CheckEnv = Pick<ProverContext, "curve" | "circuit" | "key" | "gens">;

/** A segment's result as a worker sends it: its witness and its two points, not checked. */
export interface ClaimedSegment extends SegmentWitness {
  readonly index: number;
  readonly comRest: Uint8Array;
  readonly D: Uint8Array;
  readonly stats: SegmentResult["stats"];
}

function field(values: readonly bigint[], length: number, what: string): string | undefined {
  if (values.length !== length) return `its ${what} has ${values.length} values, not ${length}`;
  if (values.some((v) => v < 0n || v >= P)) return `its ${what} has a value outside the field`;
  return undefined;
}

const differs = (a: readonly bigint[], b: readonly bigint[]) => a.some((v, k) => v !== b[k]);

/** Why the witness of a result is not the job's, or undefined. */
function witnessProblem(env: CheckEnv, job: SegmentJob, w: SegmentWitness): string | undefined {
  const { nPublic, nPre, r1cs } = env.circuit;
  const shape =
    field(w.x, nPublic, "public part") ??
    field(w.pre, nPre, "private inputs") ??
    field(w.rest, r1cs.nWires - 1 - nPublic - nPre, "internal wires");
  if (shape) return shape;
  if (differs(w.pre, job.pre)) return "its private inputs differ from those committed (comPre)";
  const laidOut: [number, bigint, string][] = [
    [X.a, job.a, "a"],
    [X.b, job.b, "b"],
    [X.uIn, job.uIn, "u_in"],
    [X.uOut, job.uOut, "u_out"],
  ];
  for (const [at, value, name] of laidOut)
    if (w.x[at] !== value) return `its public value ${name} is not the job's`;
  const slots = preChallengeValues(env, { inputs: job.inputs, uIn: job.uIn, uOut: job.uOut }).slots;
  if (differs(w.x.slice(X.slots), slots)) return "its public slots are not the job's";
  return undefined;
}

/**
 * Checks everything of a segment's result but comRest's opening (checkCommitments does that
 * for a batch) and returns it as the fold takes it, with its products computed here.
 */
export function checkSegmentResult(
  env: CheckEnv,
  job: SegmentJob,
  claimed: ClaimedSegment,
  worker: string,
): SegmentResult {
  const wrong = (reason: string) => new WrongResultError(job.index, worker, reason);
  if (claimed.index !== job.index) throw wrong(`it is for segment ${claimed.index + 1}`);
  const problem = witnessProblem(env, job, claimed);
  if (problem) throw wrong(problem);
  const comRest = pointFromBytes(env.curve, claimed.comRest);
  if (!comRest) throw wrong("its comRest is not a point of the curve");
  const D = pointFromBytes(env.curve, claimed.D);
  if (!D) throw wrong("its D is not a point of the curve");
  const { x } = claimed;
  const expectedD = accumulators(env.curve, env.gens, x[X.A], x[X.B], x[X.uOut], job.rhoD);
  if (!env.curve.G1.eq(D, expectedD)) throw wrong("its D does not commit to its A, B and u_out");
  const pi = products(env.circuit.r1cs, zOf(1n, x, claimed));
  const unsatisfied = unsatisfiedConstraint(pi, 1n);
  if (unsatisfied >= 0) throw wrong(`its witness violates constraint ${unsatisfied}`);
  const { pre, rest, stats } = claimed;
  return {
    index: job.index,
    x,
    pre,
    rest,
    comRest: claimed.comRest,
    D: claimed.D,
    products: pi,
    rhoRest: job.rhoRest,
    rhoD: job.rhoD,
    stats,
  };
}

/** A claim that com = commit(values) + rho H (from the key's first power). */
export interface CommitmentClaim {
  readonly com: Point;
  readonly values: readonly bigint[];
  readonly rho: bigint;
}

type CommitEnv = {
  readonly curve: Bn128;
  readonly key: CommitmentKey;
  readonly gens: HidingGenerators;
};

async function holds(env: CommitEnv, claims: readonly CommitmentClaim[]) {
  const { curve } = env;
  const c = claims.map(() => randomScalar(cryptoRng));
  let lhs = curve.G1.zero;
  let rho = 0n;
  const values = new Array<bigint>(claims[0].values.length).fill(0n);
  claims.forEach((claim, i) => {
    lhs = curve.G1.add(lhs, times(curve, claim.com, c[i]));
    rho = mod(rho + c[i] * claim.rho);
    for (let j = 0; j < values.length; j++) values[j] += c[i] * claim.values[j];
  });
  const rhs = hide(curve, env.gens, await env.key.commit(values.map(mod), 0), rho);
  return curve.G1.eq(lhs, rhs);
}

/**
 * The claims that are false, by position. The coefficients of the combination are drawn here
 * from crypto.getRandomValues after the claims are fixed, so a worker cannot aim a wrong
 * commitment at them: a false claim passes with probability about 1/p.
 */
export async function falseCommitments(
  env: CommitEnv,
  claims: readonly CommitmentClaim[],
): Promise<number[]> {
  if (claims.length === 0 || (await holds(env, claims))) return [];
  const wrong: number[] = [];
  for (let i = 0; i < claims.length; i++) if (!(await holds(env, [claims[i]]))) wrong.push(i);
  return wrong;
}

/** comRest of checked segment results, as a batch: throws for the first that is false. */
export async function checkRestCommitments(
  env: CheckEnv,
  results: readonly SegmentResult[],
  workers: readonly string[],
): Promise<void> {
  const G = env.curve.G1;
  const claims = results.map((r) => ({
    com: G.fromRprUncompressed(r.comRest, 0),
    values: r.rest,
    rho: r.rhoRest,
  }));
  const [first] = await falseCommitments(env, claims);
  if (first !== undefined) {
    throw new WrongResultError(
      results[first].index,
      workers[first],
      "its comRest does not commit to its internal wires",
    );
  }
}

/** comPre results: well-formed points for the right segments, and true as a batch. */
export async function checkPreResults(
  env: CheckEnv,
  jobs: readonly PreJob[],
  results: readonly PreResult[],
  workers: readonly string[],
): Promise<void> {
  const claims = results.map((r, i) => {
    const wrong = (reason: string) => new WrongResultError(jobs[i].index, workers[i], reason);
    if (r.index !== jobs[i].index) throw wrong(`its comPre is for segment ${r.index + 1}`);
    const com = pointFromBytes(env.curve, r.comPre);
    if (!com) throw wrong("its comPre is not a point of the curve");
    return { com, values: jobs[i].pre, rho: jobs[i].rho };
  });
  const [first] = await falseCommitments(env, claims);
  if (first !== undefined) {
    throw new WrongResultError(
      jobs[first].index,
      workers[first],
      "its comPre does not commit to its private inputs",
    );
  }
}
