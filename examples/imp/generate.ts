/**
 * Traces of IMP programs for examples/imp/imp.bm. The program runs natively in a small-step
 * interpreter that follows the rules one for one: each step yields the derivation of its `step`
 * claim (evaluations, lookups, updates), and a flat list of `run` steps, each referring to the
 * previous one by id, chains them, so traces of any length need no deep nesting. The result is a
 * proof file (docs/build.md), which the library's builder turns into a transcript.
 *
 *   npx tsx examples/imp/generate.ts sum N                    > sum-N.bmt   (1 + ... + N)
 *   npx tsx examples/imp/generate.ts transfer FROM TO AMOUNT  > transfer.bmt
 *   npx tsx examples/imp/generate.ts factorial N              > factorial-N.bmt
 *   add --json to write the proof file instead of the transcript
 *   (or, compiled: node dist/examples/imp/generate.js ...)
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { ProofFile, ProofStep } from "../../src/index.js";

export type AExp =
  | { k: "num"; n: bigint }
  | { k: "var"; x: number }
  | { k: "plus" | "minus" | "times"; a: AExp; b: AExp };
export type BExp = { k: "le" | "eq"; a: AExp; b: AExp } | { k: "not"; b: BExp };
export type Com =
  | { k: "skip" }
  | { k: "assign"; x: number; a: AExp }
  | { k: "seq"; c1: Com; c2: Com }
  | { k: "if"; b: BExp; c1: Com; c2: Com }
  | { k: "while"; b: BExp; c: Com };
/** Bindings, first to last: [variable, value]. Assignment replaces a binding in place. */
export type Store = readonly (readonly [number, bigint])[];

export const num = (n: number | bigint): AExp => ({ k: "num", n: BigInt(n) });
export const v = (x: number): AExp => ({ k: "var", x });
export const plus = (a: AExp, b: AExp): AExp => ({ k: "plus", a, b });
export const minus = (a: AExp, b: AExp): AExp => ({ k: "minus", a, b });
export const times = (a: AExp, b: AExp): AExp => ({ k: "times", a, b });
export const le = (a: AExp, b: AExp): BExp => ({ k: "le", a, b });
export const eq = (a: AExp, b: AExp): BExp => ({ k: "eq", a, b });
export const not = (b: BExp): BExp => ({ k: "not", b });
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
  return b.k === "not" ? `not(${bText(b.b)})` : `${b.k}(${aText(b.a)}, ${aText(b.b)})`;
}
/** Program text, with the `let` names of the program's pieces where it has them. */
export function cText(c: Com, names: ReadonlyMap<Com, string> = new Map()): string {
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
  return s.reduceRight((rest, [x, val]) => `bind(${x}, ${val}, ${rest})`, "empty");
}

/** The BN254 scalar field modulus: IMP arithmetic is modulo P. */
export const P = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
const mod = (x: bigint) => ((x % P) + P) % P;
/** `<=` in imp.bm (docs/language.md): meaningful only when both sides are below 2^40. */
const small = (x: bigint) => x < 1n << 40n;

/** What the public part states about the end of the run. */
export type Goal =
  | { final: true } // the whole final store: demand_final(S)
  | { outputs: readonly number[] }; // some variables' values: demand_result(x, v) each

/** The trace generator: one interpreter step per `step` claim, with its derivation. */
export class Tracer {
  /** Every command the program contains gets a let name, so that steps can refer to it briefly. */
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

  private c(c: Com): string {
    return cText(c, this.names);
  }

  /** lookup_here / lookup_there: the first binding of x from position `from` on. */
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

