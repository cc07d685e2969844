/**
 * No under-constrained signal in any example's segment: for every example, a small segment
 * (fitted to its smallest valid transcript, with at least one private slot for every rule that
 * may have one, so that every rule template is in the circuit, enabled or not) is compiled with
 * both mains; on the witness of that transcript, every internal signal and every output is
 * changed alone and some constraint must fail each time. (test/differential.test.ts does the
 * same on fuzzed rule files.)
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  checkRuleFile,
  readTranscript,
  validateTranscript,
  type Transcript,
} from "../src/index.js";
import { lowerRuleSet } from "../src/lower/index.js";
import {
  challenges,
  compileSegment,
  perturbedWireCount,
  segmentVerdict,
  shapeFor,
  unconstrainedSignals,
  type CompiledSegment,
} from "./differential-harness.js";
import { Random } from "./generate/random.js";

const scratch = mkdtempSync(join(tmpdir(), "bmc-signals-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

for (const name of readdirSync("examples").sort()) {
  const rulesPath = join("examples", name, `${name}.bm`);
  if (!existsSync(rulesPath)) continue;
  const ruleSet = checkRuleFile(rulesPath).ruleSet!;
  const program = lowerRuleSet(ruleSet).program!;
  const smallest = readdirSync(join("examples", name))
    .filter((f) => f.endsWith(".bmt"))
    .map((f) => readTranscript(join("examples", name, f), ruleSet).transcript)
    .filter((t): t is Transcript => !!t && validateTranscript(t).valid)
    .sort((x, y) => x.blockCount - y.blockCount)[0];
  if (!smallest) continue;

  describe(`examples/${name}: every signal is constrained`, () => {
    const fitted = shapeFor(program, [smallest]);
    const slots = { ...fitted.slots };
    for (const r of program.rules) if (!r.setup) slots[r.name] = Math.max(1, slots[r.name]);
    const shape = { slots, publicSlots: fitted.publicSlots };
    let compiled: Promise<CompiledSegment> | undefined;
    const ready = () =>
      (compiled ??= compileSegment(program, shape, join(scratch, name), { groth16: true }).then(
        (c) => {
          if ("error" in c) throw new Error(c.error);
          return c;
        },
      ));

    it.each(["fold", "groth16"] as const)(
      `${smallest.file.path}, %s main`,
      async (main) => {
        const c = await ready();
        const verdict = await segmentVerdict(c, smallest, validateTranscript(smallest), {
          main,
          challenges: challenges(new Random(1)),
        });
        expect(verdict.reason).toBe("satisfied");
        const circuit = main === "fold" ? c.fold : c.groth16!;
        expect(unconstrainedSignals(circuit, verdict.witness!)).toEqual([]);
        expect(perturbedWireCount(circuit)).toBeGreaterThan(100);
      },
      300_000,
    );
  });
}
