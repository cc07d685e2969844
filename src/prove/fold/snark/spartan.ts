/**
 * Spartan for relaxed R1CS (A z) o (B z) = u (C z) + E, z = (u, x, W) in circom's wire order,
 * with HyperKZG for the committed W and E. docs/compression.md is the document of record.
 *
 * Layout. Rows (constraints) are padded with zero rows to 2^rowVars. Columns are permuted so
 * that W comes first, as committed: z' = (W, 0.., u, x, 0..) of length 2^(colVars+1), W in the
 * first half (2^colVars entries, W[j] at j) and (u, x) at the start of the second. Wire w
 * goes to column w - nPublic - 1 when w > nPublic (a W wire) and to 2^colVars + w otherwise.
 * So z'~(r_y) = (1 - r_y[0]) W~(r_y[1..]) + r_y[0] ux~(r_y[1..]): the verifier evaluates the
 * (u, x) half itself from the eq table of r_y, and W~ is opened.
 *
 * Transcript, in order: "spartan shape" (nConstraints, nWires, nPublic, rowVars, colVars),
 * "spartan srs" (the SRS digest), "spartan comW", "spartan comE", "spartan u x"; tau (rowVars
 * challenges "spartan tau"); the outer sum-check ("spartan outer"); "spartan claims"
 * (Az~, Bz~, Cz~, E~ at r_x); rho ("spartan rho"); the inner sum-check of
 * sum_y (A + rho B + rho^2 C)~(r_x, y) z'~(y) ("spartan inner"); "spartan evalW"; the batched
 * HyperKZG opening of E~(r_x) and W~(r_y[1..]).
 *
 * A split instance (SplitCommitment: comW = comLow + comHigh, low inside W's first
 * 2^lowBits entries, high outside them) also absorbs "spartan split" (lowBits) and
 * "spartan comW parts" after "spartan u x", and "spartan evalLow" (low~(0, s)) after
 * "spartan evalW"; its opening has the claims of splitClaims instead of W~(r_y[1..]).
 */
import type { SparseMatrix, SparseR1cs } from "../r1cs.js";
import { multiply } from "../r1cs.js";
import { HyperKzgError, proveHyperKzg, verifyHyperKzg, type OtherThread } from "./hyperkzg.js";
import { eqAt, eqTable, evaluateMle, log2Ceil, mod, P } from "./multilinear.js";
import type { Srs, VerifierKey } from "./srs.js";
import { proveInner, proveOuter, SumcheckShapeError, verifySumcheck } from "./sumcheck.js";
import { absorbPoints, type Transcript } from "./transcript.js";
import type {
  CompressedProof,
  CompressedShape,
  RelaxedR1csInstance,
  RelaxedR1csWitness,
  SplitCommitment,
} from "./types.js";

export type SnarkCheck =
  | "shape"
  | "outer-sumcheck"
  | "inner-sumcheck"
  | "hyperkzg-shape"
  | "hyperkzg-challenge"
  | "hyperkzg-fold"
  | "hyperkzg-pairing";

/** Verification failed; `check` names the check (stable, for messages and tests). */
export class SnarkVerifyError extends Error {
  constructor(
    readonly check: SnarkCheck,
    message: string,
  ) {
    super(message);
    this.name = "SnarkVerifyError";
  }
}

/** The proof's sizes; `lowBits` for a split instance (SplitCommitment). */
export function compressedShape(r1cs: SparseR1cs, lowBits?: number): CompressedShape {
  const nPublic = r1cs.nPubOut + r1cs.nPubIn;
  const nW = r1cs.nWires - 1 - nPublic;
  const shape = {
    rowVars: log2Ceil(r1cs.nConstraints, 1),
    colVars: log2Ceil(Math.max(nW, 1 + nPublic), 1),
  };
  return lowBits === undefined ? shape : { ...shape, lowBits };
}

/** Whether lowBits leaves W's first coordinate (at least) to tell the two parts apart. */
function splits(shape: CompressedShape, lowBits: number): boolean {
  return Number.isInteger(lowBits) && lowBits >= 0 && lowBits < shape.colVars;
}

