/**
 * The circular-reasoning lint (BM0116). Blocks are unordered, so a rule set whose conclusions
 * can feed their own hypotheses admits circular "proofs" (A from B, B from A) unless some
 * argument, a depth, strictly decreases along every cycle. Rule sets do this with constraints
 * such as `k1 < k`; this pass looks for such a measure and warns where it finds none.
 *
 * Method (a simple size-change argument): build the graph "hypothesis relation -> conclusion
 * relation" over all rules. In each strongly connected component with a cycle, look for one
 * argument position per relation such that along every edge the hypothesis's argument is <=
 * the conclusion's (known from the rule's constraints: same variable, `==`, `<=`, `<`, and `x == y + c`
 * for a positive constant c, chained; or two constants, e.g. depth 0 in a hypothesis and 1 in
 * the conclusion)
 * and the edges where it is only <= (not <) form no cycle.
 *
 * Failing that, it looks for a structural measure: recursion on terms. A hypothesis argument
 * bound to a sorted argument of a constructor claim on the conclusion's argument
 * (`p(X) -: X = wrap(A), p(A)`) names a term of smaller depth, when that depth is the term's
 * own: the constructor's claims come only from its `def_` rule, and the depth relations of its
 * sort and of the argument's sort only from their sorts' `def_` rules. Then the unique definition
 * of each name in a sort gives it one depth in that sort, and `def_wrap` requires the argument's
 * depth (in its sort) below the term's (in the constructor's sort). Depths compare only within a
 * sort, so each relation's chosen argument gets one sort, and every edge of the cycle must fit
 * it: the same value (same sort at both ends), or a subterm whose sorts are the constructor's
 * and its argument's. With names defined in two sorts, a measure mixing them could go round
 * in circles; with one sort per argument it cannot.
 *
 * If neither exists, every rule on an edge with no strictly decreasing argument pair (numeric
 * or structural) gets the warning; if each edge decreases somewhere but no single choice
 * works, the component's first rule gets it.
 */
import { diagnostic, type Diagnostic } from "../diagnostics/index.js";
import { ORDER_BOUND } from "../field/index.js";
import type { Arg, Claim, Constructor, Relation, Rule, RuleSet } from "./model.js";

const NONE = 0;
const LE = 1;
const LT = 2;
type Order = typeof NONE | typeof LE | typeof LT;

interface Edge {
  readonly rule: Rule;
  readonly from: Relation;
  readonly to: Relation;
  readonly hypothesis: Claim;
  readonly conclusion: Claim;
  /** order[i][j]: how hypothesis argument i relates to conclusion argument j. */
  readonly order: Order[][];
  /** structure[i][j]: hypothesis argument i as the same term as, or a subterm of, argument j. */
  readonly structure: Structural[][];
}

/** The same value (LE), or a subterm (LT) of the term `above` names in its sort. */
type Structural =
  | { readonly order: typeof NONE }
  | { readonly order: typeof LE }
  | {
      readonly order: typeof LT;
      /** Sorts that fit: the conclusion argument's (a constructor's) and the hypothesis's. */
      readonly sorts: readonly (readonly [above: string, below: string])[];
    };

/** Upper bound on measure candidates tried per component, so the lint stays fast. */
const SEARCH_LIMIT = 200_000;

