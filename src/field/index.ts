/**
 * The BN254 scalar field, in which every claim argument and every block value lives, and the
 * one definition of order comparisons that the native validator and the circuits share.
 */

/** The BN254 (alt_bn128) scalar field modulus. */
export const P = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

/**
 * Order comparisons (`<`, `<=`, `>`, `>=`) are defined only on "small" values: canonical field
 * elements below 2^ORDER_BITS. `x < y` holds iff x < 2^40, y < 2^40 and x < y as integers; if
 * either side is not small the comparison is false (never an error, never wrapped). So
 * `p - 1 < 0` is false, as is `0 < p - 1`. The circuits implement exactly this with range
 * checks of x, y and y - x - 1 (for `<`) over ORDER_BITS bits. 2^40 is about 10^12: larger
 * than any depth, count or name a feasible transcript needs.
 */
export const ORDER_BITS = 40;
export const ORDER_BOUND = 1n << BigInt(ORDER_BITS);

export function mod(x: bigint): bigint {
  const r = x % P;
  return r < 0n ? r + P : r;
}

export type OrderOp = "<" | "<=" | ">" | ">=";
export type CompareOp = "==" | "!=" | OrderOp;

/** Compare two canonical field elements with the semantics documented at ORDER_BITS. */
export function compare(op: CompareOp, x: bigint, y: bigint): boolean {
  switch (op) {
    case "==":
      return x === y;
    case "!=":
      return x !== y;
  }
  if (x >= ORDER_BOUND || y >= ORDER_BOUND) return false;
  switch (op) {
    case "<":
      return x < y;
    case "<=":
      return x <= y;
    case ">":
      return x > y;
    case ">=":
      return x >= y;
  }
}

/** Parses a decimal or 0x-hex literal; the caller checks the range against P. */
export function parseInteger(text: string): bigint {
  return BigInt(text);
}
