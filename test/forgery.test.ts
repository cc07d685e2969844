/**
 * The two forgeries of the attacker's review, and their neighbours that the fix must not open.
 *
 * 1. `x < C` with a literal C >= 2^40: the validator says "never holds", but the circuit used to
 *    range-check only x and the gap C - x - 1, so x = 2^40 - 1 passed. `p - 1 < x` and
 *    `x <= C` behaved alike.
 * 2. A unique claim with a literal argument >= 2^40 got no range check: its packing overlaps
 *    the next argument's bits, so two different claims could pack to one value.
 *
 * Now constant operands are evaluated when rules are checked: such rules are refused by
 * `bmc check` and `bmc compile` (BM0115, BM0123), and by lowering for a RuleSet that did not
 * come through the checker. The same comparisons with the value in a variable are range-checked
 * in the circuit: dishonest witnesses built without the validator fail both mains (Groth16 and
 * fold).
 */
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { compileProgram, type SegmentShape } from "../src/circuits/index.js";
import { ORDER_BOUND, P } from "../src/field/index.js";
import {
  checkRuleFile,
  parseTranscript,
  SourceFile,
  validateTranscript,
  type Constraint,
  type RuleSet,
} from "../src/index.js";
import { lowerRuleSet, type LoweredProgram } from "../src/lower/index.js";
import { calculateWitness } from "../src/witness/calculator.js";
import { segmentInputs } from "../src/witness/inputs.js";
import { checkR1cs, readR1cs } from "../src/witness/r1cs.js";
import { runBmc, scratchFolders } from "./fixtures.js";

const folder = scratchFolders("bmc-forgery-");
const TWO_40 = ORDER_BOUND.toString();

const FORGERIES: Record<string, { rules: string; code: string }> = {
  "x < C, C = 2^40": {
    rules: `relation ok(x).\nrule lt(x): ok(x) -: x < ${TWO_40}.\nrule demand(x): -: ok(x).\n`,
    code: "BM0115",
  },
  "x <= C, C = 2^40": {
    rules: `relation ok(x).\nrule le(x): ok(x) -: x <= ${TWO_40}.\nrule demand(x): -: ok(x).\n`,
    code: "BM0115",
  },
  "p - 1 < x": {
    rules: `relation ok(x).\nrule gt(x): ok(x) -: ${P - 1n} < x.\nrule demand(x): -: ok(x).\n`,
    code: "BM0115",
  },
  "x < 0 - 1 (a constant expression)": {
    rules: `relation ok(x).\nrule lt(x): ok(x) -: x < 0 - 1.\nrule demand(x): -: ok(x).\n`,
    code: "BM0115",
  },
  "unique name(2^40)": {
    rules: `unique relation name(x, y).\nrelation ok(x).\nrule def(y): unique name(${TWO_40}, y), ok(y) -: .\nrule demand(x): -: ok(x).\n`,
    code: "BM0123",
  },
};

describe("the forged rule files are refused", () => {
  for (const [name, { rules, code }] of Object.entries(FORGERIES)) {
    it(`${name}: bmc check and bmc compile exit 1 with ${code}`, async () => {
      const dir = folder({ "rules.bm": rules });
      const check = await runBmc("check", join(dir, "rules.bm"));
      expect(check.code).toBe(1);
      expect(check.stderr + check.stdout).toContain(`error[${code}]`);
      const compile = await runBmc("compile", join(dir, "rules.bm"), "-o", join(dir, "build"));
      expect(compile.code).toBe(1);
      expect(compile.stderr + compile.stdout).toContain(code);
    });
  }

  it("lowering refuses them too, for a RuleSet that did not come through the checker", () => {
    // Check a rule with the bound in a variable, then put the literal where the variable was.
    const dir = folder({ "rules.bm": "relation ok(x).\nrule lt(x, c): ok(x) -: x < c.\n" });
    const ruleSet = checkRuleFile(join(dir, "rules.bm")).ruleSet!;
    const c = ruleSet.rules[0].constraints[0];
    const literal = (value: bigint): Constraint => ({
      ...c,
      right: { kind: "int", value, span: c.right.span },
    });
    const withBound = (value: bigint): RuleSet => ({
      ...ruleSet,
      rules: [{ ...ruleSet.rules[0], constraints: [literal(value)] }],
    });
    expect(lowerRuleSet(withBound(ORDER_BOUND - 1n)).program).toBeDefined();
    const refused = lowerRuleSet(withBound(ORDER_BOUND));
    expect(refused.program).toBeUndefined();
    expect(refused.diagnostics.map((d) => d.code)).toEqual(["BM0115"]);
  });
});

