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
 * and the edges where it is only <= (not <) form no cycle. If no such choice exists, every rule
 * on an edge with no strictly decreasing argument pair gets the warning; if each edge decreases
 * somewhere but no single choice works, the component's first rule gets it.
 */
import { diagnostic, type Diagnostic } from "../diagnostics/index.js";
import { ORDER_BOUND } from "../field/index.js";
import type { Arg, Claim, Relation, Rule, RuleSet } from "./model.js";

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
}

/** Upper bound on measure candidates tried per component, so the lint stays fast. */
const SEARCH_LIMIT = 200_000;

export function checkCircularity(ruleSet: RuleSet): Diagnostic[] {
  const edges: Edge[] = [];
  for (const rule of ruleSet.rules) {
    const closure = orderClosure(rule);
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
        });
      }
    }
  }
  const diagnostics: Diagnostic[] = [];
  for (const component of stronglyConnected(ruleSet.relations, edges)) {
    const inside = new Set(component);
    const internal = edges.filter((e) => inside.has(e.from) && inside.has(e.to));
    if (internal.length === 0) continue;
    if (hasMeasure(component, internal)) continue;
    const names = component.map((r) => `\`${r.name}\``).join(", ");
    const blamed = new Map<Rule, Edge>();
    for (const e of internal) {
      if (!e.order.some((row) => row.includes(LT)) && !blamed.has(e.rule)) blamed.set(e.rule, e);
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

function hasMeasure(component: Relation[], internal: Edge[]): boolean {
  const position = new Map<Relation, number>();
  let budget = SEARCH_LIMIT;
  const consistent = (): boolean =>
    internal.every((e) => {
      const i = position.get(e.from);
      const j = position.get(e.to);
      return i === undefined || j === undefined || e.order[i][j] !== NONE;
    });
  const strictOnCycles = (): boolean => {
    const weak = internal.filter((e) => e.order[position.get(e.from)!][position.get(e.to)!] === LE);
    return stronglyConnected(component, weak).every(
      (scc) => !weak.some((e) => scc.includes(e.from) && scc.includes(e.to)),
    );
  };
  const search = (k: number): boolean => {
    if (budget-- <= 0) return false;
    if (k === component.length) return strictOnCycles();
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