export function checkCircularity(ruleSet: RuleSet): Diagnostic[] {
  const edges: Edge[] = [];
  const descending = structuralConstructors(ruleSet);
  for (const rule of ruleSet.rules) {
    const closure = orderClosure(rule);
    const terms = subtermClosure(rule, descending);
    for (const h of rule.hypotheses) {
      for (const c of rule.conclusions) {
        if (c.relation.unique) continue;
        edges.push({
          rule,
          from: h.relation,
          to: c.relation,
          hypothesis: h,
          conclusion: c,
          order: h.args.map((ha) => c.args.map((ca) => argOrder(ha, ca, closure))),
          structure: h.args.map((ha) => c.args.map((ca) => argStructure(ha, ca, terms))),
        });
      }
    }
  }
  const diagnostics: Diagnostic[] = [];
  for (const component of stronglyConnected(ruleSet.relations, edges)) {
    const inside = new Set(component);
    const internal = edges.filter((e) => inside.has(e.from) && inside.has(e.to));
    if (internal.length === 0) continue;
    if (hasMeasure(component, internal, (e, i, j) => e.order[i][j])) continue;
    if (hasMeasure(component, internal, (e, i, j) => e.structure[i][j].order, sortsFit)) continue;
    const names = component.map((r) => `\`${r.name}\``).join(", ");
    const blamed = new Map<Rule, Edge>();
    for (const e of internal) {
      const decreases =
        e.order.some((row) => row.includes(LT)) ||
        e.structure.some((row) => row.some((x) => x.order === LT));
      if (!decreases && !blamed.has(e.rule)) blamed.set(e.rule, e);
    }
    if (blamed.size === 0) blamed.set(internal[0].rule, internal[0]);
    for (const [rule, e] of blamed) {
      diagnostics.push(
        diagnostic(
          "BM0116",
          `possible circular reasoning: \`${e.to.name}\` concluded by \`${rule.name}\` can feed its hypothesis \`${e.from.name}\` (through ${names}) with no argument that strictly decreases`,
          e.conclusion.span,
          {
            related: [
              { span: e.hypothesis.span, message: "this hypothesis can be met by the conclusion" },
            ],
            help: "give the relation a depth argument and require the hypothesis's depth to be smaller, e.g. `k1 < k`",
          },
        ),
      );
    }
  }
  return diagnostics;
}

/**
 * How a hypothesis argument relates to a conclusion argument: through the rule's constraints
 * for two variables, by value for two constants (as integers, below the order bound, which is
 * how `<` compares), and not at all otherwise.
 */
function argOrder(h: Arg, c: Arg, closure: Order[][]): Order {
  if (h.kind === "var" && c.kind === "var") return closure[h.index][c.index];
  if (h.kind === "int" && c.kind === "int" && c.value < ORDER_BOUND) {
    return h.value < c.value ? LT : h.value === c.value ? LE : NONE;
  }
  return NONE;
}

/** How each pair of a rule's variables is ordered by its constraints (transitively). */
function orderClosure(rule: Rule): Order[][] {
  const n = rule.vars.length;
  const m: Order[][] = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => (i === j ? LE : NONE)),
  );
  const add = (a: number, b: number, o: Order) => {
    if (o > m[a][b]) m[a][b] = o;
  };
  for (const c of rule.constraints) {
    // `x == y + c` with a positive constant c: x is strictly above y. In the field y + c wraps
    // around only past p, so a cycle of such steps would need about p / c blocks: none exists.
    if (c.op === "==") {
      for (const [x, e] of [
        [c.left, c.right],
        [c.right, c.left],
      ] as const) {
        if (x.kind !== "var" || e.kind !== "binary" || e.op !== "+") continue;
        const [y, k] = e.left.kind === "var" ? [e.left, e.right] : [e.right, e.left];
        if (y.kind === "var" && k.kind === "int" && k.value > 0n && k.value < ORDER_BOUND) {
          add(y.index, x.index, LT);
        }
      }
    }
    if (c.left.kind !== "var" || c.right.kind !== "var") continue;
    const l = c.left.index;
    const r = c.right.index;
    if (c.op === "<") add(l, r, LT);
    else if (c.op === "<=") add(l, r, LE);
    else if (c.op === ">") add(r, l, LT);
    else if (c.op === ">=") add(r, l, LE);
    else if (c.op === "==") {
      add(l, r, LE);
      add(r, l, LE);
    }
  }
  for (let k = 0; k < n; k++)
    for (let i = 0; i < n; i++) {
      if (m[i][k] === NONE) continue;
      for (let j = 0; j < n; j++) {
        if (m[k][j] === NONE) continue;
        add(i, j, m[i][k] === LT || m[k][j] === LT ? LT : LE);
      }
    }
  return m;
}

type OrderOf = (e: Edge, i: number, j: number) => Order;

/**
 * One argument position per relation of the component along which `orderOf` never increases
 * and strictly decreases on every cycle; `fits` checks a complete choice further (sorts).
 */
