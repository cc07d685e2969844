/**
 * The block-model encoding of a Metamath database (docs/metamath.md): a rule file generated from
 * the database, and for a set of theorems a proof file (docs/build.md) whose transcript proves
 * them. The rule file and the public statement are functions of the database and the theorem
 * labels alone, so a verifier re-derives both from the database.
 *
 * Two encodings:
 * - tree: expressions are named trees (grammar.ts); syntax steps cost nothing (they are the
 *   term definitions), each `|-` step is one block; `$d` by generated relations `dvs`/`dvv`.
 * - string: expressions are cons lists of symbols; every assertion (syntax ones too) is a rule,
 *   substitution is list concatenation (`app`, one block per cell). For databases whose grammar
 *   does not give trees (miu.mm). No `$d` support (refused).
 * The tree encoding is tried first; the string one is used when a proof does not fit trees.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import type { ProofFile, ProofStep } from "../../build/index.js";
import { diagnostic, span, type Code, type Diagnostic } from "../../diagnostics/index.js";
import type {
  Assertion,
  MetamathDatabase,
  MetamathDiagnostic,
  ProofDag,
  Statement,
  SymbolId,
  Theorem,
} from "../model.js";
import { expressionText } from "../model.js";
import { activeDisjoint, sourcesOf } from "../reader.js";
import { frameVarTypes, type Grammar } from "./grammar.js";
import { ProofTrees, TreeMismatch, type Context } from "./trees.js";
import { UniversalEncoder, type UniversalBlocks } from "./universal.js";
import { Names, TermStore } from "./terms.js";

export interface MetamathTheoremStatement {
  readonly label: string;
  readonly hypotheses: readonly string[];
  readonly conclusion: string;
}

/** What a verifier learns: which database, which theorems, their hypotheses and conclusions. */
export interface MetamathStatement {
  readonly database: { readonly file: string; readonly digest: string };
  readonly theorems: readonly MetamathTheoremStatement[];
}

export type EncodingMode = "tree" | "string" | "universal";

export interface MetamathEncoding {
  readonly mode: EncodingMode;
  /** The rule file (not yet formatted). */
  readonly rulesText: string;
  /** The proof file for the transcript builder (empty for the universal encoding). */
  readonly proof: ProofFile;
  /** The universal encoding's transcript, every block given (its lines). */
  readonly blocks?: UniversalBlocks;
  readonly statement: MetamathStatement;
  /** The public blocks the transcript must have: the goal. */
  readonly goal: { readonly rule: string; readonly shown: readonly string[] };
  readonly stats: {
    /** Theorems proven in the transcript (targets and the lemmas they use). */
    readonly contexts: number;
    /** Proof steps as written (after decompression), over every context. */
    readonly proofSteps: number;
    /** Distinct proof DAG nodes over every context. */
    readonly dagNodes: number;
    /** Distinct terms. */
    readonly terms: number;
  };
}

/**
 * A database the encoding refuses, as one coded diagnostic at the statement concerned: BM0727
 * (the label asked for is no theorem), BM0728 (no theorem at all), BM0729 (`$d` conditions
 * where only the string encoding fits), or the proof checker's own code for a proof that does
 * not verify. Anything else thrown by the encoder is a bug in it.
 */
export class EncodeError extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.message);
  }
}

/** An EncodeError at `statement` (its label, in its file), where the source is at hand. */
function refuse(
  db: MetamathDatabase,
  code: Code,
  message: string,
  statement?: Statement,
  help?: string,
): EncodeError {
  const sources = sourcesOf(db);
  const where =
    statement && sources
      ? span(
          sources.get(statement.location.file),
          statement.location.offset,
          statement.location.offset + statement.label.length,
        )
      : undefined;
  return new EncodeError(diagnostic(code, message, where, help ? { help } : {}));
}

export type ProofDagFn = (db: MetamathDatabase, theorem: number) => ProofDag | MetamathDiagnostic;

export interface EncodeOptions {
  /** Theorem labels; every theorem of the database when absent. */
  readonly theorems?: readonly string[];
  /**
   * The encoding: by default tree, or universal for a database whose tree rules would be too
   * many (UNIVERSAL_THRESHOLD); either falls back to string where trees do not fit.
   */
  readonly mode?: EncodingMode;
}

/**
 * SHA-256 over the database's files, main file first, each prefixed by its length: the bytes
 * the reader read (so a file changed since cannot give another digest), from disk otherwise.
 */
export function databaseDigest(db: MetamathDatabase): string {
  const h = createHash("sha256");
  const read = sourcesOf(db)?.bytes;
  for (const [i, f] of db.files.entries()) {
    const bytes = read?.[i] ?? readFileSync(f);
    h.update(`${bytes.length}:`);
    h.update(bytes);
  }
  return h.digest("hex");
}

