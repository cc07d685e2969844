/**
 * The proof checker: runs each proof's steps on a stack, as the Metamath spec (section 4.3)
 * defines it. An assertion step pops its mandatory hypotheses, finds the substitution from the
 * `$f` ones (typecodes must agree), checks that the substituted `$e` ones are what was popped,
 * checks the assertion's `$d` pairs against the theorem's active `$d` pairs, and pushes the
 * substituted conclusion. At the end the stack holds exactly the theorem's statement.
 *
 * Expressions on the stack are Int32Arrays of symbol ids; a variable's substitution is the
 * stack entry of its `$f` without its typecode, so filling a hypothesis copies nothing.
 */
import type { Code } from "../diagnostics/codes.js";
import { diagnostic } from "../diagnostics/diagnostic.js";
import { span } from "../diagnostics/source.js";
import { Lexer } from "./lexer.js";
import {
  expressionText,
  type Assertion,
  type Expression,
  type MetamathDatabase,
  type MetamathDiagnostic,
  type MetamathVerifyOptions,
  type MetamathVerifyResult,
  type ProofDag,
  type ProofNode,
  type SymbolId,
  type Theorem,
} from "./model.js";
import { pairKey, sourcesOf } from "./reader.js";

/** An assertion compiled for fast application: variables become -(slot + 1). */
interface Compiled {
  readonly template: Int32Array;
  readonly slots: number;
  /** Per mandatory hypothesis: its slot for a `$f`, -1 for a `$e`. */
  readonly hypothesisSlot: Int32Array;
  readonly hypothesisTypecode: Int32Array;
  /** Per mandatory hypothesis: the compiled `$e` expression (empty for a `$f`). */
  readonly hypothesisTemplate: readonly Int32Array[];
  /** Slot pairs of the mandatory `$d` conditions, flattened. */
  readonly disjointSlots: Int32Array;
}

const EMPTY = new Int32Array(0);
const NO_SHARING = new Map<string, number>();

class VerifyFailure {
  constructor(
    readonly code: Code,
    readonly message: string,
    readonly step: number,
    readonly extra: Partial<MetamathDiagnostic> = {},
  ) {}
}

/** Everything one database's proofs share while being checked. */
export class ProofChecker {
  private readonly compiled: (Compiled | undefined)[];
  private readonly isVariable: Uint8Array;

  constructor(readonly db: MetamathDatabase) {
    this.isVariable = new Uint8Array(db.symbols.length);
    this.compiled = new Array(db.statements.length).fill(undefined);
    this.slotOfSymbol = new Int32Array(db.symbols.length);
    for (const s of db.symbols) if (s.kind === "variable") this.isVariable[s.id] = 1;
    // Hypotheses live at the bottom of the arena for good: pushing one costs nothing.
    this.hypothesisAt = new Int32Array(db.statements.length).fill(-1);
    this.hypothesisCount = new Int32Array(db.statements.length).fill(-1);
    for (const st of db.statements) {
      if (st.kind === "f" || st.kind === "e")
        this.hypothesisAt[st.index] = this.push(st.expression);
      else this.hypothesisCount[st.index] = st.frame.hypotheses.length;
    }
    this.base = this.top;
  }

  /** Per statement: the arena offset of a hypothesis' expression, -1 for an assertion. */
  private readonly hypothesisAt: Int32Array;
  /** Per statement: an assertion's number of mandatory hypotheses, -1 for a hypothesis. */
  private readonly hypothesisCount: Int32Array;
  /** Where each proof's working memory starts (above the hypotheses). */
  private readonly base: number;

  /** Checks one theorem; returns a diagnostic when its proof is wrong. */
  check(theorem: Theorem): MetamathDiagnostic | undefined {
    try {
      this.run(theorem, false);
      return undefined;
    } catch (e) {
      if (!(e instanceof VerifyFailure)) throw e;
      return this.diagnosticOf(theorem, e);
    }
  }

  /** The verified proof of one theorem as a DAG (identical subproofs shared when `share`). */
  dag(theorem: Theorem, share = true): ProofDag | MetamathDiagnostic {
    try {
      return this.run(theorem, true, share)!;
    } catch (e) {
      if (!(e instanceof VerifyFailure)) throw e;
      return this.diagnosticOf(theorem, e);
    }
  }

  /** Scratch: per symbol, its slot + 1 in the assertion being compiled (0: a constant). */
  private slotOfSymbol: Int32Array;