function hasMeasure(
  component: Relation[],
  internal: Edge[],
  orderOf: OrderOf,
  fits: (position: Map<Relation, number>, internal: Edge[]) => boolean = () => true,
): boolean {
  const position = new Map<Relation, number>();
  let budget = SEARCH_LIMIT;
  const consistent = (): boolean =>
    internal.every((e) => {
      const i = position.get(e.from);
      const j = position.get(e.to);
      return i === undefined || j === undefined || orderOf(e, i, j) !== NONE;
    });
  const strictOnCycles = (): boolean => {
    const weak = internal.filter(
      (e) => orderOf(e, position.get(e.from)!, position.get(e.to)!) === LE,
    );
    return stronglyConnected(component, weak).every(
      (scc) => !weak.some((e) => scc.includes(e.from) && scc.includes(e.to)),
    );
  };
  const search = (k: number): boolean => {
    if (budget-- <= 0) return false;
    if (k === component.length) return strictOnCycles() && fits(position, internal);
    const relation = component[k];
    for (let p = 0; p < relation.arity; p++) {
      position.set(relation, p);
      if (consistent() && search(k + 1)) return true;
    }
    position.delete(relation);
    return false;
  };
  return search(0);
}

/**
 * Constructors whose claims name terms of decreasing depth: the constructor's relation is
 * concluded only by its `def_` rule, and the depth relations of its sort and of its sorted
 * arguments' sorts only by their own sorts' `def_` rules (so a user rule cannot forge a claim
 * or a depth that the structural measure relies on).
 */
function structuralConstructors(ruleSet: RuleSet): Map<Relation, Constructor> {
  const concluders = new Map<Relation, Set<Rule>>();
  for (const rule of ruleSet.rules) {
    for (const c of rule.conclusions) {
      if (!concluders.has(c.relation)) concluders.set(c.relation, new Set());
      concluders.get(c.relation)!.add(rule);
    }
  }
  const only = (relation: Relation, allowed: Set<Rule>) =>
    [...(concluders.get(relation) ?? [])].every((r) => allowed.has(r));
  const soundSorts = new Set<string>();
  for (const sort of ruleSet.sorts.values()) {
    if (only(sort.depth, new Set(sort.constructors.map((c) => c.defRule))))
      soundSorts.add(sort.name);
  }
  const sound = (c: Constructor) =>
    only(c.relation, new Set([c.defRule])) &&
    soundSorts.has(c.sort.name) &&
    c.argSorts.every((s) => s === "field" || soundSorts.has(s));
  return new Map(
    [...ruleSet.constructors.values()].filter(sound).map((c) => [c.relation, c] as const),
  );
}

/**
 * For each variable of a rule, the variables its term has as subterms through the rule's
 * constructor hypotheses (of the given constructors), with the sorts that fit: the sort the
 * upper variable is read in (its constructor's) and the lower one's (the argument's). Variables
 * equal by `==` are one term.
 */
interface Subterms {
  /** Representative variable of each variable's `==` class. */
  readonly same: number[];
  /** below.get(upper representative): [lower representative, upper sort, lower sort][]. */
  readonly below: Map<number, [number, string, string][]>;
}

