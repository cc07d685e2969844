/**
 * Issue 12, item 5: the project workflow. `bmc new NAME` and `bmc init` make a project whose
 * package.json depends on bmc and whose scripts run the local bmc (no global install: `npm
 * test` finds it in node_modules/.bin); commands take their paths from bmc.json; `bmc test`
 * holds every transcript to its `// expect:` verdict, natively and with --prove through the
 * prover and verifier; `bmc info` and `bmc execute` read the build folder.
 */
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { checkRuleFile, validateFiles } from "../src/index.js";
import { expectationOf } from "../src/cli/test-runner.js";
import { runBmc, runBmcIn, scratchFolders } from "./fixtures.js";

const scratch = scratchFolders("bmc-new-");

/** What `npm install` of the dependency would give: bmc in node_modules and on .bin. */
function linkBmc(project: string) {
  mkdirSync(join(project, "node_modules", ".bin"), { recursive: true });
  symlinkSync(resolve("."), join(project, "node_modules", "bmc"));
  symlinkSync(resolve("bin/bmc.js"), join(project, "node_modules", ".bin", "bmc"));
}

describe("bmc new", () => {
  let parent: string;
  let project: string;
  beforeAll(async () => {
    parent = scratch({});
    project = join(parent, "My Logic");
    const created = await runBmc("new", project);
    expect(created.stderr).toBe("");
    expect(created.code).toBe(0);
    expect(created.stdout).toContain("next: cd");
    expect(created.stdout).toContain("npm install && npm test");
    expect(created.stdout).not.toMatch(/(^|[^x] )bmc check/m);
  });

  it("writes the project whole, with bmc as a dependency and scripts that run it", () => {
    for (const file of [
      "rules.bm",
      "proof.bmt",
      "invalid/odd.bmt",
      "README.md",
      "bmc.json",
      "package.json",
    ])
      expect(existsSync(join(project, file)), file).toBe(true);
    expect(readdirSync(parent)).toEqual(["My Logic"]);
    const pkg = JSON.parse(readFileSync(join(project, "package.json"), "utf8"));
    expect(pkg.name).toBe("my-logic");
    expect(pkg.dependencies.bmc).toMatch(/^(file:|\^)/);
    expect(pkg.scripts.test).toBe("bmc test");
    // The README's commands use npx or npm scripts, never a global bmc.
    const readme = readFileSync(join(project, "README.md"), "utf8");
    const commands = readme.split("```sh")[1].split("```")[0].trim().split("\n");
    for (const line of commands) expect(line).toMatch(/^(npx bmc|npm )/);
  });

  it("writes rules that check and transcripts that give what they say", () => {
    const rules = join(project, "rules.bm");
    expect(checkRuleFile(rules).diagnostics).toEqual([]);
    expect(validateFiles(rules, join(project, "proof.bmt")).valid).toBe(true);
    const odd = join(project, "invalid", "odd.bmt");
    const r = validateFiles(rules, odd);
    const got = r.diagnostics.map(
      (d) => `${d.code} line ${d.span!.file.position(d.span!.start).line}`,
    );
    expect(expectationOf(readFileSync(odd, "utf8"))).toEqual({ valid: false, errors: got });
  });

  it("runs `npm test` through the local bmc, and fails when an expectation is wrong", () => {
    linkBmc(project);
    const npm = (...args: string[]) =>
      spawnSync("npm", args, {
        cwd: project,
        encoding: "utf8",
        env: {
          ...process.env,
          PATH:
            "/usr/bin:/bin:" +
            process.env.PATH?.split(":")
              .filter((p) => !p.includes("node_modules"))
              .join(":"),
        },
      });
    const ok = npm("test", "--silent");
    expect(ok.stderr).toBe("");
    expect(ok.stdout).toContain("2 passed, 0 failed");
    expect(ok.status).toBe(0);
    const odd = join(project, "invalid", "odd.bmt");
    const text = readFileSync(odd, "utf8");
    writeFileSync(odd, text.replace("BM0303 line 6", "BM0303 line 5"));
    const failed = npm("test", "--silent");
    expect(failed.stdout).toContain(
      "FAIL invalid/odd.bmt: expected BM0303 line 5; got BM0303 line 6",
    );
    expect(failed.status).not.toBe(0);
    writeFileSync(odd, text);
  });

  it("takes paths from bmc.json when they are left out", async () => {
    expect((await runBmcIn(project, "check")).stdout).toMatch(
      /^rules.bm: 3 rules, 1 relation, 1 file/,
    );
    expect((await runBmcIn(project, "validate", "proof.bmt")).stdout).toContain("valid: proof.bmt");
    const noProject = await runBmcIn(parent, "check");
    expect(noProject.code).toBe(2);
    expect(noProject.stderr).toContain("error[BM0922]: bmc check needs RULES.bm (or a bmc.json");
  });

  it("proves and verifies every valid transcript with bmc test --prove; info and execute read the build", async () => {
    const r = await runBmcIn(project, "test", "--prove", "--backend", "fold", "--quiet");
    expect(r.stdout).toContain("ok   proof.bmt: valid, proved and verified");
    expect(r.stdout).toContain("ok   invalid/odd.bmt: BM0303 line 6, refused by the prover");
    expect(r.code).toBe(0);
    const info = await runBmcIn(project, "info", "--json");
    expect(JSON.parse(info.stdout)).toMatchObject({
      buildDir: "build",
      slots: expect.any(Number),
      keys: false,
    });
    const executed = await runBmcIn(project, "execute", "proof.bmt");
    expect(executed.stdout).toMatch(/every constraint holds/);
    expect(executed.code).toBe(0);
  }, 600_000);

  it("refuses an existing folder with BM0911, touching nothing", async () => {
    const before = readdirSync(project).sort();
    const r = await runBmc("new", project);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("error[BM0911]");
    expect(readdirSync(project).sort()).toEqual(before);
  });
});

describe("bmc init", () => {
  it("makes an npm project a bmc project, adding to its package.json", async () => {
    const dir = scratch({
      "package.json": JSON.stringify({
        name: "mine",
        version: "1.0.0",
        scripts: { test: 'echo "Error: no test specified" && exit 1', build: "tsc" },
      }),
      "README.md": "# mine\n",
    });
    const r = await runBmcIn(dir, "init");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    expect(pkg).toMatchObject({ name: "mine", scripts: { test: "bmc test", build: "tsc" } });
    expect(pkg.dependencies.bmc).toBeDefined();
    expect(readFileSync(join(dir, "README.md"), "utf8")).toBe("# mine\n");
    expect((await runBmcIn(dir, "test")).code).toBe(0);
  });

  it("refuses, writing nothing, when a project file is there", async () => {
    const dir = scratch({ "bmc.json": "{}" });
    const r = await runBmcIn(dir, "init");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("error[BM0911]: cannot make . a project: bmc.json already exists");
    expect(readdirSync(dir)).toEqual(["bmc.json"]);
  });

  it("reports a bmc.json it cannot use with BM0912", async () => {
    const dir = scratch({ "bmc.json": '{ "rulez": "r.bm" }' });
    const r = await runBmcIn(dir, "check");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error[BM0912]");
    expect(r.stderr).toContain('unknown field "rulez"');
  });
});
