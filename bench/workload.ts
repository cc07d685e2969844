/**
 * The segment bench:fold proves (bench/fold-worker.ts lays out the same one): 10 whole proofs
 * of X -> X per segment, each 1 + 6 definitions, 2 + 1 axioms and 2 modus ponens (120 private
 * blocks), and the statement's 3 public slots. bench:circuits reports its average block.
 */
import type { SegmentShape } from "../src/circuits/emit.js";
import type { LoweredProgram } from "../src/lower/index.js";

export const WORKLOAD_PROOFS = 10;
/** Slots added for a rule's marginal cost in this segment. */
export const EXTRA_SLOTS = 8;

export function workloadShape(program: LoweredProgram, extra?: string): SegmentShape {
  const slots: Record<string, number> = {};
  const publicSlots: Record<string, number> = {};
  for (const r of program.rules) slots[r.name] = publicSlots[r.name] = 0;
  const k = WORKLOAD_PROOFS;
  Object.assign(slots, {
    def_term_mvar: k,
    def_term_impl: 6 * k,
    axiom1: 2 * k,
    axiom2: k,
    modus_ponens: 2 * k,
  });
  Object.assign(publicSlots, { def_term_mvar: 1, def_term_impl: 1, demand: 1 });
  if (extra) slots[extra] += EXTRA_SLOTS;
  return { slots, publicSlots };
}
