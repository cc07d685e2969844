/**
 * Issue 12, item 1: no command deletes or overwrites what bmc did not make. A table of wrong
 * invocations runs through the CLI in a scratch folder; each must fail with its code, and
 * leave every file of the folder as it was. Then one real build folder: recompiling the same
 * circuit keeps its Groth16 keys, a changed circuit says they were removed, and a folder
 * holding a user's file is refused.
 */
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join, relative } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runBmcIn, scratchFolders, SMALL_RULES, SMALL_TRANSCRIPT } from "./fixtures.js";

const scratch = scratchFolders("bmc-outputs-");

/** Every file under `dir` with its content, so that any change shows. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) {
        out[relative(dir, path) + "/"] = "";
        walk(path);
      } else out[relative(dir, path)] = readFileSync(path, "utf8");
    }
  };
  walk(dir);
  return out;
}

function userFolder(): string {
  const dir = scratch({
    "rules.bm": SMALL_RULES,
    "t.bmt": SMALL_TRANSCRIPT,
    "garbage.bm": "my notes, not rules\n",
    "proof.txt": "a file of mine\n",
    "x.json": "{}\n",
  });
  mkdirSync(join(dir, "notes"));
  writeFileSync(join(dir, "notes", "todo.txt"), "buy milk\n");
  // A marker that lists nothing of what the folder holds: the folder is still the user's.
  mkdirSync(join(dir, "fake-build"));
  writeFileSync(join(dir, "fake-build", ".bmc-build"), '{ "entries": ["manifest.json"] }\n');
  writeFileSync(join(dir, "fake-build", "thesis.tex"), "\\documentclass{article}\n");
  return dir;
}

describe("wrong invocations leave every file as it was", () => {
  let dir: string;
  beforeAll(() => {
    dir = userFolder();
  });

  it.each([
    [["compile", "rules.bm", "-o", "."], 1, "BM0910", /current folder/],
    [["compile", "rules.bm", "-o", "notes"], 1, "BM0910", /bmc did not make/],
    [["compile", "rules.bm", "-o", "garbage.bm"], 1, "BM0910", /is a file/],
    [["compile", "rules.bm", "-o", "fake-build"], 1, "BM0910", /thesis.tex/],
    [["compile", "rules.bm", "-o", "..", "--quiet"], 1, "BM0910", /current folder or one above/],
    [["compile", "rules.bm", "-o", "build", "--bindings", "rules.bm"], 1, "BM0910", /input/],
    [["compile", "rules.bm", "-o", "build", "--bindings", "proof.txt"], 1, "BM0910", /not a \.ts/],
    // (Inputs exist: a missing input is reported first, test/cli-errors.test.ts.)
    [["build", "rules.bm", "x.json", "-o", "rules.bm"], 1, "BM0910", /input/],
    [["build", "rules.bm", "x.json", "-o", "garbage.bm"], 1, "BM0910", /not a \.bmt/],
    [["build", "rules.bm", "x.json", "-o", "notes"], 1, "BM0910", /is a folder/],
    [["new", "notes"], 2, "BM0911", /already exists/],
    [["init"], 2, "BM0911", /rules\.bm/],
  ])("bmc %j exits %i with %s", async (argv, exit, code, message) => {
    const before = snapshot(dir);
    const r = await runBmcIn(dir, ...argv);
    expect(r.stderr).toContain(`error[${code}]`);
    expect(r.stderr).toMatch(message);
    expect(r.code).toBe(exit);
    expect(snapshot(dir)).toEqual(before);
  });

  it("refuses as JSON too", async () => {
    const r = await runBmcIn(dir, "compile", "rules.bm", "-o", ".", "--json");
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).diagnostics[0].code).toBe("BM0910");
  });
});

/** The smallest rules worth compiling (each compile runs circom2 twice: seconds of CPU). */
const TINY_RULES = "relation p(x).\nrule a(x): p(x) -: .\nrule g(x): -: p(x).\n";
const TINY_TRANSCRIPT = "public:\n  g(1)\nprivate:\n  a(1)\n";

