/**
 * The universal Metamath encoding on a large database (nf.mm by default: every theorem in one
 * transcript): encode time, blocks by rule, facts, read + validate time, peak memory, and the
 * segments `bmc prove --metamath` would plan with their estimated constraints
 * (src/circuits/sizing.ts) for several blocks per segment; with --compile N,M, the fold main
 * of the segment sized for N (then M) private blocks (public slots for the goal only) is compiled (circom2
 * --O2, the metamath pipeline's level) and its constraints counted.
 *
 *   node dist/bench/metamath-universal.js [--file /usr/share/metamath/databases/nf.mm]
 *     [--per-segment 384,1024,2048,4096] [--compile 384,2048]
 *
 * Writes bench/results/metamath-nf-universal.md and .json (metamath-NAME-universal.* for another).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import type { SegmentShape } from "../src/circuits/emit.js";
import { compileFoldMain } from "./compile-fold-main.js";
import { buildMetamath, encode, readDatabase, shapeFor } from "../src/cli/metamath.js";
import { segmentCostEstimate, sizedShape } from "../src/circuits/sizing.js";
import { lowerRuleSet } from "../src/lower/index.js";
import { packageRoot } from "../src/paths.js";
import { planSegments } from "../src/prove/fold/segments.js";
import {
  commandLine,
  gitRevision,
  machine,
  machineText,
  markdownTable,
  writeReport,
} from "./report.js";

const root = packageRoot();
const arg = (flag: string, fallback: string) => {
  const at = process.argv.indexOf(flag);
  return at >= 0 ? process.argv[at + 1] : fallback;
};
const file = arg("--file", "/usr/share/metamath/databases/nf.mm");
const perSegment = arg("--per-segment", "384,1024,2048,4096").split(",").map(Number);
const stem = basename(file).replace(/\.mm$/, "");
const peakMiB = () => Math.round(process.resourceUsage().maxRSS / 1024);
const seconds = (ms: number) => (ms / 1000).toFixed(1);

const t0 = performance.now();
const db = readDatabase(file);
const t1 = performance.now();
const enc = encode(db, undefined, "universal");
const t2 = performance.now();
const built = buildMetamath(join(root, "bench", `${stem}-universal.bm`), enc);
const t3 = performance.now();
if (!built.validation.valid) throw new Error(`${file}: the universal transcript is not valid`);

const priv: Record<string, number> = {};
const pub: Record<string, number> = {};
for (const b of built.blocks) {
  const m = b.isPublic ? pub : priv;
  m[b.rule.name] = (m[b.rule.name] ?? 0) + 1;
}
const program = lowerRuleSet(built.ruleSet).program!;
const privateCount = built.blocks.length - built.parsed.publicCount;

interface Plan {
  perSegment: number;
  segments: number;
  planned: number | string;
  privateEstimate: number;
  publicEstimate: number;
  /** The same with twice the slots for rules with unique claims (chooseShape's candidate). */
  plannedDoubled: number | string;
  privateEstimateDoubled: number;
}
/**
 * Private slots sized for blocks / perSegment segments (the public slots apart: today every
 * segment has room for every public block, which the fold backend is to change), planned.
 */
/** The planner's segment count for a shape (every public block in each segment's slots). */
function planned(shape: SegmentShape): number | string {
  try {
    return planSegments({ program, shape }, built.parsed, built.validation).blocks.length;
  } catch (e) {
    return `fails: ${(e as Error).message.slice(0, 80)}`;
  }
}

function plan(target: number): Plan {
  const segments = Math.max(1, Math.ceil(privateCount / target));
  const goalOnly = { [enc.goal.rule]: 1 };
  const shape = sizedShape(program, priv, goalOnly, segments, {});
  const privateEstimate = segmentCostEstimate(program, shape);
  const pubShape = sizedShape(program, {}, pub, 1, {});
  const publicEstimate = segmentCostEstimate(program, pubShape);
  const plannedCount = planned(sizedShape(program, priv, pub, segments, {}));
  const doubled = shapeFor(built.blocks, program, { share: false, segments, uniqueSlack: 2 });
  const privateEstimateDoubled = segmentCostEstimate(program, {
    ...doubled,
    publicSlots: goalOnly,
  });
  return {
    perSegment: target,
    segments,
    planned: plannedCount,
    privateEstimate,
    publicEstimate,
    plannedDoubled: planned(doubled),
    privateEstimateDoubled,
  };
}
const plans = perSegment.map(plan);
const t4 = performance.now();

