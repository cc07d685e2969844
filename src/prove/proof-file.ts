/**
 * What every bmc proof file shares, whatever its backend: the statement (the public blocks
 * with their shown values) and a strict reading of JSON, so that no change to a proof file,
 * however small, leaves it accepted.
 */
import { P } from "../field/index.js";

export interface StatementBlock {
  readonly rule: string;
  readonly shown: readonly string[];
}

/** BN254's base field modulus: curve point coordinates live below it. */
export const Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;

/** An object with exactly these keys. */
export const sameKeys = (o: unknown, keys: readonly string[]): o is Record<string, unknown> =>
  typeof o === "object" &&
  o !== null &&
  !Array.isArray(o) &&
  Object.keys(o).sort().join() === [...keys].sort().join();

/** The value of a canonical decimal string below `bound` (no sign, no leading zero). */
export function canonicalDecimal(v: unknown, bound: bigint = P): bigint | undefined {
  return typeof v === "string" && /^(0|[1-9][0-9]{0,77})$/.test(v) && BigInt(v) < bound
    ? BigInt(v)
    : undefined;
}

/** A statement: public blocks, each a rule name and its shown values as field elements. */
export function isStatement(v: unknown): v is StatementBlock[] {
  return (
    Array.isArray(v) &&
    v.every(
      (b) =>
        sameKeys(b, ["rule", "shown"]) &&
        typeof b.rule === "string" &&
        Array.isArray(b.shown) &&
        b.shown.every((x) => canonicalDecimal(x) !== undefined),
    )
  );
}
