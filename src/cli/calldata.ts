/** `bmc export calldata BUILD PROOF.json`: the Solidity verifier's arguments for a proof. */
import { calldataForProofText } from "../prove/calldata.js";
import { writeFileAtomic } from "./files.js";
import { checkOutputFile } from "./outputs.js";
import { readText } from "./prove.js";
import { CommandError, EXIT, type CommandContext } from "./types.js";

export async function exportCalldataCommand(c: CommandContext): Promise<number> {
  const [buildDir, proofPath] = c.args;
  const out = c.str("output");
  if (out) checkOutputFile(out, [".json"], [proofPath]);
  const r = await calldataForProofText(buildDir, readText(proofPath));
  if ("reason" in r) {
    throw new CommandError(
      `no calldata for ${proofPath}: ${r.reason}`,
      "BM0621",
      "the verifier contract would reject it too; prove again against this build folder",
    );
  }
  const text = JSON.stringify(r.calldata, null, 2) + "\n";
  if (out) writeFileAtomic(out, text);
  if (c.json) c.printJson({ ok: true, output: out, calldata: out ? undefined : r.calldata });
  else if (!out) c.io.out(text);
  else if (!c.quiet) {
    const n = r.calldata._pubSignals.length;
    c.io.out(`exported: ${out} (verifyProof arguments, ${n} public signals, and the call)\n`);
  }
  return EXIT.ok;
}
