// The parts of ffjavascript 0.3 that bmc uses (the package ships no types). Points are
// Uint8Arrays in ffjavascript's own representation: 96 bytes jacobian or 64 bytes affine,
// coordinates little-endian in Montgomery form ("LEM").
declare module "ffjavascript" {
  export interface WasmField {
    readonly n8: number;
    readonly p: bigint;
    e(v: bigint | number | string): Uint8Array;
    sqrt(a: Uint8Array): Uint8Array | null;
    isSquare(a: Uint8Array): boolean;
    toObject(a: Uint8Array): bigint;
    fromObject(v: bigint): Uint8Array;
    /** Normal (not Montgomery) little-endian bytes into `buf` at `offset`. */
    toRprLE(buf: Uint8Array, offset: number, a: Uint8Array): void;
  }
  export interface G1Group {
    readonly F: WasmField;
    readonly zero: Uint8Array;
    readonly zeroAffine: Uint8Array;
    readonly g: Uint8Array;
    fromObject(o: bigint[] | bigint[][]): Uint8Array;
    toObject(p: Uint8Array): bigint[];
    timesScalar(p: Uint8Array, k: bigint | Uint8Array): Uint8Array;
    add(p: Uint8Array, q: Uint8Array): Uint8Array;
    sub(p: Uint8Array, q: Uint8Array): Uint8Array;
    neg(p: Uint8Array): Uint8Array;
    eq(p: Uint8Array, q: Uint8Array): boolean;
    isZero(p: Uint8Array): boolean;
    isValid(p: Uint8Array): boolean;
    toAffine(p: Uint8Array): Uint8Array;
    /** Affine points (64 bytes each, LEM) times little-endian normal-form scalars. */
    multiExpAffine(
      bases: Uint8Array,
      scalars: Uint8Array,
      logger?: unknown,
      logText?: string,
    ): Promise<Uint8Array>;
    /** Uncompressed affine bytes (x then y, big-endian normal form). */
    toRprUncompressed(buf: Uint8Array, offset: number, p: Uint8Array): void;
    fromRprUncompressed(buf: Uint8Array, offset: number): Uint8Array;
    fromRprLEM(buf: Uint8Array, offset: number): Uint8Array;
    toRprLEM(buf: Uint8Array, offset: number, p: Uint8Array): void;
  }
  export interface G2Group {
    /** The field of the twist's coordinates (F_p^2): `e` and `fromObject` take pairs there. */
    readonly F: Omit<WasmField, "e" | "fromObject" | "toObject"> & {
      fromObject(v: bigint[]): Uint8Array;
      toObject(a: Uint8Array): bigint[];
      add(a: Uint8Array, b: Uint8Array): Uint8Array;
      mul(a: Uint8Array, b: Uint8Array): Uint8Array;
      square(a: Uint8Array): Uint8Array;
    };
    /** The twist curve's constant: y^2 = x^3 + b. */
    readonly b: Uint8Array;
    readonly g: Uint8Array;
    fromObject(o: bigint[][]): Uint8Array;
    toObject(p: Uint8Array): bigint[][];
    toAffine(p: Uint8Array): Uint8Array;
    timesScalar(p: Uint8Array, k: bigint | Uint8Array): Uint8Array;
    isZero(p: Uint8Array): boolean;
    isValid(p: Uint8Array): boolean;
  }
  export interface Bn128 {
    readonly G1: G1Group;
    readonly G2: G2Group;
    readonly F1: WasmField;
    readonly Fr: WasmField;
    /** The order of G1 and G2 (the scalar field's modulus). */
    readonly r: bigint;
    /** Whether the product of the pairings e(g1[i], g2[i]) of the pairs given is 1. */
    pairingEq(...pairs: Uint8Array[]): Promise<boolean>;
    terminate(): Promise<void>;
  }
  export function buildBn128(singleThread?: boolean, plugins?: unknown): Promise<Bn128>;
}
