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
  const parts = grammarParts(db, store);
  const { sortOf, syntaxTypecodes, sorts } = parts;
  const varCtor = variableCtors(parts);
  const { rulesByTc, axiomCtor } = syntaxRules(parts);
  const rank = coercionRanks(syntaxTypecodes, rulesByTc);
  const varLeaf = (tc: SymbolId, v: SymbolId) => store.node(varCtor.get(sortOf.get(tc)!)!, [v]);
  /** The constructor of each logical shape, by typecode and shape text. */
  const shapes = new Map<string, number>();
  const yieldOf = treeYield(db, store, rulesByTc, shapes, varCtor);

  const treeOf = (expression: Expression, varTypes: ReadonlyMap<SymbolId, SymbolId>) => {
    const tokens = expression.slice(1);
    const tc = expression[0];
    const parse = phraseParser(store, rulesByTc, tokens, varTypes, varLeaf);
    const tree = syntaxTypecodes.has(tc)
      ? parse(tc, 0).get(tokens.length)
      : logicalTree(parts, { parse, tokens, tc, rank, shapes });
    if (tree === undefined) return undefined;
    const y = yieldOf(tree);
    if (y.length !== tokens.length || y.some((s, i) => s !== tokens[i])) {
      throw new Error(`the tree of a statement does not spell it: a bug in the Metamath encoder`);
    }
    return tree;
  };

  return { store, sortOf, syntaxTypecodes, axiomCtor, varCtor, sorts, treeOf, yieldOf, varLeaf };
}

/** What the steps of building a grammar share: the sorts so far, and how to add a constructor. */
interface GrammarParts {
  readonly db: MetamathDatabase;
  readonly store: TermStore;
  readonly syntaxTypecodes: Set<SymbolId>;
  readonly sortOf: Map<SymbolId, string>;
  readonly sorts: Grammar["sorts"];
  /**
   * A new constructor of typecode `tc`'s sort (declared on first use), named after `raw` (or
   * `fallback` when that is no usable name); an argument typecode below 0 is a field.
   */
  addCtor(
    tc: SymbolId,
    raw: string,
    argTcs: SymbolId[],
    comment: string,
    fallback?: string,
  ): number;
}

/** The syntax typecodes (those of $f hypotheses), each declared as a sort, in that order. */
function grammarParts(db: MetamathDatabase, store: TermStore): GrammarParts {
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
  return { db, store, syntaxTypecodes, sortOf, sorts, addCtor };
}

/** The variable-leaf constructor of each syntax sort: `v_<sort>(symbol id)`. */
function variableCtors(parts: GrammarParts): Map<string, number> {
  const { db, syntaxTypecodes, sortOf, addCtor } = parts;
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
  return varCtor;
}

/** A constructor per syntax axiom, and its pattern, grouped by the axiom's typecode. */
function syntaxRules(parts: GrammarParts): {
  rulesByTc: Map<SymbolId, SyntaxRule[]>;
  axiomCtor: Map<number, number>;
} {
  const { db, syntaxTypecodes, addCtor } = parts;
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
  return { rulesByTc, axiomCtor };
}

/**
 * Coercions (a syntax axiom whose pattern is one variable, `wff x`, `class x`) rank typecodes:
 * where two phrases of different typecodes span the same tokens, the coerced-to one is chosen,
 * as templates are instantiated through the coercion (`|- ph` with ph := `x`).
 */
function coercionRanks(
  syntaxTypecodes: Set<SymbolId>,
  rulesByTc: Map<SymbolId, SyntaxRule[]>,
): Map<SymbolId, number> {
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
  return rank;
}

/** Phrases of a syntax typecode starting at a token: their tree by the position after them. */
type PhraseParse = (t: SymbolId, at: number) => Map<number, number>;

/** A memoized parser of `tokens` by the syntax rules (a variable is a phrase of its typecode). */
function phraseParser(
  store: TermStore,
  rulesByTc: Map<SymbolId, SyntaxRule[]>,
  tokens: SymbolId[],
  varTypes: ReadonlyMap<SymbolId, SymbolId>,
  varLeaf: (tc: SymbolId, v: SymbolId) => number,
): PhraseParse {
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
  return parse;
}

/**
 * The tree of a logical statement: items, each the longest phrase of a syntax typecode, else a
 * constant; the shape's constructor is made on its first use. Undefined when a variable is left
 * that no phrase covers.
 */
function logicalTree(
  parts: GrammarParts,
  statement: {
    parse: PhraseParse;
    tokens: SymbolId[];
    tc: SymbolId;
    rank: Map<SymbolId, number>;
    shapes: Map<string, number>;
  },
): number | undefined {
  const { db, store, syntaxTypecodes, sortOf, addCtor } = parts;
  const { parse, tokens, tc, rank, shapes } = statement;
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
  return store.node(ctor, args);
}

/**
 * The token string a tree stands for. A constructor's pattern comes from its syntax rule, or
 * for a logical shape from the shape's key (read when first needed, since shapes are made as
 * statements are parsed).
 */
function treeYield(
  db: MetamathDatabase,
  store: TermStore,
  rulesByTc: Map<SymbolId, SyntaxRule[]>,
  shapes: Map<string, number>,
  varCtor: Map<string, number>,
): (node: number) => SymbolId[] {
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
  const varCtorSet = new Set(varCtor.values());
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
  return yieldOf;
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