/** The fold main of a shape, emitted into a temporary folder and compiled there. */
async function compileFoldMainTimed(shape: SegmentShape) {
  const dir = mkdtempSync(join(tmpdir(), "bmc-universal-"));
  try {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const r = await compileFoldMain(program, shape, dir);
    const cpu = process.cpuUsage(cpu0);
    return {
      ok: r.ok,
      nonLinear: r.constraints?.nonLinear,
      linear: r.constraints?.linear,
      seconds: (performance.now() - t0) / 1000,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const compileAt = process.argv.includes("--compile")
  ? arg("--compile", "384").split(",").map(Number)
  : [];
const compiled = [];
for (const n of compileAt) {
  const shape = sizedShape(program, priv, { [enc.goal.rule]: 1 }, Math.ceil(privateCount / n), {});
  const estimate = plans.find((p) => p.perSegment === n)?.privateEstimate;
  compiled.push({ perSegment: n, estimate, ...(await compileFoldMainTimed(shape)) });
}

const byRule = (m: Record<string, number>) =>
  Object.entries(m)
    .sort((a, b) => b[1] - a[1])
    .map(([r, n]) => [r, n.toLocaleString("en-US")]);
const result = {
  file: basename(file),
  statements: db.statements.length,
  contexts: enc.stats.contexts,
  dagNodes: enc.stats.dagNodes,
  terms: enc.stats.terms,
  rules: built.ruleSet.rules.length,
  blocks: built.blocks.length,
  publicBlocks: built.parsed.publicCount,
  readMs: t1 - t0,
  encodeMs: t2 - t1,
  readValidateMs: t3 - t2,
  planMs: t4 - t3,
  peakMiB: peakMiB(),
  privateByRule: priv,
  publicByRule: pub,
  plans,
  compiled,
};
const m = machine();
const text = `# The universal Metamath encoding on ${basename(file)}

Measured ${new Date().toISOString()} on ${machineText(m)},
Node ${m.node}, bmc ${gitRevision(root)}, by \`${commandLine(root, import.meta.url, "bench:metamath-universal").command}\`. Load average when the run
ended: ${m.loadAverage.map((x) => x.toFixed(1)).join(", ")} (the machine is shared: times are upper bounds; counts are exact).

Every theorem of ${basename(file)} (${result.contexts.toLocaleString("en-US")} contexts: the
theorems and their lemmas) in one transcript, universal encoding (docs/metamath.md).

| what | value |
| --- | ---: |
| statements | ${result.statements.toLocaleString("en-US")} |
| proof DAG nodes (all contexts) | ${result.dagNodes.toLocaleString("en-US")} |
| trees (templates and terms) | ${result.terms.toLocaleString("en-US")} |
| rules | ${result.rules} |
| blocks | ${result.blocks.toLocaleString("en-US")} |
| of which public (facts and the goal) | ${result.publicBlocks.toLocaleString("en-US")} |
| read the database | ${seconds(result.readMs)} s |
| encode | ${seconds(result.encodeMs)} s |
| read the transcript back and validate it | ${seconds(result.readValidateMs)} s |
| plan (all rows below) | ${seconds(result.planMs)} s |
| peak memory (RSS) | ${result.peakMiB.toLocaleString("en-US")} MiB |

## Segments

*private estimate*: src/circuits/sizing.ts's constraint estimate of a segment sized for the
private blocks over *segments*; *public estimate*: the same for slots holding every public
block (today each segment of the fold backend has those, so a plan with them in every
segment costs both; spread over the segments' public slots, only a share). *planned*: the
planner's segment count with every public block in each segment's slots. *doubled*: the same
with twice the slots for rules with unique claims (a candidate of \`bmc prove --metamath\`'s
chooseShape), so that the planner, which takes unique blocks in the order of their claims, can
fill the other rules' slots.

${markdownTable(
  [
    "blocks/segment",
    "segments",
    "planned",
    "private estimate/segment",
    "planned, doubled",
    "private estimate/segment, doubled",
    "public estimate",
  ],
  "rrrrrrr",
  plans.map((p) => [
    String(p.perSegment),
    String(p.segments),
    String(p.planned),
    p.privateEstimate.toLocaleString("en-US"),
    String(p.plannedDoubled),
    p.privateEstimateDoubled.toLocaleString("en-US"),
    p.publicEstimate.toLocaleString("en-US"),
  ]),
)}

${
  compiled.length
    ? `## Segments compiled

The fold main of the segment sized for N private blocks (public slots: the goal only),
circom2 --O2; compile time is wall time, CPU this process's (circom2 runs in it as
WebAssembly).

${markdownTable(
  ["N", "non-linear", "linear", "estimate", "compile s", "compile CPU s"],
  "rrrrrr",
  compiled.map((c) => [
    String(c.perSegment),
    c.ok ? (c.nonLinear ?? 0).toLocaleString("en-US") : "failed",
    (c.linear ?? 0).toLocaleString("en-US"),
    (c.estimate ?? 0).toLocaleString("en-US"),
    c.seconds.toFixed(1),
    c.cpuSeconds.toFixed(1),
  ]),
)}

`
    : ""
}## Blocks by rule

Private:

${markdownTable(["rule", "blocks"], "lr", byRule(priv))}

Public:

${markdownTable(["rule", "blocks"], "lr", byRule(pub))}
`;
writeReport(join(root, "bench", "results"), `metamath-${stem}-universal`, text, result);
process.stdout.write(text);
