/**
 * One phase of the circuit benchmark in a fresh process, so that time and peak memory are this
 * phase's alone. Prints one JSON line: { ms, maxRssMiB, ...phase results }.
 *
 *   compile RULES OUT [--fit T] [--only RULE [--count N]]   witness OUT T   setup OUT
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
    result = { slots: r.stats?.slots, constraints: r.stats?.constraints, wires: r.stats?.wires };
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
    const check = checkR1cs(readR1cs(join(out, manifest.files.r1cs)), w);
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