  /** update_here / update_there: the first binding of x from position `from` on is replaced. */
  update(s: Store, x: number, value: bigint, from = 0): { store: Store; proof: ProofStep } {
    const [y] = s[from] ?? [];
    if (y === undefined) throw new Error(`variable ${x} is not in the store`);
    const S = sText(s.slice(from));
    if (y === x) {
      const store = s.map((b, i) => (i === from ? ([x, value] as const) : b));
      return { store, proof: { rule: "update_here", args: { S, x, v: value.toString() } } };
    }
    const inner = this.update(s, x, value, from + 1);
    return {
      store: inner.store,
      proof: { rule: "update_there", args: { S }, premises: [inner.proof] },
    };
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
        const op = {
          plus: (x: bigint, y: bigint) => x + y,
          minus: (x: bigint, y: bigint) => x - y,
          times: (x: bigint, y: bigint) => x * y,
        }[a.k];
        const value = mod(op(l.value, r.value));
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
    let value: boolean;
    if (b.k === "eq") value = l.value === r.value;
    else if (small(l.value) && small(r.value)) value = l.value <= r.value;
    else throw new Error(`stuck: ${l.value} <= ${r.value} compares a value of 2^40 or more`);
    return {
      value,
      proof: { rule: `b_${b.k}_${value}`, premises: [l.proof, r.proof] },
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
          return { c: c.c2, s, proof: { rule: "s_seq_skip", args: { c: this.c(c.c2), S } } };
        }
        const inner = this.step(c.c1, s);
        return {
          c: { k: "seq", c1: inner.c, c2: c.c2 },
          s: inner.s,
          proof: { rule: "s_seq", args: { c2: this.c(c.c2) }, premises: [inner.proof] },
        };
      }
      case "if": {
        const b = this.beval(c.b, s);
        return {
          c: b.value ? c.c1 : c.c2,
          s,
          proof: {
            rule: b.value ? "s_if_true" : "s_if_false",
            args: { c1: this.c(c.c1), c2: this.c(c.c2) },
            premises: [b.proof],
          },
        };
      }
      case "while":
        return {
          c: ifte(c.b, { k: "seq", c1: c.c, c2: c }, skip),
          s,
          proof: { rule: "s_while", args: { b: bText(c.b), c: this.c(c.c), S } },
        };
    }
  }

  /**
   * Runs the program from `input` to the end (at most `maxSteps` steps) and returns the proof
   * file, the final store and the number of steps.
   */
  trace(
    input: Store,
    goal: Goal,
    comment: string,
    maxSteps = 1e7,
  ): { proof: ProofFile; final: Store; steps: number } {
    const proofs: ProofStep[] = [];
    let c = this.program;
    let s = input;
    let previous = "start";
    let n = 0;
    while (c.k !== "skip") {
      if (++n > maxSteps) throw new Error(`no final state after ${maxSteps} steps`);
      const next = this.step(c, s);
      const id = `r${n}`;
      proofs.push({ id, rule: "run", premises: [{ ref: previous }, next.proof] });
      previous = id;
      c = next.c;
      s = next.s;
    }
    const values = new Map(s);
    const demands: ProofStep[] =
      "final" in goal
        ? // (skip, S) is the last run step's conclusion, which the validator matches.
          [{ rule: "demand_final", args: { S: sText(s) } }]
        : goal.outputs.map((x) => ({
            rule: "demand_result",
            args: { x, v: values.get(x)!.toString() },
            premises: [this.lookup(s, x).proof],
          }));
    return {
      final: s,
      steps: n,
      proof: {
        $comment: comment,
        let: this.lets,
        public: [
          {
            id: "start",
            rule: "start",
            args: { C: this.names.get(this.program)!, S: sText(input) },
          },
          ...demands,
        ],
        proofs,
      },
    };
  }
}

// ---------------------------------------------------------------------------------------------
// The example programs.

/** Variables of the sum loop. */
export const SUM = { n: 1, i: 2, s: 3 };

/** i := 1; s := 0; while i <= n do (s := s + i; i := i + 1) */
export function sumProgram(): Com {
  const { n, i, s } = SUM;
  return seq(
    assign(i, num(1)),
    assign(s, num(0)),
    loop(le(v(i), v(n)), seq(assign(s, plus(v(s), v(i))), assign(i, plus(v(i), num(1))))),
  );
}

/** The sum loop from the store n = N, i = 0, s = 0; the statement gives the final store. */
export function sumTrace(n: number | bigint) {
  const { n: N, i, s } = SUM;
  const input: Store = [
    [N, BigInt(n)],
    [i, 0n],
    [s, 0n],
  ];
  return new Tracer(sumProgram()).trace(input, { final: true }, `sum of 1..${n}`);
}

/** Variables of the transfer: the two balances and the amount. */
export const TRANSFER = { from: 1, to: 2, amount: 3 };

/** if amount <= from then (from := from - amount; to := to + amount) else skip */
export function transferProgram(): Com {
  const { from, to, amount } = TRANSFER;
  return ifte(
    le(v(amount), v(from)),
    seq(assign(from, minus(v(from), v(amount))), assign(to, plus(v(to), v(amount)))),
    skip,
  );
}

