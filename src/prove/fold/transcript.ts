/**
 * Fiat-Shamir for folding, with Poseidon over BN254's scalar field (circomlib's parameters,
 * through poseidon-lite). A sponge of rate 2: state = Poseidon3(state, v1, v2). Every absorb
 * starts with a domain label and the number of values that follow, so two different sequences
 * of absorbs never feed the same sequence of field elements.
 */
import { createHash } from "node:crypto";
import { poseidon2, poseidon3 } from "poseidon-lite";
import { P } from "../../field/index.js";

/** A label as a field element (SHA-256 of its text, reduced). */
export function labelElement(label: string): bigint {
  return BigInt(`0x${createHash("sha256").update(label, "utf8").digest("hex")}`) % P;
}

export class FiatShamir {
  private state: bigint;

  constructor(domain: string) {
    this.state = labelElement(domain);
  }

  absorb(label: string, values: readonly bigint[]): this {
    const all = [labelElement(label), BigInt(values.length), ...values];
    for (let i = 0; i < all.length; i += 2) {
      const v1 = all[i] % P;
      const v2 = i + 1 < all.length ? all[i + 1] % P : 0n;
      this.state = poseidon3([this.state, v1, v2]);
    }
    return this;
  }

  /** A challenge; the state moves on, so two squeezes differ. */
  squeeze(label: string): bigint {
    this.absorb(label, []);
    return this.state;
  }
}

/** The root of a binary Poseidon Merkle tree; missing leaves of the last level are zero. */
export function merkleRoot(leaves: readonly bigint[]): bigint {
  if (leaves.length === 0) return 0n;
  let level = [...leaves];
  while (level.length > 1) {
    const next: bigint[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(poseidon2([level[i], level[i + 1] ?? 0n]));
    level = next;
  }
  return level[0];
}
