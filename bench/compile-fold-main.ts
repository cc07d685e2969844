/**
 * The fold main of a segment shape, emitted into a folder and compiled there with circom2 at
 * --O2 (the level `bmc prove --metamath` compiles at), without the rest of a build folder: for
 * benchmarks that only count a circuit's constraints and time its compile.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { writeCircuitSources } from "../src/circuits/index.js";
import { compileCircom } from "../src/circuits/circom.js";
import { emitCircuit, type SegmentShape } from "../src/circuits/emit.js";
import type { LoweredProgram } from "../src/lower/index.js";

export async function compileFoldMain(program: LoweredProgram, shape: SegmentShape, dir: string) {
  const emitted = emitCircuit(program, shape);
  const circuits = join(dir, "circuits");
  mkdirSync(circuits, { recursive: true });
  writeCircuitSources(circuits, emitted);
  return compileCircom({ mainFile: join(circuits, emitted.foldMain), outDir: dir, optimize: 2 });
}
