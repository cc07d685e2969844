/**
 * Folded proofs: a transcript of any size, split into segments of one compiled circuit, folded
 * into a single relaxed R1CS instance (sibling folding, block-model.md section 5).
 *
 * Prover:
 *   1. split the transcript (./segments.ts) and lay out each segment's inputs;
 *   2. commit to each segment's private inputs (all pre-challenge data);
 *   3. challenges a, b from the Merkle root of the segments' leaves (commitment, u_in, u_out,
 *      public inputs), bound to the rules, the circuit and the commitment key;
 *   4. per segment: the witness with a, b and u_in as inputs, a commitment to its internal
 *      wires, and a fold into the running instance (cross term, its commitment, r);
 *   5. the proof: every segment's instance, every cross-term commitment, the folded instance,
 *      and the folded witness in the clear.
 * Verifier: re-derives the challenges, checks that every segment used them, the u_in/u_out
 * chain, the public statement in segment 0 and nothing public elsewhere, the accumulators
 * summing to zero, recomputes every fold, and checks the folded witness against the folded
 * instance. Opening the witness is sound but neither succinct nor zero-knowledge: the proof
 * file says so in its `notice`.
 */
import { dirname, join, basename } from "node:path";
import type { Bn128 } from "ffjavascript";
import type { Manifest } from "../../circuits/index.js";
import { P } from "../../field/index.js";
import type { Transcript } from "../../transcript/model.js";
import type { ValidationResult } from "../../validate/index.js";
import { calculateWitness } from "../../witness/calculator.js";
import { segmentInputs, type CircuitInputs } from "../../witness/inputs.js";
import { pedersenKey, type CommitmentKey } from "./commit.js";
import { decodePoint, encodePoint, pointLimbs, withCurve, type Point } from "./curve.js";
import {
  crossTerm,
  foldChallenge,
  foldInstances,
  foldProducts,
  foldWitnesses,
  products,
  relaxedProblem,
  unsatisfiedConstraint,
  zOf,
  type Products,
  type RelaxedInstance,
  type RelaxedWitness,
} from "./nifs.js";
import { loadSparseR1cs, type SparseR1cs } from "./r1cs.js";
import { planSegments } from "./segments.js";
import { FiatShamir, labelElement, merkleRoot } from "./transcript.js";
import { canonicalDecimal, isStatement, sameKeys, type StatementBlock } from "../proof-file.js";

export { planSegments, type SegmentPlan } from "./segments.js";
export { R1csLoadError } from "./r1cs.js";

export const FOLD_NOTICE =
  "NOT SUCCINCT AND NOT ZERO-KNOWLEDGE: this proof contains the folded witness in the clear; it is sound, and its size grows with the segment circuit.";

/** The proof file of the fold backend (format "bmc-proof", version 1, backend "fold"). */
export interface FoldProof {
  readonly format: "bmc-proof";
  readonly version: 1;
  readonly backend: "fold";
  readonly notice: string;
  readonly rulesDigest: string;
  readonly circuitDigest: string;
  readonly commitmentKey: string;
  readonly statement: readonly StatementBlock[];
  readonly segments: readonly {
    readonly comPre: string;
    readonly comRest: string;
    /** Public wires: A, B, u_out, a, b, u_in, then the public slots (decimal). */
    readonly x: readonly string[];
  }[];
  /** Cross-term commitments, one per fold (segments - 1). */
  readonly folds: readonly { readonly comT: string }[];
  readonly folded: {
    readonly comPre: string;
    readonly comRest: string;
    readonly comE: string;
    readonly u: string;
    readonly x: readonly string[];
  };
  /** The folded witness: 32-byte big-endian field elements, in hex. */
  readonly witness: { readonly pre: string; readonly rest: string; readonly E: string };
}

/** What the fold backend needs from a build folder. */
export interface FoldCircuit {
  readonly manifest: Manifest;
  readonly r1cs: SparseR1cs;
  readonly jsDir: string;
  readonly wasmFile: string;
  readonly nPublic: number;
  readonly nPre: number;
  readonly nRest: number;
}

