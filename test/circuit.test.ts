/**
 * The segment circuit, compiled for real with circom2 and run with circom's witness generator.
 * Bad witnesses are built directly, bypassing the validator: the constraints alone must reject
 * them. And every witness value that is not an input is perturbed in turn: some constraint
 * must fail each time (no unconstrained signal).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  compileProgram,
  parseManifest,
  type CompileResult,
  type SegmentShape,
} from "../src/circuits/index.js";
import { constraintsBySlot, explainConstraint } from "../src/witness/explain.js";
import { P } from "../src/field/index.js";
import { checkRuleFile, parseTranscript, SourceFile, validateTranscript } from "../src/index.js";
import { lowerRuleSet, type LoweredProgram } from "../src/lower/index.js";
import { calculateWitness, WitnessError, witnessGenerator } from "../src/witness/calculator.js";
import { segmentInputs, type CircuitInputs } from "../src/witness/inputs.js";
import {
  checkR1cs,
  constraintHolds,
  constraintsByWire,
  readR1cs,
  readSym,
  type R1cs,
} from "../src/witness/r1cs.js";
import { SMALL_RULES_FILE, SMALL_TRANSCRIPT } from "./fixtures.js";
import { freshWitness } from "./support/fresh-witness.js";

const RULES = SMALL_RULES_FILE;
const VALID = SMALL_TRANSCRIPT;
const shape: SegmentShape = {
  slots: { modus_ponens: 2, def_atom: 2, def_impl: 1, assert: 0, demand: 1 },
  publicSlots: { modus_ponens: 0, def_atom: 0, def_impl: 0, assert: 2, demand: 1 },
};

let dir: string;
let program: LoweredProgram;
let compiled: CompileResult;
let r1cs: R1cs;

function inputsFor(text: string): CircuitInputs {
  const rules = checkRuleFile(RULES).ruleSet!;
  const parsed = parseTranscript(new SourceFile("t.bmt", text), rules);
  const validation = validateTranscript(parsed.transcript!);
  expect(validation.errors).toEqual([]);
  return segmentInputs(program, compiled.emitted, shape, parsed.transcript!, validation, {
    main: "groth16",
  });
}

const witness = (inputs: CircuitInputs) =>
  calculateWitness(join(dir, "build", "groth16_js"), "groth16.wasm", inputs);

/** Deep copy of the inputs, then an edit: the adversary's own witness. */
function edited(inputs: CircuitInputs, edit: (i: any) => void): CircuitInputs {
  const copy = structuredClone(inputs);
  edit(copy);
  return copy;
}

