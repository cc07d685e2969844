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
  | {
      readonly kind: "apply";
      readonly constructor: Constructor;
      readonly args: readonly TermTree[];
    };

export class TermSyntaxError extends Error {}

/** Parses term text; `lets` maps names to terms defined earlier (the proof file's "let"). */
export function parseTerm(
  text: string,
  ruleSet: RuleSet,
  lets: ReadonlyMap<string, TermTree> = new Map(),
): TermTree {
  const parser = new TermParser(text, ruleSet, lets);
  const result = parser.term();
  parser.end();
  return result;
}

/** A recursive-descent reader of one term; errors name the column they are found at. */
class TermParser {
  private i = 0;

  constructor(
    private readonly text: string,
    private readonly ruleSet: RuleSet,
    private readonly lets: ReadonlyMap<string, TermTree>,
  ) {}

  term(): TermTree {
    const text = this.text;
    this.ws();
    const num = /^(0[xX][0-9a-fA-F]+|[0-9]+)/.exec(text.slice(this.i));
    if (num) {
      this.i += num[0].length;
      const value = BigInt(num[0]);
      if (value >= P) this.fail("value not below the field modulus");
      return { kind: "value", value };
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(this.i));
    if (!id) return this.fail("expected a term");
    const start = this.i;
    this.i += id[0].length;
    this.ws();
    const hasArgs = text[this.i] === "(";
    const ctor = this.ruleSet.constructors.get(id[0]);
    if (!hasArgs) {
      const bound = this.lets.get(id[0]);
      if (bound) return bound;
      if (ctor && ctor.argSorts.length === 0) return { kind: "apply", constructor: ctor, args: [] };
      this.i = start;
      return this.fail(
        ctor ? `constructor \`${id[0]}\` needs arguments` : `unknown name \`${id[0]}\``,
      );
    }
    if (!ctor) {
      this.i = start;
      return this.fail(`unknown constructor \`${id[0]}\``);
    }
    const args = this.args();
    this.checkArgs(ctor, args, start);
    return { kind: "apply", constructor: ctor, args };
  }

  /** Nothing but white space may follow the term. */
  end(): void {
    this.ws();
    if (this.i < this.text.length) this.fail("unexpected text after the term");
  }

  /** `(t1, t2, ...)`, from the opening parenthesis. */
  private args(): TermTree[] {
    const text = this.text;
    this.i++;
    const args: TermTree[] = [];
    this.ws();
    if (text[this.i] !== ")") {
      for (;;) {
        args.push(this.term());
        this.ws();
        if (text[this.i] === ",") {
          this.i++;
          continue;
        }
        if (text[this.i] === ")") break;
        this.fail("expected ',' or ')'");
      }
    }
    this.i++;
    return args;
  }

  /** The arguments' number and sorts; an error points at the constructor (`start`). */
  private checkArgs(ctor: Constructor, args: readonly TermTree[], start: number): void {
    if (args.length !== ctor.argSorts.length) {
      this.i = start;
      this.fail(`\`${ctor.name}\` takes ${ctor.argSorts.length} arguments, found ${args.length}`);
    }
    ctor.argSorts.forEach((sort, k) => {
      const a = args[k];
      const actual = a.kind === "value" ? FIELD_SORT : a.constructor.sort.name;
      if (actual !== sort) {
        this.i = start;
        this.fail(`argument ${k + 1} of \`${ctor.name}\` must be of sort ${sort}, found ${actual}`);
      }
    });
  }

  private ws(): void {
    while (this.i < this.text.length && /\s/.test(this.text[this.i])) this.i++;
  }

  private fail(what: string): never {
    throw new TermSyntaxError(`${what} at column ${this.i + 1} of "${this.text}"`);
  }
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