  private compile(a: Assertion): Compiled {
    const cached = this.compiled[a.index];
    if (cached) return cached;
    const slotOf = this.slotOfSymbol;
    const variables = a.frame.variables;
    for (let i = 0; i < variables.length; i++) slotOf[variables[i]] = i + 1;
    const convert = (e: Expression) => {
      const out = new Int32Array(e.length);
      for (let i = 0; i < e.length; i++) out[i] = slotOf[e[i]] > 0 ? -slotOf[e[i]] : e[i];
      return out;
    };
    const hypotheses = a.frame.hypotheses;
    const n = hypotheses.length;
    const hypothesisSlot = new Int32Array(n);
    const hypothesisTypecode = new Int32Array(n);
    const hypothesisTemplate: Int32Array[] = [];
    for (let i = 0; i < n; i++) {
      const hyp = this.db.statements[hypotheses[i]];
      if (hyp.kind === "f") {
        hypothesisSlot[i] = slotOf[hyp.variable] - 1;
        hypothesisTypecode[i] = hyp.typecode;
        hypothesisTemplate.push(EMPTY);
      } else {
        hypothesisSlot[i] = -1;
        hypothesisTemplate.push(convert(hyp.expression));
      }
    }
    const disjoint = a.frame.disjoint;
    const disjointSlots = new Int32Array(disjoint.length * 2);
    for (let i = 0; i < disjoint.length; i++) {
      disjointSlots[2 * i] = slotOf[disjoint[i][0]] - 1;
      disjointSlots[2 * i + 1] = slotOf[disjoint[i][1]] - 1;
    }
    const c = {
      template: convert(a.expression),
      slots: variables.length,
      hypothesisSlot,
      hypothesisTypecode,
      hypothesisTemplate,
      disjointSlots,
    };
    for (let i = 0; i < variables.length; i++) slotOf[variables[i]] = 0;
    this.compiled[a.index] = c;
    return c;
  }

  /** The working memory of a proof: expressions stored as [length, symbols...] at an offset. */
  private arena: Int32Array = new Int32Array(1 << 16);
  private top = 0;

  /** Room for `n` more ints at `top`; returns the (possibly new) arena. */
  private reserve(n: number): Int32Array {
    if (this.top + n > this.arena.length) {
      const bigger = new Int32Array(Math.max(this.arena.length * 2, this.top + n));
      bigger.set(this.arena.subarray(0, this.top));
      this.arena = bigger;
    }
    return this.arena;
  }

  private push(expression: Expression): number {
    const at = this.top;
    const arena = this.reserve(expression.length + 1);
    arena[at] = expression.length;
    for (let i = 0; i < expression.length; i++) arena[at + 1 + i] = expression[i];
    this.top = at + 1 + expression.length;
    return at;
  }

  /** The expression stored at `at`, as symbol ids. */
  private expressionAt(at: number): SymbolId[] {
    return Array.from(this.arena.subarray(at + 1, at + 1 + this.arena[at]));
  }

  /** Stack depths alone, first: metamath-exe reports these errors before any unification. */
  private checkShape(theorem: Theorem): void {
    const steps = theorem.proof.steps;
    const counts = this.hypothesisCount;
    let depth = 0;
    for (let i = 0; i < steps.length; i++) {
      const s = steps[i];
      const n = s < 0 ? -1 : counts[s];
      if (n >= 0) {
        if (depth < n)
          throw new VerifyFailure(
            "BM0722",
            `\`${this.db.statements[s].label}\` needs ${n} hypothes${n === 1 ? "is" : "es"} but the stack holds ${depth}`,
            i + 1,
            { expected: `${n} expressions`, found: `${depth}` },
          );
        depth -= n;
      }
      depth++;
    }
    if (depth !== 1)
      throw new VerifyFailure(
        "BM0724",
        `the proof of \`${theorem.label}\` ends with ${depth} expressions on the stack instead of one`,
        steps.length,
        { expected: "1 expression", found: `${depth}` },
      );
  }

