/**
 * Shared slots (src/circuits/groups.ts): one slot runs any rule of a group of rules of one shape,
 * chosen by a selector whose tuple (selector, group, constants) is looked up in the rule table
 * the circuit fixes. Dishonest witnesses are built without the validator: the adversary's witness
 * generator is circom's with its asserts switched off, so every wire is computed and bmc's R1CS
 * checker is the judge. Rejected:
 * - a selector outside the group (with its own rule's constants, and with the group's);
 * - a selector that names rule A while the constants of rule B are used;
 * - a claim produced under the wrong rule (the values of inc2 in a slot that selects inc1);
 * - a wrong multiplicity in the rule table.
 * And every internal signal of the fold main, perturbed, fails a constraint.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  circuitDigest,
  compileProgram,
  MANIFEST_VERSION,
  parseManifest,
} from "../src/circuits/index.js";
import { proveFold, verifyFoldProof } from "../src/prove/index.js";
import { ruleGroups } from "../src/circuits/groups.js";
import { sizedShape } from "../src/circuits/sizing.js";
import { P } from "../src/field/index.js";
import {
  checkRuleFile,
  parseTranscript,
  SourceFile,
  validateTranscript,
  type RuleSet,
} from "../src/index.js";
import { lowerRuleSet, type LoweredProgram } from "../src/lower/index.js";
import { planSegments } from "../src/prove/fold/segments.js";
import { addLimbs, segmentInputs, type CircuitInputs } from "../src/witness/inputs.js";
import { checkR1cs, constraintHolds, constraintsByWire, readSym } from "../src/witness/r1cs.js";
import { lenientWitness } from "./support/lenient-witness.js";
import { compileSegment, type CompiledSegment } from "./differential-harness.js";

const RULES = `
relation ok(x).
relation tagged(t, x).
unique relation name(x).
unique relation label(x).
rule base(x): ok(x) -: x < 4.
rule inc1(x; y): ok(x) -: ok(y), x == y + 1.
rule inc2(x; y): ok(x) -: ok(y), x == y + 2.
rule mark3(x): tagged(3, x) -: ok(x).
rule mark5(x): tagged(5, x) -: ok(x).
rule def(x): unique name(x), ok(x) -: .
rule def2(x): unique label(x), ok(x) -: .
rule goal(t, x): -: tagged(t, x).
`;
const SHAPE = {
  slots: { base: 1 },
  publicSlots: { goal: 1 },
  shared: { inc1: 4, mark3: 2, def: 2 },
};
const HONEST = `public:
  goal(3, 2)
private:
  base(0)
  inc1(1; 0)
  inc2(2; 0)
  inc1(3; 2)
  mark3(2)
  mark5(3)
  def(7)
  def2(9)
`;
const CHALLENGES = { a: 123456789n, b: 987654321987654321n };

const scratch = mkdtempSync(join(tmpdir(), "bmc-shared-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let rules: RuleSet;
let program: LoweredProgram;
let c: CompiledSegment;
const index = (name: string) => program.rules.find((r) => r.name === name)!.index;
beforeAll(async () => {
  const dir = join(scratch, "rules");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "rules.bm"), RULES);
  rules = checkRuleFile(join(dir, "rules.bm")).ruleSet!;
  program = lowerRuleSet(rules).program!;
  const compiled = await compileSegment(program, SHAPE, dir, { groth16: true });
  if ("error" in compiled) throw new Error(compiled.error);
  c = compiled;
}, 300_000);

function layout(text = HONEST, main: "fold" | "groth16" = "fold"): any {
  const t = parseTranscript(new SourceFile("t.bmt", text), rules).transcript!;
  const v = validateTranscript(t);
  expect(v.valid).toBe(true);
  return segmentInputs(program, c.emitted, c.shape, t, v, { main });
}

/** Does the fold main's R1CS hold with A = B = 0 (one segment)? Limbs laid out afresh. */
async function foldAccepts(inputs: CircuitInputs): Promise<boolean> {
  addLimbs(program, c.shape, inputs, 0n);
  const w = await lenientWitness(c.fold, { ...inputs, ...CHALLENGES, u_in: 0n });
  return checkR1cs(c.fold.r1cs, w).ok && w[1] === 0n && w[2] === 0n;
}

/** The row of rule `name` in the rule table (groups in order, members in order). */
function row(name: string): number {
  let at = 0;
  for (const g of ruleGroups(program)) {
    if (!(g.leader in SHAPE.shared)) continue;
    const i = g.members.indexOf(index(name));
    if (i >= 0) return at + i;
    at += g.members.length;
  }
  throw new Error(`${name} has no row`);
}

/** The shared slot of the inc group holding the block whose first value is `x`. */
function incSlot(inputs: any, x: bigint): number {
  const s = `s${index("inc1")}`;
  const k = (inputs[`${s}_x`] as bigint[][]).findIndex(
    (v, i) => inputs[`${s}_en`][i] === 1n && v[0] === x,
  );
  expect(k).toBeGreaterThanOrEqual(0);
  return k;
}

