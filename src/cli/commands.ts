/**
 * The command table: one entry per command, with its arguments, the flags it takes, its help
 * and the function that runs it. main.ts parses the command line against this table, so a new
 * command is one entry here (and its flags, if new, one line each in flags.ts).
 */
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { buildFile, validateFiles } from "../api.js";
import { checkRuleFile, printRuleSet } from "../check/index.js";
import { diagnostic, hasErrors } from "../diagnostics/index.js";
import { loadManifest, proveFold } from "../prove/index.js";
import { constraintsBySlot } from "../witness/explain.js";
import { readR1cs, readSym } from "../witness/r1cs.js";
import {
  compileCommand,
  compileSummary,
  keysRemovedNote,
  plural,
  watchCommand,
  type CompileCommandResult,
} from "./compile.js";
import { completionScript } from "./completion.js";
import { exportCalldataCommand } from "./calldata.js";
import { writeFileAtomic } from "./files.js";
import { FLAGS, flagHelp, GLOBAL_FLAGS } from "./flags.js";
import { executeCommand, infoCommand } from "./inspect.js";
import { initCommand, newCommand } from "./new.js";
import { checkOutputFile, writeOutputFile } from "./outputs.js";
import {
  exportSolidityCommand,
  isEmptyTranscript,
  proveGroth16,
  ptauCommand,
  readText,
  setupCommand,
  verifyProofText,
} from "./prove.js";
import { importCommand, proveCommand, verifyCommand } from "./metamath.js";
import { testCommand } from "./test-runner.js";
import { CommandError, EXIT, UsageError, type CommandContext, type CommandSpec } from "./types.js";

const BUILD = { name: "BUILD_DIR", project: "build" } as const;
const RULES = { name: "RULES.bm", project: "rules", ext: ".bm" } as const;
const TRANSCRIPT = { name: "TRANSCRIPT.bmt", ext: ".bmt" } as const;

function backendOf(c: CommandContext): "groth16" | "fold" {
  const backend = c.str("backend") ?? c.project()?.backend ?? "groth16";
  if (backend !== "groth16" && backend !== "fold")
    throw new UsageError("BM0922", `unknown backend \`${backend}\``, "available: groth16, fold");
  return backend;
}

