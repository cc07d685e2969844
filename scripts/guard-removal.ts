/**
 * Guard removal for the verifier of folded proofs: disables one check at a time in a throwaway
 * copy of the tree and runs the tests chosen for it, to show that at least one test fails
 * without each check (docs/soundness.md, "Guard removal"). The tree itself is never edited.
 *
 *   npx tsx scripts/guard-removal.ts                 every guard, in sequence
 *   npx tsx scripts/guard-removal.ts --only a,b      some guards
 *   npx tsx scripts/guard-removal.ts --list          the guards and their edits, nothing run
 *   npx tsx scripts/guard-removal.ts --table FILE    the table of a run's --json results
 *   options: --no-baseline (run a selection unedited only when a removal fails it, not all
 *            of them first),
 *            --json FILE (write the results there)
 *
 * Each guard is a named textual edit (a condition made false, an equality made true, a call
 * skipped) that must apply exactly once. Its test selections run in order, cheapest first, and
 * stop at the first one with a failing test: a guard is "caught" when some test fails. A
 * selection whose file is missing in the copy is skipped (so the list names tests that a
 * later commit adds); a selection that runs no test is an error, never a pass.
 */
import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { GUARDS, type Guard, type Selection } from "./guards.js";

interface Outcome {
  readonly id: string;
  readonly caught: boolean;
  /** The selection that caught it and its failing tests, or why the run is void. */
  readonly by?: string;
  readonly failing: string[];
  readonly error?: string;
  readonly seconds: number;
}

const root = resolve(import.meta.dirname, "..");

