/**
 * The one flag-parsing layer of the CLI. Every flag bmc knows is described once here (its
 * type, short form and help line); each command lists the flags that apply to it. Parsing
 * reports, with a code: an unknown flag (with the nearest known name), a flag that does not
 * apply to the command, a missing value.
 */
import { UsageError } from "./types.js";

export interface FlagSpec {
  readonly type: "boolean" | "string";
  readonly short?: string;
  /** The value's placeholder in help ("N", "FILE"). */
  readonly value?: string;
  readonly help: string;
}

/** Every flag, by long name. Commands name the ones they take; GLOBAL_FLAGS apply to all. */
export const FLAGS = {
  help: { type: "boolean", short: "h", help: "print this command's help" },
  version: { type: "boolean", short: "V", help: "print bmc's version" },
  json: { type: "boolean", help: "machine-readable output on stdout (errors too)" },
  quiet: { type: "boolean", short: "q", help: "print only diagnostics, no summary" },
  color: { type: "boolean", help: "color diagnostics (default: when stderr is a terminal)" },
  "no-color": { type: "boolean", help: "never color diagnostics" },
  "max-errors": {
    type: "string",
    value: "N",
    help: "print at most N errors, then how many more there are (default 100)",
  },
  "deny-warnings": { type: "boolean", help: "treat warnings as errors (exit 1)" },
  expand: { type: "boolean", help: "print the rules with sorts and nested terms desugared" },
  output: { type: "string", short: "o", value: "PATH", help: "where the output goes" },
  slots: { type: "string", value: "rule=N,...", help: "private blocks per rule in a segment" },
  "public-slots": { type: "string", value: "rule=N,...", help: "public blocks per rule" },
  shared: {
    type: "string",
    value: "rule=N,...",
    help: "shared slots for the group of rules of one shape that `rule` is in",
  },
  fit: { type: "string", value: "T.bmt", help: "size the segment for this transcript exactly" },
  stats: {
    type: "boolean",
    help: "also print each main's constraints per block of each rule, against the least it needs",
  },
  O1: { type: "boolean", help: "circom optimisation level 1 (faster on very large circuits)" },
  bindings: { type: "string", value: "FILE", help: "where the TypeScript bindings go" },
  "bindings-import": {
    type: "string",
    value: "SPEC",
    help: 'the module the bindings import bmc from (default "bmc")',
  },
  watch: { type: "boolean", help: "compile again whenever the rules change, until Ctrl-C" },
  power: { type: "string", value: "N", help: "the ceremony's size: 2^N constraints" },
  dev: { type: "boolean", help: "an INSECURE local development ceremony" },
  ptau: { type: "string", value: "FILE", help: "a powers-of-tau file from a real ceremony" },
  backend: { type: "string", value: "groth16|fold", help: "the proof system (default groth16)" },
  workers: {
    type: "string",
    value: "N",
    help: "threads for the fold backend's segments (default: one per core)",
  },
  queue: {
    type: "string",
    value: "redis://HOST:PORT",
    help: "the fold backend's segment jobs on a Redis queue, for `bmc worker`s",
  },
  "job-timeout": {
    type: "string",
    value: "SECONDS",
    help: "with --queue: how long a segment's job may run on a worker before the run stops (default 600)",
  },
  build: { type: "string", value: "DIR", help: "the build folder whose jobs the worker runs" },
  lock: {
    type: "string",
    value: "SECONDS",
    help: "how long a job stays locked by a worker that stopped answering (default 30)",
  },
  check: { type: "boolean", help: "list files that are not formatted; exit 1 if any" },
  write: { type: "boolean", help: "rewrite files in place" },
  prove: { type: "boolean", help: "also prove and verify every valid transcript" },
  force: { type: "boolean", help: "replace the keys even when the circuit is unchanged" },
  metamath: { type: "string", value: "FILE.mm", help: "a Metamath database (docs/metamath.md)" },
  theorem: { type: "string", value: "LABEL", help: "one theorem of the database (default: all)" },
  encoding: {
    type: "string",
    value: "tree|string|universal",
    help: "the Metamath encoding (default: tree, universal for large databases; docs/metamath.md)",
  },
} as const satisfies Record<string, FlagSpec>;