/** --workers N for the folding prover: the machine's cores by default, 1 for this thread. */
function workersOf(c: CommandContext): number {
  const text = c.str("workers");
  if (text === undefined) return availableParallelism();
  if (!/^[1-9]\d{0,2}$/.test(text))
    throw new UsageError("BM0922", `--workers takes a whole number from 1 to 999, not \`${text}\``);
  return Number(text);
}

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: "check",
    args: [RULES],
    flags: ["deny-warnings", "expand"],
    summary: "Parse and check a rule file (and its imports); print diagnostics.",
    help: `Reports every error and warning, each with a stable code, file:line:column and a code
frame. Exit 0 when there is no error. With --expand, prints the checked rules as plain
rule-language text: sorts become relations and term-defining rules, nested terms become
constructor hypotheses with fresh variables.`,
    run: runCheck,
  },
  {
    name: "validate",
    args: [RULES, TRANSCRIPT],
    flags: [],
    summary: "Check the rules, read the transcript and decide whether it is valid.",
    help: `Every block satisfies its rule's constraints, no unique claim is emitted twice, every
hypothesis is concluded by some block, and setup blocks appear only under public:.
Exit 0 when valid, 1 when not.`,
    run: runValidate,
  },
  {
    name: "build",
    args: [RULES, { name: "PROOF.json", ext: ".json" }],
    flags: ["output"],
    summary: "Turn a proof tree (docs/build.md) into a transcript; validate it.",
    help: `Names every subterm once, emits the term definitions with their depths, solves each
step's variables from its premises, and writes the transcript (to stdout, or to -o OUT.bmt
through a temporary file). A wrong proof tree is reported with the step and premise at fault.`,
    run: runBuild,
  },
  {
    name: "compile",
    args: [RULES],
    flags: [
      "output",
      "slots",
      "public-slots",
      "fit",
      "stats",
      "O1",
      "bindings",
      "bindings-import",
      "watch",
    ],
    synopsis:
      "bmc compile [RULES.bm] -o DIR [--slots rule=N,...] [--fit T.bmt] [--bindings FILE] ...",
    summary: "Compile the rules to a segment circuit and TypeScript bindings in a build folder.",
    help: `Writes Circom files, R1CS, witness generators, manifest.json and bindings.ts into DIR,
whole or not at all. DIR must be new, empty, or a build folder bmc made (it holds a
.bmc-build file and nothing bmc did not write): bmc never replaces a folder of yours. When
the circuit is unchanged, the Groth16 keys of the previous build are kept; otherwise bmc
says they were removed. A segment has 4 private slots per rule and 1 public slot for setup
rules and goals by default; --fit sizes it for one transcript exactly.`,
    run: runCompile,
  },
  {
    name: "ptau",
    args: [],
    flags: ["dev", "power"],
    required: {
      dev: "ptau only makes INSECURE development files",
      power: "the ceremony's size, 2^N",
    },
    summary: "Make (once, then cached) an INSECURE local powers-of-tau file for development.",
    run: async (c) => {
      const path = await ptauCommand(Number(c.str("power")), c.progress);
      if (c.json) c.printJson({ ok: true, ptau: path, insecure: true });
      else
        c.io.out(
          `${path}\nINSECURE: a local development ceremony with one contributor; never use it for real proofs.\n`,
        );
      return EXIT.ok;
    },
  },
  {
    name: "setup",
    args: [BUILD],
    flags: ["ptau", "dev", "force"],
    synopsis: "bmc setup [BUILD_DIR] (--ptau FILE | --dev) [--force]",
    summary: "Make the Groth16 proving and verification keys of a build folder.",
    help: `Keys already there are kept (proofs made with them verify only with them): --force
replaces them.`,
    run: async (c) => {
      const r = await setupCommand(
        c.args[0],
        c.str("ptau"),
        c.bool("dev"),
        c.progress,
        c.bool("force"),
      );
      if (c.json) c.printJson({ ok: true, ...r });
      else {
        c.io.out(
          `setup: ${c.args[0]}/groth16.zkey and verification_key.json (powers of tau 2^${r.power}: ${r.ptau})\n`,
        );
        if (r.insecure)
          c.io.out(
            "INSECURE: keys from a local development ceremony; never use them for real proofs.\n",
          );
      }
      return EXIT.ok;
    },
  },
  {
    name: "prove",
    args: [BUILD, TRANSCRIPT],
    flags: ["output", "backend", "ptau", "workers"],
    required: { output: "the file the proof is written to (-o PROOF.json)" },
    synopsis:
      "bmc prove [BUILD_DIR] TRANSCRIPT.bmt -o PROOF.json [--backend groth16|fold [--ptau FILE] [--workers N]]",
    summary: "Validate a transcript, compute its witness and prove it.",
    help: `groth16 (the default, or bmc.json's "backend") proves one segment; fold proves as many
segments as the transcript needs, folded into one succinct zero-knowledge proof
(docs/folding.md), committed with the powers of tau of --ptau FILE or, without it, an
INSECURE development SRS made and cached on this machine. The fold backend computes each
segment's witness and commitments on --workers N threads (default: one per core; 1 runs them
in bmc's own thread) and folds them in order: the proof does not depend on N. A transcript
without blocks proves nothing and is refused (BM0620).`,
    run: runProve,
  },
  {
    name: "verify",
    args: [BUILD, { name: "PROOF.json", ext: ".json" }],
    flags: ["ptau"],
    summary: "Check a proof against its statement (the public blocks it carries).",
    help: `A folded proof is checked against the SRS of --ptau FILE or, without it, this machine's
INSECURE development SRS.`,
    run: async (c) => {
      const [buildDir, proofPath] = c.args;
      const text = readText(proofPath);
      const ptau = c.str("ptau");
      const r = await verifyProofText(buildDir, text, { ptau });
      const rejected = r.valid ? [] : [diagnostic("BM0606", `invalid: ${proofPath}: ${r.reason}`)];
      if (c.json) c.printJson({ ...r, ...c.jsonDiagnostics(rejected) });
      else if (r.valid)
        c.io.out(
          `valid: ${proofPath} proves its statement (${plural(r.statement!.length, "public block")}` +
            (r.segments === undefined
              ? ")\n"
              : `, ${plural(r.segments, "segment")} folded; zero-knowledge, ${formatBytes(Buffer.byteLength(text, "utf8"))})\n` +
                (ptau ? "" : `${INSECURE_SRS}\n`)),
        );
      else c.print(rejected);
      return r.valid ? EXIT.ok : EXIT.invalid;
    },
  },
  {
    name: "execute",
    args: [BUILD, TRANSCRIPT],
    flags: [],
    summary: "Compute and check a transcript's witness in the circuit, without proving.",
    help: `Validates the transcript, lays it out in one segment, runs the witness generator and
checks every constraint of the R1CS. No keys are needed.`,
    run: executeCommand,
  },
  {
    name: "info",
    args: [BUILD],
    flags: [],
    summary: "Print a build folder's circuit: slots per rule, constraints, keys, digests.",
    run: infoCommand,
  },
  {
    name: "export solidity",
    args: [BUILD],
    flags: ["output"],
    summary: "Write a Solidity verifier for the build folder's Groth16 keys.",
    run: async (c) => {
      const out = c.str("output");
      if (out) checkOutputFile(out, [".sol"]);
      const sol = await exportSolidityCommand(c.args[0]);
      if (out) writeOutputFile(out, sol);
      if (c.json) c.printJson({ ok: true, output: out, solidity: out ? undefined : sol });
      else if (!out) c.io.out(sol);
      else if (!c.quiet) c.io.out(`exported: ${out}\n`);
      return EXIT.ok;
    },
  },
  {
    name: "export calldata",
    args: [BUILD, { name: "PROOF.json", ext: ".json" }],
    flags: ["output"],
    summary: "Write the Solidity verifier's arguments for a Groth16 proof (JSON).",
    help: `The proof must verify against the build folder (as bmc verify). Writes _pA, _pB, _pC and
_pubSignals of verifyProof in the contract of \`bmc export solidity\`, the name of each public
signal (its circuit input), and the whole call ABI-encoded (calldata, for eth_call). The
public signals come from the proof's statement; a contract that acts on a statement must
compute them from that statement itself (docs/onchain.md).`,
    run: exportCalldataCommand,
  },
  {
    name: "import metamath",
    args: [{ name: "FILE.mm" }],
    flags: ["output", "theorem"],
    required: { output: "the folder the rules and transcripts go to (-o DIR)" },
    summary: "Encode a Metamath database as rules (DIR/rules.bm) and a transcript per theorem.",
    help: `Syntax axioms become term constructors, each |- assertion a rule, each theorem is proven
in its own context and is then usable as a lemma; $d conditions are checked by generated
relations (docs/metamath.md). Every transcript is validated.`,
    run: (c) => importCommand(["metamath", ...c.args], metamathOptions(c), c.io, c.progress, usage),
  },
  {
    name: "fmt",
    args: [{ name: "FILES_OR_DIRS", many: true }],
    flags: ["check", "write"],
    summary: "Format rule files and transcripts (folders: every .bm and .bmt file in them).",
    help: `Without options, prints the formatted text of one file. --write rewrites the files that
change, each whole or not at all; --check lists the files that are not formatted and exits 1
if there is any. A file that does not parse is reported and left alone (exit 1).`,
    run: async (c) => {
      if (c.bool("check") && c.bool("write"))
        throw new UsageError("BM0922", "fmt takes --check or --write, not both");
      const { fmtCommand } = await import("./fmt.js");
      const options = {
        check: c.bool("check"),
        write: c.bool("write"),
        json: c.json,
        color: c.color,
      };
      const r = await fmtCommand(
        c.args,
        { ...options, quiet: c.quiet, maxErrors: c.maxErrors },
        c.io,
      );
      if (typeof r === "string") throw new UsageError("BM0922", r);
      return r;
    },
  },
  {
    name: "new",
    args: [{ name: "NAME" }],
    flags: [],
    summary: "Start a rule project in a new folder NAME.",
    help: `Writes rules.bm, a valid transcript (proof.bmt), an invalid one with the error it must
give (invalid/odd.bmt), bmc.json, package.json (bmc as a dependency; npm test runs bmc test)
and a README. The folder is written whole or not at all; an existing NAME is refused
(BM0911) and left untouched.`,
    run: (c) => newCommand(c.args[0], c),
  },
  {
    name: "init",
    args: [],
    flags: [],
    summary: "Make the current folder a rule project (as bmc new, in place).",
    help: `Writes the files of \`bmc new\` into the current folder. A file that already exists is
refused (BM0911) and nothing is written; an existing package.json gets the project's scripts
and the bmc dependency added, nothing else changed.

bmc.json names the project's files, relative to it: "rules" (the rule file), "transcripts"
(files and folders of .bmt files, for bmc test), "build" (the build folder), "backend"
(groth16 or fold), "slots" and "publicSlots" ({ "rule": N }). Commands use them when paths
are left out: \`bmc compile\`, \`bmc prove proof.bmt -o p.json\`, \`bmc info\`.`,
    run: (c) => initCommand(c),
  },
  {
    name: "test",
    args: [],
    flags: ["prove", "backend"],
    summary: "Run every transcript of the project (bmc.json) against its // expect: verdict.",
    help: `A transcript says what it must give in comments: \`// expect: valid\`, \`// expect:
invalid\`, or one \`// expect: CODE line N\` per error it must give (exactly those); without
one it must be valid. Checked natively; with --prove, each valid transcript is also proved
(compiling the project and, for groth16, making development keys when needed) and
verified, and each invalid one must be refused by the prover.`,
    run: testCommand,
  },
  {
    name: "completion",
    args: [{ name: "SHELL" }],
    flags: [],
    summary: "Print a completion script: bash or zsh.",
    help: `bash: \`source <(npx bmc completion bash)\` (or save it in your bash_completion.d);
zsh: \`source <(npx bmc completion zsh)\` in ~/.zshrc, after compinit.`,
    run: (c) => {
      const shell = c.args[0];
      if (shell !== "bash" && shell !== "zsh")
        throw new UsageError("BM0922", `no completion for \`${shell}\``, "bmc completion bash|zsh");
      c.io.out(completionScript(shell, COMMANDS));
      return EXIT.ok;
    },
  },
  {
    name: "lsp",
    args: [],
    flags: [],
    summary: "Run the language server on stdin and stdout (for editors: editors/vscode).",
    help: `Speaks the Language Server Protocol: diagnostics as you type (bmc's codes), hover with
relation and rule signatures, go to definition, completion of relation and rule names, and
formatting as bmc fmt. A transcript is checked against the rules of the nearest bmc.json, or
the only .bm file in its folder or the folder above.`,
    run: async () => {
      const { startLanguageServer } = await import("../lsp/server.js");
      await startLanguageServer(process.stdin, process.stdout).closed;
      return EXIT.ok;
    },
  },
];

