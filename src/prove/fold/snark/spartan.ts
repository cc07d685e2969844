/**
 * Spartan for relaxed R1CS (A z) o (B z) = u (C z) + E, z = (u, x, W) in circom's wire order,
 * with HyperKZG for the committed W and E. docs/compression.md is the document of record.
 *
 * Layout. Rows (constraints) are padded with zero rows to 2^rowVars. The inner sum-check runs
 * over z'', four blocks of 2^colVars entries: W's first part, its second part, (u, x), E
 * (colVars covers each part, 1 + nPublic and the rows). W is one part (the second empty)
 * unless the instance has two (TwoParts: W's first firstWires entries and the others, each
 * committed from the SRS's first power). With r_y = (y0, y1, y'),
 *   z''~(r_y) = (1-y0)(1-y1) first~(y') + (1-y0) y1 second~(y') + y0 (1-y1) ux~(y') + y0 y1 E~(y')
 * and the matrix of the inner sum-check is (A + rho B + rho^2 C)(r_x, .) on the wires' columns
 * and rho^3 eq(r_x, .) on E's block, so that E~(r_x) is checked by the same opening as W: the
 * verifier evaluates the (u, x) term itself, and the three committed blocks are one opening of
 * (1-y0)(1-y1) comFirst + (1-y0) y1 comSecond + y0 y1 comE at y' (witnessClaim).
 *
 * Transcript, in order: "spartan shape" (nConstraints, nWires, nPublic, rowVars, colVars),
 * "spartan srs" (the SRS digest), "spartan comW" (or "spartan parts" (firstWires) and
 * "spartan comW parts" (comFirst, comSecond)), "spartan comE", "spartan u x"; tau (rowVars
 * challenges "spartan tau"); the outer sum-check ("spartan outer"); "spartan claims"
 * (Az~, Bz~, Cz~, E~ at r_x); rho ("spartan rho"); the inner sum-check of
 * sum_y M~(r_x, y) z''~(y) = Az + rho Bz + rho^2 Cz + rho^3 E ("spartan inner"); "spartan
 * evalW" (the committed blocks' term of z''~(r_y)); the HyperKZG opening of that term.
 */
import type { Point } from "../curve.js";
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

/** The proof's sizes; `firstWires` for a witness in two parts (TwoParts). */
export function compressedShape(r1cs: SparseR1cs, firstWires?: number): CompressedShape {
  const nPublic = r1cs.nPubOut + r1cs.nPubIn;
  const nW = r1cs.nWires - 1 - nPublic;
  const first = firstWires ?? nW;
  const rowVars = log2Ceil(r1cs.nConstraints, 1);
  const longest = Math.max(first, nW - first, 1 + nPublic);
  return { rowVars, colVars: Math.max(rowVars, log2Ceil(longest, 1)) };
}

/** Whether firstWires cuts W in two (either part may be empty). */
function cutsW(r1cs: SparseR1cs, firstWires: number): boolean {
  const nW = r1cs.nWires - 1 - r1cs.nPubOut - r1cs.nPubIn;
  return Number.isInteger(firstWires) && firstWires >= 0 && firstWires <= nW;
}

/** Where the wires go in z'' (the module comment's layout). */
interface Columns {
  readonly nPublic: number;
  /** W entries below this go to block 0, the others to block 1. */
  readonly first: number;
  /** 2^colVars: the length of a block. */
  readonly block: number;
  /** The column of wire 0 (u), the start of block 2; wire w <= nPublic goes to ux + w. */
  readonly ux: number;
  /** The start of block 3: E[i] goes to e + i. */
  readonly e: number;
}

function columnsOf(r1cs: SparseR1cs, shape: CompressedShape, firstWires?: number): Columns {
  const nPublic = r1cs.nPubOut + r1cs.nPubIn;
  const block = 1 << shape.colVars;
  const first = firstWires ?? r1cs.nWires;
  return { nPublic, first, block, ux: 2 * block, e: 3 * block };
}

