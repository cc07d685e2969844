/**
 * Fiat-Shamir for folded proofs: a SHA-256 hash chain. Nothing hashes inside a circuit (the
 * challenges a and b enter the fold circuit as public inputs, and every fold challenge is
 * checked by the verifier natively), so a native hash serves: it is about a thousand times
 * faster than Poseidon in JavaScript, which keeps the verifier's pass over hundreds of
 * segments in milliseconds.
 *
 *   state_0 = SHA-256(domain)
 *   absorb(label, parts): state = SHA-256(state || u32be(len label) || label ||
 *                                          for each part: u32be(len part) || part)
 *   challenge(label): absorb(label, []), then the field element
 *                     (SHA-256(state || 0x00) || SHA-256(state || 0x01)) mod p
 * Field elements are absorbed as 32 bytes big-endian, points as their 64-byte uncompressed
 * encoding (the bytes of the proof file). Length prefixes keep two different sequences of
 * absorbs from feeding the same bytes.
 */
import { createHash } from "node:crypto";
import { P } from "../../field/index.js";

export type TranscriptPart = Uint8Array | bigint;

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};

export const scalarBytes = (v: bigint) => Buffer.from(v.toString(16).padStart(64, "0"), "hex");

export class HashChain {
  private state: Buffer;

  constructor(domain: string) {
    this.state = createHash("sha256").update(domain, "utf8").digest();
  }

  absorb(label: string, parts: readonly TranscriptPart[]): this {
    const h = createHash("sha256").update(this.state);
    const name = Buffer.from(label, "utf8");
    h.update(u32(name.length)).update(name);
    for (const part of parts) {
      const bytes = typeof part === "bigint" ? scalarBytes(part) : part;
      h.update(u32(bytes.length)).update(bytes);
    }
    this.state = h.digest();
    return this;
  }

  /** A challenge in the field; the state moves on, so two challenges differ. */
  challenge(label: string): bigint {
    this.absorb(label, []);
    const half = (k: number) =>
      createHash("sha256")
        .update(this.state)
        .update(Buffer.from([k]))
        .digest("hex");
    return BigInt(`0x${half(0)}${half(1)}`) % P;
  }

  /** The current state, to fork a chain or to bind a later one to it. */
  digest(): Buffer {
    return Buffer.from(this.state);
  }
}
