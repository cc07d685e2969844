/**
 * Differential tests: bmc's Metamath reader and proof checker accept a mutated database exactly
 * when metamath-exe (Debian's `metamath`, installed by .ci/run) accepts it.
 *
 * BMC_METAMATH_MUTATIONS sets the number of mutations (default 200), BMC_METAMATH_SEED the seed
 * (default 1). One metamath-exe process checks all of them.
 *
 * One disagreement is expected and checked for what it is: metamath-exe 0.195 does not compare
 * the `$e` hypotheses of an assertion that has no variables with the stack (fixed upstream after
 * metamath/metamath-exe issue #107), so it accepts such wrong proofs; bmc rejects them (BM0721).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readMetamath, verifyMetamath, type MetamathDiagnostic } from "../src/index.js";
import {
  metamathExeAccepts,
  metamathExeAvailable,
  mutate,
  random,
} from "./metamath-reader-mutations.js";

function sharedData(): string {
  if (process.env.BMC_METAMATH_DATA) return process.env.BMC_METAMATH_DATA;
  let root = process.cwd();
  try {
    root = dirname(
      execFileSync("git", ["rev-parse", "--path-format=absolute", "--git-common-dir"], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
      }).trim(),
    );
  } catch {
    // Not a git checkout: the current folder is the repository.
  }
  return resolve(root, "..", "shared", "data", "metamath");
}

const dataDir = sharedData();
const exe = metamathExeAvailable();
if (!exe)
  console.warn(
    "skipping differential tests: metamath-exe not installed (apt-get install metamath)",
  );

const count = Number(process.env.BMC_METAMATH_MUTATIONS ?? 200);
const seed = Number(process.env.BMC_METAMATH_SEED ?? 1);

interface Verdict {
  accepted: boolean;
  first?: MetamathDiagnostic;
  /** The first failure is a `$e` mismatch at an assertion without variables. */
  groundHypothesis: boolean;
}

function bmcVerdict(path: string): Verdict {
  const read = readMetamath(path);
  if (!read.database)
    return { accepted: false, first: read.diagnostics[0], groundHypothesis: false };
  const db = read.database;
  const failures = verifyMetamath(db).diagnostics;
  const first = failures[0];
  const ground = (d: MetamathDiagnostic) => {
    if (d.code !== "BM0721" || !d.stepLabel) return false;
    const s = db.statements[db.labels.get(d.stepLabel)!];
    return (s.kind === "a" || s.kind === "p") && s.frame.variables.length === 0;
  };
  return {
    accepted: failures.length === 0,
    first,
    groundHypothesis: failures.length > 0 && failures.every(ground),
  };
}

describe.skipIf(!exe)(`bmc and metamath-exe agree on ${count} mutations (seed ${seed})`, () => {
  const dir = mkdtempSync(join(tmpdir(), "bmc-mm-diff-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }), 120_000);
  // metamath-exe and bmc each take a few milliseconds per mutation; more with the env var.
  const timeout = Math.max(120_000, count * 200);
  const isBad = (f: string) => /-bad\d*\.mm$/.test(f) || f === "simple-broken.mm";
  const sources = readdirSync(dataDir)
    .filter((f) => f.endsWith(".mm") && !isBad(f))
    .sort();
  const rng = random(seed);
  const cases: { name: string; source: string; kind: string }[] = [];
  for (let tries = 0; cases.length < count && tries < count * 50; tries++) {
    const source = sources[Math.floor(rng() * sources.length)];
    const m = mutate(readFileSync(join(dataDir, source), "latin1"), rng);
    if (!m) continue;
    const name = `m${cases.length}.mm`;
    writeFileSync(join(dir, name), m.text, "latin1");
    cases.push({ name, source, kind: m.kind });
  }

  it("the mutations cover every kind", () => {
    expect(cases.length).toBe(count);
    const kinds = new Set(cases.map((c) => c.kind));
    if (count >= 200)
      for (const k of [
        "swap-labels",
        "replace-label",
        "drop-step",
        "duplicate-step",
        "move-z",
        "change-reference",
        "drop-d",
        "change-symbol",
      ])
        expect(kinds, k).toContain(k);
  });

  it("every verdict agrees, except metamath-exe's known blind spot", { timeout }, () => {
    const theirs = metamathExeAccepts(
      dir,
      cases.map((c) => c.name),
    );
    const disagreements: string[] = [];
    let accepted = 0;
    let blindSpot = 0;
    cases.forEach((c, i) => {
      const ours = bmcVerdict(join(dir, c.name));
      if (ours.accepted) accepted++;
      if (ours.accepted === theirs[i]) return;
      if (theirs[i] && ours.groundHypothesis) {
        blindSpot++;
        return;
      }
      const d = ours.first;
      disagreements.push(
        `${c.name} (${c.kind} of ${c.source}): metamath-exe ${theirs[i] ? "accepts" : "rejects"}, bmc ${
          ours.accepted ? "accepts" : `rejects: ${d?.code} ${d?.message.slice(0, 200)}`
        }`,
      );
    });
    console.log(
      `${cases.length} mutations: ${accepted} accepted by bmc, ${blindSpot} accepted by metamath-exe only (its unchecked $e of variable-free assertions)`,
    );
    expect(disagreements).toEqual([]);
  });

  it("the blind spot is metamath-exe's: it accepts a wrong use of a variable-free assertion", () => {
    const wrong =
      "$c |- a b c $.\nx $a |- a $.\ny $a |- b $.\n${ h1 $e |- a $. h2 $e |- b $. z $a |- c $. $}\nth $p |- c $= y x z $.\n";
    writeFileSync(join(dir, "ground.mm"), wrong);
    expect(metamathExeAccepts(dir, ["ground.mm"])).toEqual([true]);
    const ours = bmcVerdict(join(dir, "ground.mm"));
    expect(ours.accepted).toBe(false);
    expect(ours.groundHypothesis).toBe(true);
  });

  it("metamath-exe rejects the shared bad files too (the harness reads its verdicts right)", () => {
    const bad = readdirSync(dataDir).filter(isBad).sort();
    for (const f of bad) writeFileSync(join(dir, f), readFileSync(join(dataDir, f)));
    for (const f of ["demo0.mm", "hol_wov.mm"])
      writeFileSync(join(dir, f), readFileSync(join(dataDir, f)));
    expect(metamathExeAccepts(dir, [...bad, "demo0.mm", "hol_wov.mm"])).toEqual([
      ...bad.map(() => false),
      true,
      true,
    ]);
  });
});
