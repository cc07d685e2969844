/**
 * Every disagreement the differential fuzzer (test/differential.test.ts) found between the
 * circuit and the validator, kept as a named case: the rule file and the transcript inline, the
 * transcript laid out without the validator's verdict (test/differential-harness.ts), in the
 * fold main (one segment) and in the Groth16 main.
 *
 * The expectation is the fuzzer's property: the circuit accepts exactly when the validator
 * does. A rule file that `bmc check` now rejects outright also settles the case (nobody can
 * compile it), and the test then says which error it gets.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  checkRuleFile,
  hasErrors,
  parseTranscript,
  SourceFile,
  validateTranscript,
} from "../src/index.js";
import { P } from "../src/field/index.js";
import { lowerRuleSet } from "../src/lower/index.js";
import { challenges, compileSegment, segmentVerdict, shapeFor } from "./differential-harness.js";
import { Random } from "./generate/random.js";

const scratch = mkdtempSync(join(tmpdir(), "bmc-diffreg-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Regression {
  readonly name: string;
  readonly rules: string;
  readonly transcript: string;
  /** What the validator says (the reference semantics). */
  readonly valid: boolean;
  /** The dishonest prover's change to the laid-out inputs, if any. */
  readonly edit?: (inputs: any) => void;
  /** When `bmc check` rejects the rules, one error must point at this text (the culprit). */
  readonly culprit?: string;
}

const REGRESSIONS: Regression[] = [
  {
    // Issue 10: `x < C` with a literal C >= 2^40 never holds, but the circuit range-checked
    // only x and the gap C - x - 1, not the constant.
    name: "x < 2^40 with x = 2^40 - 1 (a constant operand of 2^40 was not range checked)",
    rules: `relation p(a).
rule r0(x): p(x) -: x < 1099511627776.
rule goal(x): -: p(x).
`,
    transcript: `public:
  goal(1099511627775)
private:
  r0(1099511627775)
`,
    valid: false,
    culprit: "1099511627776",
  },
  {
    // The mirror image: p - 1 on the left of `<` (field element p - 1 is not below 2^40).
    name: "p - 1 < x with x = 0",
    rules: `relation p(a).
rule r0(x): p(x) -: 21888242871839275222246405745257275088548364400416034343698204186575808495616 < x.
`,
    transcript: `private:
  r0(0)
`,
    valid: false,
    culprit: "21888242871839275222246405745257275088548364400416034343698204186575808495616",
  },
  {
    // Issue 10: a unique claim with a literal argument >= 2^40 got no range check; with a
    // wider unique relation in the rule set its packing still fits the sorted list's bound.
    name: "unique u(2^40) next to a wider unique relation (a constant unique argument was not range checked)",
    rules: `unique relation u(a).
unique relation v(a, b).
rule r0(): unique u(1099511627776) -: .
rule r1(x): unique v(x, x) -: .
`,
    transcript: `private:
  r0()
`,
    valid: false,
    culprit: "1099511627776",
  },
  {
    // Found by the differential fuzzer (rule file seed 64626292, before the fix): the same
    // hole with `<=`, a hex constant, in a rule whose hypothesis is a sort's constructor.
    name: "fuzz 64626292: 3 <= 0x10000000000 in a rule over a sort",
    rules: `sort s = c0.
relation p0(a0).
rule r0(): c0(c0()), s(c0(), c0()) -: 21888242871839275222246405745257275088548364400416034343698204186575808495616 < 3.
rule r1(): s(1, 3) -: c0(_), 3 <= 0x10000000000.
`,
    transcript: `private:
  def_c0(15)
  r1()
`,
    valid: false,
    culprit: "0x10000000000",
  },
  {
    // A layout edit rather than a fuzzer find: with an enable bit of p - 1 (that is, -1) a
    // slot's hypothesis enters the LogUp sum with the sign of a conclusion, and cancels the
    // public goal's demand. Only `en * (en - 1) = 0` stops it (a conclusion's multiplicity is
    // forced to 0 unless en = 1, so en = -1 cannot be used to conclude anything directly).
    name: "an enable bit of p - 1 turns a slot's hypothesis into a conclusion",
    rules: `relation p(a).
rule goal(x): -: p(x).
`,
    transcript: `public:
  goal(5)
private:
  goal(5)
`,
    valid: false,
    edit: (inputs) => {
      inputs.r0_en[0] = P - 1n;
    },
  },
];

describe("differential regressions: the circuit accepts exactly when the validator does", () => {
  for (const r of REGRESSIONS) {
    it(
      r.name,
      async () => {
        const checked = checkRuleFile("regression.bm", {
          entryText: r.rules,
          host: { readFile: () => undefined },
        });
        if (hasErrors(checked.diagnostics)) {
          // Rejected before any circuit exists: an error must point at the culprit.
          const spans = checked.diagnostics
            .filter((d) => d.severity === "error" && d.span)
            .map((d) => r.rules.slice(d.span!.start, d.span!.end));
          expect(r.culprit).toBeDefined();
          expect(
            spans.some((text) => text.includes(r.culprit!)),
            spans.join(" | "),
          ).toBe(true);
          return;
        }
        const ruleSet = checked.ruleSet!;
        const transcript = parseTranscript(
          new SourceFile("r.bmt", r.transcript),
          ruleSet,
        ).transcript!;
        const validation = validateTranscript(transcript);
        expect(validation.valid).toBe(r.valid);
        const program = lowerRuleSet(ruleSet).program!;
        const c = await compileSegment(
          program,
          shapeFor(program, [transcript]),
          join(scratch, r.name.replace(/\W+/g, "-").slice(0, 40)),
          { groth16: true },
        );
        if ("error" in c) throw new Error(c.error);
        for (const main of ["fold", "groth16"] as const) {
          const verdict = await segmentVerdict(c, transcript, validation, {
            main,
            challenges: challenges(new Random(3)),
            edit: r.edit,
          });
          expect(verdict.accepted, `${main} main: ${verdict.reason}`).toBe(r.valid);
        }
      },
      180_000,
    );
  }
});
