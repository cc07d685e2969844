/**
 * The universal encoding (docs/metamath.md, "The universal encoding"): one rule set for every
 * database (universal-rules.ts, depending only on the largest constructor arity K), the
 * database as public setup facts, and a transcript whose every block is fully determined here,
 * so it is written as transcript lines directly (no proof file to solve).
 *
 * Numbers: a sort or constructor is its grammar index + 1, a variable its symbol number, an
 * assertion or a context its statement number, a template node or an instance term its tree
 * number + 1 (hash-consed: one tree, one name). Substitutions are numbered from the number of
 * statements up, one per (assertion, substitution), shared by every context that applies it.
 */
import type { Assertion, MetamathDatabase, SymbolId, Theorem } from "../model.js";
import { activeDisjoint } from "../reader.js";
import { frameVarTypes } from "./grammar.js";
import { ProofTrees, type Context, type LogicalStep } from "./trees.js";
import { universalRules } from "./universal-rules.js";

/** Transcript lines (`rule(v1, v2, ...)`), public then private, and blocks per rule. */
export interface UniversalBlocks {
  readonly public: string[];
  readonly private: string[];
}

export interface UniversalResult {
  readonly rulesText: string;
  readonly blocks: UniversalBlocks;
  readonly goal: { rule: string; shown: string[] };
  readonly terms: number;
  /** The largest constructor arity (the rules' K). */
  readonly arity: number;
}

/** Lines of one transcript section, each block once (the same block may be reached twice). */
class Section {
  readonly lines: string[] = [];
  private readonly seen = new Set<string>();
  add(rule: string, values: readonly number[]): void {
    const line = `${rule}(${values.join(", ")})`;
    if (this.seen.has(line)) return;
    this.seen.add(line);
    this.lines.push(line);
  }
}

export class UniversalEncoder {
  private readonly trees: ProofTrees;
  private readonly store;
  private readonly priv = new Section();
  private readonly defs = new Section();
  /** Facts by rule name, so that they come out grouped. */
  private readonly factLines = new Map<string, Section>();
  private readonly heights = new Map<number, number>();
  private readonly wfDone = new Set<number>();
  private readonly subIds = new Map<string, number>();
  private readonly matched = new Map<string, number>();
  private readonly dvsDone = new Set<string>();
  private readonly usedAssertions = new Set<number>();
  private readonly usedAxioms = new Set<number>();
  private readonly validDepth = new Map<number, number>();
  /** Sort numbers; the grammar adds logical sorts as it meets their statements. */
  private readonly sortIds = new Map<string, number>();

  constructor(
    private readonly db: MetamathDatabase,
    private readonly contexts: Context[],
    private readonly targets: Theorem[],
    private readonly all: boolean,
  ) {
    this.trees = new ProofTrees(db);
    this.store = this.trees.store;
  }

  encode(): UniversalResult {
    const targets = new Set(this.targets.map((t) => t.index));
    for (const c of this.contexts) {
      if (!this.trees.isSyntax(c.theorem)) {
        this.context(c);
        continue;
      }
      // A syntax theorem: its tree (a macro for later proofs) is its proof; as a target it is
      // a fact, since the verifier parses its statement.
      this.trees.walk(c, { hypothesis() {}, step() {} });
      if (targets.has(c.theorem.index)) this.usedAxioms.add(c.theorem.index);
      this.validDepth.set(c.theorem.index, 0);
    }
    const goal = this.goals();
    const arity = this.databaseFacts();
    const pub = [...this.factLines.values()].flatMap((s) => s.lines);
    pub.push(...this.publicGoals());
    return {
      rulesText: universalRules(arity),
      blocks: { public: pub, private: this.defs.lines.concat(this.priv.lines) },
      goal,
      terms: this.store.nodes.length,
      arity,
    };
  }

  private name = (tree: number) => tree + 1;
  private sortNumber(sort: string): number {
    let n = this.sortIds.get(sort);
    if (n === undefined) {
      n = this.trees.grammar.sorts.findIndex((s) => s.name === sort) + 1;
      if (n === 0) throw new Error(`no sort ${sort} (a bug)`);
      this.sortIds.set(sort, n);
    }
    return n;
  }
  private fact(rule: string, values: readonly number[]) {
    let s = this.factLines.get(rule);
    if (!s) this.factLines.set(rule, (s = new Section()));
    s.add(rule, values);
  }

