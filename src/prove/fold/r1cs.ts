/**
 * circom's binary .r1cs as three compressed-sparse-row matrices, for folding: each product
 * A·z is one pass over the non-zeros. Coefficients are kept centred (a coefficient above p/2 is
 * stored as c - p), because circom's are mostly ±1 and small: products of small BigInts are
 * cheap. The reader checks the prime, the header counts and every wire index it reads.
 */
import { readFileSync } from "node:fs";
import { diagnostic, DiagnosticError } from "../../diagnostics/index.js";
import { P } from "../../field/index.js";

/** One matrix in compressed sparse rows: row i's entries are start[i] .. start[i+1]-1. */
export interface SparseMatrix {
  readonly rows: number;
  readonly start: Uint32Array;
  readonly column: Uint32Array;
  readonly coefficient: bigint[];
}

export interface SparseR1cs {
  readonly nWires: number;
  readonly nPubOut: number;
  readonly nPubIn: number;
  readonly nPrvIn: number;
  readonly nConstraints: number;
  readonly A: SparseMatrix;
  readonly B: SparseMatrix;
  readonly C: SparseMatrix;
}

/** A damaged or foreign .r1cs (BM0605). */
export class R1csLoadError extends DiagnosticError {
  constructor(message: string) {
    super(
      diagnostic("BM0605", message, undefined, {
        help: "compile the rules into this folder again (bmc compile RULES.bm -o DIR)",
      }),
    );
  }
}

const HALF = P >> 1n;

export function loadSparseR1cs(path: string): SparseR1cs {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch {
    throw new R1csLoadError(`cannot read ${path}`);
  }
  return parseSparseR1cs(buf, path);
}

export function parseSparseR1cs(buf: Buffer, path = "the R1CS"): SparseR1cs {
  const fail = (what: string): never => {
    throw new R1csLoadError(`${path}: ${what}`);
  };
  if (buf.length < 12 || buf.toString("latin1", 0, 4) !== "r1cs") fail("not a circom .r1cs file");
  let o = 4;
  const u32 = () => {
    if (o + 4 > buf.length) fail("truncated");
    const v = buf.readUInt32LE(o);
    o += 4;
    return v;
  };
  const u64 = () => {
    if (o + 8 > buf.length) fail("truncated");
    const v = buf.readBigUInt64LE(o);
    o += 8;
    return v;
  };
  if (u32() !== 1) fail("unsupported .r1cs version");
  const sectionCount = u32();
  const sections = new Map<number, { at: number; size: number }>();
  for (let i = 0; i < sectionCount; i++) {
    const type = u32();
    const size = Number(u64());
    if (o + size > buf.length) fail(`section ${type} runs past the end of the file`);
    sections.set(type, { at: o, size });
    o += size;
  }
  const header = sections.get(1) ?? fail("no header section");
  const body = sections.get(2) ?? fail("no constraints section");
  o = header.at;
  const n8 = u32();
  if (n8 !== 32) fail(`field elements of ${n8} bytes; bmc folds over BN254 (32 bytes)`);
  const field = (): bigint => {
    if (o + 32 > buf.length) fail("truncated");
    const v =
      buf.readBigUInt64LE(o) |
      (buf.readBigUInt64LE(o + 8) << 64n) |
      (buf.readBigUInt64LE(o + 16) << 128n) |
      (buf.readBigUInt64LE(o + 24) << 192n);
    o += 32;
    return v;
  };
  const prime = field();
  if (prime !== P) fail(`the circuit is over another field (prime ${prime}); bmc folds over BN254`);
  const nWires = u32();
  const nPubOut = u32();
  const nPubIn = u32();
  const nPrvIn = u32();
  u64(); // labels
  const nConstraints = u32();
  if (1 + nPubOut + nPubIn + nPrvIn > nWires)
    fail(`the header counts more inputs and outputs than wires (${nWires})`);
  // Each constraint takes at least three 4-byte counts: a bound before allocating.
  if (nConstraints * 12 > body.size) fail("fewer constraints than the header says");
  o = body.at;
  const end = body.at + body.size;
  const build = () => ({
    start: new Uint32Array(nConstraints + 1),
    column: [] as number[],
    coefficient: [] as bigint[],
  });
  const parts = [build(), build(), build()];
  for (let i = 0; i < nConstraints; i++) {
    for (const m of parts) {
      const n = u32();
      for (let k = 0; k < n; k++) {
        const wire = u32();
        if (wire >= nWires) fail(`constraint ${i} uses wire ${wire}; there are ${nWires}`);
        const c = field();
        if (c >= P) fail(`constraint ${i} has a coefficient that is not a field element`);
        m.column.push(wire);
        m.coefficient.push(c > HALF ? c - P : c);
      }
      m.start[i + 1] = m.column.length;
    }
  }
  if (o !== end) fail("the constraints section has extra bytes");
  const [A, B, C] = parts.map((m) => ({
    rows: nConstraints,
    start: m.start,
    column: Uint32Array.from(m.column),
    coefficient: m.coefficient,
  }));
  return { nWires, nPubOut, nPubIn, nPrvIn, nConstraints, A, B, C };
}

/** M·z, reduced into [0, p). */
export function multiply(m: SparseMatrix, z: readonly bigint[]): bigint[] {
  const out = new Array<bigint>(m.rows);
  const { start, column, coefficient } = m;
  for (let i = 0; i < m.rows; i++) {
    let acc = 0n;
    for (let k = start[i]; k < start[i + 1]; k++) acc += coefficient[k] * z[column[k]];
    acc %= P;
    out[i] = acc < 0n ? acc + P : acc;
  }
  return out;
}
