/**
 * Hash-consed terms for the Metamath encoding: every distinct tree is one node id, so equal
 * subexpressions are one named term in the transcript and tree equality is id equality.
 *
 * A node is a constructor applied to arguments; an argument is a node id, or a plain field
 * value for constructors with `field` arguments (variable leaves carry their symbol id, list
 * cells their symbol).
 */

export interface Constructor {
  /** Its name in the generated rule file. */
  readonly name: string;
  /** The sort it belongs to (a sort name of the rule file). */
  readonly sort: string;
  /** Per argument: a sort name, or "field" for a plain value. */
  readonly argSorts: readonly string[];
  /** A comment for the rule file: the .mm label and line it stands for, or what it is. */
  readonly comment: string;
}

export interface TermNode {
  readonly ctor: number;
  /** Node ids for sorted arguments, values for field arguments. */
  readonly args: readonly number[];
}

export class TermStore {
  readonly ctors: Constructor[] = [];
  readonly ctorByName = new Map<string, number>();
  readonly nodes: TermNode[] = [];
  private readonly ids = new Map<string, number>();

  addConstructor(c: Constructor): number {
    const existing = this.ctorByName.get(c.name);
    if (existing !== undefined) return existing;
    this.ctors.push(c);
    this.ctorByName.set(c.name, this.ctors.length - 1);
    return this.ctors.length - 1;
  }

  node(ctor: number, args: readonly number[]): number {
    const key = `${ctor}:${args.join(",")}`;
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.nodes.length;
      this.nodes.push({ ctor, args });
      this.ids.set(key, id);
    }
    return id;
  }

  /** Term text in the rule language, children named by `name` (e.g. let names). */
  text(id: number, name: (child: number) => string): string {
    const n = this.nodes[id];
    const c = this.ctors[n.ctor];
    const args = n.args.map((a, j) => (c.argSorts[j] === "field" ? String(a) : name(a)));
    return `${c.name}(${args.join(", ")})`;
  }

  /** Number of nodes in the tree, shared subtrees counted once. */
  size(root: number): number {
    const seen = new Set<number>();
    const visit = (id: number) => {
      if (seen.has(id)) return;
      seen.add(id);
      const n = this.nodes[id];
      const c = this.ctors[n.ctor];
      n.args.forEach((a, j) => c.argSorts[j] !== "field" && visit(a));
    };
    visit(root);
    return seen.size;
  }
}

/** Letters, digits and `_` only, starting with a letter: an identifier of the rule language. */
export function identifier(raw: string, fallback: string): string {
  let s = raw
    .replace(/[^A-Za-z0-9_]/g, "_")
    .replace(/_+/g, "_")
    .replace(/^_|_$/g, "");
  if (!s) s = fallback;
  if (!/^[A-Za-z]/.test(s)) s = `${fallback}_${s}`;
  return s;
}

/** Gives each raw name a distinct identifier (deterministic: first come, plain name). */
export class Names {
  private readonly used = new Set<string>();
  constructor(reserved: Iterable<string> = []) {
    for (const r of reserved) this.used.add(r);
  }
  take(raw: string, fallback: string): string {
    const base = identifier(raw, fallback);
    let name = base;
    for (let n = 2; this.used.has(name); n++) name = `${base}_${n}`;
    this.used.add(name);
    return name;
  }
}