export function encodeMetamath(
  db: MetamathDatabase,
  proofDag: ProofDagFn,
  options: EncodeOptions = {},
): MetamathEncoding {
  const theorems = db.statements.filter((s): s is Theorem => s.kind === "p");
  let targets: Theorem[];
  if (options.theorems) {
    targets = options.theorems.map((label) => {
      const i = db.labels.get(label);
      const s = i === undefined ? undefined : db.statements[i];
      if (!s || s.kind !== "p") {
        const what = s ? `a \`$${s.kind}\` statement, not a theorem ($p)` : "no statement";
        throw refuse(db, "BM0727", `\`${label}\` is ${what} of the database`, s, helpOf(theorems));
      }
      return s;
    });
  } else targets = theorems;
  if (!targets.length)
    throw refuse(db, "BM0728", `${basename(db.files[0])} has no theorem ($p) to prove`);
  const ordinal = new Map(theorems.map((t, i) => [t.index, i + 1]));
  const all = !options.theorems;
  const contexts = closure(db, targets, proofDag);
  const statement = statementOf(db, targets);
  const mode =
    options.mode ?? (treeRuleCount(db, contexts) > UNIVERSAL_THRESHOLD ? "universal" : "tree");
  if (mode === "universal") {
    try {
      return universalEncoding(db, contexts, targets, all, statement);
    } catch (e) {
      if (!(e instanceof TreeMismatch)) throw e;
    }
  } else if (mode === "tree") {
    try {
      return new TreeEncoder(db, contexts, ordinal, all, targets).encode(statement);
    } catch (e) {
      if (!(e instanceof TreeMismatch) || options.mode === "tree") throw e;
    }
  }
  return new StringEncoder(db, contexts, ordinal, all, targets).encode(statement);
}

/**
 * Above this many rules (treeRuleCount) the tree encoding gives way to the universal one by
 * default. Every rule of the tree encoding has slots in every segment, so a segment grows with
 * the rule count: hol.mm, every theorem, has 1,539 rules and a segment circom2 compiles in
 * minutes (bench/results/metamath-hol.md); nf.mm has 50,375 and a segment of about 1.1 million
 * constraints that it cannot compile (bench/results/shared-slots-nf.md). The universal rules
 * are 28 + 7 (K + 1) for constructors of up to K arguments (70 for nf.mm). 2,000 keeps every
 * shared file, hol.mm included, on the tree encoding, measured and smaller for them, and
 * sends larger databases (ql.mm: about 3,200; nf.mm, set.mm) to the universal one.
 */
export const UNIVERSAL_THRESHOLD = 2_000;

/**
 * The tree encoding's rule count, before building it: a rule per logical assertion used, per
 * context a qed, a rule per `$e` and two per active `$d` pair (the few fixed rules and the
 * `dvs`/`dvv` rules per constructor left out).
 */
export function treeRuleCount(db: MetamathDatabase, contexts: readonly Context[]): number {
  const syntax = new Set<number>();
  for (const s of db.statements) if (s.kind === "f") syntax.add(s.typecode);
  const used = new Set<number>();
  let rules = 0;
  for (const c of contexts) {
    rules += 1 + c.theorem.frame.essential.length + 2 * activeDisjoint(c.theorem).length;
    for (const n of c.dag.nodes) {
      const s = db.statements[n.statement];
      if ((s.kind === "a" || s.kind === "p") && !syntax.has(s.expression[0])) used.add(s.index);
    }
  }
  return rules + used.size;
}

function universalEncoding(
  db: MetamathDatabase,
  contexts: Context[],
  targets: Theorem[],
  all: boolean,
  statement: MetamathStatement,
): MetamathEncoding {
  const r = new UniversalEncoder(db, contexts, targets, all).encode();
  let proofSteps = 0;
  let dagNodes = 0;
  for (const c of contexts) {
    proofSteps += c.dag.steps;
    dagNodes += c.dag.nodes.length;
  }
  return {
    mode: "universal",
    rulesText: r.rulesText,
    proof: {},
    blocks: r.blocks,
    statement,
    goal: r.goal,
    stats: { contexts: contexts.length, proofSteps, dagNodes, terms: r.terms },
  };
}

function helpOf(theorems: readonly Theorem[]): string | undefined {
  if (!theorems.length) return "the database has no theorem ($p) at all";
  const shown = theorems.slice(0, 5).map((t) => t.label);
  return `its theorems: ${shown.join(", ")}${theorems.length > 5 ? ", ..." : ""}`;
}

function statementOf(db: MetamathDatabase, targets: Theorem[]): MetamathStatement {
  return {
    database: { file: basename(db.files[0]), digest: databaseDigest(db) },
    theorems: targets.map((t) => ({
      label: t.label,
      hypotheses: t.frame.essential.map((e) =>
        expressionText(db, db.statements[e].expression as never),
      ),
      conclusion: expressionText(db, t.expression),
    })),
  };
}

/** The targets and every theorem their proofs use, in database order, with their proof DAGs. */
function closure(db: MetamathDatabase, targets: Theorem[], proofDag: ProofDagFn): Context[] {
  const dags = new Map<number, ProofDag>();
  const todo = targets.map((t) => t.index);
  while (todo.length) {
    const i = todo.pop()!;
    if (dags.has(i)) continue;
    const dag = proofDag(db, i);
    // A proof that does not verify: the checker's diagnostic names the step.
    if (!("nodes" in dag)) throw new EncodeError(dag);
    dags.set(i, dag);
    for (const n of dag.nodes) {
      const s = db.statements[n.statement];
      if (s.kind === "p" && !dags.has(s.index)) todo.push(s.index);
    }
  }
  return [...dags.keys()]
    .sort((a, b) => a - b)
    .map((i) => ({ theorem: db.statements[i] as Theorem, dag: dags.get(i)! }));
}

const where = (db: MetamathDatabase, s: { location: { file: number; line: number } }) =>
  `${basename(db.files[s.location.file])}:${s.location.line}`;

/** Shared by both encodings: rule text assembly, contexts, goals, lets. */
abstract class Encoder {
  protected readonly out: string[] = [];
  protected readonly steps: ProofStep[] = [];
  protected readonly stepIds = new Set<string>();
  protected readonly ruleName = new Map<number, string>();
  protected readonly names = new Names(["goal", "all", "upto", "upto0"]);
  protected abstract readonly store: TermStore;
  protected readonly usedAssertions = new Set<number>();

