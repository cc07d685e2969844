/**
 * circom's binary formats, read directly: .r1cs (constraints), .wtns (witnesses) and .sym
 * (signal names). The R1CS checker finds the first constraint a witness violates and names the
 * signals involved, so that a failure can be traced to a slot, a rule and a block.
 */
import { readFileSync } from "node:fs";
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

export class R1csFormatError extends Error {}

class Reader {
  offset = 0;
  constructor(readonly buf: Buffer) {}
  u32(): number {
    const v = this.buf.readUInt32LE(this.offset);
    this.offset += 4;
    return v;
  }
  u64(): number {
    const v = this.buf.readBigUInt64LE(this.offset);
    this.offset += 8;
    return Number(v);
  }
  field(n8: number): bigint {
    let v = 0n;
    for (let i = n8 - 1; i >= 0; i--) v = (v << 8n) | BigInt(this.buf[this.offset + i]);
    this.offset += n8;
    return v;
  }
}

function sections(
  buf: Buffer,
  magic: string,
  path: string,
): { r: Reader; at: Map<number, number> } {
  if (buf.length < 12 || buf.toString("latin1", 0, 4) !== magic) {
    throw new R1csFormatError(`${path} is not a circom ${magic} file`);
  }
  const r = new Reader(buf);
  r.offset = 4;
  r.u32(); // version
  const count = r.u32();
  const at = new Map<number, number>();
  for (let i = 0; i < count; i++) {
    const type = r.u32();
    const size = r.u64();
    at.set(type, r.offset);
    r.offset += size;
  }
  return { r, at };
}

export function readR1cs(path: string): R1cs {
  const buf = readFileSync(path);
  const { r, at } = sections(buf, "r1cs", path);
  const header = at.get(1);
  const body = at.get(2);
  if (header === undefined || body === undefined)
    throw new R1csFormatError(`${path}: missing sections`);
  r.offset = header;
  const n8 = r.u32();
  const prime = r.field(n8);
  if (prime !== P) throw new R1csFormatError(`${path} is for another field (prime ${prime})`);
  const nWires = r.u32();
  const nPubOut = r.u32();
  const nPubIn = r.u32();
  const nPrvIn = r.u32();
  const nLabels = r.u64();
  const nConstraints = r.u32();
  r.offset = body;
  const lc = (): LinearCombination => {
    const n = r.u32();
    const wires = new Uint32Array(n);
    const coefficients: bigint[] = new Array(n);
    for (let i = 0; i < n; i++) {
      wires[i] = r.u32();
      coefficients[i] = r.field(n8);
    }
    return { wires, coefficients };
  };
  const constraints = [];
  for (let i = 0; i < nConstraints; i++) constraints.push({ a: lc(), b: lc(), c: lc() });
  return { prime, nWires, nPubOut, nPubIn, nPrvIn, nLabels, constraints };
}

export function readWtns(path: string): bigint[] {
  const buf = readFileSync(path);
  const { r, at } = sections(buf, "wtns", path);
  r.offset = at.get(1)!;
  const n8 = r.u32();
  r.field(n8);
  const n = r.u32();
  r.offset = at.get(2)!;
  const out: bigint[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = r.field(n8);
  return out;
}

/** Wire index -> signal name (`main.segment.slot3.en`), from circom's .sym file. */
export function readSym(path: string): Map<number, string> {
  const names = new Map<number, string>();
  for (const line of readFileSync(path, "utf8").split("\n")) {
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
