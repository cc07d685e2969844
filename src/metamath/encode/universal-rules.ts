/**
 * The rule text of the universal encoding (docs/metamath.md, "The universal encoding"). It does
 * not depend on the database but through K, the largest constructor arity: rules `_n` exist
 * for n = 0..K. The database itself is data: setup facts the verifier derives from it.
 */

const range = (n: number, f: (i: number) => string) =>
  Array.from({ length: n }, (_, i) => f(i + 1));
const list = (prefix: string, n: number) => range(n, (i) => `${prefix}${i}`);
/** `, a1, a2` for n = 2, empty for 0. */
const more = (prefix: string, n: number) =>
  list(prefix, n)
    .map((x) => `, ${x}`)
    .join("");

/** Term constructors of the one sort of names: a variable leaf, a constructor of each arity. */
function termSort(k: number): string[] {
  const alts = ["leaf(field, field)"];
  for (let n = 0; n <= k; n++) alts.push(`node${n}(field${range(n, () => ", term").join("")})`);
  return [
    "// Names: one sort, so a name is defined once (unique term(T)) with one depth, whatever the",
    "// Metamath sort of the tree it stands for. leaf(S, a): variable a of sort S; node<n>(f, x1..xn):",
    "// constructor f applied to n names. Sorts are checked by wf where a name enters a proof.",
    `sort term = ${alts.join(" | ")}.`,
  ];
}

function facts(k: number): string[] {
  const o = [
    "// Facts from the database (setup blocks: the verifier derives them, never the prover).",
    "// Sorts and constructors are numbered from 1, a variable is its symbol number, an",
    "// assertion or a context its statement number, a template node its tree number + 1.",
  ];
  for (let n = 0; n <= k; n++) {
    const ss = list("S", n);
    o.push(
      `relation ctor_${n}(f, S${more("S", n)}).`,
      `// Constructor f builds sort S from sorts ${n ? ss.join(", ") : "(none)"}.`,
      `setup rule f_ctor_${n}(f, S${more("S", n)}): ctor_${n}(f, S${more("S", n)}) -: .`,
    );
  }
  o.push(
    "relation var(S, a).",
    "setup rule f_var(S, a): var(S, a) -: .  // a $f: variable a has sort S",
  );
  for (let n = 0; n <= k; n++) {
    o.push(
      `relation tnode_${n}(t, f${more("t", n)}).`,
      `setup rule f_tnode_${n}(t, f${more("t", n)}): tnode_${n}(t, f${more("t", n)}) -: .  // template node`,
    );
  }
  o.push(
    "relation tleaf(t, S, a).",
    "setup rule f_tleaf(t, S, a): tleaf(t, S, a) -: .  // template leaf: variable a of sort S",
    "// Assertion A: conclusion template t, nh $e hypotheses, nv mandatory variables, nd mandatory $d pairs.",
    "relation assertion(A, t, nh, nv, nd).",
    "setup rule f_assertion(A, t, nh, nv, nd): assertion(A, t, nh, nv, nd) -: .",
    "relation hyp(A, j, t).",
    "setup rule f_hyp(A, j, t): hyp(A, j, t) -: .  // $e hypothesis j (from 0) of A",
    "relation mvar(A, i, a, S).",
    "setup rule f_mvar(A, i, a, S): mvar(A, i, a, S) -: .  // mandatory variable i of A",
    "relation dv(A, i, a, b).",
    "setup rule f_dv(A, i, a, b): dv(A, i, a, b) -: .  // mandatory $d pair i of A",
    "relation dvpair(c, a, b).",
    "setup rule f_dvpair(c, a, b): dvpair(c, a, b) -: .  // context c keeps a, b apart (a != b)",
    "// valid(A, k): assertion A holds (a theorem: proven at depth k).",
    "relation valid(A, k).",
    "setup rule f_valid(A): valid(A, 0) -: .  // a logical $a, or a syntax $p (its parse is its proof)",
    "relation theorem(j, c).",
    "setup rule f_theorem(j, c): theorem(j, c) -: .  // the j-th theorem (from 1) to prove is c",
  );
  return o;
}

function terms(k: number): string[] {
  const o = [
    "// wf(x, S): name x is a well-sorted tree of sort S (recursion on the term x).",
    "relation wf(x, S).",
    "rule wf_leaf(x, S; a): wf(x, S) -: x = leaf(S, a), var(S, a).",
  ];
  for (let n = 0; n <= k; n++) {
    const wfs = range(n, (i) => `, wf(x${i}, S${i})`).join("");
    o.push(
      `rule wf_node_${n}(x, S; f${more("x", n)}${more("S", n)}): wf(x, S) -: x = node${n}(f${more("x", n)}), ctor_${n}(f, S${more("S", n)})${wfs}.`,
    );
  }
  o.push(
    "// Substitutions: s maps each variable a to one name x.",
    "relation sub(s, a, x).",
    "unique relation subkey(s, a).",
    "rule def_sub(s, a, x): sub(s, a, x), unique subkey(s, a) -: .",
    "// match(s, t, x): template t under substitution s is the tree x (recursion on the term x).",
    "relation match(s, t, x).",
    "rule match_leaf(s, t, x; S, a): match(s, t, x) -: tleaf(t, S, a), sub(s, a, x), wf(x, S).",
  );
  for (let n = 0; n <= k; n++) {
    const ms = range(n, (i) => `, match(s, t${i}, x${i})`).join("");
    o.push(
      `rule match_node_${n}(s, t, x; f${more("t", n)}${more("x", n)}): match(s, t, x) -: tnode_${n}(t, f${more("t", n)}), x = node${n}(f${more("x", n)})${ms}.`,
    );
  }
  return o;
}

