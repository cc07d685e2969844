/**
 * Terms for the transcript builder: a tiny parser for term text in the rule language's syntax
 * (`impl(p, impl(q, p))`, `mvar(1)`, `bot`, integers) and a hash-consing table that gives every
 * distinct subterm one name.
 */
import type { Constructor, RuleSet } from "../check/index.js";
import { FIELD_SORT } from "../check/index.js";
import { P } from "../field/index.js";

export type TermTree =
  | { readonly kind: "value"; readonly value: bigint }
  | { readonly kind: "apply"; readonly constructor: Constructor; readonly args: readonly TermTree[] };

export class TermSyntaxError extends Error {}

/** Parses term text; `lets` maps names to terms defined earlier (the proof file's "let"). */
export function parseTerm(
  text: string,
  ruleSet: RuleSet,
  lets: ReadonlyMap<string, TermTree> = new Map(),
): TermTree {
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const fail = (what: string): never => {
    throw new TermSyntaxError(`${what} at column ${i + 1} of "${text}"`);
  };
  const term = (): TermTree => {
    ws();
    const num = /^(0[xX][0-9a-fA-F]+|[0-9]+)/.exec(text.slice(i));
    if (num) {
      i += num[0].length;
      const value = BigInt(num[0]);
      if (value >= P) fail("value not below the field modulus");
      return { kind: "value", value };
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i));
    if (!id) return fail("expected a term");
    const start = i;
    i += id![0].length;
    ws();
    const hasArgs = text[i] === "(";
    const ctor = ruleSet.constructors.get(id![0]);
    if (!hasArgs) {
      const bound = lets.get(id![0]);
      if (bound) return bound;
      if (ctor && ctor.argSorts.length === 0) return { kind: "apply", constructor: ctor, args: [] };
      i = start;
      return fail(
        ctor ? `constructor \`${id![0]}\` needs arguments` : `unknown name \`${id![0]}\``,
      );
    }
    if (!ctor) {
      i = start;
      return fail(`unknown constructor \`${id![0]}\``);
    }
    i++;
    const args: TermTree[] = [];
    ws();
    if (text[i] !== ")") {
      for (;;) {
        args.push(term());
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === ")") break;
        fail("expected ',' or ')'");
      }
    }
    i++;
    if (args.length !== ctor!.argSorts.length) {
      i = start;
      fail(`\`${ctor!.name}\` takes ${ctor!.argSorts.length} arguments, found ${args.length}`);
    }
    ctor!.argSorts.forEach((sort, k) => {
      const a = args[k];
      const actual = a.kind === "value" ? FIELD_SORT : a.constructor.sort.name;
      if (actual !== sort) {
        i = start;
        fail(`argument ${k + 1} of \`${ctor!.name}\` must be of sort ${sort}, found ${actual}`);
      }
    });
    return { kind: "apply", constructor: ctor!, args };
  };
  const result = term();
  ws();
  if (i < text.length) fail("unexpected text after the term");
  return result;
}

export interface NamedTerm {
  readonly name: bigint;
  readonly constructor: Constructor;
  /** Argument values: names of subterms, or plain values for `field` arguments. */
  readonly args: readonly bigint[];
  /** Depths of the sorted arguments, in order. */
  readonly argDepths: readonly bigint[];
  readonly depth: bigint;
}

/**
 * Names every distinct subterm once. Names are 1, 2, 3, ... in order of first appearance
 * (children before parents), so a transcript built from the same proof is always the same.
 */
export class TermTable {
  private readonly byKey = new Map<string, NamedTerm>();
  private readonly byName = new Map<bigint, NamedTerm>();
  private next = 1n;

  constructor(firstName = 1n) {
    this.next = firstName;
  }

  get terms(): IterableIterator<NamedTerm> {
    return this.byKey.values();
  }

  get size(): number {
    return this.byKey.size;
  }

  lookup(name: bigint): NamedTerm | undefined {
    return this.byName.get(name);
  }

  /** The name of ctor(args), defining it if new. Arguments are names or plain values. */
  intern(constructor: Constructor, args: readonly bigint[]): NamedTerm {
    const key = `${constructor.name}(${args.join(",")})`;
    const found = this.byKey.get(key);
    if (found) return found;
    const argDepths: bigint[] = [];
    constructor.argSorts.forEach((sort, i) => {
      if (sort === FIELD_SORT) return;
      const child = this.byName.get(args[i]);
      if (!child) throw new Error(`bmc internal error: undefined subterm ${args[i]}`);
      argDepths.push(child.depth);
    });
    const depth = argDepths.length ? argDepths.reduce((a, b) => (a > b ? a : b)) + 1n : 0n;
    const named: NamedTerm = { name: this.next++, constructor, args, argDepths, depth };
    this.byKey.set(key, named);
    this.byName.set(named.name, named);
    return named;
  }

  add(tree: TermTree): bigint {
    if (tree.kind === "value") return tree.value;
    return this.intern(
      tree.constructor,
      tree.args.map((a) => this.add(a)),
    ).name;
  }

  /** The term a name stands for, written out (for error messages). */
  show(name: bigint): string {
    const t = this.byName.get(name);
    if (!t) return name.toString();
    if (t.args.length === 0) return t.constructor.name;
    const args = t.args.map((a, i) =>
      t.constructor.argSorts[i] === FIELD_SORT ? a.toString() : this.show(a),
    );
    return `${t.constructor.name}(${args.join(", ")})`;
  }
}
