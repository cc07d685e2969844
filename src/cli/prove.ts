/** `bmc ptau`, `bmc setup`, `bmc prove`, `bmc verify`, `bmc export solidity`. */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { readR1cs } from "../witness/r1cs.js";
import {
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

export class CommandError extends Error {}

type Progress = ((m: string) => void) | undefined;

/** The power of tau a build folder's circuit needs. */
export function neededPower(buildDir: string): number {
  const manifest = loadManifest(buildDir);
  return Math.max(8, powerFor(readR1cs(join(buildDir, manifest.files.r1cs))));
}

export async function ptauCommand(power: number, progress: Progress): Promise<string> {
  if (!Number.isInteger(power) || power < 1 || power > 28) {
    throw new CommandError("--power takes a whole number from 1 to 28");
  }
  return devPtau(power, { onProgress: progress });
}

export async function setupCommand(
  buildDir: string,
  ptau: string | undefined,
  dev: boolean,
  progress: Progress,
): Promise<{ ptau: string; power: number; insecure: boolean }> {
  if (!existsSync(join(buildDir, "manifest.json"))) {
    throw new CommandError(`${buildDir} is not a build folder (no manifest.json): run bmc compile`);
  }
  if (!ptau && !dev)
    throw new CommandError("setup needs --ptau FILE, or --dev for an insecure local ceremony");
  const power = neededPower(buildDir);
  const path = ptau ?? (await devPtau(power, { onProgress: progress }));
  if (ptau) {
    if (!existsSync(ptau)) throw new CommandError(`cannot read ${ptau}`);
    try {
      ptauPower(ptau);
    } catch (error) {
      throw new CommandError((error as Error).message);
    }
  }
  progress?.(`setup: Groth16 keys for 2^${power}`);
  try {
    const vkey = await setup(
      join(buildDir, loadManifest(buildDir).files.r1cs),
      path,
      join(buildDir, ZKEY),
    );
    writeFileAtomic(join(buildDir, VKEY), JSON.stringify(vkey, null, 1) + "\n");
  } catch (error) {
    if (error instanceof ProvingError) throw new CommandError(error.message);
    throw error;
  }
  return { ptau: path, power, insecure: !ptau };
}

export { proveGroth16, verifyProofText };

export async function exportSolidityCommand(buildDir: string): Promise<string> {
  if (!existsSync(join(buildDir, ZKEY)))
    throw new CommandError(`${buildDir} has no proving key: run bmc setup`);
  return exportSolidity(join(buildDir, ZKEY));
}

export function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    throw new CommandError(`cannot read ${path}`);
  }
}