/**
 * The split instance's claims after the inner sum-check, with ryW = r_y[1..] = (t, s) and s
 * its last lowBits coordinates: low~(t, s) = eq(0, t) low~(0, s) (low vanishes outside the
 * first 2^lowBits entries), low~(0, s) = evalLow, high~(t, s) = W~(t, s) - low~(t, s), and
 * high~(0, s) = 0 (high vanishes on them).
 */
function splitClaims(
  split: SplitCommitment,
  ryW: readonly bigint[],
  evalW: bigint,
  evalLow: bigint,
) {
  const top = ryW.length - split.lowBits;
  const zeroTop = [...new Array<bigint>(top).fill(0n), ...ryW.slice(top)];
  const lowAt = (eqAt(new Array<bigint>(top).fill(0n), ryW.slice(0, top)) * evalLow) % P;
  return [
    { commitment: split.comLow, point: ryW, value: lowAt },
    { commitment: split.comLow, point: zeroTop, value: evalLow },
    { commitment: split.comHigh, point: ryW, value: mod(evalW - lowAt) },
    { commitment: split.comHigh, point: zeroTop, value: 0n },
  ];
}

/** The SRS size (log2 of the number of powers) a circuit needs. */
export function requiredLogSize(r1cs: SparseR1cs): number {
  const { rowVars, colVars } = compressedShape(r1cs);
  return Math.max(rowVars, colVars);
}

function absorbPreamble(
  vk: VerifierKey,
  r1cs: SparseR1cs,
  shape: CompressedShape,
  instance: RelaxedR1csInstance,
  transcript: Transcript,
): void {
  const nPublic = r1cs.nPubOut + r1cs.nPubIn;
  transcript.absorb(
    "spartan shape",
    [r1cs.nConstraints, r1cs.nWires, nPublic, shape.rowVars, shape.colVars].map(BigInt),
  );
  transcript.absorb("spartan srs", [Buffer.from(vk.digest, "hex")]);
  absorbPoints(vk.curve, transcript, "spartan comW", [instance.comW]);
  absorbPoints(vk.curve, transcript, "spartan comE", [instance.comE]);
  transcript.absorb("spartan u x", [instance.u, ...instance.x]);
  const split = instance.split;
  if (split) {
    transcript.absorb("spartan split", [BigInt(split.lowBits)]);
    absorbPoints(vk.curve, transcript, "spartan comW parts", [split.comLow, split.comHigh]);
  }
}

function challenges(transcript: Transcript, label: string, n: number): bigint[] {
  return Array.from({ length: n }, () => transcript.challenge(label));
}

function padded(values: readonly bigint[], n: number): bigint[] {
  const out = new Array<bigint>(n);
  for (let i = 0; i < n; i++) out[i] = i < values.length ? values[i] : 0n;
  return out;
}

/**
 * Proves that the instance is satisfied by the witness. The prover does not check that it is
 * (an unsatisfied witness makes a proof that does not verify); the caller knows its witness.
 * `other` shares the commitments with another thread (hyperkzg.ts, OtherThread). The stages
 * (proveSumchecks, splitEvalLow, proveOpening) are exported for tests that build a
 * dishonest prover from them (test/support/dishonest-snark.ts).
 */
export async function proveRelaxed(
  srs: Srs,
  r1cs: SparseR1cs,
  instance: RelaxedR1csInstance,
  witness: RelaxedR1csWitness,
  transcript: Transcript,
  other?: OtherThread,
): Promise<CompressedProof> {
  const sumchecks = proveSumchecks(srs, r1cs, instance, witness, transcript);
  const { split } = instance;
  const evalLow =
    split && witness.parts
      ? splitEvalLow(witness.parts.low, split.lowBits, sumchecks.ryW)
      : undefined;
  return proveOpening(srs, instance, witness, sumchecks, evalLow, transcript, other);
}

