/**
 * Stage: LoweredProgram -> Circom files -> R1CS, witness generator and manifest, in a build
 * folder. The folder is written whole or not at all: everything goes to a temporary sibling
 * that replaces the target only when compilation succeeded.
 */
import { createHash } from "node:crypto";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import type { LoweredProgram } from "../lower/index.js";
import { createRequire } from "node:module";
import { stdlibDir } from "../paths.js";
import { compileCircom, type CircomCompileResult } from "./circom.js";
import { readManifestText } from "./manifest.js";
import { emitCircuit, type EmittedCircuit, type SegmentShape, type SlotLayout } from "./emit.js";

export {
  defaultShape,
  emitCircuit,
  type EmittedCircuit,
  type SegmentShape,
  type SlotLayout,
} from "./emit.js";

/**
 * 2: every compiled file's SHA-256 is recorded (CircuitFiles.sha256). 4: shapes may have shared
 * slots (SegmentShape.shared), and a grouped rule's overflow goes to them.
 */
export const MANIFEST_VERSION = 4;

/** Everything later stages need to know about a compiled rule set, as stored in manifest.json. */
export interface Manifest {
  readonly version: number;
  readonly rulesDigest: string;
  /** SHA-256 over the generated Circom files (name and text, sorted by name). */
  readonly circuitDigest: string;
  /** The rule file, relative to the build folder. */
  readonly rulesFile: string;
  readonly program: LoweredProgram;
  readonly shape: SegmentShape;
  readonly slots: SlotLayout[];
  readonly publicInputs: string[];
  readonly preChallenge: string[];
  readonly uniqueSlots: number;
  /** The Groth16 main's constraints and files: absent when compiled for folding only. */
  readonly constraints?: { readonly nonLinear?: number; readonly linear?: number };
  readonly files?: CircuitFiles;
  /** The circuit for folding (absent in build folders of earlier versions of bmc). */
  readonly fold?: {
    readonly files: CircuitFiles;
    /** Public wires after the constant one, in wire order (outputs, then public inputs). */
    readonly publicWires: string[];
    /** Private inputs (all pre-challenge), in wire order: they follow the public wires. */
    readonly privateInputs: string[];
    readonly constraints?: { readonly nonLinear?: number; readonly linear?: number };
  };
}

/** A compiled main circuit's files, relative to the build folder. */
export interface CircuitFiles {
  readonly r1cs: string;
  readonly wasm: string;
  readonly sym: string;
  readonly main: string;
  /**
   * SHA-256 of each file circom wrote for this main (the R1CS, the symbols, the witness
   * generator's wasm and script), by path: readers check a file before they trust it.
   */
  readonly sha256: Readonly<Record<string, string>>;
}

/**
 * Where the fold protocol needs each wire of the folding main, checked against circom's symbol
 * file: the public wires at 1, 2, ... in order, then every private input at the next wires in
 * order, so that comPre commits to exactly the private inputs, before the challenges. circom
 * --O2 may substitute away a private input that occurs only in linear constraints; the wires
 * after it then shift, a challenge-dependent wire lands among the committed ones and the
 * circuit loses a constraint on what was committed. Undefined when every wire is in place.
 */
export function foldWireProblem(
  symText: string,
  publicWires: readonly string[],
  privateInputs: readonly string[],
): string | undefined {
  // A line of the .sym file: signal index, wire index (-1: substituted away), component, name.
  const wires = new Map<string, number>();
  for (const line of symText.split("\n")) {
    const parts = line.split(",");
    if (parts.length !== 4 || !parts[3].startsWith("main.")) continue;
    const name = parts[3].slice("main.".length);
    if (!name.includes(".")) wires.set(name, Number(parts[1]));
  }
  const expected = [...publicWires, ...privateInputs];
  for (let i = 0; i < expected.length; i++) {
    const wire = wires.get(expected[i]);
    if (wire !== i + 1)
      return `${expected[i]} is ${wire === undefined ? "missing" : wire < 0 ? "substituted away" : `wire ${wire}`}, expected wire ${i + 1}`;
  }
  return undefined;
}

