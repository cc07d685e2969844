/**
 * A segment shape with room for each of some transcripts on its own, for tests that run many
 * transcripts (valid and not) through one compiled circuit.
 */
import type { SegmentShape } from "../../src/circuits/emit.js";
import type { LoweredProgram } from "../../src/lower/index.js";
import type { Transcript } from "../../src/transcript/model.js";

/**
 * Per rule, the most public and the most private blocks any one transcript has. A private block
 * of a setup rule gets no slot: a setup rule has public slots only.
 */
export function fittingShape(
  program: LoweredProgram,
  transcripts: readonly Transcript[],
): SegmentShape {
  const slots: Record<string, number> = {};
  const publicSlots: Record<string, number> = {};
  for (const t of transcripts) {
    for (const isPublic of [true, false]) {
      const counts = new Map<string, number>();
      for (let b = 0; b < t.blockCount; b++) {
        if (!!t.isPublic[b] !== isPublic) continue;
        const rule = program.rules[t.rule[b]];
        if (!isPublic && rule.setup) continue;
        counts.set(rule.name, (counts.get(rule.name) ?? 0) + 1);
      }
      const target = isPublic ? publicSlots : slots;
      for (const [r, n] of counts) target[r] = Math.max(target[r] ?? 0, n);
    }
  }
  return { slots, publicSlots };
}
