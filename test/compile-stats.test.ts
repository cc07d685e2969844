/**
 * `bmc compile --stats`: constraints per block of each rule in both mains, against the least the
 * rule needs (src/circuits/least.ts). One small build, cached by what it depends on.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkRuleFile } from "../src/index.js";
import { claimsLeast, foldLeast, groth16Least } from "../src/circuits/least.js";
import { constraintStatsText } from "../src/cli/compile.js";
import { lowerRuleSet } from "../src/lower/index.js";
import { loadManifest } from "../src/prove/build-folder.js";
import { constraintStats, type MainConstraints } from "../src/witness/stats.js";
import { cachedFolder, compilerSourceDigest, runBmc } from "./fixtures.js";

const RULES = `relation p(a, b).
unique relation named(a).
rule base(a): p(a, 0), unique named(a) -: .
rule step(a, b; k): p(a, b) -: p(a, k), k < b.
rule goal(a): -: p(a, _).
`;
const SLOTS = "base=1,step=2,goal=1";

async function build(): Promise<{ dir: string; json: { constraintsPerRule: MainConstraints[] } }> {
  const digest = compilerSourceDigest(
    RULES,
    SLOTS,
    ...["src/witness/stats.ts", "src/witness/explain.ts", "src/cli/compile.ts"].map((f) =>
      readFileSync(f, "utf8"),
    ),
  );
  const dir = await cachedFolder(`compile-stats-${digest}`, async (into) => {
    writeFileSync(join(into, "rules.bm"), RULES);
    const r = await runBmc(
      "compile",
      join(into, "rules.bm"),
      "-o",
      join(into, "build"),
      "--slots",
      SLOTS,
      "--stats",
      "--json",
    );
    if (r.code !== 0) throw new Error(`compile failed: ${r.stdout}${r.stderr}`);
    writeFileSync(join(into, "compile.json"), r.stdout);
  });
  return {
    dir: join(dir, "build"),
    json: JSON.parse(readFileSync(join(dir, "compile.json"), "utf8")),
  };
}

describe("the least a block of a rule needs", () => {
  const program = lowerRuleSet(checkRuleFile("rules.bm", { entryText: RULES }).ruleSet!).program!;
  const rule = (name: string) => program.rules.find((r) => r.name === name)!;

  it("counts products, LogUp inverses and range checks", () => {
    // base: a at position 0 (the constant 0 needs no product), 2 claims, a range check of a.
    expect(claimsLeast(rule("base"))).toBe(1 + 2);
    expect(groth16Least(rule("base"))).toBe(3 + 41);
    expect(foldLeast(rule("base"), 5)).toBe(3 + (8 + 1));
    // step: a at 0, b and k at 1; 2 claims; k, b and the gap b - k - 1 range checked.
    expect(claimsLeast(rule("step"))).toBe(3 + 2);
    expect(groth16Least(rule("step"))).toBe(5 + 3 * 41);
    expect(foldLeast(rule("step"), 8, 4)).toBe(5 + 3 * (5 + 1) + 4);
    expect(foldLeast(rule("step"), undefined)).toBe(groth16Least(rule("step")));
    // goal: a and the wildcard's value, 1 claim.
    expect(groth16Least(rule("goal"))).toBe(2 + 1);
  });
});

describe("bmc compile --stats", () => {
  it("reports both mains per rule, in --json and as text", async () => {
    const { dir, json } = await build();
    const stats = constraintStats(dir, loadManifest(dir));
    expect(json.constraintsPerRule).toEqual(stats);
    for (const main of stats) {
      const perRule = main.rules.reduce((n, r) => n + r.constraints, 0);
      expect(perRule + main.shared).toBe(main.total);
    }
    expect(stats.map((m) => m.total)).toEqual([2843, 199]);
    expect(constraintStatsText(stats)).toBe(
      [
        "constraints per rule (per block: on the signals of the rule's slots; least: what a block of the rule needs, src/circuits/least.ts):",
        "Groth16 main (range checks by bits):",
        "  base: 3 slots, 133 constraints, 44.3 per block, least 44 (1.01x)",
        "  goal: 2 slots, 6 constraints, 3 per block, least 3 (1.00x)",
        "  step: 2 slots, 256 constraints, 128 per block, least 128 (1.00x)",
        "  shared (challenges, unique-claim list, powers, limb table, checks on inputs): 2448",
        "  segment: 2843",
        "folding main (range checks by 5-bit limb lookups):",
        "  base: 3 slots, 44 constraints, 14.7 per block, least 12 (1.22x)",
        "  goal: 2 slots, 8 constraints, 4 per block, least 3 (1.33x)",
        "  step: 2 slots, 68 constraints, 34 per block, least 32 (1.06x)",
        "  shared (challenges, unique-claim list, powers, limb table, checks on inputs): 79",
        "  segment: 199",
        "",
      ].join("\n"),
    );
  });
});
