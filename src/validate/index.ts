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
import { NUMBER_BOUND, numericValues, valueAt, type Transcript } from "../transcript/model.js";
import { ClaimTable } from "./claims.js";
import {
  argNumber,
  argValue,
  compileRule,
  CONST_ARG,
  holds,
  holdsNumeric,
  type CompiledArg,
  type CompiledClaim,
  type CompiledRule,
  WILDCARD_ARG,
} from "./compile.js";

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
  const v = new Validator(t, options.maxErrors ?? 100);
  const n = t.blockCount;
  for (let b = 0; b < n; b += PREFETCH_BLOCKS) {
    const end = Math.min(n, b + PREFETCH_BLOCKS);
    v.prefetchConclusions(b, end);
    for (let c = b; c < end; c++) v.checkBlock(c);
  }
  for (let b = 0; b < n; b += PREFETCH_BLOCKS) {
    const end = Math.min(n, b + PREFETCH_BLOCKS);
    v.prefetchHypotheses(b, end);
    for (let c = b; c < end; c++) v.checkHypotheses(c);
  }
  return v.result();
}

/** Blocks whose claims' slots are read ahead at once (see ClaimTable.prefetch). */
const PREFETCH_BLOCKS = 32;

const ORDER_BOUND_NUMBER = Number(ORDER_BOUND);
const EXACT_BOUND = BigInt(NUMBER_BOUND);

/** A conclusion kept for `_` lookups: a row of `concluded`, or a claim with large arguments. */
type ConclusionRef = number;
interface BigConclusion {
  readonly args: bigint[];
  readonly flat: number;
}

/**
 * The validator's state. Claims whose arguments are all below 2^53 (in practice all of them)
 * live in ClaimTables keyed by number; the others in Maps keyed by their text. A claim's
 * arguments decide which, so each claim has one home and lookups stay exact.
 */
class Validator {
  private readonly compiled: CompiledRule[];
  private readonly numbers: Float64Array;
  readonly errors: ValidationError[] = [];
  readonly diagnostics: Diagnostic[] = [];
  errorCount = 0;
  private readonly blocksPerRule: number[];
  readonly conclusionStart: Int32Array;
  readonly multiplicity: Uint32Array;
  /** Ordinary claims -> flat index of their first emission (payload). */
  private readonly concluded: ClaimTable;
  private readonly concludedBig = new Map<string, number>();
  /** Unique claims -> block that emitted them first (payload). */
  private readonly unique: ClaimTable;
  private readonly uniqueBig = new Map<string, number>();
  /**
   * Ordinary conclusions per relation tag in order of first emission, kept only for relations
   * demanded with `_`: a row of `concluded` (>= 0) or ~index into `bigConclusions`.
   */
  private readonly byTag = new Map<number, ConclusionRef[]>();
  private readonly bigConclusions: BigConclusion[] = [];
  private readonly wildcardIndexes = new Map<string, WildcardIndex>();
  readonly wildcardFills = new Map<number, (readonly bigint[] | undefined)[]>();
  private ordinaryConclusions = 0;
  private hypotheses = 0;
  /** Argument values of the claim at hand, as doubles. */
  private readonly argNumbers: Float64Array;
  /** A block's values as BigInts, for the rare claims and constraints doubles cannot decide. */
  private readonly blockValues: bigint[] = [];
  /** Homes (ClaimTable.home) of the claims of a batch of blocks, per table. */
  private readonly concludedHomes: Int32Array;
  private readonly uniqueHomes: Int32Array;
  /** What prefetch read, kept so that its reads stay. */
  prefetched = 0;

