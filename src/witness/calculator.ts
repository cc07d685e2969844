/**
 * Runs the witness generator circom wrote (<name>_js/witness_calculator.js and the .wasm).
 * A fresh instance per witness: the generator's error text accumulates across calls. The
 * script is CommonJS and breaks under "use strict" with array inputs, so it is loaded with
 * require (compileProgram marks its folder as CommonJS).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";

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

const require = createRequire(import.meta.url);

export async function calculateWitness(
  jsDir: string,
  wasmFile: string,
  inputs: Inputs,
): Promise<bigint[]> {
  // require resolves relative paths against this module, not the working folder.
  const build = require(resolve(jsDir, "witness_calculator.js")) as (
    code: Buffer,
  ) => Promise<CircomWitnessCalculator>;
  const calculator = await build(readFileSync(join(jsDir, wasmFile)));
  try {
    return await calculator.calculateWitness(inputs, true);
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    const at = /Error in template (\w+?)(?:_\d+)? line: (\d+)/.exec(text);
    throw new WitnessError(text.split("\n")[0], at?.[1], at ? Number(at[2]) : undefined);
  }
}