export const INSECURE_SRS =
  "INSECURE: committed with this machine's development SRS (no --ptau); never use it for real proofs.";

/** A proof's size for people: bytes, KiB or MiB. */
function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function usage(message: string): never {
  throw new UsageError("BM0922", message);
}

function metamathOptions(c: CommandContext) {
  return {
    output: c.str("output"),
    metamath: c.str("metamath"),
    theorem: c.str("theorem"),
    json: c.json,
    quiet: c.quiet,
  };
}

/** `prove --metamath` and `verify --metamath`: a database where a build folder belongs. */
const METAMATH_VARIANTS: readonly CommandSpec[] = [
  {
    name: "prove",
    args: [],
    flags: ["output", "metamath", "theorem"],
    required: { output: "the file the proof is written to (-o PROOF.json)" },
    synopsis: "bmc prove --metamath FILE.mm [--theorem LABEL] -o PROOF.json",
    summary: "Import, compile (cached) and fold a proof of a Metamath theorem (default: all).",
    run: (c) => proveCommand(c.args, metamathOptions(c), c.io, c.progress, usage),
  },
  {
    name: "verify",
    args: [{ name: "PROOF.json", ext: ".json" }],
    flags: ["metamath"],
    synopsis: "bmc verify --metamath FILE.mm PROOF.json",
    summary: "Re-derive the rules and the statement from the database and verify the proof.",
    run: (c) => verifyCommand(c.args, metamathOptions(c), c.io, c.progress, usage),
  },
];

