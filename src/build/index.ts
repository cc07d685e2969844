/**
 * The transcript builder: from a proof tree to a valid transcript.
 *
 * A proof file (JSON, documented in docs/build.md) lists proof steps: a rule, values for some of
 * its variables (numbers, or terms written in the rule language), and premises, the steps whose
 * conclusions meet the rule's hypotheses in order. The builder
 *   - names every distinct subterm once and emits its term-defining blocks (def_<constructor>)
 *     with depths,
 *   - solves each step's remaining variables: from the premises' conclusions (unification), from
 *     constructor and depth hypotheses (a term's structure and depth), from `==` constraints,
 *     and, for variables only bounded below by order constraints (depths), the least value
 *     that satisfies them,
 *   - checks each step's constraints, and reports a wrong proof tree precisely: which step,
 *     which premise, which hypothesis does not match.
 * Multiplicities and `_` values are not written in transcripts: the validator derives them.
 */
import type { Arg, Claim, Constructor, Relation, Rule, RuleSet } from "../check/index.js";
import { compare, type CompareOp } from "../field/index.js";
import { headerText } from "../transcript/parse.js";
import { evaluator } from "../validate/compile.js";
import { parseTerm, TermSyntaxError, TermTable, type TermTree } from "./terms.js";

export { parseTerm, TermTable, type NamedTerm, type TermTree } from "./terms.js";

export interface ProofStep {
  $comment?: string;
  rule: string;
  /** Values for some of the rule's variables: numbers, or term text such as "impl(p, p)". */
  args?: Record<string, string | number>;
  /** Premises: steps, or references to earlier steps by id (for shared lemmas, long chains). */
  premises?: (ProofStep | StepRef)[];
  /** A name by which later steps can use this one as a premise. */
  id?: string;
}

export interface StepRef {
  ref: string;
}

export interface ProofFile {
  $comment?: string;
  /** Named terms usable in later term text: { "p": "mvar(1)" }. */
  let?: Record<string, string>;
  /** Steps that form the public part (e.g. a demand of the goal). */
  public?: ProofStep[];
  /** Proof trees; every step and premise becomes a private block. */
  proofs?: ProofStep[];
}

export interface BuildError {
  /** Where in the proof file, e.g. `proofs[0].premises[1]`. */
  readonly path: string;
  readonly message: string;
}

export interface BuiltBlock {
  readonly rule: Rule;
  readonly values: readonly bigint[];
  readonly isPublic: boolean;
}

export interface BuildResult {
  readonly blocks: BuiltBlock[];
  readonly errors: BuildError[];
  readonly terms: TermTable;
}

interface Solved {
  readonly rule: Rule;
  readonly values: bigint[];
  /** Ordinary conclusions with their values. */
  readonly conclusions: { readonly claim: Claim; readonly args: bigint[] }[];
}
class StepError extends Error {}

/** Why a variable gets a value, for the message when it conflicts; a function where it would show a term (only a failure needs the text). */
type Reason = string | (() => string);

/** Sets a variable of the step being solved (or checks it against the value it has). */
type Setter = (index: number, value: bigint, why: Reason) => void;

/** One step being solved: its rule and the values of its variables found so far. */
interface StepValues {
  readonly rule: Rule;
  readonly values: (bigint | undefined)[];
}

export function buildBlocks(ruleSet: RuleSet, proof: ProofFile): BuildResult {
  const builder = new ProofBuilder(ruleSet);
  builder.readLets(proof.let ?? {});
  builder.runSection(proof.public, "public");
  builder.runSection(proof.proofs, "proofs");
  return { blocks: builder.orderedBlocks(), errors: builder.errors, terms: builder.terms };
}

/**
 * The state of one build: the terms named so far, the blocks emitted (each once), the steps by
 * id and the errors. A step that fails throws StepError; the section or the premise list that
 * started it records the message under the step's path.
 */
class ProofBuilder {
  readonly terms = new TermTable();
  readonly errors: BuildError[] = [];
  private readonly lets = new Map<string, TermTree>();
  private readonly depthRelations: ReadonlySet<Relation>;
  private readonly constructorOf: ReadonlyMap<Relation, Constructor>;
  private readonly blocks: BuiltBlock[] = [];
  private readonly seen = new Set<string>();
  private readonly solvedById = new Map<string, Solved>();
  private readonly orderedVars = new Map<Rule, Set<number>>();

