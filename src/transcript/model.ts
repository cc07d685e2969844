import type { SourceFile } from "../diagnostics/index.js";
import type { RuleSet } from "../check/index.js";

/**
 * A parsed transcript, stored column-wise so that millions of blocks stay compact: block i is
 * an instance of rules[rule[i]] whose variable values are values[valueStart[i] ..
 * valueStart[i + 1]), in header order.
 */
export interface Transcript {
  readonly file: SourceFile;
  readonly ruleSet: RuleSet;
  readonly blockCount: number;
  readonly rule: Int32Array;
  readonly valueStart: Int32Array;
  /**
   * The values as BigInts. The reader builds this array on first use (see `numbers`): the
   * native checker never needs it, and a million blocks hold millions of values.
   */
  readonly values: bigint[];
  /**
   * The same values as doubles where they are below 2^53 (exactly), else -1, so that the
   * checker can hash and compare them without BigInt. Absent in transcripts built by hand;
   * read it through `numericValues`.
   */
  readonly numbers?: Float64Array;
  /** 1 for blocks of the `public:` section. Public blocks come first. */
  readonly isPublic: Uint8Array;
  /** 1-based line of each block. */
  readonly line: Int32Array;
  /** Offsets of each block's text (start inclusive, end exclusive), for diagnostics. */
  readonly start: Int32Array;
  readonly end: Int32Array;
  readonly publicCount: number;
}

/** A block as plain data, for programs that build or inspect transcripts. */
export interface BlockValues {
  readonly rule: string;
  readonly values: readonly bigint[];
}

/** Values below this are kept as doubles: every integer below 2^53 is one exactly. */
export const NUMBER_BOUND = 2 ** 53;
const NUMBER_BOUND_BIG = BigInt(NUMBER_BOUND);

/** `numbers` of a transcript, computed from `values` when the transcript was built by hand. */
export function numericValues(t: Transcript): Float64Array {
  if (t.numbers) return t.numbers;
  const out = new Float64Array(t.values.length);
  for (let i = 0; i < out.length; i++) {
    const v = t.values[i];
    out[i] = v < NUMBER_BOUND_BIG ? Number(v) : -1;
  }
  return out;
}

/** Value i of a transcript as a BigInt, without building the whole `values` array. */
export function valueAt(t: Transcript, numbers: Float64Array, i: number): bigint {
  const n = numbers[i];
  return n >= 0 ? BigInt(n) : t.values[i];
}

/** The columns of a transcript as the reader fills them; `values` is derived on first use. */
export interface TranscriptColumns extends Omit<Transcript, "values" | "numbers"> {
  readonly numbers: Float64Array;
  /** The values of at least 2^53, by index (most transcripts have none). */
  readonly bigValues: ReadonlyMap<number, bigint>;
}

/** A transcript whose `values` array is built from `numbers` and `bigValues` when first read. */
export function lazyTranscript(columns: TranscriptColumns): Transcript {
  const { bigValues, ...rest } = columns;
  let values: bigint[] | undefined;
  const t = { ...rest } as Transcript;
  Object.defineProperty(t, "values", {
    enumerable: true,
    get(): bigint[] {
      if (!values) {
        const numbers = columns.numbers;
        values = new Array<bigint>(numbers.length);
        for (let i = 0; i < numbers.length; i++) {
          const n = numbers[i];
          values[i] = n >= 0 ? BigInt(n) : bigValues.get(i)!;
        }
      }
      return values;
    },
  });
  return t;
}