  private run(theorem: Theorem, wantDag: boolean, share = true): ProofDag | undefined {
    this.checkShape(theorem);
    const statements = this.db.statements;
    const steps = theorem.proof.steps;
    if (this.results.length < steps.length) {
      this.results = new Int32Array(steps.length * 2);
      this.stack = new Int32Array(steps.length * 2);
    }
    const results = this.results;
    const stack = this.stack;
    let depth = 0;
    this.top = this.base;
    const hypothesisAt = this.hypothesisAt;
    const counts = this.hypothesisCount;
    this.allowed = undefined;
    // DAG bookkeeping, only when asked for.
    const nodes: ProofNode[] = [];
    const nodeOfStep: number[] = [];
    const nodeStack: number[] = [];
    const shared = wantDag && share ? new Map<string, number>() : NO_SHARING;
    for (let i = 0; i < steps.length; i++) {
      const s = steps[i];
      let result: number;
      if (s < 0) {
        result = results[-s - 1];
        if (wantDag) nodeStack.push(nodeOfStep[-s - 1]);
      } else if (hypothesisAt[s] >= 0) {
        result = hypothesisAt[s];
        if (wantDag) nodeStack.push(this.node(nodes, shared, share, s, [], result, [], i + 1));
      } else {
        result = this.apply(s, depth, i + 1, theorem);
        depth -= counts[s];
        if (wantDag) {
          const premises = nodeStack.splice(depth, counts[s]);
          const variables = (statements[s] as Assertion).frame.variables;
          const substitution = variables.map((_, k) => this.expressionAt(this.subs[k]).slice(1));
          nodeStack.push(this.node(nodes, shared, share, s, premises, result, substitution, i + 1));
        }
      }
      results[i] = result;
      stack[depth++] = result;
      if (wantDag) nodeOfStep[i] = nodeStack[nodeStack.length - 1];
    }
    if (!this.equal(stack[0], theorem.expression))
      throw new VerifyFailure(
        "BM0725",
        `the proof of \`${theorem.label}\` proves something else than its statement`,
        steps.length,
        {
          expected: expressionText(this.db, theorem.expression),
          found: this.text(stack[0]),
        },
      );
    if (!wantDag) return undefined;
    return {
      theorem: theorem.index,
      nodes,
      root: nodeStack[0],
      steps: steps.length,
      stepNodes: nodeOfStep,
    };
  }

  /** Scratch, per step of the proof being checked: its result, and the stack. */
  private results: Int32Array = new Int32Array(1024);
  private stack: Int32Array = new Int32Array(1024);

  /** The theorem's active $d pairs as keys, built when a step first needs them. */
  private allowed: Set<number> | undefined;

  /**
   * Applies assertion `s` to the top `depth` entries of the stack: fills `subs` from its `$f`
   * hypotheses, checks its `$e` hypotheses and `$d` pairs, and writes its conclusion. A small
   * function of its own so that V8 optimizes it early (it is the whole cost of a proof).
   */
  private apply(s: number, depth: number, step: number, theorem: Theorem): number {
    const statement = this.db.statements[s] as Assertion;
    const c = this.compiled[s] ?? this.compile(statement);
    const stack = this.stack;
    const n = c.hypothesisSlot.length;
    const base = depth - n;
    const subs =
      this.subs.length >= c.slots ? this.subs : (this.subs = new Int32Array(c.slots * 2));
    for (let j = 0; j < n; j++) {
      const slot = c.hypothesisSlot[j];
      if (slot < 0) continue;
      const entry = stack[base + j];
      if (this.arena[entry + 1] !== c.hypothesisTypecode[j])
        this.mismatch(statement, j, entry, step);
      subs[slot] = entry;
    }
    for (let j = 0; j < n; j++) {
      if (c.hypothesisSlot[j] >= 0) continue;
      if (!matches(this.arena, c.hypothesisTemplate[j], stack[base + j], subs))
        this.mismatch(statement, j, stack[base + j], step);
    }
    if (c.disjointSlots.length > 0) {
      this.allowed ??= new Set(theorem.activeDisjointKeys);
      this.checkDisjoint(statement, c, this.allowed, step);
    }
    return this.substitute(c.template, subs);
  }

  /** Scratch: per slot of the assertion being applied, the offset of its `$f`'s stack entry. */
  private subs: Int32Array = new Int32Array(64);

  /** Writes `template` with `subs` substituted at the top of the arena. */
  private substitute(template: Int32Array, subs: Int32Array): number {
    let arena = this.arena;
    let length = 0;
    for (let i = 0; i < template.length; i++) {
      const t = template[i];
      length += t >= 0 ? 1 : arena[subs[-t - 1]] - 1;
    }
    const at = this.top;
    arena = this.reserve(length + 1);
    arena[at] = length;
    let k = at + 1;
    for (let i = 0; i < template.length; i++) {
      const t = template[i];
      if (t >= 0) arena[k++] = t;
      else {
        const sub = subs[-t - 1];
        const end = sub + 1 + arena[sub];
        for (let j = sub + 2; j < end; j++) arena[k++] = arena[j];
      }
    }
    this.top = k;
    return at;
  }

