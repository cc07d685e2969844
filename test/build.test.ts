import { describe, expect, it } from "vitest";
import {
  buildBlocks,
  buildFile,
  checkRuleFile,
  parseProofFile,
  parseTerm,
  printRuleSet,
  transcriptText,
  type ProofFile,
  type ProofStep,
  type RuleSet,
} from "../src/index.js";

const HILBERT = `
sort term = impl(term, term) | neg(term) | mvar(field).
relation proved(T, k).
rule mp(A, B; k, k1, k2): proved(B, k) -: proved(impl(A, B), k1), proved(A, k2), k1 < k, k2 < k.
rule ax1(T; A, B): proved(T, 0) -: T = impl(A, impl(B, A)).
rule ax2(A, B, C): proved(impl(impl(A, impl(B, C)), impl(impl(A, B), impl(A, C))), 0) -: .
rule ax3(A, B): proved(impl(impl(neg(A), neg(B)), impl(B, A)), 0) -: .
rule demand(T): -: proved(T, _).
`;

function hilbert(): RuleSet {
  const r = checkRuleFile("hilbert.bm", { entryText: HILBERT });
  expect(r.diagnostics).toEqual([]);
  return r.ruleSet!;
}

const A_IMPLIES_A: ProofFile = {
  let: { p: "mvar(1)" },
  public: [{ rule: "demand", args: { T: "impl(p, p)" } }],
  proofs: [
    {
      rule: "mp",
      premises: [
        {
          rule: "mp",
          premises: [
            { rule: "ax2", args: { A: "p", B: "impl(p, p)", C: "p" } },
            { rule: "ax1", args: { A: "p", B: "impl(p, p)" } },
          ],
        },
        { rule: "ax1", args: { A: "p", B: "p" } },
      ],
    },
  ],
};

describe("sorts and nested terms", () => {
  it("expand into relations, term-defining rules and constructor hypotheses", () => {
    const text = printRuleSet(hilbert());
    expect(text).toContain("unique relation term(T). // tag 1");
    expect(text).toContain("relation term(T, k). // tag 2");
    expect(text).toContain(
      "rule def_impl(T, a1, a2; k, k1, k2):\n  impl(T, a1, a2), unique term(T), term(T, k) -: term(a1, k1), term(a2, k2), k1 < k, k2 < k.",
    );
    expect(text).toContain("rule def_mvar(T, a1):\n  mvar(T, a1), unique term(T), term(T, 0) -: .");
    // T = impl(A, impl(B, A)): the inner term gets a fresh hidden variable.
    expect(text).toContain(
      "rule ax1(T; A, B, _impl1):\n  proved(T, 0) -: impl(_impl1, B, A), impl(T, A, _impl1).",
    );
    // Equal subterms share one variable: impl(A, B) and impl(A, C) are distinct, A -> ... twice shared.
    expect(text).toContain(
      "rule ax2(A, B, C; _impl1, _impl2, _impl3, _impl4, _impl5, _impl6):\n  proved(_impl6, 0) -: impl(_impl1, B, C), impl(_impl2, A, _impl1), impl(_impl3, A, B), impl(_impl4, A, C), impl(_impl5, _impl3, _impl4), impl(_impl6, _impl2, _impl5).",
    );
  });

  it("prints an expansion that checks to the same rules", () => {
    const expanded = printRuleSet(hilbert());
    const again = checkRuleFile("expanded.bm", { entryText: expanded });
    expect(again.diagnostics).toEqual([]);
    expect(printRuleSet(again.ruleSet!)).toBe(expanded);
  });

  it("reads a term on either side of `=`, also first in a body", () => {
    const rules = (body: string) =>
      checkRuleFile("x.bm", {
        entryText: `sort t = f(t, t) | a.\nrelation p(x).\nrelation q(x).\nrule r(T; A): p(T) -: ${body}.`,
      });
    const left = rules("f(A, A) = T, q(A)");
    expect(left.diagnostics).toEqual([]);
    const right = rules("q(A), T = f(A, A)");
    expect(printRuleSet(left.ruleSet!)).toBe(printRuleSet(right.ruleSet!));
    // A claim is still a claim: nothing follows its parenthesis.
    expect(rules("f(A, A)").diagnostics.map((d) => d.code)).toEqual(["BM0102"]);
  });

  it("shares a subterm written twice", () => {
    const r = checkRuleFile("x.bm", {
      entryText:
        "sort t = f(t, t) | a.\nrelation p(x).\nrule r(T): p(T) -: T = f(f(a(), a()), f(a(), a())).",
    });
    expect(r.diagnostics).toEqual([]);
    expect(printRuleSet(r.ruleSet!)).toContain(
      "rule r(T; _a1, _f1):\n  p(T) -: a(_a1), f(_f1, _a1, _a1), f(T, _f1, _f1).",
    );
  });
});

