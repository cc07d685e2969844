/**
 * Where commands write, and what they refuse to overwrite. Every output goes to a temporary
 * sibling first and is renamed into place, so nothing is left half-written. A build folder is
 * replaced only when bmc made it (it holds the marker file, or, from earlier versions of bmc,
 * a manifest.json) and holds nothing else than what bmc put there; a file is overwritten only
 * when it is not one of the command's inputs and has the extension the command writes.
 */
import {
  copyFileSync,
  existsSync,
  linkSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, extname, join, relative, resolve, sep } from "node:path";
import { parseManifest } from "../circuits/index.js";
import { VKEY, ZKEY } from "../prove/build-folder.js";
import { writeFileAtomic } from "./files.js";
import { CommandError } from "./types.js";

/** The file that says bmc made a build folder; it lists what bmc wrote there. */
export const BUILD_MARKER = ".bmc-build";
/** What `bmc setup` adds to a build folder. */
export const KEY_FILES = [ZKEY, VKEY] as const;

function refuse(message: string, help: string): never {
  throw new CommandError(message, "BM0910", help);
}

/** The path with symbolic links resolved as far as it exists. */
function canonical(path: string): string {
  const absolute = resolve(path);
  if (existsSync(absolute)) return realpathSync(absolute);
  const parent = dirname(absolute);
  return parent === absolute ? absolute : join(canonical(parent), basename(absolute));
}

const isInside = (path: string, folder: string) =>
  path === folder || path.startsWith(folder.endsWith(sep) ? folder : folder + sep);

/** The top-level entries bmc wrote into an existing build folder, or undefined if not bmc's. */
function madeByBmc(folder: string): Set<string> | undefined {
  const marker = join(folder, BUILD_MARKER);
  if (existsSync(marker)) {
    try {
      const entries = JSON.parse(readFileSync(marker, "utf8")).entries;
      if (Array.isArray(entries)) return new Set([BUILD_MARKER, ...entries.map(String)]);
    } catch {
      // An unreadable marker proves nothing: the folder is treated as the user's.
    }
    return undefined;
  }
  const manifestPath = join(folder, "manifest.json");
  if (!existsSync(manifestPath)) return undefined;
  // A build folder of an earlier bmc: what its manifest names is bmc's.
  try {
    const manifest = parseManifest(readFileSync(manifestPath, "utf8"));
    const files = [manifest.files, manifest.fold?.files].filter((f) => f !== undefined);
    const top = files.flatMap((f) => [f.r1cs, f.sym, f.wasm, f.main].map((p) => p.split("/")[0]));
    return new Set(["manifest.json", "bindings.ts", ...top]);
  } catch {
    return undefined;
  }
}

const isBmcEntry = (name: string, entries: Set<string>) =>
  entries.has(name) || KEY_FILES.some((k) => name.startsWith(k));

/**
 * Checks that `outDir` may become (or be replaced by) a build folder made from `inputs`, and
 * says whether a previous build is there. Throws BM0910 otherwise, having touched nothing.
 */
export function checkBuildFolder(outDir: string, inputs: readonly string[]): { previous: boolean } {
  const target = canonical(outDir);
  const cwd = canonical(process.cwd());
  if (isInside(cwd, target)) {
    refuse(
      `-o ${outDir} is the current folder or one above it; bmc will not replace it`,
      "name a new folder for the build, e.g. -o build",
    );
  }
  for (const input of inputs) {
    if (isInside(canonical(input), target)) {
      refuse(
        `-o ${outDir} holds ${input}, an input of this command; bmc will not replace it`,
        "name a new folder for the build, e.g. -o build",
      );
    }
  }
  if (!existsSync(target)) return { previous: false };
  if (!statSync(target).isDirectory()) {
    refuse(
      `-o ${outDir} is a file, not a build folder; bmc will not overwrite it`,
      "-o names the folder the build goes to, e.g. -o build",
    );
  }
  const present = readdirSync(target);
  if (present.length === 0) return { previous: false };
  const entries = madeByBmc(target);
  if (!entries) {
    refuse(
      `-o ${outDir} is a folder bmc did not make (no ${BUILD_MARKER} in it); bmc will not replace it`,
      "name a new folder for the build, or empty this one",
    );
  }
  const foreign = present.filter((name) => !isBmcEntry(name, entries));
  if (foreign.length) {
    const shown = foreign.slice(0, 5).join(", ") + (foreign.length > 5 ? ", ..." : "");
    refuse(
      `-o ${outDir} holds files bmc did not make (${shown}); bmc will not replace the folder`,
      "move them out of the build folder, or name another folder",
    );
  }
  return { previous: true };
}