export function metamathVariant(name: string): CommandSpec | undefined {
  return METAMATH_VARIANTS.find((c) => c.name === name);
}

export function findCommand(name: string): CommandSpec | undefined {
  return COMMANDS.find((c) => c.name === name);
}

function synopsisOf(spec: CommandSpec): string {
  if (spec.synopsis) return spec.synopsis;
  const args = spec.args.map((a) => {
    const text = a.name + (a.many ? "..." : "");
    return a.project ? `[${text}]` : text;
  });
  const flags = spec.flags.map((f) => {
    const v = (FLAGS[f] as { value?: string }).value;
    const text = f === "output" ? `-o ${v}` : `--${f}${v ? ` ${v}` : ""}`;
    return spec.required?.[f] ? text : `[${text}]`;
  });
  return ["bmc", spec.name, ...args, ...flags].join(" ");
}

export function commandHelp(spec: CommandSpec): string {
  const projectArgs = spec.args.filter((a) => a.project);
  const lines = [synopsisOf(spec), "", spec.summary];
  if (spec.help) lines.push("", spec.help);
  if (projectArgs.length)
    lines.push(
      "",
      `In a project, ${projectArgs.map((a) => a.name).join(" and ")} default${projectArgs.length === 1 ? "s" : ""} to bmc.json's.`,
    );
  if (spec.flags.length) lines.push("", "Flags:", flagHelp(spec.flags));
  lines.push("", "Global flags:", flagHelp(GLOBAL_FLAGS));
  return lines.join("\n");
}

