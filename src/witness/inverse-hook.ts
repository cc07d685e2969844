/**
 * Modular inverses for circom's witness module, remembered. circom's runtime inverts with a
 * textbook extended Euclid over its own big integers (Fr_int_inverseMod), and bmc's circuits
 * invert a lot: every LogUp term en / (c - x) of a limb, a table entry or a claim is one
 * inverse, some 4,000 per fold segment, most of the witness time. The same denominators recur:
 * a limb value or a table entry against the proof's challenge x, a claim looked up where it is
 * stated and where it is used.
 *
 * So the module is patched before it is compiled: Fr_int_inverseMod(px, pm, pr) (found by the
 * module's name section) gets a body that stores its three pointers and a tag in its own
 * scratch memory (the first address its original body used) and calls the imported
 * runtime.showSharedRWMemory, which circom calls otherwise only to log() a value. The tag tells
 * the host the two apart: an inverse is answered from a cache or inverted with BigInts, a call
 * without the tag is log()'s (./calculator.ts prints it). Nothing else in the module
 * changes: no function index moves. A module without that function or that import, or laid out
 * differently, is left as it is.
 */

interface Section {
  readonly id: number;
  /** Where the section's header starts, its content starts and ends. */
  readonly header: number;
  readonly start: number;
  readonly end: number;
}

/** Left by the patched function beside its pointers: the call is an inverse. */
export const INVERSE_TAG = 0x62_6d_63_69; // "bmci"

function readU32(bytes: Uint8Array, at: { pos: number }): number {
  let result = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[at.pos++];
    result += (byte & 0x7f) * 2 ** shift;
    if (!(byte & 0x80)) return result;
    shift += 7;
  }
}

function readI32(bytes: Uint8Array, at: { pos: number }): number {
  let result = 0;
  let shift = 0;
  let byte: number;
  do {
    byte = bytes[at.pos++];
    result |= (byte & 0x7f) << shift;
    shift += 7;
  } while (byte & 0x80);
  return shift < 32 && byte & 0x40 ? result | (-1 << shift) : result;
}

function u32Leb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return out;
}

function i32Leb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(byte & 0x40)) || (n === -1 && byte & 0x40)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

function sections(bytes: Uint8Array): Section[] {
  const out: Section[] = [];
  const at = { pos: 8 };
  while (at.pos < bytes.length) {
    const header = at.pos;
    const id = bytes[at.pos++];
    const size = readU32(bytes, at);
    out.push({ id, header, start: at.pos, end: at.pos + size });
    at.pos += size;
  }
  return out;
}

function readName(bytes: Uint8Array, at: { pos: number }): string {
  const n = readU32(bytes, at);
  const name = Buffer.from(bytes.subarray(at.pos, at.pos + n)).toString("utf8");
  at.pos += n;
  return name;
}

/** The imported functions' count and the index of runtime.<name>, if imported. */
function importedFunction(bytes: Uint8Array, s: Section, name: string) {
  const at = { pos: s.start };
  let functions = 0;
  let index: number | undefined;
  for (let n = readU32(bytes, at); n > 0; n--) {
    const module = readName(bytes, at);
    const field = readName(bytes, at);
    const kind = bytes[at.pos++];
    if (kind === 0) {
      if (module === "runtime" && field === name) index = functions;
      functions++;
      readU32(bytes, at);
    } else if (kind === 1) {
      at.pos++; // reference type
      if (bytes[at.pos++] & 1) readU32(bytes, at);
      readU32(bytes, at);
    } else if (kind === 2) {
      if (bytes[at.pos++] & 1) readU32(bytes, at);
      readU32(bytes, at);
    } else {
      at.pos += 2; // global: value type and mutability
    }
  }
  return { functions, index };
}

/** The index of the function named `name` by the name section, if any. */
function namedFunction(bytes: Uint8Array, s: Section, name: string): number | undefined {
  const at = { pos: s.start };
  if (readName(bytes, at) !== "name") return undefined;
  while (at.pos < s.end) {
    const id = bytes[at.pos++];
    const size = readU32(bytes, at);
    const next = at.pos + size;
    if (id === 1) {
      for (let n = readU32(bytes, at); n > 0; n--) {
        const index = readU32(bytes, at);
        if (readName(bytes, at) === name) return index;
      }
    }
    at.pos = next;
  }
  return undefined;
}

