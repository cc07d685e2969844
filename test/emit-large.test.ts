/**
 * Emitting a segment with very many slots of one rule: the Groth16 main lists every input
 * element once, and appending them with a spread overflowed the call stack at about 100,000.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { emitCircuit } from "../src/circuits/emit.js";
import { checkRuleFile } from "../src/index.js";
import { lowerRuleSet } from "../src/lower/index.js";

const scratch = mkdtempSync(join(tmpdir(), "bmc-emit-large-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("a segment of 200,000 slots", () => {
  it("is emitted without overflowing the stack", () => {
    writeFileSync(join(scratch, "rules.bm"), "relation p(x).\nrule a(x): p(x) -: .\n");
    const program = lowerRuleSet(checkRuleFile(join(scratch, "rules.bm")).ruleSet!).program!;
    const emitted = emitCircuit(program, { slots: { a: 200_000 }, publicSlots: {} });
    expect(emitted.files[`${emitted.main}`] ?? Object.values(emitted.files).join("")).toContain(
      "challenges.in[199999]",
    );
  });
});
