/**
 * Differential fuzzing, circuit against validator: for random rule files (test/generate/rules.ts)
 * and random transcripts for them (valid by construction, then mutated:
 * test/generate/transcripts.ts), the segment circuit is satisfiable exactly when
 * `validateTranscript` accepts. The circuit side never asks the validator for a verdict: each
 * transcript is laid out as a dishonest prover would (test/differential-harness.ts says what
 * counts as rejected).
 *
 * Per rule file: one segment compiled once, with as many slots as the largest transcript needs;
 * every transcript in one segment of the fold main (challenges as inputs, u_in = 0, A = B = 0);
 * for some rule files also the Groth16 main (challenges from its Poseidon sponge); longer
 * transcripts split over several segments of the fold main, by the production planner and by
 * a random split; a multiplicity off by one in a valid layout; and the perturbation check
 * (every internal signal and output, changed alone, violates a constraint) on a valid witness.
 *
 * fast-check draws the rule-file seeds from a fixed seed, so CI is reproducible. A longer
 * campaign: `npm run fuzz`, or e.g. DIFF_RULE_FILES=400 DIFF_SEED=7 npx vitest run
 * test/differential.test.ts. A disagreement fails the test with its rule file and a transcript
 * shrunk block by block (then named and kept in test/differential-regressions.test.ts).
 */
import fc from "fast-check";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import {
  checkRuleFile,
  hasErrors,
  parseTranscript,
  SourceFile,
  validateTranscript,
  type RuleSet,
  type Transcript,
} from "../src/index.js";
import { lowerRuleSet, type LoweredProgram } from "../src/lower/index.js";
import {
  challenges,
  compileSegment,
  foldVerdict,
  plannedSegments,
  randomSegments,
  segmentVerdict,
  shapeFor,
  sharedShape,
  unconstrainedSignals,
  type CompiledSegment,
} from "./differential-harness.js";
import { P } from "../src/field/index.js";
import { Random } from "./generate/random.js";
import { generateRuleFile } from "./generate/rules.js";
import { TranscriptGenerator, transcriptText, type Block } from "./generate/transcripts.js";

const RULE_FILES = Number(process.env.DIFF_RULE_FILES ?? 36);
/** Single-segment transcripts per rule file (a quarter constructed, the rest their mutants). */
const TRANSCRIPTS = Number(process.env.DIFF_TRANSCRIPTS ?? 56);
/** Multi-segment transcripts per rule file (half constructed, half mutants). */
const FOLD_TRANSCRIPTS = Number(process.env.DIFF_FOLD_TRANSCRIPTS ?? 6);
/** Every how many rule files the Groth16 main is compiled too (its Poseidon sponge is slow). */
const GROTH16_EVERY = Number(process.env.DIFF_GROTH16_EVERY ?? 9);
const SEED = Number(process.env.DIFF_SEED ?? 20260);

