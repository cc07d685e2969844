/**
 * The letters of a compressed proof (the Metamath book, appendix B) decoded into proof steps:
 * `U`-`Y` are the leading base-5 digits of a step number and `A`-`T` its last base-20 digit;
 * numbers count the mandatory hypotheses, then the label list, then the `Z`-tagged steps; `Z`
 * tags the step just decoded for reuse. ./reader.ts reads the label list and the tokens and
 * hands each token's letters here; the rules on `Z` are metamath-exe's (see reader.ts).
 */
import type { Code } from "../diagnostics/codes.js";
import type { StatementError } from "./reader.js";

/** Builds the error for the letter at byte offset `at`, blamed on proof step `step` (1-based). */
export type LetterError = (code: Code, message: string, at: number, step: number) => StatementError;

/** Decoded steps: a statement index, or minus the step number (1-based) of a tagged step. */
export class CompressedStepDecoder {
  readonly steps: number[] = [];
  /** Step numbers (1-based) of the `Z`-tagged steps, in order. */
  private readonly tagged: number[] = [];
  /** The step number read so far from `U`-`Y` letters; 0 between step numbers. */
  private value = 0;

  constructor(
    /** What step numbers 1, 2, ... name before the tagged steps: statement indices. */
    private readonly table: readonly number[],
    /** How many of the table's entries are the theorem's mandatory hypotheses. */
    private readonly mandatory: number,
    private readonly theorem: string,
    private readonly isAssertion: (statement: number) => boolean,
    private readonly error: LetterError,
  ) {}

  /** True when the letters so far stop inside a step number (a `U`-`Y` without its `A`-`T`). */
  get inNumber(): boolean {
    return this.value !== 0;
  }

  /** Decodes the letters bytes[from, to) (one token of the proof). */
  letters(bytes: Uint8Array, from: number, to: number): void {
    for (let at = from; at < to; at++) {
      const c = bytes[at];
      if (c >= 65 && c <= 84) this.endNumber(c - 64, at);
      else if (c >= 85 && c <= 89) this.digit(c - 84, at);
      else if (c === 90) this.tag(at);
      else throw this.notALetter(c, at);
    }
  }

  /** `A`-`T`: the step number's last digit; the step it names is the next proof step. */
  private endNumber(digit: number, at: number): void {
    const n = this.value * 20 + digit;
    this.value = 0;
    const { table, tagged, steps } = this;
    if (n <= table.length) steps.push(table[n - 1]);
    else if (n - table.length <= tagged.length) steps.push(-tagged[n - table.length - 1]);
    else
      throw this.error(
        "BM0718",
        `compressed step number ${n} refers to nothing: ${this.mandatory} mandatory hypotheses, ${table.length - this.mandatory} labels and ${tagged.length} tagged steps so far`,
        at,
        steps.length + 1,
      );
  }

  /** `U`-`Y`: a leading base-5 digit. */
  private digit(digit: number, at: number): void {
    this.value = this.value * 5 + digit;
    if (this.value > 1e8)
      throw this.error("BM0718", "compressed step number too large", at, this.steps.length + 1);
  }

  /** `Z`: tags the step just decoded, which must be a new assertion step, once. */
  private tag(at: number): void {
    const last = this.steps.length;
    if (this.value !== 0)
      throw this.error("BM0718", "`Z` in the middle of a step number", at, last);
    if (last === 0) throw this.error("BM0718", "`Z` must follow a proof step", at, 1);
    const s = this.steps[last - 1];
    if (s < 0 || !this.isAssertion(s))
      throw this.error(
        "BM0718",
        "`Z` may only tag an assertion step, not a hypothesis or a reused step",
        at,
        last,
      );
    const { tagged } = this;
    if (tagged.length > 0 && tagged[tagged.length - 1] === last)
      throw this.error("BM0718", "`Z` tags the same step twice", at, last);
    tagged.push(last);
  }

  /** `?` (an unfinished proof) or a byte that is no compressed-proof letter. */
  private notALetter(c: number, at: number): StatementError {
    const step = this.steps.length + 1;
    if (c === 63)
      return this.error(
        "BM0719",
        `the proof of \`${this.theorem}\` is incomplete: step ${step} is \`?\``,
        at,
        step,
      );
    return this.error(
      "BM0718",
      `\`${String.fromCharCode(c)}\` is not a compressed-proof letter (A-Z or ?)`,
      at,
      step,
    );
  }
}