  constructor(
    protected readonly db: MetamathDatabase,
    protected readonly contexts: Context[],
    protected readonly ordinal: Map<number, number>,
    protected readonly all: boolean,
    protected readonly targets: Theorem[],
  ) {}

  /**
   * The number of theorems before statement `index`: an axiom stated after theorem number j
   * may only be used in contexts after j (`j < c`), as Metamath allows only earlier statements.
   */
  protected theoremsBefore(index: number): number {
    let n = 0;
    for (const [i] of this.ordinal) if (i < index) n++;
    return n;
  }

  protected ctx(t: Theorem): number {
    return this.ordinal.get(t.index)!;
  }

  protected text(s: { expression: readonly number[] }): string {
    const t = expressionText(this.db, s.expression);
    return t.length > 200 ? `${t.slice(0, 200)} ...` : t;
  }

  protected addStep(step: ProofStep & { id: string }): string {
    if (!this.stepIds.has(step.id)) {
      this.stepIds.add(step.id);
      this.steps.push(step);
    }
    return step.id;
  }

  protected letName = (id: number) => `t${id}`;

  protected header(): string[] {
    const file = basename(this.db.files[0]);
    return [
      `// Generated by bmc from ${file}: the Metamath database as block-model rules (docs/metamath.md).`,
      `// Regenerated from the database by \`bmc verify --metamath\`; editing it changes nothing.`,
      "",
    ];
  }

  protected goalRules(): { rule: string; shown: string[] } {
    const o = this.out;
    o.push("");
    o.push("// The public goal: goal(i) for theorem number i (database order).");
    o.push("rule goal(i): -: lemma_ok(i, _).");
    if (this.all) {
      const n = this.ordinal.size;
      o.push(
        "// ok_upto(j): theorems 1..j (in database order) are proven.",
        "relation ok_upto(j).",
        "rule upto0(): ok_upto(0) -: .",
        "rule upto(j; i, k): ok_upto(j) -: ok_upto(i), lemma_ok(j, k), i + 1 == j.",
        `// Every one of the database's ${n} theorems.`,
        "rule all(n): -: ok_upto(n).",
      );
      let prev = this.addStep({ id: "upto0", rule: "upto0" });
      for (let j = 1; j <= n; j++) {
        prev = this.addStep({
          id: `upto${j}`,
          rule: "upto",
          args: { j },
          premises: [{ ref: prev }, { ref: `qed${j}` }],
        });
      }
      return { rule: "all", shown: [String(n)] };
    }
    return { rule: "goal", shown: [String(this.ctx(this.targets[0]))] };
  }

  protected finish(
    mode: "tree" | "string",
    statement: MetamathStatement,
    goal: { rule: string; shown: string[] },
  ): MetamathEncoding {
    const lets: Record<string, string> = {};
    this.store.nodes.forEach(
      (_, id) => (lets[this.letName(id)] = this.store.text(id, this.letName)),
    );
    const publicSteps: ProofStep[] = this.all
      ? [{ rule: "all", args: { n: Number(goal.shown[0]) } }]
      : this.targets.map((t) => ({ rule: "goal", args: { i: this.ctx(t) } }));
    let proofSteps = 0;
    let dagNodes = 0;
    for (const c of this.contexts) {
      proofSteps += c.dag.steps;
      dagNodes += c.dag.nodes.length;
    }
    return {
      mode,
      rulesText: this.out.join("\n") + "\n",
      proof: { let: lets, public: publicSteps, proofs: this.steps },
      statement,
      goal,
      stats: {
        contexts: this.contexts.length,
        proofSteps,
        dagNodes,
        terms: this.store.nodes.length,
      },
    };
  }
}

class TreeEncoder extends Encoder {
  private readonly trees = new ProofTrees(this.db);
  protected readonly grammar: Grammar = this.trees.grammar;
  protected readonly store: TermStore = this.trees.store;
  private readonly dvUsed = new Set<number>();

  private tree(expression: readonly number[], varTypes: Map<SymbolId, SymbolId>, what: string) {
    return this.trees.tree(expression, varTypes, what);
  }

  private isVarLeaf(ctor: number): boolean {
    return this.trees.isVarLeaf(ctor);
  }

  /** Rule-language text of a template tree: mandatory variables by name, the rest as terms. */
  private render(node: number, vars: Map<SymbolId, string>): string {
    const n = this.store.nodes[node];
    const c = this.store.ctors[n.ctor];
    if (this.isVarLeaf(n.ctor) && vars.has(n.args[0])) return vars.get(n.args[0])!;
    const args = n.args.map((a, j) =>
      c.argSorts[j] === "field" ? String(a) : this.render(a, vars),
    );
    return `${c.name}(${args.join(", ")})`;
  }

  encode(statement: MetamathStatement): MetamathEncoding {
    // Proof trees first: they decide which rules exist (and whether trees fit at all).
    const walked = this.contexts.map((c) => this.walk(c));
    this.out.push(...this.header());
    this.sortsText();
    this.out.push(
      "",
      "// proved(S, c, k): statement S holds in context c (the theorem numbered c, with its",
      "// hypotheses), by a derivation of depth k.",
      "relation proved(S, c, k).",
      "// lemma_ok(i, k): theorem number i is proven (from its hypotheses), at depth k.",
      "relation lemma_ok(i, k).",
    );
    this.dvRelations();
    this.out.push("", "// Assertions used by the proofs: one rule each.");
    for (const i of [...this.usedAssertions].sort((a, b) => a - b))
      this.assertionRule(this.db.statements[i] as Assertion);
    for (const [k, c] of this.contexts.entries()) this.contextRules(c, walked[k]);
    const goal = this.goalRules();
    return this.finish("tree", statement, goal);
  }