describe("rules of one shape", () => {
  it("are grouped by their lowered constraints up to constants", () => {
    const groups = ruleGroups(program).map((g) => ({
      members: g.members.map((r) => program.rules[r].name),
      params: g.params,
    }));
    expect(groups).toEqual([
      { members: ["inc1", "inc2"], params: 1 },
      { members: ["mark3", "mark5"], params: 1 },
      { members: ["def", "def2"], params: 1 },
    ]);
  });

  it("sizing shares slots where it pays and keeps a rule's own slots otherwise", () => {
    // Ten segments: def and def2 would take a slot each in every segment, shared they take one.
    const shape = sizedShape(program, { def: 5, def2: 5, base: 30 }, { goal: 1 }, 10);
    expect(shape.shared).toEqual({ def: 1 });
    expect(shape.slots).toEqual({ base: 3 });
    expect(shape.publicSlots).toEqual({ goal: 1 });
    // In one segment, slots per rule waste nothing: sharing would only add its lookup.
    expect(sizedShape(program, { def: 5, def2: 5 }, {}, 1).shared).toBe(undefined);
    expect(sizedShape(program, { def: 5, def2: 5 }, {}, 10, { share: false }).shared).toBe(
      undefined,
    );
    // Blocks that must be in the first segment get room there, shared or not.
    const first = { def: 3, def2: 2, base: 5 };
    const roomy = sizedShape(program, { def: 5, def2: 5, base: 30 }, {}, 10, {
      firstSegment: first,
    });
    expect(roomy.shared).toEqual({ def: 5 });
    expect(roomy.slots).toEqual({ base: 5 });
  });

  it("the planner fills a rule's own slots, then its group's shared ones", () => {
    const t = parseTranscript(new SourceFile("t.bmt", HONEST), rules).transcript!;
    const plan = planSegments({ program, shape: SHAPE }, t, validateTranscript(t));
    expect(plan.blocks.length).toBe(1);
    const small = { ...SHAPE, shared: { inc1: 1, mark3: 2, def: 2 } };
    expect(planSegments({ program, shape: small }, t, validateTranscript(t)).blocks.length).toBe(3);
  });
});

describe("shared slots, fold main", () => {
  it("the honest layout is accepted, and by the Groth16 main too", async () => {
    expect(await foldAccepts(layout())).toBe(true);
    const w = await lenientWitness(c.groth16!, layout(HONEST, "groth16"));
    expect(checkR1cs(c.groth16!.r1cs, w).ok).toBe(true);
  }, 120_000);

  it("constrains every internal signal", async () => {
    const inputs = layout();
    addLimbs(program, c.shape, inputs, 0n);
    const w = await lenientWitness(c.fold, { ...inputs, ...CHALLENGES, u_in: 0n });
    const r1cs = c.fold.r1cs;
    expect(checkR1cs(r1cs, w).ok).toBe(true);
    const names = readSym(c.fold.sym);
    const by = constraintsByWire(r1cs);
    const first = 1 + r1cs.nPubOut;
    const free: string[] = [];
    let sharedWires = 0;
    for (let wire = 1; wire < r1cs.nWires; wire++) {
      if (wire >= first && wire < first + r1cs.nPubIn + r1cs.nPrvIn) continue;
      const name = names.get(wire) ?? `wire ${wire}`;
      if (/\.shared\d+\.|ruleRow/.test(name)) sharedWires++;
      const perturbed = w.slice();
      perturbed[wire] = (w[wire] + 1n) % P;
      if (by[wire].every((k) => constraintHolds(r1cs.constraints[k], perturbed))) free.push(name);
    }
    expect(sharedWires).toBeGreaterThan(20);
    expect(free).toEqual([]);
  }, 120_000);

  it("a selector outside the group", async () => {
    const s = `s${index("inc1")}`;
    // mark3's own selector and constant (a row of the table, but of another group).
    const inputs = layout();
    const k = incSlot(inputs, 1n); // inc1(1; 0), whose ok(1) nothing uses
    inputs[`${s}_sel`][k] = BigInt(index("mark3"));
    inputs[`${s}_k`][k] = [3n];
    inputs[`${s}_x`][k] = [3n, 0n]; // ok(3) from ok(0) by x == y + 3: no rule says so
    inputs.rule_m[row("inc1")] -= 1n;
    inputs.rule_m[row("mark3")] += 1n;
    expect(await foldAccepts(inputs)).toBe(false);
    // A rule of no group (base), with the group's constants.
    const other = layout();
    other[`${s}_sel`][incSlot(other, 3n)] = BigInt(index("base"));
    other.rule_m[row("inc1")] -= 1n;
    expect(await foldAccepts(other)).toBe(false);
  }, 120_000);

  it("a selector that names rule A while the constants of rule B are used", async () => {
    const s = `s${index("inc1")}`;
    const inputs = layout();
    const k = incSlot(inputs, 3n); // inc1(3; 2)
    inputs[`${s}_k`][k] = [2n]; // inc2's constant: 3 == 2 + 2 fails, so take y = 1
    inputs[`${s}_x`][k] = [3n, 1n];
    // The multiplicities to match: inc1(1; 0)'s ok(1) is used once, inc2(2; 0)'s ok(2) once less.
    inputs[`${s}_m`][incSlot(inputs, 1n)] = [1n];
    inputs[`${s}_m`][incSlot(inputs, 2n)] = [1n];
    expect(await foldAccepts(structuredClone(inputs))).toBe(false);
    // The multiplicities as if the slot had selected inc2.
    inputs.rule_m[row("inc1")] -= 1n;
    inputs.rule_m[row("inc2")] += 1n;
    expect(await foldAccepts(inputs)).toBe(false);
  }, 120_000);

  it("a claim produced under the wrong rule", async () => {
    const s = `s${index("inc1")}`;
    const inputs = layout();
    const k = incSlot(inputs, 2n); // inc2(2; 0), selected as inc1 with inc1's constant
    inputs[`${s}_sel`][k] = BigInt(index("inc1"));
    inputs[`${s}_k`][k] = [1n];
    inputs.rule_m[row("inc2")] -= 1n;
    inputs.rule_m[row("inc1")] += 1n;
    expect(await foldAccepts(inputs)).toBe(false);
  }, 120_000);

  it("a wrong multiplicity in the rule table", async () => {
    const inputs = layout();
    inputs.rule_m[row("inc2")] += 1n;
    expect(await foldAccepts(inputs)).toBe(false);
    const moved = layout();
    moved.rule_m[row("inc2")] -= 1n;
    moved.rule_m[row("inc1")] += 1n;
    expect(await foldAccepts(moved)).toBe(false);
  }, 120_000);
});

