/**
 * `npm run bench:circuits`: what the circuits cost, on the propositional example.
 *   1. constraints per block of each rule in both mains (Groth16: range checks by bits; fold:
 *      by a limb lookup): a segment with 8 slots of that rule against an empty segment, next to
 *      the least the rule needs (its claims and range checks);
 *   2. the fold main on bench:fold's segment: its average block, and the marginal block of
 *      modus_ponens and def_term_impl there;
 *   3. the whole Groth16 path for a-implies-a.bmt: compile, witness, setup (with a cached
 *      development powers of tau), prove, verify; time and peak memory of each, each phase in
 *      a fresh process.
 * Writes bench/results/circuits.md and .json (to temporary names, then renamed).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { checkRuleFile } from "../src/index.js";
import { lowerRuleSet, type LoweredProgram, type LoweredRule } from "../src/lower/index.js";
import type { SegmentShape } from "../src/circuits/emit.js";
import { foldLeast, groth16Least } from "../src/circuits/least.js";
import { limbPlan } from "../src/circuits/lookup.js";
import { EXTRA_SLOTS } from "./workload.js";

const RULES = "examples/propositional/propositional.bm";
const TRANSCRIPT = "examples/propositional/a-implies-a.bmt";
/** Blocks per rule in the per-rule measurement: enough to average the sponge's chunks out. */
const SLOTS = 8;
const load = loadavg()
  .map((x) => x.toFixed(1))
  .join(", ");
const worker = fileURLToPath(new URL("./circuits-worker.js", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "bmc-bench-circuits-"));

interface Phase {
  ms: number;
  maxRssMiB: number;
  constraints?: { nonLinear?: number; linear?: number };
  foldConstraints?: { nonLinear?: number; linear?: number };
  slots?: number;
  power?: number;
  limbBits?: number;
}

function run(...args: string[]): Phase {
  return JSON.parse(
    execFileSync(process.execPath, [worker, ...args], { encoding: "utf8" }),
  ) as Phase;
}

/** The shape circuits-worker compiles for `--only rule --count n`. */
function onlyShape(program: LoweredProgram, rule: LoweredRule, n: number): SegmentShape {
  const slots: Record<string, number> = {};
  const publicSlots: Record<string, number> = {};
  for (const r of program.rules) slots[r.name] = publicSlots[r.name] = 0;
  (rule.setup ? publicSlots : slots)[rule.name] = n;
  return { slots, publicSlots };
}

const total = (p?: { nonLinear?: number; linear?: number }) =>
  (p?.nonLinear ?? 0) + (p?.linear ?? 0);
const ratio = (measured: number, least: number) => (least ? (measured / least).toFixed(2) : "-");

