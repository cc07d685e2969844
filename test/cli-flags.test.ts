/**
 * Issue 12, item 6: one flag layer for every command. Unknown flags and commands get a code
 * and the nearest name; flags of another command are refused, not ignored; every command has
 * its own help; a missing -o says what it is for; --json covers usage errors too; completion
 * scripts for bash and zsh come from the same table.
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { COMMANDS } from "../src/cli/commands.js";
import { completionScript } from "../src/cli/completion.js";
import { FLAGS } from "../src/cli/flags.js";
import { runBmc, scratchFolders } from "./fixtures.js";

const scratch = scratchFolders("bmc-flags-");
const RULES = "test/diagnostics/transcripts/rules.bm";

describe("usage errors", () => {
  it.each([
    [
      ["prove", "--backedn", "fold"],
      "BM0920",
      /unknown flag --backedn/,
      /did you mean --backend\?/,
    ],
    [["check", RULES, "--max-error", "3"], "BM0920", /unknown flag --max-error/, /--max-errors/],
    [["proove"], "BM0920", /unknown command `proove`/, /did you mean `bmc prove`\?/],
    [
      ["check", RULES, "--backend", "fold"],
      "BM0921",
      /--backend does not apply to `bmc check`/,
      /`bmc prove`/,
    ],
    [["check", RULES, "--fit", "x.bmt"], "BM0921", /--fit does not apply/, /`bmc compile`/],
    [["validate", RULES, "t.bmt", "-o", "x"], "BM0921", /-o does not apply to `bmc validate`/, /./],
    [
      ["prove", "build", "t.bmt"],
      "BM0922",
      /bmc prove needs --output: the file the proof is written to/,
      /./,
    ],
    [["prove", "build"], "BM0922", /bmc prove needs TRANSCRIPT.bmt/, /usage/],
    [["check", RULES, "extra.bm"], "BM0922", /too many arguments for bmc check: extra.bm/, /usage/],
    [
      ["validate", "--max-errors", "0", RULES, "t.bmt"],
      "BM0922",
      /--max-errors takes a whole number/,
      /./,
    ],
    [["compile", RULES, "--slots"], "BM0922", /--slots needs a value/, /./],
    [["export"], "BM0922", /bmc export needs a subcommand/, /bmc export solidity/],
    [["completion", "fish"], "BM0922", /no completion for `fish`/, /bash\|zsh/],
  ])("bmc %j: %s", async (argv, code, message, help) => {
    const r = await runBmc(...argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^error\\[${code}\\]`));
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(help);
    // One coded message, not Node's parseArgs text or a stack trace.
    expect(r.stderr).not.toMatch(/ERR_PARSE_ARGS|at .*\.js:\d+|Unknown option/);
    const json = await runBmc(...argv, "--json");
    expect(json.code).toBe(2);
    expect(json.stderr).toBe("");
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, diagnostics: [{ code }] });
  });
});

describe("help", () => {
  it("bmc help COMMAND and bmc COMMAND --help print that command's help only", async () => {
    for (const spec of COMMANDS) {
      const words = spec.name.split(" ");
      const a = await runBmc("help", ...words);
      const b = await runBmc(...words, "--help");
      expect(a.code, spec.name).toBe(0);
      expect(b.stdout, spec.name).toBe(a.stdout);
      expect(a.stdout.split("\n")[0], spec.name).toContain(`bmc ${spec.name}`);
      expect(a.stdout, spec.name).toContain(spec.summary);
      for (const f of spec.flags) expect(a.stdout, `${spec.name} --${f}`).toContain(`--${f}`);
      // Not the overview: no other command's summary.
      const other = COMMANDS.find((c) => c !== spec && c.summary !== spec.summary)!;
      expect(a.stdout, spec.name).not.toContain(other.summary);
    }
  });

  it("lists only flags that exist, and every command in the overview", async () => {
    const overview = (await runBmc("help")).stdout;
    for (const spec of COMMANDS) {
      for (const f of spec.flags) expect(f in FLAGS, `${spec.name} --${f}`).toBe(true);
      expect(overview).toContain(spec.summary);
    }
  });
});

describe("--json", () => {
  it("covers bmc new and export solidity", async () => {
    const dir = scratch({});
    const created = await runBmc("new", join(dir, "p"), "--json");
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({
      ok: true,
      files: expect.arrayContaining(["bmc.json"]),
    });
    const exported = await runBmc("export", "solidity", dir, "--json");
    expect(exported.code).toBe(1);
    // The folder was never compiled into: not a build folder (BM0604).
    expect(JSON.parse(exported.stdout).diagnostics[0].code).toBe("BM0604");
  });
});

describe("shell completion", () => {
  const complete = (shell: string, line: string) => {
    const dir = scratch({});
    const script = join(dir, `bmc.${shell}`);
    writeFileSync(script, completionScript(shell as "bash" | "zsh", COMMANDS));
    const words = line.split(" ");
    const program = [
      `source ${script}`,
      `COMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")})`,
      `COMP_CWORD=${words.length - 1}`,
      "_bmc_complete",
      'printf "%s\\n" "${COMPREPLY[@]}"',
    ].join("\n");
    const r = spawnSync(shell, ["-c", program], { encoding: "utf8", cwd: dir });
    expect(r.stderr).toBe("");
    return r.stdout.trim().split("\n").sort();
  };

  it("bash completes commands, subcommands and each command's flags", () => {
    expect(complete("bash", "bmc ex")).toEqual(["execute", "export"]);
    expect(complete("bash", "bmc export ")).toContain("solidity");
    expect(complete("bash", "bmc prove --ba")).toEqual(["--backend"]);
    expect(complete("bash", "bmc check --")).not.toContain("--backend");
    expect(complete("bash", "bmc compile --sh")).toEqual(["--shared"]);
  });

  it.runIf(spawnSync("zsh", ["--version"]).status === 0)("zsh runs the same completion", () => {
    expect(complete("zsh", "bmc prove --ba")).toEqual(["--backend"]);
  });
});
