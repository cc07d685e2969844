/**
 * Traces of IMP programs as proof files for examples/imp/imp.bm. The program runs natively in a
 * small-step interpreter that follows the rules one for one; each step yields the derivation of
 * its `step` claim, and a flat list of `run` steps (each referring to the previous one by id)
 * chains them, so traces of any length need no deep nesting.
 *
 *   node dist/examples/imp/generate.js sum N               > sum-N.json   (1 + ... + N)
 *   node dist/examples/imp/generate.js transfer FROM TO AMOUNT > transfer.json
 *   add --bmt to write the transcript itself (built and checked with the library)
 */
import type { ProofFile, ProofStep } from "../../src/index.js";

export type AExp =
  { k: "num"; n: bigint } | { k: "var"; x: number } | { k: "plus" | "minus"; a: AExp; b: AExp };
export type BExp = { k: "le"; a: AExp; b: AExp } | { k: "not"; b: BExp };
export type Com =
  | { k: "skip" }
  | { k: "assign"; x: number; a: AExp }
  | { k: "seq"; c1: Com; c2: Com }
  | { k: "if"; b: BExp; c1: Com; c2: Com }
  | { k: "while"; b: BExp; c: Com };
/** Bindings in their fixed order: [variable, value]. */
export type Store = readonly (readonly [number, bigint])[];

export const num = (n: number | bigint): AExp => ({ k: "num", n: BigInt(n) });
export const v = (x: number): AExp => ({ k: "var", x });
export const plus = (a: AExp, b: AExp): AExp => ({ k: "plus", a, b });
export const minus = (a: AExp, b: AExp): AExp => ({ k: "minus", a, b });
export const le = (a: AExp, b: AExp): BExp => ({ k: "le", a, b });
export const skip: Com = { k: "skip" };
export const assign = (x: number, a: AExp): Com => ({ k: "assign", x, a });
export const seq = (...cs: Com[]): Com => cs.reduceRight((c2, c1) => ({ k: "seq", c1, c2 }));
export const ifte = (b: BExp, c1: Com, c2: Com): Com => ({ k: "if", b, c1, c2 });
export const loop = (b: BExp, c: Com): Com => ({ k: "while", b, c });

export function aText(a: AExp): string {
  switch (a.k) {
    case "num":
      return `num(${a.n})`;
    case "var":
      return `var(${a.x})`;
    default:
      return `${a.k}(${aText(a.a)}, ${aText(a.b)})`;
  }
}
export function bText(b: BExp): string {
  return b.k === "le" ? `le(${aText(b.a)}, ${aText(b.b)})` : `not(${bText(b.b)})`;
}
/** Program text, with the names of `let`-bound pieces where the program has them. */
export function cText(c: Com, names: Map<Com, string>): string {
  const named = names.get(c);
  if (named) return named;
  switch (c.k) {
    case "skip":
      return "skip";
    case "assign":
      return `assign(${c.x}, ${aText(c.a)})`;
    case "seq":
      return `seq(${cText(c.c1, names)}, ${cText(c.c2, names)})`;
    case "if":
      return `if(${bText(c.b)}, ${cText(c.c1, names)}, ${cText(c.c2, names)})`;
    case "while":
      return `while(${bText(c.b)}, ${cText(c.c, names)})`;
  }
}
export function sText(s: Store): string {
  return s.reduceRight((rest, [x, val]) => `bind(${x}, ${val}, ${rest})`, "nil");
}

const P = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
const small = (x: bigint) => x < 1n << 40n;

/** The trace generator: one interpreter step per `step` claim, with its derivation. */
export class Tracer {
  /** Every command the program contains gets a let name, so steps can refer to it briefly. */
  readonly names = new Map<Com, string>();
  readonly lets: Record<string, string> = {};

  constructor(readonly program: Com) {
    this.name(program);
  }

  private name(c: Com): void {
    if (c.k === "seq") [c.c1, c.c2].forEach((x) => this.name(x));
    if (c.k === "if") [c.c1, c.c2].forEach((x) => this.name(x));
    if (c.k === "while") this.name(c.c);
    if (c.k === "skip" || this.names.has(c)) return;
    const id = `c${this.names.size}`;
    this.lets[id] = cText(c, this.names);
    this.names.set(c, id);
  }

