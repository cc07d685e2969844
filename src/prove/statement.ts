/**
 * A proof's statement: the public blocks of a transcript, and the circuit's public inputs that
 * encode them. A module of its own, free of the provers, so that the library entry
 * (src/index.ts) can export publicSignalsFor without loading snarkjs and ffjavascript.
 */
import type { Manifest } from "../circuits/index.js";
import { P } from "../field/index.js";
import type { Transcript } from "../transcript/model.js";
import type { StatementBlock } from "./proof-file.js";

export function statementOf(t: Transcript): StatementBlock[] {
  const out: StatementBlock[] = [];
  for (let b = 0; b < t.blockCount; b++) {
    if (!t.isPublic[b]) continue;
    const rule = t.ruleSet.rules[t.rule[b]];
    const start = t.valueStart[b];
    out.push({
      rule: rule.name,
      shown: t.values.slice(start, start + rule.shownCount).map(String),
    });
  }
  return out;
}

/** The circuit's public inputs for a statement, in the order the circuit declares them. */
export function publicSignalsFor(
  manifest: Manifest,
  statement: readonly StatementBlock[],
): string[] {
  const values = new Map<string, bigint>();
  const used = new Map<string, number>();
  for (const block of statement) {
    const rule = manifest.program.rules.find((r) => r.name === block.rule);
    const capacity = rule ? (manifest.shape.publicSlots[rule.name] ?? 0) : 0;
    const k = used.get(block.rule) ?? 0;
    if (!rule || k >= capacity) {
      throw new Error(
        `the statement has more \`${block.rule}\` blocks than the circuit's public slots (${capacity})`,
      );
    }
    if (
      block.shown.length !== rule.shownCount ||
      block.shown.some((v) => !/^\d+$/.test(v) || BigInt(v) >= P)
    ) {
      throw new Error(
        `a \`${block.rule}\` block of the statement does not have ${rule.shownCount} field values`,
      );
    }
    used.set(block.rule, k + 1);
    values.set(`pub${rule.index}_en[${k}]`, 1n);
    block.shown.forEach((v, j) => values.set(`pub${rule.index}_shown[${k}][${j}]`, BigInt(v)));
  }
  return manifest.publicInputs.map((name) => (values.get(name) ?? 0n).toString());
}
