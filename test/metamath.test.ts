/**
 * The Metamath encoding (src/metamath/encode, docs/metamath.md) and its commands:
 *   - every good file of the shared data imports and its transcripts validate natively;
 *   - the circuit rejects, on its own (layout without the validator, witness, R1CS check), a
 *     changed statement, a wrong substitution, a violated $d and a missing hypothesis, and the
 *     validator agrees with it on each;
 *   - the smallest file proves and verifies with the fold backend, and a proof file whose
 *     statement was changed is rejected.
 */
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
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compileProgram, parseManifest } from "../src/circuits/index.js";
import { checkRuleFile } from "../src/check/index.js";
import { segmentWitness } from "../src/prove/index.js";
import { SourceFile } from "../src/diagnostics/index.js";
import { lowerRuleSet } from "../src/lower/index.js";
import { proofDag, readMetamath } from "../src/metamath/index.js";
import { encodeMetamath, type MetamathEncoding } from "../src/metamath/encode/index.js";
import {
  buildEncoding,
  proofForTheorem,
  proveMetamath,
  verifyMetamath,
} from "../src/cli/metamath.js";
import { parseTranscript } from "../src/transcript/parse.js";
import type { Transcript } from "../src/transcript/model.js";
import { validateTranscript } from "../src/validate/index.js";
import { calculateWitness, WitnessError } from "../src/witness/calculator.js";
import { segmentInputs } from "../src/witness/inputs.js";
import { checkR1cs, readR1cs } from "../src/witness/r1cs.js";
import { runBmc } from "./fixtures.js";
import { shapeFor } from "./differential-harness.js";

