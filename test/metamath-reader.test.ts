/**
 * The Metamath reader and proof checker (src/metamath): the shared databases (good ones verify,
 * bad ones fail at the step metamath-exe names), every diagnostic code on a small inline
 * database with its span marked under the source line, includes, proof DAGs, and nf.mm from
 * Debian's metamath-databases when it is installed.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
  codes,
  expressionText,
  proofDag,
  readMetamath,
  verifyMetamath,
  type MetamathDatabase,
  type MetamathDiagnostic,
  type ProofDag,
} from "../src/index.js";
import { actualIn, expectationsOf, sortExpectations } from "./annotations.js";

/**
 * ../shared/data/metamath beside the repository. In a git worktree the repository is the main
 * checkout, found through git's common directory.
 */
function sharedData(): string {
  if (process.env.BMC_METAMATH_DATA) return process.env.BMC_METAMATH_DATA;
  let root = process.cwd();
  try {
    const common = execFileSync(
      "git",
      ["rev-parse", "--path-format=absolute", "--git-common-dir"],
      {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
      },
    ).trim();
    root = dirname(common);
  } catch {
    // Not a git checkout: the current folder is the repository.
  }
  return resolve(root, "..", "shared", "data", "metamath");
}

const dataDir = sharedData();
const missingData = `shared Metamath data not found at ${dataDir} (set BMC_METAMATH_DATA)`;

function dataFiles(): string[] {
  if (!existsSync(dataDir)) throw new Error(missingData);
  return readdirSync(dataDir).filter((f) => f.endsWith(".mm"));
}

const isBad = (f: string) => /-bad\d*\.mm$/.test(f) || f === "simple-broken.mm";

/** Read and verify; the database only when both succeed. */
function check(path: string, options: Parameters<typeof readMetamath>[1] = {}) {
  const read = readMetamath(path, options);
  if (!read.database) return { diagnostics: read.diagnostics };
  const verify = verifyMetamath(read.database);
  return { database: read.database, verified: verify.verified, diagnostics: verify.diagnostics };
}

/** A database held in memory under a virtual path (and optional neighbours for includes). */
function virtual(text: string, others: Record<string, string> = {}) {
  const folder = resolve("test", "metamath-virtual");
  const files = new Map<string, string>([[join(folder, "main.mm"), text]]);
  for (const [name, body] of Object.entries(others)) files.set(join(folder, name), body);
  const readFile = (p: string) => {
    const t = files.get(p);
    return t === undefined ? undefined : Buffer.from(t, "latin1");
  };
  return { path: join(folder, "main.mm"), readFile };
}