export class FoldError extends Error {}

export function loadFoldCircuit(buildDir: string, manifest: Manifest): FoldCircuit {
  const fold = manifest.fold;
  if (!fold) {
    throw new FoldError(`${buildDir} has no folding circuit: compile it again with this bmc`);
  }
  const r1cs = loadSparseR1cs(join(buildDir, fold.files.r1cs));
  const nPublic = r1cs.nPubOut + r1cs.nPubIn;
  if (nPublic !== fold.publicWires.length || r1cs.nPrvIn !== fold.privateInputs.length) {
    throw new FoldError(`${buildDir}: the folding circuit does not match its manifest`);
  }
  return {
    manifest,
    r1cs,
    jsDir: join(buildDir, dirname(fold.files.wasm)),
    wasmFile: basename(fold.files.wasm),
    nPublic,
    nPre: r1cs.nPrvIn,
    nRest: r1cs.nWires - 1 - nPublic - r1cs.nPrvIn,
  };
}

/** Public wire positions in x (after the leading one). */
const X = { A: 0, B: 1, uOut: 2, a: 3, b: 4, uIn: 5, slots: 6 } as const;

const hexDigest = (d: string) => BigInt(`0x${d}`) % P;

function inputValue(inputs: CircuitInputs, name: string): bigint {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)((?:\[\d+\])*)$/.exec(name);
  let v: unknown = m ? inputs[m[1]] : undefined;
  for (const index of m?.[2].match(/\d+/g) ?? []) v = (v as unknown[] | undefined)?.[Number(index)];
  if (typeof v !== "bigint") throw new Error(`bmc internal error: no input value for ${name}`);
  return v;
}

/** Everything the challenges depend on besides the segments: rules, circuit, key. */
function contextElements(manifest: Manifest, keyId: string, segments: number): bigint[] {
  return [
    hexDigest(manifest.rulesDigest),
    hexDigest(manifest.circuitDigest),
    labelElement(keyId),
    BigInt(segments),
  ];
}

/** A segment's Merkle leaf: its pre-challenge commitment and its pre-challenge public values. */
function leaf(curve: Bn128, comPre: Point, x: readonly bigint[]): bigint {
  return new FiatShamir("bmc fold segment leaf v1")
    .absorb("comPre", pointLimbs(curve, comPre))
    .absorb("u_in, u_out", [x[X.uIn], x[X.uOut]])
    .absorb("public", x.slice(X.slots))
    .squeeze("leaf");
}

function challenges(context: readonly bigint[], root: bigint): { a: bigint; b: bigint } {
  const fs = new FiatShamir("bmc fold challenges v1")
    .absorb("context", context)
    .absorb("root", [root]);
  return { a: fs.squeeze("a"), b: fs.squeeze("b") };
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
  };
}

export interface FoldOptions {
  /** Filled with where the time went. */
  readonly stats?: FoldStats;
  readonly onProgress?: (message: string) => void;
  readonly cacheDir?: string;
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
    }),
    uIn: plan.uIn[i],
    uOut: plan.uOut[i],
  }));
}

