/**
 * Random small rule files for the differential fuzzer (test/differential.test.ts): ordinary
 * relations of arity 0 to 3, unique relations (sometimes sharing a name with an ordinary one),
 * setup rules, `_` in hypotheses, every comparison operator, arithmetic, constants at the edges
 * of the order range and of the field (0, 1, 2^40 - 1, 2^40, p - 1, p - 2^40), and sometimes a
 * sort whose constructors appear as nested terms in rules (`x = c0(y, _)`, `p0(c1(x))`).
 *
 * The text is what a user would write; the fuzzer checks it with bmc's own checker, so a file
 * that `bmc check` rejects is simply not compiled (the test counts those). A file gets a twin
 * rule (shared slots) only as `bmc check` accepts it: the twin never costs a seed.
 */
import { hasErrors } from "../../src/diagnostics/index.js";
import { checkRuleFile } from "../../src/check/index.js";
import { P } from "../../src/field/index.js";
import { EDGE_VALUES, Random, TWO_40 } from "./random.js";

const SMALL = [0n, 1n, 2n, 3n];
const OPS = ["==", "!=", "<", "<=", ">", ">="] as const;
const IN_RANGE = [0n, 1n, TWO_40 - 1n];

interface Relation {
  readonly name: string;
  readonly arity: number;
}

interface Sort {
  readonly name: string;
  readonly constructors: { readonly name: string; readonly args: ("s" | "field")[] }[];
}

class RuleWriter {
  constructor(
    readonly rng: Random,
    readonly vars: readonly string[],
    readonly sort: Sort | undefined,
  ) {}
  readonly used = new Set<string>();

  /**
   * A literal. In order comparisons mostly one below 2^40: a constant operand of 2^40 or more
   * makes the comparison impossible, which `bmc check` refuses (BM0115), and a rule file it
   * refuses tests nothing in the circuit.
   */
  constant(order = false): string {
    const edges = order && this.rng.chance(0.9) ? IN_RANGE : EDGE_VALUES;
    const v = this.rng.chance(0.5) ? this.rng.pick(SMALL) : this.rng.pick(edges);
    return this.rng.chance(0.2) ? `0x${v.toString(16)}` : v.toString();
  }
  variable(): string {
    const v = this.rng.pick(this.vars);
    this.used.add(v);
    return v;
  }
  /** A field expression: mostly a variable, sometimes a constant or a little arithmetic. */
  expr(depth = 0, order = false): string {
    const r = this.rng.next();
    if (this.vars.length === 0 || r < 0.2) return this.constant(order);
    if (depth > 0 || r < 0.7) return this.variable();
    const op = this.rng.pick(["+", "-", "*", "neg"]);
    if (op === "neg") return `-${this.variable()}`;
    const right = this.rng.chance(0.5) ? this.expr(1, order) : this.constant(order);
    return `${this.expr(1, order)} ${op} ${right}`;
  }
  /** A constructor application, e.g. `c0(x, c1(_))`. */
  term(depth: number, wildcards: boolean): string {
    const c = this.rng.pick(this.sort!.constructors);
    const args = c.args.map((a) => {
      if (a === "field") return this.rng.chance(0.3) ? this.constant() : this.argVar(wildcards);
      if (depth < 1 && this.rng.chance(0.3)) return this.term(depth + 1, wildcards);
      return this.argVar(wildcards);
    });
    return `${c.name}(${args.join(", ")})`;
  }
  argVar(wildcards: boolean): string {
    if (this.vars.length === 0 || (wildcards && this.rng.chance(0.2))) return wildcards ? "_" : "0";
    return this.variable();
  }
  /** One argument of a claim. */
  arg(hypothesis: boolean): string {
    const r = this.rng.next();
    if (hypothesis && r < 0.15) return "_";
    if (this.sort && r < 0.3) return this.term(0, hypothesis);
    if (r < 0.8 && this.vars.length) return this.variable();
    return this.expr();
  }
  claim(rel: Relation, hypothesis: boolean): string {
    const args = Array.from({ length: rel.arity }, () => this.arg(hypothesis));
    return `${rel.name}(${args.join(", ")})`;
  }
  /**
   * A primitive constraint. Order comparisons between two literals, or against 0 from below,
   * are mostly impossible (BM0115 again), so they are rare.
   */
  constraint(): string {
    let op: (typeof OPS)[number] = this.rng.pick(OPS);
    if (this.vars.length === 0 && this.rng.chance(0.8)) op = this.rng.pick(["==", "!="]);
    const order = op !== "==" && op !== "!=";
    const left = this.expr(0, order);
    let right = this.expr(0, order);
    const literal = /^(0x[0-9a-f]+|\d+)$/;
    if (
      order &&
      this.vars.length &&
      literal.test(left) &&
      literal.test(right) &&
      this.rng.chance(0.9)
    )
      right = this.variable();
    return `${left} ${op} ${right}`;
  }
}

function sortDeclaration(rng: Random): Sort {
  const count = rng.int(1, 3);
  const constructors = Array.from({ length: count }, (_, i) => ({
    name: `c${i}`,
    args: Array.from({ length: rng.int(0, 2) }, () =>
      rng.chance(0.5) ? ("s" as const) : ("field" as const),
    ),
  }));
  // Some constructor must build a term from nothing but fields, or no term exists.
  if (constructors.every((c) => c.args.includes("s"))) constructors[0].args = ["field"];
  return { name: "s", constructors };
}