  /** The leaf of a variable tree: [sort number, variable], or undefined for a constructor. */
  private leafOf(tree: number): [number, SymbolId] | undefined {
    const n = this.store.nodes[tree];
    if (!this.trees.isVarLeaf(n.ctor)) return undefined;
    return [this.sortNumber(this.store.ctors[n.ctor].sort)!, n.args[0]];
  }

  // ---- Terms ----

  /** Defines a name (and its subterms) once; returns its depth. */
  private define(tree: number): number {
    const known = this.heights.get(tree);
    if (known !== undefined) return known;
    const leaf = this.leafOf(tree);
    let h = 0;
    if (leaf) this.defs.add("def_leaf", [this.name(tree), ...leaf]);
    else {
      const n = this.store.nodes[tree];
      const ks = n.args.map((a) => this.define(a));
      h = ks.length ? Math.max(...ks) + 1 : 0;
      const xs = n.args.map(this.name);
      const depths = ks.length ? [h, ...ks] : [];
      this.defs.add(`def_node${n.args.length}`, [this.name(tree), n.ctor + 1, ...xs, ...depths]);
    }
    this.heights.set(tree, h);
    return h;
  }

  /** wf(x, S) for a name that a substitution maps a variable to. */
  private wf(tree: number): void {
    if (this.wfDone.has(tree)) return;
    this.wfDone.add(tree);
    this.define(tree);
    const leaf = this.leafOf(tree);
    if (leaf) {
      this.priv.add("wf_leaf", [this.name(tree), leaf[0], leaf[1]]);
      return;
    }
    const n = this.store.nodes[tree];
    n.args.forEach((a) => this.wf(a));
    const sortOf = (t: number) => this.sortNumber(this.store.ctors[this.store.nodes[t].ctor].sort)!;
    this.priv.add(`wf_node_${n.args.length}`, [
      this.name(tree),
      sortOf(tree),
      n.ctor + 1,
      ...n.args.map(this.name),
      ...n.args.map(sortOf),
    ]);
  }

  /** The substitution number of (A, sigma), with its sub blocks on first use. */
  private substitution(a: Assertion, sigma: Map<SymbolId, number>): number {
    const trees = a.frame.variables.map((v) => sigma.get(v)!);
    const key = `${a.index}:${trees.join(",")}`;
    let s = this.subIds.get(key);
    if (s === undefined) {
      s = this.db.statements.length + this.subIds.size;
      this.subIds.set(key, s);
      this.subBlocks(s, a, sigma);
    }
    return s;
  }

  private subBlocks(s: number, a: Assertion, sigma: Map<SymbolId, number>): void {
    for (const v of a.frame.variables) {
      const x = sigma.get(v)!;
      this.wf(x);
      this.priv.add("def_sub", [s, v, this.name(x)]);
    }
  }

  /** match(s, t, x) blocks for template t under substitution s (sigma); returns x. */
  private match(s: number, sigma: Map<SymbolId, number>, t: number): number {
    const key = `${s}:${t}`;
    const known = this.matched.get(key);
    if (known !== undefined) return known;
    const leaf = this.leafOf(t);
    const n = this.store.nodes[t];
    const xs = leaf ? [] : n.args.map((a) => this.match(s, sigma, a));
    const x = leaf ? sigma.get(leaf[1])! : this.store.node(n.ctor, xs);
    this.matched.set(key, x);
    this.define(x);
    if (leaf) this.priv.add("match_leaf", [s, this.name(t), this.name(x), ...leaf]);
    else {
      const ts = n.args.map(this.name);
      this.priv.add(`match_node_${n.args.length}`, [
        s,
        this.name(t),
        this.name(x),
        n.ctor + 1,
        ...ts,
        ...xs.map(this.name),
      ]);
    }
    return x;
  }

  // ---- Distinct variables ----

  private dvs(c: number, x: number, y: number): void {
    const key = `s${c}:${x}:${y}`;
    if (this.dvsDone.has(key)) return;
    this.dvsDone.add(key);
    const leaf = this.leafOf(x);
    if (leaf) {
      this.dvv(c, leaf[1], y);
      this.priv.add("dvs_leaf", [c, this.name(x), this.name(y), ...leaf]);
      return;
    }
    const n = this.store.nodes[x];
    n.args.forEach((a) => this.dvs(c, a, y));
    const rule = `dvs_node_${n.args.length}`;
    this.priv.add(rule, [c, this.name(x), this.name(y), n.ctor + 1, ...n.args.map(this.name)]);
  }