const scratch = mkdtempSync(join(tmpdir(), "bmc-diff-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const noFiles = { readFile: () => undefined };

interface Case {
  readonly text: string;
  readonly transcript: Transcript;
  readonly mutations: string[];
}

export interface Disagreement {
  readonly seed: number;
  readonly where: string;
  readonly rules: string;
  readonly transcript: string;
  readonly validator: string;
  readonly circuit: string;
}

const stats = {
  ruleFiles: 0,
  rejectedByCheck: 0,
  sharedRuleFiles: 0,
  cases: 0,
  valid: 0,
  invalid: 0,
  groth16Cases: 0,
  foldCases: 0,
  foldSegments: 0,
  validWithoutPlan: 0,
  layoutEdits: 0,
  perturbed: 0,
  perturbedWires: 0,
};
const disagreements: Disagreement[] = [];
const checkRejections = new Map<string, number>();

function read(ruleSet: RuleSet, text: string): Transcript {
  const parsed = parseTranscript(new SourceFile("fuzz.bmt", text), ruleSet);
  if (!parsed.transcript) {
    throw new Error(
      `generated transcript does not parse:\n${text}\n${JSON.stringify(parsed.diagnostics.map((d) => d.message))}`,
    );
  }
  return parsed.transcript;
}

function makeCase(ruleSet: RuleSet, blocks: readonly Block[], mutations: string[]): Case {
  const text = transcriptText(ruleSet, blocks);
  return { text, transcript: read(ruleSet, text), mutations };
}

function validatorText(transcript: Transcript): string {
  const v = validateTranscript(transcript);
  return v.valid ? "valid" : `invalid: ${v.errors.map((e) => `${e.code} ${e.message}`).join("; ")}`;
}

/**
 * Drops blocks one at a time while the circuit and the validator still disagree: the smallest
 * transcript this finds (the segment still fits: it only loses blocks).
 */
async function shrink(
  ruleSet: RuleSet,
  c: CompiledSegment,
  text: string,
  main: "fold" | "groth16",
  ch: { a: bigint; b: bigint },
): Promise<string> {
  const disagrees = async (t: string) => {
    const transcript = read(ruleSet, t);
    const validation = validateTranscript(transcript);
    const verdict = await segmentVerdict(c, transcript, validation, { main, challenges: ch });
    return verdict.accepted !== validation.valid;
  };
  let lines = text.split("\n");
  for (let i = lines.length - 1; i >= 0; i--) {
    if (!lines[i].startsWith("  ")) continue;
    const fewer = [...lines.slice(0, i), ...lines.slice(i + 1)];
    if (await disagrees(fewer.join("\n"))) lines = fewer;
  }
  return lines.join("\n");
}

interface Prepared {
  readonly seed: number;
  readonly text: string;
  readonly ruleSet: RuleSet;
  readonly program: LoweredProgram;
  readonly single: Case[];
  readonly multi: Case[];
  readonly compiled: CompiledSegment;
  readonly rng: Random;
}

/** Rule files `bmc check` accepted so far (the Groth16 main is compiled for some of them). */
let accepted = 0;

/** Generates a rule file and its transcripts and compiles its segment; undefined if rejected. */
async function prepare(seed: number): Promise<Prepared | undefined> {
  const text = generateRuleFile(seed);
  const checked = checkRuleFile(`fuzz-${seed}.bm`, { entryText: text, host: noFiles });
  if (hasErrors(checked.diagnostics) || !checked.ruleSet) {
    stats.rejectedByCheck++;
    for (const d of checked.diagnostics)
      if (d.severity === "error")
        checkRejections.set(d.code, (checkRejections.get(d.code) ?? 0) + 1);
    return undefined;
  }
  const ruleSet = checked.ruleSet;
  const program = lowerRuleSet(ruleSet).program;
  if (!program) {
    stats.rejectedByCheck++;
    return undefined;
  }
  const withGroth16 = accepted++ % GROTH16_EVERY === 0;
  const rng = new Random(seed ^ 0x5eed);
  const gen = new TranscriptGenerator(ruleSet, rng);
  const single: Case[] = [];
  while (single.length < TRANSCRIPTS) {
    const base = gen.construct(rng.int(1, 8));
    single.push(makeCase(ruleSet, base, []));
    for (let k = 0; k < 3 && single.length < TRANSCRIPTS; k++) {
      const m = gen.mutate(base);
      single.push(makeCase(ruleSet, m.blocks, m.mutations));
    }
  }
  // Three rule files in four with groups of rules of one shape: half of each rule's slots go to
  // its group's shared slots.
  const shape = sharedShape(
    program,
    shapeFor(
      program,
      single.map((c) => c.transcript),
    ),
    seed % 4 !== 0,
  );
  if (shape.shared) stats.sharedRuleFiles++;
  // Longer transcripts, for several segments of the same shape: public blocks within the
  // public slots (only the first segment has them).
  const multi: Case[] = [];
  while (multi.length < FOLD_TRANSCRIPTS) {
    const size = 3 * Math.max(1, ...Object.values(shape.slots)) + rng.int(0, 6);
    const base = gen.construct(size, (r) => shape.publicSlots[r.name] ?? 0);
    multi.push(makeCase(ruleSet, base, []));
    const m = gen.mutate(base);
    if (multi.length < FOLD_TRANSCRIPTS) multi.push(makeCase(ruleSet, m.blocks, m.mutations));
  }
  const compiled = await compileSegment(program, shape, join(scratch, `r${seed}`), {
    groth16: withGroth16,
  });
  if ("error" in compiled)
    throw new Error(`circom rejects rule file ${seed}: ${compiled.error}\n${text}`);
  return { seed, text, ruleSet, program, single, multi, compiled, rng };
}

async function run(p: Prepared): Promise<void> {
  const { compiled: c, ruleSet, rng } = p;
  const ch = challenges(rng);
  const disagree = async (where: string, k: Case, circuit: string, main?: "fold" | "groth16") =>
    disagreements.push({
      seed: p.seed,
      where,
      rules: p.text,
      transcript: main ? await shrink(ruleSet, c, k.text, main, ch) : k.text,
      validator: validatorText(k.transcript),
      circuit: `${circuit}${k.mutations.length ? ` (mutations: ${k.mutations.join(", ")})` : ""}`,
    });
  let richest: { blocks: number; witness: bigint[]; transcript: Transcript } | undefined;
  for (const k of p.single) {
    const validation = validateTranscript(k.transcript);
    stats.cases++;
    if (validation.valid) stats.valid++;
    else stats.invalid++;
    const mains: ("fold" | "groth16")[] = c.groth16 ? ["fold", "groth16"] : ["fold"];
    for (const main of mains) {
      const verdict = await segmentVerdict(c, k.transcript, validation, { main, challenges: ch });
      if (main === "groth16") stats.groth16Cases++;
      if (verdict.accepted !== validation.valid) {
        await disagree(`one segment, ${main} main`, k, verdict.reason, main);
      }
      if (main === "fold" && verdict.witness && k.transcript.blockCount > (richest?.blocks ?? -1))
        richest = {
          blocks: k.transcript.blockCount,
          witness: verdict.witness,
          transcript: k.transcript,
        };
    }
    if (validation.valid) {
      // The prover's multiplicities, one of them off by one: the LogUp sum no longer balances.
      const edit = offByOne(c, rng);
      if (edit) {
        const verdict = await segmentVerdict(c, k.transcript, validation, {
          main: "fold",
          challenges: ch,
          edit: edit.apply,
        });
        if (edit.changed) stats.layoutEdits++;
        if (edit.changed && verdict.accepted)
          await disagree("one segment, fold main", k, `accepted with ${edit.text}`);
      }
    }
  }
  // Item 3 of issue 10: no signal of this segment is free, on a valid transcript's witness.
  if (richest) {
    stats.perturbed++;
    const free = unconstrainedSignals(c.fold, richest.witness);
    stats.perturbedWires += c.fold.r1cs.nWires;
    if (free.length) {
      disagreements.push({
        seed: p.seed,
        where: "perturbation, fold main",
        rules: p.text,
        transcript: richest.transcript.file.text,
        validator: "valid",
        circuit: `unconstrained: ${free.join(", ")}`,
      });
    }
    if (c.groth16) {
      const validation = validateTranscript(richest.transcript);
      const g = await segmentVerdict(c, richest.transcript, validation, {
        main: "groth16",
        challenges: ch,
      });
      const freeG = g.witness ? unconstrainedSignals(c.groth16, g.witness) : [];
      if (freeG.length) {
        disagreements.push({
          seed: p.seed,
          where: "perturbation, groth16 main",
          rules: p.text,
          transcript: richest.transcript.file.text,
          validator: "valid",
          circuit: `unconstrained: ${freeG.join(", ")}`,
        });
      }
    }
  }
  for (const k of p.multi) {
    const validation = validateTranscript(k.transcript);
    stats.cases++;
    stats.foldCases++;
    if (validation.valid) stats.valid++;
    else stats.invalid++;
    const planned = plannedSegments(c, k.transcript, validation);
    if (planned) {
      stats.foldSegments += planned.length;
      const verdict = await foldVerdict(c, k.transcript, validation, planned, ch);
      if (verdict.accepted !== validation.valid)
        await disagree(`${planned.length} segments, planned`, k, verdict.reason);
    } else if (validation.valid) {
      // The planner cannot order this transcript's unique claims into these segments: a
      // limit of the prover (it says so, BM0603), not of soundness.
      stats.validWithoutPlan++;
    }
    const split = randomSegments(c, k.transcript, rng, rng.int(2, 3));
    const verdict = await foldVerdict(c, k.transcript, validation, split, ch);
    if (verdict.accepted && !validation.valid)
      await disagree(`${split.length} segments, random split`, k, verdict.reason);
  }
}

/**
 * An edit of the laid-out inputs: one multiplicity of the first enabled slot of a rule, plus or
 * minus one. `changed` says whether there was such a slot.
 */
function offByOne(c: CompiledSegment, rng: Random) {
  const delta = rng.chance(0.5) ? 1n : -1n;
  const rules = c.program.rules.filter((r) => r.conclusions.length);
  if (rules.length === 0) return undefined;
  const rule = rng.pick(rules);
  const s = `${rng.chance(0.3) ? "pub" : "r"}${rule.index}`;
  const j = rng.int(0, rule.conclusions.length - 1);
  const edit = {
    text: `${s}_m[first enabled slot][${j}] ${delta > 0 ? "+" : "-"} 1`,
    changed: false,
    apply: (inputs: any) => {
      const en: bigint[] | undefined = inputs[`${s}_en`];
      const k = en?.indexOf(1n) ?? -1;
      if (k < 0) return;
      const m: bigint[][] = inputs[`${s}_m`];
      m[k][j] = (m[k][j] + delta + P) % P;
      edit.changed = true;
    },
  };
  return edit;
}

it(
  "the segment circuit is satisfiable exactly when the validator accepts",
  async () => {
    const started = Date.now();
    // Seeds for more rule files than needed: those `bmc check` rejects cost nothing and do
    // not count towards RULE_FILES.
    const seeds = fc.sample(fc.integer({ min: 0, max: 2 ** 31 - 1 }), {
      seed: SEED,
      numRuns: RULE_FILES * 4,
    });
    // Two rule files in flight: one compiles (circom runs in a worker thread) while the other's
    // witnesses are checked.
    let next = 0;
    let compiling = 0;
    const worker = async () => {
      while (next < seeds.length && stats.ruleFiles + compiling < RULE_FILES) {
        const index = next++;
        compiling++;
        let prepared: Prepared | undefined;
        try {
          prepared = await prepare(seeds[index]);
        } finally {
          compiling--;
        }
        if (!prepared) continue;
        stats.ruleFiles++; // in the same step as compiling--: the loop condition stays exact
        await run(prepared);
      }
    };
    await Promise.all([worker(), worker()]);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(
      `differential: ${stats.cases} cases (${stats.ruleFiles} rule files compiled, ` +
        `${stats.sharedRuleFiles} with shared slots, ` +
        `${stats.rejectedByCheck} rejected by bmc check), ${stats.valid} valid and ` +
        `${stats.invalid} invalid transcripts; ${stats.groth16Cases} also in the Groth16 main, ` +
        `${stats.foldCases} over ${stats.foldSegments} fold segments (${stats.validWithoutPlan} valid ` +
        `ones the planner cannot split); ${stats.layoutEdits} multiplicities off by one; ` +
        `${stats.perturbed} circuits perturbed; ${disagreements.length} disagreements; ${seconds} s`,
    );
    if (checkRejections.size)
      console.log(`rejected by bmc check: ${JSON.stringify([...checkRejections])}`);
    const report = disagreements
      .slice(0, 5)
      .map(
        (d) =>
          `--- rule file seed ${d.seed}, ${d.where}\n${d.rules}--- transcript\n${d.transcript}\n` +
          `--- validator: ${d.validator}\n--- circuit: ${d.circuit}`,
      )
      .join("\n\n");
    expect(disagreements.length, report).toBe(0);
    if (RULE_FILES >= 20) expect(stats.sharedRuleFiles).toBeGreaterThan(0);
    expect(stats.cases).toBeGreaterThanOrEqual(Math.min(2000, RULE_FILES * TRANSCRIPTS * 0.8));
  },
  RULE_FILES * 60_000,
);
