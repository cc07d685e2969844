/**
 * Reading a build folder: every file is checked before it is used, so that a folder that was
 * never compiled, a damaged file or a file from another build gives one coded message
 * (BM0604, BM0605, BM0903) instead of a crash deep inside a stage:
 *   - manifest.json is checked whole (src/circuits/manifest.ts);
 *   - the files circom wrote are checked against the SHA-256 the manifest records;
 *   - verification_key.json (written by setup, after the manifest) is checked for shape and
 *     for the circuit's number of public inputs.
 * A build folder is trusted in one respect: its witness generator is JavaScript that bmc
 * runs. The checks here catch damage and mix-ups, not a folder planted by an attacker.
 */
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileDigest, parseManifest, type CircuitFiles, type Manifest } from "../circuits/index.js";
import { raise } from "../diagnostics/index.js";
import { canonicalDecimal, Q } from "./proof-file.js";

export const ZKEY = "groth16.zkey";
export const VKEY = "verification_key.json";

const COMPILE_AGAIN = "compile the rules into this folder again (bmc compile RULES.bm -o DIR)";

const errno = (error: unknown) => (error as NodeJS.ErrnoException).code ?? "unreadable";

/** Fails unless `buildDir` is a folder with a manifest.json. */
export function checkBuildFolder(buildDir: string): void {
  let isFolder: boolean;
  try {
    isFolder = statSync(buildDir).isDirectory();
  } catch {
    raise("BM0604", `${buildDir} does not exist`, {
      help: `compile rules into it first: bmc compile RULES.bm -o ${buildDir}`,
    });
  }
  if (!isFolder) {
    raise("BM0903", `${buildDir} is a file; a build folder belongs here`, {
      help: "a build folder is the DIR of `bmc compile RULES.bm -o DIR`; check the order of the arguments",
      exitCode: 2,
    });
  }
  let manifestIsFile: boolean;
  try {
    manifestIsFile = statSync(join(buildDir, "manifest.json")).isFile();
  } catch {
    raise("BM0604", `${buildDir} is not a build folder (it has no manifest.json)`, {
      help: `compile rules into it first: bmc compile RULES.bm -o ${buildDir}`,
    });
  }
  if (!manifestIsFile) raise("BM0605", `${join(buildDir, "manifest.json")} is not a file`);
}

let lastManifest: { text: string; manifest: Manifest } | undefined;

/** The build folder's manifest, checked whole. */
export function loadManifest(buildDir: string): Manifest {
  checkBuildFolder(buildDir);
  const path = join(buildDir, "manifest.json");
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    return raise("BM0605", `cannot read ${path} (${errno(error)})`);
  }
  // Commands load the manifest several times; checking it means emitting the circuit again.
  if (lastManifest?.text === text) return lastManifest.manifest;
  const manifest = parseManifest(text, path);
  lastManifest = { text, manifest };
  return manifest;
}

/** Fails unless every file of a compiled main is the one compiling wrote. */
export function checkCircuitFiles(buildDir: string, files: CircuitFiles): void {
  for (const [file, digest] of Object.entries(files.sha256)) {
    const path = join(buildDir, file);
    let actual: string;
    try {
      actual = fileDigest(path);
    } catch (error) {
      return raise("BM0605", `cannot read ${path} (${errno(error)})`, { help: COMPILE_AGAIN });
    }
    if (actual !== digest)
      raise("BM0605", `${path} is not the file compiling wrote (its SHA-256 differs)`, {
        help: COMPILE_AGAIN,
      });
  }
}

/**
 * The Groth16 main's files, checked as checkCircuitFiles does. A folder compiled for folding
 * only (bmc prove --metamath compiles no Groth16 main) has none: BM0604.
 */
export function groth16Files(buildDir: string, manifest: Manifest): CircuitFiles {
  if (!manifest.files)
    raise("BM0604", `${buildDir} was compiled for folding only: it has no Groth16 circuit`, {
      help: "prove with --backend fold, or compile the rules for Groth16 with bmc compile",
    });
  checkCircuitFiles(buildDir, manifest.files);
  return manifest.files;
}

export type VerificationKey = Record<string, unknown>;

const isArray = (v: unknown, n: number): v is unknown[] => Array.isArray(v) && v.length === n;
const coordinate = (v: unknown) => canonicalDecimal(v, Q) !== undefined;
const g1 = (p: unknown) => isArray(p, 3) && p.every(coordinate);
const g2 = (p: unknown) => isArray(p, 3) && p.every((c) => isArray(c, 2) && c.every(coordinate));
const gt = (p: unknown) =>
  isArray(p, 2) &&
  p.every((c) => isArray(c, 3) && c.every((d) => isArray(d, 2) && d.every(coordinate)));

/** verification_key.json, in the shape snarkjs writes, for this build's public inputs. */
export function readVerificationKey(buildDir: string, manifest: Manifest): VerificationKey {
  const path = join(buildDir, VKEY);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if (errno(error) === "ENOENT")
      raise("BM0602", `${buildDir} has no verification key (${VKEY}): run bmc setup ${buildDir}`);
    return raise("BM0605", `cannot read ${path} (${errno(error)})`);
  }
  let key: Record<string, unknown>;
  try {
    key = JSON.parse(text);
  } catch {
    return raise("BM0605", `${path} is not valid JSON`, { help: `run bmc setup ${buildDir}` });
  }
  const nPublic = manifest.publicInputs.length;
  const wellFormed =
    typeof key === "object" &&
    key !== null &&
    Object.keys(key).sort().join() ===
      "IC,curve,nPublic,protocol,vk_alpha_1,vk_alphabeta_12,vk_beta_2,vk_delta_2,vk_gamma_2" &&
    key.protocol === "groth16" &&
    key.curve === "bn128" &&
    g1(key.vk_alpha_1) &&
    g2(key.vk_beta_2) &&
    g2(key.vk_gamma_2) &&
    g2(key.vk_delta_2) &&
    gt(key.vk_alphabeta_12) &&
    Array.isArray(key.IC) &&
    key.IC.every(g1);
  if (!wellFormed)
    raise("BM0605", `${path} is not a Groth16 verification key`, {
      help: `run bmc setup ${buildDir}`,
    });
  if (key.nPublic !== nPublic || (key.IC as unknown[]).length !== nPublic + 1)
    raise(
      "BM0605",
      `${path} is for another circuit (${String(key.nPublic)} public inputs, not ${nPublic})`,
      {
        help: `run bmc setup ${buildDir}`,
      },
    );
  return key;
}
