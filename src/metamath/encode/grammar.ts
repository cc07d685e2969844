/**
 * Expressions as named trees (the tree encoding of docs/metamath.md).
 *
 * - A *syntax typecode* is the typecode of some $f hypothesis (`wff`, `class`, `term`, ...); it
 *   becomes a sort. Each syntax axiom ($a of a syntax typecode) becomes a constructor of that
 *   sort whose arguments are the axiom's variables, in frame order; each variable becomes a leaf
 *   `v_<sort>(symbol id)`.
 * - Any other typecode (`|-`) is *logical*. A logical statement is cut into items: at each
 *   position the longest phrase of a syntax typecode (a tree), else a single constant. The
 *   constant tokens and the sorts of the phrases form the statement's *shape*; each distinct
 *   shape becomes a constructor of the logical typecode's sort (its arguments: the phrases).
 *   Databases without syntax axioms (the erc20 files) get shapes whose phrases are variables.
 *
 * Every tree's yield (its token string) is checked against the statement it was parsed from,
 * so a wrong parse can make an encoding fail, never lie.
 */
import type { Assertion, Expression, MetamathDatabase, SymbolId } from "../model.js";
import { Names, TermStore } from "./terms.js";

export interface Grammar {
  readonly store: TermStore;
  /** Sort name per typecode symbol. */
  readonly sortOf: Map<SymbolId, string>;
  readonly syntaxTypecodes: Set<SymbolId>;
  /** Constructor of each syntax axiom (statement index -> constructor index). */
  readonly axiomCtor: Map<number, number>;
  /** The variable-leaf constructor of each syntax sort. */
  readonly varCtor: Map<string, number>;
  /** Sorts in declaration order, each with its constructors. */
  readonly sorts: { name: string; typecode: SymbolId; ctors: number[] }[];
  /** The tree of a statement (typecode first), with variables as leaves; undefined when no tree. */
  treeOf(expression: Expression, varTypes: ReadonlyMap<SymbolId, SymbolId>): number | undefined;
  /** The token string (without typecode) a tree stands for. */
  yieldOf(node: number): SymbolId[];
  /** Variable leaf for a variable of a syntax typecode. */
  varLeaf(typecode: SymbolId, variable: SymbolId): number;
}

interface SyntaxRule {
  readonly ctor: number;
  /** Pattern: a constant (>= 0 symbol) or a variable slot (argument index, as -1 - index). */
  readonly pattern: readonly number[];
  /** Argument sorts as typecodes. */
  readonly argTypecodes: readonly SymbolId[];
}

const RESERVED = [
  "proved",
  "lemma_ok",
  "ok_upto",
  "dvs",
  "dvv",
  "dvpair",
  "app",
  "nil",
  "cons",
  "str",
];

function lineOf(db: MetamathDatabase, a: { location: { line: number; file: number } }): string {
  const file = db.files[a.location.file].split("/").pop();
  return `${file}:${a.location.line}`;
}

