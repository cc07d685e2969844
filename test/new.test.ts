/**
 * `bmc new NAME`: the scaffolded project checks, its valid transcript validates, its invalid
 * one fails with exactly the error its `// expect:` comment names, its own test script passes,
 * and an existing folder is refused without being touched.
 */
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runBmc } from "./fixtures.js";
import { checkRuleFile, validateFiles } from "../src/index.js";

/** The `// expect: CODE line N` comments of a transcript, as in test/examples.test.ts. */
function expectedErrors(text: string): string[] {
  return [...text.matchAll(/^\s*\/\/\s*expect:\s*(BM\d{4}) line (\d+)\s*$/gm)].map(
    (m) => `${m[1]} line ${m[2]}`,
  );
}

const bmc = runBmc;

const scratch = mkdtempSync(join(tmpdir(), "bmc-new-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("bmc new", () => {
  const project = join(scratch, "my-logic");
  let created: Awaited<ReturnType<typeof bmc>>;

  it("creates the project folder with exit 0", async () => {
    created = await bmc("new", project);
    expect(created.stderr).toBe("");
    expect(created.code).toBe(0);
    expect(created.stdout).toContain(`created ${project}/`);
    for (const file of ["rules.bm", "proof.bmt", "invalid/odd.bmt", "README.md", "test.mjs"])
      expect(existsSync(join(project, file)), file).toBe(true);
    // No temporary folder is left beside it.
    expect(readdirSync(scratch)).toEqual(["my-logic"]);
    expect(readFileSync(join(project, "README.md"), "utf8")).toMatch(/^# my-logic\n/);
  });

  it("writes a rule file that checks with no diagnostic", () => {
    const r = checkRuleFile(join(project, "rules.bm"));
    expect(r.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
    expect(r.ruleSet?.rules.length).toBeGreaterThan(0);
  });

  it("writes a valid transcript", () => {
    const r = validateFiles(join(project, "rules.bm"), join(project, "proof.bmt"));
    expect(r.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
    expect(r.valid).toBe(true);
  });

  it("writes an invalid transcript that fails with exactly its annotated errors", () => {
    const path = join(project, "invalid", "odd.bmt");
    const expected = expectedErrors(readFileSync(path, "utf8"));
    expect(expected).toEqual(["BM0303 line 6"]);
    const r = validateFiles(join(project, "rules.bm"), path);
    expect(r.valid).toBe(false);
    expect(r.validation!.errors.map((e) => `${e.code} line ${e.line}`).sort()).toEqual(expected);
  });

  it("writes a test script that passes, and fails when an expectation is wrong", () => {
    const bin = resolve("bin/bmc.js");
    if (!existsSync(resolve("dist/src/cli/main.js"))) return; // npm test builds dist first
    const run = () =>
      spawnSync(process.execPath, ["test.mjs"], {
        cwd: project,
        encoding: "utf8",
        env: { ...process.env, BMC: bin },
      });
    const ok = run();
    expect(ok.stdout + ok.stderr).toContain("all passed");
    expect(ok.status).toBe(0);
    const path = join(project, "invalid", "odd.bmt");
    const text = readFileSync(path, "utf8");
    writeFileSync(path, text.replace("line 6", "line 5"));
    try {
      const failed = run();
      expect(failed.status).toBe(1);
      expect(failed.stdout).toContain("FAIL invalid/odd.bmt");
    } finally {
      writeFileSync(path, text);
    }
  });

  it("refuses an existing folder with BM0902 and exit 2, leaving it untouched", async () => {
    const before = readFileSync(join(project, "rules.bm"), "utf8");
    writeFileSync(join(project, "rules.bm"), "// mine\n");
    const r = await bmc("new", project);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(`error[BM0902]: cannot create ${project}: it already exists`);
    expect(readFileSync(join(project, "rules.bm"), "utf8")).toBe("// mine\n");
    writeFileSync(join(project, "rules.bm"), before);

    // An empty folder and a plain file are refused too.
    mkdirSync(join(scratch, "empty"));
    expect((await bmc("new", join(scratch, "empty"))).code).toBe(2);
    expect(readdirSync(join(scratch, "empty"))).toEqual([]);
    writeFileSync(join(scratch, "file"), "x");
    expect((await bmc("new", join(scratch, "file"))).code).toBe(2);
  });

  it("reports a folder it cannot create with BM0902 and exit 1, leaving nothing behind", async () => {
    const r = await bmc("new", join(scratch, "no", "such", "parent"));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error[BM0902]");
    expect(existsSync(join(scratch, "no"))).toBe(false);
  });

  it("needs exactly one name (usage error) and has help", async () => {
    expect((await bmc("new")).code).toBe(2);
    expect((await bmc("new", "a", "b")).code).toBe(2);
    const help = await bmc("help", "new");
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("bmc new NAME");
    expect((await bmc("--help")).stdout).toContain("bmc new NAME");
  });
});
