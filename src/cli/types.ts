/**
 * What every part of the CLI shares: the output streams, the exit codes and the two errors a
 * command throws to end with a coded message. A module of its own so that the commands
 * (fmt.ts, new.ts, ...) and the dispatcher (main.ts) do not import each other.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Code, Diagnostic, DiagnosticJson } from "../diagnostics/index.js";
import type { FlagName, FlagValues } from "./flags.js";
import type { Project } from "./project.js";
import { packageRoot } from "../paths.js";

export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  color: boolean;
}

/** 0 ok or valid; 1 invalid input or transcript; 2 usage error; 3 a bug in bmc. */
export const EXIT = { ok: 0, invalid: 1, usage: 2, internal: 3 } as const;

/** A command line that cannot run as written (exit 2). */
export class UsageError extends Error {
  constructor(
    readonly code: Code,
    message: string,
    readonly help?: string,
  ) {
    super(message);
  }
}

/** A command that ran and failed for a reason that is not a file's diagnostic (exit 1). */
export class CommandError extends Error {
  constructor(
    message: string,
    readonly code: Code = "BM0902",
    readonly help?: string,
    readonly exitCode: number = EXIT.invalid,
  ) {
    super(message);
  }
}

let cachedVersion: string | undefined;

/** bmc's version, from its package.json. */
export function bmcVersion(): string {
  cachedVersion ??= JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")).version;
  return cachedVersion!;
}

/** One positional argument of a command. */
export interface ArgSpec {
  /** As shown in help: RULES.bm, BUILD_DIR, TRANSCRIPT.bmt. */
  readonly name: string;
  /** The key of bmc.json that supplies it when it is left out. */
  readonly project?: "rules" | "build";
  /** What it should end with; a path with another bmc extension gets a swapped-argument hint. */
  readonly ext?: ".bm" | ".bmt" | ".json";
  /** Takes every remaining argument (one at least). */
  readonly many?: boolean;
}

/** What a command's run function gets. */
export interface CommandContext {
  readonly args: string[];
  readonly flags: FlagValues;
  readonly io: CliIO;
  readonly color: boolean;
  readonly json: boolean;
  readonly quiet: boolean;
  readonly maxErrors: number;
  /** Progress lines on stderr, or undefined with --quiet and --json. */
  readonly progress?: (message: string) => void;
  /** Prints diagnostics on stderr, at most --max-errors of them, long values shortened. */
  print(diagnostics: readonly Diagnostic[]): void;
  /** Diagnostics as JSON, capped the same way. */
  jsonDiagnostics(diagnostics: readonly Diagnostic[]): {
    diagnostics: DiagnosticJson[];
    omitted?: number;
  };
  /** Writes one JSON document on stdout. */
  printJson(value: unknown): void;
  /** The project file (bmc.json) found from the current folder, if any (read once). */
  project(): Project | undefined;
  str(flag: FlagName): string | undefined;
  bool(flag: FlagName): boolean;
}

/** One command of the table in commands.ts. */
export interface CommandSpec {
  /** One word, or two for a family (`export solidity`). */
  readonly name: string;
  readonly args: readonly ArgSpec[];
  /** The flags it takes besides the global ones (GLOBAL_FLAGS). */
  readonly flags: readonly FlagName[];
  /** Flags that must be given, with what they are for. */
  readonly required?: Partial<Record<FlagName, string>>;
  /** One line for the overview (`bmc help`). */
  readonly summary: string;
  /** More paragraphs for `bmc help NAME`. */
  readonly help?: string;
  /** A synopsis when the generated one (name, args, flags) is not clear enough. */
  readonly synopsis?: string;
  run(context: CommandContext): Promise<number> | number;
}
