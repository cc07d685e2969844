/**
 * `npm run bench:shared-slots`: what shared slots save on a Metamath database's every-theorem
 * proof (many rules of one shape: the term-defining rules of its constructors). For each number
 * of segments, the segment is sized as `bmc prove --metamath` sizes it (src/cli/metamath.ts
 * shapeFor), with slots per rule only and with shared slots where they pay; the fold main is
 * compiled (circom2 --O2, the metamath pipeline's level) and its constraints counted. Per block:
 * constraints per segment times the planned segments, over the blocks.
 *
 *   node dist/bench/shared-slots.js [--data DIR] [--file NAME.mm] [--segments 1,2,4] [--no-compile]
 *
 * Writes bench/results/shared-slots.md and .json (shared-slots-NAME.* for another file).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { SegmentShape } from "../src/circuits/emit.js";
import { compileFoldMain } from "./compile-fold-main.js";
import { buildEncoding, chooseShape, encode, readDatabase, shapeFor } from "../src/cli/metamath.js";
import { SourceFile } from "../src/diagnostics/index.js";
import { lowerRuleSet } from "../src/lower/index.js";
import { packageRoot } from "../src/paths.js";
import { planSegments } from "../src/prove/fold/segments.js";
import { parseTranscript } from "../src/transcript/parse.js";
import { commandLine, gitRevision, machine, markdownTable, writeResult } from "./report.js";
import { ruleGroups } from "../src/circuits/groups.js";
import { segmentCostEstimate } from "../src/circuits/sizing.js";

const root = packageRoot();
const arg = (flag: string, fallback: string) => {
  const at = process.argv.indexOf(flag);
  return at >= 0 ? process.argv[at + 1] : fallback;
};
const data = resolve(arg("--data", join(root, "..", "shared", "data", "metamath")));
const file = arg("--file", "45.erc20transfer_success_tm_0_6.mm");
const segmentCounts = arg("--segments", "1,2,4").split(",").map(Number);
/** Plan and estimate only: no circuit is emitted or compiled (databases too large to compile, nf.mm). */
const compile = !process.argv.includes("--no-compile");
const stem = file === "45.erc20transfer_success_tm_0_6.mm" ? "" : `-${file.replace(/\.mm$/, "")}`;

interface Row {
  segments: number;
  label: string;
  /** Whether `bmc prove --metamath`'s comparison (chooseShape) picks this one. */
  chosen: boolean;
  planned: number;
  /** Estimated non-linear constraints per segment (src/circuits/sizing.ts), what chooseShape compares. */
  estimate: number;
  slots: number;
  sharedSlots: number;
  groupsShared: number;
  nonLinear?: number;
  linear?: number;
  perBlock?: number;
  compileS: number;
  compileCpuS: number;
}

const scratch = mkdtempSync(join(tmpdir(), "bmc-bench-shared-"));
const db = readDatabase(join(data, file));
const enc = encode(db);
const built = buildEncoding(join(scratch, "rules.bm"), enc.rulesText, enc.proof);
const program = lowerRuleSet(built.ruleSet).program!;
const transcript = parseTranscript(
  new SourceFile("t.bmt", built.transcript),
  built.ruleSet,
).transcript!;
const groups = ruleGroups(program);
const rows: Row[] = [];
const count = (slots: Readonly<Record<string, number>>) =>
  Object.values(slots).reduce((n, k) => n + k, 0);

try {
  for (const segments of segmentCounts) {
    const chosen = chooseShape(built, program, { segments }).shape;
    const variants = [
      { label: "per rule", shape: shapeFor(built.blocks, program, { share: false, segments }) },
      { label: "shared", shape: shapeFor(built.blocks, program, { share: true, segments }) },
    ];
    const same = (a: SegmentShape, b: SegmentShape) => JSON.stringify(a) === JSON.stringify(b);
    if (!variants.some((v) => same(v.shape, chosen)))
      variants.push({ label: "shared, more room", shape: chosen });
    for (const { label, shape } of variants) {
      const plan = planSegments({ program, shape }, transcript, built.validation);
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const r = compile
        ? await compileFoldMain(program, shape, join(scratch, `s${segments}-${rows.length}`))
        : undefined;
      const cpu = process.cpuUsage(cpu0);
      const nonLinear = r?.constraints?.nonLinear;
      rows.push({
        segments,
        label,
        chosen: same(chosen, shape),
        planned: plan.blocks.length,
        estimate: segmentCostEstimate(program, shape),
        slots: count(shape.slots) + count(shape.publicSlots),
        sharedSlots: count(shape.shared ?? {}),
        groupsShared: Object.keys(shape.shared ?? {}).length,
        nonLinear,
        linear: r?.constraints?.linear,
        perBlock:
          nonLinear === undefined
            ? undefined
            : (nonLinear * plan.blocks.length) / built.blocks.length,
        compileS: (performance.now() - t0) / 1000,
        // The compiler runs in a worker thread of this process: its CPU time is counted.
        compileCpuS: (cpu.user + cpu.system) / 1e6,
      });
      console.error(JSON.stringify(rows[rows.length - 1]));
    }
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

const m = machine();
const load = m.loadAverage.map((x) => x.toFixed(1)).join(", ");
const { command } = commandLine(root, import.meta.url, "bench:shared-slots");
const fmt = (x: number | undefined, digits = 0) =>
  x === undefined
    ? "n/a"
    : x.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const table = markdownTable(
  [
    "segments",
    "slots",
    "planned segments",
    "per-rule slots",
    "shared slots (groups)",
    "estimated/segment",
    "constraints/segment",
    "constraints/block",
    "compile s",
    "compile CPU s",
  ],
  "rlrrrrrrrr",
  rows.map((r) => [
    String(r.segments),
    r.label + (r.chosen ? " (chosen)" : ""),
    String(r.planned),
    String(r.slots),
    `${r.sharedSlots} (${r.groupsShared})`,
    fmt(r.estimate),
    fmt(r.nonLinear),
    fmt(r.perBlock, 1),
    compile ? fmt(r.compileS, 1) : "n/a",
    compile ? fmt(r.compileCpuS, 1) : "n/a",
  ]),
);
const text = `# Shared slots on a Metamath proof

Measured ${new Date().toISOString()} on ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os},
Node ${m.node}, bmc ${gitRevision(root)}, by \`${command}\`. Load average when the run ended:
${load} (the machine is shared: times are upper bounds; constraint counts are exact).

${file}, every theorem: ${built.blocks.length} blocks, ${program.rules.length} rules, of which
${groups.reduce((n, g) => n + g.members.length, 0)} in ${groups.length} groups of one shape.
The segment is sized for the given number of segments as \`bmc prove --metamath\` sizes it
(slots per rule: each rule's blocks over the segments, rounded up); *planned segments* is what
the planner then needs; *shared*: shared slots where they pay, sized exactly; *more room*: the
same with 1.5 or 2 times the room; *(chosen)*: the one \`bmc prove --metamath\` takes, the fewer estimated
constraints over its planned segments (*estimated/segment*: src/circuits/sizing.ts's estimate).
${compile ? "" : "Not compiled (--no-compile): planned and estimated only.\n"}*constraints/segment*: the fold main's non-linear constraints (circom2
--O2); *constraints/block*: that times the planned segments, over the blocks.

${table}
`;
const dir = join(root, "bench", "results");
writeResult(dir, `shared-slots${stem}.md`, text);
writeResult(
  dir,
  `shared-slots${stem}.json`,
  JSON.stringify({ file, blocks: built.blocks.length, machine: m, rows }, null, 2) + "\n",
);
console.log(text);