/** What the two sum-checks leave for the opening: the proof so far, r_x and r_y[1..]. */
export interface SumcheckStage {
  readonly proof: Omit<CompressedProof, "evalLow" | "opening">;
  readonly rx: readonly bigint[];
  readonly ryW: readonly bigint[];
}

/** The preamble, the outer and the inner sum-check, and evalW (absorbed). */
export function proveSumchecks(
  srs: Srs,
  r1cs: SparseR1cs,
  instance: RelaxedR1csInstance,
  witness: RelaxedR1csWitness,
  transcript: Transcript,
): SumcheckStage {
  const shape = compressedShape(r1cs);
  const nPublic = r1cs.nPubOut + r1cs.nPubIn;
  const nW = r1cs.nWires - 1 - nPublic;
  if (instance.x.length !== nPublic || witness.W.length !== nW)
    throw new Error("bmc internal error: the instance or witness does not fit the circuit");
  if (witness.E.length !== r1cs.nConstraints)
    throw new Error("bmc internal error: the error vector does not fit the circuit");
  if (Math.max(shape.rowVars, shape.colVars) > srs.logSize)
    throw new Error(`bmc internal error: the circuit needs an SRS of 2^${requiredLogSize(r1cs)}`);
  const split = instance.split;
  if (split && (!witness.parts || !splits(shape, split.lowBits)))
    throw new Error("bmc internal error: a split instance needs its parts and lowBits < colVars");
  absorbPreamble(srs, r1cs, shape, instance, transcript);

  const rows = 1 << shape.rowVars;
  const z = [instance.u, ...instance.x, ...witness.W];
  const az = padded(multiply(r1cs.A, z), rows);
  const bz = padded(multiply(r1cs.B, z), rows);
  const cz = padded(multiply(r1cs.C, z), rows);
  const d = new Array<bigint>(rows);
  for (let i = 0; i < rows; i++)
    d[i] = i < r1cs.nConstraints ? mod(instance.u * cz[i] + witness.E[i]) : 0n;
  const tau = challenges(transcript, "spartan tau", shape.rowVars);
  const outer = proveOuter(eqTable(tau), az, bz, cz, d, transcript, "spartan outer");
  const evalE = mod(outer.d - instance.u * outer.cz);
  transcript.absorb("spartan claims", [outer.az, outer.bz, outer.cz, evalE]);
  const rho = transcript.challenge("spartan rho");

  const half = 1 << shape.colVars;
  const m = new Array<bigint>(2 * half).fill(0n);
  const eqx = eqTable(outer.point);
  const weights = [1n, rho, (rho * rho) % P];
  [r1cs.A, r1cs.B, r1cs.C].forEach((matrix, k) =>
    scatterRows(matrix, eqx, weights[k], nPublic, half, m),
  );
  for (let j = 0; j < m.length; j++) m[j] = mod(m[j]);
  const zPermuted = new Array<bigint>(2 * half).fill(0n);
  for (let j = 0; j < nW; j++) zPermuted[j] = witness.W[j];
  zPermuted[half] = instance.u;
  for (let i = 0; i < nPublic; i++) zPermuted[half + 1 + i] = instance.x[i];
  const inner = proveInner(m, zPermuted, transcript, "spartan inner");
  const ryW = inner.point.slice(1);
  const evalW = evaluateMle(witness.W, ryW);
  transcript.absorb("spartan evalW", [evalW]);
  const proof = {
    outer: outer.rounds,
    az: outer.az,
    bz: outer.bz,
    cz: outer.cz,
    evalE,
    inner: inner.rounds,
    evalW,
  };
  return { proof, rx: outer.point, ryW };
}

/** The honest evalLow = low~(0, s), s the last lowBits coordinates of r_y[1..]. */
export function splitEvalLow(
  low: readonly bigint[],
  lowBits: number,
  ryW: readonly bigint[],
): bigint {
  // eq((0, s), b) vanishes unless b's top bits are 0: only the first block counts.
  return evaluateMle(low.slice(0, 1 << lowBits), ryW.slice(ryW.length - lowBits));
}