  private sortsText() {
    const o = this.out;
    o.push("// Expressions: one sort per typecode. Syntax axioms are constructors; variables are");
    o.push("// leaves v_<sort>(n), n the variable's symbol number; a `|-` statement is a shape");
    o.push("// (its constant tokens) applied to its phrases.");
    for (const s of this.grammar.sorts) {
      const ctors = s.ctors;
      o.push("", `// ${this.db.symbols[s.typecode].name}:`);
      for (const c of ctors)
        o.push(`//   ${this.store.ctors[c].name}: ${this.store.ctors[c].comment}`);
      if (!ctors.length) continue;
      const alts = ctors.map((c) => {
        const k = this.store.ctors[c];
        return k.argSorts.length ? `${k.name}(${k.argSorts.join(", ")})` : k.name;
      });
      o.push(`sort ${s.name} = ${alts.join(" | ")}.`);
    }
  }

  /** Trees of every node of a context's proof; the steps of its `|-` nodes. */
  private walk(c: Context): { root: number; hypRules: string[] } {
    const stepOf: (string | undefined)[] = [];
    const ctx = this.ctx(c.theorem);
    const hypRules: string[] = [];
    c.theorem.frame.essential.forEach(
      (e, j) => (hypRules[j] = this.names.take(`hyp_${c.theorem.label}_${j + 1}`, "h")),
    );
    const root = this.trees.walk(c, {
      hypothesis: (k, j, tree) => {
        stepOf[k] = this.addStep({
          id: `c${ctx}h${j}`,
          rule: hypRules[j],
          args: { E: this.letName(tree) },
        });
      },
      step: ({ k, assertion: s, sigma, essentialPremises }) => {
        const premiseSteps: { ref: string }[] = essentialPremises.map((p) => ({ ref: stepOf[p]! }));
        if (s.kind === "p") premiseSteps.push({ ref: `qed${this.ctx(s)}` });
        for (const [x, y] of s.frame.disjoint) {
          this.dvUsed.add(ctx);
          premiseSteps.push({ ref: this.dvsStep(ctx, sigma.get(x)!, sigma.get(y)!) });
        }
        this.usedAssertions.add(s.index);
        const args: Record<string, string | number> = { c: ctx };
        s.frame.variables.forEach((v) => (args[this.varName(s, v)] = this.letName(sigma.get(v)!)));
        stepOf[k] = this.addStep({
          id: `c${ctx}n${k}`,
          rule: this.ruleOf(s),
          args,
          premises: premiseSteps,
        });
      },
    });
    // A syntax theorem: its tree is the proof (term definitions are syntax derivations).
    const syntax = this.isSyntax(c.theorem);
    this.addStep({
      id: `qed${ctx}`,
      rule: this.qedName(c.theorem),
      args: { E: this.letName(root) },
      premises: syntax ? [] : [{ ref: stepOf[c.dag.root]! }],
    });
    return { root, hypRules };
  }

  private isSyntax(t: Assertion): boolean {
    return this.trees.isSyntax(t);
  }

  private qedNames = new Map<number, string>();
  private qedName(t: Theorem): string {
    let n = this.qedNames.get(t.index);
    if (!n) this.qedNames.set(t.index, (n = this.names.take(`qed_${t.label}`, "q")));
    return n;
  }

  private ruleOf(a: Assertion): string {
    let n = this.ruleName.get(a.index);
    if (!n) this.ruleName.set(a.index, (n = this.names.take(a.label, "r")));
    return n;
  }

  private varNames = new Map<number, Map<SymbolId, string>>();
  private varsOf(a: Assertion): Map<SymbolId, string> {
    let m = this.varNames.get(a.index);
    if (!m) {
      const local = new Names(["c", "k", "E"]);
      m = new Map(a.frame.variables.map((v) => [v, local.take(this.db.symbols[v].name, "x")]));
      this.varNames.set(a.index, m);
    }
    return m;
  }
  private varName(a: Assertion, v: SymbolId): string {
    return this.varsOf(a).get(v)!;
  }

  private assertionRule(a: Assertion) {
    const tpl = this.trees.template(a);
    const vars = this.varsOf(a);
    const hyps = tpl.hyps.map((h) => this.render(h, vars));
    const concl = this.render(tpl.concl, vars);
    const depthVars = hyps.map((_, j) => `k${j + 1}`);
    const lemma = a.kind === "p";
    if (lemma) depthVars.push("k0");
    const body = hyps.map((h, j) => `proved(${h}, c, k${j + 1})`);
    if (lemma) body.push(`lemma_ok(${this.ctx(a)}, k0)`);
    for (const [x, y] of a.frame.disjoint) {
      const relation = this.dvsRelation(this.varSort(a, x), this.varSort(a, y));
      body.push(`${relation}(c, ${vars.get(x)}, ${vars.get(y)})`);
    }
    body.push(...depthVars.map((k) => `${k} < k`));
    if (lemma) body.push(`${this.ctx(a)} < c`);
    else if (this.theoremsBefore(a.index) > 0) body.push(`${this.theoremsBefore(a.index)} < c`);
    const k = depthVars.length ? "k" : "0";
    const hidden = depthVars.length ? `; k, ${depthVars.join(", ")}` : "";
    const o = this.out;
    o.push(
      "",
      `// ${a.label} (${a.kind === "p" ? "theorem" : "axiom"}, ${where(this.db, a)}): ${this.text(a)}`,
    );
    for (const e of a.frame.essential)
      o.push(`//   hypothesis ${this.db.statements[e].label}: ${this.text(this.db.statements[e])}`);
    if (a.frame.disjoint.length) {
      o.push(
        `//   $d ${a.frame.disjoint.map(([x, y]) => `${this.db.symbols[x].name} ${this.db.symbols[y].name}`).join(", ")}`,
      );
    }
    o.push(
      `rule ${this.ruleOf(a)}(c, ${[...vars.values()].join(", ")}${hidden}): proved(${concl}, c, ${k}) -: ${body.join(", ")}.`
        .replace("(c, )", "(c)")
        .replace("(c, ;", "(c;"),
    );
  }