describe("shared databases", () => {
  const files = dataFiles();

  it("has good and bad files", () => {
    expect(files.filter(isBad).length).toBeGreaterThanOrEqual(5);
    expect(files.filter((f) => !isBad(f)).length).toBeGreaterThanOrEqual(10);
  });

  for (const file of files.filter((f) => !isBad(f))) {
    it(`${file} reads and every proof verifies`, () => {
      const r = check(join(dataDir, file));
      expect(r.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
      const theorems = r.database!.statements.filter((s) => s.kind === "p").length;
      expect(r.verified).toBe(theorems);
    });
  }

  // The step numbers are metamath-exe's (its "proof step N"); a compressed proof's steps are
  // its decoded numbers, `Z` markers not counted.
  const bad: Record<
    string,
    { code: string; theorem: string; step: number; label: string; line: number }
  > = {
    "anatomy-bad1.mm": { code: "BM0724", theorem: "wnew", step: 5, label: "ws", line: 43 },
    "anatomy-bad2.mm": { code: "BM0724", theorem: "wnew", step: 4, label: "w2", line: 43 },
    "demo0-bad1.mm": { code: "BM0721", theorem: "th1", step: 34, label: "mp", line: 64 },
    "big-unifier-bad1.mm": {
      code: "BM0721",
      theorem: "theorem1",
      step: 82,
      label: "ax-mp",
      line: 82,
    },
    "simple-broken.mm": { code: "BM0724", theorem: "th1", step: 33, label: "mp", line: 36 },
  };

  it("names every bad file in the table below", () => {
    expect(files.filter(isBad).sort()).toEqual(Object.keys(bad).sort());
  });

  for (const [file, want] of Object.entries(bad)) {
    it(`${file} is rejected at ${want.theorem} step ${want.step} (${want.label})`, () => {
      const { diagnostics } = check(join(dataDir, file));
      expect(diagnostics).toHaveLength(1);
      const d = diagnostics[0];
      expect({ code: d.code, theorem: d.theorem, step: d.step, label: d.stepLabel }).toEqual({
        code: want.code,
        theorem: want.theorem,
        step: want.step,
        label: want.label,
      });
      const where = d.span!.file.position(d.span!.start);
      expect(d.span!.file.path).toBe(join(dataDir, file));
      expect(where.line).toBe(want.line);
      expect(d.found).toBeTruthy();
      expect(d.expected).toBeTruthy();
    });
  }

  it("demo0-bad1.mm shows the expected and the found expression", () => {
    const d = check(join(dataDir, "demo0-bad1.mm")).diagnostics[0];
    expect(d.expected).toBe("|- t = ( 0 + t )");
    expect(d.found).toBe("|- ( t + 0 ) = t");
    // The span is the label `mp` of step 34, the last token of the proof.
    const text = d.span!.file.text.slice(d.span!.start, d.span!.end);
    expect(text).toBe("mp");
    const at = d.span!.file.position(d.span!.start);
    const line = d.span!.file.lineText(at.line);
    expect(line.trim()).toBe("tt tze tpl tt tt a1 mp mp");
    expect(at.column).toBe(line.lastIndexOf("mp") + 1);
  });

  it("big-unifier-bad1.mm points at the letters of step 82 of its compressed proof", () => {
    const d = check(join(dataDir, "big-unifier-bad1.mm")).diagnostics[0];
    expect(d.span!.file.text.slice(d.span!.start, d.span!.end)).toMatch(/^[U-Y]*[A-T]$/);
  });
});

/**
 * Inline databases: each source line is followed by annotation lines (`//` then carets under the
 * span, then the code), as in test/diagnostics. Annotation lines are blanked before reading, so
 * lines and columns stay where they are written. Source lines are indented so that a span in
 * column 1 or 2 can be marked.
 */
const cases: [string, string][] = [
  [
    "illegal character",
    `   $c wff \u0007 $.
//        ^ BM0701`,
  ],
  [
    "non-ASCII inside a comment",
    `   $( caf\u00e9 $)
//       ^ BM0701`,
  ],
  [
    "nested comment",
    `   $( one $( two $)
//        ^^ BM0702`,
  ],
  [
    "comment glued to a word",
    `   $( one a$)b $)
//        ^^^^ BM0702`,
  ],
  [
    "comment never closed",
    `   $c wff $. $( forever
//           ^^ BM0702`,
  ],
  [
    "dollar inside a token",
    `   $c wff a$b $.
//        ^^^ BM0703`,
  ],
  [
    "stray keyword",
    `   $c wff $. $.
//           ^^ BM0703`,
  ],
  [
    "empty $c",
    `   $c $.
//    ^^ BM0703`,
  ],
  [
    "statement runs into the next keyword",
    `   $c wff $v p $.
//        ^^ BM0704`,
  ],
  [
    "file ends inside a statement",
    `   $c wff
// ^^ BM0704`,
  ],
  [
    "$f without a label",
    `   $c wff $. $v p $. $f wff p $.
//                   ^^ BM0705`,
  ],
  [
    "label before $c",
    `   $c wff $. x $v p $.
//             ^^ BM0705`,
  ],
  [
    "label with an illegal character",
    `   $c wff $. $v p $. w@p $f wff p $.
//                   ^^^ BM0706`,
  ],
  [
    "label used twice",
    `   $c wff $. $v p q $. wp $f wff p $. wp $f wff q $.
//                                    ^^ BM0707`,
  ],
  [
    "label equal to a math symbol",
    `   $c wff $. $v p $. p $f wff p $.
//                   ^ BM0707`,
  ],
  [
    "constant declared twice",
    `   $c wff wff $.
//        ^^^ BM0708`,
  ],
  [
    "variable declared while active",
    `   $c wff $. $v p $. \${ $v p $. $}
//                         ^ BM0708`,
  ],
  [
    "constant that was a variable",
    `   $c wff $. \${ $v p $. $} $c p $.
//                            ^ BM0708`,
  ],
  [
    "undeclared symbol",
    `   $c wff $. ax $a wff p $.
//                     ^ BM0709`,
  ],
  [
    "variable out of scope",
    `   $c wff $. \${ $v p $. $} wp $f wff p $.
//                                   ^ BM0709`,
  ],
  [
    "$c inside a block",
    `   \${ $c wff $. $}
//    ^^ BM0710`,
  ],
  [
    "$f typecode is a variable",
    `   $c wff $. $v p q $. wp $f q p $.
//                           ^ BM0711`,
  ],
  [
    "$f of a constant",
    `   $c wff $. wp $f wff wff $.
//                     ^^^ BM0711`,
  ],
  [
    "$f with three symbols",
    `   $c wff $. $v p $. wp $f wff p p $.
//                               ^ BM0711`,
  ],
  [
    "two active $f for a variable an assertion uses",
    `   $c wff $. $v p $. wp $f wff p $. wp2 $f wff p $. ax $a wff p $.
//                                  ^^^ BM0712`,
  ],
  [
    "variable without $f",
    `   $c wff $. $v p $. ax $a wff p $.
//                   ^^ BM0713`,
  ],
  [
    "variable of a $e without $f",
    `   $c wff |- $. $v p q $. wp $f wff p $. e1 $e |- q $. ax $a |- p $.
//                                       ^^ BM0713`,
  ],
  [
    "$d with one variable",
    `   $c wff $. $v p $. $d p $.
//                        ^^ BM0714`,
  ],
  [
    "$d with a repeated variable",
    `   $c wff $. $v p $. $d p p $.
//                        ^ BM0714`,
  ],
  [
    "$d of a constant",
    `   $c wff $. $v p $. $d p wff $.
//                        ^^^ BM0714`,
  ],
  [
    "$a starting with a variable",
    `   $c wff $. $v p $. wp $f wff p $. ax $a p $.
//                                        ^ BM0715`,
  ],
  [
    "$} without ${",
    `   $c wff $. $}
//           ^^ BM0716`,
  ],
  [
    "${ never closed",
    `   $c wff $. \${
//           ^^ BM0716`,
  ],
  [
    "missing include",
    `   $[ no-such-file.mm $]
//    ^^^^^^^^^^^^^^^ BM0717`,
  ],
  [
    "include inside a block",
    `   \${ $[ other.mm $] $}
//    ^^ BM0710`,
  ],
  [
    "compressed: label list not closed",
    `   $c wff $. $v p $. wp $f wff p $. th $p wff p $= ( wp A $.
//                                                   ^^ BM0718`,
  ],
  [
    "compressed: mandatory hypothesis in the list",
    `   $c wff $. $v p $. wp $f wff p $. th $p wff p $= ( wp ) A $.
//                                                   ^^ BM0718`,
  ],
  [
    "compressed: bad letter",
    `   $c wff $. $v p $. wp $f wff p $. th $p wff p $= ( ) Aa $.
//                                                      ^ BM0718`,
  ],
  [
    "compressed: number beyond the table",
    `   $c wff $. $v p $. wp $f wff p $. th $p wff p $= ( ) B $.
//                                                     ^ BM0718`,
  ],
  [
    "compressed: Z after a hypothesis",
    `   $c wff $. $v p $. wp $f wff p $. th $p wff p $= ( ) AZ $.
//                                                      ^ BM0718`,
  ],
  [
    "compressed: Z first",
    `   $c wff $. $v p $. wp $f wff p $. th $p wff p $= ( ) ZA $.
//                                                     ^ BM0718`,
  ],
  [
    "compressed: unfinished number",
    `   $c wff $. $v p $. wp $f wff p $. th $p wff p $= ( ) AU $.
//                                                        ^^ BM0718`,
  ],
  [
    "normal proof with ?",
    `   $c wff $. $v p $. wp $f wff p $. th $p wff p $= ? $.
//                                                 ^ BM0719`,
  ],
  [
    "compressed proof with ?",
    `   $c wff $. $v p $. wp $f wff p $. th $p wff p $= ( ) ? $.
//                                                     ^ BM0719`,
  ],
  [
    "theorem used in its own proof",
    `   $c wff $. $v p $. wp $f wff p $. th $p wff p $= th $.
//                                                 ^^ BM0720`,
  ],
  [
    "unknown label in a proof",
    `   $c wff $. $v p $. wp $f wff p $. th $p wff p $= nothing $.
//                                                 ^^^^^^^ BM0720`,
  ],
  [
    "later label in a proof",
    `   $c wff $. $v p $. wp $f wff p $. th $p wff p $= ax $. ax $a wff p $.
//                                                 ^^ BM0720`,
  ],
  [
    "hypothesis out of scope",
    `   $c wff |- $. $v p $. wp $f wff p $. \${ h $e |- p $. $} th $p |- p $= h $.
//                                                                      ^ BM0720`,
  ],
  [
    "inactive hypothesis in a compressed label list",
    `   $c wff |- $. $v p $. wp $f wff p $. \${ h $e |- p $. $} th $p |- p $= ( h ) B $.
//                                                                        ^ BM0720`,
  ],
  [
    "$e not matched",
    `   $c wff |- $. $v p $. wp $f wff p $. \${ h $e |- p $. ax $a |- p $. $} th $p |- p $= wp wp ax $.
//                                                                                          ^^ BM0721`,
  ],
  [
    "$f of another typecode",
    `   $c wff set |- $. $v p x $. wp $f wff p $. vx $f set x $. ax $a |- p $. th $p |- x $= vx ax $.
//                                                                                         ^^ BM0721`,
  ],
  [
    "stack underflow",
    `   $c wff |- $. $v p $. wp $f wff p $. ax $a |- p $. th $p |- p $= ax $.
//                                                                 ^^ BM0722`,
  ],
  [
    "$d violated: same variable",
    `   $c wff |- $. $v p q $. wp $f wff p $. wq $f wff q $. \${ $d p q $. ax $a |- p q $. $} th $p |- p p $= wp wp ax $.
//                                                                                                            ^^ BM0723`,
  ],
  [
    "$d violated: no $d in the theorem's scope",
    `   $c wff |- $. $v p q $. wp $f wff p $. wq $f wff q $. \${ $d p q $. ax $a |- p q $. $} th $p |- p q $= wp wq ax $.
//                                                                                                            ^^ BM0723`,
  ],
  [
    "two expressions left",
    `   $c wff $. $v p $. wp $f wff p $. th $p wff p $= wp wp $.
//                                                    ^^ BM0724`,
  ],
  [
    "proves something else",
    `   $c wff |- $. $v p $. wp $f wff p $. th $p |- p $= wp $.
//                                                   ^^ BM0725`,
  ],
  [
    "$p without a proof",
    `   $c wff $. $v p $. wp $f wff p $. th $p wff p $.
//                                              ^^ BM0726`,
  ],
  [
    "empty proof",
    `   $c wff $. $v p $. wp $f wff p $. th $p wff p $= $.
//                                                 ^^ BM0726`,
  ],
  [
    "$= after an $a",
    `   $c wff $. $v p $. wp $f wff p $. ax $a wff p $= wp $.
//                                              ^^ BM0726`,
  ],
];

describe("diagnostics on inline databases", () => {
  const covered = new Set<string>();
  for (const [name, annotated] of cases) {
    it(name, () => {
      const source = annotated
        .split("\n")
        .map((l) => (/^\s*\/\//.test(l) ? "" : l))
        .join("\n");
      const { path, readFile } = virtual(source);
      const { diagnostics } = check(path, { readFile });
      const expected = sortExpectations(expectationsOf(annotated));
      const actual = sortExpectations(actualIn(path, diagnostics));
      expect(actual).toEqual(expected);
      for (const e of expected) covered.add(e.code);
    });
  }

  it("every BM07xx code has a case", () => {
    // The encoding's refusals (BM0727-BM0729) come after reading and verifying:
    // test/metamath-encode-errors.test.ts has their cases.
    const encoding = new Set(["BM0727", "BM0728", "BM0729"]);
    const metamathCodes = Object.keys(codes).filter(
      (c) => c.startsWith("BM07") && !encoding.has(c),
    );
    expect(metamathCodes.filter((c) => !covered.has(c))).toEqual([]);
  });

  it("a verification failure names the theorem, the step, its label, expected and found", () => {
    const source =
      "$c wff |- $. $v p $. wp $f wff p $. ${ h $e |- p $. ax $a |- p $. $}\nth $p |- p $= wp wp ax $.";
    const { path, readFile } = virtual(source);
    const d = check(path, { readFile }).diagnostics[0] as MetamathDiagnostic;
    expect(d).toMatchObject({
      code: "BM0721",
      theorem: "th",
      step: 3,
      stepLabel: "ax",
      expected: "|- p",
      found: "wff p",
    });
    expect(d.message).toContain("th, step 3 (ax)");
  });

  it("a missing main file is BM0901", () => {
    const r = readMetamath(join(dataDir, "no-such-file.mm"));
    expect(r.diagnostics.map((d) => d.code)).toEqual(["BM0901"]);
  });

  it("what metamath-exe accepts at read time is accepted: unused duplicate $f, unused untyped $e", () => {
    for (const source of [
      "$c wff $. $v p q $. wp $f wff p $. wp2 $f wff p $. wq $f wff q $. ax $a wff q $.",
      "$c wff |- $. $v p q $. wp $f wff p $. ${ e1 $e |- q $. $} ax $a |- p $.",
      "$c wff $. ${ $v p $. $} $v p $. wp $f wff p $.",
    ]) {
      const { path, readFile } = virtual(source);
      expect(check(path, { readFile }).diagnostics).toEqual([]);
    }
  });

  it("a hypothesis mismatch is found even when the assertion has no variables (metamath-exe 0.195 misses it)", () => {
    const source =
      "$c |- a b c $. x $a |- a $. y $a |- b $. ${ h1 $e |- a $. h2 $e |- b $. z $a |- c $. $}\nth $p |- c $= y x z $.";
    const { path, readFile } = virtual(source);
    const d = check(path, { readFile }).diagnostics;
    expect(d.map((x) => [x.code, x.step, x.stepLabel])).toEqual([["BM0721", 3, "z"]]);
  });
});

describe("includes", () => {
  const base = "$c wff |- $. $v p $. wp $f wff p $.\n";
  it("are read relative to the including file, once", () => {
    const { path, readFile } = virtual(
      "$[ lib/base.mm $]\n$[ lib/base.mm $]\nth $p wff p $= wp $.",
      {
        "lib/base.mm": base + "$[ more.mm $]\n",
        "lib/more.mm": "ax $a |- p $.\n",
      },
    );
    const r = check(path, { readFile });
    expect(r.diagnostics).toEqual([]);
    expect(r.database!.files.map((f) => f.split("/").slice(-2).join("/"))).toEqual([
      "metamath-virtual/main.mm",
      "lib/base.mm",
      "lib/more.mm",
    ]);
  });

  it("errors in an included file name that file", () => {
    const { path, readFile } = virtual("$[ lib.mm $]\n", { "lib.mm": "$c wff $.\n  $c wff $.\n" });
    const d = check(path, { readFile }).diagnostics[0];
    expect(d.code).toBe("BM0708");
    expect(d.span!.file.path.endsWith("lib.mm")).toBe(true);
    expect(d.span!.file.position(d.span!.start)).toEqual({ line: 2, column: 6 });
  });
});

describe("proof DAGs", () => {
  const read = (file: string) => readMetamath(join(dataDir, file)).database!;
  const dagOf = (db: MetamathDatabase, label: string) => {
    const dag = proofDag(db, label);
    if (!("nodes" in dag)) throw new Error(dag.message);
    return dag as ProofDag;
  };

  it("demo0 th1: premises come first, the root proves the statement, substitutions rebuild it", () => {
    const db = read("demo0.mm");
    const dag = dagOf(db, "th1");
    const theorem = db.statements[dag.theorem];
    expect(dag.nodes[dag.root].expression).toEqual(theorem.expression);
    expect(dag.steps).toBe(34);
    expect(dag.nodes.length).toBeLessThan(dag.steps);
    dag.nodes.forEach((node, id) => {
      for (const p of node.premises) expect(p).toBeLessThan(id);
      const s = db.statements[node.statement];
      if (s.kind === "f" || s.kind === "e") {
        expect(node.expression).toEqual(s.expression);
        return;
      }
      // Substituting into the assertion gives the node's expression, and each premise is the
      // substituted hypothesis.
      const sub = new Map(s.frame.variables.map((v, i) => [v, node.substitution[i]]));
      const apply = (e: readonly number[]) => e.flatMap((x) => sub.get(x) ?? [x]);
      expect(node.expression).toEqual(apply(s.expression));
      s.frame.hypotheses.forEach((h, i) =>
        expect(dag.nodes[node.premises[i]].expression).toEqual(apply(db.statements[h].expression)),
      );
    });
    expect(expressionText(db, dag.nodes[dag.root].expression)).toBe("|- t = t");
    // Every step maps to a node made by that step or an earlier one; the last to the root.
    expect(dag.stepNodes).toHaveLength(dag.steps);
    dag.stepNodes.forEach((n, i) => expect(dag.nodes[n].step).toBeLessThanOrEqual(i + 1));
    expect(dag.stepNodes.at(-1)).toBe(dag.root);
  });

  it("a compressed proof and its normal twin give the same DAG", () => {
    for (const [normal, compressed, label] of [
      ["simple.mm", "simple-compressed.mm", "th1"],
      ["impreflex.mm", "impreflex-compressed.mm", "imp-reflexivity"],
    ]) {
      const a = read(normal);
      const b = read(compressed);
      const label2 = a.statements.find((s) => s.kind === "p")!.label;
      expect(label2 === label || label === "imp-reflexivity").toBe(true);
      const shape = (db: MetamathDatabase, dag: ProofDag) =>
        dag.nodes.map((n) => [n.label, n.premises, expressionText(db, n.expression)]);
      expect(shape(b, dagOf(b, label2))).toEqual(shape(a, dagOf(a, label2)));
    }
  });

  it("Z back-references are one node; without sharing, repeated subproofs stay apart", () => {
    const db = read("big-unifier.mm");
    const label = db.statements.find((s) => s.kind === "p")!.label;
    const shared = dagOf(db, label);
    const unshared = proofDag(db, label, { share: false }) as ProofDag;
    expect(shared.nodes.length).toBeLessThan(unshared.nodes.length);
    expect(unshared.nodes.length).toBeLessThanOrEqual(unshared.steps);
    expect(shared.nodes[shared.root].expression).toEqual(unshared.nodes[unshared.root].expression);
  });

  it("a failing proof gives its diagnostic instead of a DAG", () => {
    const db = read("demo0-bad1.mm");
    const r = proofDag(db, "th1");
    expect("code" in r && r.code).toBe("BM0721");
  });
});

const databases = "/usr/share/metamath/databases";
const nf = join(databases, "nf.mm");
describe("metamath-databases (Debian)", () => {
  if (!existsSync(nf))
    console.warn(`skipping nf.mm: ${nf} not installed (apt-get install metamath-databases)`);
  it.skipIf(!existsSync(nf))("nf.mm reads and all its proofs verify", () => {
    const r = check(nf);
    expect(r.diagnostics.map((d) => d.message)).toEqual([]);
    expect(r.verified).toBeGreaterThan(6000);
  });
});
