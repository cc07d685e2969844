/**
 * A small typed printer for Circom: linear combinations with exact coefficients, and a
 * template writer that keeps declarations, constraints and witness assignments apart. Output
 * is deterministic (terms in insertion order) and readable.
 */
import { P } from "../field/index.js";

/** A linear combination: constant + sum of coefficient * signal, coefficients mod p. */
export class Lin {
  private constructor(
    readonly constant: bigint,
    readonly terms: ReadonlyMap<string, bigint>,
  ) {}

  static const(value: bigint): Lin {
    return new Lin(((value % P) + P) % P, new Map());
  }

  static signal(name: string): Lin {
    return new Lin(0n, new Map([[name, 1n]]));
  }

  get isConstant(): boolean {
    return this.terms.size === 0;
  }

  add(other: Lin): Lin {
    const terms = new Map(this.terms);
    for (const [s, c] of other.terms) {
      const sum = ((terms.get(s) ?? 0n) + c) % P;
      if (sum === 0n) terms.delete(s);
      else terms.set(s, sum);
    }
    return new Lin((this.constant + other.constant) % P, terms);
  }

  scale(k: bigint): Lin {
    const f = ((k % P) + P) % P;
    if (f === 0n) return Lin.const(0n);
    const terms = new Map<string, bigint>();
    for (const [s, c] of this.terms) terms.set(s, (c * f) % P);
    return new Lin((this.constant * f) % P, terms);
  }

  sub(other: Lin): Lin {
    return this.add(other.scale(P - 1n));
  }

  /** Circom text; coefficients close to p print as small negatives. */
  toString(): string {
    const terms: SignedTerm[] = [];
    const signed = (c: bigint) => (c > P / 2n ? -(P - c) : c);
    for (const [s, c] of this.terms) {
      const k = signed(c);
      const magnitude = k < 0n ? -k : k;
      terms.push({ negative: k < 0n, text: magnitude === 1n ? s : `${magnitude} * ${s}` });
    }
    if (this.constant !== 0n || terms.length === 0) {
      const k = signed(this.constant);
      // Alone, a negative constant keeps its sign in its text: `-3`, as before.
      if (terms.length === 0) terms.push({ negative: false, text: k.toString() });
      else terms.push({ negative: k < 0n, text: (k < 0n ? -k : k).toString() });
    }
    return signedSum(terms);
  }
}

/**
 * The most terms a sum is written with flat, `x0 + x1 + ... + xn`. circom's parser turns a flat
 * sum into a left-deep tree and recurses once per term: circom2 0.2.23 (circom 2.x in
 * WebAssembly) stops with "memory access out of bounds" at about 420 terms (measured: 400
 * compile, 450 do not). A longer sum is written as a balanced tree of parenthesised halves
 * (the same linear combination, the same constraint), so its nesting grows with the logarithm
 * of its length. Sums this short or shorter print exactly as they always have.
 */
export const FLAT_SUM_TERMS = 128;

interface SignedTerm {
  readonly negative: boolean;
  /** The term without its sign. */
  readonly text: string;
}

function signedSum(terms: readonly SignedTerm[]): string {
  if (terms.length > FLAT_SUM_TERMS) {
    const half = Math.ceil(terms.length / 2);
    return `(${signedSum(terms.slice(0, half))}) + (${signedSum(terms.slice(half))})`;
  }
  return terms
    .map((t, i) =>
      i === 0 ? (t.negative ? `-${t.text}` : t.text) : `${t.negative ? "-" : "+"} ${t.text}`,
    )
    .join(" ");
}

/** `terms[0] + terms[1] + ...` as Circom text, balanced when long (FLAT_SUM_TERMS); "0" if none. */
export function sumText(terms: readonly string[]): string {
  if (terms.length === 0) return "0";
  return signedSum(terms.map((text) => ({ negative: false, text })));
}

export class TemplateWriter {
  private readonly lines: string[] = [];
  private depth = 1;

  constructor(
    readonly name: string,
    readonly params: readonly string[] = [],
    readonly doc: readonly string[] = [],
  ) {}

  line(text: string): this {
    this.lines.push("    ".repeat(this.depth) + text);
    return this;
  }

  blank(): this {
    if (this.lines.length && this.lines[this.lines.length - 1] !== "") this.lines.push("");
    return this;
  }

  comment(text: string): this {
    return this.line(`// ${text}`);
  }

  /** `lhs === rhs`: one R1CS constraint (the caller keeps it quadratic). */
  constrain(lhs: string, rhs: string): this {
    return this.line(`${lhs} === ${rhs};`);
  }

  /** `signal <== expr`: assigned and constrained. */
  assign(signal: string, expr: string): this {
    return this.line(`${signal} <== ${expr};`);
  }

  /** `signal <-- expr`: a witness computed outside the constraints; the caller constrains it. */
  witness(signal: string, expr: string): this {
    return this.line(`${signal} <-- ${expr};`);
  }

  block(head: string, body: () => void): this {
    this.line(`${head} {`);
    this.depth++;
    body();
    this.depth--;
    return this.line("}");
  }

  render(): string {
    const doc = this.doc.map((d) => `// ${d}`);
    return [...doc, `template ${this.name}(${this.params.join(", ")}) {`, ...this.lines, "}"].join(
      "\n",
    );
  }
}
