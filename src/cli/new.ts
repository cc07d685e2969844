/**
 * `bmc new NAME` and `bmc init`: a rule project. It holds a small rule file, a valid
 * transcript, an invalid one whose `// expect: CODE line N` comment names the error it must
 * give (the convention of examples/), the project file bmc.json, a package.json with bmc as a
 * dependency (its scripts run the local bmc, no global install needed) and a README.
 *
 * `new` writes a new folder whole or not at all: the files go into a temporary folder beside
 * NAME, which is then renamed; an existing NAME is never touched. `init` writes into the
 * current folder, refusing before it writes anything if one of its files exists (an existing
 * package.json gets the scripts and the dependency added, nothing else changed).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve, sep } from "node:path";
import { packageRoot } from "../paths.js";
import { errorReason, writeFileAtomic } from "./files.js";
import { projectFileText, PROJECT_FILE } from "./project.js";
import { bmcVersion, CommandError, EXIT, type CommandContext } from "./types.js";

/** The scripts a project's package.json gets: they run the bmc installed in node_modules. */
export const PROJECT_SCRIPTS: Record<string, string> = {
  test: "bmc test",
  check: "bmc check",
  prove: "bmc test --prove",
};

/** How a new project depends on bmc: this version, or this checkout when bmc is not installed. */
export function bmcDependency(): string {
  const root = packageRoot();
  return root.split(sep).includes("node_modules") ? `^${bmcVersion()}` : `file:${root}`;
}

/** An npm package name made from a folder name. */
function packageName(folder: string): string {
  const name = folder
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[._-]+/, "");
  return name || "rules";
}

function packageJson(name: string): string {
  const pkg = {
    name: packageName(name),
    version: "0.1.0",
    private: true,
    type: "module",
    scripts: PROJECT_SCRIPTS,
    dependencies: { bmc: bmcDependency() },
  };
  return JSON.stringify(pkg, null, 2) + "\n";
}

/** The files of a new project, by path relative to its folder. */
export function projectFiles(name: string): Record<string, string> {
  return {
    "rules.bm": `// ${name}: rules in the bmc rule language (see docs/reference.md in bmc).
// Check them with \`npx bmc check rules.bm\`.

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
    "proof.bmt": `// 4 is even: 0, then 2, then 4. Validate with \`npx bmc validate rules.bm proof.bmt\`.
// expect: valid
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

A rule project for bmc, the block model compiler, made by \`bmc new\` (or \`bmc init\`);
change it as you like. bmc is a dependency (package.json): \`npm install\` once, then:

| file              | what it is                                                      |
| ----------------- | --------------------------------------------------------------- |
| \`rules.bm\`        | the rules: which claims a block of each rule emits and demands  |
| \`proof.bmt\`       | a valid transcript: a proof that 4 is even                      |
| \`invalid/odd.bmt\` | an invalid transcript, with the error it must give              |
| \`bmc.json\`        | the project: rules, transcripts, build folder, slots, backend   |

\`\`\`sh
npm test                              # bmc test: every transcript gives what its // expect: says
npx bmc check                         # check the rules (bmc.json names them)
npx bmc validate proof.bmt            # is the transcript valid?
npm run prove                         # bmc test --prove: compile, set up, prove and verify them
npx bmc compile && npx bmc info       # the circuit, in build/ (bmc.json's "build")
\`\`\`

A transcript says what it must give: \`// expect: valid\`, \`// expect: invalid\`, or
\`// expect: BM0303 line 6\` (a code, and the line of the block at fault; one comment per
error). The rule language, the transcript format and every diagnostic code are described in
bmc's docs/reference.md; \`npx bmc help\` lists the commands.
`,
    [PROJECT_FILE]: projectFileText(),
    "package.json": packageJson(name),
    ".gitignore": "node_modules/\nbuild/\n*.proof.json\n",
  };
}