const hexVector = (values: readonly bigint[]) =>
  values.map((v) => v.toString(16).padStart(64, "0")).join("");

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
  return withCurve(async (curve) => {
    const keySize = Math.max(circuit.nPre, circuit.nRest, r1cs.nConstraints);
    progress(`commit: generators for vectors of ${keySize}`);
    const stats = options.stats ?? emptyFoldStats();
    let clock = performance.now();
    const lap = (field: `${string}Ms` & keyof FoldStats) => {
      const now = performance.now();
      stats[field] += now - clock;
      clock = now;
    };
    const key = await pedersenKey(curve, keySize, { cacheDir: options.cacheDir });
    lap("generatorsMs");
    const context = contextElements(manifest, key.id, segments.length);

    // Pre-challenge data: commitments to the private inputs, and the public values known now.
    const pre: bigint[][] = [];
    const comPre: Point[] = [];
    const xKnown: bigint[][] = [];
    for (let i = 0; i < segments.length; i++) {
      progress(`commit: segment ${i + 1}/${segments.length} inputs`, ends(i));
      const s = segments[i];
      pre.push(fold.privateInputs.map((name) => inputValue(s.inputs, name)));
      comPre.push(await key.commit(pre[i]));
      stats.commitWitnessPoints += pre[i].length;
      for (const v of pre[i]) if (v === 0n) stats.commitWitnessZeros++;
      lap("commitWitnessMs");
      const x = fold.publicWires.map((name) =>
        name === "A" || name === "B" || name === "a" || name === "b"
          ? 0n
          : name === "u_out"
            ? s.uOut
            : name === "u_in"
              ? s.uIn
              : inputValue(s.inputs, name),
      );
      xKnown.push(x);
    }
    const root = merkleRoot(comPre.map((c, i) => leaf(curve, c, xKnown[i])));
    const honest = challenges(context, root);

    let U: RelaxedInstance | undefined;
    let W: RelaxedWitness | undefined;
    let running: Products | undefined;
    const instances: RelaxedInstance[] = [];
    const comTs: Point[] = [];
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
      const Ui: RelaxedInstance = {
        comPre: comPre[i],
        comRest: await key.commit(w.rest),
        comE: curve.G1.zero,
        u: 1n,
        x,
      };
      stats.commitWitnessPoints += w.rest.length;
      for (const v of w.rest) if (v === 0n) stats.commitWitnessZeros++;
      lap("commitWitnessMs");
      const Wi: RelaxedWitness = { ...w, E: new Array<bigint>(r1cs.nConstraints).fill(0n) };
      const pi = products(r1cs, zOf(1n, x, w));
      const unsatisfied = options.tamper?.allowUnsatisfied ? -1 : unsatisfiedConstraint(pi, 1n);
      if (unsatisfied >= 0) {
        throw new FoldError(
          `segment ${i + 1}'s witness violates constraint ${unsatisfied}: refusing to fold`,
        );
      }
      instances.push(Ui);
      lap("crossTermMs");
      if (!U || !W || !running) {
        [U, W, running] = [Ui, Wi, pi];
        continue;
      }
      progress(`fold: ${i}/${segments.length - 1}`, i === 1 || i === segments.length - 1);
      const T = crossTerm(running, U.u, pi, 1n);
      lap("crossTermMs");
      const comT = await key.commit(T);
      stats.commitCrossTermPoints += T.length;
      for (const v of T) {
        if (v === 0n) stats.crossTermZeros++;
        else if (v < 1n << 64n) stats.crossTermSmall++;
      }
      lap("commitCrossTermMs");
      const r = foldChallenge(curve, context, U, Ui, comT);
      U = foldInstances(curve, U, Ui, comT, r);
      W = foldWitnesses(W, Wi, T, r);
      running = foldProducts(running, pi, r);
      lap("foldMs");
      comTs.push(comT);
    }
    const point = (p: Point) => encodePoint(curve, p);
    return {
      format: "bmc-proof",
      version: 1,
      backend: "fold",
      notice: FOLD_NOTICE,
      rulesDigest: manifest.rulesDigest,
      circuitDigest: manifest.circuitDigest,
      commitmentKey: key.id,
      statement,
      segments: instances.map((Ui) => ({
        comPre: point(Ui.comPre),
        comRest: point(Ui.comRest),
        x: Ui.x.map(String),
      })),
      folds: comTs.map((c) => ({ comT: point(c) })),
      folded: {
        comPre: point(U!.comPre),
        comRest: point(U!.comRest),
        comE: point(U!.comE),
        u: U!.u.toString(),
        x: U!.x.map(String),
      },
      witness: { pre: hexVector(W!.pre), rest: hexVector(W!.rest), E: hexVector(W!.E) },
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Verification

function decimals(v: unknown, n: number): bigint[] | undefined {
  if (!Array.isArray(v) || v.length !== n) return undefined;
  const out = v.map((x) => canonicalDecimal(x));
  return out.every((x) => x !== undefined) ? (out as bigint[]) : undefined;
}

function hexValues(v: unknown, n: number): bigint[] | undefined {
  if (typeof v !== "string" || v.length !== 64 * n || !/^[0-9a-f]*$/.test(v)) return undefined;
  const out = new Array<bigint>(n);
  for (let i = 0; i < n; i++) {
    const x = BigInt(`0x${v.slice(64 * i, 64 * i + 64)}`);
    if (x >= P) return undefined;
    out[i] = x;
  }
  return out;
}

export interface FoldVerifyResult {
  readonly valid: boolean;
  readonly reason?: string;
  readonly segments?: number;
}

/**
 * Checks a parsed fold proof against a build folder's circuit. `publicSignals` are the
 * statement's values for the public slots (the caller derives them from the statement with
 * the build's layout, never from the proof).
 */
export async function verifyFold(
  circuit: FoldCircuit,
  file: unknown,
  publicSignals: (statement: readonly StatementBlock[]) => string[],
  options: { cacheDir?: string } = {},
): Promise<FoldVerifyResult> {
  const { manifest, r1cs } = circuit;
  const reject = (reason: string): FoldVerifyResult => ({ valid: false, reason });
  const top = [
    "format",
    "version",
    "backend",
    "notice",
    "rulesDigest",
    "circuitDigest",
    "commitmentKey",
    "statement",
    "segments",
    "folds",
    "folded",
    "witness",
  ];
  if (!sameKeys(file, top)) return reject("not a bmc fold proof (unexpected or missing fields)");
  if (file.format !== "bmc-proof" || file.version !== 1 || file.backend !== "fold")
    return reject("not a version 1 bmc fold proof");
  if (file.notice !== FOLD_NOTICE) return reject("the proof's notice is not the one bmc writes");
  if (file.rulesDigest !== manifest.rulesDigest)
    return reject("the proof is for other rules than this build folder's");
  if (file.circuitDigest !== manifest.circuitDigest)
    return reject("the proof is for another circuit (other slots) than this build folder's");
  if (!isStatement(file.statement)) return reject("the statement is malformed");
  let expected: bigint[];
  try {
    expected = publicSignals(file.statement).map(BigInt);
  } catch (error) {
    return reject((error as Error).message);
  }
  const segments = file.segments;
  const folds = file.folds;
  if (!Array.isArray(segments) || segments.length === 0) return reject("the proof has no segments");
  if (!Array.isArray(folds) || folds.length !== segments.length - 1)
    return reject("the proof does not have one cross-term commitment per fold");

  return withCurve(async (curve) => {
    const keySize = Math.max(circuit.nPre, circuit.nRest, r1cs.nConstraints);
    const key: CommitmentKey = await pedersenKey(curve, keySize, { cacheDir: options.cacheDir });
    if (file.commitmentKey !== key.id)
      return reject(`the proof uses another commitment key (${String(file.commitmentKey)})`);
    const instances: RelaxedInstance[] = [];
    for (const [i, s] of segments.entries()) {
      if (!sameKeys(s, ["comPre", "comRest", "x"])) return reject(`segment ${i + 1} is malformed`);
      const comPre = decodePoint(curve, s.comPre);
      const comRest = decodePoint(curve, s.comRest);
      const x = decimals(s.x, circuit.nPublic);
      if (!comPre || !comRest || !x) return reject(`segment ${i + 1} is malformed`);
      instances.push({ comPre, comRest, comE: curve.G1.zero, u: 1n, x });
    }
    const comTs: Point[] = [];
    for (const [i, f] of folds.entries()) {
      const comT = sameKeys(f, ["comT"]) ? decodePoint(curve, f.comT) : undefined;
      if (!comT) return reject(`fold ${i + 1} is malformed`);
      comTs.push(comT);
    }

    // The challenges, from the committed pre-challenge data of every segment.
    const context = contextElements(manifest, key.id, instances.length);
    const root = merkleRoot(instances.map((U) => leaf(curve, U.comPre, U.x)));
    const { a, b } = challenges(context, root);
    for (const [i, U] of instances.entries()) {
      if (U.x[X.a] !== a || U.x[X.b] !== b)
        return reject(
          `segment ${i + 1} does not use the challenges derived from the committed segments`,
        );
    }
    // The chain of unique claims.
    if (instances[0].x[X.uIn] !== 0n) return reject("the first segment's u_in is not 0");
    for (let i = 1; i < instances.length; i++) {
      if (instances[i].x[X.uIn] !== instances[i - 1].x[X.uOut])
        return reject(
          `segment ${i + 1}'s u_in is not segment ${i}'s u_out: the chain of unique claims is broken`,
        );
    }
    // The statement is segment 0's public slots, and no other segment has public blocks.
    for (const [i, U] of instances.entries()) {
      const slots = U.x.slice(X.slots);
      const want = i === 0 ? expected : expected.map(() => 0n);
      if (slots.length !== want.length || slots.some((v, k) => v !== want[k]))
        return reject(
          i === 0
            ? "the first segment's public inputs are not the statement"
            : `segment ${i + 1} has public blocks: only the first segment may`,
        );
    }
    // Every hypothesis concluded, every unique claim listed: the accumulators total zero.
    const total = (k: number) => instances.reduce((s, U) => (s + U.x[k]) % P, 0n);
    if (total(X.A) !== 0n)
      return reject(
        "the hypotheses and conclusions of the segments do not balance (sum of A is not 0)",
      );
    if (total(X.B) !== 0n)
      return reject("the unique claims of the segments do not balance (sum of B is not 0)");

    // Recompute every fold.
    let U = instances[0];
    for (let i = 1; i < instances.length; i++) {
      const r = foldChallenge(curve, context, U, instances[i], comTs[i - 1]);
      U = foldInstances(curve, U, instances[i], comTs[i - 1], r);
    }
    const folded = file.folded;
    if (!sameKeys(folded, ["comPre", "comRest", "comE", "u", "x"]))
      return reject("the folded instance is malformed");
    const claimed = {
      comPre: decodePoint(curve, folded.comPre),
      comRest: decodePoint(curve, folded.comRest),
      comE: decodePoint(curve, folded.comE),
      u: canonicalDecimal(folded.u),
      x: decimals(folded.x, circuit.nPublic),
    };
    if (
      !claimed.comPre ||
      !claimed.comRest ||
      !claimed.comE ||
      claimed.u === undefined ||
      !claimed.x
    )
      return reject("the folded instance is malformed");
    const G = curve.G1;
    if (
      !G.eq(claimed.comPre, U.comPre) ||
      !G.eq(claimed.comRest, U.comRest) ||
      !G.eq(claimed.comE, U.comE) ||
      claimed.u !== U.u ||
      claimed.x.some((v, k) => v !== U.x[k])
    )
      return reject("the folded instance is not the fold of the segments with the cross terms");

    // The final check: open the folded instance.
    const witness = file.witness;
    if (!sameKeys(witness, ["pre", "rest", "E"])) return reject("the folded witness is malformed");
    const W = {
      pre: hexValues(witness.pre, circuit.nPre),
      rest: hexValues(witness.rest, circuit.nRest),
      E: hexValues(witness.E, r1cs.nConstraints),
    };
    if (!W.pre || !W.rest || !W.E) return reject("the folded witness is malformed");
    const problem = await relaxedProblem(curve, r1cs, key, U, { pre: W.pre, rest: W.rest, E: W.E });
    if (problem) return reject(problem);
    return { valid: true, segments: instances.length };
  });
}
