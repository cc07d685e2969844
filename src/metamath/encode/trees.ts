/**
 * Proof trees: what the tree and universal encodings share. Statements become hash-consed trees
 * (grammar.ts), assertions templates over their mandatory variables, and a proof DAG a tree per
 * node, with the substitution of each logical step. Syntax steps build trees (a syntax
 * theorem's tree is substituted where a later proof uses it: a macro).
 */
import type {
  Assertion,
  MetamathDatabase,
  ProofDag,
  ProofNode,
  SymbolId,
  Theorem,
} from "../model.js";
import { expressionText } from "../model.js";
import { buildGrammar, frameVarTypes, type Grammar } from "./grammar.js";
import type { TermStore } from "./terms.js";

/** A proof the tree encoding cannot express (an ambiguous or missing grammar). */
export class TreeMismatch extends Error {}

/** A theorem to prove, with its proof DAG. */
export interface Context {
  readonly theorem: Theorem;
  readonly dag: ProofDag;
}

/** The trees of an assertion's conclusion and `$e` hypotheses, variables as leaves. */
export interface Template {
  readonly concl: number;
  readonly hyps: number[];
}

/** A logical step of a proof DAG: an assertion applied with a substitution. */
export interface LogicalStep {
  /** The DAG node's index. */
  readonly k: number;
  readonly node: ProofNode;
  readonly assertion: Assertion;
  /** Mandatory variable -> tree. */
  readonly sigma: Map<SymbolId, number>;
  /** The DAG nodes of the `$e` premises, in the assertion's `$e` order. */
  readonly essentialPremises: number[];
}

export interface ProofVisitor {
  /** Node k pushes the theorem's `$e` hypothesis j. */
  hypothesis(k: number, j: number, tree: number): void;
  /** A logical step; called after its conclusion's tree is built. */
  step(step: LogicalStep, tree: number): void;
}

export class ProofTrees {
  readonly grammar: Grammar;
  readonly store: TermStore;
  private readonly templates = new Map<number, Template>();
  private readonly macros = new Map<number, number>();
  private readonly varLeafCtors: Set<number>;

  constructor(private readonly db: MetamathDatabase) {
    this.grammar = buildGrammar(db);
    this.store = this.grammar.store;
    this.varLeafCtors = new Set(this.grammar.varCtor.values());
  }

  tree(expression: readonly number[], varTypes: Map<SymbolId, SymbolId>, what: string): number {
    const t = this.grammar.treeOf(expression, varTypes);
    if (t === undefined)
      throw new TreeMismatch(`${what}: no tree for ${expressionText(this.db, expression)}`);
    return t;
  }

  template(a: Assertion): Template {
    let t = this.templates.get(a.index);
    if (!t) {
      const types = frameVarTypes(this.db, a);
      t = {
        concl: this.tree(a.expression, types, a.label),
        hyps: a.frame.essential.map((e) =>
          this.tree(this.db.statements[e].expression, types, a.label),
        ),
      };
      this.templates.set(a.index, t);
    }
    return t;
  }

  /** The tree `node` with each variable leaf in `sigma` replaced by its tree. */
  subst(node: number, sigma: Map<SymbolId, number>, memo = new Map<number, number>()): number {
    const known = memo.get(node);
    if (known !== undefined) return known;
    const n = this.store.nodes[node];
    const c = this.store.ctors[n.ctor];
    let r: number;
    if (this.isVarLeaf(n.ctor)) r = sigma.get(n.args[0]) ?? node;
    else
      r = this.store.node(
        n.ctor,
        n.args.map((a, j) => (c.argSorts[j] === "field" ? a : this.subst(a, sigma, memo))),
      );
    memo.set(node, r);
    return r;
  }

  isVarLeaf(ctor: number): boolean {
    return this.varLeafCtors.has(ctor);
  }

  isSyntax(a: Assertion): boolean {
    return this.grammar.syntaxTypecodes.has(a.expression[0]);
  }

  /** A syntax theorem used as a constructor: the tree its proof builds. */
  private macro(t: Theorem): number {
    const m = this.macros.get(t.index);
    if (m === undefined) {
      throw new TreeMismatch(
        `${t.label}: a syntax theorem ($p of a syntax typecode) is not supported`,
      );
    }
    return m;
  }

  /**
   * The tree of every node of a context's proof, in DAG order, telling `visit` of each `$e`
   * and logical node; checks that the last tree is the statement's and returns it. A syntax
   * theorem's tree becomes its macro.
   */
  walk(c: Context, visit: ProofVisitor): number {
    const { db } = this;
    const trees: number[] = [];
    const hypIndex = new Map(c.theorem.frame.essential.map((e, j) => [e, j]));
    const types = frameVarTypes(db, c.theorem);
    c.dag.nodes.forEach((node, k) => {
      const s = db.statements[node.statement];
      if (s.kind === "f") {
        trees[k] = this.grammar.varLeaf(s.typecode, s.variable);
      } else if (s.kind === "e") {
        const j = hypIndex.get(s.index);
        // Every $e active at a theorem is mandatory for it, and the proof checker allows no other.
        if (j === undefined)
          throw new Error(`${c.theorem.label}: uses a hypothesis not its own (a bug)`);
        trees[k] = this.tree(s.expression, types, c.theorem.label);
        visit.hypothesis(k, j, trees[k]);
      } else if (this.isSyntax(s)) {
        trees[k] = this.syntaxTree(s, node, trees);
      } else {
        trees[k] = this.logicalTree(c, k, s, trees, visit);
      }
    });
    const root = trees[c.dag.root];
    const concl = this.tree(c.theorem.expression, types, c.theorem.label);
    if (root !== concl)
      throw new TreeMismatch(`${c.theorem.label}: the proof's last tree is not the statement's`);
    if (this.isSyntax(c.theorem)) this.macros.set(c.theorem.index, root);
    return root;
  }

  private syntaxTree(s: Assertion, node: ProofNode, trees: number[]): number {
    const floats = s.frame.hypotheses
      .map((h, j) => (this.db.statements[h].kind === "f" ? trees[node.premises[j]] : -1))
      .filter((x) => x >= 0);
    if (s.kind === "a") return this.store.node(this.grammar.axiomCtor.get(s.index)!, floats);
    const sigma = new Map(s.frame.variables.map((v, j) => [v, floats[j]]));
    return this.subst(this.macro(s), sigma);
  }

  private logicalTree(
    c: Context,
    k: number,
    s: Assertion,
    trees: number[],
    visit: ProofVisitor,
  ): number {
    const node = c.dag.nodes[k];
    const tpl = this.template(s);
    const sigma = new Map<SymbolId, number>();
    s.frame.hypotheses.forEach((h, j) => {
      const hs = this.db.statements[h];
      if (hs.kind === "f") sigma.set(hs.variable, trees[node.premises[j]]);
    });
    const essentialPremises = s.frame.essential.map((h, j) => {
      const p = node.premises[s.frame.hypotheses.indexOf(h)];
      if (this.subst(tpl.hyps[j], sigma) !== trees[p]) {
        throw new TreeMismatch(
          `${c.theorem.label} step ${node.step}: hypothesis ${j + 1} of ${s.label} has another tree`,
        );
      }
      return p;
    });
    const tree = this.subst(tpl.concl, sigma);
    visit.step({ k, node, assertion: s, sigma, essentialPremises }, tree);
    return tree;
  }
}