describe("a build folder bmc made", () => {
  let dir: string;
  beforeAll(async () => {
    dir = scratch({ "rules.bm": TINY_RULES, "t.bmt": TINY_TRANSCRIPT });
    const r = await runBmcIn(dir, "compile", "rules.bm", "-o", "build", "--fit", "t.bmt", "-q");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  }, 300_000);

  it("is marked, and lists what bmc wrote", () => {
    const marker = JSON.parse(readFileSync(join(dir, "build", ".bmc-build"), "utf8"));
    expect(marker.entries).toContain("manifest.json");
    expect(marker.entries).toContain("bindings.ts");
  });

  it("keeps its keys when the circuit is unchanged, and says so", async () => {
    // Stand-ins for `bmc setup`'s files: the compile carries them over without reading them.
    writeFileSync(join(dir, "build", "groth16.zkey"), "the proving key");
    writeFileSync(join(dir, "build", "verification_key.json"), '{ "vk": 1 }\n');
    const r = await runBmcIn(dir, "compile", "rules.bm", "-o", "build", "--fit", "t.bmt");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("the circuit is unchanged; the Groth16 keys were kept");
    expect(readFileSync(join(dir, "build", "groth16.zkey"), "utf8")).toBe("the proving key");
    // setup does not replace keys without --force.
    const setup = await runBmcIn(dir, "setup", "build", "--dev");
    expect(setup.code).toBe(1);
    expect(setup.stderr).toContain("error[BM0910]");
    expect(readFileSync(join(dir, "build", "groth16.zkey"), "utf8")).toBe("the proving key");
  }, 300_000);

  it.each([
    [["prove", "build", "t.bmt", "-o", "t.bmt"], /input/],
    [["prove", "build", "t.bmt", "-o", "proof.txt"], /not a \.json/],
    [["prove", "build", "t.bmt", "-o", "notes"], /is a folder/],
    [["export", "solidity", "build", "-o", "garbage.bm"], /not a \.sol/],
  ])("bmc %j leaves every file as it was (BM0910)", async (argv, message) => {
    writeFileSync(join(dir, "garbage.bm"), "my notes, not rules\n");
    writeFileSync(join(dir, "proof.txt"), "a file of mine\n");
    mkdirSync(join(dir, "notes"), { recursive: true });
    const before = snapshot(dir);
    const r = await runBmcIn(dir, ...argv);
    expect(r.stderr).toContain("error[BM0910]");
    expect(r.stderr).toMatch(message);
    expect(r.code).toBe(1);
    expect(snapshot(dir)).toEqual(before);
  });

  it("refuses to prove an empty transcript (BM0620); BM0603 suggests folding", async () => {
    // Without the stand-in keys of the test above (not real keys), put back at the end.
    const keys = ["groth16.zkey", "verification_key.json"].map((f) => join(dir, "build", f));
    const kept = keys.map((k) => readFileSync(k));
    keys.forEach((k) => rmSync(k));
    writeFileSync(join(dir, "empty.bmt"), "// nothing yet\npublic:\nprivate:\n");
    const empty = await runBmcIn(dir, "prove", "build", "empty.bmt", "-o", "e.json");
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain("error[BM0620]: empty.bmt has no blocks");
    expect(existsSync(join(dir, "e.json"))).toBe(false);
    writeFileSync(join(dir, "two.bmt"), "public:\n  g(1)\nprivate:\n  a(1)\n  a(2)\n");
    const big = await runBmcIn(dir, "execute", "build", "two.bmt");
    expect(big.code).toBe(1);
    expect(big.stderr).toContain("error[BM0603]");
    expect(big.stderr).toContain("--backend fold");
    keys.forEach((k, i) => writeFileSync(k, kept[i]));
    rmSync(join(dir, "empty.bmt"));
    rmSync(join(dir, "two.bmt"));
  });

  it("refuses to replace it when it holds a file of the user's", async () => {
    writeFileSync(join(dir, "build", "my-proof.json"), "{}");
    const before = snapshot(dir);
    const r = await runBmcIn(dir, "compile", "rules.bm", "-o", "build");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error\[BM0910\].*my-proof\.json/);
    expect(snapshot(dir)).toEqual(before);
  });

  it("says the keys were removed when the circuit changes", async () => {
    rmSync(join(dir, "build", "my-proof.json"));
    const r = await runBmcIn(dir, "compile", "rules.bm", "-o", "build", "--slots", "a=2", "-q");
    expect(r.stderr).toBe(
      "keys: the circuit changed; the old Groth16 keys were removed (run bmc setup again)\n",
    );
    expect(r.code).toBe(0);
    expect(existsSync(join(dir, "build", "groth16.zkey"))).toBe(false);
    expect(readdirSync(dir).filter((n) => n.startsWith("."))).toEqual([]);
  }, 300_000);
});
