/**
 * Random transcripts for a checked rule set (sorts already expanded): valid by construction,
 * then mutated.
 *
 * Construction chains forward: a block of a random rule is instantiated by matching each
 * hypothesis against a claim some earlier block concluded, drawing the remaining variables from
 * a pool (small numbers, fresh names, the rule's constants, neighbours of values already bound,
 * rarely the edge values), and keeping the block only if its constraints hold and its unique
 * claims are new and small. The validator is the judge, not this code: a constructed transcript
 * the validator rejects is just an invalid one (the fuzzer counts them).
 *
 * Mutations: a value replaced by an edge value or a neighbour, a block dropped or duplicated
 * (with or without a changed value), a block moved between the public and the private part,
 * and a "loose" block whose constraints were never checked (values mostly at the edges).
 */
import type { Arg, Rule, RuleSet, Term } from "../../src/check/index.js";
import { compare, mod, ORDER_BOUND } from "../../src/field/index.js";
import { EDGE_VALUES, Random } from "./random.js";

export interface Block {
  readonly rule: number;
  readonly values: bigint[];
  isPublic: boolean;
}

export interface GeneratedTranscript {
  readonly blocks: Block[];
  /** What was done to the constructed transcript, for reports. */
  readonly mutations: string[];
}

function evaluate(t: Term, values: readonly (bigint | undefined)[]): bigint | undefined {
  switch (t.kind) {
    case "int":
      return t.value;
    case "var":
      return values[t.index];
    case "neg": {
      const v = evaluate(t.operand, values);
      return v === undefined ? undefined : mod(-v);
    }
    case "binary": {
      const l = evaluate(t.left, values);
      const r = evaluate(t.right, values);
      if (l === undefined || r === undefined) return undefined;
      return mod(t.op === "+" ? l + r : t.op === "-" ? l - r : l * r);
    }
  }
}

function constantsOf(t: Term, out: Set<bigint>): void {
  if (t.kind === "int") out.add(t.value);
  else if (t.kind === "neg") constantsOf(t.operand, out);
  else if (t.kind === "binary") {
    constantsOf(t.left, out);
    constantsOf(t.right, out);
  }
}

/** The claims concluded so far, by relation tag, and the unique claims emitted. */
class Facts {
  readonly byTag = new Map<number, bigint[][]>();
  readonly keys = new Set<string>();
  readonly uniques = new Set<string>();
  add(tag: number, args: bigint[]): void {
    const key = `${tag}:${args.join(",")}`;
    if (this.keys.has(key)) return;
    this.keys.add(key);
    const list = this.byTag.get(tag) ?? [];
    list.push(args);
    this.byTag.set(tag, list);
  }
}

export class TranscriptGenerator {
  private readonly constants: bigint[];
  private fresh = 10n;
  constructor(
    readonly ruleSet: RuleSet,
    readonly rng: Random,
  ) {
    const found = new Set<bigint>();
    for (const r of ruleSet.rules) {
      for (const c of [...r.conclusions, ...r.hypotheses])
        for (const a of c.args) if (a.kind !== "wildcard") constantsOf(a, found);
      for (const c of r.constraints) {
        constantsOf(c.left, found);
        constantsOf(c.right, found);
      }
    }
    this.constants = [...found];
  }

  /** A value for an unbound variable. */
  private draw(bound: readonly bigint[], loose: boolean): bigint {
    const r = this.rng.next();
    if (r < (loose ? 0.45 : 0.05)) return this.rng.pick(EDGE_VALUES);
    if (r < 0.35) return BigInt(this.rng.int(0, 3));
    if (r < 0.5) return this.fresh++;
    if (r < 0.65 && this.constants.length) {
      const c = this.rng.pick(this.constants);
      return mod(c + BigInt(this.rng.int(-1, 1)));
    }
    if (r < 0.9 && bound.length) return mod(this.rng.pick(bound) + BigInt(this.rng.int(-1, 2)));
    return BigInt(this.rng.int(0, 6));
  }

  /** Binds a hypothesis's variables from one matching claim; false if none matches. */
  private match(
    args: readonly Arg[],
    candidates: readonly bigint[][],
    values: (bigint | undefined)[],
  ): boolean {
    const fits = candidates.filter((claim) => {
      const trial = values.slice();
      return args.every((a, i) => {
        if (a.kind === "wildcard") return true;
        if (a.kind === "var" && trial[a.index] === undefined) {
          trial[a.index] = claim[i];
          return true;
        }
        const v = evaluate(a, trial);
        return v === undefined || v === claim[i];
      });
    });
    if (fits.length === 0) return false;
    const claim = this.rng.pick(fits);
    args.forEach((a, i) => {
      if (a.kind === "var" && values[a.index] === undefined) values[a.index] = claim[i];
    });
    return true;
  }

  /**
   * Values for one block of `rule`, or undefined. Loose blocks skip the constraint check and
   * draw edge values often: what a careless or dishonest prover writes.
   */
  instantiate(rule: Rule, facts: Facts, loose: boolean): bigint[] | undefined {
    for (let attempt = 0; attempt < (loose ? 1 : 25); attempt++) {
      const values: (bigint | undefined)[] = rule.vars.map(() => undefined);
      const order = this.rng.shuffle(rule.hypotheses.map((_, i) => i));
      let matched = true;
      for (const h of order) {
        const claim = rule.hypotheses[h];
        const candidates = facts.byTag.get(claim.relation.tag) ?? [];
        if (!this.match(claim.args, candidates, values) && !loose) matched = false;
      }
      if (!matched) continue;
      for (let i = 0; i < values.length; i++) {
        if (values[i] === undefined) {
          const bound = values.filter((v): v is bigint => v !== undefined);
          values[i] = this.draw(bound, loose);
        }
      }
      const full = values as bigint[];
      if (loose || this.holds(rule, full, facts)) return full;
    }
    return undefined;
  }

