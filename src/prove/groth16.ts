/**
 * Groth16 over snarkjs: setup from a powers-of-tau file, proving from a witness that has been
 * checked against the constraints first (snarkjs proves whatever it is given), verification
 * that never throws, and a Solidity verifier. Every entry point releases snarkjs's threads.
 */
import { randomBytes } from "node:crypto";
import {
  closeSync,
  fstatSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import * as snarkjs from "snarkjs";
import type { Bn128 } from "ffjavascript";
import { P } from "../field/index.js";
import { checkR1cs, readR1cs, type R1cs } from "../witness/r1cs.js";
import { recordingLogger, releaseCurve } from "./curve.js";
import { buildCurve } from "./fold/curve-build.js";
import { Q } from "./proof-file.js";
import { defaultCacheDir, ptauPower } from "./ptau.js";

export type Groth16Proof = Record<string, unknown>;
export type VerificationKey = Record<string, unknown>;

export class ProvingError extends Error {}

/** Writes a witness in circom's .wtns format (version 2: header section, then the values). */
export function writeWtns(path: string, witness: readonly bigint[]): void {
  const n8 = 32;
  const header = Buffer.alloc(4 + 4 + 4 + (4 + 8 + 4 + n8 + 4) + (4 + 8));
  let o = header.write("wtns", 0, "latin1");
  o = header.writeUInt32LE(2, o);
  o = header.writeUInt32LE(2, o);
  o = header.writeUInt32LE(1, o);
  o = header.writeBigUInt64LE(BigInt(4 + n8 + 4), o);
  o = header.writeUInt32LE(n8, o);
  const field = (v: bigint, buf: Buffer, at: number) => {
    for (let i = 0; i < n8; i++) buf[at + i] = Number((v >> BigInt(8 * i)) & 0xffn);
  };
  field(P, header, o);
  o += n8;
  o = header.writeUInt32LE(witness.length, o);
  o = header.writeUInt32LE(2, o);
  header.writeBigUInt64LE(BigInt(n8 * witness.length), o);
  const values = Buffer.alloc(n8 * witness.length);
  witness.forEach((v, i) => field(v, values, i * n8));
  writeFileSync(path, Buffer.concat([header, values]));
}

/**
 * The smallest power of tau for a circuit: snarkjs evaluates over a domain of the constraints
 * plus one row per public wire and one for the constant.
 */
export function powerFor(r1cs: Pick<R1cs, "constraints" | "nPubIn" | "nPubOut">): number {
  return Math.ceil(Math.log2(r1cs.constraints.length + r1cs.nPubIn + r1cs.nPubOut + 1));
}

export async function setup(
  r1csPath: string,
  ptauPath: string,
  zkeyPath: string,
): Promise<VerificationKey> {
  const needed = powerFor(readR1cs(r1csPath));
  const power = ptauPower(ptauPath);
  if (power < needed) {
    throw new ProvingError(
      `the powers of tau (2^${power}) are too small: the circuit needs 2^${needed} (try --power ${needed})`,
    );
  }
  const { logger, errors } = recordingLogger();
  const temporary = `${zkeyPath}.${process.pid}.tmp`;
  try {
    const initial = `${temporary}.0`;
    const status = await snarkjs.zKey.newZKey(r1csPath, ptauPath, initial, logger);
    if (status === -1 || errors.length) {
      throw new ProvingError(`setup failed: ${errors.join("; ") || "snarkjs returned -1"}`);
    }
    // A fresh zkey has delta = gamma = the G2 generator: with those anyone can forge a proof
    // (A = alpha, B = beta, C = -IC). One phase-2 contribution with entropy that is thrown
    // away makes delta random. Still a single contributor: development only.
    await (
      snarkjs.zKey as unknown as {
        contribute(
          a: string,
          b: string,
          name: string,
          entropy: string,
          l: unknown,
        ): Promise<unknown>;
      }
    ).contribute(
      initial,
      temporary,
      "bmc single contributor",
      randomBytes(32).toString("hex"),
      logger,
    );
    rmSync(initial, { force: true });
    if (errors.length) throw new ProvingError(`setup failed: ${errors.join("; ")}`);
    renameSync(temporary, zkeyPath);
    return await snarkjs.zKey.exportVerificationKey(zkeyPath, logger);
  } finally {
    rmSync(temporary, { force: true });
    rmSync(`${temporary}.0`, { force: true });
    await releaseCurve();
  }
}

/** What a .zkey's Groth16 header says about the circuit it is for. */
export interface ZkeyHeader {
  readonly nVars: number;
  readonly nPublic: number;
  readonly domainSize: number;
}

/**
 * Reads a .zkey's section table and Groth16 header (snarkjs's format: "zkey", version,
 * sections of type, size and body; section 1 the protocol, section 2 the header), reading only
 * those bytes. Undefined when the file is not a whole Groth16 .zkey over BN254.
 */
export function readZkeyHeader(path: string): ZkeyHeader | undefined {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return undefined;
  }
  try {
    const fileSize = fstatSync(fd).size;
    const read = (at: number, length: number): Buffer | undefined => {
      if (at + length > fileSize) return undefined;
      const b = Buffer.alloc(length);
      return readSync(fd, b, 0, length, at) === length ? b : undefined;
    };
    const head = read(0, 12);
    if (!head || head.toString("latin1", 0, 4) !== "zkey" || head.readUInt32LE(4) !== 1)
      return undefined;
    const count = head.readUInt32LE(8);
    const bodies = new Map<number, number>();
    let at = 12;
    for (let i = 0; i < count && i < 64; i++) {
      const entry = read(at, 12);
      if (!entry) return undefined;
      const size = entry.readBigUInt64LE(4);
      if (size > BigInt(fileSize)) return undefined;
      bodies.set(entry.readUInt32LE(0), at + 12);
      at += 12 + Number(size);
    }
    if (at !== fileSize) return undefined;
    const protocol = bodies.has(1) ? read(bodies.get(1)!, 4) : undefined;
    if (protocol?.readUInt32LE(0) !== 1 || !bodies.has(2)) return undefined;
    const h = read(bodies.get(2)!, 4 + 32 + 4 + 32 + 12);
    if (!h || h.readUInt32LE(0) !== 32 || h.readUInt32LE(36) !== 32) return undefined;
    const le = (b: Buffer) => BigInt(`0x${Buffer.from(b).reverse().toString("hex")}`);
    if (le(h.subarray(4, 36)) !== Q || le(h.subarray(40, 72)) !== P) return undefined;
    return {
      nVars: h.readUInt32LE(72),
      nPublic: h.readUInt32LE(76),
      domainSize: h.readUInt32LE(80),
    };
  } finally {
    closeSync(fd);
  }
}