  private dvv(c: number, a: SymbolId, y: number): void {
    const key = `v${c}:${a}:${y}`;
    if (this.dvsDone.has(key)) return;
    this.dvsDone.add(key);
    const leaf = this.leafOf(y);
    if (leaf) {
      // The proof checker has checked every $d on the same variables (a tree's leaves are the
      // variables of its yield), so a and b are distinct and kept apart in c.
      this.priv.add("dvv_leaf", [c, a, this.name(y), ...leaf]);
      return;
    }
    const n = this.store.nodes[y];
    n.args.forEach((arg) => this.dvv(c, a, arg));
    const rule = `dvv_node_${n.args.length}`;
    this.priv.add(rule, [c, a, this.name(y), n.ctor + 1, ...n.args.map(this.name)]);
  }

  private dvsChain(s: number, a: Assertion, c: number, sigma: Map<SymbolId, number>): void {
    this.priv.add("dvs_none", [s, a.index, c]);
    a.frame.disjoint.forEach(([x, y], i) => {
      const X = sigma.get(x)!;
      const Y = sigma.get(y)!;
      this.dvs(c, X, Y);
      this.priv.add("dvs_next", [s, a.index, c, i + 1, i, x, y, this.name(X), this.name(Y)]);
    });
  }

  // ---- Contexts ----

  /** Theorem c's proof: its steps, hypotheses, self substitution and qed. */
  private context(ctx: Context): void {
    const t = ctx.theorem;
    const c = t.index;
    const depth: number[] = [];
    const tpl = this.trees.template(t);
    const identity = this.identity(t);
    const root = this.trees.walk(ctx, {
      hypothesis: (k, j, tree) => {
        const x = this.match(c, identity, tpl.hyps[j]);
        if (x !== tree) throw new Error(`${t.label}: hypothesis ${j} is not its template (a bug)`);
        this.priv.add("ehyp", [this.name(tree), c, j, this.name(tpl.hyps[j])]);
        depth[k] = 0;
      },
      step: (st, tree) => (depth[st.k] = this.step(c, st, tree, depth)),
    });
    this.usedAssertions.add(c);
    const nv = t.frame.variables.length;
    this.priv.add("self_none", [c]);
    const types = frameVarTypes(this.db, t);
    t.frame.variables.forEach((v, i) => {
      const leaf = this.trees.grammar.varLeaf(types.get(v)!, v);
      const sort = this.leafOf(leaf)![0];
      this.priv.add("self_next", [c, i + 1, i, v, sort, this.name(leaf)]);
    });
    const E = this.match(c, identity, tpl.concl);
    if (E !== root) throw new Error(`${t.label}: the proof's root is not its statement (a bug)`);
    const k = depth[ctx.dag.root];
    const { nh, nd } = this.counts(t);
    this.priv.add("qed", [c, k, this.name(tpl.concl), nh, nv, nd, this.name(E)]);
    this.validDepth.set(c, k);
  }

  /** Theorem t's substitution (numbered t.index): each mandatory variable to its own leaf. */
  private identity(t: Theorem): Map<SymbolId, number> {
    const types = frameVarTypes(this.db, t);
    const sigma = new Map(
      t.frame.variables.map((v) => [v, this.trees.grammar.varLeaf(types.get(v)!, v)]),
    );
    this.subBlocks(t.index, t, sigma);
    return sigma;
  }

  private counts(a: Assertion) {
    return {
      nh: a.frame.essential.length,
      nv: a.frame.variables.length,
      nd: a.frame.disjoint.length,
    };
  }