  private contextRules(c: Context, w: { hypRules: string[] }) {
    const t = c.theorem;
    const ctx = this.ctx(t);
    const types = frameVarTypes(this.db, t);
    const none = new Map<SymbolId, string>();
    const o = this.out;
    o.push(
      "",
      `// Context ${ctx}: the proof of ${t.label} (${where(this.db, t)}): ${this.text(t)}`,
    );
    t.frame.essential.forEach((e, j) => {
      const h = this.db.statements[e];
      const tree = this.tree(h.expression, types, t.label);
      o.push(`// ${h.label}: ${this.text(h)}`);
      o.push(`rule ${w.hypRules[j]}(E): proved(E, ${ctx}, 0) -: E = ${this.render(tree, none)}.`);
    });
    for (const [n, [x, y]] of activeDisjoint(t).entries()) {
      if (!this.dvUsed.has(ctx)) break;
      const name = (v: number) => this.db.symbols[v].name;
      o.push(
        `rule dv_${ctx}_${2 * n + 1}(): dvpair(${ctx}, ${x}, ${y}) -: .  // $d ${name(x)} ${name(y)}`,
      );
      o.push(`rule dv_${ctx}_${2 * n + 2}(): dvpair(${ctx}, ${y}, ${x}) -: .`);
    }
    const concl = this.tree(t.expression, types, t.label);
    if (this.isSyntax(t)) {
      o.push(`// A syntax theorem: the definition of its tree is its proof.`);
      o.push(`rule ${this.qedName(t)}(E): lemma_ok(${ctx}, 0) -: E = ${this.render(concl, none)}.`);
      return;
    }
    o.push(
      `rule ${this.qedName(t)}(E; k): lemma_ok(${ctx}, k) -: E = ${this.render(concl, none)}, proved(E, ${ctx}, k).`,
    );
  }

  /**
   * The `$d` relations, typed by sort so that each recursion descends within its sort's term
   * depths (docs/metamath.md): `dvs_<σ>_<τ>(c, X, Y)` for X of sort σ and Y of sort τ,
   * `dvv_<τ>(c, a, Y)` for a variable a and Y of sort τ. Only the sort pairs the used
   * assertions' `$d`s reach are generated.
   */
  private dvRelations() {
    const { pairs, targets } = this.dvSorts();
    if (!pairs.length) return;
    const names = new Names([
      ...this.store.ctors.map((k) => k.name),
      ...this.grammar.sorts.map((s) => s.name),
      ...["proved", "lemma_ok", "ok_upto", "dvpair"],
    ]);
    for (const [σ, τ] of pairs)
      this.dvsRelations.set(`${σ} ${τ}`, names.take(`dvs_${σ}_${τ}`, "dvs"));
    for (const τ of targets) this.dvvRelations.set(τ, names.take(`dvv_${τ}`, "dvv"));
    const o = this.out;
    o.push(
      "",
      "// Distinct variables. dvpair(c, a, b): context c keeps variables a and b apart ($d).",
      "// dvs_S_T(c, X, Y): X of sort S, Y of sort T, and every variable of X and every variable",
      "// of Y are kept apart in c; dvv_T(c, a, Y): variable a and every variable of Y (sort T)",
      "// are. Each recurses on the arguments of its term's definition, whose depths in their",
      "// own sorts are smaller: the recursion is well founded.",
      "relation dvpair(c, a, b).",
      ...pairs.map(([σ, τ]) => `relation ${this.dvsRelation(σ, τ)}(c, X, Y).`),
      ...targets.map((τ) => `relation ${this.dvvRelation(τ)}(c, a, Y).`),
    );
    for (const [σ, τ] of pairs) {
      for (const ci of this.sortNamed(σ).ctors) {
        const k = this.store.ctors[ci];
        const concl = `${this.dvsRelation(σ, τ)}(c, X, Y)`;
        if (this.isVarLeaf(ci)) {
          o.push(
            `rule ${this.dvsRule(τ, ci)}(c, X, Y; a): ${concl} -: X = ${k.name}(a), ${this.dvvRelation(τ)}(c, a, Y).`,
          );
          continue;
        }
        const { header, term, sorted } = this.dvArgs(k);
        const hyps = sorted.map(([x, s]) => `, ${this.dvsRelation(s, τ)}(c, ${x}, Y)`);
        o.push(
          `rule ${this.dvsRule(τ, ci)}(c, X, Y${header}): ${concl} -: X = ${term}${hyps.join("")}.`,
        );
      }
    }
    for (const τ of targets) {
      for (const ci of this.sortNamed(τ).ctors) {
        const k = this.store.ctors[ci];
        const concl = `${this.dvvRelation(τ)}(c, a, Y)`;
        if (this.isVarLeaf(ci)) {
          o.push(
            `rule ${this.dvvRule(ci)}(c, a, Y; b): ${concl} -: Y = ${k.name}(b), dvpair(c, a, b).`,
          );
          continue;
        }
        const { header, term, sorted } = this.dvArgs(k);
        const hyps = sorted.map(([x, s]) => `, ${this.dvvRelation(s)}(c, a, ${x})`);
        o.push(
          `rule ${this.dvvRule(ci)}(c, a, Y${header}): ${concl} -: Y = ${term}${hyps.join("")}.`,
        );
      }
    }
  }