describe("misused terms", () => {
  it("explain a nullary constructor written without parentheses", () => {
    const r = checkRuleFile("n.bm", {
      entryText: "sort t = leaf | node(t, t).\nrelation p(x).\nrule r(): p(leaf) -: .",
    });
    expect(r.diagnostics.map((d) => [d.code, d.help])).toEqual([
      ["BM0109", "`leaf` is a constructor: a term is written `leaf()`"],
    ]);
  });
});

describe("terms", () => {
  it("parses term text and names each distinct subterm once", () => {
    const rules = hilbert();
    const t = parseTerm("impl(mvar(1), impl(mvar(1), mvar(1)))", rules);
    const built = buildBlocks(rules, { proofs: [] });
    const name = built.terms.add(t);
    expect(built.terms.size).toBe(3);
    expect(built.terms.show(name)).toBe("impl(mvar(1), impl(mvar(1), mvar(1)))");
    expect(built.terms.lookup(name)!.depth).toBe(2n);
  });

  it.each([
    ["impl(mvar(1))", /`impl` takes 2 arguments, found 1/],
    ["impl(mvar(1), 3)", /argument 2 of `impl` must be of sort term, found field/],
    ["nope(1)", /unknown constructor `nope`/],
    ["q", /unknown name `q`/],
    ["mvar(1) x", /unexpected text after the term/],
  ])("rejects %s", (text, message) => {
    expect(() => parseTerm(text, hilbert())).toThrow(message);
  });
});