/** Records in a new build folder that bmc made it, and what it holds. */
export function writeBuildMarker(folder: string, version: string): void {
  const entries = readdirSync(folder).filter((name) => name !== BUILD_MARKER);
  const text = JSON.stringify({ madeBy: "bmc", version, entries: entries.sort() }, null, 1);
  writeFileSync(join(folder, BUILD_MARKER), text + "\n");
}

export type KeysFate = "none" | "kept" | "invalidated";

/**
 * Moves a previous build's Groth16 keys into the new one when the circuit is the same (same
 * circuit digest): keys made by a slow setup stay valid. Hard links where possible.
 */
export function carryKeys(previous: string, next: string): KeysFate {
  const keys = KEY_FILES.filter((k) => existsSync(join(previous, k)));
  if (!keys.length) return "none";
  const digest = (folder: string) => {
    try {
      return parseManifest(readFileSync(join(folder, "manifest.json"), "utf8")).circuitDigest;
    } catch {
      return undefined;
    }
  };
  const old = digest(previous);
  if (old === undefined || old !== digest(next) || keys.length !== KEY_FILES.length)
    return "invalidated";
  for (const k of keys) {
    try {
      linkSync(join(previous, k), join(next, k));
    } catch {
      copyFileSync(join(previous, k), join(next, k));
    }
  }
  return "kept";
}

/** A temporary sibling of `path`, for staging an output. */
export function stagingPath(path: string, tag: string): string {
  const target = resolve(path);
  return join(dirname(target), `.${basename(target)}.${tag}-${process.pid}`);
}

/**
 * Puts the folder `staging` in the place of `target` (which may exist): the old folder is
 * moved aside first and removed only once the new one is in place, restored if that fails.
 */
export function replaceFolder(staging: string, target: string): void {
  const absolute = resolve(target);
  if (!existsSync(absolute)) {
    renameSync(staging, absolute);
    return;
  }
  const aside = stagingPath(absolute, "bmc-old");
  renameSync(absolute, aside);
  try {
    renameSync(staging, absolute);
  } catch (error) {
    renameSync(aside, absolute);
    throw error;
  }
  rmSync(aside, { recursive: true, force: true });
}

/**
 * Checks that a command may write the file `path`: not a folder, not one of its inputs, and,
 * when it exists, a file of the kind the command writes (`extensions`). Throws BM0910.
 */
export function checkOutputFile(
  path: string,
  extensions: readonly string[],
  inputs: readonly string[] = [],
): void {
  const target = canonical(path);
  if (inputs.some((input) => canonical(input) === target)) {
    refuse(
      `-o ${path} is an input of this command; bmc will not overwrite it`,
      "name another output file",
    );
  }
  if (!existsSync(target)) return;
  if (statSync(target).isDirectory()) {
    refuse(
      `-o ${path} is a folder; the output is a file`,
      `name a file, e.g. -o ${join(path, "out" + extensions[0])}`,
    );
  }
  if (!extensions.includes(extname(target))) {
    refuse(
      `-o ${path} exists and is not a ${extensions.join(" or ")} file; bmc will not overwrite it`,
      `name a ${extensions[0]} file`,
    );
  }
}

/** The path as the user would write it, relative to the current folder when that is shorter. */
export function shown(path: string): string {
  const r = relative(process.cwd(), resolve(path));
  return r && !r.startsWith("..") && r.length < path.length ? r : path;
}

/** Writes an output file whole (temporary sibling, then rename); a failure is BM0902. */
export function writeOutputFile(path: string, text: string): void {
  try {
    writeFileAtomic(path, text);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code;
    if (!reason) throw error;
    throw new CommandError(`cannot write ${path} (${reason})`, "BM0902");
  }
}
