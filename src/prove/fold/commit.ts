/**
 * Vector commitments for folding: the CommitmentKey interface (the key itself is the SNARK's
 * SRS, ./snark/commit.ts) and points hashed to the curve (the hiding generators, ./hiding.ts),
 * derived on every use and never cached: nobody knows a discrete-log relation between them.
 *
 * Derivation of G_i (document of record, docs/folding.md):
 *   for c = 0, 1, ...: x = SHA-256(label || 0x00 || u32be(i) || u32be(c)) mod q;
 *   if x^3 + 3 is a square mod q, G_i = (x, y) with y its square root whose integer value is
 *   even; otherwise try the next c.
 */
import { createHash } from "node:crypto";
import type { Bn128 } from "ffjavascript";
import { Q } from "../proof-file.js";
import type { Point } from "./curve.js";

export interface CommitmentKey {
  /** Says which key it is, e.g. `kzg:<SRS digest>`. Part of every proof. */
  readonly id: string;
  /** The longest vector it commits to. */
  readonly size: number;
  /** sum values[j] * G_(offset + j): a vector placed at `offset` in the key. */
  commit(values: readonly bigint[], offset?: number): Promise<Point>;
}

function candidateX(label: string, i: number, c: number): bigint {
  const h = createHash("sha256");
  h.update(label, "utf8");
  const tail = Buffer.alloc(9);
  tail.writeUInt32BE(i, 1);
  tail.writeUInt32BE(c, 5);
  h.update(tail);
  return BigInt(`0x${h.digest("hex")}`) % Q;
}

/** Generators from..to-1 as uncompressed bytes (64 per point: x, y big-endian). */
export function deriveGenerators(curve: Bn128, label: string, from: number, to: number): Buffer {
  const out = Buffer.alloc((to - from) * 64);
  const F = curve.F1;
  for (let i = from; i < to; i++) {
    for (let c = 0; ; c++) {
      const x = candidateX(label, i, c);
      const rhs = F.e((((x * x) % Q) * x + 3n) % Q);
      // ffjavascript's sqrt never returns for a non-square: ask first.
      if (!F.isSquare(rhs)) continue;
      let y = F.toObject(F.sqrt(rhs)!);
      if (y & 1n) y = Q - y;
      const at = (i - from) * 64;
      out.write(x.toString(16).padStart(64, "0"), at, "hex");
      out.write(y.toString(16).padStart(64, "0"), at + 32, "hex");
      break;
    }
  }
  return out;
}