export function overviewHelp(): string {
  const rows = [...COMMANDS, ...METAMATH_VARIANTS].map(
    (c) => `  ${synopsisOf(c)}\n      ${c.summary}`,
  );
  return `bmc, the block model compiler

Usage:
${rows.join("\n")}
  bmc help [COMMAND] | bmc COMMAND --help | bmc --version

Global flags:
${flagHelp(GLOBAL_FLAGS)}

Paths in [brackets] come from the project file (bmc.json, see \`bmc help init\`) when left out.
Exit codes: 0 ok or valid; 1 diagnostics with errors, or invalid transcript; 2 usage error;
3 internal error (a bug in bmc: please report it with the input).`;
}

async function runCheck(c: CommandContext): Promise<number> {
  const [rulesPath] = c.args;
  const result = checkRuleFile(rulesPath);
  const failed =
    hasErrors(result.diagnostics) || (c.bool("deny-warnings") && result.diagnostics.length > 0);
  const rs = result.ruleSet;
  if (c.json) {
    c.printJson({
      ok: !failed,
      ...c.jsonDiagnostics(result.diagnostics),
      relations: rs?.relations.length,
      rules: rs?.rules.length,
      expanded: c.bool("expand") && rs ? printRuleSet(rs) : undefined,
    });
    return failed ? EXIT.invalid : EXIT.ok;
  }
  c.print(result.diagnostics);
  if (c.bool("expand") && rs) c.io.out(printRuleSet(rs));
  else if (!c.quiet && rs) {
    const warnings = result.diagnostics.length;
    c.io.out(
      `${rulesPath}: ${plural(rs.rules.length, "rule")}, ${plural(rs.relations.length, "relation")}, ` +
        `${plural(rs.files.length, "file")}, ${warnings ? plural(warnings, "warning") : "no warnings"}\n`,
    );
  }
  return failed ? EXIT.invalid : EXIT.ok;
}