export async function prove(
  zkeyPath: string,
  r1csPath: string,
  witness: readonly bigint[],
): Promise<{ proof: Groth16Proof; publicSignals: string[] }> {
  const check = checkR1cs(readR1cs(r1csPath), witness);
  if (!check.ok) {
    throw new ProvingError(
      `the witness violates constraint ${check.constraint}; refusing to prove`,
    );
  }
  const wtns = join(tmpdir(), `bmc-${process.pid}-${Date.now()}.wtns`);
  try {
    writeWtns(wtns, witness);
    const { logger } = recordingLogger();
    return await snarkjs.groth16.prove(zkeyPath, wtns, logger);
  } finally {
    rmSync(wtns, { force: true });
    await releaseCurve();
  }
}

/**
 * One BN254 instance for every Groth16 verification of the process: single-threaded (nothing
 * to release), its WebAssembly from the pinned cache (./fold/curve-build.ts). snarkjs's
 * groth16.verify builds a curve with worker threads on every call, which cost more than the
 * check itself.
 */
let verifierCurve: Promise<Bn128> | undefined;

function sharedCurve(): Promise<Bn128> {
  verifierCurve ??= buildCurve(defaultCacheDir()).catch((error: unknown) => {
    verifierCurve = undefined;
    throw error;
  });
  return verifierCurve;
}

/**
 * snarkjs's reading of JSON numbers: strings of decimal digits or 0x-hex become BigInts,
 * arrays and objects are read inside, anything else stays as it is (and fails the checks).
 */
function numbersOf(value: unknown): unknown {
  if (typeof value === "string")
    return /^[0-9]+$/.test(value) || /^0x[0-9a-fA-F]+$/.test(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(numbersOf);
  if (value !== null && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, numbersOf(v)]));
  return value;
}

