/**
 * `bmc new NAME`: a folder to start a rule project from. It holds a small rule file, a valid
 * transcript, an invalid one whose `// expect: CODE line N` comment names the error it must
 * give (the convention of examples/), a README and `test.mjs`, a dependency-free script that
 * runs `bmc check` and `bmc validate` on all of them.
 *
 * The folder appears whole or not at all: the files are written into a temporary folder beside
 * NAME, which is then renamed. An existing NAME is never touched.
 */
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { diagnostic, renderDiagnostics, type Diagnostic } from "../diagnostics/index.js";
import type { CliIO } from "./main.js";

/** Exit codes, as in main.ts: 0 created, 1 could not write, 2 NAME already exists. */
const CREATED = 0;
const CANNOT_WRITE = 1;
const EXISTS = 2;

export class NewProjectError extends Error {
  constructor(
    readonly diagnostic: Diagnostic,
    readonly exitCode: number,
  ) {
    super(diagnostic.message);
  }
}

/** The files of a new project, by path relative to its folder. */
export function projectFiles(name: string): Record<string, string> {
  return {
    "rules.bm": `// ${name}: rules in the bmc rule language (see docs/reference.md in bmc).
// Check them with \`bmc check rules.bm\`.

// even(n, k): the number n is even, shown by a derivation of depth k. Blocks are unordered,
// so the depths (k1 < k below) are what stops a claim from justifying itself.
relation even(n, k).

// 0 is even, at depth 0.
rule zero(): even(0, 0) -: .

// If n is even, so is m = n + 2. When a block of this rule is public, the verifier sees m
// (before the ;) and not n, k or k1.
rule plus_two(m; n, k, k1): even(m, k) -: even(n, k1), m == n + 2, k1 < k.

// The public goal: some block must show that n is even, at any depth (_).
rule goal(n): -: even(n, _).
`,
    "proof.bmt": `// 4 is even: 0, then 2, then 4. Validate with \`bmc validate rules.bm proof.bmt\`.
// One block per line: a rule name and a value for each variable of its header, in order.
public:
  goal(4)
private:
  zero()
  plus_two(2; 0, 1, 0)
  plus_two(4; 2, 2, 1)
`,
    "invalid/odd.bmt": `// 3 is not even. This transcript derives it from 1, which no block shows to be even.
public:
  goal(3)
private:
  zero()
  plus_two(3; 1, 1, 0)
// expect: BM0303 line 6
`,
    "README.md": `# ${name}

A rule project for bmc, the block model compiler. It was made by
\`bmc new\`; change it as you like.

| file              | what it is                                                      |
| ----------------- | --------------------------------------------------------------- |
| \`rules.bm\`        | the rules: which claims a block of each rule emits and demands  |
| \`proof.bmt\`       | a valid transcript: a proof that 4 is even                      |
| \`invalid/odd.bmt\` | an invalid transcript, with the error it must give              |
| \`test.mjs\`        | checks the rules, validates every transcript (needs only bmc)   |

\`\`\`sh
bmc check rules.bm                  # parse and check the rules
bmc validate rules.bm proof.bmt     # is the transcript valid?
node test.mjs                       # all of the above, and the invalid transcripts too
\`\`\`

\`test.mjs\` runs the \`bmc\` command; set \`BMC\` to use another one, e.g.
\`BMC=path/to/bmc/bin/bmc.js node test.mjs\`.

A transcript in \`invalid/\` names the errors it must give, one comment per error:
\`// expect: BM0303 line 6\` (the code, and the line of the block at fault). The rule language,
the transcript format and every diagnostic code are described in bmc's docs/reference.md.
`,
    "test.mjs": `#!/usr/bin/env node
// Checks this project with bmc: the rules check with no diagnostic, every transcript next to
// them is valid, and every transcript in invalid/ fails with exactly the errors that its
// \`// expect: CODE line N\` comments name. Run \`node test.mjs\`; it exits 0 when all is well.
// BMC names the bmc command (default: bmc); a path to bmc's bin/bmc.js works too.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const bmc = process.env.BMC || "bmc";
let failures = 0;

function run(...args) {
  const [command, first] = bmc.endsWith(".js") ? [process.execPath, [bmc]] : [bmc, []];
  const r = spawnSync(command, [...first, ...args, "--json"], {
    cwd: here,
    encoding: "utf8",
    shell: process.platform === "win32",
  });
  if (r.error || r.status === null || r.status > 1) {
    console.error(\`cannot run \${bmc} \${args.join(" ")}: \${r.error?.message ?? r.stderr}\`);
    process.exit(2);
  }
  return { status: r.status, ...JSON.parse(r.stdout) };
}

function report(ok, what, detail = "") {
  console.log(\`\${ok ? "ok  " : "FAIL"} \${what}\${detail ? \`\\n     \${detail}\` : ""}\`);
  if (!ok) failures++;
}

function transcripts(dir) {
  if (!existsSync(join(here, dir))) return [];
  return readdirSync(join(here, dir))
    .filter((f) => f.endsWith(".bmt"))
    .sort()
    .map((f) => (dir === "." ? f : \`\${dir}/\${f}\`));
}

const shown = (diagnostics) =>
  diagnostics.map((d) => \`\${d.code} line \${d.line}: \${d.message}\`).join("; ");

const check = run("check", "rules.bm");
report(check.diagnostics.length === 0, "rules.bm checks", shown(check.diagnostics));

for (const path of transcripts(".")) {
  const r = run("validate", "rules.bm", path);
  report(r.valid, \`\${path} is valid\`, shown(r.diagnostics));
}

for (const path of transcripts("invalid")) {
  const text = readFileSync(join(here, path), "utf8");
  const expected = [...text.matchAll(/^\\s*\\/\\/\\s*expect:\\s*(BM\\d{4}) line (\\d+)\\s*$/gm)]
    .map((m) => \`\${m[1]} line \${m[2]}\`)
    .sort();
  const r = run("validate", "rules.bm", path);
  const actual = r.diagnostics.map((d) => \`\${d.code} line \${d.line}\`).sort();
  const same = expected.length > 0 && JSON.stringify(actual) === JSON.stringify(expected);
  report(
    !r.valid && same,
    \`\${path} is rejected as its comments say\`,
    same ? "" : \`expected \${expected.join(", ") || "an // expect: comment"}; got \${actual.join(", ") || "no error"}\`,
  );
}

console.log(failures ? \`\${failures} failed\` : "all passed");
process.exitCode = failures ? 1 : 0;
`,
  };
}

