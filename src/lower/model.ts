/**
 * The lowered form of a rule set: flat claims and constraints over numbered inputs, with every
 * decision the circuits need made here (claim widths, which values get range checks, how
 * unique claims are packed), so that emission is a straight translation.
 */

/** An expression over a rule's inputs (its variables, then one input per `_`). */
export type LExpr =
  | { readonly kind: "const"; readonly value: bigint }
  | { readonly kind: "input"; readonly index: number }
  | { readonly kind: "neg"; readonly operand: LExpr }
  | { readonly kind: "add" | "sub" | "mul"; readonly left: LExpr; readonly right: LExpr };

export interface LClaim {
  readonly relation: string;
  readonly tag: number;
  /** Arguments, as many as the relation's arity (padding with zeros is the circuit's job). */
  readonly args: readonly LExpr[];
}

/**
 * Primitive constraints, normalised: `>` and `>=` become `<` and `<=` with sides swapped.
 * Order constraints also appear in LoweredRule.rangeChecks (see ORDER_BITS in src/field).
 */
export interface LConstraint {
  readonly kind: "eq" | "neq" | "lt" | "le";
  readonly left: LExpr;
  readonly right: LExpr;
  /** The constraint as written, for comments and error messages. */
  readonly text: string;
}

export interface LoweredRule {
  readonly index: number;
  readonly name: string;
  readonly setup: boolean;
  readonly source: { readonly file: string; readonly line: number };
  /** Names of the inputs: the header variables, then `_1`, `_2`, ... for wildcards. */
  readonly inputs: readonly string[];
  readonly varCount: number;
  readonly shownCount: number;
  /** For each wildcard input, which hypothesis and argument it fills. */
  readonly wildcards: readonly { readonly hypothesis: number; readonly argument: number }[];
  readonly conclusions: readonly LClaim[];
  readonly uniques: readonly LClaim[];
  readonly hypotheses: readonly LClaim[];
  readonly constraints: readonly LConstraint[];
  /**
   * Expressions whose value must lie in [0, 2^ORDER_BITS): both sides of every order
   * comparison, the gaps (y - x - 1 for x < y, y - x for x <= y), and every unique claim
   * argument. Deduplicated by their text.
   */
  readonly rangeChecks: readonly { readonly expr: LExpr; readonly text: string }[];
}

export interface LoweredProgram {
  readonly relations: readonly {
    readonly name: string;
    readonly tag: number;
    readonly arity: number;
    readonly unique: boolean;
  }[];
  /** Widest ordinary relation: claims are compressed as tag + a*x1 + ... + a^W*xW. */
  readonly claimWidth: number;
  /** Widest unique relation: unique claims are packed into TAG_BITS + ORDER_BITS*U bits. */
  readonly uniqueWidth: number;
  readonly rules: readonly LoweredRule[];
  /** SHA-256 of the expanded rule text: names the rules a circuit and a proof are for. */
  readonly rulesDigest: string;
}
