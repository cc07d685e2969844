/**
 * The native validator: the reference semantics of a transcript, which the circuits must
 * match. A transcript is valid iff
 *   (1) every block satisfies its rule's primitive constraints,
 *   (2) no unique claim is emitted twice,
 *   (3) every hypothesis of every block is concluded by some block,
 *   (4) setup blocks occur only in the public part,
 * and, so that circuits can sort them cheaply, every argument of a unique claim is below 2^40
 * (unique claims are names, as small as depths).
 * (Block shape, rule names and value ranges are checked earlier, by the transcript reader.)
 * Beyond the verdict it computes what a prover needs: the values chosen for `_`, and each
 * conclusion's multiplicity (how many hypotheses use it; a claim concluded by several blocks
 * is counted at its first emitter, in transcript order).
 */
import { diagnostic, type Code, type Diagnostic, type Span } from "../diagnostics/index.js";
import { span } from "../diagnostics/index.js";
import { ORDER_BOUND } from "../field/index.js";
import type { Rule } from "../check/index.js";
import type { Transcript } from "../transcript/model.js";
import { argValue, compileRule, holds, type CompiledClaim, type CompiledRule } from "./compile.js";

export interface ValidationError {
  readonly code: Code;
  /** Index of the block at fault, its 1-based line and rule name. */
  readonly block: number;
  readonly line: number;
  readonly rule: string;
  /** The claim at fault, written out (e.g. `proved(5, 2)`), when there is one. */
  readonly claim?: string;
  readonly message: string;
}

export interface ValidationStats {
  readonly blocks: number;
  readonly publicBlocks: number;
  readonly blocksPerRule: Record<string, number>;
  /** Hypotheses demanded, over all blocks. */
  readonly hypotheses: number;
  /** Ordinary conclusions emitted, over all blocks (with repetitions). */
  readonly conclusions: number;
  /** Distinct ordinary claims concluded. */
  readonly distinctClaims: number;
  readonly uniqueClaims: number;
}

export interface ValidationResult {
  readonly valid: boolean;
  /** The first `maxErrors` errors, structured. */
  readonly errors: ValidationError[];
  /** The same errors as diagnostics, with spans into the transcript and the rule file. */
  readonly diagnostics: Diagnostic[];
  /** All errors found, which can exceed errors.length. */
  readonly errorCount: number;
  readonly stats: ValidationStats;
  /**
   * multiplicity[conclusionStart[b] + j] is how many hypotheses use conclusion j of block b
   * (zero for unique conclusions and for repeated emissions after the first).
   */
  readonly multiplicity: Uint32Array;
  readonly conclusionStart: Int32Array;
  /** For blocks with `_` hypotheses: per hypothesis, the full argument list found (or undefined). */
  readonly wildcardFills: Map<number, (readonly bigint[] | undefined)[]>;
}

export interface ValidateOptions {
  maxErrors?: number;
}

export function claimText(name: string, args: readonly bigint[]): string {
  return `${name}(${args.join(", ")})`;
}

function claimKey(tag: number, args: readonly bigint[]): string {
  let key = String(tag);
  for (const a of args) key += "," + a;
  return key;
}