  /** One logical step of context c; returns its depth. */
  private step(c: number, st: LogicalStep, tree: number, depth: number[]): number {
    const a = st.assertion;
    this.usedAssertions.add(a.index);
    const tpl = this.trees.template(a);
    const s = this.substitution(a, st.sigma);
    const E = this.match(s, st.sigma, tpl.concl);
    if (E !== tree) throw new Error(`${a.label}: its template does not rebuild the step (a bug)`);
    let k0 = 0;
    if (a.kind === "a") this.usedAxioms.add(a.index);
    else k0 = this.validDepth.get(a.index)!;
    const { nh, nv, nd } = this.counts(a);
    // k above every hypothesis's depth by its distance from the chain's end, and above A's.
    let k = Math.max(k0 + 1, nh);
    st.essentialPremises.forEach((p, j) => (k = Math.max(k, depth[p] + nh - j)));
    this.priv.add("hyps_none", [s, a.index, c, k - nh]);
    st.essentialPremises.forEach((p, j) => {
      const H = this.match(s, st.sigma, tpl.hyps[j]);
      const kn = k - nh + j + 1;
      const row = [s, a.index, c, j + 1, kn, j, this.name(tpl.hyps[j]), this.name(H), depth[p]];
      this.priv.add("hyps_next", [...row, kn - 1]);
    });
    this.dvsChain(s, a, c, st.sigma);
    this.priv.add("step", [this.name(E), c, k, s, a.index, this.name(tpl.concl), nh, nv, nd, k0]);
    return k;
  }

  // ---- Goals and facts ----

  private goals(): { rule: string; shown: string[] } {
    if (!this.all) return { rule: "goal", shown: [String(this.targets[0].index)] };
    this.priv.add("upto_zero", []);
    this.targets.forEach((t, i) => {
      const k = this.validDepth.get(t.index)!;
      this.priv.add("upto_next", [i + 1, i, t.index, k]);
    });
    return { rule: "all", shown: [String(this.targets.length)] };
  }

  private publicGoals(): string[] {
    if (this.all) return [`all(${this.targets.length})`];
    return this.targets.map((t) => `goal(${t.index})`);
  }

  /** Every fact, from the database and the statements used; returns the largest arity. */
  private databaseFacts(): number {
    if (this.all) this.targets.forEach((t, i) => this.fact("f_theorem", [i + 1, t.index]));
    for (const a of [...this.usedAxioms].sort((x, y) => x - y)) this.fact("f_valid", [a]);
    for (const i of [...this.usedAssertions].sort((x, y) => x - y))
      this.assertionFacts(this.db.statements[i] as Assertion);
    for (const ctx of this.contexts) if (!this.trees.isSyntax(ctx.theorem)) this.contextFacts(ctx);
    for (const s of this.db.statements) {
      if (s.kind !== "f") continue;
      const sort = this.sortNumber(this.trees.grammar.sortOf.get(s.typecode)!)!;
      this.fact("f_var", [sort, s.variable]);
    }
    return this.ctorFacts();
  }

  private ctorFacts(): number {
    let arity = 0;
    this.store.ctors.forEach((k, f) => {
      if (this.trees.isVarLeaf(f)) return;
      arity = Math.max(arity, k.argSorts.length);
      const sorts = [k.sort, ...k.argSorts].map((s) => this.sortNumber(s)!);
      this.fact(`f_ctor_${k.argSorts.length}`, [f + 1, ...sorts]);
    });
    return arity;
  }

  private assertionFacts(a: Assertion): void {
    const tpl = this.trees.template(a);
    const { nh, nv, nd } = this.counts(a);
    this.fact("f_assertion", [a.index, this.name(tpl.concl), nh, nv, nd]);
    this.templateFacts(tpl.concl);
    tpl.hyps.forEach((h, j) => {
      this.templateFacts(h);
      this.fact("f_hyp", [a.index, j, this.name(h)]);
    });
    a.frame.disjoint.forEach(([x, y], i) => this.fact("f_dv", [a.index, i, x, y]));
  }

  private readonly templateDone = new Set<number>();
  private templateFacts(t: number): void {
    if (this.templateDone.has(t)) return;
    this.templateDone.add(t);
    const leaf = this.leafOf(t);
    if (leaf) return this.fact("f_tleaf", [this.name(t), ...leaf]);
    const n = this.store.nodes[t];
    n.args.forEach((a) => this.templateFacts(a));
    this.fact(`f_tnode_${n.args.length}`, [this.name(t), n.ctor + 1, ...n.args.map(this.name)]);
  }

  private contextFacts(ctx: Context): void {
    const t = ctx.theorem;
    const types = frameVarTypes(this.db, t);
    t.frame.variables.forEach((v, i) => {
      const sort = this.leafOf(this.trees.grammar.varLeaf(types.get(v)!, v))![0];
      this.fact("f_mvar", [t.index, i, v, sort]);
    });
    for (const [a, b] of activeDisjoint(t)) {
      this.fact("f_dvpair", [t.index, a, b]);
      this.fact("f_dvpair", [t.index, b, a]);
    }
  }
}
