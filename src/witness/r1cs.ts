/**
 * circom's binary formats, read directly: .r1cs (constraints), .wtns (witnesses) and .sym
 * (signal names). The R1CS checker finds the first constraint a witness violates and names the
 * signals involved, so that a failure can be traced to a slot, a rule and a block.
 */
import { readFileSync } from "node:fs";
import { diagnostic, DiagnosticError } from "../diagnostics/index.js";
import { P } from "../field/index.js";

/** One linear combination: parallel arrays of wire indexes and coefficients. */
export interface LinearCombination {
  readonly wires: Uint32Array;
  readonly coefficients: bigint[];
}

export interface R1cs {
  readonly prime: bigint;
  readonly nWires: number;
  readonly nPubOut: number;
  readonly nPubIn: number;
  readonly nPrvIn: number;
  readonly nLabels: number;
  readonly constraints: { a: LinearCombination; b: LinearCombination; c: LinearCombination }[];
}

/** A damaged or foreign .r1cs, .wtns or .sym file (BM0605). */
export class R1csFormatError extends DiagnosticError {
  constructor(message: string) {
    super(
      diagnostic("BM0605", message, undefined, {
        help: "compile the rules into this folder again (bmc compile RULES.bm -o DIR)",
      }),
    );
  }
}

function readBinary(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? "unreadable";
    throw new R1csFormatError(`cannot read ${path} (${reason})`);
  }
}

/** Reads little-endian numbers, never past the end of the buffer. */
class Reader {
  offset = 0;
  constructor(
    readonly buf: Buffer,
    readonly path: string,
  ) {}
  need(bytes: number): void {
    if (this.offset + bytes > this.buf.length)
      throw new R1csFormatError(`${this.path} is damaged: cut short`);
  }
  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32LE(this.offset);
    this.offset += 4;
    return v;
  }
  u64(): bigint {
    this.need(8);
    const v = this.buf.readBigUInt64LE(this.offset);
    this.offset += 8;
    return v;
  }
  /** A byte count, which cannot exceed the file. */
  size(): number {
    const v = this.u64();
    if (v > BigInt(this.buf.length))
      throw new R1csFormatError(`${this.path} is damaged: a size runs past the end`);
    return Number(v);
  }
  /** A 32-byte little-endian field element (n8 is checked to be 32 before any is read). */
  field(): bigint {
    this.need(32);
    const b = this.buf;
    const o = this.offset;
    const v =
      b.readBigUInt64LE(o) |
      (b.readBigUInt64LE(o + 8) << 64n) |
      (b.readBigUInt64LE(o + 16) << 128n) |
      (b.readBigUInt64LE(o + 24) << 192n);
    this.offset += 32;
    return v;
  }
}

/** The sections of a circom binary file: type -> where its body starts and how long it is. */
function sections(
  buf: Buffer,
  magic: string,
  path: string,
): { r: Reader; at: Map<number, { start: number; size: number }> } {
  if (buf.length < 12 || buf.toString("latin1", 0, 4) !== magic) {
    throw new R1csFormatError(`${path} is not a circom ${magic} file`);
  }
  const r = new Reader(buf, path);
  r.offset = 4;
  r.u32(); // version
  const count = r.u32();
  const at = new Map<number, { start: number; size: number }>();
  for (let i = 0; i < count; i++) {
    const type = r.u32();
    const size = r.size();
    if (at.has(type)) throw new R1csFormatError(`${path} is damaged: section ${type} twice`);
    r.need(size);
    at.set(type, { start: r.offset, size });
    r.offset += size;
  }
  if (r.offset !== buf.length)
    throw new R1csFormatError(`${path} is damaged: bytes after the last section`);
  return { r, at };
}

function section(
  at: Map<number, { start: number; size: number }>,
  type: number,
  path: string,
): { start: number; size: number } {
  const s = at.get(type);
  if (!s) throw new R1csFormatError(`${path} is damaged: no section ${type}`);
  return s;
}

/** The field-size header shared by .r1cs and .wtns: 32-byte elements of BN254's scalar field. */
function readPrime(r: Reader, path: string): bigint {
  const n8 = r.u32();
  if (n8 !== 32) throw new R1csFormatError(`${path} has ${n8}-byte field elements; bmc uses 32`);
  const prime = r.field();
  if (prime !== P) throw new R1csFormatError(`${path} is for another field (prime ${prime})`);
  return prime;
}

