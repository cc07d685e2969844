/**
 * What `bmc compile --stats` reports: the constraints of each main of a build folder per rule,
 * counted by the slot whose signals each constraint involves (constraintsBySlot), next to the
 * least a block of the rule needs (src/circuits/least.ts, the yardstick bench:circuits uses).
 */
import { join } from "node:path";
import type { CircuitFiles, Manifest } from "../circuits/index.js";
import { foldLeast, groth16Least } from "../circuits/least.js";
import { limbPlan } from "../circuits/lookup.js";
import { constraintsBySlot } from "./explain.js";
import { readR1cs, readSym } from "./r1cs.js";

export interface RuleConstraints {
  readonly rule: string;
  readonly slots: number;
  /**
   * Constraints on the signals of the rule's slots; in the fold main also on their inputs to
   * the main and their limbs' lookup terms (explain.ts, constraintsBySlot).
   */
  readonly constraints: number;
  /** constraints / slots. */
  readonly perBlock: number;
  /** The least a block of the rule needs in this main (the limb table not included). */
  readonly least: number;
}

export interface MainConstraints {
  readonly main: "groth16" | "fold";
  /** k of the fold main's limb lookups; absent where range checks are by bits. */
  readonly limbBits?: number;
  /** Rules with at least one slot, in slot order. */
  readonly rules: RuleConstraints[];
  /** The rest of the segment: challenges, unique-claim list, powers, limb table, input checks. */
  readonly shared: number;
  /** All constraints of the main. */
  readonly total: number;
}

/** The mains of the build folder `outDir`: Groth16, fold, or both. */
export function constraintStats(outDir: string, manifest: Manifest): MainConstraints[] {
  const out: MainConstraints[] = [];
  if (manifest.files) out.push(mainStats(outDir, manifest.files, manifest, "groth16"));
  if (manifest.fold) out.push(mainStats(outDir, manifest.fold.files, manifest, "fold"));
  return out;
}

function mainStats(
  outDir: string,
  files: CircuitFiles,
  manifest: Manifest,
  main: "groth16" | "fold",
): MainConstraints {
  const r1cs = readR1cs(join(outDir, files.r1cs));
  const names = readSym(join(outDir, files.sym));
  // The fold main range checks by limb lookups when the segment's plan says so (lookup.ts).
  const plan = main === "fold" ? limbPlan(manifest.program, manifest.shape) : undefined;
  const counted = constraintsBySlot(
    manifest,
    names,
    r1cs.constraints,
    main === "fold" ? { limbs: plan } : undefined,
  );
  const rules = Object.entries(counted.perRule).map(([name, n]): RuleConstraints => {
    const rule = manifest.program.rules.find((r) => r.name === name)!;
    return {
      rule: name,
      slots: n.slots,
      constraints: n.constraints,
      perBlock: n.constraints / n.slots,
      least: main === "fold" ? foldLeast(rule, plan?.limbBits) : groth16Least(rule),
    };
  });
  return {
    main,
    ...(plan ? { limbBits: plan.limbBits } : {}),
    rules,
    shared: counted.shared,
    total: r1cs.constraints.length,
  };
}