function subtermClosure(rule: Rule, descending: Map<Relation, Constructor>): Subterms {
  const same = rule.vars.map((_, i) => i);
  const find = (i: number): number => (same[i] === i ? i : (same[i] = find(same[i])));
  for (const c of rule.constraints) {
    if (c.op === "==" && c.left.kind === "var" && c.right.kind === "var")
      same[find(c.left.index)] = find(c.right.index);
  }
  const direct: [number, number, string, string][] = [];
  for (const h of rule.hypotheses) {
    const ctor = descending.get(h.relation);
    const [t, ...args] = h.args;
    if (!ctor || t.kind !== "var") continue;
    args.forEach((a, j) => {
      if (a.kind === "var" && ctor.argSorts[j] !== "field")
        direct.push([find(t.index), find(a.index), ctor.sort.name, ctor.argSorts[j]]);
    });
  }
  // Chains: A below B (B read in its constructor's sort) and B below C as an argument of that
  // same sort.
  const below = new Map<number, [number, string, string][]>();
  const add = (up: number, low: number, upSort: string, lowSort: string): boolean => {
    const list = below.get(up) ?? [];
    if (list.some(([l, u, w]) => l === low && u === upSort && w === lowSort)) return false;
    list.push([low, upSort, lowSort]);
    below.set(up, list);
    return true;
  };
  for (const [up, low, us, ls] of direct) add(up, low, us, ls);
  for (let changed = true; changed;) {
    changed = false;
    for (const [up, mid, us, ms] of direct) {
      for (const [low, midSort, ls] of [...(below.get(mid) ?? [])]) {
        if (midSort === ms && add(up, low, us, ls)) changed = true;
      }
    }
  }
  for (let i = 0; i < same.length; i++) find(i);
  return { same, below };
}

function argStructure(h: Arg, c: Arg, terms: Subterms): Structural {
  if (h.kind !== "var" || c.kind !== "var") return { order: NONE };
  const low = terms.same[h.index];
  const up = terms.same[c.index];
  const sorts = (terms.below.get(up) ?? [])
    .filter(([l]) => l === low)
    .map(([, u, w]) => [u, w] as const);
  if (sorts.length) return { order: LT, sorts };
  return low === up ? { order: LE } : { order: NONE };
}

/**
 * The chosen positions read in one sort per relation: a subterm edge fixes the sorts at both
 * ends (its constructor's, its argument's), a same-value edge makes them equal. Greedy over
 * the sort pairs an edge allows: it may miss a fit (a warning too many), never invent one.
 */
function sortsFit(position: Map<Relation, number>, internal: Edge[]): boolean {
  const parent = new Map<Relation, Relation>();
  const sortOf = new Map<Relation, string>();
  const find = (r: Relation): Relation => {
    const p = parent.get(r);
    if (!p || p === r) return r;
    const root = find(p);
    parent.set(r, root);
    return root;
  };
  const fix = (r: Relation, sort: string): boolean => {
    const root = find(r);
    const known = sortOf.get(root);
    if (known !== undefined && known !== sort) return false;
    sortOf.set(root, sort);
    return true;
  };
  const orderOf = (e: Edge) => e.structure[position.get(e.from)!][position.get(e.to)!];
  for (const e of internal) {
    const o = orderOf(e);
    if (o.order !== LT) continue;
    const fitting = o.sorts.find(([above, below]) => {
      const a = sortOf.get(find(e.to));
      const b = sortOf.get(find(e.from));
      const bothSame = find(e.to) === find(e.from);
      return (a ?? above) === above && (b ?? below) === below && (!bothSame || above === below);
    });
    if (!fitting || !fix(e.to, fitting[0]) || !fix(e.from, fitting[1])) return false;
  }
  for (const e of internal) {
    if (orderOf(e).order !== LE) continue;
    const a = find(e.from);
    const b = find(e.to);
    if (a === b) continue;
    const sa = sortOf.get(a);
    const sb = sortOf.get(b);
    if (sa !== undefined && sb !== undefined && sa !== sb) return false;
    parent.set(a, b);
    if (sa !== undefined) sortOf.set(b, sa);
  }
  return true;
}

/** Tarjan's algorithm; components come out in a deterministic order. */
function stronglyConnected(nodes: readonly Relation[], edges: readonly Edge[]): Relation[][] {
  const out = new Map<Relation, Relation[]>();
  for (const e of edges) {
    if (!out.has(e.from)) out.set(e.from, []);
    out.get(e.from)!.push(e.to);
  }
  const index = new Map<Relation, number>();
  const low = new Map<Relation, number>();
  const onStack = new Set<Relation>();
  const stack: Relation[] = [];
  const result: Relation[][] = [];
  let counter = 0;
  const connect = (v: Relation) => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of out.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const scc: Relation[] = [];
      let w: Relation;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      result.push(scc.sort((a, b) => a.index - b.index));
    }
  };
  for (const v of nodes) if (!index.has(v)) connect(v);
  return result;
}