async function runValidate(c: CommandContext): Promise<number> {
  const [rulesPath, transcriptPath] = c.args;
  const result = validateFiles(rulesPath, transcriptPath, { maxErrors: c.maxErrors });
  const errorCount = (result.validation?.errorCount ?? 0) + (result.parsed?.errorCount ?? 0);
  if (c.json) {
    c.printJson({
      valid: result.valid,
      ...c.jsonDiagnostics(result.diagnostics),
      errors: result.validation?.errors ?? [],
      errorCount,
      stats: result.validation?.stats,
    });
    return result.valid ? EXIT.ok : EXIT.invalid;
  }
  c.print(result.diagnostics);
  const v = result.validation;
  if (v && v.errorCount > v.errors.length) {
    c.io.err(
      `... and ${v.errorCount - v.errors.length} more errors (raise --max-errors to see them)\n`,
    );
  }
  if (!c.quiet && v) {
    const s = v.stats;
    if (v.valid) c.io.out(`valid: ${transcriptPath} is a valid transcript for ${rulesPath}\n`);
    else c.io.out(`invalid: ${transcriptPath}: ${plural(v.errorCount, "error")}\n`);
    const perRule = Object.entries(s.blocksPerRule)
      .filter(([, n]) => n > 0)
      .map(([r, n]) => `${r} ${n}`)
      .join(", ");
    c.io.out(
      `  ${plural(s.blocks, "block")} (${s.publicBlocks} public): ${perRule || "none"}\n` +
        `  ${plural(s.hypotheses, "hypothesis", "hypotheses")}, ${plural(s.conclusions, "conclusion")} ` +
        `(${plural(s.distinctClaims, "distinct claim")}), ${plural(s.uniqueClaims, "unique claim")}\n`,
    );
  }
  return result.valid ? EXIT.ok : EXIT.invalid;
}

async function runBuild(c: CommandContext): Promise<number> {
  const [rulesPath, proofPath] = c.args;
  const out = c.str("output");
  if (out) checkOutputFile(out, [".bmt"], [rulesPath, proofPath]);
  const result = buildFile(rulesPath, proofPath, { transcriptPath: out });
  if (result.text !== undefined && out) {
    try {
      writeFileAtomic(out, result.text);
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      result.diagnostics.push(diagnostic("BM0902", `cannot write ${out} (${reason})`));
      if (c.json) c.printJson({ valid: false, ...c.jsonDiagnostics(result.diagnostics) });
      else c.print(result.diagnostics);
      return EXIT.invalid;
    }
  }
  if (c.json) {
    c.printJson({
      valid: result.valid,
      ...c.jsonDiagnostics(result.diagnostics),
      blocks: result.blocks.length,
      stats: result.validation?.stats,
      transcript: out ? undefined : result.text,
    });
    return result.valid ? EXIT.ok : EXIT.invalid;
  }
  c.print(result.diagnostics);
  if (result.text !== undefined && !out) c.io.out(result.text);
  else if (result.text !== undefined && !c.quiet) {
    c.io.out(
      `${result.valid ? "built" : "built, but not valid"}: ${out} (${plural(result.blocks.length, "block")})\n`,
    );
  }
  return result.valid ? EXIT.ok : EXIT.invalid;
}

