/**
 * The `bmc` command: parses the command line against the command table (commands.ts), fills
 * left-out paths from the project file, runs the command and turns every failure into one
 * coded message. Exit codes: 0 success (rules check / transcript valid), 1 invalid input
 * (diagnostics printed) or invalid transcript, 2 usage error, 3 internal error (a bug in bmc).
 */
import {
  diagnostic,
  DiagnosticError,
  diagnosticToJson,
  renderDiagnostics,
  type Diagnostic,
} from "../diagnostics/index.js";
import { COMMANDS, commandHelp, findCommand, metamathVariant, overviewHelp } from "./commands.js";
import { reportFailure } from "./errors.js";
import { checkCommandPaths } from "./inputs.js";
import { checkFlags, nearest, parseLine, type FlagName, type ParsedLine } from "./flags.js";
import { shortenValues } from "./messages.js";
import { findProjectFile, readProject, type Project } from "./project.js";
import {
  bmcVersion,
  CommandError,
  EXIT,
  UsageError,
  type CliIO,
  type CommandContext,
  type CommandSpec,
} from "./types.js";

export { EXIT, type CliIO } from "./types.js";

export async function main(argv: string[], io: CliIO): Promise<number> {
  const json = argv.includes("--json");
  const color = argv.includes("--no-color") ? false : argv.includes("--color") ? true : io.color;
  const fail = (d: Diagnostic, exit: number, more: readonly Diagnostic[] = []) => {
    const ds = [d, ...more];
    if (json)
      io.out(JSON.stringify({ ok: false, diagnostics: ds.map(diagnosticToJson) }, null, 2) + "\n");
    else io.err(renderDiagnostics(ds.map(shortenValues), { color }) + "\n");
    return exit;
  };
  try {
    return await run(argv, io);
  } catch (error) {
    if (error instanceof UsageError) {
      const help = error.help ?? "run `bmc help` for usage";
      return fail(diagnostic(error.code, error.message, undefined, { help }), EXIT.usage);
    }
    if (error instanceof CommandError) {
      const d = diagnostic(error.code, error.message, undefined, { help: error.help });
      return fail(d, error.exitCode);
    }
    // A missing, damaged or misplaced file found wherever it was read: one coded message.
    if (error instanceof DiagnosticError) return fail(error.diagnostic, error.exitCode, error.more);
    return reportFailure(error, json, { ...io, color });
  }
}

/** Which commands take a flag, for "--backend is a flag of `bmc prove`". */
function commandsTaking(flag: FlagName): string[] {
  return COMMANDS.filter((c) => c.flags.includes(flag)).map((c) => c.name);
}

/** Fills left-out paths from bmc.json and checks the number of arguments. */
function fillArgs(
  spec: CommandSpec,
  given: string[],
  project: () => Project | undefined,
): string[] {
  const synopsis = `bmc ${spec.name} ${spec.args.map((a) => a.name + (a.many ? "..." : "")).join(" ")}`;
  const many = spec.args.some((a) => a.many);
  if (given.length > spec.args.length && !many) {
    const extra = given.slice(spec.args.length).join(" ");
    throw new UsageError(
      "BM0922",
      `too many arguments for bmc ${spec.name}: ${extra}`,
      `usage: ${synopsis}`,
    );
  }
  const missing = spec.args.length - given.length;
  if (missing <= 0) return given;
  const fillable = spec.args.slice(0, missing).every((a) => a.project);
  const p = fillable ? project() : undefined;
  const values = p ? spec.args.slice(0, missing).map((a) => p[a.project!]) : [];
  if (!p || values.some((v) => !v)) {
    // Read left to right, as written: what is missing is at the end.
    const needs = spec.args.slice(given.length).map((a) => a.name + (a.many ? "..." : ""));
    const note = !fillable
      ? ""
      : p
        ? " (bmc.json does not name it)"
        : " (or a bmc.json that names it: see bmc help init)";
    throw new UsageError(
      "BM0922",
      `bmc ${spec.name} needs ${needs.join(" and ")}${note}`,
      `usage: ${synopsis}`,
    );
  }
  return [...(values as string[]), ...given];
}

const KIND: Record<string, string> = {
  ".bm": "a rule file",
  ".bmt": "a transcript",
  ".json": "a JSON file",
};

/** A .bm where a transcript belongs (or the other way round) is a usage error with a hint. */
function checkKinds(spec: CommandSpec, args: string[]): void {
  spec.args.forEach((a, i) => {
    const given = args[i];
    if (!a.ext || given === undefined) return;
    const ext = Object.keys(KIND).find((e) => given.endsWith(e));
    if (!ext || ext === a.ext) return;
    const swapped = args.some((other, j) => j !== i && other.endsWith(a.ext!));
    throw new UsageError(
      "BM0922",
      `${given} is ${KIND[ext]}, where bmc ${spec.name} expects ${a.name}`,
      swapped
        ? `the arguments look swapped: bmc ${spec.name} ${spec.args.map((x) => x.name).join(" ")}`
        : `usage: bmc ${spec.name} ${spec.args.map((x) => x.name).join(" ")}`,
    );
  });
}

