/**
 * The `bmc` command. Exit codes: 0 success (rules check / transcript valid), 1 invalid input
 * (diagnostics printed) or invalid transcript, 2 usage error, 3 internal error (a bug in bmc).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { buildFile, validateFiles } from "../api.js";
import {
  compileCommand,
  compileSummary,
  watchCommand,
  type CompileCommandResult,
} from "./compile.js";
import { loadManifest, proveFold } from "../prove/index.js";
import { constraintsBySlot } from "../witness/explain.js";
import { readR1cs, readSym } from "../witness/r1cs.js";
import {
  CommandError,
  exportSolidityCommand,
  proveGroth16,
  ptauCommand,
  readText,
  setupCommand,
  verifyProofText,
} from "./prove.js";
import { writeFileAtomic } from "./files.js";
import { newCommand } from "./new.js";
import { checkRuleFile, printRuleSet } from "../check/index.js";
import {
  diagnostic,
  diagnosticToJson,
  hasErrors,
  renderDiagnostics,
  type Diagnostic,
} from "../diagnostics/index.js";
import { packageRoot } from "../paths.js";

export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  color: boolean;
}

export const EXIT = { ok: 0, invalid: 1, usage: 2, internal: 3 } as const;

const HELP = `bmc, the block model compiler

Usage:
  bmc check RULES.bm [--json] [--deny-warnings] [--expand]
      Parse and check a rule file (and its imports); print diagnostics.
      --expand prints the rules with sorts and nested terms desugared.
  bmc validate RULES.bm TRANSCRIPT.bmt [--json] [--quiet] [--max-errors N]
      Check the rules, read the transcript and decide whether it is valid.
  bmc build RULES.bm PROOF.json [-o OUT.bmt] [--json]
      Turn a proof tree (docs/build.md) into a transcript; validate it.
  bmc compile RULES.bm -o DIR [--slots rule=N,...] [--public-slots rule=N,...] [--fit T.bmt]
              [--stats] [--O1] [--bindings FILE] [--bindings-import SPEC] [--watch]
      Compile the rules to a segment circuit: Circom files, R1CS, witness generator and
      manifest.json in DIR (written whole or not at all), and TypeScript bindings
      (DIR/bindings.ts, or FILE; they import bmc from SPEC, default "bmc"; docs/bindings.md).
      --watch compiles again whenever the rules or their imports change, until Ctrl-C.
  bmc ptau --dev --power N
      Make (once, then cached) an INSECURE local powers-of-tau file for development.
  bmc setup BUILD_DIR (--ptau FILE | --dev)
      Groth16 proving and verification keys for a compiled build folder.
  bmc prove BUILD_DIR TRANSCRIPT.bmt [--backend groth16|fold [--ptau FILE]] -o PROOF.json
      Validate the transcript, compute the witness, check it, and prove it: groth16 (the
      default) in one segment; fold in as many segments as it needs, folded into one
      zero-knowledge proof (docs/folding.md), committed with the powers of tau of --ptau FILE
      or, without it, an INSECURE development SRS made and cached on this machine.
  bmc verify BUILD_DIR PROOF.json [--ptau FILE]
      Check a proof against its statement (the public blocks it carries); a folded proof
      against the SRS of --ptau FILE or, without it, this machine's development SRS.
  bmc export solidity BUILD_DIR [-o Verifier.sol]
  bmc fmt [--check] [--write] FILES_OR_DIRS...
      Format rule files and transcripts (folders: every .bm and .bmt file in them).
  bmc new NAME
      Start a rule project in a new folder NAME: rules, transcripts, README, test script.
  bmc help [COMMAND] | bmc --help | bmc --version

Options:
  --json           machine-readable output on stdout (diagnostics, verdict, statistics)
  --quiet          print only diagnostics, no summary
  --deny-warnings  treat warnings as errors (exit 1)
  --max-errors N   stop reporting after N errors (default 100)
  -o, --output F   where build writes the transcript, compile the build folder
  --slots, --public-slots   blocks per rule in one segment (default 4 private per rule;
                   1 public for setup rules and goals); --fit T.bmt sizes them for T exactly
  --color / --no-color

Exit codes: 0 ok or valid; 1 diagnostics with errors, or invalid transcript; 2 usage error;
3 internal error (a bug in bmc: please report it with the input).`;

const COMMAND_HELP: Record<string, string> = {
  new: `bmc new NAME

Creates the folder NAME with a small rule file (rules.bm), a valid transcript (proof.bmt), an
invalid one with the error it must give (invalid/odd.bmt, \`// expect: CODE line N\`), a README
and test.mjs, which checks and validates them all with bmc (\`node test.mjs\`). The folder is
written whole or not at all. Exit 2 (BM0902) when NAME already exists: nothing is overwritten.`,
  check: `bmc check RULES.bm [--json] [--deny-warnings] [--expand]

Parses RULES.bm and every file it imports, and reports every error and warning found, each
with a stable code, file:line:column and a code frame. Exit 0 when there is no error.
With --expand, prints the checked rules as plain rule-language text: sorts become relations
and term-defining rules, nested terms become constructor hypotheses with fresh variables.`,
  validate: `bmc validate RULES.bm TRANSCRIPT.bmt [--json] [--quiet] [--max-errors N]

Checks the rules, reads the transcript and validates it: every block satisfies its rule's
constraints, no unique claim is emitted twice, every hypothesis is concluded by some block,
and setup blocks appear only under public:. Exit 0 when valid, 1 when not.`,
  build: `bmc build RULES.bm PROOF.json [-o OUT.bmt] [--json]

Reads a proof tree (the JSON format of docs/build.md), names every subterm once, emits the
term definitions with their depths, solves each step's variables from its premises, and writes
the transcript (to stdout, or to OUT.bmt through a temporary file). The result is validated;
a wrong proof tree is reported with the step and premise at fault. Exit 0 when the built
transcript is valid.`,
  fmt: `bmc fmt [--check] [--write] [--json] FILES_OR_DIRS...

Formats .bm rule files and .bmt transcripts; folders are searched for both. Without options,
prints the formatted text of one file. --write rewrites the files that change, each whole or
not at all; --check lists the files that are not formatted and exits 1 if there is any. A file
that does not parse is reported with its diagnostics and left alone (exit 1).`,
};

class UsageError extends Error {}

function usage(message: string): never {
  throw new UsageError(message);
}

function version(): string {
  return JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")).version;
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  try {
    return await run(argv, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`bmc: ${error.message}\nRun \`bmc --help\` for usage.\n`);
      return EXIT.usage;
    }
    if (error instanceof CommandError) {
      io.err(`bmc: ${error.message}\n`);
      return EXIT.invalid;
    }
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    io.err(
      `bmc: internal error, this is a bug in bmc; please report it with the input.\n${detail}\n`,
    );
    return EXIT.internal;
  }
}

async function run(argv: string[], io: CliIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        help: { type: "boolean", short: "h" },
        version: { type: "boolean", short: "V" },
        json: { type: "boolean" },
        quiet: { type: "boolean", short: "q" },
        "deny-warnings": { type: "boolean" },
        expand: { type: "boolean" },
        output: { type: "string", short: "o" },
        slots: { type: "string" },
        "public-slots": { type: "string" },
        stats: { type: "boolean" },
        O1: { type: "boolean" },
        power: { type: "string" },
        dev: { type: "boolean" },
        ptau: { type: "string" },
        backend: { type: "string" },
        fit: { type: "string" },
        bindings: { type: "string" },
        "bindings-import": { type: "string" },
        watch: { type: "boolean" },
        "max-errors": { type: "string" },
        color: { type: "boolean" },
        "no-color": { type: "boolean" },
        check: { type: "boolean" },
        write: { type: "boolean" },
      },
    });
  } catch (error) {
    usage((error as Error).message);
  }
  const { values: opts, positionals } = parsed;
  const color = opts["no-color"] ? false : opts.color ? true : io.color;
  const [command, ...args] = positionals;
  if (opts.version) {
    io.out(version() + "\n");
    return EXIT.ok;
  }
  if (opts.help || command === undefined || command === "help") {
    const topic = command === "help" ? args[0] : command;
    io.out((topic && COMMAND_HELP[topic]) || HELP);
    io.out("\n");
    return command === undefined && !opts.help ? EXIT.usage : EXIT.ok;
  }
  let maxErrors = 100;
  if (opts["max-errors"] !== undefined) {
    maxErrors = Number(opts["max-errors"]);
    if (!Number.isInteger(maxErrors) || maxErrors < 1)
      usage("--max-errors takes a whole number >= 1");
  }
  const progress = opts.quiet || opts.json ? undefined : (m: string) => io.err(`${m}\n`);
  const print = (diagnostics: Diagnostic[]) => {
    if (diagnostics.length) io.err(renderDiagnostics(diagnostics, { color }) + "\n");
  };

  switch (command) {
    case "check": {
      if (args.length !== 1) usage("check takes one rule file: bmc check RULES.bm");
      const result = checkRuleFile(args[0]);
      const failed =
        hasErrors(result.diagnostics) || (!!opts["deny-warnings"] && result.diagnostics.length > 0);
      if (opts.json) {
        io.out(
          JSON.stringify(
            {
              ok: !failed,
              diagnostics: result.diagnostics.map(diagnosticToJson),
              relations: result.ruleSet?.relations.length,
              rules: result.ruleSet?.rules.length,
              expanded: opts.expand && result.ruleSet ? printRuleSet(result.ruleSet) : undefined,
            },
            null,
            2,
          ) + "\n",
        );
      } else {
        print(result.diagnostics);
        if (opts.expand && result.ruleSet) io.out(printRuleSet(result.ruleSet));
        else if (!opts.quiet && result.ruleSet) {
          const warnings = result.diagnostics.length;
          io.out(
            `${args[0]}: ${result.ruleSet.rules.length} rules, ${result.ruleSet.relations.length} relations` +
              `, ${result.ruleSet.files.length} file${result.ruleSet.files.length === 1 ? "" : "s"}` +
              (warnings ? `, ${warnings} warning${warnings === 1 ? "" : "s"}` : ", no warnings") +
              "\n",
          );
        }
      }
      return failed ? EXIT.invalid : EXIT.ok;
    }
    case "validate": {
      if (args.length !== 2)
        usage("validate takes a rule file and a transcript: bmc validate RULES.bm TRANSCRIPT.bmt");
      const [rulesPath, transcriptPath] = args;
      const result = validateFiles(rulesPath, transcriptPath, { maxErrors });
      const errorCount = (result.validation?.errorCount ?? 0) + (result.parsed?.errorCount ?? 0);
      if (opts.json) {
        io.out(
          JSON.stringify(
            {
              valid: result.valid,
              diagnostics: result.diagnostics.map(diagnosticToJson),
              errors: result.validation?.errors ?? [],
              errorCount,
              stats: result.validation?.stats,
            },
            null,
            2,
          ) + "\n",
        );
        return result.valid ? EXIT.ok : EXIT.invalid;
      }
      print(result.diagnostics);
      const v = result.validation;
      if (v && v.errorCount > v.errors.length) {
        io.err(
          `... and ${v.errorCount - v.errors.length} more errors (raise --max-errors to see them)\n`,
        );
      }
      if (!opts.quiet && v) {
        const s = v.stats;
        if (v.valid) {
          io.out(`valid: ${transcriptPath} is a valid transcript for ${rulesPath}\n`);
        } else {
          io.out(
            `invalid: ${transcriptPath}: ${v.errorCount} error${v.errorCount === 1 ? "" : "s"}\n`,
          );
        }
        const perRule = Object.entries(s.blocksPerRule)
          .filter(([, n]) => n > 0)
          .map(([r, n]) => `${r} ${n}`)
          .join(", ");
        io.out(
          `  ${s.blocks} blocks (${s.publicBlocks} public): ${perRule || "none"}\n` +
            `  ${s.hypotheses} hypotheses, ${s.conclusions} conclusions (${s.distinctClaims} distinct claims), ${s.uniqueClaims} unique claims\n`,
        );
      }
      return result.valid ? EXIT.ok : EXIT.invalid;
    }
    case "build": {
      if (args.length !== 2)
        usage(
          "build takes a rule file and a proof file: bmc build RULES.bm PROOF.json [-o OUT.bmt]",
        );
      const [rulesPath, proofPath] = args;
      const result = buildFile(rulesPath, proofPath, { transcriptPath: opts.output });
      if (result.text !== undefined && opts.output) {
        try {
          writeFileAtomic(opts.output, result.text);
        } catch (error) {
          const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
          result.diagnostics.push(diagnostic("BM0902", `cannot write ${opts.output} (${reason})`));
          print(result.diagnostics);
          return EXIT.invalid;
        }
      }
      if (opts.json) {
        io.out(
          JSON.stringify(
            {
              valid: result.valid,
              diagnostics: result.diagnostics.map(diagnosticToJson),
              blocks: result.blocks.length,
              stats: result.validation?.stats,
              transcript: opts.output ? undefined : result.text,
            },
            null,
            2,
          ) + "\n",
        );
        return result.valid ? EXIT.ok : EXIT.invalid;
      }
      print(result.diagnostics);
      if (result.text !== undefined && !opts.output) io.out(result.text);
      else if (result.text !== undefined && !opts.quiet) {
        io.out(
          `${result.valid ? "built" : "built, but not valid"}: ${opts.output} (${result.blocks.length} blocks)\n`,
        );
      }
      return result.valid ? EXIT.ok : EXIT.invalid;
    }
    case "compile": {
      if (args.length !== 1 || !opts.output) {
        usage("compile takes a rule file and an output folder: bmc compile RULES.bm -o DIR");
      }
      const compileOptions = {
        rulesPath: args[0],
        outDir: opts.output!,
        slots: opts.slots,
        publicSlots: opts["public-slots"],
        fit: opts.fit,
        optimize: opts.O1 ? (1 as const) : (2 as const),
        progress,
        bindings: opts.bindings,
        bindingsImport: opts["bindings-import"],
      };
      if (opts.watch) {
        // Each compile reports like a single one; errors do not end the session.
        return watchCommand(compileOptions, io, (r: CompileCommandResult) => {
          if (opts.json) {
            const { ok, diagnostics, messages, shape, stats, bindings } = r;
            const json = { ok, diagnostics: diagnostics.map(diagnosticToJson), messages };
            io.out(JSON.stringify({ ...json, shape, stats, bindings }) + "\n");
            return;
          }
          print(r.diagnostics);
          for (const m of r.messages) io.err(`bmc: ${m}\n`);
          if (r.ok) io.out(compileSummary(opts.output!, r) + "\n");
          else io.err(`compile failed: ${opts.output} left as it was\n`);
        });
      }
      const result = await compileCommand(compileOptions);
      if (result.messages.length) usage(result.messages.join("\n"));
      if (opts.json) {
        io.out(
          JSON.stringify(
            {
              ok: result.ok,
              diagnostics: result.diagnostics.map(diagnosticToJson),
              shape: result.shape,
              stats: result.stats,
              bindings: result.bindings,
            },
            null,
            2,
          ) + "\n",
        );
        return result.ok ? EXIT.ok : EXIT.invalid;
      }
      print(result.diagnostics);
      if (result.ok && !opts.quiet) {
        io.out(compileSummary(opts.output!, result) + "\n");
        if (opts.stats) {
          const manifest = loadManifest(opts.output!);
          const r1cs = readR1cs(join(opts.output!, manifest.files.r1cs));
          const names = readSym(join(opts.output!, manifest.files.sym));
          const counted = constraintsBySlot(manifest, names, r1cs.constraints);
          const rows = Object.entries(counted.perRule).map(
            ([rule, c]) =>
              `  ${rule}: ${c.slots} slot${c.slots === 1 ? "" : "s"}, ${c.constraints} constraints, ${Math.round(c.constraints / c.slots)} per slot`,
          );
          io.out(
            `constraints per rule:\n${rows.join("\n")}\n` +
              `  shared (challenge sponge, unique-claim list, powers, checks on inputs): ${counted.shared}\n` +
              `  segment: ${r1cs.constraints.length}\n`,
          );
        }
      }
      return result.ok ? EXIT.ok : EXIT.invalid;
    }
    case "ptau": {
      if (!opts.dev || opts.power === undefined || args.length) usage("bmc ptau --dev --power N");
      const path = await ptauCommand(Number(opts.power), progress);
      io.out(
        `${path}\nINSECURE: a local development ceremony with one contributor; never use it for real proofs.\n`,
      );
      return EXIT.ok;
    }
    case "setup": {
      if (args.length !== 1) usage("bmc setup BUILD_DIR (--ptau FILE | --dev)");
      const r = await setupCommand(args[0], opts.ptau, !!opts.dev, progress);
      io.out(
        `setup: ${args[0]}/groth16.zkey and verification_key.json (powers of tau 2^${r.power}: ${r.ptau})\n`,
      );
      if (r.insecure)
        io.out(
          "INSECURE: keys from a local development ceremony; never use them for real proofs.\n",
        );
      return EXIT.ok;
    }
    case "prove": {
      if (args.length !== 2 || !opts.output)
        usage("bmc prove BUILD_DIR TRANSCRIPT.bmt --backend groth16|fold -o PROOF.json");
      const backend = opts.backend ?? "groth16";
      if (backend !== "groth16" && backend !== "fold")
        usage(`unknown backend \`${opts.backend}\` (available: groth16, fold)`);
      const r =
        backend === "fold"
          ? await proveFold(args[0], args[1], { onProgress: progress, ptau: opts.ptau })
          : await proveGroth16(args[0], args[1], { onProgress: progress });
      print(r.diagnostics);
      if (!r.proof) return EXIT.invalid;
      writeFileAtomic(opts.output!, JSON.stringify(r.proof, null, 1) + "\n");
      const segments = "segments" in r ? r.segments : 1;
      if (opts.json) {
        io.out(
          JSON.stringify(
            { proof: opts.output, backend, segments, statement: r.proof.statement },
            null,
            2,
          ) + "\n",
        );
      } else if (!opts.quiet) {
        io.out(
          `proved: ${opts.output} (${r.proof.statement.length} public blocks` +
            (backend === "fold" ? `, ${segments} segments folded)\n` : ")\n"),
        );
        if (backend === "fold" && !opts.ptau) io.out(`${INSECURE_SRS}\n`);
      }
      return EXIT.ok;
    }
    case "verify": {
      if (args.length !== 2) usage("bmc verify BUILD_DIR PROOF.json");
      const text = readText(args[1]);
      const r = await verifyProofText(args[0], text, { ptau: opts.ptau });
      const size = Buffer.byteLength(text, "utf8");
      if (opts.json) io.out(JSON.stringify(r, null, 2) + "\n");
      else if (r.valid)
        io.out(
          `valid: ${args[1]} proves its statement (${r.statement!.length} public blocks` +
            (r.segments === undefined
              ? ")\n"
              : `, ${r.segments} segments folded; zero-knowledge, ${formatBytes(size)})\n` +
                (opts.ptau ? "" : `${INSECURE_SRS}\n`)),
        );
      else io.err(`invalid: ${args[1]}: ${r.reason}\n`);
      return r.valid ? EXIT.ok : EXIT.invalid;
    }
    case "export": {
      if (args[0] !== "solidity" || args.length !== 2)
        usage("bmc export solidity BUILD_DIR [-o Verifier.sol]");
      const sol = await exportSolidityCommand(args[1]);
      if (opts.output) writeFileAtomic(opts.output, sol);
      else io.out(sol);
      return EXIT.ok;
    }
    case "fmt": {
      const { fmtCommand } = await import("./fmt.js");
      const flags = { check: !!opts.check, write: !!opts.write, json: !!opts.json, color };
      const r = await fmtCommand(args, { ...flags, quiet: !!opts.quiet }, io);
      return typeof r === "string" ? usage(r) : r;
    }
    case "new":
      if (args.length !== 1) usage("new takes a folder name: bmc new NAME");
      return newCommand(args[0], io, color);
    default:
      usage(`unknown command \`${command}\``);
  }
}

const INSECURE_SRS =
  "INSECURE: committed with this machine's development SRS (no --ptau); never use it for real proofs.";

/** A proof's size for people: bytes, KiB or MiB. */
function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