  constructor(
    private readonly t: Transcript,
    private readonly maxErrors: number,
  ) {
    this.compiled = t.ruleSet.rules.map(compileRule);
    this.numbers = numericValues(t);
    this.blocksPerRule = new Array<number>(this.compiled.length).fill(0);
    this.conclusionStart = new Int32Array(t.blockCount + 1);
    let total = 0;
    let uniqueTotal = 0;
    let argTotal = 0;
    let uniqueArgTotal = 0;
    let maxArity = 1;
    const uniquePerRule = this.compiled.map((r) => r.conclusions.filter((c) => c.unique).length);
    const argsPerRule = (unique: boolean) =>
      this.compiled.map((r) =>
        r.conclusions.reduce((n, c) => (c.unique === unique ? n + c.args.length : n), 0),
      );
    const ordinaryArgsPerRule = argsPerRule(false);
    const uniqueArgsPerRule = argsPerRule(true);
    for (const r of this.compiled)
      for (const c of [...r.conclusions, ...r.hypotheses])
        maxArity = Math.max(maxArity, c.args.length);
    for (let b = 0; b < t.blockCount; b++) {
      this.conclusionStart[b] = total;
      total += this.compiled[t.rule[b]].conclusions.length;
      uniqueTotal += uniquePerRule[t.rule[b]];
      argTotal += ordinaryArgsPerRule[t.rule[b]];
      uniqueArgTotal += uniqueArgsPerRule[t.rule[b]];
    }
    this.conclusionStart[t.blockCount] = total;
    this.multiplicity = new Uint32Array(total);
    this.concluded = new ClaimTable({ capacity: total - uniqueTotal, argCapacity: argTotal });
    this.unique = new ClaimTable({ capacity: uniqueTotal, argCapacity: uniqueArgTotal });
    this.argNumbers = new Float64Array(maxArity);
    let maxClaims = 1;
    for (const r of this.compiled)
      maxClaims = Math.max(maxClaims, r.conclusions.length, r.hypotheses.length);
    this.concludedHomes = new Int32Array(PREFETCH_BLOCKS * maxClaims);
    this.uniqueHomes = new Int32Array(PREFETCH_BLOCKS * maxClaims);
    for (const r of this.compiled)
      for (const h of r.hypotheses) if (h.knownMask) this.byTag.set(h.tag, []);
  }

  private blockSpan(b: number): Span {
    return span(this.t.file, this.t.start[b], this.t.end[b]);
  }

  private fail(
    code: Code,
    b: number,
    rule: Rule,
    text: string,
    claim: string | undefined,
    related: { span: Span; message: string }[],
    help?: string,
  ): void {
    this.errorCount++;
    if (this.errors.length >= this.maxErrors) return;
    const line = this.t.line[b];
    const message = `line ${line}: ${text}`;
    this.errors.push({ code, block: b, line, rule: rule.name, claim, message });
    this.diagnostics.push(diagnostic(code, message, this.blockSpan(b), { related, help }));
  }

  /** Fills `blockValues` with block b's values as BigInts; returns them. */
  private bigValuesOf(b: number): bigint[] {
    const { t, numbers, blockValues } = this;
    const base = t.valueStart[b];
    const count = t.valueStart[b + 1] - base;
    blockValues.length = count;
    for (let k = 0; k < count; k++) blockValues[k] = valueAt(t, numbers, base + k);
    return blockValues;
  }

  /**
   * Puts claim c's arguments for block b in argNumbers; false if one is not exact. A claim's
   * home is decided by its arguments' values, not by how they were computed: an expression over
   * values of 2^53 or more may still come out small (`x + 1` with x = p - 1 is 0), and then it
   * is computed exactly and goes in the numeric table like any other small argument.
   */
  private claimNumbers(c: CompiledClaim, b: number, skipWildcards: boolean): boolean {
    const { argVars, argConsts } = c;
    const { numbers, argNumbers } = this;
    const base = this.t.valueStart[b];
    let k = 0;
    for (let i = 0; i < argVars.length; i++) {
      const v = argVars[i];
      let x: number;
      if (v >= 0) x = numbers[base + v];
      else if (v === CONST_ARG) x = argConsts[i];
      else if (v === WILDCARD_ARG && skipWildcards) continue;
      else {
        x = argNumber(c.args[i], numbers, base);
        if (x < 0) x = this.exactArgument(c.args[i], b);
      }
      if (x < 0) return false;
      argNumbers[k++] = x;
    }
    return true;
  }