/** A random rule file, from a seed. */
export function generateRuleFile(seed: number): string {
  const rng = new Random(seed);
  const lines: string[] = [];
  const sort = rng.chance(0.3) ? sortDeclaration(rng) : undefined;
  if (sort) {
    const ctors = sort.constructors.map((c) =>
      c.args.length
        ? `${c.name}(${c.args.map((a) => (a === "s" ? "s" : "field")).join(", ")})`
        : c.name,
    );
    lines.push(`sort s = ${ctors.join(" | ")}.`);
  }
  const ordinary: Relation[] = Array.from({ length: rng.int(1, 3) }, (_, i) => ({
    name: `p${i}`,
    arity: rng.int(0, 3),
  }));
  const unique: Relation[] = Array.from(
    { length: rng.chance(0.6) ? rng.int(1, 2) : 0 },
    (_, i) => ({
      name: rng.chance(0.2) ? `p${i % ordinary.length}` : `u${i}`,
      arity: rng.int(0, 2),
    }),
  ).filter((u, i, all) => all.findIndex((v) => v.name === u.name) === i);
  const params = (n: number) => Array.from({ length: n }, (_, i) => `a${i}`).join(", ");
  for (const r of ordinary) lines.push(`relation ${r.name}(${params(r.arity)}).`);
  for (const r of unique) lines.push(`unique relation ${r.name}(${params(r.arity)}).`);
  // Relations a hand-written rule may use: its own, and those a sort declares.
  const usable: Relation[] = [...ordinary];
  if (sort) {
    usable.push({ name: "s", arity: 2 });
    for (const c of sort.constructors) usable.push({ name: c.name, arity: c.args.length + 1 });
  }
  const ruleCount = rng.int(2, 5);
  const rules = Array.from({ length: ruleCount }, (_, i) => rule(rng, i, usable, unique, sort));
  // A twin of one rule, of the same shape (for shared slots): the same rule under another name,
  // or with its integer literals shifted.
  if (ruleCount > 1 && rng.chance(0.7)) {
    const i = rng.int(1, ruleCount - 1);
    const renamed = rules[i].replace(`rule r${i}(`, `rule r${i}t(`);
    const shifted = renamed.replace(/\b(0x[0-9a-fA-F]+|\d+)\b/g, shiftLiteral);
    const head = lines.join("\n") + "\n" + rules.join("\n") + "\n";
    rules.push(rng.chance(0.5) && accepted(`${head}${shifted}\n`) ? shifted : renamed);
  }
  lines.push(...rules);
  return lines.join("\n") + "\n";
}

/**
 * A literal of a shifted twin: one larger, but one smaller at the ends of the order range and
 * of the field (2^40 - 1 and p - 1), where one larger is a constant no order comparison or
 * unique claim may have (BM0115, BM0123) or not a field element.
 */
function shiftLiteral(text: string): string {
  const value = BigInt(text);
  const next = value === TWO_40 - 1n || value === P - 1n ? value - 1n : value + 1n;
  return text.startsWith("0x") ? `0x${next.toString(16)}` : next.toString();
}

/**
 * Whether `bmc check` accepts a rule file. A shifted twin can still be refused where constants
 * meet in arithmetic (`2^40 - 1` times 1 becomes `2^40 - 2` times 2): the renamed twin takes its
 * place, which `bmc check` accepts exactly when it accepts the rest of the file.
 */
function accepted(text: string): boolean {
  const checked = checkRuleFile("twin.bm", {
    entryText: text,
    host: { readFile: () => undefined },
  });
  return !!checked.ruleSet && !hasErrors(checked.diagnostics);
}

function rule(
  rng: Random,
  index: number,
  usable: readonly Relation[],
  unique: readonly Relation[],
  sort: Sort | undefined,
): string {
  const vars = ["x", "y", "z", "w"].slice(0, rng.int(0, index === 0 ? 3 : 4));
  const w = new RuleWriter(rng, vars, sort);
  // The first rule has no hypotheses, so that some block can start every transcript.
  const hypotheses = Array.from({ length: index === 0 ? 0 : rng.int(0, 2) }, () =>
    w.claim(rng.pick(usable), true),
  );
  const conclusions = Array.from({ length: rng.int(index === 0 ? 1 : 0, 2) }, () =>
    w.claim(rng.pick(usable.slice(0, usable.length)), false),
  );
  if (unique.length && rng.chance(0.4)) {
    const u = rng.pick(unique);
    const args = Array.from({ length: u.arity }, () => w.expr(0, true));
    conclusions.push(`unique ${u.name}(${args.join(", ")})`);
  }
  const body = [...hypotheses];
  for (let k = rng.int(0, 2); k > 0; k--) body.push(w.constraint());
  if (sort && vars.length && rng.chance(0.3)) body.push(`${w.variable()} = ${w.term(0, false)}`);
  // Every variable used somewhere (an unused one is only a warning, but it is dead weight).
  for (const v of vars) {
    if (w.used.has(v)) continue;
    const op = rng.pick(OPS);
    body.push(`${v} ${op} ${w.expr(0, op !== "==" && op !== "!=")}`);
  }
  const semicolon = vars.length && rng.chance(0.6) ? rng.int(0, vars.length) : -1;
  const header =
    semicolon < 0
      ? vars.join(", ")
      : [vars.slice(0, semicolon).join(", "), vars.slice(semicolon).join(", ")].join("; ").trim();
  const setup = index > 0 && rng.chance(0.15) ? "setup " : "";
  return `${setup}rule r${index}(${header}): ${conclusions.join(", ")} -: ${body.join(", ")}.`;
}