  private equal(at: number, e: Expression): boolean {
    const arena = this.arena;
    if (arena[at] !== e.length) return false;
    for (let i = 0; i < e.length; i++) if (arena[at + 1 + i] !== e[i]) return false;
    return true;
  }

  private node(
    nodes: ProofNode[],
    shared: Map<string, number>,
    share: boolean,
    statement: number,
    premises: number[],
    expression: number,
    substitution: number[][],
    step: number,
  ): number {
    const key = share ? `${statement}:${premises.join(",")}` : "";
    if (share) {
      const existing = shared.get(key);
      if (existing !== undefined) return existing;
    }
    const id = nodes.length;
    nodes.push({
      statement,
      label: this.db.statements[statement].label,
      premises,
      expression: this.expressionAt(expression),
      substitution,
      step,
    });
    if (share) shared.set(key, id);
    return id;
  }

  private checkDisjoint(a: Assertion, c: Compiled, allowed: Set<number>, step: number): void {
    const isVariable = this.isVariable;
    const arena = this.arena;
    const subs = this.subs;
    const pairs = c.disjointSlots;
    for (let p = 0; p < pairs.length; p += 2) {
      const ex = subs[pairs[p]];
      const ey = subs[pairs[p + 1]];
      const endX = ex + 1 + arena[ex];
      const endY = ey + 1 + arena[ey];
      for (let i = ex + 2; i < endX; i++) {
        const x = arena[i];
        if (!isVariable[x]) continue;
        for (let j = ey + 2; j < endY; j++) {
          const y = arena[j];
          if (!isVariable[y]) continue;
          if (x !== y && allowed.has(pairKey(x, y))) continue;
          const [vx, vy] = [a.frame.variables[pairs[p]], a.frame.variables[pairs[p + 1]]].map(
            (v) => this.db.symbols[v].name,
          );
          const [nx, ny] = [x, y].map((v) => this.db.symbols[v].name);
          const why =
            x === y
              ? `both contain \`${nx}\``
              : `\`${nx}\` and \`${ny}\` have no \`$d\` in the theorem's scope`;
          throw new VerifyFailure(
            "BM0723",
            `\`${a.label}\` requires \`$d ${vx} ${vy}\`, but their substitutions ${why}`,
            step,
            {
              expected: `$d ${nx} ${ny}`,
              found: `${vx} := ${this.text(ex, 1)}; ${vy} := ${this.text(ey, 1)}`,
            },
          );
        }
      }
    }
  }

  private mismatch(a: Assertion, j: number, found: number, step: number): never {
    const hyp = this.db.statements[a.frame.hypotheses[j]];
    const c = this.compile(a);
    let expected: string;
    if (hyp.kind === "f") expected = `${this.db.symbols[hyp.typecode].name} ...`;
    else {
      // Substitute what the $f hypotheses gave; every slot is filled before $e are compared.
      expected = Array.from(c.hypothesisTemplate[j], (s) =>
        s >= 0 ? this.db.symbols[s].name : this.text(this.subs[-s - 1], 1),
      )
        .filter((t) => t !== "")
        .join(" ");
    }
    throw new VerifyFailure(
      "BM0721",
      `hypothesis ${j + 1} (\`${hyp.label}\`) of \`${a.label}\` does not match the stack: expected \`${expected}\`, found \`${this.text(found)}\``,
      step,
      { expected, found: this.text(found) },
    );
  }

  /** The expression at `at` as text, from its `from`-th symbol (1 skips the typecode). */
  private text(at: number, from = 0): string {
    return expressionText(this.db, this.expressionAt(at).slice(from));
  }

  private diagnosticOf(theorem: Theorem, f: VerifyFailure): MetamathDiagnostic {
    const s = theorem.proof.steps[f.step - 1];
    const stepLabel =
      s === undefined ? undefined : s >= 0 ? this.db.statements[s].label : `step ${-s}`;
    const sources = sourcesOf(this.db);
    const { file, start, end } = locateStep(this.db, theorem, f.step);
    const where = sources ? span(sources.get(file), start, end) : undefined;
    const message = `${theorem.label}, step ${f.step}${stepLabel ? ` (${stepLabel})` : ""}: ${f.message}`;
    return {
      ...diagnostic(f.code, message, where),
      theorem: theorem.label,
      step: f.step,
      stepLabel,
      ...f.extra,
    };
  }
}