function resolveCommand(line: ParsedLine): { spec: CommandSpec; rest: string[] } | undefined {
  const [first, second, ...rest] = line.positionals;
  if (first === undefined) return undefined;
  const two = second !== undefined ? findCommand(`${first} ${second}`) : undefined;
  if (two) return { spec: two, rest };
  const one = findCommand(first);
  if (one) return { spec: one, rest: line.positionals.slice(1) };
  const families = COMMANDS.filter((c) => c.name.startsWith(first + " ")).map((c) => c.name);
  if (families.length) {
    throw new UsageError(
      "BM0922",
      `bmc ${first} needs a subcommand`,
      `one of: ${families.map((f) => `bmc ${f}`).join(", ")}`,
    );
  }
  const guess = nearest(
    first,
    COMMANDS.map((c) => c.name.split(" ")[0]),
  );
  throw new UsageError(
    "BM0920",
    `unknown command \`${first}\``,
    guess ? `did you mean \`bmc ${guess}\`?` : "run `bmc help` for the commands",
  );
}

async function run(argv: string[], io: CliIO): Promise<number> {
  const line = parseLine(argv);
  const { flags } = line;
  const chosen = chooseCommand(line, io);
  if (typeof chosen === "number") return chosen;
  const { spec, rest } = chosen;
  checkFlags(line, spec.name, spec.flags, commandsTaking);
  const project = projectOnce();
  const args = fillArgs(spec, rest, project);
  checkKinds(spec, args);
  checkRequiredFlags(spec, flags);
  const maxErrors = maxErrorsOf(flags);
  // Paths are checked once the command line itself is right.
  const path = (flag: FlagName) => (typeof flags[flag] === "string" ? flags[flag] : undefined);
  await checkCommandPaths(spec.name, args, {
    output: path("output"),
    fit: path("fit"),
    ptau: path("ptau"),
    bindings: path("bindings"),
    metamath: path("metamath"),
  });
  return spec.run(commandContext(args, flags, io, maxErrors, project));
}

/**
 * The command the line names, with its arguments; or, when the line asks for the version or
 * for help (or names no command), the exit code once that is printed.
 */
function chooseCommand(
  line: ParsedLine,
  io: CliIO,
): { spec: CommandSpec; rest: string[] } | number {
  const { flags } = line;
  if (flags.version) {
    io.out(bmcVersion() + "\n");
    return EXIT.ok;
  }
  if (line.positionals[0] === "help") {
    const topic = line.positionals.slice(1).join(" ");
    if (!topic) {
      io.out(overviewHelp() + "\n");
      return EXIT.ok;
    }
    const found = resolveCommand({ ...line, positionals: line.positionals.slice(1) });
    io.out(commandHelp(found!.spec) + "\n");
    return EXIT.ok;
  }
  const found = resolveCommand(line);
  if (!found) {
    io.out(overviewHelp() + "\n");
    return flags.help ? EXIT.ok : EXIT.usage;
  }
  // `prove --metamath` and `verify --metamath` take a database instead of a build folder.
  const spec =
    flags.metamath !== undefined ? (metamathVariant(found.spec.name) ?? found.spec) : found.spec;
  if (flags.help) {
    io.out(commandHelp(spec) + "\n");
    return EXIT.ok;
  }
  return { spec, rest: found.rest };
}

/** The project file, looked for and read the first time a command asks for it. */
function projectOnce(): () => Project | undefined {
  let project: Project | undefined | null = null;
  return () => {
    if (project === null) {
      const file = findProjectFile();
      project = file ? readProject(file) : undefined;
    }
    return project;
  };
}

function checkRequiredFlags(spec: CommandSpec, flags: ParsedLine["flags"]): void {
  for (const [flag, what] of Object.entries(spec.required ?? {})) {
    if (flags[flag as FlagName] === undefined) {
      throw new UsageError(
        "BM0922",
        `bmc ${spec.name} needs --${flag}: ${what}`,
        `usage: ${commandHelp(spec).split("\n")[0]}`,
      );
    }
  }
}

function maxErrorsOf(flags: ParsedLine["flags"]): number {
  if (flags["max-errors"] === undefined) return 100;
  const maxErrors = Number(flags["max-errors"]);
  if (!Number.isInteger(maxErrors) || maxErrors < 1)
    throw new UsageError("BM0922", "--max-errors takes a whole number >= 1");
  return maxErrors;
}

/** What a command runs with: its arguments, flags, output and how to print diagnostics. */
function commandContext(
  args: string[],
  flags: ParsedLine["flags"],
  io: CliIO,
  maxErrors: number,
  project: () => Project | undefined,
): CommandContext {
  const color = flags["no-color"] ? false : flags.color ? true : io.color;
  const json = !!flags.json;
  const quiet = !!flags.quiet;
  const cap = (ds: readonly Diagnostic[]) => {
    const shownDs = ds.slice(0, maxErrors).map(shortenValues);
    return { shown: shownDs, omitted: ds.length - shownDs.length };
  };
  return {
    args,
    flags,
    io,
    color,
    json,
    quiet,
    maxErrors,
    progress: quiet || json ? undefined : (m: string) => io.err(`${m}\n`),
    print(ds) {
      const { shown, omitted } = cap(ds);
      if (shown.length) io.err(renderDiagnostics(shown, { color }) + "\n");
      if (omitted > 0)
        io.err(
          `... and ${omitted} more diagnostic${omitted === 1 ? "" : "s"} (raise --max-errors to see them)\n`,
        );
    },
    jsonDiagnostics(ds) {
      const { shown, omitted } = cap(ds);
      return { diagnostics: shown.map(diagnosticToJson), ...(omitted ? { omitted } : {}) };
    },
    printJson(value) {
      io.out(JSON.stringify(value, (_, v) => (typeof v === "bigint" ? v.toString() : v), 2) + "\n");
    },
    project,
    str: (flag) => {
      const v = flags[flag];
      return typeof v === "string" ? v : undefined;
    },
    bool: (flag) => flags[flag] === true,
  };
}
