/**
 * Public blocks in every segment of a folded proof (docs/folding.md, "The public layout"): the
 * `fact` blocks of test/fold-public/facts.bm (setup, no unique claims; 2 public slots per
 * segment) fill segment 0's public slots, then segment 1's, and so on. Seven facts open four
 * segments where the private blocks would fit three. The prover and the verifier compute the
 * layout from the statement alone; a proof of another layout, or with fewer segments than its
 * statement needs, is rejected by the verifier on its own.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sizedShape } from "../src/circuits/sizing.js";
import { compileCommand } from "../src/cli/compile.js";
import { checkRuleFile, parseTranscript, SourceFile } from "../src/index.js";
import { lowerRuleSet } from "../src/lower/index.js";
import {
  foldSegments,
  layoutSegments,
  loadFoldCircuit,
  planSegments,
  type FoldCircuit,
  type SegmentInputs,
} from "../src/prove/fold/index.js";
import {
  loadManifest,
  proveFold,
  publicSignalsFor,
  segmentPublicSignals,
  statementOf,
  verifyProofText,
} from "../src/prove/index.js";
import type { StatementBlock } from "../src/prove/proof-file.js";
import { publicLayout } from "../src/prove/statement.js";
import { validateTranscript } from "../src/validate/index.js";
import { segmentInputs } from "../src/witness/inputs.js";
import { cachedFolder, compilerSourceDigest, copyCachedBuild, slotSpec } from "./fixtures.js";

process.env.BMC_CACHE ??= resolve(".cache");

const RULES = "test/fold-public/facts.bm";
const SLOTS = { first: 1, next: 2 };
const PUBLIC = { fact: 2, goal: 1 };

const UNBALANCED =
  "the segments' accumulators do not balance: the sum of their commitments D is not a commitment to A = B = 0";

/**
 * A chain 0 -> 1 -> ... -> n stated as public facts, the goals (public), and the private blocks
 * that walk it; `extra` private blocks are appended as given.
 */
function chainText(n: number, goals: readonly number[], extra: readonly string[] = []): string {
  const facts = Array.from({ length: n }, (_, i) => `  fact(${i}, ${i + 1})`);
  const steps = Array.from(
    { length: n - 1 },
    (_, i) => `  next(${i + 2}; ${i + 1}, ${i + 2}, ${i + 1})`,
  );
  return [
    "public:",
    ...facts,
    ...goals.map((g) => `  goal(${g})`),
    "private:",
    "  first(1)",
    ...steps,
    ...extra,
    "",
  ].join("\n");
}

function read(text: string) {
  const ruleSet = checkRuleFile(RULES).ruleSet!;
  const transcript = parseTranscript(new SourceFile("t.bmt", text), ruleSet).transcript!;
  return { ruleSet, transcript, validation: validateTranscript(transcript) };
}

