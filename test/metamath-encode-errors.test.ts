/**
 * Databases the block-model encoding refuses (src/metamath/encode): each is one coded message
 * through `bmc import metamath`, exit 1, with the statement's file:line:col and a code frame
 * where there is a statement to point at, and never a stack trace. A proof that does not verify
 * keeps the proof checker's own code.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runBmc, scratchFolders } from "./fixtures.js";

const folder = scratchFolders("bmc-mm-encode-");

/** `bmc import metamath` on a one-file database (extra flags after it). */
async function importDb(text: string, ...flags: string[]) {
  const dir = folder({ "db.mm": text });
  const out = join(dir, "out");
  const r = await runBmc("import", "metamath", join(dir, "db.mm"), "-o", out, ...flags);
  return { ...r, dir, out };
}

/** One coded error and nothing else: no second diagnostic, no internal error, no stack. */
function expectOneError(stderr: string, code: string) {
  expect(stderr.match(/error\[BM\d{4}\]/g)).toEqual([`error[${code}]`]);
  expect(stderr).not.toMatch(/internal error|at .*\.[jt]s:\d+/);
}

const CONCATENATION = `$c |- wff ( ) $.
$v x y $.
wx $f wff x $.
wy $f wff y $.
we $a wff ( ) $.
wc $a wff x y $.
\${
  $d x y $.
  ax $a |- x y $.
$}
th $p |- ( ) ( ) ( ) $= we we wc we ax $.
`;

describe("databases the encoding refuses", () => {
  it("BM0727: --theorem names an axiom, or nothing", async () => {
    const db = "$c wff $.\n$v p $.\nwp $f wff p $.\nax $a wff p $.\nth $p wff p $= wp $.\n";
    const r = await importDb(db, "--theorem", "ax");
    expect(r.code).toBe(1);
    expectOneError(r.stderr, "BM0727");
    expect(r.stderr).toContain("`ax` is a `$a` statement, not a theorem ($p)");
    expect(r.stderr).toMatch(/db\.mm:4:1\n/);
    expect(r.stderr).toContain("help: its theorems: th");
    expect(existsSync(r.out)).toBe(false);
    const none = await importDb(db, "--theorem", "nope");
    expect(none.code).toBe(1);
    expectOneError(none.stderr, "BM0727");
    expect(none.stderr).toContain("`nope` is no statement of the database");
    // prove --metamath refuses it the same way, before compiling anything.
    const p = await runBmc(
      "prove",
      "--metamath",
      join(r.dir, "db.mm"),
      "--theorem",
      "ax",
      "-o",
      join(r.dir, "p.json"),
    );
    expect(p.code).toBe(1);
    expectOneError(p.stderr, "BM0727");
  });

  it("BM0728: a database without a theorem", async () => {
    const r = await importDb("$c wff $.\n$v p $.\nwp $f wff p $.\nax $a wff p $.\n");
    expect(r.code).toBe(1);
    expectOneError(r.stderr, "BM0728");
    expect(r.stderr).toContain("db.mm has no theorem ($p) to prove");
    expect(existsSync(r.out)).toBe(false);
  });

  it("BM0729: $d conditions where only strings fit, even when the theorem has none", async () => {
    // `( ) ( ) ( )` parses two ways; the proof builds the tree the parser does not pick, so the
    // database falls back to strings, whose rules cannot check `ax`'s $d.
    const r = await importDb(CONCATENATION);
    expect(r.code).toBe(1);
    expectOneError(r.stderr, "BM0729");
    expect(r.stderr).toMatch(/db\.mm:11:1\n/);
    expect(r.stderr).toContain("11 | th $p |- ( ) ( ) ( )");
    expect(r.stderr).toContain("`ax` is at db.mm:9");
    expect(existsSync(r.out)).toBe(false);
    // The same database whose proof builds the parser's tree encodes as trees, $d checked.
    const trees = await importDb(CONCATENATION.replace("we we wc we ax", "we we we wc ax"));
    expect(trees.code).toBe(0);
    expect(trees.stdout).toContain("(tree encoding)");
  });

  it("a proof that does not verify keeps the checker's code and points at the step", async () => {
    const r = await importDb(
      "$c wff |- $.\n$v p $.\nwp $f wff p $.\n${ h $e |- p $. ax $a |- p $. $}\nth $p |- p $= wp wp ax $.\n",
    );
    expect(r.code).toBe(1);
    expectOneError(r.stderr, "BM0721");
    expect(r.stderr).toMatch(/th, step 3 \(ax\)/);
    expect(r.stderr).toMatch(/db\.mm:5:\d+\n/);
  });

  it("--json gives the coded diagnostic with its position", async () => {
    const r = await importDb(CONCATENATION, "--json");
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(json.ok).toBe(false);
    expect(json.diagnostics).toHaveLength(1);
    expect(json.diagnostics[0]).toMatchObject({ code: "BM0729", line: 11, column: 1 });
  });
});