  /** Hidden argument variables of a constructor's `$d` rules, its term, its sorted arguments. */
  private dvArgs(k: { name: string; argSorts: readonly string[] }) {
    const xs = k.argSorts.map((_, j) => `A${j + 1}`);
    return {
      header: xs.length ? `; ${xs.join(", ")}` : "",
      term: `${k.name}(${xs.join(", ")})`,
      sorted: k.argSorts.flatMap((s, j) => (s === "field" ? [] : [[xs[j], s] as const])),
    };
  }

  /** Sort pairs (σ, τ) of `dvs` and sorts τ of `dvv` the used assertions' `$d`s reach. */
  private dvSorts(): { pairs: [string, string][]; targets: string[] } {
    const pairs = new Map<string, [string, string]>();
    const todo: [string, string][] = [];
    const add = (σ: string, τ: string) => {
      if (pairs.has(`${σ} ${τ}`)) return;
      pairs.set(`${σ} ${τ}`, [σ, τ]);
      todo.push([σ, τ]);
    };
    for (const i of [...this.usedAssertions].sort((a, b) => a - b)) {
      const a = this.db.statements[i] as Assertion;
      for (const [x, y] of a.frame.disjoint) add(this.varSort(a, x), this.varSort(a, y));
    }
    while (todo.length) {
      const [σ, τ] = todo.shift()!;
      for (const ci of this.sortNamed(σ).ctors)
        for (const s of this.store.ctors[ci].argSorts) if (s !== "field") add(s, τ);
    }
    const targets = new Set<string>();
    const reach = (τ: string) => {
      if (targets.has(τ)) return;
      targets.add(τ);
      for (const ci of this.sortNamed(τ).ctors)
        for (const s of this.store.ctors[ci].argSorts) if (s !== "field") reach(s);
    };
    for (const [, τ] of pairs.values()) reach(τ);
    return { pairs: [...pairs.values()], targets: [...targets] };
  }

  private varSort(a: Assertion, v: SymbolId): string {
    return this.grammar.sortOf.get(frameVarTypes(this.db, a).get(v)!)!;
  }

  private sortNamed(name: string) {
    return this.grammar.sorts.find((s) => s.name === name)!;
  }

  private readonly dvsRelations = new Map<string, string>();
  private readonly dvvRelations = new Map<string, string>();
  private dvsRelation(σ: string, τ: string): string {
    return this.dvsRelations.get(`${σ} ${τ}`)!;
  }
  private dvvRelation(τ: string): string {
    return this.dvvRelations.get(τ)!;
  }

  /** Rule names of the `$d` rules: per constructor of X and sort of Y, per constructor of Y. */
  private readonly dvRules = new Map<string, string>();
  private dvsRule(τ: string, ctor: number): string {
    return this.dvRule(`dvs ${τ} ${ctor}`, `dvs_${this.store.ctors[ctor].name}_${τ}`);
  }
  private dvvRule(ctor: number): string {
    return this.dvRule(`dvv ${ctor}`, `dvv_${this.store.ctors[ctor].name}`);
  }
  private dvRule(key: string, raw: string): string {
    let n = this.dvRules.get(key);
    if (!n) this.dvRules.set(key, (n = this.names.take(raw, "dv")));
    return n;
  }

  private dvsStep(ctx: number, x: number, y: number): string {
    const id = `dvs${ctx}_${x}_${y}`;
    if (this.stepIds.has(id)) return id;
    const n = this.store.nodes[x];
    const k = this.store.ctors[n.ctor];
    const premises = this.isVarLeaf(n.ctor)
      ? [{ ref: this.dvvStep(ctx, n.args[0], y) }]
      : n.args.flatMap((a, j) =>
          k.argSorts[j] === "field" ? [] : [{ ref: this.dvsStep(ctx, a, y) }],
        );
    return this.addStep({
      id,
      rule: this.dvsRule(this.store.ctors[this.store.nodes[y].ctor].sort, n.ctor),
      args: { c: ctx, X: this.letName(x), Y: this.letName(y) },
      premises,
    });
  }

  private dvvStep(ctx: number, a: number, y: number): string {
    const id = `dvv${ctx}_${a}_${y}`;
    if (this.stepIds.has(id)) return id;
    const n = this.store.nodes[y];
    const k = this.store.ctors[n.ctor];
    let premises: { ref: string }[];
    if (this.isVarLeaf(n.ctor)) {
      const b = n.args[0];
      const c = this.contexts.find((cc) => this.ctx(cc.theorem) === ctx)!;
      const pairs = activeDisjoint(c.theorem);
      const at = pairs.findIndex(([p, q]) => (p === a && q === b) || (p === b && q === a));
      // The proof checker has checked every $d on the same variables (a tree's leaves are the
      // variables of its yield).
      if (at < 0)
        throw new Error(`${c.theorem.label}: variables ${a} and ${b} are not kept apart (a bug)`);
      const rule = `dv_${ctx}_${2 * at + (pairs[at][0] === a ? 1 : 2)}`;
      premises = [{ ref: this.addStep({ id: `dvp${ctx}_${a}_${b}`, rule }) }];
    } else {
      premises = n.args.flatMap((arg, j) =>
        k.argSorts[j] === "field" ? [] : [{ ref: this.dvvStep(ctx, a, arg) }],
      );
    }
    return this.addStep({
      id,
      rule: this.dvvRule(n.ctor),
      args: { c: ctx, a, Y: this.letName(y) },
      premises,
    });
  }
}
class StringEncoder extends Encoder {
  protected readonly store = new TermStore();
  private readonly cons = 1;
  private readonly nil = this.initStore();