  constructor(private readonly ruleSet: RuleSet) {
    this.depthRelations = new Set([...ruleSet.sorts.values()].map((s) => s.depth));
    this.constructorOf = new Map([...ruleSet.constructors.values()].map((c) => [c.relation, c]));
  }

  readLets(lets: Record<string, string>): void {
    for (const [name, text] of Object.entries(lets)) {
      try {
        this.lets.set(name, parseTerm(String(text), this.ruleSet, this.lets));
      } catch (e) {
        if (!(e instanceof TermSyntaxError)) throw e;
        this.errors.push({ path: `let.${name}`, message: e.message });
      }
    }
  }

  runSection(steps: ProofStep[] | undefined, section: "public" | "proofs"): void {
    (steps ?? []).forEach((step, i) => {
      const path = `${section}[${i}]`;
      if ("ref" in step) {
        this.errors.push({ path, message: "a reference can only stand as a premise" });
        return;
      }
      try {
        this.solve(step, path, section === "public");
      } catch (e) {
        if (!(e instanceof StepError)) throw e;
        if (e.message) this.errors.push({ path, message: e.message });
      }
    });
  }

  /**
   * Term definitions first (every named subterm once, children before parents), public before
   * private. The verifier must know what the names it sees stand for: every term named by a
   * shown value of a public block is defined in the public part, with all its subterms.
   * Otherwise a prover could give a public goal's name any meaning it likes.
   */
  orderedBlocks(): BuiltBlock[] {
    const publicNames = this.publicTermNames();
    const publicDefs: BuiltBlock[] = [];
    const privateDefs: BuiltBlock[] = [];
    for (const t of this.terms.terms) {
      const rule = t.constructor.defRule;
      const values = [t.name, ...t.args, ...(t.argDepths.length ? [t.depth, ...t.argDepths] : [])];
      const isPublic = publicNames.has(t.name);
      (isPublic ? publicDefs : privateDefs).push({ rule, values, isPublic });
    }
    const publicBlocks = this.blocks.filter((b) => b.isPublic);
    const privateBlocks = this.blocks.filter((b) => !b.isPublic);
    return [...publicDefs, ...publicBlocks, ...privateDefs, ...privateBlocks];
  }

  /** The terms named by shown values of public blocks, and their subterms. */
  private publicTermNames(): Set<bigint> {
    const publicNames = new Set<bigint>();
    const markPublic = (name: bigint) => {
      const t = this.terms.lookup(name);
      if (!t || publicNames.has(name)) return;
      publicNames.add(name);
      t.constructor.argSorts.forEach((sort, i) => {
        if (sort !== "field") markPublic(t.args[i]);
      });
    };
    for (const b of this.blocks) {
      if (b.isPublic) b.values.slice(0, b.rule.shownCount).forEach(markPublic);
    }
    return publicNames;
  }

  /** Solves a step after its premises, emits its block and returns what it concludes. */
  private solve(step: ProofStep, path: string, isPublic: boolean): Solved {
    const rule = this.ruleSet.ruleByName.get(step.rule);
    if (!rule) {
      throw new StepError(
        `unknown rule \`${step.rule}\` (rules: ${[...this.ruleSet.ruleByName.keys()].join(", ")})`,
      );
    }
    const state: StepValues = { rule, values: new Array(rule.vars.length).fill(undefined) };
    this.bindGivenArgs(state, step.args ?? {});
    this.propagate(state);
    // Premises meet, in order, the hypotheses that are neither constructor nor depth claims.
    const premiseHypotheses = rule.hypotheses.filter(
      (h) => !this.constructorOf.has(h.relation) && !this.depthRelations.has(h.relation),
    );
    const premises = this.solvePremises(rule, premiseHypotheses, step.premises ?? [], path);
    premises.forEach((premise, i) => this.meetHypothesis(state, premise, premiseHypotheses[i], i));
    this.propagate(state);
    this.fillLowerBounds(state);
    const solved = this.checkedStep(state);
    this.emit(rule, solved.values, isPublic);
    if (step.id !== undefined) {
      if (this.solvedById.has(step.id)) throw new StepError(`id "${step.id}" is used twice`);
      this.solvedById.set(step.id, solved);
    }
    return solved;
  }