try {
  const program = lowerRuleSet(checkRuleFile(RULES).ruleSet!).program!;
  const empty = run("compile", RULES, join(scratch, "empty"), "--only", "");
  const perRule = program.rules.map((rule) => {
    const some = run(
      "compile",
      RULES,
      join(scratch, `r-${rule.name}`),
      "--only",
      rule.name,
      "--count",
      String(SLOTS),
    );
    const plan = limbPlan(program, onlyShape(program, rule, SLOTS));
    const k = plan?.limbBits;
    const groth16 = Math.round((total(some.constraints) - total(empty.constraints)) / SLOTS);
    const fold = Math.round((total(some.foldConstraints) - total(empty.foldConstraints)) / SLOTS);
    process.stderr.write(`${rule.name}: ${groth16} (Groth16), ${fold} (fold) per block\n`);
    return {
      rule: rule.name,
      groth16,
      groth16Least: groth16Least(rule),
      fold,
      limbBits: k,
      foldLeast: Math.round(foldLeast(rule, k, k ? 2 ** k / SLOTS : 0)),
    };
  });

  // The segment bench:fold proves, and the marginal block of the two rules the issue names.
  const workload = run("workload", RULES, join(scratch, "workload"));
  const wk = workload.limbBits as number | undefined;
  const marginal = ["modus_ponens", "def_term_impl"].map((name) => {
    const rule = program.rules.find((r) => r.name === name)!;
    const more = run("workload", RULES, join(scratch, `workload-${name}`), "--extra", name);
    const fold =
      (more.foldConstraints!.nonLinear! - workload.foldConstraints!.nonLinear!) / EXTRA_SLOTS;
    process.stderr.write(`${name}: ${fold} per block in the workload segment\n`);
    return { rule: name, fold, limbBits: more.limbBits, foldLeast: foldLeast(rule, wk, 0) };
  });
  const average = workload.foldConstraints!.nonLinear! / workload.slots!;

  const build = join(scratch, "a-implies-a");
  const proof = join(scratch, "proof.json");
  const phases = {
    compile: run("compile", RULES, build, "--fit", TRANSCRIPT),
    witness: run("witness", build, TRANSCRIPT),
    setup: run("setup", build),
    prove: run("prove", build, TRANSCRIPT, proof),
    verify: run("verify", build, proof),
  };
  process.stderr.write(`${JSON.stringify(phases)}\n`);

  const int = (n: number) => n.toLocaleString("en-US");
  const machine = `${cpus()[0]?.model ?? "unknown CPU"}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  const date = new Date().toISOString().slice(0, 10);
  const report = [
    "# Circuit costs",
    "",
    `Measured ${date} on ${machine}, by \`npm run bench:circuits\`, circom2 0.2.23. Load average`,
    `at the start: ${load} (a shared machine: constraint counts do not depend on it, times do).`,
    "",
    "## Constraints per block, propositional rules",
    "",
    `A segment with ${SLOTS} slots of the rule, minus an empty segment (${total(empty.constraints)} constraints in the`,
    `Groth16 main: the challenge sponge's squeezes and the powers of the compression challenge; ${total(empty.foldConstraints)}`,
    `in the fold main), divided by ${SLOTS}; circom \`--O2\`. *Least* counts what the rule itself needs: a product per distinct`,
    "compressed (position, value), a LogUp inverse per claim, one per `==`/`!=`, and per 40-bit range",
    "check 41 in the Groth16 main (40 bits and their weighted sum, gated by the enable bit) but",
    "40/k + 1 in the fold main (k-bit limbs, each one LogUp inverse against the table 0 .. 2^k - 1,",
    `and one recomposition gated by the enable bit), plus the block's share of the table: 2^k / ${SLOTS}.`,
    "k is the fold main's limb size for that segment (the cheapest, src/circuits/lookup.ts; - where nothing is range checked). The rest",
    "is the price of a slot: its enable bit, the gating of multiplicities, in the Groth16 main",
    "absorbing its inputs into the Poseidon sponge, and for rules with unique claims the",
    "sorted-list entry (its checks, a gap range check of 56 bits and a LogUp inverse).",
    "",
    "| rule | Groth16 | least | ratio | fold | k | least | ratio |",
    "|---|---:|---:|---:|---:|---:|---:|---:|",
    ...perRule.map(
      (r) =>
        `| ${r.rule} | ${r.groth16} | ${r.groth16Least} | ${ratio(r.groth16, r.groth16Least)} | ${r.fold} | ${r.limbBits ?? "-"} | ${r.foldLeast} | ${ratio(r.fold, r.foldLeast)} |`,
    ),
    "",
    "## The fold main on the folding workload",
    "",
    "The segment bench:fold proves (10 proofs of X -> X: 120 private blocks and 3 public slots,",
    `circom \`--O1\`, non-linear constraints): ${workload.slots} slots, ${int(workload.foldConstraints!.nonLinear!)} constraints in the fold main`,
    `(limbs of ${wk} bits), **${average.toFixed(1)} per block** (before the lookup: 25,831, 210 per block; the same`,
    `segment's Groth16 main, which keeps bit decomposition: ${int(workload.constraints!.nonLinear!)}).`,
    `A rule's block in that segment: ${EXTRA_SLOTS} more slots of it, minus the segment, divided by ${EXTRA_SLOTS}`,
    `(its least as above with k = ${wk}, the table already paid for by the segment):`,
    "",
    "| rule | fold, per block | least | ratio |",
    "|---|---:|---:|---:|",
    ...marginal.map(
      (r) => `| ${r.rule} | ${r.fold} | ${r.foldLeast} | ${ratio(r.fold, r.foldLeast)} |`,
    ),
    "",
    `## Groth16 on \`${TRANSCRIPT}\``,
    "",
    `Segment sized with \`--fit\`: ${phases.compile.slots} slots, ${total(phases.compile.constraints)} constraints in the Groth16 main.`,
    `Setup uses a cached development powers of tau (2^${phases.setup.power}); making it takes about`,
    "171 s more at 2^13 (measured once, not part of this table).",
    "",
    "| phase | time | peak RSS |",
    "|---|---:|---:|",
    ...Object.entries(phases).map(
      ([name, p]) => `| ${name} | ${(p.ms / 1000).toFixed(2)} s | ${p.maxRssMiB.toFixed(0)} MiB |`,
    ),
    "",
    "Times are of the phase inside its process (module loading excluded); one run each.",
    "",
  ].join("\n");
  const dir = fileURLToPath(new URL("../../bench/results/", import.meta.url));
  const write = (name: string, text: string) => {
    const tmp = join(dir, `.${name}.tmp`);
    writeFileSync(tmp, text);
    renameSync(tmp, join(dir, name));
  };
  write("circuits.md", report);
  write(
    "circuits.json",
    JSON.stringify({ machine, load, date, empty, perRule, workload, marginal, phases }, null, 2) +
      "\n",
  );
  process.stdout.write(report);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
