/**
 * `npm run bench:public-layout`: what spreading public blocks over the segments of a folded
 * proof costs and saves (docs/folding.md, "The public layout"). The rules are
 * test/fold-public/facts.bm: N public `fact` blocks (setup, no unique claims) and a private
 * chain of N blocks that uses them, split into S segments. For each (N, S): the public slots
 * per segment src/circuits/sizing.ts gives `fact` (ceil(N/S)), the segments the planner opens,
 * and the time of the planner, of the layout and of every segment's public slot values (what
 * the verifier computes from the statement). The fold main is compiled with 2 and 34 public
 * `fact` slots to count the constraints one public slot costs in every segment.
 *
 *   node dist/bench/public-layout.js
 *
 * Writes bench/results/public-layout.md and .json.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkRuleFile } from "../src/check/index.js";
import { compileProgram } from "../src/circuits/index.js";
import { emitCircuit, type SegmentShape } from "../src/circuits/emit.js";
import { sizedShape } from "../src/circuits/sizing.js";
import { SourceFile } from "../src/diagnostics/index.js";
import { lowerRuleSet } from "../src/lower/index.js";
import { packageRoot } from "../src/paths.js";
import { planSegments } from "../src/prove/fold/segments.js";
import { publicLayout, segmentPublicSignals, statementOf } from "../src/prove/statement.js";
import { parseTranscript } from "../src/transcript/parse.js";
import { validateTranscript } from "../src/validate/index.js";
import { gitRevision, machine, markdownTable, writeReport } from "./report.js";

const root = packageRoot();
const RULES = join(root, "test", "fold-public", "facts.bm");
const ruleSet = checkRuleFile(RULES).ruleSet!;
const program = lowerRuleSet(ruleSet).program!;

/** N facts 0 -> 1 -> ... -> N, the goal N, and the private chain that walks them. */
function chain(n: number): string {
  const lines = ["public:"];
  for (let i = 0; i < n; i++) lines.push(`  fact(${i}, ${i + 1})`);
  lines.push(`  goal(${n})`, "private:", "  first(1)");
  for (let i = 1; i < n; i++) lines.push(`  next(${i + 1}; ${i}, ${i + 1}, ${i})`);
  return lines.join("\n") + "\n";
}

/** The least of three runs of `work`, in milliseconds. */
function timed<T>(work: () => T): { ms: number; result: T } {
  let best = Infinity;
  let result!: T;
  for (let k = 0; k < 3; k++) {
    const t = performance.now();
    result = work();
    best = Math.min(best, performance.now() - t);
  }
  return { ms: best, result };
}

interface Row {
  facts: number;
  segments: number;
  factSlots: number;
  planned: number;
  planMs: number;
  layoutMs: number;
  signalsMs: number;
}

/**
 * The fold main's public inputs for a shape, or undefined when bmc cannot emit it: a segment of
 * 100,000 public slots overflows the stack in src/circuits/emit.ts (arrays spread into push).
 */
function emittedPublicInputs(shape: SegmentShape): string[] | undefined {
  try {
    return emitCircuit(program, shape).publicInputs;
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

const rows: Row[] = [];
for (const [facts, segmentCounts] of [
  [1_000, [1, 10, 100]],
  [100_000, [1, 100, 3_334]],
] as const) {
  const transcript = parseTranscript(
    new SourceFile("chain.bmt", chain(facts)),
    ruleSet,
  ).transcript!;
  const validation = validateTranscript(transcript);
  if (!validation.valid) throw new Error("the benchmark's transcript is not valid");
  const statement = statementOf(transcript);
  for (const segments of segmentCounts) {
    const shape = sizedShape(
      program,
      { first: 1, next: facts - 1 },
      { fact: facts, goal: 1 },
      segments,
    );
    // The public inputs do not depend on the private slots: emitted with one of each.
    const publicInputs = emittedPublicInputs({ ...shape, slots: { first: 1, next: 1 } });
    const manifest = { program, shape, publicInputs: publicInputs ?? [] };
    const plan = timed(() => planSegments(manifest, transcript, validation));
    const rules = statement.map((b) => b.rule);
    const layout = timed(() => publicLayout(manifest, rules));
    const planned = plan.result.blocks.length;
    const signals = publicInputs
      ? timed(() => segmentPublicSignals(manifest as never, statement, planned)).ms
      : NaN;
    rows.push({
      facts,
      segments,
      factSlots: shape.publicSlots.fact,
      planned,
      planMs: plan.ms,
      layoutMs: layout.ms,
      signalsMs: signals,
    });
    console.error(JSON.stringify(rows[rows.length - 1]));
  }
}

/** The fold main's non-linear constraints with `factSlots` public fact slots. */
async function foldConstraints(factSlots: number): Promise<number> {
  const shape: SegmentShape = {
    slots: { first: 1, next: 2 },
    publicSlots: { fact: factSlots, goal: 1 },
  };
  const out = mkdtempSync(join(tmpdir(), "bmc-bench-public-"));
  try {
    const r = await compileProgram(program, {
      rulesFile: RULES,
      outDir: out,
      shape,
      mains: "fold",
    });
    if (!r.ok) throw new Error("the benchmark's circuit does not compile");
    return r.manifest!.fold!.constraints!.nonLinear!;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
const [few, many] = [await foldConstraints(2), await foldConstraints(34)];
const perSlot = (many - few) / 32;

const m = machine();
const load = m.loadAverage.map((x) => x.toFixed(1)).join(", ");
const fmt = (x: number, digits = 0) =>
  x.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const table = markdownTable(
  [
    "public facts",
    "sized for",
    "public fact slots",
    "segments planned",
    "plan ms",
    "layout ms",
    "slot values ms",
    "constraints of public slots/segment",
  ],
  "rrrrrrrr",
  rows.map((r) => [
    fmt(r.facts),
    fmt(r.segments),
    fmt(r.factSlots),
    fmt(r.planned),
    fmt(r.planMs, 1),
    fmt(r.layoutMs, 1),
    Number.isNaN(r.signalsMs) ? "n/a (no circuit)" : fmt(r.signalsMs, 1),
    fmt(r.factSlots * perSlot),
  ]),
);
const text = `# Public blocks spread over the segments of a folded proof

Measured ${new Date().toISOString()} on ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os},
Node ${m.node}, bmc ${gitRevision(root)}, by \`npm run bench:public-layout\`. Load average when
the run ended: ${load} (the machine is shared: times are upper bounds, the least of three runs;
constraint counts are exact).

test/fold-public/facts.bm: N public \`fact\` blocks and a private chain of N blocks over them.
*sized for*: the segments src/circuits/sizing.ts sizes the shape for, which gives \`fact\`
ceil(N/S) public slots per segment (S = 1: every fact in segment 0, as before this change);
*segments planned*: what planSegments opens; *plan*, *layout*, *slot values*: planSegments,
publicLayout and segmentPublicSignals (every segment's public slot values, as the verifier
computes them from the statement; *n/a*: bmc cannot emit a segment of 100,000 public slots,
src/circuits/emit.ts overflows the stack). A public \`fact\` slot costs ${fmt(perSlot, 1)} non-linear
constraints in every segment (fold main, circom2 --O2: ${fmt(few)} with 2 slots, ${fmt(many)}
with 34); the last column is that times the public fact slots.

${table}
`;
writeReport(join(root, "bench", "results"), "public-layout", text, {
  machine: m,
  perSlot,
  few,
  many,
  rows,
});
console.log(text);