  private emit(rule: Rule, values: bigint[], isPublic: boolean): void {
    const key = `${isPublic ? "P" : "p"}${rule.index}:${values.join(",")}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.blocks.push({ rule, values, isPublic });
  }

  private bind({ rule, values }: StepValues, index: number, value: bigint, why: Reason): void {
    const old = values[index];
    if (old === undefined) values[index] = value;
    else if (old !== value) {
      const fmt = (v: bigint) => (this.terms.lookup(v) ? this.terms.show(v) : v.toString());
      throw new StepError(
        `${rule.name}: ${rule.vars[index]} would be both ${fmt(old)} and ${fmt(value)} (${typeof why === "string" ? why : why()})`,
      );
    }
  }

  /** The step's "args": numbers as they are, term text named in the term table. */
  private bindGivenArgs(state: StepValues, args: Record<string, string | number>): void {
    for (const [name, given] of Object.entries(args)) {
      const index = state.rule.vars.indexOf(name);
      if (index < 0) {
        throw new StepError(`rule ${headerText(state.rule)} has no variable \`${name}\``);
      }
      this.bind(state, index, this.givenValue(name, given), "as given");
    }
  }

  private givenValue(name: string, given: string | number): bigint {
    if (typeof given === "number") {
      if (!Number.isSafeInteger(given) || given < 0) {
        throw new StepError(`${name}: ${given} is not a non-negative integer`);
      }
      return BigInt(given);
    }
    try {
      return this.terms.add(parseTerm(given, this.ruleSet, this.lets));
    } catch (e) {
      if (e instanceof TermSyntaxError) throw new StepError(`${name}: ${e.message}`);
      throw e;
    }
  }

  /** Propagates through term structure, depths and equalities until nothing changes. */
  private propagate(state: StepValues): void {
    for (let changed = true; changed;) {
      changed = false;
      const set: Setter = (index, value, why) => {
        if (state.values[index] === undefined) changed = true;
        this.bind(state, index, value, why);
      };
      for (const h of state.rule.hypotheses) {
        const ctor = this.constructorOf.get(h.relation);
        if (ctor) this.propagateConstructor(state, ctor, h, set);
        else if (this.depthRelations.has(h.relation)) this.propagateDepth(state, h, set);
      }
      this.propagateEqualities(state, set);
    }
  }

  /**
   * A constructor hypothesis `ctor(T, a1, ...)`: a known name T gives the arguments (and must
   * name such a term); known arguments give the name (and must be terms of the right sorts).
   */
  private propagateConstructor(
    { rule, values }: StepValues,
    ctor: Constructor,
    h: Claim,
    set: Setter,
  ): void {
    const [nameArg, ...argArgs] = h.args;
    const name = nameArg.kind === "var" ? values[nameArg.index] : undefined;
    if (name !== undefined) {
      const t = this.terms.lookup(name);
      if (!t || t.constructor !== ctor) {
        throw new StepError(
          `${rule.name} needs ${rule.vars[(nameArg as { index: number }).index]} to be a ${ctor.name}(...) term, ` +
            `but it is ${t ? this.terms.show(name) : name.toString()}`,
        );
      }
      argArgs.forEach((a, j) => {
        if (a.kind === "var")
          set(a.index, t.args[j], () => `structure of ${this.terms.show(name)}`);
      });
    } else if (
      nameArg.kind === "var" &&
      argArgs.every((a) => a.kind === "var" && values[a.index] !== undefined)
    ) {
      const args = argArgs.map((a) => values[(a as { index: number }).index]!);
      for (let j = 0; j < args.length; j++) {
        const sort = ctor.argSorts[j];
        const child = this.terms.lookup(args[j]);
        if (sort !== "field" && (!child || child.constructor.sort.name !== sort)) {
          throw new StepError(
            `${rule.name}: argument ${j + 1} of ${ctor.name} must be a ${sort} term, found ${args[j]}`,
          );
        }
      }
      set(nameArg.index, this.terms.intern(ctor, args).name, `term ${ctor.name}`);
    }
  }

  /** A depth hypothesis `term(T, k)`: a known term T gives its depth k. */
  private propagateDepth({ values }: StepValues, h: Claim, set: Setter): void {
    const [nameArg, k] = h.args;
    if (nameArg.kind !== "var") return;
    const name = values[nameArg.index];
    const t = name === undefined ? undefined : this.terms.lookup(name);
    if (t && k.kind === "var") set(k.index, t.depth, () => `depth of ${this.terms.show(name!)}`);
  }

  /** `x == e` with e known gives x (either side). */
  private propagateEqualities({ rule, values }: StepValues, set: Setter): void {
    for (const c of rule.constraints) {
      if (c.op !== "==") continue;
      for (const [x, e] of [
        [c.left, c.right],
        [c.right, c.left],
      ] as const) {
        if (x.kind === "var" && values[x.index] === undefined && knownTerm(e, values)) {
          set(x.index, evaluator(e)(values as bigint[], 0), "an == constraint");
        }
      }
    }
  }

  /** Solves (or looks up, for a `ref`) each premise; a failed one is reported where it fails. */
  private solvePremises(
    rule: Rule,
    premiseHypotheses: readonly Claim[],
    premises: readonly (ProofStep | StepRef)[],
    path: string,
  ): Solved[] {
    if (premises.length > premiseHypotheses.length) {
      throw new StepError(
        `${rule.name} has ${premiseHypotheses.length} premise hypotheses (${premiseHypotheses
          .map((h) => h.relation.name)
          .join(", ")}), ${premises.length} premises given`,
      );
    }
    const solvedPremises: Solved[] = [];
    let failedPremise = false;
    premises.forEach((p, i) => {
      const sub = `${path}.premises[${i}]`;
      try {
        if ("ref" in p) {
          const earlier = this.solvedById.get(p.ref);
          if (!earlier) throw new StepError(`no earlier step has id "${p.ref}"`);
          solvedPremises.push(earlier);
        } else {
          solvedPremises.push(this.solve(p, sub, false));
        }
      } catch (e) {
        if (!(e instanceof StepError)) throw e;
        if (e.message) this.errors.push({ path: sub, message: e.message });
        failedPremise = true;
      }
    });
    // A failed premise is reported where it fails; its parent just stops, silently.
    if (failedPremise) throw new StepError("");
    return solvedPremises;
  }

  /** Unifies hypothesis `h` with one of the premise's conclusions, then propagates. */
  private meetHypothesis(state: StepValues, premise: Solved, h: Claim, i: number): void {
    const { rule, values } = state;
    const candidates = premise.conclusions.filter((c) => c.claim.relation === h.relation);
    const attempt = (args: bigint[]): boolean => {
      const trial = values.slice();
      for (let j = 0; j < h.args.length; j++) {
        const a = h.args[j];
        if (a.kind === "var") {
          if (trial[a.index] === undefined) trial[a.index] = args[j];
          else if (trial[a.index] !== args[j]) return false;
        } else if (a.kind === "int" && a.value !== args[j]) return false;
      }
      trial.forEach((v, k) => (values[k] = v));
      return true;
    };
    const concluded = () =>
      premise.conclusions
        .map((c) => this.claimShown(premise.rule, premise.values, c.claim))
        .join(", ") || "nothing";
    const wanted = this.claimShown(rule, values, h);
    if (!candidates.some((c) => attempt(c.args))) {
      throw new StepError(
        `premise ${i + 1} (${premise.rule.name}) concludes ${concluded()}, ` +
          `which does not meet hypothesis ${wanted} of ${rule.name}`,
      );
    }
    try {
      this.propagate(state);
    } catch (e) {
      if (!(e instanceof StepError)) throw e;
      throw new StepError(
        `premise ${i + 1} (${premise.rule.name}) concludes ${concluded()}, ` +
          `which does not fit hypothesis ${wanted} of ${rule.name}: ${e.message}`,
      );
    }
  }

  /** Variables bounded only from below by order constraints (depths) get the least value. */
  private fillLowerBounds({ rule, values }: StepValues): void {
    for (let index = 0; index < rule.vars.length; index++) {
      if (values[index] !== undefined) continue;
      let lower: bigint | undefined;
      for (const c of rule.constraints) {
        const bound = lowerBound(c.op, c.left, c.right, index, values);
        if (bound !== undefined && (lower === undefined || bound > lower)) lower = bound;
      }
      if (lower !== undefined) values[index] = lower;
    }
  }

  /** The solved step once every variable has a value and every constraint holds. */
  private checkedStep({ rule, values }: StepValues): Solved {
    const missing = rule.vars.filter((_, i) => values[i] === undefined);
    if (missing.length) {
      throw new StepError(
        `cannot determine ${missing.map((m) => `\`${m}\``).join(", ")} of ${rule.name}: give ${missing.length === 1 ? "it" : "them"} in "args" or through a premise`,
      );
    }
    const full = values as bigint[];
    for (const c of rule.constraints) {
      const l = evaluator(c.left)(full, 0);
      const r = evaluator(c.right)(full, 0);
      if (!compare(c.op, l, r)) {
        const text = c.span.file.text.slice(c.span.start, c.span.end);
        throw new StepError(`${rule.name} violates ${text} (${l} ${c.op} ${r} is false)`);
      }
    }
    const conclusions = rule.conclusions
      .filter((c) => !c.relation.unique)
      .map((c) => ({
        claim: c,
        args: c.args.map((a) => evaluator(a as Exclude<Arg, { kind: "wildcard" }>)(full, 0)),
      }));
    return { rule, values: full, conclusions };
  }

  /**
   * Variables compared with < or <= are depths or counts: 1 is shown as 1, never as the term
   * that happens to be named 1.
   */
  private ordered(rule: Rule): Set<number> {
    let set = this.orderedVars.get(rule);
    if (!set) {
      set = new Set();
      for (const c of rule.constraints) {
        if (c.op === "==" || c.op === "!=") continue;
        for (const side of [c.left, c.right]) if (side.kind === "var") set.add(side.index);
      }
      this.orderedVars.set(rule, set);
    }
    return set;
  }

  /** An argument as a message shows it: a term's text where the value names a term. */
  private show(rule: Rule, values: readonly (bigint | undefined)[], a: Arg): string {
    if (a.kind === "wildcard") return "_";
    if (a.kind === "var") {
      const v = values[a.index];
      const isName =
        v !== undefined && !this.ordered(rule).has(a.index) && this.terms.lookup(v) !== undefined;
      return v === undefined ? rule.vars[a.index] : isName ? this.terms.show(v) : v.toString();
    }
    if (!knownTerm(a, values)) return "(an expression)";
    const v = evaluator(a)(values as bigint[], 0);
    return this.terms.lookup(v) && a.kind !== "int" ? this.terms.show(v) : v.toString();
  }

  private claimShown(rule: Rule, values: readonly (bigint | undefined)[], c: Claim): string {
    return `${c.relation.name}(${c.args.map((a) => this.show(rule, values, a)).join(", ")})`;
  }
}

function knownTerm(e: Arg, values: readonly (bigint | undefined)[]): boolean {
  switch (e.kind) {
    case "int":
      return true;
    case "var":
      return values[e.index] !== undefined;
    case "wildcard":
      return false;
    case "neg":
      return knownTerm(e.operand, values);
    case "binary":
      return knownTerm(e.left, values) && knownTerm(e.right, values);
  }
}

/** The least value of variable `index` allowed by `left op right`, if that is a lower bound. */
function lowerBound(
  op: CompareOp,
  left: Arg,
  right: Arg,
  index: number,
  values: readonly (bigint | undefined)[],
): bigint | undefined {
  const isVar = (a: Arg) => a.kind === "var" && a.index === index;
  const value = (a: Arg) =>
    knownTerm(a, values) ? evaluator(a as never)(values as bigint[], 0) : undefined;
  // Normalise to "other < var" or "other <= var".
  let other: Arg | undefined;
  let strict = false;
  if ((op === "<" || op === "<=") && isVar(right)) [other, strict] = [left, op === "<"];
  else if ((op === ">" || op === ">=") && isVar(left)) [other, strict] = [right, op === ">"];
  if (!other) return undefined;
  const v = value(other);
  return v === undefined ? undefined : strict ? v + 1n : v;
}

/** Writes blocks as transcript text, with the `;` where each rule's header has it. */
export function transcriptText(blocks: readonly BuiltBlock[], header = ""): string {
  const line = (b: BuiltBlock) => {
    const shown = b.values.slice(0, b.rule.shownCount).join(", ");
    const hidden = b.values.slice(b.rule.shownCount).join(", ");
    const inner = b.rule.hasSemicolon && shown && hidden ? `${shown}; ${hidden}` : shown || hidden;
    return `  ${b.rule.name}(${inner})`;
  };
  const pub = blocks.filter((b) => b.isPublic).map(line);
  const priv = blocks.filter((b) => !b.isPublic).map(line);
  // concat, not push(...): transcripts can have more lines than a call has room for arguments.
  const parts = [...(header ? [header.trimEnd()] : []), ...(pub.length ? ["public:"] : [])].concat(
    pub,
    ["private:"],
    priv,
  );
  return parts.join("\n") + "\n";
}

/**
 * Reads a proof file's JSON text and checks its shape, so that a malformed file gets a message
 * that names the place (`proofs[2].premises[0].args.A`) and what was expected there.
 */
export function parseProofFile(text: string): { proof?: ProofFile; errors: BuildError[] } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return { errors: [{ path: "", message: `not valid JSON: ${(e as Error).message}` }] };
  }
  const errors: BuildError[] = [];
  if (!isObject(data)) {
    return {
      errors: [{ path: "", message: 'expected an object with "let", "public" and "proofs"' }],
    };
  }
  for (const key of Object.keys(data)) {
    if (!["let", "public", "proofs", "$comment"].includes(key)) {
      errors.push({
        path: key,
        message: `unknown key; expected "let", "public", "proofs" or "$comment"`,
      });
    }
  }
  if (data.let !== undefined) {
    if (!isObject(data.let))
      errors.push({ path: "let", message: "expected an object of name: term text" });
    else
      for (const [k, v] of Object.entries(data.let)) {
        if (typeof v !== "string")
          errors.push({ path: `let.${k}`, message: "expected term text (a string)" });
      }
  }
  if (data.public !== undefined) checkSteps(data.public, "public", errors);
  if (data.proofs !== undefined) checkSteps(data.proofs, "proofs", errors);
  return errors.length ? { errors } : { proof: data as ProofFile, errors };
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function checkSteps(v: unknown, path: string, errors: BuildError[]): void {
  if (!Array.isArray(v)) {
    errors.push({ path, message: "expected a list of steps" });
    return;
  }
  v.forEach((s, i) => checkStep(s, `${path}[${i}]`, errors));
}

/** The shape of one step (or reference) of a proof file, and of its premises in turn. */
function checkStep(v: unknown, path: string, errors: BuildError[]): void {
  if (!isObject(v)) {
    errors.push({
      path,
      message: 'expected a step: { "rule": ..., "args": {...}, "premises": [...] }',
    });
    return;
  }
  if ("ref" in v) {
    if (typeof v.ref !== "string" || Object.keys(v).some((k) => k !== "ref" && k !== "$comment")) {
      errors.push({ path, message: 'a reference is { "ref": "<id of an earlier step>" } alone' });
    }
    return;
  }
  for (const key of Object.keys(v)) {
    if (!["rule", "args", "premises", "id", "$comment"].includes(key)) {
      errors.push({
        path: `${path}.${key}`,
        message: 'unknown key; expected "rule", "args", "premises" or "id"',
      });
    }
  }
  if (v.id !== undefined && typeof v.id !== "string") {
    errors.push({ path: `${path}.id`, message: "expected a step id (a string)" });
  }
  if (typeof v.rule !== "string")
    errors.push({ path: `${path}.rule`, message: "expected a rule name (a string)" });
  if (v.args !== undefined) {
    if (!isObject(v.args))
      errors.push({ path: `${path}.args`, message: "expected an object of variable: value" });
    else
      for (const [k, a] of Object.entries(v.args)) {
        if (typeof a !== "string" && typeof a !== "number") {
          errors.push({ path: `${path}.args.${k}`, message: "expected a number or term text" });
        }
      }
  }
  if (v.premises !== undefined) checkSteps(v.premises, `${path}.premises`, errors);
}
