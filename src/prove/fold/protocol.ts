/**
 * What the prover and the verifier of folded proofs share: the proof file (version 4), the
 * layout of the public wires, the commitment key, and the challenges. docs/folding.md is the
 * document of record for every step.
 */
import { dirname, join, basename } from "node:path";
import type { Bn128 } from "ffjavascript";
import type { Manifest } from "../../circuits/index.js";
import type { StatementBlock } from "../proof-file.js";
import type { CommitmentKey } from "./commit.js";
import { defaultCacheDir } from "../ptau.js";
import type { Point } from "./curve.js";
import { buildCurve } from "./curve-build.js";
import type { SpartanFinal } from "./final.js";
import { HIDING_LABEL } from "./hiding.js";
import { devSrs, readPtauSrs, requiredLogSize, srsCommitmentKey, type Srs } from "./snark/index.js";
import { loadSparseR1cs, type SparseR1cs } from "./r1cs.js";
import { HashChain } from "./transcript.js";

/**
 * The proof file of the fold backend (format "bmc-proof", version 4, backend "fold"). Points
 * are 64 bytes (x, y big-endian; docs/folding.md); scalars are canonical decimals.
 */
export interface FoldProof {
  readonly format: "bmc-proof";
  readonly version: 4;
  readonly backend: "fold";
  readonly rulesDigest: string;
  readonly circuitDigest: string;
  readonly commitmentKey: string;
  readonly statement: readonly StatementBlock[];
  /**
   * Per segment, base64 of its points in this order: comPre, comRest, D, and (every segment
   * but the first) comT, the cross term of its fold.
   */
  readonly segments: readonly string[];
  /** The random satisfying instance folded in last (the zero-knowledge layer). */
  readonly random: {
    readonly comPre: string;
    readonly comRest: string;
    readonly comE: string;
    readonly D: string;
    readonly Din: string;
    readonly comT: string;
    readonly u: string;
    /** Its public wires a, b and the public slots (the hidden ones are in D and Din). */
    readonly x: readonly string[];
  };
  /** That the segments' D sum to a commitment to (A, B) = (0, 0): a Schnorr proof. */
  readonly sum: { readonly K: string; readonly zu: string; readonly zh: string };
  /** The folded hidden wires and the folded blinding factors (all uniformly random). */
  readonly folded: {
    readonly A: string;
    readonly B: string;
    readonly uOut: string;
    readonly uIn: string;
    readonly inA: string;
    readonly inB: string;
    readonly rhoPre: string;
    readonly rhoRest: string;
    readonly rhoE: string;
    readonly rhoOut: string;
    readonly rhoIn: string;
  };
  /** The final check of the folded relaxed instance. */
  readonly final: FinalProof;
}

export type FinalProof = SpartanFinal;

/** What the fold backend needs from a build folder. */
export interface FoldCircuit {
  readonly manifest: Manifest;
  readonly r1cs: SparseR1cs;
  readonly jsDir: string;
  readonly wasmFile: string;
  readonly nPublic: number;
  readonly nPre: number;
  readonly nRest: number;
  /** log2 of the commitment key's length: the SNARK's (nPre, nRest, the constraints). */
  readonly logSize: number;
}

export class FoldError extends Error {}

export function loadFoldCircuit(buildDir: string, manifest: Manifest): FoldCircuit {
  const fold = manifest.fold;
  if (!fold) {
    throw new FoldError(`${buildDir} has no folding circuit: compile it again with this bmc`);
  }
  const r1cs = loadSparseR1cs(join(buildDir, fold.files.r1cs));
  const nPublic = r1cs.nPubOut + r1cs.nPubIn;
  if (nPublic !== fold.publicWires.length || r1cs.nPrvIn !== fold.privateInputs.length) {
    throw new FoldError(`${buildDir}: the folding circuit does not match its manifest`);
  }
  const names = fold.publicWires.slice(0, X.slots).join();
  if (names !== "A,B,u_out,a,b,u_in") {
    throw new FoldError(
      `${buildDir}: the folding circuit's public wires are not A, B, u_out, a, b, u_in`,
    );
  }
  const nPre = r1cs.nPrvIn;
  const nRest = r1cs.nWires - 1 - nPublic - r1cs.nPrvIn;
  // Both parts of the witness from the key's first power: the key covers the longer part, the
  // error vector and the SNARK's blocks (final.ts).
  const logSize = requiredLogSize(r1cs, nPre);
  return {
    manifest,
    r1cs,
    jsDir: join(buildDir, dirname(fold.files.wasm)),
    wasmFile: basename(fold.files.wasm),
    nPublic,
    nPre,
    nRest,
    logSize,
  };
}