/** Does `template` with `subs` give exactly the expression at `found`? Compared in place. */
function matches(
  arena: Int32Array,
  template: Int32Array,
  found: number,
  subs: Int32Array,
): boolean {
  let k = found + 1;
  const end = k + arena[found];
  for (let i = 0; i < template.length; i++) {
    const t = template[i];
    if (t >= 0) {
      if (k >= end || arena[k] !== t) return false;
      k++;
    } else {
      const sub = subs[-t - 1];
      const subEnd = sub + 1 + arena[sub];
      if (k + (subEnd - sub - 2) > end) return false;
      for (let j = sub + 2; j < subEnd; j++) if (arena[k++] !== arena[j]) return false;
    }
  }
  return k === end;
}

/**
 * Where step `step` of a theorem's proof is written: the label token of a normal proof, the
 * letters of a compressed one. Found by scanning the proof again, only when reporting.
 */
function locateStep(
  db: MetamathDatabase,
  theorem: Theorem,
  step: number,
): { file: number; start: number; end: number } {
  const at = theorem.proof.location;
  const fallback = { file: at.file, start: at.offset, end: at.offset + 2 };
  const bytes = sourcesOf(db)?.bytes[at.file];
  if (!bytes) return fallback;
  const lexer = new Lexer(bytes, at.file);
  lexer.pos = at.offset + 2;
  let inComment = false;
  let count = 0;
  let pastList = theorem.proof.format === "normal";
  try {
    while (lexer.next()) {
      const text = lexer.end - lexer.start <= 2 ? lexer.text() : "";
      if (inComment) {
        if (text === "$)") inComment = false;
        continue;
      }
      if (text === "$(") inComment = true;
      else if (text === "$.") return fallback;
      else if (!pastList) pastList = text === ")";
      else if (theorem.proof.format === "normal") {
        if (++count === step) return { file: at.file, start: lexer.start, end: lexer.end };
      } else {
        let from = lexer.start;
        for (let i = lexer.start; i < lexer.end; i++) {
          const c = bytes[i];
          if (c >= 65 && c <= 84 && ++count === step)
            return { file: at.file, start: from, end: i + 1 };
          if (c < 85 || c > 89) from = i + 1;
        }
      }
    }
  } catch {
    return fallback;
  }
  return fallback;
}

/** Checks the proofs of a database (all `$p`, or `options.labels`). */
export function verifyMetamath(
  db: MetamathDatabase,
  options: MetamathVerifyOptions = {},
): MetamathVerifyResult {
  const checker = checkerOf(db);
  const diagnostics: MetamathDiagnostic[] = [];
  const max = options.maxErrors ?? Infinity;
  let verified = 0;
  const theorems = options.labels
    ? options.labels.map((l) => theoremNamed(db, l))
    : db.statements.filter((s): s is Theorem => s.kind === "p");
  for (const t of theorems) {
    if (typeof t === "string") {
      diagnostics.push(diagnostic("BM0720", t));
      continue;
    }
    const failure = checker.check(t);
    if (failure) {
      diagnostics.push(failure);
      if (diagnostics.length >= max) break;
    } else verified++;
  }
  return { verified, diagnostics };
}

function theoremNamed(db: MetamathDatabase, label: string): Theorem | string {
  const index = db.labels.get(label);
  const s = index === undefined ? undefined : db.statements[index];
  if (!s) return `no statement is labelled \`${label}\``;
  if (s.kind !== "p") return `\`${label}\` is not a \`$p\` theorem`;
  return s;
}

/** The verified proof DAG of one theorem (by label or statement index), or why it fails. */
export function proofDag(
  db: MetamathDatabase,
  theorem: string | number,
  options: { share?: boolean } = {},
): ProofDag | MetamathDiagnostic {
  const t = typeof theorem === "number" ? db.statements[theorem] : theoremNamed(db, theorem);
  if (typeof t === "string") return diagnostic("BM0720", t);
  if (!t || t.kind !== "p")
    return diagnostic("BM0720", `statement ${String(theorem)} is not a \`$p\` theorem`);
  return checkerOf(db).dag(t, options.share ?? true);
}

/** One checker per database, so that DAGs of many theorems share the compiled assertions. */
const checkers = new WeakMap<MetamathDatabase, ProofChecker>();
function checkerOf(db: MetamathDatabase): ProofChecker {
  let checker = checkers.get(db);
  if (!checker) checkers.set(db, (checker = new ProofChecker(db)));
  return checker;
}
