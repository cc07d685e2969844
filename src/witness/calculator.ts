/**
 * Runs the witness generator circom wrote (<name>_js/witness_calculator.js and the .wasm).
 *
 * The WebAssembly module is compiled once per build (cached by the files' paths, sizes and
 * modification times) and instantiated afresh for every witness: instantiating a compiled
 * module is cheap, and a fresh instance is needed because the generator's error text
 * accumulates in its instance (a second failure would report the first one's text too).
 *
 * circom's script compiles the bytes it is given; it is run here as a CommonJS function whose
 * `WebAssembly` is this module's, which hands it the module compiled already. The script breaks
 * under "use strict" with array inputs, so it is compiled as sloppy code, as require would.
 */
import { readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { compileFunction } from "node:vm";

/** A failed `===` or assert in the circuit, where circom reports it. */
export class WitnessError extends Error {
  constructor(
    message: string,
    readonly template?: string,
    readonly line?: number,
  ) {
    super(message);
  }
}

type Inputs = Record<string, unknown>;

interface CircomWitnessCalculator {
  calculateWitness(input: Inputs, sanityCheck: boolean): Promise<bigint[]>;
}

type CircomBuilder = (code: unknown) => Promise<CircomWitnessCalculator>;

/** One build's witness generator: compiled once, a fresh instance per witness. */
export interface WitnessGenerator {
  calculate(inputs: Inputs): Promise<bigint[]>;
}

function loadBuilder(scriptPath: string, compiled: WebAssembly.Module): CircomBuilder {
  const source = readFileSync(scriptPath, "utf8");
  const run = compileFunction(source, ["module", "exports", "WebAssembly"], {
    filename: scriptPath,
  });
  // Only compile and instantiate are used; compile returns the module compiled already.
  const wasm = {
    compile: async () => compiled,
    instantiate: (m: WebAssembly.Module, imports: WebAssembly.Imports) =>
      WebAssembly.instantiate(m, imports),
  };
  const module = { exports: {} as unknown };
  run(module, module.exports, wasm);
  return module.exports as CircomBuilder;
}

function failure(error: unknown): WitnessError {
  const text = error instanceof Error ? error.message : String(error);
  const at = /Error in template (\w+?)(?:_\d+)? line: (\d+)/.exec(text);
  return new WitnessError(text.split("\n")[0], at?.[1], at ? Number(at[2]) : undefined);
}

/** Loads (compiles) a build's witness generator. */
export async function loadWitnessGenerator(
  jsDir: string,
  wasmFile: string,
): Promise<WitnessGenerator> {
  const compiled = await WebAssembly.compile(readFileSync(join(jsDir, wasmFile)));
  const build = loadBuilder(resolve(jsDir, "witness_calculator.js"), compiled);
  return {
    async calculate(inputs) {
      const calculator = await build(compiled);
      try {
        return await calculator.calculateWitness(inputs, true);
      } catch (error) {
        throw failure(error);
      }
    },
  };
}

const generators = new Map<string, { stamp: string; generator: Promise<WitnessGenerator> }>();

/** The files' sizes and modification times: a build compiled again gets a new generator. */
function stampOf(paths: readonly string[]): string {
  return paths
    .map((p) => {
      const s = statSync(p);
      return `${s.size}:${s.mtimeMs}`;
    })
    .join();
}

/** The witness generator of a build, compiled on first use and cached while its files stay. */
export function witnessGenerator(jsDir: string, wasmFile: string): Promise<WitnessGenerator> {
  const wasmPath = resolve(jsDir, wasmFile);
  const stamp = stampOf([wasmPath, resolve(jsDir, "witness_calculator.js")]);
  const cached = generators.get(wasmPath);
  if (cached && cached.stamp === stamp) return cached.generator;
  const entry = { stamp, generator: loadWitnessGenerator(jsDir, wasmFile) };
  generators.set(wasmPath, entry);
  // A failed load is not cached: the next call tries again.
  entry.generator.catch(() => {
    if (generators.get(wasmPath) === entry) generators.delete(wasmPath);
  });
  return entry.generator;
}

export async function calculateWitness(
  jsDir: string,
  wasmFile: string,
  inputs: Inputs,
): Promise<bigint[]> {
  return (await witnessGenerator(jsDir, wasmFile)).calculate(inputs);
}