/** The key is for BN254 under any of the names snarkjs gives it. */
function isBn254Key(curveName: unknown): boolean {
  const name =
    typeof curveName === "string" ? curveName.toUpperCase().replace(/[^A-Z0-9]/g, "") : "";
  return name === "BN128" || name === "BN254" || name === "ALTBN128";
}

/**
 * The Groth16 check as snarkjs 0.7 makes it, on the shared curve: every public input below r;
 * the public inputs' point IC_0 + sum x_i IC_i; A, B and C on their curves; then
 * e(-A, B) e(vk_x, gamma) e(C, delta) e(alpha, beta) = 1. Also (snarkjs does not check it)
 * exactly one public input per IC point after the first: with fewer, snarkjs takes the
 * missing ones as 0.
 */
async function groth16Holds(
  curve: Bn128,
  vkey: VerificationKey,
  publicSignals: readonly string[],
  proof: unknown,
): Promise<boolean> {
  const vk = numbersOf(vkey) as Record<string, never>;
  const p = numbersOf(proof) as Record<string, never>;
  const inputs = numbersOf([...publicSignals]) as unknown[];
  if (!isBn254Key(vk.curve)) return false;
  const ic = vk.IC as unknown as bigint[][];
  if (!Array.isArray(ic) || ic.length !== inputs.length + 1) return false;
  const scalars: bigint[] = [];
  for (const x of inputs) {
    if (typeof x !== "bigint" || x < 0n || x >= curve.r) return false;
    scalars.push(x);
  }
  const { G1, G2 } = curve;
  const n8 = G1.F.n8;
  const bases = new Uint8Array(2 * n8 * scalars.length);
  const packed = new Uint8Array(curve.Fr.n8 * scalars.length);
  scalars.forEach((x, i) => {
    bases.set(G1.fromObject(ic[i + 1]), 2 * n8 * i);
    for (let k = 0; k < curve.Fr.n8; k++)
      packed[i * curve.Fr.n8 + k] = Number((x >> BigInt(8 * k)) & 0xffn);
  });
  const vkX = G1.add(await G1.multiExpAffine(bases, packed), G1.fromObject(ic[0]));
  const points = proofPoints(curve, p);
  if (!points) return false;
  return curve.pairingEq(
    G1.neg(points.a),
    points.b,
    vkX,
    G2.fromObject(vk.vk_gamma_2),
    points.c,
    G2.fromObject(vk.vk_delta_2),
    G1.fromObject(vk.vk_alpha_1),
    G2.fromObject(vk.vk_beta_2),
  );
}

/**
 * A proof's A, B and C, if each is a point of its group (ffjavascript's reading, as snarkjs's).
 * G1 has cofactor 1, so a point on its curve is in the group. The twist curve of G2 is larger
 * than G2 (its cofactor is about 2^254), and neither ffjavascript's isValid nor snarkjs checks
 * that B is in the subgroup of order r: bmc does, r·B = 0. The pairing is defined (and
 * bilinear) on G2 only; a verifier should not reason about what it does elsewhere.
 */
export function proofPoints(curve: Bn128, proof: Record<string, unknown>) {
  const { G1, G2 } = curve;
  const a = G1.fromObject(proof.pi_a as bigint[]);
  const b = G2.fromObject(proof.pi_b as bigint[][]);
  const c = G1.fromObject(proof.pi_c as bigint[]);
  const inG2 = G2.isValid(b) && G2.isZero(G2.timesScalar(b, curve.r));
  return G1.isValid(a) && inG2 && G1.isValid(c) ? { a, b, c } : undefined;
}

/** True only for a valid proof of these public signals; malformed input is simply false. */
export async function verify(
  vkey: VerificationKey,
  publicSignals: readonly string[],
  proof: unknown,
): Promise<boolean> {
  try {
    return (await groth16Holds(await sharedCurve(), vkey, publicSignals, proof)) === true;
  } catch {
    return false;
  }
}

export async function exportSolidity(zkeyPath: string): Promise<string> {
  // snarkjs exports no package.json; its template sits two folders above build/main.cjs.
  const main = createRequire(import.meta.url).resolve("snarkjs");
  const template = readFileSync(
    join(dirname(dirname(main)), "templates", "verifier_groth16.sol.ejs"),
    "utf8",
  );
  try {
    return await snarkjs.zKey.exportSolidityVerifier(zkeyPath, { groth16: template });
  } finally {
    await releaseCurve();
  }
}