export function validateTranscript(t: Transcript, options: ValidateOptions = {}): ValidationResult {
  const maxErrors = options.maxErrors ?? 100;
  const compiled: CompiledRule[] = t.ruleSet.rules.map(compileRule);
  const errors: ValidationError[] = [];
  const diagnostics: Diagnostic[] = [];
  let errorCount = 0;
  const blockSpan = (b: number): Span => span(t.file, t.start[b], t.end[b]);
  const fail = (
    code: Code,
    b: number,
    rule: Rule,
    text: string,
    claim: string | undefined,
    related: { span: Span; message: string }[],
    help?: string,
  ) => {
    errorCount++;
    if (errors.length >= maxErrors) return;
    const message = `line ${t.line[b]}: ${text}`;
    errors.push({ code, block: b, line: t.line[b], rule: rule.name, claim, message });
    diagnostics.push(diagnostic(code, message, blockSpan(b), { related, help }));
  };

  const { values, valueStart } = t;
  const blocksPerRule = new Array<number>(compiled.length).fill(0);
  const conclusionStart = new Int32Array(t.blockCount + 1);
  let totalConclusions = 0;
  for (let b = 0; b < t.blockCount; b++) {
    conclusionStart[b] = totalConclusions;
    totalConclusions += compiled[t.rule[b]].conclusions.length;
  }
  conclusionStart[t.blockCount] = totalConclusions;
  const multiplicity = new Uint32Array(totalConclusions);

  // Pass 1: constraints, setup placement, and every conclusion.
  /** Ordinary claim key -> flat index of its first emission. */
  const concluded = new Map<string, number>();
  /** Unique claim key -> block that emitted it first. */
  const uniqueSeen = new Map<string, number>();
  /** Ordinary conclusions per relation tag, kept only for relations demanded with `_`. */
  const wildcardTags = new Set<number>();
  for (const r of compiled) for (const h of r.hypotheses) if (h.knownMask) wildcardTags.add(h.tag);
  const byTag = new Map<number, { args: bigint[]; flat: number }[]>();
  for (const tag of wildcardTags) byTag.set(tag, []);
  let ordinaryConclusions = 0;
  const args: bigint[] = [];

  for (let b = 0; b < t.blockCount; b++) {
    const cr = compiled[t.rule[b]];
    const rule = cr.rule;
    const base = valueStart[b];
    blocksPerRule[rule.index]++;
    if (rule.setup && !t.isPublic[b]) {
      fail(
        "BM0304",
        b,
        rule,
        `setup rule \`${rule.name}\` is only allowed in the public part`,
        undefined,
        [{ span: rule.nameSpan, message: "declared as a setup rule here" }],
        "move the block under `public:`, or drop it",
      );
    }
    for (const c of cr.constraints) {
      if (holds(c, values, base)) continue;
      const shown = c.vars.map((v) => `${rule.vars[v]} = ${values[base + v]}`).join(", ");
      const source = rule.constraints[cr.constraints.indexOf(c)];
      fail(
        "BM0301",
        b,
        rule,
        `${rule.name} violates ${source.span.file.text.slice(source.span.start, source.span.end)}${shown ? ` with ${shown}` : ""}`,
        undefined,
        [{ span: source.span, message: "constraint declared here" }],
        c.op === "<" || c.op === "<=" || c.op === ">" || c.op === ">="
          ? "order comparisons hold only between values below 2^40"
          : undefined,
      );
    }
    for (let j = 0; j < cr.conclusions.length; j++) {
      const c = cr.conclusions[j];
      args.length = 0;
      for (const a of c.args) args.push(argValue(a, values, base));
      const key = claimKey(c.tag, args);
      if (c.unique) {
        const first = uniqueSeen.get(key);
        if (args.some((a) => a >= ORDER_BOUND)) {
          const claim = claimText(c.claim.relation.name, args);
          fail(
            "BM0305",
            b,
            rule,
            `${rule.name} emits unique ${claim}, whose arguments are not all below 2^40`,
            `unique ${claim}`,
            [{ span: c.claim.span, message: "unique conclusion declared here" }],
            "unique claims are names: their arguments must be small, like depths",
          );
        }
        if (first === undefined) uniqueSeen.set(key, b);
        else {
          const claim = claimText(c.claim.relation.name, args);
          fail(
            "BM0302",
            b,
            rule,
            `${rule.name} emits unique ${claim}, already emitted on line ${t.line[first]}`,
            `unique ${claim}`,
            [{ span: blockSpan(first), message: "first emitted here" }],
            "each unique claim (e.g. a term name's definition) may be emitted once",
          );
        }
        continue;
      }
      ordinaryConclusions++;
      const flat = conclusionStart[b] + j;
      if (!concluded.has(key)) {
        concluded.set(key, flat);
        byTag.get(c.tag)?.push({ args: args.slice(), flat });
      }
    }
  }

  // Pass 2: every hypothesis must be concluded somewhere; count multiplicities.
  const wildcardIndexes = new Map<string, Map<string, { args: bigint[]; flat: number }>>();
  const wildcardIndex = (h: CompiledClaim) => {
    const mask = h.knownMask!;
    const id = `${h.tag}/${mask.map((k) => (k ? 1 : 0)).join("")}`;
    let index = wildcardIndexes.get(id);
    if (!index) {
      index = new Map();
      for (const entry of byTag.get(h.tag) ?? []) {
        const k = claimKey(
          h.tag,
          entry.args.filter((_, i) => mask[i]),
        );
        if (!index.has(k)) index.set(k, entry);
      }
      wildcardIndexes.set(id, index);
    }
    return index;
  };
  const wildcardFills = new Map<number, (readonly bigint[] | undefined)[]>();
  let hypotheses = 0;
  for (let b = 0; b < t.blockCount; b++) {
    const cr = compiled[t.rule[b]];
    const base = valueStart[b];
    for (let j = 0; j < cr.hypotheses.length; j++) {
      const h = cr.hypotheses[j];
      hypotheses++;
      args.length = 0;
      for (const a of h.args) if (a.kind !== "wildcard") args.push(argValue(a, values, base));
      let flat: number | undefined;
      if (h.knownMask) {
        const found = wildcardIndex(h).get(claimKey(h.tag, args));
        if (found) {
          flat = found.flat;
          let fills = wildcardFills.get(b);
          if (!fills)
            wildcardFills.set(b, (fills = new Array(cr.hypotheses.length).fill(undefined)));
          fills[j] = found.args;
        }
      } else {
        flat = concluded.get(claimKey(h.tag, args));
      }
      if (flat !== undefined) {
        multiplicity[flat]++;
        continue;
      }
      let k = 0;
      const shown = h.args.map((a) => (a.kind === "wildcard" ? "_" : String(args[k++])));
      const claim = `${h.claim.relation.name}(${shown.join(", ")})`;
      fail("BM0303", b, cr.rule, `${cr.rule.name} demands ${claim}; no block concludes it`, claim, [
        { span: h.claim.span, message: "hypothesis declared here" },
      ]);
    }
  }

  const perRule: Record<string, number> = {};
  for (const r of compiled) perRule[r.rule.name] = blocksPerRule[r.rule.index];
  return {
    valid: errorCount === 0,
    errors,
    diagnostics,
    errorCount,
    stats: {
      blocks: t.blockCount,
      publicBlocks: t.publicCount,
      blocksPerRule: perRule,
      hypotheses,
      conclusions: ordinaryConclusions,
      distinctClaims: concluded.size,
      uniqueClaims: uniqueSeen.size,
    },
    multiplicity,
    conclusionStart,
    wildcardFills,
  };
}