/** An ERC20-like transfer; the statement gives the final store (both balances and the amount). */
export function transferTrace(from: number | bigint, to: number | bigint, amount: number | bigint) {
  const T = TRANSFER;
  const input: Store = [
    [T.from, BigInt(from)],
    [T.to, BigInt(to)],
    [T.amount, BigInt(amount)],
  ];
  return new Tracer(transferProgram()).trace(
    input,
    { final: true },
    `transfer of ${amount} from a balance of ${from} to a balance of ${to}`,
  );
}

/** Variables of the factorial. */
export const FACTORIAL = { n: 1, f: 2 };

/** f := 1; while not(n == 0) do (f := f * n; n := n - 1) */
export function factorialProgram(): Com {
  const { n, f } = FACTORIAL;
  return seq(
    assign(f, num(1)),
    loop(not(eq(v(n), num(0))), seq(assign(f, times(v(f), v(n))), assign(n, minus(v(n), num(1))))),
  );
}

/** n! modulo p; the statement gives only the output f (demand_result). */
export function factorialTrace(n: number | bigint) {
  const { n: N, f } = FACTORIAL;
  const input: Store = [
    [N, BigInt(n)],
    [f, 0n],
  ];
  return new Tracer(factorialProgram()).trace(
    input,
    { outputs: [f] },
    `factorial of ${n}, modulo p`,
  );
}

// ---------------------------------------------------------------------------------------------
// Command line.

/** imp.bm, next to this file when run with tsx, or in the source tree when compiled to dist/. */
function rulesPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const found = [join(here, "imp.bm"), join(here, "../../../examples/imp/imp.bm")].find(existsSync);
  if (!found) throw new Error(`imp.bm not found near ${here}`);
  return found;
}

async function main(argv: string[]): Promise<number> {
  const json = argv.includes("--json");
  const [what, ...rest] = argv.filter((a) => a !== "--json");
  const nums = rest.map((a) => (/^\d+$/.test(a) ? BigInt(a) : -1n));
  const ok = nums.every((x) => x >= 0n);
  const started = performance.now();
  let traced;
  if (what === "sum" && nums.length === 1 && ok) traced = sumTrace(nums[0]);
  else if (what === "transfer" && nums.length === 3 && ok)
    traced = transferTrace(nums[0], nums[1], nums[2]);
  else if (what === "factorial" && nums.length === 1 && ok) traced = factorialTrace(nums[0]);
  else {
    process.stderr.write(
      "usage: generate.ts sum N | transfer FROM TO AMOUNT | factorial N  [--json]\n" +
        "  writes the transcript (or, with --json, the proof file) to standard output\n",
    );
    return 2;
  }
  const ran = performance.now();
  if (json) {
    process.stdout.write(JSON.stringify(traced.proof, null, 1) + "\n");
    return 0;
  }
  const { buildBlocks, checkRuleFile, transcriptText } = await import("../../src/index.js");
  const rules = checkRuleFile(rulesPath());
  if (!rules.ruleSet) throw new Error("imp.bm does not check");
  const loaded = performance.now();
  const built = buildBlocks(rules.ruleSet, traced.proof);
  if (built.errors.length) {
    process.stderr.write(built.errors.map((e) => `${e.path}: ${e.message}`).join("\n") + "\n");
    return 1;
  }
  const builtAt = performance.now();
  const header = `// ${traced.proof.$comment}: ${traced.steps} steps, ${built.blocks.length} blocks (examples/imp/generate.ts)\n`;
  const text = transcriptText(built.blocks, header);
  await new Promise<void>((done) => process.stdout.write(text, () => done()));
  const ms = (a: number, b: number) => `${Math.round(b - a)} ms`;
  process.stderr.write(
    `${traced.steps} steps, ${built.blocks.length} blocks, ${built.terms.size} named terms: ` +
      `run ${ms(started, ran)}, load bmc ${ms(ran, loaded)}, build ${ms(loaded, builtAt)}, write ${ms(builtAt, performance.now())}\n`,
  );
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2)).catch((e: unknown) => {
    // A program that gets stuck (a comparison of large values, an unbound variable) or runs
    // too long has no trace.
    process.stderr.write(`generate: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  });
}