/** Writes the project folder at `target`; returns the files written, relative to it. */
export function createProject(target: string): string[] {
  const folder = resolve(target);
  const exists = () =>
    new CommandError(
      `cannot create ${target}: it already exists`,
      "BM0911",
      "bmc new never writes into an existing folder; choose another name, or run bmc init in it",
      EXIT.usage,
    );
  if (existsSync(folder)) throw exists();
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
    const reason = errorReason(error);
    if (reason === "EEXIST") throw exists();
    throw new CommandError(`cannot create ${target} (${reason})`, "BM0902");
  }
  return Object.keys(files);
}

/** Files a folder may already have; init leaves them as they are. */
const KEPT_IF_PRESENT = ["README.md", ".gitignore"];

/**
 * Makes `folder` a project. Refuses, before writing anything, when one of the project's files
 * is there (BM0911). Returns what it wrote and what it left as it was.
 */
export function initProject(folder: string): { written: string[]; kept: string[] } {
  const files = projectFiles(basename(resolve(folder)));
  delete files["package.json"];
  const kept = Object.keys(files).filter(
    (f) => KEPT_IF_PRESENT.includes(f) && existsSync(join(folder, f)),
  );
  const clash = Object.keys(files).filter(
    (f) => !KEPT_IF_PRESENT.includes(f) && existsSync(join(folder, f)),
  );
  if (clash.length) {
    throw new CommandError(
      `cannot make ${folder} a project: ${clash.join(", ")} already exist${clash.length === 1 ? "s" : ""}`,
      "BM0911",
      "bmc init never overwrites a file; move them away, or start a new folder with bmc new NAME",
      EXIT.usage,
    );
  }
  const pkgPath = join(folder, "package.json");
  let pkgText = packageJson(basename(resolve(folder)));
  if (existsSync(pkgPath)) {
    let pkg: Record<string, unknown>;
    try {
      pkg = JSON.parse(readFileSync(pkgPath, "utf8"));
    } catch (error) {
      throw new CommandError(
        `cannot add bmc's scripts to ${pkgPath}: not valid JSON (${(error as Error).message})`,
        "BM0911",
      );
    }
    const scripts = { ...(pkg.scripts as Record<string, string> | undefined) };
    for (const [name, command] of Object.entries(PROJECT_SCRIPTS)) {
      // npm init's placeholder test script is replaced; any other script is the user's.
      if (scripts[name] === undefined || /no test specified/.test(scripts[name]))
        scripts[name] = command;
    }
    const deps = { ...(pkg.dependencies as Record<string, string> | undefined) };
    const devDeps = pkg.devDependencies as Record<string, string> | undefined;
    if (!deps.bmc && !devDeps?.bmc) deps.bmc = bmcDependency();
    pkgText = JSON.stringify({ ...pkg, scripts, dependencies: deps }, null, 2) + "\n";
  }
  const written: string[] = [];
  for (const [path, text] of Object.entries(files)) {
    if (kept.includes(path)) continue;
    mkdirSync(dirname(join(folder, path)), { recursive: true });
    writeFileAtomic(join(folder, path), text);
    written.push(path);
  }
  writeFileAtomic(pkgPath, pkgText);
  written.push("package.json");
  return { written, kept };
}

const NEXT = "npm install && npm test";

/** The `bmc new NAME` command; returns the exit code. */
export function newCommand(target: string, c: CommandContext): number {
  const files = createProject(target);
  if (c.json) c.printJson({ ok: true, folder: target, files });
  else
    c.io.out(
      `created ${target}/: ${files.join(", ")}\n` +
        `next: cd ${target} && ${NEXT}   (then: npx bmc help)\n`,
    );
  return EXIT.ok;
}

/** The `bmc init` command, in the current folder. */
export function initCommand(c: CommandContext): number {
  const { written, kept } = initProject(".");
  if (c.json) c.printJson({ ok: true, folder: ".", files: written, kept });
  else
    c.io.out(
      `initialised: ${written.join(", ")}` +
        (kept.length ? ` (kept your ${kept.join(", ")})` : "") +
        `\nnext: ${NEXT}   (then: npx bmc help)\n`,
    );
  return EXIT.ok;
}