function parseArgs(argv: string[]) {
  const get = (flag: string) => {
    const at = argv.indexOf(flag);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  return {
    only: get("--only")?.split(","),
    json: get("--json"),
    list: argv.includes("--list"),
    table: get("--table"),
    baseline: !argv.includes("--no-baseline"),
  };
}

/** A copy of the tree without node_modules, .git and caches, with node_modules linked. */
function throwawayCopy(): string {
  const copy = mkdtempSync(join(tmpdir(), "bmc-guard-removal-"));
  const skip = new Set(["node_modules", ".git", ".cache", "dist", "coverage"]);
  cpSync(root, copy, {
    recursive: true,
    filter: (src) => {
      const rel = src.slice(root.length + 1);
      return !skip.has(rel.split("/")[0]);
    },
  });
  symlinkSync(realpathSync(join(root, "node_modules")), join(copy, "node_modules"));
  return copy;
}

const label = (s: Selection) => (s.filter ? `${s.file} -t "${s.filter}"` : s.file);

/** Runs one test selection in the copy: how many tests ran, and the names of failing ones. */
function runSelection(copy: string, s: Selection): { ran: number; failing: string[] } {
  const out = join(copy, ".guard-removal-report.json");
  rmSync(out, { force: true });
  const args = ["vitest", "run", s.file, "--reporter=json", `--outputFile=${out}`];
  if (s.filter) args.push("-t", s.filter);
  const r = spawnSync("npx", args, {
    cwd: copy,
    encoding: "utf8",
    env: { ...process.env, BMC_CACHE: process.env.BMC_CACHE ?? join(root, ".cache") },
    maxBuffer: 1 << 28,
  });
  if (!existsSync(out)) {
    // vitest could not start (a syntax error in the edit, say): every test of it failed.
    return { ran: 1, failing: [`vitest exited ${r.status}: ${r.stderr.slice(-400)}`] };
  }
  const report = JSON.parse(readFileSync(out, "utf8")) as {
    numPassedTests: number;
    numFailedTests: number;
    testResults: {
      name: string;
      status: string;
      message?: string;
      assertionResults: { fullName: string; status: string }[];
    }[];
  };
  const failing: string[] = [];
  for (const file of report.testResults) {
    for (const t of file.assertionResults) if (t.status === "failed") failing.push(t.fullName);
    // A failing hook fails the suite without failing a named test.
    if (file.status === "failed" && !file.assertionResults.some((t) => t.status === "failed"))
      failing.push(`${file.name}: ${(file.message ?? "suite failed").split("\n")[0]}`);
  }
  return { ran: report.numPassedTests + report.numFailedTests, failing };
}

const baselines = new Map<string, string | undefined>();

/**
 * Undefined when `s` passes on the unedited copy (run once per selection, the first time a
 * guard's removal fails it, unless --baseline ran them all first); otherwise why not.
 */
function baseline(copy: string, s: Selection): string | undefined {
  const name = label(s);
  if (!baselines.has(name)) {
    const { ran, failing } = runSelection(copy, s);
    console.log(`baseline ${name}: ${ran} tests, ${failing.length} failing`);
    baselines.set(
      name,
      ran === 0 || failing.length > 0
        ? `the unedited tree fails ${name}: ${failing.join("; ") || "no test ran"}`
        : undefined,
    );
  }
  return baselines.get(name);
}

function applyEdit(copy: string, g: Guard): string | undefined {
  const path = join(copy, g.file);
  const text = readFileSync(path, "utf8");
  const count = text.split(g.find).length - 1;
  if (count !== 1) return `the edit applies ${count} times in ${g.file}, not once`;
  writeFileSync(
    path,
    text.replace(g.find, () => g.replace),
  );
  return undefined;
}

function runGuard(copy: string, g: Guard): Outcome {
  const started = Date.now();
  const seconds = () => Math.round((Date.now() - started) / 1000);
  const path = join(copy, g.file);
  const original = readFileSync(path, "utf8");
  try {
    const problem = applyEdit(copy, g);
    if (problem) return { id: g.id, caught: false, failing: [], error: problem, seconds: 0 };
    for (const s of g.tests) {
      if (!existsSync(join(copy, s.file))) continue;
      const { ran, failing } = runSelection(copy, s);
      if (ran === 0)
        return {
          id: g.id,
          caught: false,
          failing,
          error: `${label(s)} ran no test`,
          seconds: seconds(),
        };
      if (failing.length > 0) {
        writeFileSync(path, original);
        const unedited = baseline(copy, s);
        if (unedited)
          return { id: g.id, caught: false, failing, error: unedited, seconds: seconds() };
        return { id: g.id, caught: true, by: label(s), failing, seconds: seconds() };
      }
    }
    return { id: g.id, caught: false, failing: [], seconds: seconds() };
  } finally {
    writeFileSync(path, original);
  }
}

/** The results as docs/soundness.md shows them: one row per guard. */
function markdownTable(guards: readonly Guard[], outcomes: readonly Outcome[]): string {
  const rows = outcomes.map((o) => {
    const g = guards.find((x) => x.id === o.id)!;
    // Test names without the describe name the selection already gives.
    const filter = /-t "(.*)"$/.exec(o.by ?? "")?.[1];
    const short = (t: string) =>
      filter && t.startsWith(`${filter} `) ? t.slice(filter.length + 1) : t;
    const result = o.error
      ? `error: ${o.error}`
      : !o.caught && g.unreachable
        ? `none can: ${g.unreachable}`
        : o.caught
          ? `${o.by!.split(" ")[0]} ${o.failing.map((t) => `"${short(t)}"`).join(", ")}`
          : "**not caught**";
    return `| ${g.id} | ${g.file} | ${g.what} | ${result} |`;
  });
  return [
    "| guard | where | rejects | tests that fail without it |",
    "| --- | --- | --- | --- |",
    ...rows,
  ].join("\n");
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const chosen = args.only ? GUARDS.filter((g) => args.only!.includes(g.id)) : GUARDS;
  if (args.only && chosen.length !== args.only.length)
    throw new Error(`unknown guard in --only: ${args.only.join(",")}`);
  if (args.table) {
    const outcomes = JSON.parse(readFileSync(args.table, "utf8")) as Outcome[];
    console.log(markdownTable(GUARDS, outcomes));
    return;
  }
  if (args.list) {
    for (const g of chosen)
      console.log(`${g.id}\t${g.file}\t${g.what}\n\t- ${g.find}\n\t+ ${g.replace}`);
    return;
  }
  const copy = throwawayCopy();
  console.log(`throwaway copy: ${copy}`);
  try {
    if (args.baseline) {
      const selections = new Map<string, Selection>();
      for (const g of chosen) for (const s of g.tests) selections.set(label(s), s);
      for (const s of selections.values()) {
        if (!existsSync(join(copy, s.file))) continue;
        const problem = baseline(copy, s);
        if (problem) throw new Error(problem);
      }
    }
    const outcomes: Outcome[] = [];
    for (const g of chosen) {
      const o = runGuard(copy, g);
      outcomes.push(o);
      const verdict = o.error ? `ERROR ${o.error}` : o.caught ? `caught by ${o.by}` : "NOT CAUGHT";
      console.log(`${g.id} (${o.seconds} s): ${verdict}${o.caught ? `\n    ${o.failing[0]}` : ""}`);
      if (args.json) writeFileSync(args.json, `${JSON.stringify(outcomes, null, 2)}\n`);
    }
    console.log(`\n${markdownTable(chosen, outcomes)}`);
    const unreachable = new Set(chosen.filter((g) => g.unreachable).map((g) => g.id));
    const missed = outcomes.filter((o) => !o.caught && (o.error || !unreachable.has(o.id)));
    const caught = outcomes.filter((o) => o.caught).length;
    console.log(
      `\n${caught} of ${outcomes.length} guards caught, ${outcomes.length - caught - missed.length} unreachable`,
    );
    for (const o of missed) console.log(`  not caught: ${o.id}${o.error ? ` (${o.error})` : ""}`);
    process.exitCode = missed.length > 0 ? 1 : 0;
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

main();