const DATA = join("..", "..", "shared", "data", "metamath");
const SHARED = existsSync(DATA) ? DATA : "/work/shared/data/metamath";
const scratch = mkdtempSync(join(tmpdir(), "bmc-metamath-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function encodeFile(path: string, theorems?: string[]): MetamathEncoding {
  const r = readMetamath(path);
  expect(r.diagnostics).toEqual([]);
  return encodeMetamath(r.database!, (d, i) => proofDag(d, i) as never, { theorems });
}

describe.skipIf(!existsSync(SHARED))("every good shared file imports and validates", () => {
  const files = existsSync(SHARED)
    ? readdirSync(SHARED).filter((f) => f.endsWith(".mm") && !/-bad|broken/.test(f))
    : [];
  for (const f of files.sort()) {
    it(
      f,
      () => {
        const r = readMetamath(join(SHARED, f));
        const db = r.database!;
        if (!db.statements.some((s) => s.kind === "p")) {
          // peano.mm: axioms only; nothing to prove, said clearly.
          expect(() => encodeMetamath(db, (d, i) => proofDag(d, i) as never)).toThrow(/no theorem/);
          return;
        }
        const enc = encodeMetamath(db, (d, i) => proofDag(d, i) as never);
        expect(enc.mode).toBe(f === "miu.mm" ? "string" : "tree");
        const rulesPath = join(scratch, `${f}.bm`);
        // Generated rules check with no warning at all (BM0116 included: the $d and app
        // recursions descend on terms, which the lint recognizes).
        const check = checkRuleFile(rulesPath, { entryText: enc.rulesText });
        expect(check.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
        const built = buildEncoding(rulesPath, enc.rulesText, enc.proof, "", check.ruleSet);
        expect(built.validation.diagnostics).toEqual([]);
        expect(built.validation.valid).toBe(true);
      },
      60_000,
    );
  }
});

/** Transcript text -> Transcript against a rule set, without validating. */
function read(ruleSet: Parameters<typeof parseTranscript>[1], text: string): Transcript {
  const parsed = parseTranscript(new SourceFile("t.bmt", text), ruleSet);
  expect(parsed.diagnostics).toEqual([]);
  return parsed.transcript!;
}

describe("the circuit rejects bad Metamath transcripts on its own (test/metamath/dv.mm)", () => {
  // The rules a verifier derives for dv.mm with th3's `$d x y` removed: the same rules but for
  // th3's dvpair facts (nothing else of the encoding depends on th3's own $d).
  const enc = encodeFile("test/metamath/dv.mm");
  const rulesText = enc.rulesText
    .split("\n")
    .filter((l) => !/^rule dv_3_/.test(l))
    .join("\n");
  const rulesPath = join(scratch, "dv.bm");
  writeFileSync(rulesPath, rulesText);
  const ruleSet = checkRuleFile(rulesPath).ruleSet!;
  const program = lowerRuleSet(ruleSet).program!;
  const good = buildEncoding(join(scratch, "dv-good.bm"), enc.rulesText, proofForTheorem(enc, 2));
  const th3 = buildEncoding(join(scratch, "dv-good.bm"), enc.rulesText, proofForTheorem(enc, 3));
  const lines = (t: string) => t.split("\n");
  const th2Text = good.transcript;
  // th3 without the $d: the prover leaves out every distinct-variable block of context 3 (there
  // is no dvpair fact to stand on), so only th1's rule's own dvs hypothesis can catch it.
  const th3Text = lines(th3.transcript)
    .filter((l) => !/^\s*(dv_3_|dvs_\w+\(3,|dvv_\w+\(3,)/.test(l))
    .join("\n");
  expect(th3Text.split("\n").length).toBeLessThan(th3.transcript.split("\n").length - 2);

  const mutations: Record<string, string> = {
    // The qed block of th2 claims the hypothesis's term (`|- y`) instead of the statement.
    "a changed statement (qed of another term)": th2Text.replace(
      /qed_th2\((\d+);/,
      (_, e) => `qed_th2(${e === "7" ? "8" : "7"};`,
    ),
    // The public goal names another theorem than the one the proof proves.
    "a changed statement (goal of another theorem)": th2Text.replace("goal(2)", "goal(1)"),
    // mp with ph and ps swapped.
    "a wrong substitution": th2Text.replace(
      /mp\(2, (\d+), (\d+);/,
      (_, a, b) => `mp(2, ${b}, ${a};`,
    ),
    "a violated $d": th3Text,
    "a missing hypothesis": lines(th2Text)
      .filter((l) => !/^\s*hyp_th2_1/.test(l))
      .join("\n"),
  };

  const transcripts = [th2Text, ...Object.values(mutations)].map((t) => read(ruleSet, t));
  const shape = shapeFor(program, transcripts);
  const build = join(scratch, "dv-build");
  let compiled: Promise<unknown> | undefined;
  const ready = () =>
    (compiled ??= compileProgram(program, {
      rulesFile: rulesPath,
      outDir: build,
      shape,
    }).then((r) => expect(r.ok).toBe(true)));
  const uniqueSlots = program.rules.reduce(
    (n, r) =>
      n + ((shape.slots[r.name] ?? 0) + (shape.publicSlots[r.name] ?? 0)) * r.uniques.length,
    0,
  );

  /** Lays the transcript out without the validator's verdict and runs the Groth16 circuit. */
  async function circuitAccepts(t: Transcript): Promise<boolean> {
    await ready();
    const inputs = segmentInputs(program, { uniqueSlots }, shape, t, validateTranscript(t), {
      allowInvalid: true,
      main: "groth16",
    });
    const witness = await calculateWitness(join(build, "groth16_js"), "groth16.wasm", inputs).catch(
      (e: unknown) => e,
    );
    if (witness instanceof WitnessError) return false;
    return checkR1cs(readR1cs(join(build, "groth16.r1cs")), witness as bigint[]).ok;
  }

  it("the valid transcript of th2 satisfies the circuit", async () => {
    expect(validateTranscript(transcripts[0]).valid).toBe(true);
    expect(await circuitAccepts(transcripts[0])).toBe(true);
  }, 900_000); // compiles the circuit: seconds on a quiet machine, minutes on a loaded one

  Object.keys(mutations).forEach((name, i) => {
    it(`${name}: the circuit fails, and the validator agrees`, async () => {
      expect(mutations[name]).not.toBe(th2Text);
      const t = transcripts[i + 1];
      expect(t.blockCount).toBeGreaterThan(0);
      expect(validateTranscript(t).valid).toBe(false);
      expect(await circuitAccepts(t)).toBe(false);
    }, 300_000);
  });
});

describe("order: a theorem is usable only in the contexts of later theorems", () => {
  it("th1 applied inside th1's own context breaks `1 < c`", () => {
    const enc = encodeFile("test/metamath/dv.mm");
    const rulesPath = join(scratch, "order.bm");
    const th3 = buildEncoding(rulesPath, enc.rulesText, proofForTheorem(enc, 3));
    // Copy th3's use of th1 and its distinct-variable blocks into context 1, where th1's own
    // $d x y makes the dvpair fact exist: only the order constraint is left to fail.
    const moved = th3.transcript
      .split("\n")
      .filter((l) => /^\s*(th1|dvs_\w+|dvv_\w+)\(3, /.test(l))
      .map((l) => l.replace("(3, ", "(1, "));
    expect(moved.length).toBeGreaterThanOrEqual(3);
    const text = `${th3.transcript.trimEnd()}\n  dv_1_1()\n${moved.join("\n")}\n`;
    const v = validateTranscript(
      read(checkRuleFile(rulesPath, { entryText: enc.rulesText }).ruleSet!, text),
    );
    expect(v.valid).toBe(false);
    expect(v.errors.map((e) => e.code)).toEqual(["BM0301"]);
  });
});

describe("prove and verify with the fold backend", () => {
  const cacheDir = join(scratch, "cache");
  const tiny = join(SHARED, "tiny.mm");
  it.skipIf(!existsSync(tiny))(
    "tiny.mm: proves, verifies, and a changed statement is rejected",
    async () => {
      const proved = await proveMetamath(tiny, { theorem: "thm", cacheDir });
      expect(proved.file.statement.theorems).toEqual([
        { label: "thm", hypotheses: [], conclusion: "true" },
      ]);
      // Compiled for folding only: no Groth16 main, and Groth16 proving says so (BM0604).
      const { buildDir, transcriptPath, built } = proved.prepared;
      const manifestText = readFileSync(join(buildDir, "manifest.json"), "utf8");
      const manifest = parseManifest(manifestText);
      expect(manifest.files).toBeUndefined();
      expect(manifest.fold).toBeDefined();
      const groth16 = await segmentWitness(buildDir, transcriptPath, {
        transcriptText: built.transcript,
      });
      expect("diagnostics" in groth16 && groth16.diagnostics.map((d) => d.code)).toEqual([
        "BM0604",
      ]);
      const noMain = JSON.parse(manifestText);
      delete noMain.fold;
      expect(() => parseManifest(JSON.stringify(noMain))).toThrow(/no compiled main/);
      const text = JSON.stringify(proved.file);
      const ok = await verifyMetamath(tiny, text, { cacheDir });
      expect(ok).toMatchObject({ valid: true });
      expect(ok.statement?.database.digest).toMatch(/^[0-9a-f]{64}$/);

      const changed = JSON.parse(text);
      changed.statement.theorems[0].conclusion = "false";
      expect(await verifyMetamath(tiny, JSON.stringify(changed), { cacheDir })).toMatchObject({
        valid: false,
        reason: expect.stringMatching(/statement is not the database's/),
      });
      const otherDb = JSON.parse(text);
      otherDb.statement.database.digest = "0".repeat(64);
      expect((await verifyMetamath(tiny, JSON.stringify(otherDb), { cacheDir })).valid).toBe(false);
      const otherGoal = JSON.parse(text);
      otherGoal.proof.statement = [{ rule: "goal", shown: ["2"] }];
      expect((await verifyMetamath(tiny, JSON.stringify(otherGoal), { cacheDir })).reason).toMatch(
        /public blocks/,
      );
    },
    600_000,
  );
});

describe.skipIf(!existsSync(SHARED))("verifyMetamath: a bad proof file's reason", () => {
  const tiny = join(SHARED, "tiny.mm");
  const cacheDir = join(scratch, "cache");
  const file = (change: (f: Record<string, any>) => void = () => {}) => {
    const f: Record<string, any> = {
      format: "bmc-metamath-proof",
      version: 1,
      scope: "theorem",
      statement: { theorems: [{ label: "thm" }] },
      proof: {},
    };
    change(f);
    return JSON.stringify(f);
  };
  const reason = async (text: string, path = tiny, encoding?: "tree" | "universal") =>
    (await verifyMetamath(path, text, { cacheDir, encoding })).reason;

  it("names each problem found before any circuit is built, first found first", async () => {
    expect(await reason("{")).toBe("the proof file is not valid JSON");
    // Read before the database: a missing database does not hide a file that is not JSON.
    expect(await reason("{", join(scratch, "none.mm"))).toBe("the proof file is not valid JSON");
    const notOne = "not a bmc Metamath proof file";
    for (const text of ["null", '"x"', "[]", file((f) => (f.format = "bmc-proof"))])
      expect(await reason(text)).toBe(notOne);
    expect(await reason(file((f) => (f.version = 2)))).toBe(notOne);
    expect(await reason(file((f) => (f.scope = "some")))).toBe(notOne);
    expect(await reason(file((f) => (f.statement = null)))).toBe(notOne);
    expect(await reason(file((f) => delete f.statement))).toBe(notOne);
    expect(await reason(file((f) => (f.statement.theorems = {})))).toBe(notOne);
    expect(await reason(file((f) => delete f.proof))).toBe(notOne);
    const weird = file((f) => {
      f.encoding = "weird";
      f.statement.theorems = [];
    });
    expect(await reason(weird)).toBe('unknown encoding "weird"');
    expect(await reason(file(), tiny, "universal")).toBe(
      "the proof uses the default encoding, not universal",
    );
    const one = "a theorem proof names exactly one theorem";
    expect(await reason(file((f) => (f.statement.theorems = [])))).toBe(one);
    expect(await reason(file((f) => f.statement.theorems.push({ label: "thm" })))).toBe(one);
    expect(await reason(file((f) => (f.statement.theorems[0].label = 3)))).toBe(one);
    expect(await reason(file((f) => (f.statement.theorems[0].label = "ax")))).toBe(
      "BM0727: `ax` is a `$a` statement, not a theorem ($p) of the database",
    );
  });
});

describe("why the $d relations are typed by sort", () => {
  // An untyped `dvs` over two sorts, the shape bmc generated before: a name defined both as a
  // set (v_set(5)) and as a wff (wi(X, X)) lets dvs(X, Y) stand on itself, so variable 5 is
  // never checked against Y's variable 2 (only the pair 1, 2 is kept apart). The validator
  // accepts it, and `bmc check` flags the shape (BM0116); generated rules are typed and clean.
  const untyped = `sort wff = wal(set, wff) | wi(wff, wff) | v_wff(field).
sort set = v_set(field).
relation dvpair(a, b).
relation dvs(X, Y).
relation dvv(a, Y).
rule dvs_wal(X, Y; A1, A2): dvs(X, Y) -: X = wal(A1, A2), dvs(A1, Y), dvs(A2, Y).
rule dvs_wi(X, Y; A1, A2): dvs(X, Y) -: X = wi(A1, A2), dvs(A1, Y), dvs(A2, Y).
rule dvs_v_wff(X, Y; a): dvs(X, Y) -: X = v_wff(a), dvv(a, Y).
rule dvs_v_set(X, Y; a): dvs(X, Y) -: X = v_set(a), dvv(a, Y).
rule dvv_v_wff(a, Y; b): dvv(a, Y) -: Y = v_wff(b), dvpair(a, b).
rule pair12(): dvpair(1, 2) -: .
rule goal(X, Y): -: dvs(X, Y).
`;
  const circular = `public:
  goal(10, 13)
private:
  def_v_wff(12, 1)
  def_v_wff(13, 2)
  def_v_set(11, 5)
  def_wal(10, 11, 12; 1, 0, 0)
  def_wi(11, 10, 10; 2, 1, 1)
  pair12()
  dvv_v_wff(1, 13; 2)
  dvs_v_wff(12, 13; 1)
  dvs_wal(10, 13; 11, 12)
  dvs_wi(11, 13; 10, 10)
`;

  it("an untyped dvs admits a circular derivation, and the lint says so", () => {
    const check = checkRuleFile(join(scratch, "untyped.bm"), { entryText: untyped });
    expect(check.diagnostics.map((d) => d.code)).toContain("BM0116");
    const result = validateTranscript(read(check.ruleSet!, circular));
    expect(result.diagnostics).toEqual([]);
    expect(result.valid).toBe(true);
  });
});

describe("bmc import metamath", () => {
  it("writes formatted rules naming the .mm labels and lines, and valid transcripts", async () => {
    const out = join(scratch, "import-dv");
    const r = await runBmc("import", "metamath", "test/metamath/dv.mm", "-o", out, "--json");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.transcripts.map((t: { theorem: string }) => t.theorem)).toEqual([
      "th1",
      "th2",
      "th3",
    ]);
    const rules = readFileSync(join(out, "rules.bm"), "utf8");
    expect(rules).toContain("// ax17 (axiom, dv.mm:18): |- ( ph -> A. x ph )");
    const check = await runBmc("fmt", "--check", join(out, "rules.bm"));
    expect(check.code).toBe(0);
    // The typed $d relations recurse on terms within one sort: no BM0116 (an untyped `dvs`
    // over dv.mm's wff and set could be derived in a circle, and gets it).
    const lint = await runBmc("check", join(out, "rules.bm"));
    expect(lint.code).toBe(0);
    expect(lint.stdout + lint.stderr).toContain("no warnings");
    const v = await runBmc("validate", join(out, "rules.bm"), join(out, "th3.bmt"));
    expect(v.code).toBe(0);
  }, 60_000);

  it("writes into a new or empty folder only: a user's files are never overwritten", async () => {
    const out = join(scratch, "users-folder");
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, "rules.bm"), "my own rules\n");
    const r = await runBmc("import", "metamath", "test/metamath/dv.mm", "-o", out);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error[BM0910]");
    expect(readFileSync(join(out, "rules.bm"), "utf8")).toBe("my own rules\n");
    // prove --metamath -o refuses its own input and files of another kind alike.
    const mine = join(scratch, "notes.txt");
    writeFileSync(mine, "notes\n");
    const p = await runBmc("prove", "--metamath", "test/metamath/dv.mm", "-o", mine);
    expect(p.code).toBe(1);
    expect(p.stderr).toContain("error[BM0910]");
    expect(readFileSync(mine, "utf8")).toBe("notes\n");
  });

  it("a file that is not a Metamath database is a clear error", async () => {
    const bad = join(scratch, "bad.mm");
    writeFileSync(bad, "$c a $.\nx $p a $= ? $.\n$c b b $.\n");
    const r = await runBmc("import", "metamath", bad, "-o", join(scratch, "bad-out"));
    expect(r.code).toBe(1);
    // The reader's own diagnostics, each with its code and position (was one BM0902 around them).
    expect(r.stderr.match(/error\[BM\d{4}\]/g)).toEqual(["error[BM0719]", "error[BM0708]"]);
    expect(r.stderr).toMatch(/bad\.mm:2:11\n/);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
    const json = await runBmc("import", "metamath", bad, "-o", join(scratch, "bad-out"), "--json");
    expect(JSON.parse(json.stdout).diagnostics.map((d: { code: string }) => d.code)).toEqual([
      "BM0719",
      "BM0708",
    ]);
  });
});