/** The SHA-256 of a file of the build folder, in hex. */
export function fileDigest(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

/** Circom templates from circomlib that bmc.circom includes (copied next to the circuits). */
const CIRCOMLIB_FILES = ["poseidon.circom", "poseidon_constants.circom"];

/**
 * circomlib's circuits folder, found the way Node finds the package: npm may install it next
 * to bmc (hoisted) rather than inside bmc's own node_modules.
 */
function circomlibCircuitsDir(): string {
  const manifest = createRequire(import.meta.url).resolve("circomlib/package.json");
  return join(dirname(manifest), "circuits");
}

export function circuitDigest(files: Record<string, string>): string {
  const h = createHash("sha256");
  for (const name of Object.keys(files).sort()) h.update(`${name}\0${files[name]}\0`);
  return h.digest("hex");
}

export interface CompileOptions {
  readonly rulesFile: string;
  readonly outDir: string;
  readonly shape: SegmentShape;
  readonly onProgress?: (message: string) => void;
  /**
   * circom's optimisation level. 2 (the default here) substitutes away every linear
   * constraint, which matters for Groth16 (a third of the constraints at level 1); it is slow
   * on very large circuits, where 1 is the better choice.
   */
  readonly optimize?: 1 | 2;
  /**
   * "fold": the folding main only, for callers that fold and never prove with Groth16 (bmc
   * prove --metamath): the Groth16 main absorbs every input into a Poseidon sponge, which on a
   * large segment is most of the compile. Default "both".
   */
  readonly mains?: "both" | "fold";
}

export interface CompileResult {
  readonly ok: boolean;
  readonly manifest?: Manifest;
  readonly emitted: EmittedCircuit;
  readonly circom?: CircomCompileResult;
}

export async function compileProgram(
  program: LoweredProgram,
  options: CompileOptions,
): Promise<CompileResult> {
  const target = resolve(options.outDir);
  refuseForeignFolder(target);
  const emitted = emitCircuit(program, options.shape);
  const staging = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
  rmSync(staging, { recursive: true, force: true });
  const circuits = join(staging, "circuits");
  mkdirSync(circuits, { recursive: true });
  try {
    writeCircuitSources(circuits, emitted);
    // The same segment under two mains: one for a single Groth16 proof, one for folding.
    const compile = (mainName: string, label: string) =>
      compileMain(staging, mainName, label, emitted.slots.length, options);
    const main =
      options.mains === "fold" ? undefined : await compile(emitted.main, "Groth16 circuit");
    if (main && !main.circom.ok) return { ok: false, emitted, circom: main.circom };
    const fold = await compile(emitted.foldMain, "folding circuit");
    if (!fold.circom.ok) return { ok: false, emitted, circom: fold.circom };
    const misplaced = foldWireProblem(
      readFileSync(join(staging, fold.files.sym), "utf8"),
      emitted.foldPublic,
      emitted.foldPrivate,
    );
    if (misplaced) {
      const errors = [{ message: `the folding circuit's wires: ${misplaced} (a bug in bmc)` }];
      return { ok: false, emitted, circom: { ...fold.circom, ok: false, errors } };
    }
    const manifest = manifestOf(program, options, target, emitted, main, fold);
    writeFileSync(join(staging, "manifest.json"), manifestText(manifest));
    if (existsSync(target)) rmSync(target, { recursive: true, force: true });
    mkdirSync(dirname(target), { recursive: true });
    renameSync(staging, target);
    return { ok: true, manifest, emitted, circom: (main ?? fold).circom };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * compileProgram replaces its output folder, so it refuses one that bmc did not make: a folder
 * that is not empty and has neither a manifest.json nor the CLI's .bmc-build marker. (The CLI
 * checks more, in src/cli/outputs.ts, before it gets here; a program calling the library
 * directly gets this check.)
 */
function refuseForeignFolder(target: string): void {
  if (!existsSync(target)) return;
  const isFolder = statSync(target).isDirectory();
  const entries = isFolder ? readdirSync(target) : [];
  if (isFolder && (entries.length === 0 || entries.some((e) => BUILT_BY_BMC.includes(e)))) return;
  throw new Error(
    `compileProgram: ${target} exists and is not a build folder bmc made (no manifest.json); ` +
      "it was left as it was: give a new or empty folder",
  );
}
const BUILT_BY_BMC = ["manifest.json", ".bmc-build"];

/** The generated Circom files, with bmc.circom and the circomlib templates it includes. */
export function writeCircuitSources(circuits: string, emitted: EmittedCircuit): void {
  for (const [name, text] of Object.entries(emitted.files))
    writeFileSync(join(circuits, name), text);
  copyFileSync(join(stdlibDir(), "circom", "bmc.circom"), join(circuits, "bmc.circom"));
  const circomlib = circomlibCircuitsDir();
  for (const f of CIRCOMLIB_FILES) copyFileSync(join(circomlib, f), join(circuits, f));
}

/** One main compiled by circom2 into the staging folder: circom's result and its files. */
interface CompiledMain {
  readonly circom: CircomCompileResult;
  readonly files: CircuitFiles;
}

/**
 * Compiles circuits/<mainName> into `staging`; when circom succeeds, marks the witness
 * generator's folder as CommonJS and records the SHA-256 of each file circom wrote.
 */
async function compileMain(
  staging: string,
  mainName: string,
  label: string,
  slotCount: number,
  options: CompileOptions,
): Promise<CompiledMain> {
  options.onProgress?.(`compiling ${slotCount} slots with circom2 (${label})`);
  const circom = await compileCircom({
    mainFile: join(staging, "circuits", mainName),
    outDir: staging,
    optimize: options.optimize ?? 2,
  });
  const stem = mainName.replace(/\.circom$/, "");
  const paths = {
    r1cs: `${stem}.r1cs`,
    wasm: `${stem}_js/${stem}.wasm`,
    sym: `${stem}.sym`,
    main: `circuits/${mainName}`,
  };
  const generator = `${stem}_js/witness_calculator.js`;
  const sha256: Record<string, string> = {};
  if (circom.ok) {
    // circom's witness_calculator.js is CommonJS; this package is ESM, so say so locally.
    writeFileSync(join(staging, `${stem}_js`, "package.json"), '{ "type": "commonjs" }\n');
    for (const f of [paths.r1cs, paths.sym, paths.wasm, generator])
      sha256[f] = fileDigest(join(staging, f));
  }
  return { circom, files: { ...paths, sha256 } };
}

/** The manifest of a compiled build folder; the Groth16 main's part only when it was compiled. */
function manifestOf(
  program: LoweredProgram,
  options: CompileOptions,
  target: string,
  emitted: EmittedCircuit,
  main: CompiledMain | undefined,
  fold: CompiledMain,
): Manifest {
  return {
    version: MANIFEST_VERSION,
    rulesDigest: program.rulesDigest,
    circuitDigest: circuitDigest(emitted.files),
    // Relative to the build folder, so that the folder can move with its rules.
    rulesFile: relative(target, resolve(options.rulesFile)),
    program,
    shape: options.shape,
    slots: emitted.slots,
    publicInputs: emitted.publicInputs,
    preChallenge: emitted.preChallenge,
    uniqueSlots: emitted.uniqueSlots,
    ...(main ? { constraints: main.circom.constraints, files: main.files } : {}),
    fold: {
      files: fold.files,
      publicWires: emitted.foldPublic,
      privateInputs: emitted.foldPrivate,
      constraints: fold.circom.constraints,
    },
  };
}

/** manifest.json's text: big integers as decimal strings (parseManifest restores them). */
function manifestText(manifest: Manifest): string {
  return JSON.stringify(manifest, (_, v) => (typeof v === "bigint" ? v.toString() : v), 2) + "\n";
}

/**
 * Reads a build folder's manifest.json, restoring the big integers of the lowered program and
 * checking it whole (./manifest.ts): a DiagnosticError (BM0605) when it is damaged.
 */
export function parseManifest(text: string, path?: string): Manifest {
  return readManifestText(text, path);
}

/**
 * Parses `rule=N,rule=N` (as given to --slots and --public-slots) over a default shape;
 * unknown rule names and bad counts are reported, not ignored.
 */
export function parseSlotCounts(
  text: string,
  ruleNames: readonly string[],
): { counts: Record<string, number>; errors: string[] } {
  const counts: Record<string, number> = {};
  const errors: string[] = [];
  for (const part of text
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(\d+)$/.exec(part);
    if (!m) {
      errors.push(`\`${part}\`: expected rule=N`);
      continue;
    }
    if (!ruleNames.includes(m[1])) {
      errors.push(`\`${m[1]}\` is not a rule of this rule set`);
      continue;
    }
    counts[m[1]] = Number(m[2]);
  }
  return { counts, errors };
}
