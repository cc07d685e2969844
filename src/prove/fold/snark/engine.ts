/**
 * The parts of ffjavascript's BN254 engine that the compression SNARK needs beyond G1 (which
 * src/prove/ffjavascript.d.ts declares): G2, pairings, and the raw WebAssembly exports, used
 * directly for the loops that would otherwise allocate a buffer per point operation. Declared
 * here, not in the shared declaration file, so that this library stays self-contained.
 *
 * Raw exports work on pointers into the main instance's memory: `scratch` hands out space past
 * ffjavascript's free pointer and puts the pointer back afterwards (ffjavascript's own
 * synchronous operations do the same), growing the memory when a job needs more, with 4 MiB
 * to spare for the temporaries that batch operations place past the free pointer.
 */
import type { Bn128 } from "ffjavascript";

export interface G2Group {
  readonly g: Uint8Array;
  readonly zero: Uint8Array;
  timesScalar(p: Uint8Array, k: bigint): Uint8Array;
  toAffine(p: Uint8Array): Uint8Array;
  isValid(p: Uint8Array): boolean;
  isZero(p: Uint8Array): boolean;
  eq(p: Uint8Array, q: Uint8Array): boolean;
  fromRprLEM(buf: Uint8Array, offset: number): Uint8Array;
  toRprUncompressed(buf: Uint8Array, offset: number, p: Uint8Array): void;
  fromRprUncompressed(buf: Uint8Array, offset: number): Uint8Array;
}

type Export = (...args: number[]) => number;

interface ThreadManager {
  readonly instance: { readonly exports: Record<string, Export> };
  readonly memory: WebAssembly.Memory;
  u8: Uint8Array;
  u32: Uint32Array;
  readonly pG1gen: number;
  alloc(length: number): number;
}

export interface Engine {
  readonly G2: G2Group;
  readonly r: bigint;
  /** Whether the product of e(a_i, b_i) over the pairs is one. */
  pairingEq(...points: Uint8Array[]): Promise<boolean>;
  readonly tm: ThreadManager;
}

export function engine(curve: Bn128): Engine {
  return curve as unknown as Engine;
}

export interface Scratch {
  readonly ex: Record<string, Export>;
  /** Bytes of the instance's memory (re-read after every alloc: growth replaces the buffer). */
  u8(): Uint8Array;
  alloc(bytes: number): number;
}

const HEADROOM = 1 << 22;

/** Runs `work` with raw access to the wasm instance; frees what it allocated afterwards. */
export function withScratch<T>(curve: Bn128, work: (s: Scratch) => T): T {
  const tm = engine(curve).tm;
  const saved = tm.u32[0];
  const scratch: Scratch = {
    ex: tm.instance.exports,
    u8: () => tm.u8,
    alloc: (bytes) => {
      // Batch operations (batchToAffine) take temporaries past the free pointer: keep room.
      const end = ((tm.u32[0] + 7) & ~7) + bytes + HEADROOM;
      const have = tm.memory.buffer.byteLength;
      if (end > have) {
        tm.memory.grow(Math.ceil((end - have) / 65536));
        tm.u8 = new Uint8Array(tm.memory.buffer);
        tm.u32 = new Uint32Array(tm.memory.buffer);
      }
      while (tm.u32[0] & 7) tm.u32[0]++;
      return tm.alloc(bytes);
    },
  };
  try {
    return work(scratch);
  } finally {
    tm.u32[0] = saved;
  }
}