/** Public wire positions in x (after the leading one). */
export const X = { A: 0, B: 1, uOut: 2, a: 3, b: 4, uIn: 5, slots: 6 } as const;

/** The positions of x that a proof shows (for the random instance) or the verifier computes. */
export const isShownWire = (k: number) => k === X.a || k === X.b || k >= X.slots;

export interface KeyOptions {
  /** Where the development SRS is cached; defaults to $BMC_CACHE or ~/.cache/bmc. */
  readonly cacheDir?: string;
  /** A snarkjs powers-of-tau file to take the SRS from; without it, the INSECURE dev SRS. */
  readonly ptau?: string;
  readonly onProgress?: (message: string) => void;
  /**
   * An SRS already loaded and checked (readPtauSrs or devSrs of this circuit's logSize), to
   * prove or verify many proofs with one: the work runs on its curve instance.
   */
  readonly srs?: Srs;
}

/**
 * Runs `work` on the given SRS's curve, or on a fresh curve instance (its WebAssembly from the
 * cache when pinned: ./curve-build.ts).
 */
export async function onCurve<T>(
  options: KeyOptions,
  work: (curve: Bn128) => Promise<T>,
): Promise<T> {
  if (options.srs) return work(options.srs.curve);
  const curve = await buildCurve(options.cacheDir ?? defaultCacheDir());
  try {
    return await work(curve);
  } finally {
    await curve.terminate();
  }
}

/**
 * The commitment key: powers of tau, tau^j G1 (the compression SNARK's SRS, so that the
 * folded commitments are its polynomial commitments). A segment's private inputs and its
 * internal wires are two vectors, each committed from the first power (comPre, comRest; the
 * final step opens them apart: docs/folding.md); the error vector takes 0 .. nConstraints-1. The SRS is checked whole before use (../snark/srs.ts), and its digest
 * is the key's id, which a proof names.
 */
export async function foldKey(
  curve: Bn128,
  circuit: FoldCircuit,
  options: KeyOptions = {},
): Promise<{ key: CommitmentKey; srs: Srs }> {
  if (options.srs && options.srs.logSize !== circuit.logSize)
    throw new Error(
      `bmc internal error: an SRS of 2^${options.srs.logSize} for a circuit of 2^${circuit.logSize}`,
    );
  const srs = options.srs
    ? options.srs
    : options.ptau
      ? await readPtauSrs(curve, options.ptau, circuit.logSize, { cacheDir: options.cacheDir })
      : await devSrs(curve, circuit.logSize, {
          cacheDir: options.cacheDir,
          onProgress: options.onProgress,
        });
  return { key: srsCommitmentKey(srs), srs };
}

const hexDigestBytes = (d: string) => Buffer.from(d, "hex");

/**
 * The Fiat-Shamir chain of one proof, bound to the rules, the circuit, the commitment key, the
 * hiding generators and the number of segments.
 */
export function contextChain(manifest: Manifest, keyId: string, segments: number): HashChain {
  return new HashChain("bmc fold v2").absorb("context", [
    hexDigestBytes(manifest.rulesDigest),
    hexDigestBytes(manifest.circuitDigest),
    Buffer.from(keyId, "utf8"),
    Buffer.from(HIDING_LABEL, "utf8"),
    BigInt(segments),
  ]);
}

/**
 * The challenges a and b, from every segment's pre-challenge data: the commitment to its
 * private inputs and its public slots. u_in and u_out need no absorbing: the circuit computes
 * u_out from the private inputs and u_in, and u_in is the previous segment's u_out (0 for the
 * first), so both are fixed by the commitments already.
 */
export function deriveChallenges(
  chain: HashChain,
  comPre: readonly Uint8Array[],
  slots: readonly (readonly bigint[])[],
): { a: bigint; b: bigint } {
  comPre.forEach((c, i) => chain.absorb("segment inputs", [c, ...slots[i]]));
  return { a: chain.challenge("a"), b: chain.challenge("b") };
}
