/**
 * The differential fuzzer's rule files (test/generate/rules.ts) get a twin rule of the same
 * shape, for shared slots: renamed, or with its literals shifted. A twin must never make `bmc
 * check` refuse a file it accepts without the twin (a wasted seed), and shifted twins, whose
 * groups have parameters, must still be made.
 */
import { describe, expect, it } from "vitest";
import { checkRuleFile } from "../src/check/index.js";
import { hasErrors } from "../src/diagnostics/index.js";
import { generateRuleFile } from "./generate/rules.js";

const SEEDS = 400;

function refusal(text: string): string | undefined {
  const checked = checkRuleFile("f.bm", { entryText: text, host: { readFile: () => undefined } });
  if (checked.ruleSet && !hasErrors(checked.diagnostics)) return undefined;
  return checked.diagnostics.find((d) => d.severity === "error")?.code ?? "no rule set";
}

describe("the fuzzer's twin rules", () => {
  it("never make bmc check refuse a rule file; some are shifted", () => {
    const refused: string[] = [];
    let shifted = 0;
    for (let seed = 0; seed < SEEDS; seed++) {
      const lines = generateRuleFile(seed).split("\n");
      const at = lines.findIndex((l) => /^rule r\d+t\(/.test(l));
      if (at < 0) continue;
      const i = /^rule r(\d+)t\(/.exec(lines[at])![1];
      const original = lines.find((l) => l.startsWith(`rule r${i}(`))!;
      if (original.replace(`rule r${i}(`, `rule r${i}t(`) !== lines[at]) shifted++;
      const without = lines.filter((_, k) => k !== at).join("\n");
      const code = refusal(lines.join("\n"));
      if (refusal(without) === undefined && code !== undefined)
        refused.push(`seed ${seed} (${code}): ${lines[at]}`);
    }
    expect(refused).toEqual([]);
    expect(shifted).toBeGreaterThan(SEEDS / 10);
  });
});