function steps(): string[] {
  return [
    "// proved(E, c, k): E holds in context c (theorem c's proof, with its hypotheses), at depth k.",
    "relation proved(E, c, k).",
    "// A step applies assertion A (stated before c, valid) with substitution s.",
    "rule step(E, c, k; s, A, t, nh, nv, nd, k0): proved(E, c, k) -: assertion(A, t, nh, nv, nd), valid(A, k0), k0 < k, A < c, match(s, t, E), hyps_ok(s, A, c, nh, k), dvs_ok(s, A, c, nd).",
    "// hyps_ok(s, A, c, n, k): A's first n $e hypotheses under s are proved in c below depth",
    "// k - (n - 1 - j) each (k drops by one along the chain, so that it descends).",
    "relation hyps_ok(s, A, c, n, k).",
    "rule hyps_none(s, A, c, k): hyps_ok(s, A, c, 0, k) -: .",
    "rule hyps_next(s, A, c, n, k; j, t, H, kj, k1): hyps_ok(s, A, c, n, k) -: hyp(A, j, t), match(s, t, H), proved(H, c, kj), kj < k, hyps_ok(s, A, c, j, k1), n == j + 1, k == k1 + 1.",
    "// dvs_ok(s, A, c, n): A's first n mandatory $d pairs hold under s in context c.",
    "relation dvs_ok(s, A, c, n).",
    "rule dvs_none(s, A, c): dvs_ok(s, A, c, 0) -: .",
    "rule dvs_next(s, A, c, n; i, a, b, X, Y): dvs_ok(s, A, c, n) -: dv(A, i, a, b), sub(s, a, X), sub(s, b, Y), dvs(c, X, Y), dvs_ok(s, A, c, i), n == i + 1.",
  ];
}

function disjoint(k: number): string[] {
  const o = [
    "// dvs(c, X, Y): every variable of X and every variable of Y are kept apart in c;",
    "// dvv(c, a, Y): variable a and every variable of Y are. Both recurse on terms.",
    "relation dvs(c, X, Y).",
    "relation dvv(c, a, Y).",
    "rule dvs_leaf(c, X, Y; S, a): dvs(c, X, Y) -: X = leaf(S, a), dvv(c, a, Y).",
  ];
  for (let n = 0; n <= k; n++) {
    const hs = range(n, (i) => `, dvs(c, X${i}, Y)`).join("");
    o.push(
      `rule dvs_node_${n}(c, X, Y; f${more("X", n)}): dvs(c, X, Y) -: X = node${n}(f${more("X", n)})${hs}.`,
    );
  }
  o.push("rule dvv_leaf(c, a, Y; S, b): dvv(c, a, Y) -: Y = leaf(S, b), dvpair(c, a, b).");
  for (let n = 0; n <= k; n++) {
    const hs = range(n, (i) => `, dvv(c, a, Y${i})`).join("");
    o.push(
      `rule dvv_node_${n}(c, a, Y; f${more("Y", n)}): dvv(c, a, Y) -: Y = node${n}(f${more("Y", n)})${hs}.`,
    );
  }
  return o;
}

function contexts(): string[] {
  return [
    "// Theorem c in its own context: substitution c is the identity on c's mandatory variables.",
    "relation self_ok(c, n).",
    "rule self_none(c): self_ok(c, 0) -: .",
    "rule self_next(c, n; i, a, S, x): self_ok(c, n) -: mvar(c, i, a, S), sub(c, a, x), x = leaf(S, a), self_ok(c, i), n == i + 1.",
    "// c's $e hypotheses hold in c. (Substitution c is checked to be the identity by qed, the",
    "// only way out of context c.)",
    "rule ehyp(E, c; j, t): proved(E, c, 0) -: hyp(c, j, t), match(c, t, E).",
    "rule qed(c, k; t, nh, nv, nd, E): valid(c, k) -: assertion(c, t, nh, nv, nd), match(c, t, E), proved(E, c, k), self_ok(c, nv).",
  ];
}

function goals(): string[] {
  return [
    "// The public goal: one theorem, or the first n theorems of the theorem facts.",
    "rule goal(c): -: valid(c, _).",
    "relation ok_upto(j).",
    "rule upto_zero(): ok_upto(0) -: .",
    "rule upto_next(j; i, c, k): ok_upto(j) -: ok_upto(i), j == i + 1, theorem(j, c), valid(c, k).",
    "rule all(n): -: ok_upto(n).",
  ];
}

/** The universal rules for constructors of arity up to k (not yet formatted). */
export function universalRules(k: number): string {
  const parts = [
    [
      `// Generated by bmc: the universal encoding of Metamath databases (docs/metamath.md), for`,
      `// constructors of up to ${k} arguments. The database is data: the setup facts.`,
    ],
    termSort(k),
    facts(k),
    terms(k),
    steps(),
    disjoint(k),
    contexts(),
    goals(),
  ];
  return parts.map((p) => p.join("\n")).join("\n\n") + "\n";
}