  lookup(s: Store, x: number, from = 0): { value: bigint; proof: ProofStep } {
    const [y, value] = s[from] ?? [];
    if (y === undefined) throw new Error(`variable ${x} is not in the store`);
    const S = sText(s.slice(from));
    if (y === x) return { value: value!, proof: { rule: "lookup_here", args: { S } } };
    const inner = this.lookup(s, x, from + 1);
    return {
      value: inner.value,
      proof: { rule: "lookup_there", args: { S }, premises: [inner.proof] },
    };
  }

  update(s: Store, x: number, value: bigint, from = 0): { store: Store; proof: ProofStep } {
    const [y] = s[from] ?? [];
    if (y === undefined) throw new Error(`variable ${x} is not in the store`);
    const S = sText(s.slice(from));
    const store = s.map(([z, w], i) =>
      i >= from && z === x ? ([z, value] as const) : ([z, w] as const),
    );
    if (y === x)
      return { store, proof: { rule: "update_here", args: { S, x, v: value.toString() } } };
    const inner = this.update(s, x, value, from + 1);
    return { store, proof: { rule: "update_there", args: { S }, premises: [inner.proof] } };
  }

  aeval(a: AExp, s: Store): { value: bigint; proof: ProofStep } {
    switch (a.k) {
      case "num":
        return { value: a.n, proof: { rule: "a_num", args: { S: sText(s), n: a.n.toString() } } };
      case "var": {
        const l = this.lookup(s, a.x);
        return { value: l.value, proof: { rule: "a_var", premises: [l.proof] } };
      }
      default: {
        const l = this.aeval(a.a, s);
        const r = this.aeval(a.b, s);
        const value = (((a.k === "plus" ? l.value + r.value : l.value - r.value) % P) + P) % P;
        return { value, proof: { rule: `a_${a.k}`, premises: [l.proof, r.proof] } };
      }
    }
  }

  beval(b: BExp, s: Store): { value: boolean; proof: ProofStep } {
    if (b.k === "not") {
      const inner = this.beval(b.b, s);
      return { value: !inner.value, proof: { rule: "b_not", premises: [inner.proof] } };
    }
    const l = this.aeval(b.a, s);
    const r = this.aeval(b.b, s);
    if (!small(l.value) || !small(r.value)) throw new Error("comparison of values of 2^40 or more");
    const value = l.value <= r.value;
    return {
      value,
      proof: { rule: value ? "b_le_true" : "b_le_false", premises: [l.proof, r.proof] },
    };
  }

  step(c: Com, s: Store): { c: Com; s: Store; proof: ProofStep } {
    const S = sText(s);
    switch (c.k) {
      case "skip":
        throw new Error("skip does not step");
      case "assign": {
        const a = this.aeval(c.a, s);
        const u = this.update(s, c.x, a.value);
        return { c: skip, s: u.store, proof: { rule: "s_assign", premises: [a.proof, u.proof] } };
      }
      case "seq": {
        if (c.c1.k === "skip") {
          return {
            c: c.c2,
            s,
            proof: { rule: "s_seq_skip", args: { c: cText(c.c2, this.names), S } },
          };
        }
        const inner = this.step(c.c1, s);
        const next: Com = { k: "seq", c1: inner.c, c2: c.c2 };
        return {
          c: next,
          s: inner.s,
          proof: { rule: "s_seq", args: { c2: cText(c.c2, this.names) }, premises: [inner.proof] },
        };
      }
      case "if": {
        const b = this.beval(c.b, s);
        return {
          c: b.value ? c.c1 : c.c2,
          s,
          proof: {
            rule: b.value ? "s_if_true" : "s_if_false",
            args: { c1: cText(c.c1, this.names), c2: cText(c.c2, this.names) },
            premises: [b.proof],
          },
        };
      }
      case "while": {
        const unrolled = ifte(c.b, { k: "seq", c1: c.c, c2: c }, skip);
        return {
          c: unrolled,
          s,
          proof: { rule: "s_while", args: { b: bText(c.b), c: cText(c.c, this.names), S } },
        };
      }
    }
  }

