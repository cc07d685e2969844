/**
 * The native validator and the circuit agree on every example transcript: for each example, a
 * segment sized for all its transcripts is compiled, and each transcript, valid or not, is laid
 * out and run through the witness generator and the R1CS checker. Valid ones must satisfy the
 * constraints; invalid ones must be rejected, by a failed constraint or, for a setup block in
 * the private part, by the layout itself (setup rules have no private slots).
 * Transcripts of more than 100 blocks are left out (their circuits take minutes to compile).
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compileProgram, type SegmentShape } from "../src/circuits/index.js";
import {
  checkRuleFile,
  readTranscript,
  validateTranscript,
  type Transcript,
} from "../src/index.js";
import { lowerRuleSet } from "../src/lower/index.js";
import { calculateWitness, WitnessError } from "../src/witness/calculator.js";
import { segmentInputs, SegmentCapacityError } from "../src/witness/inputs.js";
import { checkR1cs, readR1cs } from "../src/witness/r1cs.js";
import { shapeFor } from "./differential-harness.js";
import { freshWitness } from "./support/fresh-witness.js";

const LIMIT = 100;
const scratch = mkdtempSync(join(tmpdir(), "bmc-agree-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const list = (dir: string) =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith(".bmt"))
        .map((f) => join(dir, f))
    : [];

for (const name of readdirSync("examples").sort()) {
  const rulesPath = join("examples", name, `${name}.bm`);
  if (!existsSync(rulesPath)) continue;
  const ruleSet = checkRuleFile(rulesPath).ruleSet!;
  const transcripts = [...list(join("examples", name)), ...list(join("examples", name, "invalid"))]
    .map((path) => ({ path, t: readTranscript(path, ruleSet).transcript! }))
    .filter(({ t }) => t && t.blockCount <= LIMIT);
  if (transcripts.length === 0) continue;

  describe(`examples/${name}: validator and circuit agree`, () => {
    const program = lowerRuleSet(ruleSet).program!;
    // Enough slots for every transcript; setup rules public only.
    const shape = shapeFor(
      program,
      transcripts.map(({ t }) => t),
    );
    const build = join(scratch, name);
    let compiled: Promise<unknown> | undefined;
    const ready = () =>
      (compiled ??= compileProgram(program, {
        rulesFile: rulesPath,
        outDir: build,
        shape,
      }).then((r) => {
        expect(r.circom?.errors).toEqual([]);
        expect(r.ok).toBe(true);
        return r;
      }));

    for (const { path, t } of transcripts) {
      it(
        path,
        async () => {
          await ready();
          const validation = validateTranscript(t as Transcript);
          let inputs;
          try {
            inputs = segmentInputs(
              program,
              { uniqueSlots: uniqueSlotsOf(program, shape) },
              shape,
              t,
              validation,
              {
                allowInvalid: true,
                main: "groth16",
              },
            );
          } catch (error) {
            // Only a setup block outside the public part can fail to fit this segment.
            expect(error).toBeInstanceOf(SegmentCapacityError);
            expect(validation.errors.map((e) => e.code)).toContain("BM0304");
            return;
          }
          const witness = await calculateWitness(
            join(build, "groth16_js"),
            "groth16.wasm",
            inputs,
          ).catch((e: unknown) => e);
          // The build's generator is compiled once and instantiated per witness: the same
          // witness, or the same error and place, as a generator compiled for this one alone.
          const fresh = await freshWitness(join(build, "groth16_js"), "groth16.wasm", inputs);
          if (Array.isArray(fresh)) expect(witness).toEqual(fresh);
          else expect(witness).toMatchObject({ ...fresh });
          if (validation.valid) {
            expect(Array.isArray(witness)).toBe(true);
            expect(checkR1cs(readR1cs(join(build, "groth16.r1cs")), witness as bigint[])).toEqual({
              ok: true,
            });
          } else {
            expect(witness).toBeInstanceOf(WitnessError);
          }
        },
        180_000,
      );
    }
  });
}

function uniqueSlotsOf(
  program: ReturnType<typeof lowerRuleSet>["program"] & object,
  shape: SegmentShape,
): number {
  let n = 0;
  for (const r of program.rules) {
    n += ((shape.slots[r.name] ?? 0) + (shape.publicSlots[r.name] ?? 0)) * r.uniques.length;
  }
  return n;
}
