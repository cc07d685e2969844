/** `bmc ptau`, `bmc setup`, `bmc prove`, `bmc verify`, `bmc export solidity`. */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { raise } from "../diagnostics/index.js";
import { readZkeyHeader } from "../prove/groth16.js";
import { readR1cs } from "../witness/r1cs.js";
import {
  checkCircuitFiles,
  devPtau,
  exportSolidity,
  loadManifest,
  powerFor,
  proveGroth16,
  ProvingError,
  ptauPower,
  setup,
  verifyProofText,
  VKEY,
  ZKEY,
} from "../prove/index.js";
import { writeFileAtomic } from "./files.js";
import { CommandError } from "./types.js";

export { CommandError } from "./types.js";

type Progress = ((m: string) => void) | undefined;

/** The power of tau a build folder's circuit needs. */
export function neededPower(buildDir: string): number {
  const manifest = loadManifest(buildDir);
  checkCircuitFiles(buildDir, manifest.files);
  return Math.max(8, powerFor(readR1cs(join(buildDir, manifest.files.r1cs))));
}

export async function ptauCommand(power: number, progress: Progress): Promise<string> {
  if (!Number.isInteger(power) || power < 1 || power > 28) {
    throw new CommandError("--power takes a whole number from 1 to 28", "BM0922", undefined, 2);
  }
  return devPtau(power, { onProgress: progress });
}

export async function setupCommand(
  buildDir: string,
  ptau: string | undefined,
  dev: boolean,
  progress: Progress,
  force = false,
): Promise<{ ptau: string; power: number; insecure: boolean }> {
  loadManifest(buildDir);
  if (!ptau && !dev)
    throw new CommandError(
      "setup needs --ptau FILE, or --dev for an insecure local ceremony",
      "BM0922",
      undefined,
      2,
    );
  if (ptau && dev)
    throw new CommandError("setup takes --ptau FILE or --dev, not both", "BM0922", undefined, 2);
  if (!force && existsSync(join(buildDir, ZKEY)) && existsSync(join(buildDir, VKEY))) {
    throw new CommandError(
      `${buildDir} has Groth16 keys already; proofs made with them verify only with them`,
      "BM0910",
      "keep them, or run setup with --force to replace them",
    );
  }
  const power = neededPower(buildDir);
  if (ptau) ptauPower(ptau);
  const path = ptau ?? (await devPtau(power, { onProgress: progress }));
  progress?.(`setup: Groth16 keys for 2^${power}`);
  try {
    const vkey = await setup(
      join(buildDir, loadManifest(buildDir).files.r1cs),
      path,
      join(buildDir, ZKEY),
    );
    writeFileAtomic(join(buildDir, VKEY), JSON.stringify(vkey, null, 1) + "\n");
  } catch (error) {
    if (error instanceof ProvingError) raise("BM0607", error.message);
    throw error;
  }
  return { ptau: path, power, insecure: !ptau };
}

export { proveGroth16, verifyProofText };

export async function exportSolidityCommand(buildDir: string): Promise<string> {
  loadManifest(buildDir);
  const zkey = join(buildDir, ZKEY);
  if (!existsSync(zkey)) raise("BM0602", `${buildDir} has no proving key: run bmc setup`);
  const again = { help: `run bmc setup ${buildDir} again` };
  if (!readZkeyHeader(zkey)) raise("BM0605", `${zkey} is not a whole Groth16 proving key`, again);
  try {
    return await exportSolidity(zkey);
  } catch (error) {
    return raise("BM0605", `${zkey} is damaged (snarkjs: ${(error as Error).message})`, again);
  }
}

export function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? "unreadable";
    return raise("BM0901", `cannot read ${path} (${reason})`);
  }
}

/** A transcript with no block: only comments, blank lines and section headers. */
export function isEmptyTranscript(text: string): boolean {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .split("\n")
    .map((line) => line.replace(/\/\/.*$/, "").trim())
    .every((line) => line === "" || line === "public:" || line === "private:");
}