export interface PatchedModule {
  readonly bytes: Uint8Array<ArrayBuffer>;
  /** Where the patched function leaves px, pm, pr and the tag (four 32-bit words). */
  readonly slot: number;
}

/** The module with its inverse handed to the host, or undefined if it is not as expected. */
export function patchInverse(bytes: Uint8Array): PatchedModule | undefined {
  const all = sections(bytes);
  const imports = all.find((s) => s.id === 2);
  const code = all.find((s) => s.id === 10);
  if (!imports || !code) return undefined;
  const hook = importedFunction(bytes, imports, "showSharedRWMemory");
  const target = all
    .filter((s) => s.id === 0)
    .map((s) => namedFunction(bytes, s, "Fr_int_inverseMod"))
    .find((index) => index !== undefined);
  if (hook.index === undefined || target === undefined || target < hook.functions) return undefined;
  // Find the body and the scratch address its first instruction names (i32.const).
  const at = { pos: code.start };
  const count = readU32(bytes, at);
  const wanted = target - hook.functions;
  if (wanted >= count) return undefined;
  for (let i = 0; i < wanted; i++) {
    const size = readU32(bytes, at);
    at.pos += size;
  }
  const bodyHeader = at.pos;
  const bodySize = readU32(bytes, at);
  const bodyEnd = at.pos + bodySize;
  for (let n = readU32(bytes, at); n > 0; n--) {
    readU32(bytes, at);
    at.pos++;
  }
  if (bytes[at.pos++] !== 0x41) return undefined;
  const slot = readI32(bytes, at);
  if (slot <= 0 || slot % 4 !== 0) return undefined;
  const store = (param: number, offset: number) => [
    0x41,
    ...i32Leb(slot),
    0x20,
    param,
    0x36,
    0x02,
    offset,
  ];
  const body = [
    0x00, // no locals
    ...store(0, 0),
    ...store(1, 4),
    ...store(2, 8),
    ...[0x41, ...i32Leb(slot), 0x41, ...i32Leb(INVERSE_TAG), 0x36, 0x02, 12],
    0x10,
    ...u32Leb(hook.index),
    0x0b,
  ];
  const newBody = [...u32Leb(body.length), ...body];
  const content = Buffer.concat([
    bytes.subarray(code.start, bodyHeader),
    Buffer.from(newBody),
    bytes.subarray(bodyEnd, code.end),
  ]);
  const out = Buffer.concat([
    bytes.subarray(0, code.header),
    Buffer.from([10, ...u32Leb(content.length)]),
    content,
    bytes.subarray(code.end),
  ]);
  return { bytes: new Uint8Array(out), slot };
}

const MASK64 = (1n << 64n) - 1n;

/**
 * Leading digits of Lehmer's steps: 48 bits (49 should log2 of the rounded double land a bit
 * low), so that digits, cofactors and their sums stay far below 2^53, exact in a double.
 */
const DIGIT_BITS = 48;

/**
 * Euclid's quotients of r0 and r1 (r0 >= r1 > 0) read off their leading digits alone, as far as
 * they are certain (Knuth, TAOCP 4.5.2, algorithm L): the cofactors [A, B, C, D] with
 * A r0 + B r1 and C r0 + D r1 the remainders after those steps; B is 0 when not even the first
 * quotient is certain.
 */
function lehmerCofactors(r0: bigint, r1: bigint): [number, number, number, number] {
  const shift = Math.max(0, Math.floor(Math.log2(Number(r0))) - DIGIT_BITS);
  let x = Number(r0 >> BigInt(shift));
  let y = Number(r1 >> BigInt(shift));
  let [A, B, C, D] = [1, 0, 0, 1];
  while (y + C !== 0 && y + D !== 0) {
    const q = Math.floor((x + A) / (y + C));
    if (q !== Math.floor((x + B) / (y + D))) break;
    [A, C] = [C, A - q * C];
    [B, D] = [D, B - q * D];
    [x, y] = [y, x - q * y];
  }
  return [A, B, C, D];
}

/**
 * a^-1 mod m (0 when a and m share a factor), by the extended Euclidean algorithm with Lehmer's
 * steps: each round takes some twenty bits of quotients from 48-bit leading digits in doubles
 * and applies them to the big integers at once, about four times fewer BigInt operations than
 * one division per quotient. Its results are the plain algorithm's (test/witness-inverse.test.ts).
 */