  private holds(rule: Rule, values: bigint[], facts: Facts): boolean {
    for (const c of rule.constraints) {
      if (!compare(c.op, evaluate(c.left, values)!, evaluate(c.right, values)!)) return false;
    }
    for (const h of rule.hypotheses) {
      const list = facts.byTag.get(h.relation.tag) ?? [];
      const want = h.args.map((a) => (a.kind === "wildcard" ? undefined : evaluate(a, values)));
      if (!list.some((claim) => want.every((v, i) => v === undefined || v === claim[i])))
        return false;
    }
    const seen = new Set<string>();
    for (const c of rule.conclusions) {
      if (!c.relation.unique) continue;
      const args = c.args.map((a) => evaluate(a as Term, values)!);
      const key = `${c.relation.tag}:${args.join(",")}`;
      if (args.some((a) => a >= ORDER_BOUND) || facts.uniques.has(key) || seen.has(key))
        return false;
      seen.add(key);
    }
    return true;
  }

  private conclude(rule: Rule, values: readonly bigint[], facts: Facts): void {
    for (const c of rule.conclusions) {
      const args = c.args.map((a) => evaluate(a as Term, values)!);
      if (c.relation.unique) facts.uniques.add(`${c.relation.tag}:${args.join(",")}`);
      else facts.add(c.relation.tag, args);
    }
  }

  /**
   * A transcript built by forward chaining: up to `size` blocks. `publicCap` limits the public
   * blocks per rule (setup blocks are always public, so a capped setup rule is skipped).
   */
  construct(size: number, publicCap?: (rule: Rule) => number): Block[] {
    const facts = new Facts();
    const blocks: Block[] = [];
    const publicCount = new Map<number, number>();
    for (let step = 0; step < size * 3 && blocks.length < size; step++) {
      const rule = this.rng.pick(this.ruleSet.rules);
      let isPublic = rule.setup || this.rng.chance(0.2);
      const cap = publicCap?.(rule) ?? Infinity;
      if (isPublic && (publicCount.get(rule.index) ?? 0) >= cap) {
        if (rule.setup) continue;
        isPublic = false;
      }
      const values = this.instantiate(rule, facts, false);
      if (!values) continue;
      this.conclude(rule, values, facts);
      if (isPublic) publicCount.set(rule.index, (publicCount.get(rule.index) ?? 0) + 1);
      blocks.push({ rule: rule.index, values, isPublic });
    }
    return blocks;
  }

  /** One to two mutations of a copy of `blocks`. */
  mutate(original: readonly Block[]): GeneratedTranscript {
    const blocks = original.map((b) => ({ ...b, values: b.values.slice() }));
    const mutations: string[] = [];
    for (let n = this.rng.int(1, 2); n > 0; n--) {
      const kind = this.rng.pick([
        "edge",
        "edge",
        "drop",
        "duplicate",
        "duplicate-edit",
        "visibility",
        "loose",
        "loose",
      ]);
      const at = blocks.length ? this.rng.int(0, blocks.length - 1) : -1;
      const b = blocks[at];
      if (kind === "loose" || !b) {
        const rule = this.rng.pick(this.ruleSet.rules);
        const facts = new Facts();
        for (const x of blocks) this.conclude(this.ruleSet.rules[x.rule], x.values, facts);
        const values = this.instantiate(rule, facts, true)!;
        blocks.push({ rule: rule.index, values, isPublic: rule.setup || this.rng.chance(0.2) });
        mutations.push(`loose block ${blocks.length - 1} (${rule.name})`);
      } else if (kind === "drop") {
        blocks.splice(at, 1);
        mutations.push(`dropped block ${at}`);
      } else if (kind === "visibility") {
        b.isPublic = !b.isPublic;
        mutations.push(`block ${at} made ${b.isPublic ? "public" : "private"}`);
      } else {
        const target = kind === "edge" ? b : { ...b, values: b.values.slice() };
        if (kind !== "edge") blocks.push(target);
        if (kind !== "duplicate" && target.values.length) {
          const i = this.rng.int(0, target.values.length - 1);
          const old = target.values[i];
          target.values[i] = this.rng.chance(0.6)
            ? this.rng.pick(EDGE_VALUES)
            : mod(old + BigInt(this.rng.pick([-1, 1])));
        }
        mutations.push(`${kind} of block ${at}`);
      }
    }
    return { blocks, mutations };
  }
}

/** The transcript's text: public blocks first (the format's order), one per line. */
export function transcriptText(ruleSet: RuleSet, blocks: readonly Block[]): string {
  const line = (b: Block) => {
    const rule = ruleSet.rules[b.rule];
    const shown = b.values.slice(0, rule.shownCount).join(", ");
    const hidden = b.values.slice(rule.shownCount).join(", ");
    // The `;` is optional; written only where it separates two non-empty lists.
    const both = rule.hasSemicolon && shown && hidden;
    return `  ${rule.name}(${both ? `${shown}; ${hidden}` : b.values.join(", ")})`;
  };
  const pub = blocks.filter((b) => b.isPublic).map(line);
  const priv = blocks.filter((b) => !b.isPublic).map(line);
  return [...(pub.length ? ["public:", ...pub] : []), "private:", ...priv, ""].join("\n");
}
