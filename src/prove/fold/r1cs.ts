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

/** A cursor over the file's bytes; every read past the end fails as "truncated". */
class R1csReader {
  at = 4;
  constructor(
    readonly buf: Buffer,
    readonly path: string,
  ) {}
  fail(what: string): never {
    throw new R1csLoadError(`${this.path}: ${what}`);
  }
  u32(): number {
    if (this.at + 4 > this.buf.length) this.fail("truncated");
    const v = this.buf.readUInt32LE(this.at);
    this.at += 4;
    return v;
  }
  u64(): bigint {
    if (this.at + 8 > this.buf.length) this.fail("truncated");
    const v = this.buf.readBigUInt64LE(this.at);
    this.at += 8;
    return v;
  }
  /** A 32-byte little-endian field element (unchecked). */
  field(): bigint {
    const { buf, at } = this;
    if (at + 32 > buf.length) this.fail("truncated");
    const v =
      buf.readBigUInt64LE(at) |
      (buf.readBigUInt64LE(at + 8) << 64n) |
      (buf.readBigUInt64LE(at + 16) << 128n) |
      (buf.readBigUInt64LE(at + 24) << 192n);
    this.at += 32;
    return v;
  }
}

interface Section {
  readonly at: number;
  readonly size: number;
}

type R1csHeader = Omit<SparseR1cs, "A" | "B" | "C">;

export function parseSparseR1cs(buf: Buffer, path = "the R1CS"): SparseR1cs {
  const reader = new R1csReader(buf, path);
  if (buf.length < 12 || buf.toString("latin1", 0, 4) !== "r1cs")
    reader.fail("not a circom .r1cs file");
  if (reader.u32() !== 1) reader.fail("unsupported .r1cs version");
  const sections = readSections(reader);
  const header = sections.get(1) ?? reader.fail("no header section");
  const body = sections.get(2) ?? reader.fail("no constraints section");
  const counts = readHeader(reader, header);
  // Each constraint takes at least three 4-byte counts: a bound before allocating.
  if (counts.nConstraints * 12 > body.size) reader.fail("fewer constraints than the header says");
  const [A, B, C] = readConstraints(reader, body, counts);
  return { ...counts, A, B, C };
}

/** The section table: each section's type, start and size (which must fit in the file). */
function readSections(reader: R1csReader): Map<number, Section> {
  const sectionCount = reader.u32();
  const sections = new Map<number, Section>();
  for (let i = 0; i < sectionCount; i++) {
    const type = reader.u32();
    const size = Number(reader.u64());
    if (reader.at + size > reader.buf.length)
      reader.fail(`section ${type} runs past the end of the file`);
    sections.set(type, { at: reader.at, size });
    reader.at += size;
  }
  return sections;
}

/** The header section: BN254's prime, and counts of wires and inputs that fit together. */
function readHeader(reader: R1csReader, header: Section): R1csHeader {
  reader.at = header.at;
  const n8 = reader.u32();
  if (n8 !== 32) reader.fail(`field elements of ${n8} bytes; bmc folds over BN254 (32 bytes)`);
  const prime = reader.field();
  if (prime !== P)
    reader.fail(`the circuit is over another field (prime ${prime}); bmc folds over BN254`);
  const nWires = reader.u32();
  const nPubOut = reader.u32();
  const nPubIn = reader.u32();
  const nPrvIn = reader.u32();
  reader.u64(); // labels
  const nConstraints = reader.u32();
  if (1 + nPubOut + nPubIn + nPrvIn > nWires)
    reader.fail(`the header counts more inputs and outputs than wires (${nWires})`);
  return { nWires, nPubOut, nPubIn, nPrvIn, nConstraints };
}

/**
 * The constraints section, which must end exactly where the constraints do: A, B and C, each
 * wire index below nWires, each coefficient a field element (stored centred).
 */
function readConstraints(
  reader: R1csReader,
  body: Section,
  { nWires, nConstraints }: R1csHeader,
): SparseMatrix[] {
  reader.at = body.at;
  const build = () => ({
    start: new Uint32Array(nConstraints + 1),
    column: [] as number[],
    coefficient: [] as bigint[],
  });
  const parts = [build(), build(), build()];
  for (let i = 0; i < nConstraints; i++) {
    for (const m of parts) {
      const n = reader.u32();
      for (let k = 0; k < n; k++) {
        const wire = reader.u32();
        if (wire >= nWires) reader.fail(`constraint ${i} uses wire ${wire}; there are ${nWires}`);
        const c = reader.field();
        if (c >= P) reader.fail(`constraint ${i} has a coefficient that is not a field element`);
        m.column.push(wire);
        m.coefficient.push(c > HALF ? c - P : c);
      }
      m.start[i + 1] = m.column.length;
    }
  }
  if (reader.at !== body.at + body.size) reader.fail("the constraints section has extra bytes");
  return parts.map((m) => ({
    rows: nConstraints,
    start: m.start,
    column: Uint32Array.from(m.column),
    coefficient: m.coefficient,
  }));
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
