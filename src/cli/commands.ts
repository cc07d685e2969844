/**
 * The command table: one entry per command, with its arguments, the flags it takes, its help
 * and the function that runs it. main.ts parses the command line against this table, so a new
 * command is one entry here (and its flags, if new, one line each in flags.ts).
 */
import { completionScript } from "./completion.js";
import { FLAGS, flagHelp, GLOBAL_FLAGS } from "./flags.js";
import { EXIT, UsageError, type CommandContext, type CommandSpec } from "./types.js";

const BUILD = { name: "BUILD_DIR", project: "build" } as const;
const RULES = { name: "RULES.bm", project: "rules", ext: ".bm" } as const;
const TRANSCRIPT = { name: "TRANSCRIPT.bmt", ext: ".bmt" } as const;

type Runner = CommandSpec["run"];

/**
 * A runner loaded when its command runs. The table itself imports nothing heavy, so that
 * `bmc --version`, `bmc help` and `bmc check` do not load the prover (snarkjs, ffjavascript),
 * the circuit compiler (circom2), the formatter (prettier) or the bindings generator
 * (ts-morph): loading them all took over a second of every command's start-up.
 * test/startup.test.ts checks what each command loads.
 */
function lazy<M>(load: () => Promise<M>, runner: (module: M) => Runner): Runner {
  return async (c) => runner(await load())(c);
}