export type FlagName = keyof typeof FLAGS;
export const GLOBAL_FLAGS: readonly FlagName[] = [
  "help",
  "json",
  "quiet",
  "color",
  "no-color",
  "max-errors",
];

export type FlagValues = Partial<Record<FlagName, string | boolean>>;

export interface ParsedLine {
  readonly positionals: string[];
  readonly flags: FlagValues;
  /** The flags as written (`-o`, `--backend`), for messages about flags that do not apply. */
  readonly written: Map<FlagName, string>;
}

/** Edit distance, for "did you mean". */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost));
    }
    previous = row;
  }
  return previous[b.length];
}

/** The candidate nearest to `word`, if it is near enough to be a likely typo. */
export function nearest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = c.startsWith(word) && word.length >= 2 ? 0.5 : editDistance(word, c);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return bestDistance <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}

const byShort = new Map(
  Object.entries(FLAGS).flatMap(([name, spec]) =>
    "short" in spec ? [[spec.short, name as FlagName] as const] : [],
  ),
);

/**
 * Splits a command line into positionals and flags. Flags may come anywhere; `--` ends them;
 * `--name=value` and `-o value` both work. Which flags apply to which command is checked
 * later (checkFlags), once the command is known.
 */
export function parseLine(argv: readonly string[]): ParsedLine {
  const positionals: string[] = [];
  const flags: FlagValues = {};
  const written = new Map<FlagName, string>();
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i];
    if (token === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!token.startsWith("-") || token === "-") {
      positionals.push(token);
      continue;
    }
    const long = token.startsWith("--");
    const eq = long ? token.indexOf("=") : -1;
    const nameWritten = eq > 0 ? token.slice(0, eq) : token;
    const name: FlagName | undefined = long
      ? nameWritten.slice(2) in FLAGS
        ? (nameWritten.slice(2) as FlagName)
        : undefined
      : token.length === 2
        ? byShort.get(token[1] as never)
        : undefined;
    if (!name) throw unknownFlag(nameWritten);
    const spec: FlagSpec = FLAGS[name];
    written.set(name, nameWritten);
    if (spec.type === "boolean") {
      if (eq > 0) throw new UsageError("BM0922", `${nameWritten} takes no value`);
      flags[name] = true;
      continue;
    }
    let value: string | undefined = eq > 0 ? token.slice(eq + 1) : argv[i + 1];
    if (eq < 0) i++;
    if (value === undefined || (eq < 0 && value.startsWith("-") && value.length > 1)) {
      throw new UsageError(
        "BM0922",
        `${nameWritten} needs a value: ${nameWritten} ${spec.value ?? "VALUE"}`,
      );
    }
    flags[name] = value;
  }
  return { positionals, flags, written };
}

function unknownFlag(written: string): UsageError {
  const bare = written.replace(/^-+/, "");
  const guess = nearest(bare, Object.keys(FLAGS));
  return new UsageError(
    "BM0920",
    `unknown flag ${written}`,
    guess ? `did you mean --${guess}?` : "run `bmc help` for the flags",
  );
}

/** Rejects the flags that do not apply to a command, naming the commands they apply to. */
export function checkFlags(
  line: ParsedLine,
  command: string,
  allowed: readonly FlagName[],
  appliesTo: (flag: FlagName) => string[],
): void {
  for (const [name, asWritten] of line.written) {
    if (GLOBAL_FLAGS.includes(name) || allowed.includes(name)) continue;
    const others = appliesTo(name);
    throw new UsageError(
      "BM0921",
      `${asWritten} does not apply to \`bmc ${command}\``,
      others.length
        ? `${asWritten} is a flag of ${others.map((c) => `\`bmc ${c}\``).join(", ")}`
        : undefined,
    );
  }
}

/** The help lines of a list of flags. */
export function flagHelp(names: readonly FlagName[]): string {
  const rows = names.map((name) => {
    const spec: FlagSpec = FLAGS[name];
    const left =
      (spec.short ? `-${spec.short}, ` : "    ") +
      `--${name}` +
      (spec.value ? ` ${spec.value}` : "");
    return [left, spec.help] as const;
  });
  const width = Math.max(...rows.map(([l]) => l.length)) + 2;
  return rows.map(([l, h]) => `  ${l.padEnd(width)}${h}`).join("\n");
}