  /** Runs the program to the end and returns the proof file and the final store. */
  trace(
    input: Store,
    outputs: readonly number[],
    comment: string,
  ): { proof: ProofFile; final: Store } {
    const proofs: ProofStep[] = [];
    let c = this.program;
    let s = input;
    let previous = "start";
    for (let n = 1; c.k !== "skip"; n++) {
      const next = this.step(c, s);
      const id = `r${n}`;
      proofs.push({ id, rule: "run", premises: [{ ref: previous }, next.proof] });
      previous = id;
      c = next.c;
      s = next.s;
    }
    const values = new Map(s);
    return {
      final: s,
      proof: {
        $comment: comment,
        let: this.lets,
        public: [
          {
            id: "start",
            rule: "start",
            args: { C: this.names.get(this.program)!, S: sText(input) },
          },
          // The lookups in the final store are derived here; reaching that store is the
          // last `run` step's conclusion, which the validator matches.
          ...outputs.map((x) => ({
            rule: "demand_result",
            args: { x, v: values.get(x)!.toString() },
            premises: [this.lookup(s, x).proof],
          })),
        ],
        proofs,
      },
    };
  }
}

// Variables of the two example programs.
export const SUM = { n: 1, i: 2, s: 3 };
export const TRANSFER = { from: 1, to: 2, amount: 3 };

/** i := 1; s := 0; while i <= n do (s := s + i; i := i + 1) */
export function sumProgram(): Com {
  const { n, i, s } = SUM;
  return seq(
    assign(i, num(1)),
    assign(s, num(0)),
    loop(le(v(i), v(n)), seq(assign(s, plus(v(s), v(i))), assign(i, plus(v(i), num(1))))),
  );
}

export function sumTrace(n: number) {
  const { n: N, i, s } = SUM;
  return new Tracer(sumProgram()).trace(
    [
      [N, BigInt(n)],
      [i, 0n],
      [s, 0n],
    ],
    [s],
    `sum of 1..${n}`,
  );
}

/** if amount <= from then (from := from - amount; to := to + amount) else skip */
export function transferProgram(): Com {
  const { from, to, amount } = TRANSFER;
  return ifte(
    le(v(amount), v(from)),
    seq(assign(from, minus(v(from), v(amount))), assign(to, plus(v(to), v(amount)))),
    skip,
  );
}

export function transferTrace(from: number, to: number, amount: number) {
  const T = TRANSFER;
  return new Tracer(transferProgram()).trace(
    [
      [T.from, BigInt(from)],
      [T.to, BigInt(to)],
      [T.amount, BigInt(amount)],
    ],
    [T.from, T.to],
    `transfer of ${amount} from a balance of ${from} to a balance of ${to}`,
  );
}

const isMain = /generate\.(js|ts)$/.test(process.argv[1] ?? "");
if (isMain) {
  const args = process.argv.slice(2).filter((a) => a !== "--bmt");
  const asTranscript = process.argv.includes("--bmt");
  const [what, ...nums] = args;
  const values = nums.map(Number);
  let traced;
  if (what === "sum" && values.length === 1 && values[0] >= 0) traced = sumTrace(values[0]);
  else if (what === "transfer" && values.length === 3 && values.every((x) => x >= 0)) {
    traced = transferTrace(values[0], values[1], values[2]);
  } else {
    process.stderr.write("usage: generate.js sum N | transfer FROM TO AMOUNT  [--bmt]\n");
    process.exit(2);
  }
  if (!asTranscript) {
    process.stdout.write(JSON.stringify(traced.proof, null, 1) + "\n");
  } else {
    const { buildBlocks, checkRuleFile, transcriptText } = await import("../../src/index.js");
    const { fileURLToPath } = await import("node:url");
    const rules = checkRuleFile(
      fileURLToPath(new URL("../../../examples/imp/imp.bm", import.meta.url)),
    );
    const built = buildBlocks(rules.ruleSet!, traced.proof);
    if (built.errors.length) {
      process.stderr.write(built.errors.map((e) => `${e.path}: ${e.message}`).join("\n") + "\n");
      process.exit(1);
    }
    process.stdout.write(transcriptText(built.blocks, `// ${traced.proof.$comment}\n`));
  }
}