  /** An argument computed with BigInts as a number, or -1 if it is 2^53 or more. */
  private exactArgument(a: CompiledArg, b: number): number {
    const value = argValue(a, this.bigValuesOf(b), 0);
    return value < EXACT_BOUND ? Number(value) : -1;
  }

  /** Claim c's (non-wildcard) arguments as BigInts, for block b. */
  private claimBigInts(c: CompiledClaim, b: number): bigint[] {
    const values = this.bigValuesOf(b);
    const out: bigint[] = [];
    for (const a of c.args) if (a.kind !== "wildcard") out.push(argValue(a, values, 0));
    return out;
  }

  /** Reads ahead the slots that pass 1 for blocks [from, to) will look at (changes nothing). */
  prefetchConclusions(from: number, to: number): void {
    const { t, concludedHomes, uniqueHomes } = this;
    let ordinary = 0;
    let unique = 0;
    for (let b = from; b < to; b++) {
      const base = t.valueStart[b];
      for (const c of this.compiled[t.rule[b]].conclusions) {
        if (!this.claimNumbers(c, b, false)) continue;
        const n = c.args.length;
        if (c.unique) uniqueHomes[unique++] = this.unique.home(c.tag, this.argNumbers, 0, n);
        else concludedHomes[ordinary++] = this.concluded.home(c.tag, this.argNumbers, 0, n);
      }
    }
    this.prefetched ^=
      this.concluded.prefetch(concludedHomes, ordinary) ^ this.unique.prefetch(uniqueHomes, unique);
  }

  /** Reads ahead the slots that pass 2 for blocks [from, to) will look at (changes nothing). */
  prefetchHypotheses(from: number, to: number): void {
    const { t, concludedHomes } = this;
    let count = 0;
    for (let b = from; b < to; b++) {
      const base = t.valueStart[b];
      for (const h of this.compiled[t.rule[b]].hypotheses) {
        if (h.knownMask || !this.claimNumbers(h, b, false)) continue;
        concludedHomes[count++] = this.concluded.home(h.tag, this.argNumbers, 0, h.args.length);
      }
    }
    this.prefetched ^= this.concluded.prefetch(concludedHomes, count);
  }

  /** Pass 1 for block b: setup placement, constraints, and its conclusions. */
  checkBlock(b: number): void {
    const { t } = this;
    const cr = this.compiled[t.rule[b]];
    const rule = cr.rule;
    const base = t.valueStart[b];
    this.blocksPerRule[rule.index]++;
    if (rule.setup && !t.isPublic[b]) {
      this.fail(
        "BM0304",
        b,
        rule,
        `setup rule \`${rule.name}\` is only allowed in the public part`,
        undefined,
        [{ span: rule.nameSpan, message: "declared as a setup rule here" }],
        "move the block under `public:`, or drop it",
      );
    }
    for (let k = 0; k < cr.constraints.length; k++) {
      const c = cr.constraints[k];
      const verdict = holdsNumeric(c, this.numbers, base);
      if (verdict === 1 || (verdict === -1 && holds(c, this.bigValuesOf(b), 0))) continue;
      this.constraintFailed(b, cr, k);
    }
    for (let j = 0; j < cr.conclusions.length; j++) {
      const c = cr.conclusions[j];
      if (c.unique) this.concludeUnique(b, cr, c);
      else this.conclude(b, c, this.conclusionStart[b] + j);
    }
  }

