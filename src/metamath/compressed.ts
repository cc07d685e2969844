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
    /** Whether each statement (by index) is an assertion (`$a`, `$p`). */
    private readonly statements: readonly { readonly kind: string }[],
    private readonly error: LetterError,
  ) {}

  /** True when the letters so far stop inside a step number (a `U`-`Y` without its `A`-`T`). */
  get inNumber(): boolean {
    return this.value !== 0;
  }

  /**
   * Decodes the letters bytes[from, to) (one token of the proof). The step number being read
   * stays in a local and the usual step (a hypothesis or a label) is pushed here: this loop runs
   * once a letter, tens of millions of times for set.mm.
   */
  letters(bytes: Uint8Array, from: number, to: number): void {
    const { table, steps } = this;
    let value = this.value;
    for (let at = from; at < to; at++) {
      const c = bytes[at];
      if (c >= 65 && c <= 84) {
        const n = value * 20 + (c - 64);
        value = 0;
        steps.push(n <= table.length ? table[n - 1] : this.taggedStep(n, at));
      } else if (c >= 85 && c <= 89) {
        value = value * 5 + (c - 84);
        if (value > 1e8)
          throw this.error("BM0718", "compressed step number too large", at, steps.length + 1);
      } else if (c === 90) this.tag(value, at);
      else throw this.notALetter(c, at);
    }
    this.value = value;
  }

  /** Step number n past the table: a tagged step, as minus its step number. */
  private taggedStep(n: number, at: number): number {
    const { table, tagged } = this;
    if (n - table.length <= tagged.length) return -tagged[n - table.length - 1];
    throw this.error(
      "BM0718",
      `compressed step number ${n} refers to nothing: ${this.mandatory} mandatory hypotheses, ${table.length - this.mandatory} labels and ${tagged.length} tagged steps so far`,
      at,
      this.steps.length + 1,
    );
  }

  /** `Z` (read with `value` pending): tags the step just decoded, a new assertion step, once. */
  private tag(value: number, at: number): void {
    const last = this.steps.length;
    if (value !== 0) throw this.error("BM0718", "`Z` in the middle of a step number", at, last);
    if (last === 0) throw this.error("BM0718", "`Z` must follow a proof step", at, 1);
    const s = this.steps[last - 1];
    if (s < 0 || !(this.statements[s].kind === "a" || this.statements[s].kind === "p"))
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
