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
  readonly values: bigint[];
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