  private initStore(): number {
    this.store.addConstructor({
      name: "nil",
      sort: "str",
      argSorts: [],
      comment: "the empty string",
    });
    this.store.addConstructor({
      name: "cons",
      sort: "str",
      argSorts: ["field", "str"],
      comment: "a symbol, then a string",
    });
    return this.store.node(0, []);
  }

  private list(symbols: readonly number[], tail?: number): number {
    let r = tail ?? this.nil;
    for (let i = symbols.length - 1; i >= 0; i--) r = this.store.node(this.cons, [symbols[i], r]);
    return r;
  }

  private symbolsOf(node: number): number[] {
    const out: number[] = [];
    for (let n = this.store.nodes[node]; n.ctor === this.cons; n = this.store.nodes[n.args[1]])
      out.push(n.args[0]);
    return out;
  }

  encode(statement: MetamathStatement): MetamathEncoding {
    this.refuseDisjoint();
    for (const c of this.contexts) this.walk(c);
    const o = this.out;
    o.push(...this.header());
    o.push(
      "// Expressions are strings of symbols (symbol numbers), typecode first.",
      "sort str = nil | cons(field, str).",
      "",
      "// app(X, Y, Z): Z is X followed by Y. One block per symbol of X (well founded: X is a",
      "// shorter string at every step).",
      "relation app(X, Y, Z).",
      "rule app_nil(X, Y): app(X, Y, Y) -: X = nil().",
      "rule app_cons(X, Y, Z; h, X1, Z1): app(X, Y, Z) -: X = cons(h, X1), Z = cons(h, Z1), app(X1, Y, Z1).",
      "",
      "// proved(S, c, k): string S (typecode first) is derivable in context c at depth k.",
      "relation proved(S, c, k).",
      "relation lemma_ok(i, k).",
    );
    o.push("", "// Symbols: " + this.db.symbols.map((s) => `${s.id} ${s.name}`).join(", "));
    o.push("", "// Floating hypotheses and assertions used by the proofs: one rule each.");
    for (const i of [...this.usedAssertions].sort((a, b) => a - b)) this.statementRule(i);
    for (const c of this.contexts) this.contextRules(c);
    const goal = this.goalRules();
    return this.finish("string", statement, goal);
  }

  /**
   * String rules cannot check `$d` conditions, so a proof that uses an assertion with any is
   * refused, whatever the theorem's own `$d`s: a rule without the check would let a proof of
   * any theorem in the transcript apply the assertion to variables it must keep apart.
   */
  private refuseDisjoint() {
    for (const c of this.contexts) {
      for (const n of c.dag.nodes) {
        const s = this.db.statements[n.statement];
        if ((s.kind !== "a" && s.kind !== "p") || !s.frame.disjoint.length) continue;
        throw refuse(
          this.db,
          "BM0729",
          `${c.theorem.label}: its proof uses \`${s.label}\`, which has $d conditions, and the database's grammar gives this proof no trees (the string encoding cannot check $d)`,
          c.theorem,
          `\`${s.label}\` is at ${where(this.db, s)}; the tree encoding needs every expression of the proof to have one parse by the syntax axioms`,
        );
      }
    }
  }

  /** A template as rule text: constants consed, each variable joined by an `app` hypothesis. */
  private templateText(
    expr: readonly number[],
    vars: Map<SymbolId, string>,
    apps: string[],
    hidden: string[],
  ): string {
    let cur = "nil()";
    for (let i = expr.length - 1; i >= 0; i--) {
      const v = vars.get(expr[i]);
      if (v === undefined) cur = `cons(${expr[i]}, ${cur})`;
      else if (cur === "nil()") cur = v;
      else {
        const r = `R${hidden.length + 1}`;
        hidden.push(r);
        apps.push(`app(${v}, ${cur}, ${r})`);
        cur = r;
      }
    }
    return cur;
  }

  /** The app steps a template needs under a substitution (same order as templateText). */
  private templateApps(
    expr: readonly number[],
    sigma: Map<SymbolId, number>,
    refs: { ref: string }[],
  ): number {
    let cur = this.nil;
    let empty = true; // as templateText's "nil()": nothing placed yet
    for (let i = expr.length - 1; i >= 0; i--) {
      const v = sigma.get(expr[i]);
      if (v === undefined) cur = this.store.node(this.cons, [expr[i], cur]);
      else if (empty) cur = v;
      else {
        refs.push({ ref: this.appStep(v, cur) });
        cur = this.list(this.symbolsOf(v), cur);
      }
      empty = false;
    }
    return cur;
  }

  private appStep(x: number, y: number): string {
    const id = `app${x}_${y}`;
    if (this.stepIds.has(id)) return id;
    const n = this.store.nodes[x];
    if (n.ctor !== this.cons)
      return this.addStep({
        id,
        rule: "app_nil",
        args: { X: this.letName(x), Y: this.letName(y) },
      });
    const premise = this.appStep(n.args[1], y);
    return this.addStep({
      id,
      rule: "app_cons",
      args: { X: this.letName(x), Y: this.letName(y) },
      premises: [{ ref: premise }],
    });
  }

