/**
 * The circuit side of the differential tests: compile a rule set's segment for a given shape,
 * lay a transcript out WITHOUT the validator's verdict (as a dishonest prover would: the
 * validator only supplies the multiplicities and `_` values it found, which an invalid
 * transcript may lack, and then the layout uses 0), compute the witness with circom's
 * generator, and check it with bmc's R1CS checker.
 *
 * "Rejected" means any of:
 * - the layout cannot place a block (a setup block in the private part: setup rules have no
 *   private slots; more public blocks than public slots in the fold's first segment);
 * - the witness generator fails a circom `===` (every witness-only signal of bmc's templates,
 *   range bits, LogUp inverses and `!=` inverses, is the only value its constraints can take,
 *   so a failed `===` means no witness exists for these inputs);
 * - a constraint of the R1CS is violated;
 * - a cross-segment condition fails (fold): the sum of A or of B over all segments is not 0,
 *   or a public block lies outside the first segment (u_in chains from 0 by construction here).
 */
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RuleSet } from "../src/check/index.js";
import { compileCircom } from "../src/circuits/circom.js";
import { emitCircuit, type EmittedCircuit, type SegmentShape } from "../src/circuits/emit.js";
import { ruleGroups } from "../src/circuits/groups.js";
import { P } from "../src/field/index.js";
import type { LoweredProgram } from "../src/lower/index.js";
import { planSegments } from "../src/prove/fold/segments.js";
import { publicLayout } from "../src/prove/statement.js";
import { stdlibDir, packageRoot } from "../src/paths.js";
import type { Transcript } from "../src/transcript/model.js";
import type { ValidationResult } from "../src/validate/index.js";
import { calculateWitness, WitnessError } from "../src/witness/calculator.js";
import { segmentInputs, SegmentCapacityError, type CircuitInputs } from "../src/witness/inputs.js";
import {
  checkR1cs,
  constraintHolds,
  constraintsByWire,
  readR1cs,
  readSym,
  type R1cs,
} from "../src/witness/r1cs.js";
import type { Random } from "./generate/random.js";

export interface CompiledMain {
  readonly r1cs: R1cs;
  readonly jsDir: string;
  readonly wasm: string;
  readonly sym: string;
}

export interface CompiledSegment {
  readonly program: LoweredProgram;
  readonly shape: SegmentShape;
  readonly emitted: EmittedCircuit;
  readonly fold: CompiledMain;
  readonly groth16?: CompiledMain;
}

/**
 * Compiles the fold main (and the Groth16 main when asked) of one segment. circom's --O1 keeps
 * the same constraints as bmc's default --O2 short of substituting linear ones away, and
 * compiles faster; the Groth16 main costs most (its Poseidon sponge), so the fuzzer compiles it
 * for some rule files only.
 */
export async function compileSegment(
  program: LoweredProgram,
  shape: SegmentShape,
  dir: string,
  options: { groth16?: boolean } = {},
): Promise<CompiledSegment | { error: string }> {
  const emitted = emitCircuit(program, shape);
  const circuits = join(dir, "circuits");
  mkdirSync(circuits, { recursive: true });
  for (const [name, text] of Object.entries(emitted.files))
    writeFileSync(join(circuits, name), text);
  copyFileSync(join(stdlibDir(), "circom", "bmc.circom"), join(circuits, "bmc.circom"));
  const circomlib = join(packageRoot(), "node_modules", "circomlib", "circuits");
  for (const f of ["poseidon.circom", "poseidon_constants.circom"])
    copyFileSync(join(circomlib, f), join(circuits, f));
  const compileMain = async (stem: string): Promise<CompiledMain | string> => {
    const result = await compileCircom({
      mainFile: join(circuits, `${stem}.circom`),
      outDir: dir,
      optimize: 1,
    });
    if (!result.ok) return `${stem}: ${result.errors.map((e) => e.message).join("; ")}`;
    writeFileSync(join(dir, `${stem}_js`, "package.json"), '{ "type": "commonjs" }\n');
    return {
      r1cs: readR1cs(join(dir, `${stem}.r1cs`)),
      jsDir: join(dir, `${stem}_js`),
      wasm: `${stem}.wasm`,
      sym: join(dir, `${stem}.sym`),
    };
  };
  const fold = await compileMain("fold");
  if (typeof fold === "string") return { error: fold };
  let groth16: CompiledMain | undefined;
  if (options.groth16) {
    const main = await compileMain("groth16");
    if (typeof main === "string") return { error: main };
    groth16 = main;
  }
  return { program, shape, emitted, fold, groth16 };
}

/** Per rule and visibility, the most blocks any of the transcripts has (setup: public only). */
export function shapeFor(
  program: LoweredProgram,
  transcripts: readonly Transcript[],
): SegmentShape {
  const slots: Record<string, number> = {};
  const publicSlots: Record<string, number> = {};
  for (const r of program.rules) slots[r.name] = publicSlots[r.name] = 0;
  for (const t of transcripts) {
    const pub = new Map<string, number>();
    const priv = new Map<string, number>();
    for (let b = 0; b < t.blockCount; b++) {
      const rule = program.rules[t.rule[b]];
      if (rule.setup && !t.isPublic[b]) continue; // no slot can hold it: the layout refuses
      const counts = t.isPublic[b] ? pub : priv;
      counts.set(rule.name, (counts.get(rule.name) ?? 0) + 1);
    }
    for (const [r, n] of pub) publicSlots[r] = Math.max(publicSlots[r], n);
    for (const [r, n] of priv) slots[r] = Math.max(slots[r], n);
  }
  return { slots, publicSlots };
}