/**
 * The opening after the sum-checks: for a split instance, evalLow (absorbed) and the claims of
 * splitClaims; otherwise E~(r_x) and W~(r_y[1..]). `evalLow` is what the prover sends (the
 * honest one is splitEvalLow's).
 */
export async function proveOpening(
  srs: Srs,
  instance: RelaxedR1csInstance,
  witness: RelaxedR1csWitness,
  stage: SumcheckStage,
  evalLow: bigint | undefined,
  transcript: Transcript,
  other?: OtherThread,
): Promise<CompressedProof> {
  const { proof, rx, ryW } = stage;
  const claimE = { commitment: instance.comE, point: rx, value: proof.evalE };
  const split = instance.split;
  if (split && witness.parts && evalLow !== undefined) {
    transcript.absorb("spartan evalLow", [evalLow]);
    const { low, high } = witness.parts;
    const opening = await proveHyperKzg(
      srs,
      transcript,
      [claimE, ...splitClaims(split, ryW, proof.evalW, evalLow)],
      [witness.E, low, low, high, high],
      other,
    );
    return { ...proof, evalLow, opening };
  }
  if (split || evalLow !== undefined)
    throw new Error("bmc internal error: evalLow and the parts go with a split instance");
  const opening = await proveHyperKzg(
    srs,
    transcript,
    [claimE, { commitment: instance.comW, point: ryW, value: proof.evalW }],
    [witness.E, witness.W],
    other,
  );
  return { ...proof, opening };
}

/** m[column'(w)] += coefficient * eqx[row] * weight, for every entry of the matrix. */
function scatterRows(
  matrix: SparseMatrix,
  eqx: readonly bigint[],
  weight: bigint,
  nPublic: number,
  half: number,
  m: bigint[],
): void {
  const { start, column, coefficient } = matrix;
  for (let i = 0; i < matrix.rows; i++) {
    if (start[i] === start[i + 1]) continue;
    const e = (eqx[i] * weight) % P;
    for (let k = start[i]; k < start[i + 1]; k++) {
      const w = column[k];
      const j = w > nPublic ? w - nPublic - 1 : half + w;
      m[j] += coefficient[k] * e;
    }
  }
}

/** sum over entries of coefficient * eqx[row] * eqy[column'(w)], reduced. */
function evaluateMatrix(
  matrix: SparseMatrix,
  eqx: readonly bigint[],
  eqy: readonly bigint[],
  nPublic: number,
  half: number,
): bigint {
  const { start, column, coefficient } = matrix;
  let total = 0n;
  for (let i = 0; i < matrix.rows; i++) {
    const end = start[i + 1];
    if (start[i] === end) continue;
    let row = 0n;
    for (let k = start[i]; k < end; k++) {
      const w = column[k];
      row += coefficient[k] * eqy[w > nPublic ? w - nPublic - 1 : half + w];
    }
    total += eqx[i] * (row % P);
  }
  return mod(total);
}

function isScalar(v: unknown): v is bigint {
  return typeof v === "bigint" && v >= 0n && v < P;
}

/**
 * Checks a compressed proof of the instance; throws SnarkVerifyError naming the first check
 * that fails. The transcript must be in the state the prover's was in when it was called.
 */