async function rejected(inputs: CircuitInputs): Promise<WitnessError> {
  const error = await witness(inputs).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WitnessError);
  return error as WitnessError;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "bmc-circuit-"));
  const checked = checkRuleFile(RULES);
  program = lowerRuleSet(checked.ruleSet!).program!;
  compiled = await compileProgram(program, { rulesFile: RULES, outDir: join(dir, "build"), shape });
  expect(compiled.circom?.errors).toEqual([]);
  expect(compiled.ok).toBe(true);
  r1cs = readR1cs(join(dir, "build", "groth16.r1cs"));
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("segment circuit", () => {
  it("accepts the witness of a valid transcript", async () => {
    const w = await witness(inputsFor(VALID));
    expect(checkR1cs(r1cs, w)).toEqual({ ok: true });
  });

  describe("rejects, by its constraints alone,", () => {
    // Slot order: public assert #0, #1, public demand #0, then private modus_ponens #0, #1,
    // def_atom #0, #1, def_impl #0, demand #0. Rule indexes: 0 modus_ponens, 1 def_atom,
    // 2 def_impl, 3 assert, 4 demand.
    it("a hypothesis nobody concludes (a block dropped with its multiplicities)", async () => {
      const bad = edited(inputsFor(VALID), (i) => {
        i.r1_en[1] = 0n; // def_atom(2) gone; def_impl(3, 1, 2) still demands wf_term(2, 0)
        i.r1_m[1] = [0n];
        i.sorted_en[0] = 0n; // and its unique claim leaves the sorted list
        i.sorted[0] = 0n;
        i.sorted.sort((a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0));
        i.sorted_en = i.sorted.map((x: bigint) => (x === 0n ? 0n : 1n));
      });
      const e = await rejected(bad);
      expect(e.template).toBe("Groth16Segment");
    });

    it("a lying multiplicity", async () => {
      const bad = edited(inputsFor(VALID), (i) => {
        i.r2_m[0][0] = i.r2_m[0][0] + 1n; // is_impl(3, 1, 2) claimed used once more
      });
      expect((await rejected(bad)).template).toBe("Groth16Segment");
    });

    it("a disabled slot that still contributes", async () => {
      const bad = edited(inputsFor(VALID), (i) => {
        i.r0_m[1] = [1n]; // the empty modus_ponens slot offers proved(0, 0)
      });
      expect((await rejected(bad)).template).toBe("Rule_modus_ponens");
    });

    it("a violated order constraint, and one across the field wrap-around", async () => {
      const equal = edited(inputsFor(VALID), (i) => {
        i.r0_x[0][4] = 1n; // k1 = k = 1
      });
      expect((await rejected(equal)).template).toBe("RangeCheck");
      const wrapped = edited(inputsFor(VALID), (i) => {
        i.r0_x[0][3] = 0n; // k = 0
        i.r0_x[0][4] = P - 1n; // k1 = p - 1: k - k1 - 1 = 0 in the field
      });
      expect((await rejected(wrapped)).template).toBe("RangeCheck");
    });

    it("a duplicated unique claim, listed once or twice", async () => {
      // Valid: unique claims wf_term(1), wf_term(2), wf_term(3), packed and sorted [p1, p2, p3].
      const base = inputsFor(VALID);
      const [p1, , p3] = base.sorted as bigint[];
      // def_atom(1) twice (instead of def_atom(2), whose claims nobody needs then)...
      const duplicate = (i: any) => {
        i.r1_x[1] = [1n];
        i.r1_m[1] = [0n];
      };
      // ...listed twice: the sorted list is not strictly increasing;
      await rejected(edited(base, (i) => (duplicate(i), (i.sorted = [p1, p1, p3]))));
      // listed once: the list is no permutation of the emitted claims.
      await rejected(
        edited(
          base,
          (i) => (duplicate(i), (i.sorted = [0n, p1, p3]), (i.sorted_en = [0n, 1n, 1n])),
        ),
      );
    });

    it("a unique claim argument of 2^40 or more", async () => {
      const bad = edited(inputsFor(VALID), (i) => {
        i.r1_x[0] = [1n << 40n];
      });
      expect((await rejected(bad)).template).toBe("RangeCheck");
    });

    it("a public block whose shown value changed", async () => {
      const bad = edited(inputsFor(VALID), (i) => {
        i.pub4_shown[0][0] = 3n; // demand(3) where nothing proves 3
      });
      expect((await rejected(bad)).template).toBe("Groth16Segment");
    });
  });

  it("compiles the witness generator once; a failure after a failure reports only its own", async () => {
    const jsDir = join(dir, "build", "groth16_js");
    const generator = await witnessGenerator(jsDir, "groth16.wasm");
    expect(await witnessGenerator(jsDir, "groth16.wasm")).toBe(generator);
    // circom's error text accumulates in an instance: on a reused one, the second failure's
    // text would still name the first one's template.
    const slot = edited(inputsFor(VALID), (i) => (i.r0_m[1] = [1n]));
    const order = edited(inputsFor(VALID), (i) => (i.r0_x[0][4] = 1n));
    expect((await rejected(slot)).template).toBe("Rule_modus_ponens");
    const second = await rejected(order);
    expect(second.template).toBe("RangeCheck");
    expect(second).toMatchObject(await freshWitness(jsDir, "groth16.wasm", order));
    const valid = inputsFor(VALID);
    expect(await witness(valid)).toEqual(await freshWitness(jsDir, "groth16.wasm", valid));
  });

  it("traces an unsatisfied constraint back to its slot, rule and block", async () => {
    const w = await witness(inputsFor(VALID));
    const names = readSym(join(dir, "build", "groth16.sym"));
    const manifest = parseManifest(readFileSync(join(dir, "build", "manifest.json"), "utf8"));
    // Find the wire of the first range check bit in the first modus_ponens slot and flip it.
    const slot = manifest.slots.findIndex((s) => s.rule === "modus_ponens");
    const wire = [...names].find(([, n]) =>
      n.startsWith(`main.segment.slot${slot}_range0.bits[`),
    )![0];
    const bad = w.slice();
    bad[wire] = 1n - bad[wire];
    const check = checkR1cs(r1cs, bad);
    expect(check.ok).toBe(false);
    const rules = checkRuleFile(RULES).ruleSet!;
    const transcript = parseTranscript(new SourceFile("t.bmt", VALID), rules).transcript!;
    const origin = explainConstraint(
      manifest,
      names,
      (check as { wires: number[] }).wires,
      transcript,
    );
    expect(origin).toMatchObject({
      slot,
      rule: "modus_ponens",
      public: false,
      line: 9,
      part: "range0",
    });
    expect(origin.message).toBe(
      `slot ${slot} (private modus_ponens #0, the block on line 9), in range0`,
    );
  });

  it("counts constraints per slot and rule", () => {
    const names = readSym(join(dir, "build", "groth16.sym"));
    const manifest = parseManifest(readFileSync(join(dir, "build", "manifest.json"), "utf8"));
    const counted = constraintsBySlot(manifest, names, r1cs.constraints);
    expect(counted.perSlot.reduce((a, b) => a + b, 0) + counted.shared).toBe(
      r1cs.constraints.length,
    );
    expect(counted.perRule.modus_ponens.slots).toBe(2);
    // A modus_ponens block: 8 compression products, 4 LogUp inverses, 5 range checks of 41.
    expect(counted.perRule.modus_ponens.constraints).toBe(2 * (8 + 4 + 5 * 41));
  });

  it("constrains every signal that is not an input", async () => {
    const w = await witness(inputsFor(VALID));
    const by = constraintsByWire(r1cs);
    const names = readSym(join(dir, "build", "groth16.sym"));
    const firstInternal = 1 + r1cs.nPubOut + r1cs.nPubIn + r1cs.nPrvIn;
    const free: string[] = [];
    for (let wire = firstInternal; wire < r1cs.nWires; wire++) {
      const perturbed = w.slice();
      perturbed[wire] = (w[wire] + 1n) % P;
      if (by[wire].every((c) => constraintHolds(r1cs.constraints[c], perturbed))) {
        free.push(names.get(wire) ?? `wire ${wire}`);
      }
    }
    expect(free).toEqual([]);
    expect(r1cs.nWires - firstInternal).toBeGreaterThan(1000);
  });
});