/**
 * `shape` with shared slots (when `share` and the program has groups of rules of one shape):
 * each member keeps half its slots (rounded down), and its group gets the rest as shared slots,
 * so that blocks fill both a rule's own slots and its group's.
 */
export function sharedShape(
  program: LoweredProgram,
  shape: SegmentShape,
  share: boolean,
): SegmentShape {
  if (!share) return shape;
  const slots = { ...shape.slots };
  const shared: Record<string, number> = {};
  for (const g of ruleGroups(program)) {
    let pooled = 0;
    for (const r of g.members) {
      const name = program.rules[r].name;
      const n = slots[name] ?? 0;
      slots[name] = Math.floor(n / 2);
      pooled += n - slots[name];
    }
    if (pooled) shared[g.leader] = pooled;
  }
  return Object.keys(shared).length ? { ...shape, slots, shared } : shape;
}

export interface Verdict {
  readonly accepted: boolean;
  readonly reason: string;
  /** The witness of an accepted single segment (for the perturbation check). */
  readonly witness?: bigint[];
}

/** Random challenges for the fold main, as the fold verifier's Fiat-Shamir would give. */
export function challenges(rng: Random): { a: bigint; b: bigint } {
  const element = () => {
    let v = 0n;
    for (let i = 0; i < 8; i++) v = (v << 32n) | BigInt(Math.floor(rng.next() * 2 ** 32));
    return v % P;
  };
  return { a: element(), b: element() };
}

async function witnessOf(main: CompiledMain, inputs: CircuitInputs): Promise<bigint[] | string> {
  try {
    return await calculateWitness(main.jsDir, main.wasm, inputs);
  } catch (error) {
    if (error instanceof WitnessError) return `witness generator: ${error.message}`;
    throw error;
  }
}

/**
 * One segment holding the whole transcript, in the fold main (u_in = 0, A and B must be 0: the
 * Groth16 main's conditions, with the challenges as inputs) or in the Groth16 main itself.
 * `edit` changes the laid-out inputs first (the dishonest prover's own witness).
 */
export async function segmentVerdict(
  c: CompiledSegment,
  transcript: Transcript,
  validation: ValidationResult,
  options: {
    main: "fold" | "groth16";
    challenges: { a: bigint; b: bigint };
    edit?: (inputs: any) => void;
  },
): Promise<Verdict> {
  let inputs: CircuitInputs;
  try {
    inputs = segmentInputs(c.program, c.emitted, c.shape, transcript, validation, {
      allowInvalid: true,
      main: options.main,
    });
  } catch (error) {
    if (error instanceof SegmentCapacityError) return { accepted: false, reason: "layout" };
    throw error;
  }
  options.edit?.(inputs);
  const main = options.main === "fold" ? c.fold : c.groth16!;
  const all = options.main === "fold" ? { ...inputs, ...options.challenges, u_in: 0n } : inputs;
  const w = await witnessOf(main, all);
  if (typeof w === "string") return { accepted: false, reason: w };
  const check = checkR1cs(main.r1cs, w);
  if (!check.ok) return { accepted: false, reason: `constraint ${check.constraint} violated` };
  if (options.main === "fold") {
    // Wires 1, 2, 3 are the outputs A, B, u_out.
    if (w[1] !== 0n) return { accepted: false, reason: "A is not 0" };
    if (w[2] !== 0n) return { accepted: false, reason: "B is not 0" };
  }
  return { accepted: true, reason: "satisfied", witness: w };
}

/**
 * Several segments of the fold main: each segment's witness must satisfy its R1CS, u_in runs
 * from 0 through each segment's u_out, public blocks where the public layout puts them
 * (src/prove/statement.ts: the verifier's slots are the statement's, so a block elsewhere
 * changes them), and the sums
 * of A and of B over the segments must be 0 (the fold verifier's conditions on the segments'
 * public values; the commitments and the folding itself are tested in test/fold.test.ts).
 */