export async function verifyRelaxed(
  vk: VerifierKey,
  r1cs: SparseR1cs,
  instance: RelaxedR1csInstance,
  proof: CompressedProof,
  transcript: Transcript,
): Promise<void> {
  const shape = compressedShape(r1cs);
  const nPublic = r1cs.nPubOut + r1cs.nPubIn;
  const fail = (check: SnarkCheck, message: string): never => {
    throw new SnarkVerifyError(check, message);
  };
  if (Math.max(shape.rowVars, shape.colVars) > vk.logSize)
    fail("shape", `the circuit needs an SRS of 2^${requiredLogSize(r1cs)} powers`);
  if (instance.x.length !== nPublic)
    fail("shape", `the instance has ${instance.x.length} public values, not ${nPublic}`);
  if (!isScalar(instance.u) || !instance.x.every(isScalar))
    fail("shape", "the instance has a value that is not a field element");
  if (proof.outer.length !== shape.rowVars || proof.inner.length !== shape.colVars + 1)
    fail("shape", "the proof has the wrong number of sum-check rounds");
  const split = instance.split;
  if (split) {
    if (!splits(shape, split.lowBits)) fail("shape", "the split is not inside W's coordinates");
    if (proof.evalLow === undefined) fail("shape", "the proof has no evalLow for a split instance");
    if (!vk.curve.G1.eq(instance.comW, vk.curve.G1.add(split.comLow, split.comHigh)))
      fail("shape", "comW is not comLow + comHigh");
  } else if (proof.evalLow !== undefined) fail("shape", "the proof has an evalLow but no split");
  const scalars = [
    ...proof.outer.flat(),
    proof.az,
    proof.bz,
    proof.cz,
    proof.evalE,
    ...proof.inner.flat(),
    proof.evalW,
    ...(proof.evalLow === undefined ? [] : [proof.evalLow]),
    ...proof.opening.evals.flat(2),
  ];
  if (!scalars.every(isScalar)) fail("shape", "the proof has a value that is not a field element");
  absorbPreamble(vk, r1cs, shape, instance, transcript);

  try {
    const tau = challenges(transcript, "spartan tau", shape.rowVars);
    const outer = verifySumcheck(0n, proof.outer, 3, transcript, "spartan outer");
    const rx = outer.point;
    const { az, bz, cz, evalE } = proof;
    const expectedOuter = (eqAt(tau, rx) * mod(az * bz - instance.u * cz - evalE)) % P;
    if (outer.claim !== expectedOuter)
      fail(
        "outer-sumcheck",
        "the outer sum-check does not end in eq(tau, r_x) (Az Bz - u Cz - E)(r_x)",
      );
    transcript.absorb("spartan claims", [az, bz, cz, evalE]);
    const rho = transcript.challenge("spartan rho");
    const rho2 = (rho * rho) % P;
    const claim = mod(az + rho * bz + rho2 * cz);
    const inner = verifySumcheck(claim, proof.inner, 2, transcript, "spartan inner");
    const ry = inner.point;
    transcript.absorb("spartan evalW", [proof.evalW]);

    const half = 1 << shape.colVars;
    const eqx = eqTable(rx);
    const eqy = eqTable(ry);
    const mValue = mod(
      evaluateMatrix(r1cs.A, eqx, eqy, nPublic, half) +
        rho * evaluateMatrix(r1cs.B, eqx, eqy, nPublic, half) +
        rho2 * evaluateMatrix(r1cs.C, eqx, eqy, nPublic, half),
    );
    let zValue = (1n - ry[0] + P) * proof.evalW + instance.u * eqy[half];
    for (let i = 0; i < nPublic; i++) zValue += instance.x[i] * eqy[half + 1 + i];
    if (inner.claim !== (mValue * (zValue % P)) % P)
      fail(
        "inner-sumcheck",
        "the inner sum-check does not end in (A + rho B + rho^2 C)~(r_x, r_y) z~(r_y)",
      );

    const claimE = { commitment: instance.comE, point: rx, value: evalE };
    const ryW = ry.slice(1);
    if (split && proof.evalLow !== undefined) {
      transcript.absorb("spartan evalLow", [proof.evalLow]);
      const claims = [claimE, ...splitClaims(split, ryW, proof.evalW, proof.evalLow)];
      await verifyHyperKzg(vk, transcript, claims, proof.opening);
    } else {
      const claimW = { commitment: instance.comW, point: ryW, value: proof.evalW };
      await verifyHyperKzg(vk, transcript, [claimE, claimW], proof.opening);
    }
  } catch (e) {
    if (e instanceof HyperKzgError) fail(e.check, e.message);
    if (e instanceof SumcheckShapeError) fail("shape", e.message);
    throw e;
  }
}
