/**
 * Every path on a command line is checked before the command runs, so that an ordinary mistake
 * (a file that does not exist, a folder where a transcript belongs, a rule file where the build
 * folder belongs, an output over a folder) is one coded message and not a failure deep inside
 * a stage. Missing inputs are BM0901 (exit 1), a build folder never compiled BM0604 (exit 1),
 * a path of the wrong kind BM0903 (exit 2: the invocation is wrong, often two arguments
 * swapped), an output that cannot be written BM0902 (exit 1).
 */
import { statSync } from "node:fs";
import { dirname, extname, resolve } from "node:path";
import { raise } from "../diagnostics/index.js";
import { checkBuildFolder } from "../prove/index.js";

type Kind = "file" | "folder" | "missing";

function kindOf(path: string): Kind {
  try {
    return statSync(path).isDirectory() ? "folder" : "file";
  } catch {
    return "missing";
  }
}

const WHAT: Record<string, string> = {
  ".bm": "a rule file (.bm)",
  ".bmt": "a transcript (.bmt)",
  ".json": "a JSON file",
  ".ptau": "a powers-of-tau file (.ptau)",
};

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

/** An output file: its folder exists, and it is not itself a folder. */
export function outputFile(path: string): void {
  if (kindOf(path) === "folder")
    raise("BM0903", `${path} is a folder; the output file belongs here`, {
      help: "give a file name to -o",
      exitCode: 2,
    });
  const parent = dirname(resolve(path));
  const kind = kindOf(parent);
  if (kind !== "folder")
    raise("BM0902", `cannot write ${path} (${kind === "missing" ? "ENOENT" : "ENOTDIR"})`);
}

/** An output folder: a folder or nothing yet, never an existing file (compile would replace it). */
export function outputFolder(path: string): void {
  if (kindOf(path) === "file") {
    const looksLike = WHAT[extname(path)];
    raise("BM0903", `${path} is a file; the output folder belongs here`, {
      help: `-o names the build folder to write${looksLike ? ` (${path} looks like ${looksLike})` : ""}`,
      exitCode: 2,
    });
  }
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

/**
 * Checks the paths of one command line (positional arguments and path options) for the
 * commands that take them, when the number of arguments is right.
 */
export function checkCommandPaths(
  command: string,
  args: readonly string[],
  options: CommandPaths,
): void {
  if (options.metamath !== undefined) inputFile(options.metamath, "a Metamath database (.mm)");
  // A wrong number of arguments is the command's usage error, reported as such.
  if (args.length !== ARGUMENTS[command]) return;
  const [first, second] = args;
  const output = options.output;
  switch (command) {
    case "check":
      if (first !== undefined) inputFile(first, "a rule file (.bm)");
      return;
    case "validate":
    case "build":
      if (first !== undefined) inputFile(first, "a rule file (.bm)");
      if (second !== undefined)
        inputFile(second, command === "build" ? "a proof tree (.json)" : "a transcript (.bmt)");
      if (command === "build" && output) outputFile(output);
      return;
    case "compile":
      if (first !== undefined) inputFile(first, "a rule file (.bm)");
      if (options.fit) inputFile(options.fit, "a transcript (.bmt)");
      if (output) outputFolder(output);
      // compile makes the bindings' folder when it is missing.
      if (options.bindings && kindOf(options.bindings) === "folder") outputFile(options.bindings);
      return;
    case "setup":
      if (first !== undefined) checkBuildFolder(first);
      if (options.ptau) inputFile(options.ptau, "a powers-of-tau file (.ptau)");
      return;
    case "prove":
    case "execute":
    case "verify":
    case "export calldata":
      if (first !== undefined) checkBuildFolder(first);
      if (second !== undefined)
        inputFile(
          second,
          command === "prove" || command === "execute"
            ? "a transcript (.bmt)"
            : "a proof file (.json)",
        );
      if (command !== "verify" && output) outputFile(output);
      return;
    case "info":
    case "export solidity":
      if (first !== undefined) checkBuildFolder(first);
      if (output) outputFile(output);
      return;
    case "import metamath":
      if (first !== undefined) inputFile(first, "a Metamath database (.mm)");
      return;
  }
}
