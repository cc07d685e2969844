import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { chain, proofFile, syllogism } from "../examples/hilbert/generate.js";
import {
  buildBlocks,
  checkRuleFile,
  parseTranscript,
  SourceFile,
  transcriptText,
  validateTranscript,
} from "../src/index.js";

const rules = () => checkRuleFile("examples/hilbert/hilbert.bm").ruleSet!;

describe("Hilbert proof generator", () => {
  it("reproduces the committed syllogism proof", () => {
    const committed = JSON.parse(readFileSync("examples/hilbert/syllogism.json", "utf8"));
    expect(proofFile(syllogism(), "hypothetical syllogism")).toEqual(committed);
  });

  it.each([2, 3, 4])("proves implication chains of %i into valid transcripts", (n) => {
    const built = buildBlocks(rules(), proofFile(chain(n), "chain"));
    expect(built.errors).toEqual([]);
    const parsed = parseTranscript(
      new SourceFile("chain.bmt", transcriptText(built.blocks)),
      rules(),
    );
    const v = validateTranscript(parsed.transcript!);
    expect(v.errors).toEqual([]);
    expect(v.valid).toBe(true);
  });
});
