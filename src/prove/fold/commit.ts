/**
 * Vector commitments for folding. The prover and verifier see only the CommitmentKey
 * interface: additively homomorphic commitments to vectors of field elements. The first (and
 * for now only) key is Pedersen with transparent generators: G_i is hashed to the curve from a
 * documented label and i (try-and-increment), so nobody knows a discrete-log relation between
 * them, which is what makes the commitments binding. Commitments are not hiding (no blinding
 * term): the folded proof of this stage is not zero-knowledge anyway, and says so.
 *
 * Generators are derived once and cached ($BMC_CACHE/pedersen/), in the portable uncompressed
 * form; the cache is extended when a longer key is needed.
 *
 * Derivation of G_i (document of record, docs/folding.md):
 *   for c = 0, 1, ...: x = SHA-256(label || 0x00 || u32be(i) || u32be(c)) mod q;
 *   if x^3 + 3 is a square mod q, G_i = (x, y) with y its square root whose integer value is
 *   even; otherwise try the next c.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Bn128 } from "ffjavascript";
import { Q } from "../proof-file.js";
import { defaultCacheDir } from "../ptau.js";
import { msm, type MsmOptions, type Point } from "./curve.js";

export interface CommitmentKey {
  /** Says how the key was made, e.g. `pedersen:bmc-fold-v1`. Part of every proof. */
  readonly id: string;
  /** The longest vector it commits to. */
  readonly size: number;
  /** sum values[j] * G_(offset + j): a vector placed at `offset` in the key. */
  commit(values: readonly bigint[], offset?: number): Promise<Point>;
}

export const PEDERSEN_LABEL = "bmc-fold-v1";

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

/** Uncompressed bytes to ffjavascript's affine form, checking that every point is valid. */
function toAffine(curve: Bn128, uncompressed: Buffer): Uint8Array {
  const n = uncompressed.length / 64;
  const bases = new Uint8Array(n * 64);
  for (let i = 0; i < n; i++) {
    const p = curve.G1.fromRprUncompressed(uncompressed, i * 64);
    if (!curve.G1.isValid(p)) throw new Error(`generator ${i} is not on the curve`);
    bases.set(p, i * 64);
  }
  return bases;
}

export interface PedersenOptions extends MsmOptions {
  readonly label?: string;
  /** Where generators are cached; defaults to $BMC_CACHE or ~/.cache/bmc. */
  readonly cacheDir?: string;
}

export async function pedersenKey(
  curve: Bn128,
  size: number,
  options: PedersenOptions = {},
): Promise<CommitmentKey> {
  const label = options.label ?? PEDERSEN_LABEL;
  const dir = join(options.cacheDir ?? defaultCacheDir(), "pedersen");
  const file = join(dir, `${label}.bin`);
  let cached: Buffer = existsSync(file) ? readFileSync(file) : Buffer.alloc(0);
  // A cache file cut short (or not a whole number of points) is rebuilt from where it is whole.
  cached = cached.subarray(0, Math.floor(cached.length / 64) * 64);
  if (cached.length < size * 64) {
    const more = deriveGenerators(curve, label, cached.length / 64, size);
    cached = Buffer.concat([cached, more]);
    mkdirSync(dir, { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, cached);
    renameSync(temporary, file);
  }
  const bases = toAffine(curve, cached.subarray(0, size * 64));
  return {
    id: `pedersen:${label}`,
    size,
    commit: async (values, offset = 0) => {
      if (offset + values.length > size) {
        throw new Error(
          `bmc internal error: committing to ${values.length} values at ${offset} with a key of ${size}`,
        );
      }
      return msm(curve, bases.subarray(offset * 64), values, options);
    },
  };
}
