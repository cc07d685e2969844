/**
 * `npm run bench:circuits`: what the circuits cost, on the propositional example.
 *   1. constraints per block of each rule: a segment with one slot of that rule against an
 *      empty segment, next to the least the rule needs (its claims and range checks);
 *   2. the whole Groth16 path for a-implies-a.bmt: compile, witness, setup (with a cached
 *      development powers of tau), prove, verify; time and peak memory of each, each phase in
 *      a fresh process.
 * Writes bench/results/circuits.md and .json (to temporary names, then renamed).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { checkRuleFile } from "../src/index.js";
import { lowerRuleSet, type LExpr, type LoweredRule } from "../src/lower/index.js";
import { ORDER_BITS } from "../src/field/index.js";

const RULES = "examples/propositional/propositional.bm";
const TRANSCRIPT = "examples/propositional/a-implies-a.bmt";
/** Blocks per rule in the per-rule measurement: enough to average the sponge's chunks out. */
const SLOTS = 8;
const worker = fileURLToPath(new URL("./circuits-worker.js", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "bmc-bench-circuits-"));

interface Phase {
  ms: number;
  maxRssMiB: number;
  constraints?: { nonLinear?: number; linear?: number };
  slots?: number;
  power?: number;
}

function run(...args: string[]): Phase {
  return JSON.parse(
    execFileSync(process.execPath, [worker, ...args], { encoding: "utf8" }),
  ) as Phase;
}

/** The least a block of the rule needs: one product per distinct (position, value) a claim
 * compresses, one LogUp inverse per claim, 41 constraints per 40-bit range check, one per
 * `==` and `!=`. */
function minimum(rule: LoweredRule): number {
  const key = (e: LExpr): string =>
    JSON.stringify(e, (_, v) => (typeof v === "bigint" ? v.toString() : v));
  const products = new Set<string>();
  for (const c of [...rule.hypotheses, ...rule.conclusions]) {
    c.args.forEach((a, i) => {
      if (a.kind !== "const") products.add(`${i}:${key(a)}`);
    });
  }
  const claims = rule.hypotheses.length + rule.conclusions.length + rule.uniques.length;
  const equalities = rule.constraints.filter((c) => c.kind === "eq" || c.kind === "neq").length;
  return products.size + claims + (ORDER_BITS + 1) * rule.rangeChecks.length + equalities;
}

const total = (p: Phase) => (p.constraints?.nonLinear ?? 0) + (p.constraints?.linear ?? 0);

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
    const measured = Math.round((total(some) - total(empty)) / SLOTS);
    process.stderr.write(`${rule.name}: ${measured} constraints per block\n`);
    return { rule: rule.name, measured, minimum: minimum(rule) };
  });

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

  const machine = `${cpus()[0]?.model ?? "unknown CPU"}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  const date = new Date().toISOString().slice(0, 10);
  const report = [
    "# Circuit costs",
    "",
    `Measured ${date} on ${machine}, by \`npm run bench:circuits\`, circom2 0.2.23 with \`--O2\`.`,
    "",
    "## Constraints per block, propositional rules",
    "",
    `A segment with ${SLOTS} slots of the rule, minus an empty segment (${total(empty)} constraints: the`,
    `challenge sponge's squeezes and the powers of the compression challenge), divided by ${SLOTS}. *Least* counts what`,
    "the rule itself needs: a product per distinct compressed (position, value), a LogUp inverse",
    "per claim, 41 per 40-bit range check, one per `==`/`!=`. The rest is the price of a slot: its",
    "enable bit, the gating of multiplicities and range checks, absorbing its inputs into the",
    "Poseidon sponge, and, for rules with unique claims, the sorted-list entry (a 56-bit gap check",
    "and a LogUp inverse).",
    "",
    "| rule | constraints per block | least | overhead |",
    "|---|---:|---:|---:|",
    ...perRule.map(
      (r) =>
        `| ${r.rule} | ${r.measured} | ${r.minimum} | ${r.measured - r.minimum} (${Math.round((100 * (r.measured - r.minimum)) / r.measured)}%) |`,
    ),
    "",
    `## Groth16 on \`${TRANSCRIPT}\``,
    "",
    `Segment sized with \`--fit\`: ${phases.compile.slots} slots, ${total(phases.compile)} constraints.`,
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
  write("circuits.json", JSON.stringify({ machine, date, empty, perRule, phases }, null, 2) + "\n");
  process.stdout.write(report);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