  private constraintFailed(b: number, cr: CompiledRule, k: number): void {
    const { rule } = cr;
    const c = cr.constraints[k];
    const base = this.t.valueStart[b];
    const shown = c.vars
      .map((v) => `${rule.vars[v]} = ${valueAt(this.t, this.numbers, base + v)}`)
      .join(", ");
    const source = rule.constraints[k];
    this.fail(
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

  private concludeUnique(b: number, cr: CompiledRule, c: CompiledClaim): void {
    const base = this.t.valueStart[b];
    let first: number;
    let small: boolean;
    if (this.claimNumbers(c, b, false)) {
      const n = c.args.length;
      small = true;
      for (let k = 0; k < n; k++) if (this.argNumbers[k] >= ORDER_BOUND_NUMBER) small = false;
      const size = this.unique.size;
      const row = this.unique.insert(c.tag, this.argNumbers, 0, n, b);
      first = this.unique.size > size ? -1 : this.unique.payload(row);
    } else {
      small = false;
      const key = claimKey(c.tag, this.claimBigInts(c, b));
      first = this.uniqueBig.get(key) ?? -1;
      if (first < 0) this.uniqueBig.set(key, b);
    }
    if (small && first < 0) return;
    const rule = cr.rule;
    const claim = claimText(c.claim.relation.name, this.claimBigInts(c, b));
    if (!small) {
      this.fail(
        "BM0305",
        b,
        rule,
        `${rule.name} emits unique ${claim}, whose arguments are not all below 2^40`,
        `unique ${claim}`,
        [{ span: c.claim.span, message: "unique conclusion declared here" }],
        "unique claims are names: their arguments must be small, like depths",
      );
    }
    if (first >= 0) {
      this.fail(
        "BM0302",
        b,
        rule,
        `${rule.name} emits unique ${claim}, already emitted on line ${this.t.line[first]}`,
        `unique ${claim}`,
        [{ span: this.blockSpan(first), message: "first emitted here" }],
        "each unique claim (e.g. a term name's definition) may be emitted once",
      );
    }
  }

  private conclude(b: number, c: CompiledClaim, flat: number): void {
    this.ordinaryConclusions++;
    const base = this.t.valueStart[b];
    let ref: ConclusionRef;
    if (this.claimNumbers(c, b, false)) {
      const size = this.concluded.size;
      ref = this.concluded.insert(c.tag, this.argNumbers, 0, c.args.length, flat);
      if (this.concluded.size === size) return;
    } else {
      const args = this.claimBigInts(c, b);
      const key = claimKey(c.tag, args);
      if (this.concludedBig.has(key)) return;
      this.concludedBig.set(key, flat);
      ref = ~this.bigConclusions.length;
      this.bigConclusions.push({ args, flat });
    }
    this.byTag.get(c.tag)?.push(ref);
  }

  /** Pass 2 for block b: every hypothesis must be concluded somewhere; count multiplicities. */
  checkHypotheses(b: number): void {
    const cr = this.compiled[this.t.rule[b]];
    const base = this.t.valueStart[b];
    for (let j = 0; j < cr.hypotheses.length; j++) {
      const h = cr.hypotheses[j];
      this.hypotheses++;
      const flat = h.knownMask ? this.findWildcard(b, cr, j) : this.findClaim(b, h, base);
      if (flat >= 0) {
        this.multiplicity[flat]++;
        continue;
      }
      let k = 0;
      const args = this.claimBigInts(h, b);
      const shown = h.args.map((a) => (a.kind === "wildcard" ? "_" : String(args[k++])));
      const claim = `${h.claim.relation.name}(${shown.join(", ")})`;
      this.fail(
        "BM0303",
        b,
        cr.rule,
        `${cr.rule.name} demands ${claim}; no block concludes it`,
        claim,
        [{ span: h.claim.span, message: "hypothesis declared here" }],
      );
    }
  }

  /** The flat index of the first emission of hypothesis h (no `_`), or -1. */
  private findClaim(b: number, h: CompiledClaim, base: number): number {
    if (this.claimNumbers(h, b, false)) {
      const row = this.concluded.find(h.tag, this.argNumbers, 0, h.args.length);
      return row < 0 ? -1 : this.concluded.payload(row);
    }
    return this.concludedBig.get(claimKey(h.tag, this.claimBigInts(h, b))) ?? -1;
  }

  /** Hypothesis j of block b has `_`: finds a conclusion, records its arguments in wildcardFills. */
  private findWildcard(b: number, cr: CompiledRule, j: number): number {
    const h = cr.hypotheses[j];
    const index = this.wildcardIndex(h);
    const base = this.t.valueStart[b];
    let ref: ConclusionRef | undefined;
    if (this.claimNumbers(h, b, true)) {
      const row = index.table.find(h.tag, this.argNumbers, 0, index.knownCount);
      if (row >= 0) ref = index.table.payload(row);
    } else ref = index.big.get(claimKey(h.tag, this.claimBigInts(h, b)));
    if (ref === undefined) return -1;
    let fills = this.wildcardFills.get(b);
    if (!fills)
      this.wildcardFills.set(b, (fills = new Array(cr.hypotheses.length).fill(undefined)));
    if (ref >= 0) {
      const args: bigint[] = [];
      for (let k = 0; k < this.concluded.argCount(ref); k++)
        args.push(BigInt(this.concluded.arg(ref, k)));
      fills[j] = args;
      return this.concluded.payload(ref);
    }
    const big = this.bigConclusions[~ref];
    fills[j] = big.args;
    return big.flat;
  }

  /**
   * The conclusions of h's relation keyed by the arguments h knows, built on first use; the
   * first emission wins, as in `concluded`.
   */
  private wildcardIndex(h: CompiledClaim): WildcardIndex {
    const mask = h.knownMask!;
    const id = `${h.tag}/${mask.map((k) => (k ? 1 : 0)).join("")}`;
    let index = this.wildcardIndexes.get(id);
    if (index) return index;
    const refs = this.byTag.get(h.tag) ?? [];
    const knownCount = mask.filter((k) => k).length;
    index = { table: new ClaimTable({ capacity: refs.length }), big: new Map(), knownCount };
    const known = new Float64Array(Math.max(1, knownCount));
    for (const ref of refs) {
      let exact = true;
      let k = 0;
      if (ref >= 0) {
        for (let i = 0; i < mask.length; i++) if (mask[i]) known[k++] = this.concluded.arg(ref, i);
      } else {
        const args = this.bigConclusions[~ref].args;
        for (let i = 0; i < mask.length; i++) {
          if (!mask[i]) continue;
          if (args[i] >= BigInt(NUMBER_BOUND)) exact = false;
          else known[k++] = Number(args[i]);
        }
        if (!exact) {
          const key = claimKey(
            h.tag,
            args.filter((_, i) => mask[i]),
          );
          if (!index.big.has(key)) index.big.set(key, ref);
          continue;
        }
      }
      index.table.insert(h.tag, known, 0, knownCount, ref);
    }
    this.wildcardIndexes.set(id, index);
    return index;
  }

  result(): ValidationResult {
    const perRule: Record<string, number> = {};
    for (const r of this.compiled) perRule[r.rule.name] = this.blocksPerRule[r.rule.index];
    return {
      valid: this.errorCount === 0,
      errors: this.errors,
      diagnostics: this.diagnostics,
      errorCount: this.errorCount,
      stats: {
        blocks: this.t.blockCount,
        publicBlocks: this.t.publicCount,
        blocksPerRule: perRule,
        hypotheses: this.hypotheses,
        conclusions: this.ordinaryConclusions,
        distinctClaims: this.concluded.size + this.concludedBig.size,
        uniqueClaims: this.unique.size + this.uniqueBig.size,
      },
      multiplicity: this.multiplicity,
      conclusionStart: this.conclusionStart,
      wildcardFills: this.wildcardFills,
    };
  }
}

/** Conclusions of one relation keyed by the argument positions a `_` hypothesis knows. */
interface WildcardIndex {
  /** Payload: a ConclusionRef. */
  readonly table: ClaimTable;
  readonly big: Map<string, ConclusionRef>;
  readonly knownCount: number;
}