// The same comparisons with the bound in a (shown) variable, so the rules compile; a dishonest
// prover then puts an out-of-range value there and skips the validator.
const VARIABLE_RULES = `
relation ok(x).
unique relation name(x, y).
rule lt(x, c): ok(x) -: x < c.
rule le(x, c): ok(x) -: x <= c.
rule gt(x, c): ok(x) -: c < x.
rule def(x, y): unique name(x, y), ok(y) -: .
rule demand(x): -: ok(x).
`;
const shape: SegmentShape = {
  slots: { lt: 1, le: 1, gt: 1, def: 2, demand: 1 },
  publicSlots: { lt: 0, le: 0, gt: 0, def: 0, demand: 1 },
};

describe("with the bound in a variable, the circuits reject out-of-range values", () => {
  let dir: string;
  let program: LoweredProgram;
  let rules: RuleSet;
  beforeAll(async () => {
    dir = folder({ "rules.bm": VARIABLE_RULES });
    rules = checkRuleFile(join(dir, "rules.bm")).ruleSet!;
    program = lowerRuleSet(rules).program!;
    const compiled = await compileProgram(program, {
      rulesFile: join(dir, "rules.bm"),
      outDir: join(dir, "build"),
      shape,
    });
    expect(compiled.circom?.errors).toEqual([]);
  }, 180_000);

  /** Satisfied by the Groth16 main, and by the fold main with arbitrary challenges? */
  async function satisfied(transcript: string): Promise<{ groth16: boolean; fold: boolean }> {
    const t = parseTranscript(new SourceFile("t.bmt", transcript), rules).transcript!;
    const validation = validateTranscript(t);
    const run = async (main: "groth16" | "fold", extra: Record<string, bigint>) => {
      const inputs = segmentInputs(program, { uniqueSlots: 2 }, shape, t, validation, {
        allowInvalid: true,
        main,
      });
      const build = join(dir, "build");
      const w = await calculateWitness(join(build, `${main}_js`), `${main}.wasm`, {
        ...inputs,
        ...extra,
      }).catch(() => undefined);
      return w !== undefined && checkR1cs(readR1cs(join(build, `${main}.r1cs`)), w).ok;
    };
    return {
      groth16: await run("groth16", {}),
      fold: await run("fold", { a: 7n, b: 11n, u_in: 0n }),
    };
  }

  // [name, the demanded x, private blocks, valid?]
  const cases: [string, bigint, string[], boolean][] = [
    ["honest x < c", 5n, ["lt(5, 6)"], true],
    [
      "x < c with c = 2^40 + 5, x = 2^40 - 1",
      ORDER_BOUND - 1n,
      [`lt(${ORDER_BOUND - 1n}, ${ORDER_BOUND + 5n})`],
      false,
    ],
    [
      "x <= c with c = 2^40, x = 2^40 - 1",
      ORDER_BOUND - 1n,
      [`le(${ORDER_BOUND - 1n}, ${ORDER_BOUND})`],
      false,
    ],
    ["c < x with c = p - 1, x = 0", 0n, [`gt(0, ${P - 1n})`], false],
    ["honest unique name(1, 5)", 5n, ["def(1, 5)"], true],
    // name(2^40, 5) packs like name(0, 6): a duplicate the sorted list could not see.
    ["unique name(2^40, 5) beside name(0, 6)", 5n, ["def(0, 6)", `def(${ORDER_BOUND}, 5)`], false],
  ];
  for (const [name, x, blocks, valid] of cases) {
    it(`${name}: ${valid ? "accepted" : "rejected"} by the validator and both circuits`, async () => {
      const text = `public:\n  demand(${x})\nprivate:\n${blocks.map((b) => `  ${b}\n`).join("")}`;
      const t = parseTranscript(new SourceFile("t.bmt", text), rules).transcript!;
      expect(validateTranscript(t).valid).toBe(valid);
      expect(await satisfied(text)).toEqual({ groth16: valid, fold: valid });
    }, 60_000);
  }
});