export function invert(a: bigint, m: bigint): bigint {
  let [r0, r1, t0, t1] = [m, a % m, 0n, 1n];
  if (r1 < 0n) r1 += m;
  while (r1 !== 0n) {
    const [A, B, C, D] = lehmerCofactors(r0, r1);
    if (B === 0) {
      const q = r0 / r1;
      [r0, r1] = [r1, r0 - q * r1];
      [t0, t1] = [t1, t0 - q * t1];
      continue;
    }
    const [a1, b1, c1, d1] = [BigInt(A), BigInt(B), BigInt(C), BigInt(D)];
    [r0, r1] = [a1 * r0 + b1 * r1, c1 * r0 + d1 * r1];
    [t0, t1] = [a1 * t0 + b1 * t1, c1 * t0 + d1 * t1];
  }
  if (r0 !== 1n) return 0n;
  const t = t0 % m;
  return t < 0n ? t + m : t;
}

function readInt(view: DataView, at: number): bigint {
  return (
    view.getBigUint64(at, true) |
    (view.getBigUint64(at + 8, true) << 64n) |
    (view.getBigUint64(at + 16, true) << 128n) |
    (view.getBigUint64(at + 24, true) << 192n)
  );
}

/** circom's 32-byte little-endian form of a value below 2^256. */
function intBytes(v: bigint): Uint8Array {
  const out = new Uint8Array(32);
  const view = new DataView(out.buffer);
  for (let k = 0; k < 4; k++) view.setBigUint64(8 * k, (v >> BigInt(64 * k)) & MASK64, true);
  return out;
}

/** The eight 32-bit words of the integer at `at`. */
function intWords(view: DataView, at: number): Uint32Array {
  const words = new Uint32Array(8);
  for (let k = 0; k < 8; k++) words[k] = view.getUint32(at + 4 * k, true);
  return words;
}

function sameInt(view: DataView, at: number, words: Uint32Array): boolean {
  for (let k = 0; k < 8; k++) if (view.getUint32(at + 4 * k, true) !== words[k]) return false;
  return true;
}

interface KnownInverse {
  /** x and m as circom left them (32-bit words), and x^-1 mod m as it reads it back (bytes). */
  readonly x: Uint32Array;
  readonly m: Uint32Array;
  readonly inverse: Uint8Array;
}

/**
 * The host side: answers the patched function's calls (true) from a cache shared by every
 * witness of the module; any other call (circom's own log) is not its business (false).
 * A segment's witness asks for thousands of inverses and most are known: a known one is found
 * and written back on the module's bytes, without a BigInt.
 */
export function inverseHook(memory: () => WebAssembly.Memory, slot: number): () => boolean {
  // Keyed by the low 52 bits of x as a number: V8 hashes BigInt keys badly (tens of
  // microseconds a lookup with a few thousand keys); a collision is checked and recomputed.
  const known = new Map<number, KnownInverse>();
  let buffer: ArrayBuffer | undefined;
  let view = new DataView(new ArrayBuffer(0));
  let bytes = new Uint8Array(0);
  return () => {
    // The views stay valid until the module's memory grows (a new buffer).
    if (memory().buffer !== buffer) {
      buffer = memory().buffer;
      view = new DataView(buffer);
      bytes = new Uint8Array(buffer);
    }
    if (view.getUint32(slot + 12, true) !== INVERSE_TAG) return false;
    view.setUint32(slot + 12, 0, true);
    const px = view.getUint32(slot, true);
    const pm = view.getUint32(slot + 4, true);
    const pr = view.getUint32(slot + 8, true);
    const key = view.getUint32(px, true) + (view.getUint32(px + 4, true) & 0xfffff) * 2 ** 32;
    let entry = known.get(key);
    if (entry === undefined || !sameInt(view, px, entry.x) || !sameInt(view, pm, entry.m)) {
      const inverse = intBytes(invert(readInt(view, px), readInt(view, pm)));
      entry = { x: intWords(view, px), m: intWords(view, pm), inverse };
      if (known.size >= 1 << 16) known.clear();
      known.set(key, entry);
    }
    bytes.set(entry.inverse, pr);
    return true;
  };
}
