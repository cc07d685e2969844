/**
 * The universal Metamath encoding (src/metamath/encode/universal.ts, docs/metamath.md):
 *   - every good shared file with trees encodes universally, its rules check without a
 *     warning, and its transcript validates; miu.mm (no trees) falls back to strings;
 *   - the circuit rejects on its own (layout without the validator, the fold main's witness,
 *     R1CS check) a changed statement, a wrong substitution, a violated $d, a hypothesis chain
 *     that ends early, a self substitution that is not the identity and a name defined twice;
 *   - small files prove and verify with the fold backend through the CLI, and a proof whose
 *     facts are not the database's is rejected.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkRuleFile } from "../src/check/index.js";
import { SourceFile } from "../src/diagnostics/index.js";
import { lowerRuleSet } from "../src/lower/index.js";
import { proofDag, readMetamath } from "../src/metamath/index.js";
import { encodeMetamath, type MetamathEncoding } from "../src/metamath/encode/index.js";
import { buildMetamath, verifyMetamath } from "../src/cli/metamath.js";
import { parseTranscript } from "../src/transcript/parse.js";
import type { Transcript } from "../src/transcript/model.js";
import { validateTranscript } from "../src/validate/index.js";
import { addLimbs, segmentInputs } from "../src/witness/inputs.js";
import { checkR1cs } from "../src/witness/r1cs.js";
import { runBmc } from "./fixtures.js";
import { compileSegment, shapeFor, type CompiledSegment } from "./differential-harness.js";
import { lenientWitness } from "./support/lenient-witness.js";

/** Any challenges: a valid transcript's claim sums vanish for all of them. */
const CHALLENGES = { a: 123456789n, b: 987654321987654321n };