export function buildGrammar(db: MetamathDatabase): Grammar {
  const store = new TermStore();
  const names = new Names(RESERVED);
  const syntaxTypecodes = new Set<SymbolId>();
  for (const s of db.statements) if (s.kind === "f") syntaxTypecodes.add(s.typecode);
  const sortOf = new Map<SymbolId, string>();
  const sorts: Grammar["sorts"] = [];
  const sortFor = (tc: SymbolId): string => {
    let name = sortOf.get(tc);
    if (name === undefined) {
      const logical = !syntaxTypecodes.has(tc);
      name = names.take(db.symbols[tc].name, logical ? "provable" : "sort");
      sortOf.set(tc, name);
      sorts.push({ name, typecode: tc, ctors: [] });
    }
    return name;
  };
  const addCtor = (tc: SymbolId, raw: string, argTcs: SymbolId[], comment: string, fb = "c") => {
    const sort = sortFor(tc);
    const argSorts = argTcs.map((t) => (t < 0 ? "field" : sortFor(t)));
    const ctor = store.addConstructor({ name: names.take(raw, fb), sort, argSorts, comment });
    sorts.find((s) => s.name === sort)!.ctors.push(ctor);
    return ctor;
  };
  for (const tc of syntaxTypecodes) sortFor(tc);
  const varCtor = new Map<string, number>();
  for (const tc of syntaxTypecodes) {
    const sort = sortOf.get(tc)!;
    varCtor.set(
      sort,
      addCtor(
        tc,
        `v_${sort}`,
        [-1],
        `a variable of typecode ${db.symbols[tc].name} (its symbol number)`,
      ),
    );
  }

  const rulesByTc = new Map<SymbolId, SyntaxRule[]>();
  const axiomCtor = new Map<number, number>();
  for (const s of db.statements) {
    if (s.kind !== "a" || !syntaxTypecodes.has(s.expression[0])) continue;
    const argTcs = s.frame.floating.map((f) => {
      const h = db.statements[f];
      return h.kind === "f" ? h.typecode : -1;
    });
    const text = s.expression.map((x) => db.symbols[x].name).join(" ");
    const ctor = addCtor(
      s.expression[0],
      s.label,
      argTcs,
      `${s.label} (${lineOf(db, s)}): ${text}`,
    );
    axiomCtor.set(s.index, ctor);
    const pattern = s.expression.slice(1).map((sym) => {
      const v = s.frame.variables.indexOf(sym);
      return v >= 0 ? -1 - v : sym;
    });
    const list = rulesByTc.get(s.expression[0]) ?? [];
    list.push({ ctor, pattern, argTypecodes: argTcs });
    rulesByTc.set(s.expression[0], list);
  }

  // Coercions (a syntax axiom whose pattern is one variable, `wff x`, `class x`) rank typecodes:
  // where two phrases of different typecodes span the same tokens, the coerced-to one is chosen,
  // as templates are instantiated through the coercion (`|- ph` with ph := `x`).
  const rank = new Map<SymbolId, number>([...syntaxTypecodes].map((t) => [t, 0]));
  for (let round = 0; round < syntaxTypecodes.size; round++) {
    for (const [tc, rules] of rulesByTc) {
      for (const r of rules) {
        if (r.pattern.length !== 1 || r.pattern[0] >= 0) continue;
        const from = r.argTypecodes[-1 - r.pattern[0]];
        if ((rank.get(from) ?? 0) + 1 > (rank.get(tc) ?? 0))
          rank.set(tc, (rank.get(from) ?? 0) + 1);
      }
    }
  }

  const varLeaf = (tc: SymbolId, v: SymbolId) => store.node(varCtor.get(sortOf.get(tc)!)!, [v]);

  const shapes = new Map<string, number>();
  const treeOf = (expression: Expression, varTypes: ReadonlyMap<SymbolId, SymbolId>) => {
    const tokens = expression.slice(1);
    const tc = expression[0];
    const memo = new Map<number, Map<number, number>>();
    const parse = (t: SymbolId, at: number): Map<number, number> => {
      const key = t * (tokens.length + 1) + at;
      const known = memo.get(key);
      if (known) return known;
      const out = new Map<number, number>();
      memo.set(key, out); // left recursion: an unfinished parse contributes nothing
      const sym = tokens[at];
      if (at < tokens.length && varTypes.get(sym) === t) out.set(at + 1, varLeaf(t, sym));
      for (const r of rulesByTc.get(t) ?? []) {
        let states: { at: number; args: (number | undefined)[] }[] = [
          { at, args: new Array(r.argTypecodes.length).fill(undefined) },
        ];
        for (const p of r.pattern) {
          const next: typeof states = [];
          for (const st of states) {
            if (p >= 0) {
              if (tokens[st.at] === p) next.push({ at: st.at + 1, args: st.args });
              continue;
            }
            const arg = -1 - p;
            for (const [end, node] of parse(r.argTypecodes[arg], st.at)) {
              if (st.args[arg] !== undefined && st.args[arg] !== node) continue;
              const args = st.args.slice();
              args[arg] = node;
              next.push({ at: end, args });
            }
          }
          states = next;
          if (!states.length) break;
        }
        for (const st of states) {
          if (out.has(st.at) || st.args.some((a) => a === undefined)) continue;
          out.set(st.at, store.node(r.ctor, st.args as number[]));
        }
      }
      return out;
    };
    let tree: number | undefined;
    if (syntaxTypecodes.has(tc)) {
      tree = parse(tc, 0).get(tokens.length);
    } else {
      // Logical: items, each the longest phrase of a syntax typecode, else a constant.
      const shape: string[] = [];
      const args: number[] = [];
      const argTcs: SymbolId[] = [];
      for (let at = 0; at < tokens.length;) {
        let best: { end: number; node: number; tc: SymbolId } | undefined;
        for (const t of syntaxTypecodes) {
          for (const [end, node] of parse(t, at)) {
            const better =
              !best || end > best.end || (end === best.end && rank.get(t)! > rank.get(best.tc)!);
            if (end > at && better) best = { end, node, tc: t };
          }
        }
        if (best) {
          shape.push(`<${sortOf.get(best.tc)}>`);
          args.push(best.node);
          argTcs.push(best.tc);
          at = best.end;
        } else {
          if (db.symbols[tokens[at]].kind === "variable") return undefined;
          shape.push(db.symbols[tokens[at]].name);
          at++;
        }
      }
      const key = `${tc} ${shape.join(" ")}`;
      let ctor = shapes.get(key);
      if (ctor === undefined) {
        const text = `${db.symbols[tc].name} ${shape.join(" ")}`;
        const short = text.length > 300 ? `${text.slice(0, 300)} ...` : text;
        ctor = addCtor(tc, `s${shapes.size + 1}`, argTcs, `shape ${short}`, "s");
        shapes.set(key, ctor);
      }
      tree = store.node(ctor, args);
    }
    if (tree === undefined) return undefined;
    const y = yieldOf(tree);
    if (y.length !== tokens.length || y.some((s, i) => s !== tokens[i])) {
      throw new Error(`the tree of a statement does not spell it: a bug in the Metamath encoder`);
    }
    return tree;
  };

  const shapeTokens = new Map<number, number[]>();
  const patternOf = (ctor: number): number[] => {
    let p = shapeTokens.get(ctor);
    if (p) return p;
    for (const rules of rulesByTc.values())
      for (const r of rules) if (r.ctor === ctor) p = r.pattern.slice();
    if (!p) {
      for (const [key, c] of shapes) {
        if (c !== ctor) continue;
        const items = key
          .split(" ")
          .slice(1)
          .filter((it) => it !== "");
        let arg = 0;
        p = items.map((it) =>
          it.startsWith("<") && it.endsWith(">") ? -1 - arg++ : db.symbolIds.get(it)!,
        );
      }
    }
    shapeTokens.set(ctor, p!);
    return p!;
  };
  const yieldOf = (node: number): SymbolId[] => {
    const n = store.nodes[node];
    if (varCtorSet.has(n.ctor)) return [n.args[0]];
    const out: SymbolId[] = [];
    for (const p of patternOf(n.ctor)) {
      if (p >= 0) out.push(p);
      else out.push(...yieldOf(n.args[-1 - p]));
    }
    return out;
  };
  const varCtorSet = new Set(varCtor.values());

  return { store, sortOf, syntaxTypecodes, axiomCtor, varCtor, sorts, treeOf, yieldOf, varLeaf };
}

/** The variable typecodes of an assertion's mandatory variables. */
export function frameVarTypes(db: MetamathDatabase, a: Assertion): Map<SymbolId, SymbolId> {
  const m = new Map<SymbolId, SymbolId>();
  a.frame.floating.forEach((f, i) => {
    const h = db.statements[f];
    if (h.kind === "f") m.set(a.frame.variables[i], h.typecode);
  });
  return m;
}