const validate = () => import("./validate.js");
const compile = () => import("./compile.js");
const prove = () => import("./prove.js");
const inspect = () => import("./inspect.js");
const metamath = () => import("./metamath.js");
const newProject = () => import("./new.js");

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
    run: lazy(
      () => import("./check.js"),
      (m) => m.runCheck,
    ),
  },
  {
    name: "validate",
    args: [RULES, TRANSCRIPT],
    flags: [],
    summary: "Check the rules, read the transcript and decide whether it is valid.",
    help: `Every block satisfies its rule's constraints, no unique claim is emitted twice, every
hypothesis is concluded by some block, and setup blocks appear only under public:.
Exit 0 when valid, 1 when not.`,
    run: lazy(validate, (m) => m.runValidate),
  },
  {
    name: "build",
    args: [RULES, { name: "PROOF.json", ext: ".json" }],
    flags: ["output"],
    summary: "Turn a proof tree (docs/build.md) into a transcript; validate it.",
    help: `Names every subterm once, emits the term definitions with their depths, solves each
step's variables from its premises, and writes the transcript (to stdout, or to -o OUT.bmt
through a temporary file). A wrong proof tree is reported with the step and premise at fault.`,
    run: lazy(validate, (m) => m.runBuild),
  },
  {
    name: "compile",
    args: [RULES],
    flags: [
      "output",
      "slots",
      "public-slots",
      "shared",
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
rules and goals by default; --fit sizes it for one transcript exactly. --shared inc=N adds N
slots that each run any rule of inc's group (private rules that differ only in constants;
docs/circuits.md, "Shared slots"); with --slots inc=0,... its members get none of their own.`,
    run: lazy(compile, (m) => m.runCompile),
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
    run: lazy(prove, (m) => m.runPtau),
  },
  {
    name: "setup",
    args: [BUILD],
    flags: ["ptau", "dev", "force"],
    synopsis: "bmc setup [BUILD_DIR] (--ptau FILE | --dev) [--force]",
    summary: "Make the Groth16 proving and verification keys of a build folder.",
    help: `Keys already there are kept (proofs made with them verify only with them): --force
replaces them.`,
    run: lazy(prove, (m) => m.runSetup),
  },
  {
    name: "prove",
    args: [BUILD, TRANSCRIPT],
    flags: ["output", "backend", "ptau", "workers", "queue", "job-timeout"],
    required: { output: "the file the proof is written to (-o PROOF.json)" },
    synopsis:
      "bmc prove [BUILD_DIR] TRANSCRIPT.bmt -o PROOF.json [--backend groth16|fold [--ptau FILE] [--workers N | --queue redis://HOST:PORT]]",
    summary: "Validate a transcript, compute its witness and prove it.",
    help: `groth16 (the default, or bmc.json's "backend") proves one segment; fold proves as many
segments as the transcript needs, folded into one succinct zero-knowledge proof
(docs/folding.md), committed with the powers of tau of --ptau FILE or, without it, an
INSECURE development SRS made and cached on this machine. The fold backend computes each
segment's witness and commitments on --workers N threads (default: one per core; 1 runs them
in bmc's own thread) and folds them in order: the proof does not depend on N. With --queue
redis://HOST:PORT the jobs go to \`bmc worker\` processes on any machine instead; each result
is checked before it is folded, the proof is verified before it is written, and the same
command started again resumes from the jobs already done (docs/distributed.md); a job running
longer than --job-timeout SECONDS (default 600) on a worker stops the run. A transcript
without blocks proves nothing and is refused (BM0620).`,
    run: lazy(prove, (m) => m.runProve),
  },
  {
    name: "worker",
    args: [{ name: "redis://HOST:PORT" }],
    flags: ["build", "ptau", "workers", "lock"],
    synopsis:
      "bmc worker redis://HOST:PORT --build DIR [--ptau FILE] [--workers N] [--lock SECONDS]",
    summary: "Run the segment jobs of `bmc prove --queue` for a build folder, until stopped.",
    help: `Loads the build folder and its commitment key (the SRS of --ptau FILE, or this
machine's INSECURE development SRS: the coordinator's must be the same) and takes the jobs of
that build from the queue, --workers N at a time (default 1) on threads of their own.
Jobs of another build go to other workers. Stop it with Ctrl-C (SIGINT) or SIGTERM: running
jobs finish first. A worker killed outright leaves its jobs locked for --lock SECONDS
(default 30), after which other workers take them again (docs/distributed.md).`,
    run: lazy(
      () => import("./worker.js"),
      (m) => m.runWorker,
    ),
  },
  {
    name: "verify",
    args: [BUILD, { name: "PROOF.json", ext: ".json" }],
    flags: ["ptau"],
    summary: "Check a proof against its statement (the public blocks it carries).",
    help: `A folded proof is checked against the SRS of --ptau FILE or, without it, this machine's
INSECURE development SRS.`,
    run: lazy(prove, (m) => m.runVerify),
  },
  {
    name: "execute",
    args: [BUILD, TRANSCRIPT],
    flags: [],
    summary: "Compute and check a transcript's witness in the circuit, without proving.",
    help: `Validates the transcript, lays it out in one segment, runs the witness generator and
checks every constraint of the R1CS. No keys are needed.`,
    run: lazy(inspect, (m) => m.executeCommand),
  },
  {
    name: "info",
    args: [BUILD],
    flags: [],
    summary: "Print a build folder's circuit: slots per rule, constraints, keys, digests.",
    run: lazy(inspect, (m) => m.infoCommand),
  },
  {
    name: "export solidity",
    args: [BUILD],
    flags: ["output"],
    summary: "Write a Solidity verifier for the build folder's Groth16 keys.",
    run: lazy(prove, (m) => m.runExportSolidity),
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
    run: lazy(
      () => import("./calldata.js"),
      (m) => m.exportCalldataCommand,
    ),
  },
  {
    name: "import metamath",
    args: [{ name: "FILE.mm" }],
    flags: ["output", "theorem", "encoding"],
    required: { output: "the folder the rules and transcripts go to (-o DIR)" },
    summary: "Encode a Metamath database as rules (DIR/rules.bm) and a transcript per theorem.",
    help: `Syntax axioms become term constructors, each |- assertion a rule, each theorem is proven
in its own context and is then usable as a lemma; $d conditions are checked by generated
relations (docs/metamath.md). Every transcript is validated.`,
    run: lazy(
      metamath,
      (m) => (c) =>
        m.importCommand(["metamath", ...c.args], metamathOptions(c), c.io, c.progress, usage),
    ),
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
    run: lazy(newProject, (m) => (c) => m.newCommand(c.args[0], c)),
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
    run: lazy(newProject, (m) => m.initCommand),
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
    run: lazy(
      () => import("./test-runner.js"),
      (m) => m.testCommand,
    ),
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

function usage(message: string): never {
  throw new UsageError("BM0922", message);
}

function metamathOptions(c: CommandContext) {
  return {
    output: c.str("output"),
    metamath: c.str("metamath"),
    theorem: c.str("theorem"),
    encoding: c.str("encoding"),
    json: c.json,
    quiet: c.quiet,
  };
}

/** `prove --metamath` and `verify --metamath`: a database where a build folder belongs. */
const METAMATH_VARIANTS: readonly CommandSpec[] = [
  {
    name: "prove",
    args: [],
    flags: ["output", "metamath", "theorem", "encoding"],
    required: { output: "the file the proof is written to (-o PROOF.json)" },
    synopsis:
      "bmc prove --metamath FILE.mm [--theorem LABEL] [--encoding tree|string|universal] -o PROOF.json",
    summary: "Import, compile (cached) and fold a proof of a Metamath theorem (default: all).",
    run: lazy(
      metamath,
      (m) => (c) => m.proveCommand(c.args, metamathOptions(c), c.io, c.progress, usage),
    ),
  },
  {
    name: "verify",
    args: [{ name: "PROOF.json", ext: ".json" }],
    flags: ["metamath", "encoding"],
    synopsis: "bmc verify --metamath FILE.mm [--encoding tree|string|universal] PROOF.json",
    summary: "Re-derive the rules and the statement from the database and verify the proof.",
    run: lazy(
      metamath,
      (m) => (c) => m.verifyCommand(c.args, metamathOptions(c), c.io, c.progress, usage),
    ),
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