async function runCompile(c: CommandContext): Promise<number> {
  const project = c.str("output") === undefined ? c.project() : undefined;
  const outDir = c.str("output") ?? project?.build;
  if (!outDir) {
    throw new UsageError(
      "BM0922",
      "bmc compile needs -o DIR: the build folder",
      'bmc compile RULES.bm -o DIR (in a project, bmc.json\'s "build" is the default)',
    );
  }
  const fromProject = c.project();
  const options = {
    rulesPath: c.args[0],
    outDir,
    slots: c.str("slots") ?? fromProject?.slots,
    publicSlots: c.str("public-slots") ?? fromProject?.publicSlots,
    fit: c.str("fit"),
    optimize: c.bool("O1") ? (1 as const) : (2 as const),
    progress: c.progress,
    bindings: c.str("bindings"),
    bindingsImport: c.str("bindings-import"),
  };
  const report = (r: CompileCommandResult) => ({
    ok: r.ok,
    ...c.jsonDiagnostics(r.diagnostics),
    messages: r.messages,
    shape: r.shape,
    stats: r.stats,
    bindings: r.bindings,
    keys: r.keys,
  });
  if (c.bool("watch")) {
    // Each compile reports like a single one; errors do not end the session.
    return watchCommand(options, c.io, (r) => {
      if (c.json) return c.io.out(JSON.stringify(report(r)) + "\n");
      c.print(r.diagnostics);
      for (const m of r.messages) c.io.err(`bmc: ${m}\n`);
      if (r.ok) c.io.out(compileSummary(outDir, r) + "\n");
      const removed = keysRemovedNote(r);
      if (removed) c.io.err(removed + "\n");
      else c.io.err(`compile failed: ${outDir} left as it was\n`);
    });
  }
  const result = await compileCommand(options);
  if (result.messages.length) throw new UsageError("BM0922", result.messages.join("\n"));
  if (c.json) {
    c.printJson(report(result));
    return result.ok ? EXIT.ok : EXIT.invalid;
  }
  c.print(result.diagnostics);
  if (result.ok && !c.quiet) {
    c.io.out(compileSummary(outDir, result) + "\n");
    if (c.bool("stats")) c.io.out(constraintStats(outDir));
  }
  const removed = keysRemovedNote(result);
  if (removed) c.io.err(removed + "\n");
  return result.ok ? EXIT.ok : EXIT.invalid;
}

function constraintStats(outDir: string): string {
  const manifest = loadManifest(outDir);
  const r1cs = readR1cs(join(outDir, manifest.files.r1cs));
  const names = readSym(join(outDir, manifest.files.sym));
  const counted = constraintsBySlot(manifest, names, r1cs.constraints);
  const rows = Object.entries(counted.perRule).map(
    ([rule, n]) =>
      `  ${rule}: ${plural(n.slots, "slot")}, ${plural(n.constraints, "constraint")}, ${Math.round(n.constraints / n.slots)} per slot`,
  );
  return (
    `constraints per rule:\n${rows.join("\n")}\n` +
    `  shared (challenge sponge, unique-claim list, powers, checks on inputs): ${counted.shared}\n` +
    `  segment: ${r1cs.constraints.length}\n`
  );
}

async function runProve(c: CommandContext): Promise<number> {
  const [buildDir, transcriptPath] = c.args;
  const out = c.str("output")!;
  const backend = backendOf(c);
  checkOutputFile(out, [".json"], [transcriptPath]);
  const text = readText(transcriptPath);
  if (isEmptyTranscript(text)) {
    throw new CommandError(
      `${transcriptPath} has no blocks: its proof would prove nothing`,
      "BM0620",
      "a transcript proves its public blocks; add the blocks of a proof",
    );
  }
  const options = { onProgress: c.progress, transcriptText: text };
  const r =
    backend === "fold"
      ? await proveFold(buildDir, transcriptPath, {
          ...options,
          ptau: c.str("ptau"),
          workers: workersOf(c),
        })
      : await proveGroth16(buildDir, transcriptPath, options);
  if (!r.proof) {
    if (c.json) c.printJson({ ok: false, ...c.jsonDiagnostics(r.diagnostics) });
    else c.print(r.diagnostics);
    return EXIT.invalid;
  }
  writeOutputFile(out, JSON.stringify(r.proof, null, 1) + "\n");
  const segments = "segments" in r ? (r.segments ?? 1) : 1;
  if (c.json) {
    c.printJson({ ok: true, proof: out, backend, segments, statement: r.proof.statement });
  } else if (!c.quiet) {
    c.io.out(
      `proved: ${out} (${plural(r.proof.statement.length, "public block")}` +
        (backend === "fold" ? `, ${plural(segments, "segment")} folded)\n` : ")\n"),
    );
    if (backend === "fold" && !c.str("ptau")) c.io.out(`${INSECURE_SRS}\n`);
  }
  return EXIT.ok;
}