/** Writes the project folder at `target`; returns the files written, relative to it. */
export function createProject(target: string): string[] {
  const folder = resolve(target);
  if (existsSync(folder)) {
    throw new NewProjectError(
      diagnostic("BM0902", `cannot create ${target}: it already exists`, undefined, {
        help: "bmc new never writes into an existing folder; choose another name",
      }),
      EXISTS,
    );
  }
  const files = projectFiles(basename(folder));
  const temporary = join(dirname(folder), `.${basename(folder)}.${process.pid}.tmp`);
  try {
    mkdirSync(temporary); // not recursive: a missing parent folder is an error, not created
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(temporary, path)), { recursive: true });
      writeFileSync(join(temporary, path), text);
    }
    // Checked again just before the rename: renaming onto an empty folder would replace it.
    if (existsSync(folder)) throw Object.assign(new Error("it already exists"), { code: "EEXIST" });
    renameSync(temporary, folder);
  } catch (error) {
    rmSync(temporary, { recursive: true, force: true });
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new NewProjectError(
      diagnostic("BM0902", `cannot create ${target} (${reason})`),
      reason === "EEXIST" ? EXISTS : CANNOT_WRITE,
    );
  }
  return Object.keys(files);
}

/** The `bmc new NAME` command; returns the exit code. */
export function newCommand(target: string, io: CliIO, color: boolean): number {
  let files: string[];
  try {
    files = createProject(target);
  } catch (error) {
    if (!(error instanceof NewProjectError)) throw error;
    io.err(renderDiagnostics([error.diagnostic], { color }) + "\n");
    return error.exitCode;
  }
  io.out(
    `created ${target}/: ${files.join(", ")}\n` +
      `next: cd ${target} && bmc check rules.bm && bmc validate rules.bm proof.bmt && node test.mjs\n`,
  );
  return CREATED;
}