export async function foldVerdict(
  c: CompiledSegment,
  transcript: Transcript,
  validation: ValidationResult,
  segments: readonly (readonly number[])[],
  ch: { a: bigint; b: bigint },
): Promise<Verdict> {
  let u = 0n;
  let sumA = 0n;
  let sumB = 0n;
  const misplaced = misplacedPublicBlocks(c, transcript, segments);
  if (misplaced !== undefined) return { accepted: false, reason: misplaced };
  for (let i = 0; i < segments.length; i++) {
    let inputs: CircuitInputs;
    try {
      inputs = segmentInputs(c.program, c.emitted, c.shape, transcript, validation, {
        allowInvalid: true,
        blocks: segments[i],
        uIn: u,
      });
    } catch (error) {
      if (error instanceof SegmentCapacityError) return { accepted: false, reason: "layout" };
      throw error;
    }
    const w = await witnessOf(c.fold, { ...inputs, ...ch, u_in: u });
    if (typeof w === "string") return { accepted: false, reason: `segment ${i}: ${w}` };
    const check = checkR1cs(c.fold.r1cs, w);
    if (!check.ok)
      return { accepted: false, reason: `segment ${i}: constraint ${check.constraint} violated` };
    sumA = (sumA + w[1]) % P;
    sumB = (sumB + w[2]) % P;
    u = w[3];
  }
  if (sumA !== 0n) return { accepted: false, reason: "sum of A is not 0" };
  if (sumB !== 0n) return { accepted: false, reason: "sum of B is not 0" };
  return { accepted: true, reason: "satisfied" };
}

/**
 * Why the public blocks of `segments` are not where the public layout puts them (each rule's, in
 * transcript order, in the slots of the layout's segment), or undefined when they are.
 */
function misplacedPublicBlocks(
  c: CompiledSegment,
  transcript: Transcript,
  segments: readonly (readonly number[])[],
): string | undefined {
  const publicBlocks: number[] = [];
  for (let b = 0; b < transcript.blockCount; b++) if (transcript.isPublic[b]) publicBlocks.push(b);
  let layout;
  try {
    layout = publicLayout(
      c,
      publicBlocks.map((b) => c.program.rules[transcript.rule[b]].name),
    );
  } catch {
    return "layout";
  }
  if (layout.segments > segments.length) return "too few segments for the statement";
  // Each segment's public blocks, rule by rule in order, as segmentInputs lays them out.
  const key = (blocks: readonly number[]) =>
    c.program.rules
      .map((_, r) =>
        blocks.filter((b) => transcript.isPublic[b] && transcript.rule[b] === r).join(),
      )
      .join(";");
  for (let i = 0; i < segments.length; i++) {
    const expected = publicBlocks.filter((_, k) => layout.places[k].segment === i);
    if (key(segments[i]) !== key(expected)) return `public blocks out of place in segment ${i}`;
  }
  return undefined;
}

/** The production planner's segments, or undefined when it cannot lay the transcript out. */
export function plannedSegments(
  c: CompiledSegment,
  transcript: Transcript,
  validation: ValidationResult,
): number[][] | undefined {
  try {
    return planSegments(c, transcript, validation).blocks;
  } catch (error) {
    if (error instanceof SegmentCapacityError) return undefined;
    throw error;
  }
}

/**
 * A dishonest split: public blocks in segment 0, every private block in a random segment with
 * a free slot for its rule (a new segment when none has one). Unique claims are not ordered, so
 * a valid transcript may well be rejected this way: only "accepted implies valid" is checked.
 */
export function randomSegments(
  c: CompiledSegment,
  transcript: Transcript,
  rng: Random,
  count: number,
): number[][] {
  const segments: number[][] = Array.from({ length: count }, () => []);
  const used = segments.map(() => new Map<number, number>());
  for (let b = 0; b < transcript.blockCount; b++) {
    if (transcript.isPublic[b]) {
      segments[0].push(b);
      continue;
    }
    const rule = transcript.rule[b];
    const cap = c.shape.slots[c.program.rules[rule].name] ?? 0;
    const free = segments.map((_, i) => i).filter((i) => (used[i].get(rule) ?? 0) < cap);
    let i = free.length ? rng.pick(free) : segments.length;
    if (i === segments.length) {
      segments.push([]);
      used.push(new Map());
    }
    segments[i].push(b);
    used[i].set(rule, (used[i].get(rule) ?? 0) + 1);
  }
  return segments;
}

/**
 * Every wire that is not an input, perturbed in turn (+1): the names of those whose change
 * violates no constraint (an under-constrained signal: the prover could set it freely).
 */
export function unconstrainedSignals(main: CompiledMain, witness: readonly bigint[]): string[] {
  const { r1cs } = main;
  const by = constraintsByWire(r1cs);
  const firstInput = 1 + r1cs.nPubOut;
  const lastInput = firstInput + r1cs.nPubIn + r1cs.nPrvIn;
  const free: number[] = [];
  // One copy, changed and restored wire by wire (a copy per wire is quadratic).
  const perturbed = witness.slice();
  for (let wire = 1; wire < r1cs.nWires; wire++) {
    if (wire >= firstInput && wire < lastInput) continue;
    perturbed[wire] = (witness[wire] + 1n) % P;
    if (by[wire].every((k) => constraintHolds(r1cs.constraints[k], perturbed))) free.push(wire);
    perturbed[wire] = witness[wire];
  }
  if (free.length === 0) return [];
  const names = readSym(main.sym);
  return free.map((w) => names.get(w) ?? `wire ${w}`);
}

/** The number of internal wires and outputs, for the perturbation check's report. */
export function perturbedWireCount(main: CompiledMain): number {
  const { r1cs } = main;
  return r1cs.nWires - 1 - r1cs.nPubIn - r1cs.nPrvIn;
}

export type { RuleSet };