describe("transcript builder", () => {
  it("builds the proof of A -> A into a valid transcript with term definitions and depths", () => {
    const rules = hilbert();
    const built = buildBlocks(rules, A_IMPLIES_A);
    expect(built.errors).toEqual([]);
    const text = transcriptText(built.blocks);
    expect(text).toBe(
      [
        "public:",
        "  def_mvar(1, 1)",
        "  def_impl(2, 1, 1; 1, 0, 0)",
        "  demand(2)",
        "private:",
        "  def_impl(3, 2, 1; 2, 1, 0)",
        "  def_impl(4, 1, 3; 3, 0, 2)",
        "  def_impl(5, 1, 2; 2, 0, 1)",
        "  def_impl(6, 5, 2; 3, 2, 1)",
        "  def_impl(7, 4, 6; 4, 3, 3)",
        "  ax2(1, 2, 1; 3, 4, 5, 2, 6, 7)",
        "  ax1(4; 1, 2, 3)",
        "  mp(4, 6; 1, 0, 0, 7)",
        "  ax1(5; 1, 1, 2)",
        "  mp(5, 2; 2, 1, 0, 6)",
        "",
      ].join("\n"),
    );
    const file = buildFile("hilbert.bm", "a.json", {
      entryText: HILBERT,
      proofText: JSON.stringify(A_IMPLIES_A),
    });
    expect(file.diagnostics).toEqual([]);
    expect(file.valid).toBe(true);
  });

  it("names the premise that does not fit, and the hypothesis it should meet", () => {
    const wrong = structuredClone(A_IMPLIES_A);
    (wrong.proofs![0].premises![1] as ProofStep).args = { A: "p", B: "impl(p, p)" };
    const built = buildBlocks(hilbert(), wrong);
    expect(built.errors).toEqual([
      {
        path: "proofs[0]",
        message:
          "premise 2 (ax1) concludes proved(impl(mvar(1), impl(impl(mvar(1), mvar(1)), mvar(1))), 0), " +
          "which does not meet hypothesis proved(impl(mvar(1), impl(mvar(1), mvar(1))), k2) of mp",
      },
    ]);
  });

  it("reports the failing step deep in the tree, not its ancestors", () => {
    const wrong = structuredClone(A_IMPLIES_A);
    const inner = wrong.proofs![0].premises![0] as ProofStep;
    (inner.premises![0] as ProofStep).args = { A: "p", B: "impl(p, p)", D: "p" };
    const built = buildBlocks(hilbert(), wrong);
    expect(built.errors).toEqual([
      {
        path: "proofs[0].premises[0].premises[0]",
        message:
          "rule ax2(A, B, C; _impl1, _impl2, _impl3, _impl4, _impl5, _impl6) has no variable `D`",
      },
    ]);
  });

  it("says which variables it cannot determine", () => {
    const built = buildBlocks(hilbert(), { proofs: [{ rule: "ax1", args: { A: "mvar(1)" } }] });
    expect(built.errors).toEqual([
      {
        path: "proofs[0]",
        message:
          'cannot determine `T`, `B`, `_impl1` of ax1: give them in "args" or through a premise',
      },
    ]);
  });

  it("rejects a step whose term has the wrong shape", () => {
    const built = buildBlocks(hilbert(), {
      proofs: [{ rule: "ax1", args: { T: "neg(mvar(1))" } }],
    });
    expect(built.errors[0].message).toBe(
      "ax1 needs T to be a impl(...) term, but it is neg(mvar(1))",
    );
  });

  it("uses earlier steps by reference, so long chains need no nesting", () => {
    const flat: ProofFile = {
      let: { p: "mvar(1)" },
      public: [{ rule: "demand", args: { T: "impl(p, p)" } }],
      proofs: [
        { id: "s", rule: "ax2", args: { A: "p", B: "impl(p, p)", C: "p" } },
        { id: "k", rule: "ax1", args: { A: "p", B: "impl(p, p)" } },
        { id: "k2", rule: "ax1", args: { A: "p", B: "p" } },
        { id: "mp1", rule: "mp", premises: [{ ref: "s" }, { ref: "k" }] },
        { rule: "mp", premises: [{ ref: "mp1" }, { ref: "k2" }] },
      ],
    };
    const built = buildBlocks(hilbert(), flat);
    expect(built.errors).toEqual([]);
    // The same proof as the nested A_IMPLIES_A; names differ only by order of first use.
    expect(built.blocks.length).toBe(buildBlocks(hilbert(), A_IMPLIES_A).blocks.length);
    const file = buildFile("hilbert.bm", "flat.json", {
      entryText: HILBERT,
      proofText: JSON.stringify(flat),
    });
    expect(file.diagnostics).toEqual([]);
    expect(file.valid).toBe(true);
    const dangling = buildBlocks(hilbert(), {
      proofs: [{ rule: "mp", premises: [{ ref: "nope" }] }],
    });
    expect(dangling.errors).toEqual([
      { path: "proofs[0].premises[0]", message: 'no earlier step has id "nope"' },
    ]);
    const twice = buildBlocks(hilbert(), {
      proofs: [
        { id: "a", rule: "ax1", args: { A: "mvar(1)", B: "mvar(1)" } },
        { id: "a", rule: "ax1", args: { A: "mvar(2)", B: "mvar(2)" } },
      ],
    });
    expect(twice.errors).toEqual([{ path: "proofs[1]", message: 'id "a" is used twice' }]);
  });

  it("validates the result: a public goal nobody proves makes the transcript invalid", () => {
    const file = buildFile("hilbert.bm", "goal.json", {
      entryText: HILBERT,
      proofText: JSON.stringify({ public: [{ rule: "demand", args: { T: "neg(mvar(1))" } }] }),
    });
    expect(file.valid).toBe(false);
    expect(file.diagnostics.map((d) => d.code)).toEqual(["BM0303"]);
  });
});

describe("proof files", () => {
  it.each([
    ["{", "BM0401", /not valid JSON/],
    ['{"proofs": {}}', "BM0402", /at proofs: expected a list of steps/],
    ['{"proofs": [{"args": {"A": true}}]}', "BM0402", /at proofs\[0\]\.rule: expected a rule name/],
    ['{"proofz": []}', "BM0402", /at proofz: unknown key/],
    ['{"proofs": [{"rule": "ax1", "premises": [{"ref": 3}]}]}', "BM0402", /a reference is/],
    ['{"proofs": [{"ref": "x"}]}', "BM0403", /a reference can only stand as a premise/],
    ['{"proofs": [{"rule": "nope"}]}', "BM0403", /unknown rule `nope`/],
  ])("%s is rejected with %s", (text, code, message) => {
    const file = buildFile("hilbert.bm", "p.json", { entryText: HILBERT, proofText: text });
    expect(file.valid).toBe(false);
    expect(file.diagnostics.map((d) => d.code)).toContain(code);
    expect(file.diagnostics.map((d) => d.message).join("\n")).toMatch(message);
  });

  it("accepts $comment keys", () => {
    expect(
      parseProofFile('{"$comment": "x", "proofs": [{"rule": "ax1", "$comment": "y"}]}').errors,
    ).toEqual([]);
  });
});
