/**
 * The reference for the cached witness generator (src/witness/calculator.ts): circom's own
 * script loaded with require and run on the .wasm read and compiled afresh for every witness,
 * as bmc did before it compiled each build once.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";

const require = createRequire(import.meta.url);

type Builder = (code: Buffer) => Promise<{
  calculateWitness(inputs: Record<string, unknown>, sanityCheck: boolean): Promise<bigint[]>;
}>;

/** The witness, or circom's error as { message, template, line } the way WitnessError reads it. */
export async function freshWitness(
  jsDir: string,
  wasmFile: string,
  inputs: Record<string, unknown>,
): Promise<bigint[] | { message: string; template?: string; line?: number }> {
  const build = require(resolve(jsDir, "witness_calculator.js")) as Builder;
  const calculator = await build(readFileSync(join(jsDir, wasmFile)));
  try {
    return await calculator.calculateWitness(inputs, true);
  } catch (error) {
    const text = (error as Error).message;
    const at = /Error in template (\w+?)(?:_\d+)? line: (\d+)/.exec(text);
    return {
      message: text.split("\n")[0],
      template: at?.[1],
      line: at ? Number(at[2]) : undefined,
    };
  }
}
