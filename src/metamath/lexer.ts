/**
 * Byte-level tokenizer for Metamath files. A token is a maximal run of printable ASCII
 * characters; whitespace is space, tab, line feed, carriage return and form feed. Every other
 * byte (control characters, anything above 126) is illegal anywhere in the file, comments
 * included, as metamath-exe has it.
 *
 * Tokens are never turned into strings while scanning: the reader asks for an interned integer
 * (`TokenTable.intern`), so a symbol that occurs a million times costs one hash and one byte
 * comparison per occurrence, and one string in total.
 */

export class IllegalCharacter {
  constructor(
    readonly offset: number,
    readonly line: number,
    readonly column: number,
    readonly byte: number,
  ) {}
}

const enum Byte {
  Tab = 9,
  LineFeed = 10,
  FormFeed = 12,
  CarriageReturn = 13,
  Space = 32,
  Tilde = 126,
}

/** A scanner over one file's bytes. `next()` moves to the next token and fills `start`/`end`. */
export class Lexer {
  pos = 0;
  /** 1-based line of `pos`, and the offset where that line starts. */
  line = 1;
  lineStart = 0;
  start = 0;
  end = 0;
  tokenLine = 1;
  tokenColumn = 1;

  constructor(
    readonly bytes: Uint8Array,
    readonly file: number,
  ) {}

  /** Moves to the next token; false at the end of the file. Throws IllegalCharacter. */
  next(): boolean {
    const b = this.bytes;
    const n = b.length;
    let p = this.pos;
    for (;;) {
      if (p >= n) {
        this.pos = p;
        return false;
      }
      const c = b[p];
      if (c > Byte.Space && c <= Byte.Tilde) break;
      if (c === Byte.LineFeed) {
        this.line++;
        this.lineStart = p + 1;
      } else if (
        c !== Byte.Space &&
        c !== Byte.Tab &&
        c !== Byte.CarriageReturn &&
        c !== Byte.FormFeed
      ) {
        throw new IllegalCharacter(p, this.line, p - this.lineStart + 1, c);
      }
      p++;
    }
    this.start = p;
    this.tokenLine = this.line;
    this.tokenColumn = p - this.lineStart + 1;
    while (p < n) {
      const c = b[p];
      if (c <= Byte.Space || c > Byte.Tilde) break;
      p++;
    }
    this.end = p;
    this.pos = p;
    return true;
  }

  /** The current token is exactly `$` followed by `second`. */
  isKeyword(second: number): boolean {
    return (
      this.end - this.start === 2 &&
      this.bytes[this.start] === 36 &&
      this.bytes[this.start + 1] === second
    );
  }

  /** The current token as a string (for messages only). */
  text(): string {
    return latin1(this.bytes, this.start, this.end);
  }
}

export function latin1(bytes: Uint8Array, start: number, end: number): string {
  return String.fromCharCode.apply(null, bytes.subarray(start, end) as unknown as number[]);
}

/** The token contains a `$`. */
export const HAS_DOLLAR = 1;
/** The token is made of letters, digits, `-`, `_` and `.` only (it can be a label). */
export const LABEL_CHARACTERS = 2;

function flagsOf(bytes: Uint8Array, start: number, end: number): number {
  let dollar = false;
  let label = true;
  for (let i = start; i < end; i++) {
    const c = bytes[i];
    if (c === 36) dollar = true;
    const ok =
      (c >= 48 && c <= 57) ||
      (c >= 65 && c <= 90) ||
      (c >= 97 && c <= 122) ||
      c === 45 ||
      c === 46 ||
      c === 95;
    if (!ok) label = false;
  }
  return (dollar ? HAS_DOLLAR : 0) | (label ? LABEL_CHARACTERS : 0);
}

/**
 * Interns byte strings to dense integers (0, 1, 2, ...). Open addressing over FNV-1a hashes;
 * the bytes of each distinct token are kept in one growing pool.
 */
export class TokenTable {
  private slots = new Int32Array(1 << 12).fill(-1);
  private mask = (1 << 12) - 1;
  private pool = new Uint8Array(1 << 16);
  private poolUsed = 0;
  private starts: number[] = [];
  private lengths: number[] = [];
  private hashes: number[] = [];
  readonly names: string[] = [];
  /** Per token: HAS_DOLLAR and/or LABEL_CHARACTERS, worked out once when it is first seen. */
  readonly flags: number[] = [];

  get size(): number {
    return this.names.length;
  }

  intern(bytes: Uint8Array, start: number, end: number): number {
    let h = 0x811c9dc5;
    for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
    h >>>= 0;
    const len = end - start;
    let slot = h & this.mask;
    for (;;) {
      const id = this.slots[slot];
      if (id < 0) break;
      if (this.hashes[id] === h && this.lengths[id] === len && this.same(id, bytes, start, len))
        return id;
      slot = (slot + 1) & this.mask;
    }
    return this.add(bytes, start, end, h, slot);
  }

  /** Interns a string of printable ASCII. */
  internString(text: string): number {
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    return this.intern(bytes, 0, bytes.length);
  }

  private same(id: number, bytes: Uint8Array, start: number, len: number): boolean {
    const pool = this.pool;
    const at = this.starts[id];
    for (let i = 0; i < len; i++) if (pool[at + i] !== bytes[start + i]) return false;
    return true;
  }

  private add(bytes: Uint8Array, start: number, end: number, hash: number, slot: number): number {
    const len = end - start;
    if (this.poolUsed + len > this.pool.length) {
      const bigger = new Uint8Array(Math.max(this.pool.length * 2, this.poolUsed + len));
      bigger.set(this.pool.subarray(0, this.poolUsed));
      this.pool = bigger;
    }
    this.pool.set(bytes.subarray(start, end), this.poolUsed);
    const id = this.names.length;
    this.starts.push(this.poolUsed);
    this.poolUsed += len;
    this.lengths.push(len);
    this.hashes.push(hash);
    this.names.push(latin1(bytes, start, end));
    this.flags.push(flagsOf(bytes, start, end));
    this.slots[slot] = id;
    if (this.names.length * 2 > this.slots.length) this.grow();
    return id;
  }

  private grow(): void {
    const size = this.slots.length * 2;
    this.slots = new Int32Array(size).fill(-1);
    this.mask = size - 1;
    for (let id = 0; id < this.hashes.length; id++) {
      let slot = this.hashes[id] & this.mask;
      while (this.slots[slot] >= 0) slot = (slot + 1) & this.mask;
      this.slots[slot] = id;
    }
  }
}