function columnOf(c: Columns, w: number): number {
  if (w <= c.nPublic) return c.ux + w;
  const j = w - c.nPublic - 1;
  return j < c.first ? j : c.block + j - c.first;
}

/** The SRS size (log2 of the number of powers) a circuit needs. */
export function requiredLogSize(r1cs: SparseR1cs, firstWires?: number): number {
  return compressedShape(r1cs, firstWires).colVars;
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
  const { parts } = instance;
  if (parts) {
    transcript.absorb("spartan parts", [BigInt(parts.firstWires)]);
    absorbPoints(vk.curve, transcript, "spartan comW parts", [parts.comFirst, parts.comSecond]);
  } else absorbPoints(vk.curve, transcript, "spartan comW", [instance.comW!]);
  absorbPoints(vk.curve, transcript, "spartan comE", [instance.comE]);
  transcript.absorb("spartan u x", [instance.u, ...instance.x]);
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
 * `other` shares the commitments with another thread (hyperkzg.ts, OtherThread).
 */
export async function proveRelaxed(
  srs: Srs,
  r1cs: SparseR1cs,
  instance: RelaxedR1csInstance,
  witness: RelaxedR1csWitness,
  transcript: Transcript,
  other?: OtherThread,
): Promise<CompressedProof> {
  const { proof, ry, opened } = proveSumchecks(srs, r1cs, instance, witness, transcript);
  const claim = witnessClaim(srs.curve, instance, ry, proof.evalW);
  const opening = await proveHyperKzg(srs, transcript, [claim], [opened], other);
  return { ...proof, opening };
}

/** The preamble, the outer and the inner sum-check, and evalW (absorbed). */
function proveSumchecks(
  srs: Srs,
  r1cs: SparseR1cs,
  instance: RelaxedR1csInstance,
  witness: RelaxedR1csWitness,
  transcript: Transcript,
) {
  const { parts } = instance;
  const shape = compressedShape(r1cs, parts?.firstWires);
  checkProverInputs(srs, r1cs, shape, instance, witness);
  absorbPreamble(srs, r1cs, shape, instance, transcript);

  const z = [instance.u, ...instance.x, ...witness.W];
  const { outer, evalE } = proveOuterSumcheck(r1cs, shape, instance.u, z, witness.E, transcript);
  const rho = transcript.challenge("spartan rho");

  const columns = columnsOf(r1cs, shape, parts?.firstWires);
  const { m, zPermuted } = innerVectors(r1cs, shape, columns, outer.point, rho, z, witness.E);
  const inner = proveInner(m, zPermuted, transcript, "spartan inner");
  const ry = inner.point;
  const opened = committedBlocks(
    ry,
    witness.W.slice(0, columns.first),
    witness.W.slice(columns.first),
    witness.E,
  );
  const evalW = evaluateMle(opened, ry.slice(2));
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
  return { proof, ry, opened };
}

/** tau, the outer sum-check of eq(tau, x) (Az Bz - u Cz - E)(x), and the claims absorbed. */
function proveOuterSumcheck(
  r1cs: SparseR1cs,
  shape: CompressedShape,
  u: bigint,
  z: readonly bigint[],
  E: readonly bigint[],
  transcript: Transcript,
) {
  const rows = 1 << shape.rowVars;
  const az = padded(multiply(r1cs.A, z), rows);
  const bz = padded(multiply(r1cs.B, z), rows);
  const cz = padded(multiply(r1cs.C, z), rows);
  const d = new Array<bigint>(rows);
  for (let i = 0; i < rows; i++) d[i] = i < r1cs.nConstraints ? mod(u * cz[i] + E[i]) : 0n;
  const tau = challenges(transcript, "spartan tau", shape.rowVars);
  const outer = proveOuter(eqTable(tau), az, bz, cz, d, transcript, "spartan outer");
  const evalE = mod(outer.d - u * outer.cz);
  transcript.absorb("spartan claims", [outer.az, outer.bz, outer.cz, evalE]);
  return { outer, evalE };
}

/** The caller's instance, witness and SRS fit the circuit (a bug in bmc otherwise). */
function checkProverInputs(
  srs: Srs,
  r1cs: SparseR1cs,
  shape: CompressedShape,
  instance: RelaxedR1csInstance,
  witness: RelaxedR1csWitness,
): void {
  const nPublic = r1cs.nPubOut + r1cs.nPubIn;
  const nW = r1cs.nWires - 1 - nPublic;
  if (instance.x.length !== nPublic || witness.W.length !== nW)
    throw new Error("bmc internal error: the instance or witness does not fit the circuit");
  if (witness.E.length !== r1cs.nConstraints)
    throw new Error("bmc internal error: the error vector does not fit the circuit");
  if (shape.colVars > srs.logSize)
    throw new Error(`bmc internal error: the circuit needs an SRS of 2^${shape.colVars}`);
  if (instanceShapeProblem(r1cs, instance))
    throw new Error(`bmc internal error: ${instanceShapeProblem(r1cs, instance)}`);
}

/**
 * The inner sum-check's two vectors over z'': M = (A + rho B + rho^2 C)(r_x, .) on the wires'
 * columns and rho^3 eq(r_x, .) on E's block, reduced; and z'' itself (the wires, then E).
 */
function innerVectors(
  r1cs: SparseR1cs,
  shape: CompressedShape,
  columns: Columns,
  rx: readonly bigint[],
  rho: bigint,
  z: readonly bigint[],
  E: readonly bigint[],
): { m: bigint[]; zPermuted: bigint[] } {
  const length = 4 << shape.colVars;
  const m = new Array<bigint>(length).fill(0n);
  const eqx = eqTable(rx);
  const rho2 = (rho * rho) % P;
  const weights = [1n, rho, rho2];
  [r1cs.A, r1cs.B, r1cs.C].forEach((matrix, k) => scatterRows(matrix, eqx, weights[k], columns, m));
  const rho3 = (rho2 * rho) % P;
  for (let i = 0; i < 1 << shape.rowVars; i++) m[columns.e + i] = rho3 * eqx[i];
  for (let j = 0; j < m.length; j++) m[j] = mod(m[j]);
  const zPermuted = new Array<bigint>(length).fill(0n);
  for (let w = 0; w < z.length; w++) zPermuted[columnOf(columns, w)] = z[w];
  E.forEach((v, i) => (zPermuted[columns.e + i] = v));
  return { m, zPermuted };
}

/** The weights of the committed blocks (first part, second part, E) at r_y = (y0, y1, y'). */
function blockWeights(ry: readonly bigint[]): [bigint, bigint, bigint] {
  const [y0, y1] = ry;
  return [mod((1n - y0) * (1n - y1)), mod((1n - y0) * y1), mod(y0 * y1)];
}

/** The committed blocks bound at (y0, y1): w0 first + w1 second + w3 E, entry by entry. */
function committedBlocks(
  ry: readonly bigint[],
  first: readonly bigint[],
  second: readonly bigint[],
  E: readonly bigint[],
): bigint[] {
  const [w0, w1, w3] = blockWeights(ry);
  const length = Math.max(first.length, second.length, E.length);
  return Array.from({ length }, (_, j) =>
    mod(w0 * (first[j] ?? 0n) + w1 * (second[j] ?? 0n) + w3 * (E[j] ?? 0n)),
  );
}

/**
 * The opening's claim, at r_y's last colVars coordinates y': the commitment to the committed
 * blocks bound at (y0, y1), w0 comFirst + w1 comSecond + w3 comE (comW for the first part of
 * a witness in one part, whose second part is empty), has the value evalW there.
 */
function witnessClaim(
  curve: Srs["curve"],
  instance: RelaxedR1csInstance,
  ry: readonly bigint[],
  evalW: bigint,
): { commitment: Point; point: readonly bigint[]; value: bigint } {
  const G = curve.G1;
  // timesScalar does not take 0 (a weight is 0 with probability about 2/p).
  const times = (p: Point, k: bigint) => (k === 0n ? G.zero : G.timesScalar(p, k));
  const [w0, w1, w3] = blockWeights(ry);
  const { parts } = instance;
  let commitment = G.add(times(parts?.comFirst ?? instance.comW!, w0), times(instance.comE, w3));
  if (parts) commitment = G.add(commitment, times(parts.comSecond, w1));
  return { commitment, point: ry.slice(2), value: evalW };
}

/** m[column(w)] += coefficient * eqx[row] * weight, for every entry of the matrix. */
function scatterRows(
  matrix: SparseMatrix,
  eqx: readonly bigint[],
  weight: bigint,
  columns: Columns,
  m: bigint[],
): void {
  const { start, column, coefficient } = matrix;
  for (let i = 0; i < matrix.rows; i++) {
    if (start[i] === start[i + 1]) continue;
    const e = (eqx[i] * weight) % P;
    for (let k = start[i]; k < start[i + 1]; k++)
      m[columnOf(columns, column[k])] += coefficient[k] * e;
  }
}

/** sum over entries of coefficient * eqx[row] * eqy[column(w)], reduced. */
function evaluateMatrix(
  matrix: SparseMatrix,
  eqx: readonly bigint[],
  eqy: readonly bigint[],
  columns: Columns,
): bigint {
  const { start, column, coefficient } = matrix;
  let total = 0n;
  for (let i = 0; i < matrix.rows; i++) {
    const end = start[i + 1];
    if (start[i] === end) continue;
    let row = 0n;
    for (let k = start[i]; k < end; k++) row += coefficient[k] * eqy[columnOf(columns, column[k])];
    total += eqx[i] * (row % P);
  }
  return mod(total);
}

function isScalar(v: unknown): v is bigint {
  return typeof v === "bigint" && v >= 0n && v < P;
}

/** The instance's commitments fit its kind: comW alone, or two parts that cut W. */
function instanceShapeProblem(r1cs: SparseR1cs, instance: RelaxedR1csInstance) {
  const { parts } = instance;
  if (!parts) return instance.comW ? undefined : "the instance has no witness commitment";
  if (instance.comW) return "the instance has comW and two parts";
  if (!cutsW(r1cs, parts.firstWires)) return "the two parts do not cut W";
  return undefined;
}

function fail(check: SnarkCheck, message: string): never {
  throw new SnarkVerifyError(check, message);
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
  const shape = checkShape(vk, r1cs, instance, proof);
  absorbPreamble(vk, r1cs, shape, instance, transcript);
  try {
    const rx = verifyOuter(shape, instance, proof, transcript);
    const ry = verifyInner(r1cs, shape, instance, proof, rx, transcript);
    transcript.absorb("spartan evalW", [proof.evalW]);
    const committed = witnessClaim(vk.curve, instance, ry, proof.evalW);
    await verifyHyperKzg(vk, transcript, [committed], proof.opening);
  } catch (e) {
    if (e instanceof HyperKzgError) fail(e.check, e.message);
    if (e instanceof SumcheckShapeError) fail("shape", e.message);
    throw e;
  }
}

/**
 * The "shape" checks that come before the transcript: the instance's commitments, the SRS's
 * size, the public values, the number of rounds, and every scalar in [0, p). Returns the shape.
 */
function checkShape(
  vk: VerifierKey,
  r1cs: SparseR1cs,
  instance: RelaxedR1csInstance,
  proof: CompressedProof,
): CompressedShape {
  const problem = instanceShapeProblem(r1cs, instance);
  if (problem) fail("shape", problem);
  const { parts } = instance;
  const shape = compressedShape(r1cs, parts?.firstWires);
  const nPublic = r1cs.nPubOut + r1cs.nPubIn;
  if (shape.colVars > vk.logSize)
    fail(
      "shape",
      `the circuit needs an SRS of 2^${requiredLogSize(r1cs, parts?.firstWires)} powers`,
    );
  if (instance.x.length !== nPublic)
    fail("shape", `the instance has ${instance.x.length} public values, not ${nPublic}`);
  if (!isScalar(instance.u) || !instance.x.every(isScalar))
    fail("shape", "the instance has a value that is not a field element");
  if (proof.outer.length !== shape.rowVars || proof.inner.length !== shape.colVars + 2)
    fail("shape", "the proof has the wrong number of sum-check rounds");
  const scalars = [
    ...proof.outer.flat(),
    proof.az,
    proof.bz,
    proof.cz,
    proof.evalE,
    ...proof.inner.flat(),
    proof.evalW,
    ...proof.opening.evals.flat(2),
  ];
  if (!scalars.every(isScalar)) fail("shape", "the proof has a value that is not a field element");
  return shape;
}

/** tau, the outer sum-check and its last equation, and the claims absorbed; returns r_x. */
function verifyOuter(
  shape: CompressedShape,
  instance: RelaxedR1csInstance,
  proof: CompressedProof,
  transcript: Transcript,
): bigint[] {
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
  return rx;
}

/** rho, the inner sum-check and its last equation M~(r_x, r_y) z''~(r_y); returns r_y. */
function verifyInner(
  r1cs: SparseR1cs,
  shape: CompressedShape,
  instance: RelaxedR1csInstance,
  proof: CompressedProof,
  rx: readonly bigint[],
  transcript: Transcript,
): bigint[] {
  const rho = transcript.challenge("spartan rho");
  const rho2 = (rho * rho) % P;
  const rho3 = (rho2 * rho) % P;
  const { az, bz, cz, evalE } = proof;
  const claim = mod(az + rho * bz + rho2 * cz + rho3 * evalE);
  const inner = verifySumcheck(claim, proof.inner, 2, transcript, "spartan inner");
  const ry = inner.point;

  const columns = columnsOf(r1cs, shape, instance.parts?.firstWires);
  const eqx = eqTable(rx);
  const eqy = eqTable(ry);
  const mValue = matrixAt(r1cs, shape, columns, eqx, eqy, [rho, rho2, rho3]);
  const zValue = zAt(instance, proof.evalW, columns, eqy);
  if (inner.claim !== (mValue * zValue) % P)
    fail("inner-sumcheck", "the inner sum-check does not end in M~(r_x, r_y) z''~(r_y)");
  return ry;
}

/** M~(r_x, r_y): (A + rho B + rho^2 C) on the wires' columns and rho^3 eq(r_x, .) on E's block. */
function matrixAt(
  r1cs: SparseR1cs,
  shape: CompressedShape,
  columns: Columns,
  eqx: readonly bigint[],
  eqy: readonly bigint[],
  [rho, rho2, rho3]: readonly bigint[],
): bigint {
  let eBlock = 0n;
  for (let i = 0; i < 1 << shape.rowVars; i++) eBlock += eqx[i] * eqy[columns.e + i];
  return mod(
    evaluateMatrix(r1cs.A, eqx, eqy, columns) +
      rho * evaluateMatrix(r1cs.B, eqx, eqy, columns) +
      rho2 * evaluateMatrix(r1cs.C, eqx, eqy, columns) +
      rho3 * (eBlock % P),
  );
}

/** z''~(r_y), reduced: the committed blocks' term is evalW (opened later); (u, x)'s is added here. */
function zAt(
  instance: RelaxedR1csInstance,
  evalW: bigint,
  columns: Columns,
  eqy: readonly bigint[],
): bigint {
  let zValue = evalW;
  for (let w = 0; w <= columns.nPublic; w++)
    zValue += (w === 0 ? instance.u : instance.x[w - 1]) * eqy[columns.ux + w];
  return zValue % P;
}