let dir: string;
let build: string;
let circuit: FoldCircuit;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "bmc-fold-public-"));
  build = join(dir, "build");
  const [slots, publicSlots] = [slotSpec(RULES, SLOTS), slotSpec(RULES, PUBLIC)];
  const digest = compilerSourceDigest(readFileSync(RULES, "utf8"), slots, publicSlots);
  const compiled = await cachedFolder(`fold-public-build-${digest}`, async (into) => {
    const r = await compileCommand({ rulesPath: RULES, outDir: into, slots, publicSlots });
    expect(r.diagnostics).toEqual([]);
  });
  copyCachedBuild(compiled, build, RULES);
  circuit = loadFoldCircuit(build, loadManifest(build));
}, 600_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the public layout", () => {
  const program = lowerRuleSet(checkRuleFile(RULES).ruleSet!).program!;
  const shape = { slots: SLOTS, publicSlots: PUBLIC };

  it("fills segment 0's public slots of a rule, then segment 1's, in statement order", () => {
    const rules = ["fact", "goal", "fact", "fact", "goal", "fact", "fact"];
    const layout = publicLayout({ program, shape }, rules);
    expect(layout.places).toEqual([
      { segment: 0, slot: 0 },
      { segment: 0, slot: 0 },
      { segment: 0, slot: 1 },
      { segment: 1, slot: 0 },
      { segment: 1, slot: 0 },
      { segment: 1, slot: 1 },
      { segment: 2, slot: 0 },
    ]);
    expect(layout.segments).toBe(3);
  });

  it("keeps the public blocks of a rule with unique claims in segment 0", () => {
    const propositional = lowerRuleSet(
      checkRuleFile("examples/propositional/propositional.bm").ruleSet!,
    ).program!;
    const one = { slots: {}, publicSlots: { def_term_impl: 1, demand: 1 } };
    expect(() =>
      publicLayout({ program: propositional, shape: one }, ["def_term_impl", "def_term_impl"]),
    ).toThrow("the statement has more `def_term_impl` blocks than the circuit's public slots (1)");
    expect(
      publicLayout({ program: propositional, shape: one }, ["demand", "demand"]).segments,
    ).toBe(2);
    // Sized for 2 segments: the definitions all in segment 0's slots, the goals spread.
    const sized = sizedShape(propositional, {}, { def_term_impl: 4, demand: 4 }, 2);
    expect(sized.publicSlots).toEqual({ def_term_impl: 4, demand: 2 });
  });

  it("a statement over more segments than the proof has, or than Groth16's one, is refused", () => {
    const statement = statementOf(read(chainText(7, [7])).transcript);
    expect(() => segmentPublicSignals(circuit.manifest, statement, 3)).toThrow(
      "the statement's `fact` blocks need 4 segments (2 public slots in each), the proof has 3",
    );
    expect(() => publicSignalsFor(circuit.manifest, statement)).toThrow(
      "the statement has more `fact` blocks than the circuit's public slots (2)",
    );
    const slots = segmentPublicSignals(circuit.manifest, statement, 5);
    const names = circuit.manifest.publicInputs;
    const at = (segment: number, name: string) => slots[segment][names.indexOf(name)];
    const fact = program.rules.find((r) => r.name === "fact")!.index;
    // fact(6, 7) is the seventh: segment 3, slot 0; segment 4 is empty.
    expect(at(3, `pub${fact}_shown[0][0]`)).toBe(6n);
    expect(at(3, `pub${fact}_en[1]`)).toBe(0n);
    expect(slots[4].every((v) => v === 0n)).toBe(true);
  });

  it("sizing spreads a setup rule's public blocks, and the planner opens the segments they need", () => {
    const { transcript, validation } = read(chainText(7, [7]));
    const sized = sizedShape(program, { first: 1, next: 6 }, { fact: 7, goal: 1 }, 3);
    expect(sized.publicSlots).toEqual({ fact: 3, goal: 1 });
    expect(planSegments({ program, shape: sized }, transcript, validation).blocks).toHaveLength(3);
    // Two segments' worth of private slots, but four segments' worth of public facts.
    const plan = planSegments(
      { program, shape: { slots: { first: 1, next: 3 }, publicSlots: PUBLIC } },
      transcript,
      validation,
    );
    expect(plan.blocks).toHaveLength(4);
    const facts = plan.blocks.map((blocks) =>
      blocks.filter((b) => transcript.isPublic[b] && transcript.rule[b] === 0),
    );
    expect(facts).toEqual([[0, 1], [2, 3], [4, 5], [6]]);
  });
});