  private varsOf(s: { frame?: Assertion["frame"] }, index: number): Map<SymbolId, string> {
    const a = this.db.statements[index];
    if (a.kind !== "a" && a.kind !== "p") return new Map();
    const local = new Names(["c", "k", "E", "R"]);
    return new Map(a.frame.variables.map((v) => [v, local.take(this.db.symbols[v].name, "x")]));
  }

  private ruleOf(index: number): string {
    let n = this.ruleName.get(index);
    if (!n) this.ruleName.set(index, (n = this.names.take(this.db.statements[index].label, "r")));
    return n;
  }

  private walk(c: Context) {
    const { db } = this;
    const ctx = this.ctx(c.theorem);
    const stepOf: string[] = [];
    const hypIndex = new Map(c.theorem.frame.essential.map((e, j) => [e, j]));
    c.dag.nodes.forEach((node, k) => {
      const s = db.statements[node.statement];
      const expr = this.list(node.expression);
      if (s.kind === "f") {
        this.usedAssertions.add(s.index);
        stepOf[k] = this.addStep({
          id: `f${s.index}`,
          rule: this.ruleOf(s.index),
          args: { c: ctx, E: this.letName(expr) },
        });
        return;
      }
      if (s.kind === "e") {
        const j = hypIndex.get(s.index)!;
        stepOf[k] = this.addStep({
          id: `c${ctx}h${j}`,
          rule: `hyp_${ctx}_${j + 1}`,
          args: { E: this.letName(expr) },
        });
        return;
      }
      this.usedAssertions.add(s.index);
      const sigma = new Map<SymbolId, number>();
      s.frame.variables.forEach((v, j) => sigma.set(v, this.list(node.substitution[j])));
      const premises: { ref: string }[] = node.premises.map((p) => ({ ref: stepOf[p] }));
      if (s.kind === "p") premises.push({ ref: `qed${this.ctx(s)}` });
      for (const h of s.frame.hypotheses)
        this.templateApps(db.statements[h].expression, sigma, premises);
      const concl = this.templateApps(s.expression, sigma, premises);
      if (concl !== expr)
        throw new Error(`string encoding: ${s.label} does not rebuild its conclusion (a bug)`);
      const vars = this.varsOf(s, s.index);
      const args: Record<string, string | number> = { c: ctx, E: this.letName(expr) };
      for (const [v, name] of vars) args[name] = this.letName(sigma.get(v)!);
      stepOf[k] = this.addStep({ id: `c${ctx}n${k}`, rule: this.ruleOf(s.index), args, premises });
    });
    this.addStep({
      id: `qed${ctx}`,
      rule: `qed_${ctx}`,
      args: { E: this.letName(this.list(c.theorem.expression)) },
      premises: [{ ref: stepOf[c.dag.root] }],
    });
  }

  private statementRule(index: number) {
    const s = this.db.statements[index];
    const o = this.out;
    o.push("", `// ${s.label} (${where(this.db, s)}): ${this.text(s)}`);
    if (s.kind === "f") {
      o.push(
        `rule ${this.ruleOf(index)}(c, E): proved(E, c, 0) -: E = ${this.templateText(s.expression, new Map(), [], [])}.`,
      );
      return;
    }
    if (s.kind !== "a" && s.kind !== "p") return;
    const vars = this.varsOf(s, index);
    const apps: string[] = [];
    const hidden: string[] = [];
    const hyps = s.frame.hypotheses.map((h) =>
      this.templateText(this.db.statements[h].expression, vars, apps, hidden),
    );
    const concl = this.templateText(s.expression, vars, apps, hidden);
    const depth = hyps.map((_, j) => `k${j + 1}`);
    const lemma = s.kind === "p";
    if (lemma) depth.push("k0");
    const body = hyps.map((h, j) => `proved(${h}, c, k${j + 1})`);
    if (lemma) body.push(`lemma_ok(${this.ctx(s)}, k0)`);
    body.push(...apps, ...depth.map((k) => `${k} < k`));
    if (lemma) body.push(`${this.ctx(s)} < c`);
    else if (this.theoremsBefore(s.index) > 0) body.push(`${this.theoremsBefore(s.index)} < c`);
    const k = depth.length ? "k" : "0";
    const shown = ["c", ...vars.values()].join(", ");
    const hid = ["E", ...(depth.length ? ["k", ...depth] : []), ...hidden];
    o.push(
      `rule ${this.ruleOf(index)}(${shown}; ${hid.join(", ")}): proved(E, c, ${k}) -: ${[`E = ${concl}`, ...body].join(", ")}.`,
    );
  }

  private contextRules(c: Context) {
    const t = c.theorem;
    const ctx = this.ctx(t);
    const o = this.out;
    o.push(
      "",
      `// Context ${ctx}: the proof of ${t.label} (${where(this.db, t)}): ${this.text(t)}`,
    );
    t.frame.essential.forEach((e, j) => {
      const h = this.db.statements[e];
      o.push(`// ${h.label}: ${this.text(h)}`);
      o.push(
        `rule hyp_${ctx}_${j + 1}(E): proved(E, ${ctx}, 0) -: E = ${this.templateText(h.expression, new Map(), [], [])}.`,
      );
    });
    o.push(
      `rule qed_${ctx}(E; k): lemma_ok(${ctx}, k) -: E = ${this.templateText(t.expression, new Map(), [], [])}, proved(E, ${ctx}, k).`,
    );
  }
}