describe("a manifest's shared slots", () => {
  /** A manifest as compileProgram writes it, for this shape (the files are not read here). */
  function manifestText(shape: typeof SHAPE | Record<string, unknown>): string {
    const emitted = c.emitted;
    const digest = "0".repeat(64);
    const files = {
      r1cs: "fold.r1cs",
      wasm: "fold_js/fold.wasm",
      sym: "fold.sym",
      main: "circuits/fold.circom",
      sha256: { "fold.r1cs": digest, "fold_js/fold.wasm": digest, "fold.sym": digest },
    };
    const manifest = {
      version: MANIFEST_VERSION,
      rulesDigest: program.rulesDigest,
      circuitDigest: circuitDigest(emitted.files),
      rulesFile: "rules.bm",
      program,
      shape,
      slots: emitted.slots,
      publicInputs: emitted.publicInputs,
      preChallenge: emitted.preChallenge,
      uniqueSlots: emitted.uniqueSlots,
      files,
    };
    return JSON.stringify(manifest, (_, v) => (typeof v === "bigint" ? v.toString() : v));
  }

  it("are read back; a key that names no group is refused", () => {
    expect(parseManifest(manifestText(SHAPE)).shape.shared).toEqual(SHAPE.shared);
    // inc2 is in a group, but does not name it (groups are named by their first rule): the
    // circuit would be the same, so only this check refuses the manifest.
    const renamed = { ...SHAPE, shared: { ...SHAPE.shared, inc2: 1 } };
    expect(() => parseManifest(manifestText(renamed))).toThrow(/`inc2` names no group of rules/);
    expect(() => parseManifest(manifestText({ ...SHAPE, shared: { def: -1 } }))).toThrow(
      /shape\.shared\.def/,
    );
  });

  it("an older manifest is refused by its version", () => {
    const old = manifestText(SHAPE).replace(`"version":${MANIFEST_VERSION}`, '"version":3');
    expect(() => parseManifest(old)).toThrow(/manifest version 3; this bmc reads version 4/);
  });
});

describe("a folded proof over shared slots", () => {
  it("proves and verifies a transcript spread over several segments by its shared slots", async () => {
    // One shared slot per group and base's own: the eight private blocks take four segments.
    const shape = {
      slots: { base: 1 },
      publicSlots: { goal: 1 },
      shared: { inc1: 1, mark3: 1, def: 1 },
    };
    const dir = join(scratch, "fold");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "rules.bm"), RULES);
    writeFileSync(join(dir, "t.bmt"), HONEST);
    const build = join(dir, "build");
    const compiled = await compileProgram(program, {
      rulesFile: join(dir, "rules.bm"),
      outDir: build,
      shape,
      optimize: 1,
    });
    expect(compiled.ok).toBe(true);
    const proved = await proveFold(build, join(dir, "t.bmt"));
    expect(proved.diagnostics).toEqual([]);
    expect(proved.segments).toBeGreaterThanOrEqual(3);
    const verified = await verifyFoldProof(build, proved.proof);
    expect(verified.reason).toBeUndefined();
    expect(verified.valid).toBe(true);
  }, 300_000);
});
