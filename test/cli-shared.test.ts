/**
 * `bmc compile --shared`: shared slots (docs/circuits.md, "Shared slots") from the command
 * line. A rule names its group; a compiled build whose increments all run in shared slots
 * (their rules have no slots of their own) proves a transcript with the fold backend, and the
 * proof verifies. A rule of no group, a group named twice and an unknown rule are usage errors.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runBmc, scratchFolders } from "./fixtures.js";

const scratch = scratchFolders("bmc-cli-shared-");

// inc1 and inc2 differ only in a constant: one group, named by inc1 (its first rule).
const RULES = `relation ok(x).
rule base(x): ok(x) -: x < 4.
rule inc1(x; y): ok(x) -: ok(y), x == y + 1.
rule inc2(x; y): ok(x) -: ok(y), x == y + 2.
rule goal(x): -: ok(x).
`;
const TRANSCRIPT = `public:
  goal(6)
private:
  base(0)
  inc1(1; 0)
  inc2(3; 1)
  inc1(4; 3)
  inc2(6; 4)
`;

describe("bmc compile --shared", () => {
  it("compiles shared slots for a rule's group; the build proves and verifies a transcript", async () => {
    const dir = scratch({ "rules.bm": RULES, "t.bmt": TRANSCRIPT });
    const build = join(dir, "build");
    const at = (name: string) => join(dir, name);
    const compiled = await runBmc(
      ...["compile", at("rules.bm"), "-o", build, "--json"],
      ...["--slots", "base=1,inc1=0,inc2=0", "--shared", "inc2=4"],
    );
    expect(compiled.code, compiled.stdout).toBe(0);
    expect(JSON.parse(compiled.stdout).shape.shared).toEqual({ inc1: 4 });
    const manifest = JSON.parse(readFileSync(join(build, "manifest.json"), "utf8"));
    expect(manifest.shape.shared).toEqual({ inc1: 4 });
    expect(manifest.shape.slots).toMatchObject({ inc1: 0, inc2: 0 });

    const proved = await runBmc(
      ...["prove", build, at("t.bmt"), "--backend", "fold", "-o", at("p.json"), "--quiet"],
    );
    expect(proved.stderr).not.toMatch(/error/);
    expect(proved.code).toBe(0);
    const verified = await runBmc("verify", build, at("p.json"));
    expect(verified.stdout).toMatch(/^valid/m);
    expect(verified.code).toBe(0);
  }, 300_000);

  it.each([
    ["base=2", /--shared: `base` is in no group: .*the groups are: inc1, inc2/],
    ["inc1=1,inc2=1", /--shared: `inc1` and `inc2` are in one group: give its shared slots once/],
    ["incr=1", /--shared: `incr` is not a rule of this rule set/],
    ["inc1", /--shared: `inc1`: expected rule=N/],
  ])("--shared %s is a usage error", async (value, message) => {
    const dir = scratch({ "rules.bm": RULES });
    const r = await runBmc(
      "compile",
      join(dir, "rules.bm"),
      "-o",
      join(dir, "b"),
      "--shared",
      value,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/BM0922/);
    expect(r.stderr).toMatch(message);
  });
});