const DATA = join("..", "..", "shared", "data", "metamath");
const SHARED = existsSync(DATA) ? DATA : "/work/shared/data/metamath";
const scratch = mkdtempSync(join(tmpdir(), "bmc-metamath-universal-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function encodeFile(path: string, theorems?: string[]): MetamathEncoding {
  const r = readMetamath(path);
  expect(r.diagnostics).toEqual([]);
  const dag = (d: Parameters<typeof proofDag>[0], i: number) => proofDag(d, i) as never;
  return encodeMetamath(r.database!, dag, { theorems, mode: "universal" });
}

describe.skipIf(!existsSync(SHARED))("every good shared file encodes universally", () => {
  const files = existsSync(SHARED)
    ? readdirSync(SHARED).filter((f) => f.endsWith(".mm") && !/-bad|broken|peano/.test(f))
    : [];
  for (const f of files.sort()) {
    it(
      f,
      () => {
        const enc = encodeFile(join(SHARED, f));
        // miu.mm has no trees: it falls back to strings, as with the tree encoding.
        expect(enc.mode).toBe(f === "miu.mm" ? "string" : "universal");
        if (!enc.blocks) return;
        const rulesPath = join(scratch, `${f}.bm`);
        // No warning at all: every recursion descends on a depth or on the one sort of names.
        const check = checkRuleFile(rulesPath, { entryText: enc.rulesText });
        expect(check.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
        const built = buildMetamath(rulesPath, enc, "", check.ruleSet);
        expect(built.validation.diagnostics).toEqual([]);
        expect(built.validation.valid).toBe(true);
      },
      30_000,
    );
  }
});

/** Transcript text -> Transcript against a rule set, without validating. */
function read(ruleSet: Parameters<typeof parseTranscript>[1], text: string): Transcript {
  const parsed = parseTranscript(new SourceFile("t.bmt", text), ruleSet);
  expect(parsed.diagnostics).toEqual([]);
  return parsed.transcript!;
}

const lines = (t: string) => t.split("\n");
/** The transcript with the lines `drop` matches removed and `add` appended. */
function edit(text: string, drop: RegExp | undefined, add: string[] = []): string {
  const kept = lines(text).filter((l) => !drop || !drop.test(l));
  return [...kept.filter((l) => l !== ""), ...add.map((l) => `  ${l}`)].join("\n") + "\n";
}

/**
 * test/metamath/self.mm proves th `|- ( ps -> ps )` (context 4, ps is symbol 6) by ax-id. This
 * transcript proves the instance `|- ( ( ps -> ps ) -> ( ps -> ps ) )` instead and closes th
 * with substitution 4 mapping ps to `( ps -> ps )` (name 2): only self_next's `x = leaf(S, a)`
 * stands in the way.
 */
const SELF_ATTACK = `private:
  def_leaf(1, 1, 6)
  def_node2(2, 2, 1, 1, 1, 0, 0)
  def_node1(3, 3, 2, 2, 1)
  def_node2(7, 2, 2, 2, 2, 1, 1)
  def_node1(8, 3, 7, 3, 2)
  wf_leaf(1, 1, 6)
  wf_node_2(2, 1, 2, 1, 1, 1, 1)
  def_sub(4, 6, 2)
  def_sub(5, 5, 2)
  match_leaf(5, 4, 2, 1, 5)
  match_node_2(5, 5, 7, 2, 4, 4, 2, 2)
  match_node_1(5, 6, 8, 3, 5, 7)
  hyps_none(5, 3, 4, 1)
  dvs_none(5, 3, 4)
  step(8, 4, 1, 5, 3, 6, 0, 1, 0, 0)
  self_none(4)
  self_next(4, 1, 0, 6, 1, 2)
  match_leaf(4, 1, 2, 1, 6)
  match_node_2(4, 2, 7, 2, 1, 1, 2, 2)
  match_node_1(4, 3, 8, 3, 2, 7)
  qed(4, 1, 3, 0, 1, 0, 8)
  upto_zero()
  upto_next(1, 0, 4, 1)
`;

describe("the circuit rejects bad universal transcripts on its own", () => {
  // dv.mm's th3 (`|- A. x y` from `|- y`, statement 15) alone: mp, a $d through th1, a hypothesis.
  const dv = encodeFile("test/metamath/dv.mm", ["th3"]);
  const self = encodeFile("test/metamath/self.mm");
  // Both databases have constructors of up to two arguments: one rule set, one circuit.
  expect(self.rulesText).toBe(dv.rulesText);
  const rulesPath = join(scratch, "universal.bm");
  const good = buildMetamath(rulesPath, dv);
  const selfGood = buildMetamath(rulesPath, self);
  const ruleSet = good.ruleSet;
  const program = lowerRuleSet(ruleSet).program!;
  const text = good.transcript;
  const publicPart = (t: string) => t.slice(0, t.indexOf("private:"));
  const th = 15;
  // mp in th3's proof: the step of context th with two hypotheses.
  const mpStep = lines(text).find((l) =>
    new RegExp(`^\\s*step\\(\\d+, ${th}, \\d+, \\d+, \\d+, \\d+, 2,`).test(l),
  )!;
  const [E, , k, s, A] = mpStep.match(/\d+/g)!.map(Number);
  const qedLine = lines(text).find((l) => l.trim().startsWith(`qed(${th},`))!;
  const ehypLine = lines(text).find(
    (l) => l.trim().startsWith("ehyp(") && l.includes(`, ${th}, 0,`),
  )!;
  const hypTerm = Number(ehypLine.match(/\d+/g)![0]);
  const leafDef = lines(text).find((l) => l.trim().startsWith("def_leaf("))!;
  const defSub = lines(text).find((l) => l.trim().startsWith(`def_sub(${s},`))!;
  const [, a, x] = defSub.match(/\d+/g)!.map(Number);
  const otherTerm = Number(leafDef.match(/\d+/g)![0]) === x ? E : Number(leafDef.match(/\d+/g)![0]);

  const mutations: Record<string, string> = {
    // qed of th3 names the hypothesis's term (proved in context th at depth 0) instead of
    // th3's statement: match(c, t, E) fails.
    "a changed statement": edit(text, new RegExp(`^\\s*qed\\(${th},`), [
      qedLine
        .trim()
        .replace(/, \d+\)$/, `, ${hypTerm})`)
        .replace(/^qed\((\d+), \d+,/, "qed($1, 0,"),
    ]),
    // Variable a of substitution s mapped to a second term: two occurrences of a could match
    // different terms. subkey(s, a) is unique.
    "a wrong substitution": edit(text, undefined, [`def_sub(${s}, ${a}, ${otherTerm})`]),
    // The verifier's facts for a database without th3's $d x y: no dvpair fact of context th3.
    "a violated $d": edit(text, new RegExp(`^\\s*f_dvpair\\(${th},`)),
    // mp's hypothesis chain ends at once: hyps_none at the step's own depth.
    "a missing hypothesis": edit(
      text,
      new RegExp(`^\\s*(hyps_next|hyps_none)\\(${s}, ${A}, ${th},`),
      [`hyps_none(${s}, ${A}, ${th}, ${k})`],
    ),
    "a self substitution that is not the identity": publicPart(selfGood.transcript) + SELF_ATTACK,
    // A name defined a second time, as another variable's leaf.
    "a name defined twice": edit(text, undefined, [
      leafDef.trim().replace(/, (\d+)\)$/, (_, v) => `, ${Number(v) === 1 ? 2 : 1})`),
    ]),
  };
  const goods = [text, selfGood.transcript];
  const transcripts = [...goods, ...Object.values(mutations)].map((t) => read(ruleSet, t));
  const shape = shapeFor(program, transcripts);
  let compiled: Promise<CompiledSegment> | undefined;
  const ready = () =>
    (compiled ??= compileSegment(program, shape, join(scratch, "universal-build")).then((c) => {
      if ("error" in c) throw new Error(c.error);
      return c;
    }));

  /**
   * Lays the transcript out without the validator's verdict and runs the fold main (one
   * segment: its R1CS holds with the claim sums A and B zero).
   */
  async function circuitAccepts(t: Transcript): Promise<boolean> {
    const c = await ready();
    const inputs = segmentInputs(program, c.emitted, c.shape, t, validateTranscript(t), {
      allowInvalid: true,
      main: "fold",
    });
    addLimbs(program, c.shape, inputs, 0n);
    const w = await lenientWitness(c.fold, { ...inputs, ...CHALLENGES, u_in: 0n });
    return checkR1cs(c.fold.r1cs, w).ok && w[1] === 0n && w[2] === 0n;
  }

  it("the valid transcripts satisfy the circuit", async () => {
    for (const t of transcripts.slice(0, goods.length)) {
      expect(validateTranscript(t).valid).toBe(true);
      expect(await circuitAccepts(t)).toBe(true);
    }
  }, 600_000); // compiles the fold main: seconds on a quiet machine, a minute on a loaded one

  Object.keys(mutations).forEach((name, i) => {
    it(`${name}: the circuit fails, and the validator agrees`, async () => {
      const t = transcripts[goods.length + i];
      expect(t.blockCount).toBeGreaterThan(0);
      expect(validateTranscript(t).valid).toBe(false);
      expect(await circuitAccepts(t)).toBe(false);
    }, 300_000);
  });
});

describe.skipIf(!existsSync(SHARED))("prove and verify with the fold backend", () => {
  const cacheDir = join(scratch, "cache");
  for (const f of ["demo0.mm", "hol_ax13.mm", "simple.mm"]) {
    it(
      f,
      async () => {
        const out = join(scratch, `${f}.json`);
        const db = join(SHARED, f);
        const env = process.env.BMC_CACHE;
        process.env.BMC_CACHE = cacheDir;
        try {
          const p = await runBmc(
            "prove",
            "--metamath",
            db,
            "--encoding",
            "universal",
            "-o",
            out,
            "--json",
          );
          expect(p.stderr).toBe("");
          expect(p.code).toBe(0);
          expect(JSON.parse(p.stdout).mode).toBe("universal");
          const v = await runBmc("verify", "--metamath", db, out, "--json");
          expect(JSON.parse(v.stdout)).toMatchObject({ valid: true });
          // A fact that is not the database's: the verifier's own facts differ.
          const proof = JSON.parse(readFileSync(out, "utf8"));
          expect(proof.encoding).toBe("universal");
          const facts = proof.proof.statement as { rule: string; shown: string[] }[];
          const at = facts.findIndex((b) => b.rule === "f_assertion");
          facts[at] = { ...facts[at], shown: facts[at].shown.map((x, j) => (j === 2 ? "9" : x)) };
          const changed = await verifyMetamath(db, JSON.stringify(proof), { cacheDir });
          expect(changed).toMatchObject({
            valid: false,
            reason: expect.stringMatching(/public blocks/),
          });
          // Asking for another encoding than the proof's is refused.
          const other = await runBmc(
            "verify",
            "--metamath",
            db,
            "--encoding",
            "tree",
            out,
            "--json",
          );
          expect(JSON.parse(other.stdout)).toMatchObject({ valid: false });
        } finally {
          if (env === undefined) delete process.env.BMC_CACHE;
          else process.env.BMC_CACHE = env;
        }
      },
      600_000,
    );
  }
});

describe("bmc import metamath --encoding universal", () => {
  it("writes the formatted universal rules and one transcript for every theorem", async () => {
    const out = join(scratch, "import-dv");
    const r = await runBmc(
      "import",
      "metamath",
      "test/metamath/dv.mm",
      "--encoding",
      "universal",
      "-o",
      out,
      "--json",
    );
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json).toMatchObject({ valid: true, mode: "universal" });
    expect(json.transcripts.map((t: { path: string }) => t.path)).toEqual([join(out, "all.bmt")]);
    const rules = readFileSync(join(out, "rules.bm"), "utf8");
    expect(rules).toMatch(/^rule step\(E, c, k; s, A, t, nh, nv, nd, k0\):/m);
    expect(checkRuleFile(join(out, "rules.bm")).diagnostics).toEqual([]);
  });

  it("refuses an unknown encoding as a usage error", async () => {
    const r = await runBmc(
      "import",
      "metamath",
      "test/metamath/dv.mm",
      "--encoding",
      "lists",
      "-o",
      join(scratch, "x"),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/BM0922/);
    expect(r.stderr).toMatch(/--encoding takes tree, string or universal/);
  });
});
