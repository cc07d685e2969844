/**
 * One phase of the circuit benchmark in a fresh process, so that time and peak memory are this
 * phase's alone. Prints one JSON line: { ms, maxRssMiB, ...phase results }.
 *
 *   compile RULES OUT [--fit T] [--only RULE [--count N]]   witness OUT T   setup OUT
 *   workload RULES OUT [--extra RULE]   the segment of bench:fold (10 proofs of X -> X, --O1),
 *                                       with 8 more slots of RULE if given
 *   prove OUT T PROOF
 *   verify OUT PROOF
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { checkRuleFile, readTranscript, validateTranscript } from "../src/index.js";
import { compileCommand } from "../src/cli/compile.js";
import { setupCommand } from "../src/cli/prove.js";
import { loadManifest, proveGroth16, verifyProofText } from "../src/prove/index.js";
import { calculateWitness } from "../src/witness/calculator.js";
import { segmentInputs } from "../src/witness/inputs.js";
import { checkR1cs, readR1cs } from "../src/witness/r1cs.js";
import { compileProgram } from "../src/circuits/index.js";
import { lowerRuleSet } from "../src/lower/index.js";
import { workloadShape } from "./workload.js";

const [phase, ...args] = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const started = performance.now();
let result: Record<string, unknown> = {};

switch (phase) {
  case "compile": {
    const [rules, out] = args;
    const only = flag("--only");
    let slots: string | undefined;
    let publicSlots: string | undefined;
    if (only !== undefined) {
      // One block of one rule (setup rules: a public one), nothing else.
      const ruleSet = checkRuleFile(rules).ruleSet!;
      const zero = ruleSet.rules.map((r) => `${r.name}=0`);
      const rule = ruleSet.rules.find((r) => r.name === only);
      const n = flag("--count") ?? "1";
      slots = [...zero, ...(rule && !rule.setup ? [`${only}=${n}`] : [])].join(",");
      publicSlots = [...zero, ...(rule?.setup ? [`${only}=${n}`] : [])].join(",");
    }
    const r = await compileCommand({
      rulesPath: rules,
      outDir: out,
      fit: flag("--fit"),
      slots,
      publicSlots,
    });
    if (!r.ok)
      throw new Error(`compile failed: ${JSON.stringify(r.diagnostics.map((d) => d.message))}`);
    result = {
      slots: r.stats?.slots,
      constraints: r.stats?.constraints,
      foldConstraints: r.stats?.foldConstraints,
      wires: r.stats?.wires,
    };
    break;
  }
  case "workload": {
    const [rules, out] = args;
    const program = lowerRuleSet(checkRuleFile(rules).ruleSet!).program!;
    const shape = workloadShape(program, flag("--extra"));
    const r = await compileProgram(program, { rulesFile: rules, outDir: out, shape, optimize: 1 });
    if (!r.ok) throw new Error(r.circom?.output ?? "compile failed");
    result = {
      slots: r.emitted.slots.length,
      limbBits: r.emitted.limbPlan?.limbBits,
      constraints: r.manifest!.constraints,
      foldConstraints: r.manifest!.fold!.constraints,
    };
    break;
  }
  case "witness": {
    const [out, transcript] = args;
    const manifest = loadManifest(out);
    const rules = checkRuleFile(resolve(out, manifest.rulesFile)).ruleSet!;
    const t = readTranscript(transcript, rules).transcript!;
    const v = validateTranscript(t);
    const inputs = segmentInputs(manifest.program, manifest, manifest.shape, t, v, {
      main: "groth16",
    });
    const w = await calculateWitness(join(out, "groth16_js"), "groth16.wasm", inputs);
    const check = checkR1cs(readR1cs(join(out, manifest.files!.r1cs)), w);
    if (!check.ok) throw new Error("witness violates the constraints");
    result = { wires: w.length };
    break;
  }
  case "setup": {
    const r = await setupCommand(args[0], undefined, true, undefined);
    result = { power: r.power };
    break;
  }
  case "prove": {
    const [out, transcript, proofPath] = args;
    const r = await proveGroth16(out, transcript);
    if (!r.proof) throw new Error("prove failed");
    writeFileSync(proofPath, JSON.stringify(r.proof));
    break;
  }
  case "verify": {
    const r = await verifyProofText(args[0], readFileSync(args[1], "utf8"));
    if (!r.valid) throw new Error(`verify failed: ${r.reason}`);
    break;
  }
  default:
    throw new Error(`unknown phase ${phase}`);
}
process.stdout.write(
  JSON.stringify({
    ms: performance.now() - started,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    ...result,
  }) + "\n",
);