export function readR1cs(path: string): R1cs {
  const buf = readBinary(path);
  const { r, at } = sections(buf, "r1cs", path);
  const header = section(at, 1, path);
  const body = section(at, 2, path);
  r.offset = header.start;
  const prime = readPrime(r, path);
  const nWires = r.u32();
  const nPubOut = r.u32();
  const nPubIn = r.u32();
  const nPrvIn = r.u32();
  const nLabels = Number(r.u64());
  const nConstraints = r.u32();
  const damaged = (what: string) => new R1csFormatError(`${path} is damaged: ${what}`);
  if (r.offset !== header.start + header.size) throw damaged("the header has the wrong size");
  if (1 + nPubOut + nPubIn + nPrvIn > nWires) throw damaged("more inputs than wires");
  // Each constraint takes at least three 4-byte counts: a bound before allocating.
  if (nConstraints * 12 > body.size) throw damaged("fewer constraints than the header says");
  r.offset = body.start;
  const end = body.start + body.size;
  const lc = (): LinearCombination => {
    const n = r.u32();
    if (n * 36 > end - r.offset) throw damaged("a linear combination runs past its section");
    const wires = new Uint32Array(n);
    const coefficients: bigint[] = new Array(n);
    for (let i = 0; i < n; i++) {
      wires[i] = r.u32();
      if (wires[i] >= nWires) throw damaged(`wire ${wires[i]} of ${nWires}`);
      coefficients[i] = r.field();
      if (coefficients[i] >= P) throw damaged("a coefficient is not a field element");
    }
    return { wires, coefficients };
  };
  const constraints = [];
  for (let i = 0; i < nConstraints; i++) constraints.push({ a: lc(), b: lc(), c: lc() });
  if (r.offset !== end) throw damaged("the constraints section has extra bytes");
  return { prime, nWires, nPubOut, nPubIn, nPrvIn, nLabels, constraints };
}

export function readWtns(path: string): bigint[] {
  const buf = readBinary(path);
  const { r, at } = sections(buf, "wtns", path);
  const header = section(at, 1, path);
  const values = section(at, 2, path);
  r.offset = header.start;
  readPrime(r, path);
  const n = r.u32();
  if (r.offset !== header.start + header.size || n * 32 !== values.size)
    throw new R1csFormatError(`${path} is damaged: the header does not match the values`);
  r.offset = values.start;
  const out: bigint[] = new Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = r.field();
    if (out[i] >= P)
      throw new R1csFormatError(`${path} is damaged: a value is not a field element`);
  }
  return out;
}

/** Wire index -> signal name (`main.segment.slot3.en`), from circom's .sym file. */
export function readSym(path: string): Map<number, string> {
  const names = new Map<number, string>();
  for (const line of readBinary(path).toString("utf8").split("\n")) {
    const [, wire, , name] = line.split(",");
    const w = Number(wire);
    if (name !== undefined && w >= 0 && !names.has(w)) names.set(w, name.trim());
  }
  return names;
}

function evaluate(lc: LinearCombination, witness: readonly bigint[]): bigint {
  let acc = 0n;
  for (let i = 0; i < lc.wires.length; i++) acc += lc.coefficients[i] * witness[lc.wires[i]];
  return acc % P;
}

export function constraintHolds(
  c: R1cs["constraints"][number],
  witness: readonly bigint[],
): boolean {
  return (evaluate(c.a, witness) * evaluate(c.b, witness) - evaluate(c.c, witness)) % P === 0n;
}

export type R1csCheck = { ok: true } | { ok: false; constraint: number; wires: number[] };

/** The first constraint the witness violates, with the wires it involves. */
export function checkR1cs(r1cs: R1cs, witness: readonly bigint[]): R1csCheck {
  if (witness.length !== r1cs.nWires) return { ok: false, constraint: -1, wires: [] };
  if (witness[0] !== 1n) return { ok: false, constraint: -1, wires: [0] };
  for (let i = 0; i < r1cs.constraints.length; i++) {
    const c = r1cs.constraints[i];
    if (!constraintHolds(c, witness)) {
      const wires = [...new Set([...c.a.wires, ...c.b.wires, ...c.c.wires])].sort((x, y) => x - y);
      return { ok: false, constraint: i, wires };
    }
  }
  return { ok: true };
}

/** For each wire, the constraints it appears in (to re-check only those after a change). */
export function constraintsByWire(r1cs: R1cs): number[][] {
  const by: number[][] = Array.from({ length: r1cs.nWires }, () => []);
  r1cs.constraints.forEach((c, i) => {
    for (const lc of [c.a, c.b, c.c]) for (const w of lc.wires) by[w].push(i);
  });
  return by;
}
