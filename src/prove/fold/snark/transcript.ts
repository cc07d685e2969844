/**
 * Fiat-Shamir for the compression SNARK. The SNARK takes any object with this shape (the
 * folding code's hash chain has it); Sha256Transcript below is one, for callers and tests
 * that have none. Whoever calls the SNARK decides what the transcript has already absorbed
 * (its own context); the SNARK absorbs everything the prover sends, in the order it is sent,
 * before squeezing each challenge that depends on it.
 */
import { createHash } from "node:crypto";
import type { Bn128 } from "ffjavascript";
import { P } from "../../../field/index.js";
import type { Point } from "../curve.js";

export interface Transcript {
  /** Absorb parts under a label: field elements in [0, p) or bytes (points: 64 bytes). */
  absorb(label: string, parts: readonly (Uint8Array | bigint)[]): unknown;
  /** A challenge in [0, p); the state moves on, so two challenges differ. */
  challenge(label: string): bigint;
}

/** A point as the 64 bytes of its canonical uncompressed encoding (x, y big-endian). */
export function pointBytes(curve: Bn128, p: Point): Uint8Array {
  const out = new Uint8Array(64);
  curve.G1.toRprUncompressed(out, 0, p);
  return out;
}

export function absorbPoints(
  curve: Bn128,
  transcript: Transcript,
  label: string,
  points: readonly Point[],
): void {
  transcript.absorb(
    label,
    points.map((p) => pointBytes(curve, p)),
  );
}

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};

/**
 *   state_0 = SHA-256("bmc-sha256-transcript-v1" || 0x00 || domain)
 *   absorb(label, parts): state = SHA-256(state || u32be(len label) || label ||
 *                                          for each part: u32be(len part) || part)
 *   challenge(label): absorb(label, []), then (SHA-256(state || 0x00) || SHA-256(state || 0x01))
 *                     as a 512-bit integer mod p (bias below 2^-250)
 * Field elements are 32 bytes big-endian.
 */
export class Sha256Transcript implements Transcript {
  private state: Buffer;

  constructor(domain: string) {
    this.state = createHash("sha256")
      .update("bmc-sha256-transcript-v1\0")
      .update(domain, "utf8")
      .digest();
  }

  absorb(label: string, parts: readonly (Uint8Array | bigint)[]): this {
    const h = createHash("sha256").update(this.state);
    const name = Buffer.from(label, "utf8");
    h.update(u32(name.length)).update(name);
    for (const part of parts) {
      if (typeof part === "bigint") {
        if (part < 0n || part >= P) throw new Error(`bmc internal error: absorbing ${part}`);
        h.update(u32(32)).update(Buffer.from(part.toString(16).padStart(64, "0"), "hex"));
      } else h.update(u32(part.length)).update(part);
    }
    this.state = h.digest();
    return this;
  }

  challenge(label: string): bigint {
    this.absorb(label, []);
    const half = (k: number) =>
      createHash("sha256").update(this.state).update(Buffer.of(k)).digest("hex");
    return BigInt(`0x${half(0)}${half(1)}`) % P;
  }
}
