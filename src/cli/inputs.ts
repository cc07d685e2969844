/**
 * Every input path on a command line is checked before the command runs, so that an ordinary
 * mistake (a file that does not exist, a folder where a transcript belongs, a rule file where
 * the build folder belongs) is one coded message and not a failure deep inside a stage.
 * Missing inputs are BM0901 (exit 1), a build folder never compiled BM0604 (exit 1), a path of
 * the wrong kind BM0903 (exit 2: the invocation is wrong, often two arguments swapped).
 * Outputs are the output layer's (./outputs.ts): it refuses to replace what bmc did not make.
 */
import { statSync } from "node:fs";
import { raise } from "../diagnostics/index.js";

type Kind = "file" | "folder" | "missing";

function kindOf(path: string): Kind {
  try {
    return statSync(path).isDirectory() ? "folder" : "file";
  } catch {
    return "missing";
  }
}

/** An input file: it exists and is not a folder. `what` names what belongs there. */
export function inputFile(path: string, what: string): void {
  const kind = kindOf(path);
  if (kind === "missing") raise("BM0901", `cannot read ${path} (no such file)`);
  if (kind === "folder")
    raise("BM0903", `${path} is a folder; ${what} belongs here`, {
      help: "check the order of the arguments (bmc help COMMAND)",
      exitCode: 2,
    });
}

export interface CommandPaths {
  readonly output?: string;
  readonly fit?: string;
  readonly ptau?: string;
  readonly bindings?: string;
  readonly metamath?: string;
}

/** How many positional arguments each command that takes paths has. */
const ARGUMENTS: Record<string, number> = {
  check: 1,
  validate: 2,
  build: 2,
  compile: 1,
  setup: 1,
  prove: 2,
  verify: 2,
  execute: 2,
  info: 1,
  "export solidity": 1,
  "export calldata": 2,
  "import metamath": 1,
};

/** A build folder. Its reader (and the circuits' manifest reader under it) loads on first use,
 * so that commands without a build folder do not load them. */
async function checkBuildFolder(path: string): Promise<void> {
  const buildFolder = await import("../prove/build-folder.js");
  buildFolder.checkBuildFolder(path);
}

/**
 * Checks the paths of one command line (positional arguments and path options) for the
 * commands that take them, when the number of arguments is right.
 */
export async function checkCommandPaths(
  command: string,
  args: readonly string[],
  options: CommandPaths,
): Promise<void> {
  if (options.metamath !== undefined) inputFile(options.metamath, "a Metamath database (.mm)");
  // A wrong number of arguments is the command's usage error, reported as such.
  if (args.length !== ARGUMENTS[command]) return;
  const [first, second] = args;
  switch (command) {
    case "check":
      if (first !== undefined) inputFile(first, "a rule file (.bm)");
      return;
    case "validate":
    case "build":
      if (first !== undefined) inputFile(first, "a rule file (.bm)");
      if (second !== undefined)
        inputFile(second, command === "build" ? "a proof tree (.json)" : "a transcript (.bmt)");
      return;
    case "compile":
      if (first !== undefined) inputFile(first, "a rule file (.bm)");
      if (options.fit) inputFile(options.fit, "a transcript (.bmt)");
      return;
    case "setup":
      if (first !== undefined) await checkBuildFolder(first);
      if (options.ptau) inputFile(options.ptau, "a powers-of-tau file (.ptau)");
      return;
    case "prove":
    case "execute":
    case "verify":
    case "export calldata":
      if (first !== undefined) await checkBuildFolder(first);
      if (second !== undefined)
        inputFile(
          second,
          command === "prove" || command === "execute"
            ? "a transcript (.bmt)"
            : "a proof file (.json)",
        );
      return;
    case "info":
    case "export solidity":
      if (first !== undefined) await checkBuildFolder(first);
      return;
    case "import metamath":
      if (first !== undefined) inputFile(first, "a Metamath database (.mm)");
      return;
  }
}
