import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { sumTrace, transferTrace } from "../examples/imp/generate.js";
import {
  buildBlocks,
  checkRuleFile,
  parseTranscript,
  SourceFile,
  transcriptText,
  validateTranscript,
} from "../src/index.js";

const rules = checkRuleFile("examples/imp/imp.bm").ruleSet!;

function validated(proof: Parameters<typeof buildBlocks>[1]) {
  const built = buildBlocks(rules, proof);
  expect(built.errors).toEqual([]);
  const parsed = parseTranscript(new SourceFile("trace.bmt", transcriptText(built.blocks)), rules);
  expect(parsed.diagnostics).toEqual([]);
  return { blocks: built.blocks, validation: validateTranscript(parsed.transcript!) };
}

describe("IMP trace generator", () => {
  it("reproduces the committed proof files", () => {
    const read = (f: string) => JSON.parse(readFileSync(`examples/imp/${f}`, "utf8"));
    expect(transferTrace(100, 5, 30).proof).toEqual(read("transfer.json"));
    expect(sumTrace(5).proof).toEqual(read("sum-5.json"));
  });

  it("runs the transfer natively to the balances the proof demands", () => {
    const t = transferTrace(100, 5, 30);
    expect(t.final).toEqual([
      [1, 70n],
      [2, 35n],
      [3, 30n],
    ]);
    // An overdraft takes the else branch and changes nothing.
    const refused = transferTrace(20, 5, 30);
    expect(refused.final).toEqual([
      [1, 20n],
      [2, 5n],
      [3, 30n],
    ]);
    expect(validated(refused.proof).validation.valid).toBe(true);
  });

  it("produces a valid trace of more than 10^5 blocks for the sum loop", () => {
    const n = 2500;
    const t = sumTrace(n);
    expect(t.final.find(([x]) => x === 3)![1]).toBe(BigInt((n * (n + 1)) / 2));
    const { blocks, validation } = validated(t.proof);
    expect(blocks.length).toBeGreaterThan(100_000);
    expect(validation.errors).toEqual([]);
    expect(validation.valid).toBe(true);
  });
});