describe("a folded proof with facts in every segment", () => {
  let honest: { statement: StatementBlock[]; segments: SegmentInputs[]; text: string };
  const verify = (text: string) => verifyProofText(build, text);

  /** The honest prover's proof of a layout (its self-checks do not look at the statement). */
  const fold = async (statement: readonly StatementBlock[], segments: readonly SegmentInputs[]) =>
    JSON.stringify(await foldSegments(circuit, statement, segments));

  beforeAll(async () => {
    const file = join(dir, "chain.bmt");
    writeFileSync(file, chainText(7, [7]));
    const proved = await proveFold(build, file);
    expect(proved.diagnostics).toEqual([]);
    const { transcript, validation } = read(chainText(7, [7]));
    honest = {
      statement: statementOf(transcript),
      segments: layoutSegments(circuit, transcript, validation),
      text: JSON.stringify(proved.proof),
    };
  }, 600_000);

  it("proves and verifies in 4 segments (the private blocks would fit 3); the validator agrees", async () => {
    const { validation } = read(chainText(7, [7]));
    expect(validation.valid).toBe(true);
    expect(JSON.parse(honest.text).segments).toHaveLength(4);
    expect(honest.segments).toHaveLength(4);
    const verdict = await verify(honest.text);
    expect(verdict).toMatchObject({ valid: true, segments: 4 });
    expect(verdict.statement).toEqual(honest.statement);
  }, 600_000);

  const edited = (change: (statement: StatementBlock[]) => void) => {
    const proof = JSON.parse(honest.text);
    change(proof.statement);
    return verify(JSON.stringify(proof));
  };

  it("rejects the statement with a fact of segment 2 changed", async () => {
    // The fifth fact, fact(4, 5), is segment 2's first.
    const verdict = await edited((s) => (s[4] = { rule: "fact", shown: ["4", "9"] }));
    expect(verdict.valid).toBe(false);
    expect(verdict.reason).toBe(UNBALANCED);
  }, 600_000);

  it("rejects the statement with its facts in another order (another layout)", async () => {
    // The same facts: fact(0, 1) now in segment 1, fact(2, 3) in segment 0.
    const verdict = await edited((s) => ([s[0], s[2]] = [s[2], s[0]]));
    expect(verdict.valid).toBe(false);
    expect(verdict.reason).toBe(UNBALANCED);
  }, 600_000);

  it("rejects a proof with fewer segments than its statement needs", async () => {
    // A valid transcript in 3 segments: six facts, goals 1, 2 and 6 (one goal slot each). Its
    // proof is passed off as one of a statement with a seventh fact and a fourth goal, 99,
    // which nothing reaches: both in segment 3, which the proof does not have.
    const { transcript, validation } = read(chainText(6, [1, 2, 6]));
    expect(validation.valid).toBe(true);
    const segments = layoutSegments(circuit, transcript, validation);
    expect(segments).toHaveLength(3);
    const statement = statementOf(transcript);
    statement.splice(6, 0, { rule: "fact", shown: ["6", "7"] });
    statement.push({ rule: "goal", shown: ["99"] });
    const verdict = await verify(await fold(statement, segments));
    expect(verdict.reason).toBe(
      "the statement's `fact` blocks need 4 segments (2 public slots in each), the proof has 3",
    );
    // The same proof with the cut-off statement verifies: only the missing segment differs.
    expect((await verify(await fold(statementOf(transcript), segments))).valid).toBe(true);
  }, 600_000);

  it("rejects a prover that puts a segment-1 fact in segment 0's slot", async () => {
    // fact(2, 3) (segment 1's) in segment 0 and fact(0, 1) in segment 1: every fact once,
    // every witness satisfied, every accumulator balanced with the prover's challenges.
    const { transcript, validation } = read(chainText(7, [7]));
    const plan = planSegments(circuit.manifest, transcript, validation);
    const blocks = plan.blocks.map((b) => [...b]);
    blocks[0][blocks[0].indexOf(0)] = 2;
    blocks[1][blocks[1].indexOf(2)] = 0;
    const segments = blocks.map((list, i) => ({
      inputs: segmentInputs(
        circuit.manifest.program,
        circuit.manifest,
        circuit.manifest.shape,
        transcript,
        validation,
        { blocks: list, uIn: plan.uIn[i] },
      ),
      uIn: plan.uIn[i],
      uOut: plan.uOut[i],
    }));
    const verdict = await verify(await fold(honest.statement, segments));
    expect(verdict.valid).toBe(false);
    expect(verdict.reason).toBe(UNBALANCED);
  }, 600_000);

  it("rejects a private block that uses a fact no segment holds (the LogUp sum does not close)", async () => {
    // next(8; 7, 8, 7) needs holds(7, 8): no fact states it.
    const text = chainText(7, [7], ["  next(8; 7, 8, 7)"]);
    const { transcript, validation } = read(text);
    expect(validation.valid).toBe(false);
    expect(validation.errors.map((e) => e.code)).toContain("BM0303");
    const segments = layoutSegments(circuit, transcript, validation, { allowInvalid: true });
    const verdict = await verify(await fold(statementOf(transcript), segments));
    expect(verdict.reason).toBe(UNBALANCED);
  }, 600_000);
});
