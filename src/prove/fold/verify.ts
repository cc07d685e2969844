/**
 * The verifier of folded proofs (version 4). It reads the proof file strictly, re-derives every
 * challenge, and computes the folded instance itself as linear combinations of the segments'
 * commitments (no fold is recomputed one by one); then it checks the folded instance with the
 * final step. docs/folding.md lists every check and why it is there.
 */
import type { Bn128 } from "ffjavascript";
import { mod, P } from "../../field/index.js";
import { canonicalDecimal, isStatement, sameKeys, type StatementBlock } from "../proof-file.js";
import { decodePoint, linearCombination, pointBytes, pointFromBytes, type Point } from "./curve.js";
import { cryptoRng, hidingGenerators, randomScalar, type HidingGenerators } from "./hiding.js";
import { verifyFinal } from "./final.js";
import {
  devVerifierKey,
  readPtauVerifierKey,
  SrsError,
  verifierKeyOf,
  type VerifierKey,
} from "./snark/index.js";
import {
  contextChain,
  deriveChallenges,
  isShownWire,
  type KeyOptions,
  onCurve,
  X,
  type FoldCircuit,
} from "./protocol.js";
import type { HashChain } from "./transcript.js";

export interface FoldVerifyResult {
  readonly valid: boolean;
  readonly reason?: string;
  readonly segments?: number;
}

const TOP = [
  "format",
  "version",
  "backend",
  "rulesDigest",
  "circuitDigest",
  "commitmentKey",
  "statement",
  "segments",
  "random",
  "sum",
  "folded",
  "final",
];
const RANDOM = ["comPre", "comRest", "comE", "D", "Din", "comT", "u", "x"];
const FOLDED = [
  "A",
  "B",
  "uOut",
  "uIn",
  "inA",
  "inB",
  "rhoPre",
  "rhoRest",
  "rhoE",
  "rhoOut",
  "rhoIn",
] as const;

function decimals(v: unknown, n: number): bigint[] | undefined {
  if (!Array.isArray(v) || v.length !== n) return undefined;
  const out = v.map((x) => canonicalDecimal(x));
  return out.every((x) => x !== undefined) ? (out as bigint[]) : undefined;
}

/** A segment's points from its base64 text: exactly `count` canonical points, or undefined. */
function segmentPoints(curve: Bn128, text: unknown, count: number): Point[] | undefined {
  if (typeof text !== "string") return undefined;
  const bytes = Buffer.from(text, "base64");
  if (bytes.length !== 64 * count || bytes.toString("base64") !== text) return undefined;
  const points: Point[] = [];
  for (let k = 0; k < count; k++) {
    const p = pointFromBytes(curve, bytes.subarray(64 * k, 64 * k + 64));
    if (!p) return undefined;
    points.push(p);
  }
  return points;
}

interface Segment {
  readonly comPre: Point;
  readonly comRest: Point;
  readonly D: Point;
  /** Absent for the first segment, which starts the running instance. */
  readonly comT?: Point;
}

/**
 * The verifier's key: tau G2 and the SRS digest, from the loaded SRS the caller passes, the
 * ptau file, or the development SRS cached on this machine (never made here: a new tau would
 * verify nothing).
 */
function verifierKey(curve: Bn128, circuit: FoldCircuit, options: KeyOptions): VerifierKey {
  if (options.srs) return verifierKeyOf(options.srs);
  return options.ptau
    ? readPtauVerifierKey(curve, options.ptau, circuit.logSize)
    : devVerifierKey(curve, circuit.logSize, { cacheDir: options.cacheDir });
}

/** Every segment's public slot values for a statement and a number of segments. */
type PublicSignals = (
  statement: readonly StatementBlock[],
  segments: number,
) => readonly (readonly bigint[])[];

/** A verdict against the proof, with its reason. */
type Rejection = FoldVerifyResult & { readonly valid: false; readonly reason: string };

const reject = (reason: string): Rejection => ({ valid: false, reason });

/**
 * Checks a parsed fold proof against a build folder's circuit. `publicSignals` gives every
 * segment's public slot values for the statement and the proof's number of segments (the
 * caller derives them with the build's layout, ../statement.ts segmentPublicSignals, never
 * from the proof), and throws, with the reason, for a statement they cannot hold.
 */
export async function verifyFold(
  circuit: FoldCircuit,
  file: unknown,
  publicSignals: PublicSignals,
  options: KeyOptions = {},
): Promise<FoldVerifyResult> {
  const fields = readProofFields(circuit, file);
  if ("valid" in fields) return fields;
  return onCurve(options, (curve) => verifyOnCurve(curve, circuit, fields, publicSignals, options));
}

type Revealed = Record<(typeof FOLDED)[number], bigint>;

/** What the proof holds, read strictly before any curve arithmetic. */
interface ProofFields {
  readonly file: Record<string, unknown>;
  readonly statement: readonly StatementBlock[];
  /** The segments' base64 texts, not yet decoded. */
  readonly texts: readonly unknown[];
  readonly random: Record<string, unknown>;
  readonly sum: Record<string, unknown>;
  readonly revealed: Revealed;
  readonly randomU: bigint;
  readonly randomX: readonly bigint[];
  readonly zu: bigint;
  readonly zh: bigint;
}

/** The top level: exactly the expected fields, this build's digests, then the scalars. */
function readProofFields(circuit: FoldCircuit, file: unknown): ProofFields | Rejection {
  const { manifest } = circuit;
  if (!sameKeys(file, TOP)) return reject("not a bmc fold proof (unexpected or missing fields)");
  if (file.format !== "bmc-proof" || file.version !== 4 || file.backend !== "fold")
    return reject("not a version 4 bmc fold proof");
  if (file.rulesDigest !== manifest.rulesDigest)
    return reject("the proof is for other rules than this build folder's");
  if (file.circuitDigest !== manifest.circuitDigest)
    return reject("the proof is for another circuit (other slots) than this build folder's");
  if (!isStatement(file.statement)) return reject("the statement is malformed");
  const statement = file.statement;
  const texts = file.segments;
  if (!Array.isArray(texts) || texts.length === 0) return reject("the proof has no segments");
  const { random, sum, folded } = file;
  if (!sameKeys(random, RANDOM)) return reject("the random instance is malformed");
  if (!sameKeys(sum, ["K", "zu", "zh"])) return reject("the sum proof is malformed");
  if (!sameKeys(folded, FOLDED)) return reject("the folded values are malformed");
  const scalars = readScalars(circuit, random, sum, folded);
  if ("valid" in scalars) return scalars;
  return { file, statement, texts, random, sum, ...scalars };
}

/** The field elements: the folded values, the random instance's u and x, the sum proof's. */
function readScalars(
  circuit: FoldCircuit,
  random: Record<string, unknown>,
  sum: Record<string, unknown>,
  folded: Record<string, unknown>,
): Pick<ProofFields, "revealed" | "randomU" | "randomX" | "zu" | "zh"> | Rejection {
  const revealed: Revealed = Object.create(null);
  for (const k of FOLDED) {
    const v = canonicalDecimal(folded[k]);
    if (v === undefined) return reject("the folded values are malformed");
    revealed[k] = v;
  }
  const shown = circuit.nPublic - 4;
  const randomU = canonicalDecimal(random.u);
  const randomX = decimals(random.x, shown);
  const zu = canonicalDecimal(sum.zu);
  const zh = canonicalDecimal(sum.zh);
  if (randomU === undefined || !randomX) return reject("the random instance is malformed");
  if (zu === undefined || zh === undefined) return reject("the sum proof is malformed");
  return { revealed, randomU, randomX, zu, zh };
}

/** The checks that need the curve, in order: key, points, accumulators, the final step. */
async function verifyOnCurve(
  curve: Bn128,
  circuit: FoldCircuit,
  fields: ProofFields,
  publicSignals: PublicSignals,
  options: KeyOptions,
): Promise<FoldVerifyResult> {
  const key = checkedVerifierKey(curve, circuit, options, fields.file);
  if ("valid" in key) return key;
  const gens = hidingGenerators(curve);
  const points = readPoints(curve, fields, publicSignals);
  if ("valid" in points) return points;
  const challenges = verifierChallenges(curve, circuit, key.keyId, fields, points);
  const { segments, Z, K } = points;
  const { coefficient, rZ, c } = challenges;
  const { zu, zh, revealed } = fields;
  const problem = await accumulatorProblem(curve, gens, segments, coefficient, rZ, Z, K, {
    c,
    zu,
    zh,
    revealed,
  });
  if (problem) return reject(problem);
  const U = {
    ...(await foldedCommitments(curve, gens, revealed, points, challenges)),
    ...foldedPublicWires(circuit, fields, points.slots, challenges),
  };
  const n = segments.length;
  const problem2 = await verifyFinal(key.vk, circuit, U, fields.file.final, challenges.chain);
  return problem2 ? reject(problem2) : { valid: true, segments: n };
}

/** The verifier's SRS, which must load, and the proof's commitment key must name. */
function checkedVerifierKey(
  curve: Bn128,
  circuit: FoldCircuit,
  options: KeyOptions,
  file: Record<string, unknown>,
): { vk: VerifierKey; keyId: string } | Rejection {
  let vk: VerifierKey;
  try {
    vk = verifierKey(curve, circuit, options);
  } catch (e) {
    if (e instanceof SrsError) return reject(`this verifier has no usable SRS: ${e.message}`);
    throw e;
  }
  const keyId = `kzg:${vk.digest}`;
  if (file.commitmentKey !== keyId)
    return reject(
      `the proof uses another commitment key (${String(file.commitmentKey)}) than this verifier's SRS (${keyId})`,
    );
  return { vk, keyId };
}

/** The random instance's points, in the order the hash chain absorbs them. */
const RANDOM_POINTS = ["comPre", "comRest", "comE", "D", "Din", "comT"];

interface ProofPoints {
  readonly segments: readonly Segment[];
  /** Every segment's public slot values, from the statement alone. */
  readonly slots: readonly (readonly bigint[])[];
  /** The random instance's commitments. */
  readonly Z: Record<string, Point>;
  /** The sum proof's commitment. */
  readonly K: Point;
}

/** The segments' points, the public slots they imply, the random instance's and K. */
function readPoints(
  curve: Bn128,
  fields: ProofFields,
  publicSignals: PublicSignals,
): ProofPoints | Rejection {
  const segments: Segment[] = [];
  for (const [i, text] of fields.texts.entries()) {
    const points = segmentPoints(curve, text, i === 0 ? 3 : 4);
    if (!points) return reject(`segment ${i + 1} is malformed`);
    const [comPre, comRest, D, comT] = points;
    segments.push({ comPre, comRest, D, comT });
  }
  // Every segment's public slots, from the statement alone (public blocks spread over the
  // segments: ../statement.ts); a statement that needs more segments than the proof has is
  // refused here. After the segments are read: their number sizes the slots' arrays.
  let slots: readonly (readonly bigint[])[];
  try {
    slots = publicSignals(fields.statement, segments.length);
  } catch (error) {
    return reject((error as Error).message);
  }
  const Z: Record<string, Point> = {};
  for (const name of RANDOM_POINTS) {
    const p = decodePoint(curve, fields.random[name]);
    if (!p) return reject("the random instance is malformed");
    Z[name] = p;
  }
  const K = decodePoint(curve, fields.sum.K);
  if (!K) return reject("the sum proof is malformed");
  return { segments, slots, Z, K };
}

interface Challenges {
  /** The hash chain, which the final step goes on with. */
  readonly chain: HashChain;
  readonly a: bigint;
  readonly b: bigint;
  /** Each segment's folding challenge r_i (1 for the first, which starts the instance). */
  readonly coefficient: readonly bigint[];
  /** The random instance's folding challenge. */
  readonly rZ: bigint;
  /** The sum proof's challenge. */
  readonly c: bigint;
}

/** Every challenge, from the chain over everything before it. */
function verifierChallenges(
  curve: Bn128,
  circuit: FoldCircuit,
  keyId: string,
  fields: ProofFields,
  points: ProofPoints,
): Challenges {
  const { segments, slots, Z, K } = points;
  const bytes = (p: Point) => pointBytes(curve, p);
  const chain = contextChain(circuit.manifest, keyId, segments.length);
  const { a, b } = deriveChallenges(
    chain,
    segments.map((s) => bytes(s.comPre)),
    slots,
  );
  const coefficient: bigint[] = [];
  for (const s of segments) {
    const points = s.comT ? [s.comPre, s.comRest, s.D, s.comT] : [s.comPre, s.comRest, s.D];
    chain.absorb("segment", points.map(bytes));
    coefficient.push(s.comT ? chain.challenge("r") : 1n);
  }
  chain.absorb("random", [
    ...RANDOM_POINTS.map((k) => bytes(Z[k])),
    fields.randomU,
    ...fields.randomX,
  ]);
  const rZ = chain.challenge("r random");
  chain.absorb("sum", [bytes(K)]);
  const c = chain.challenge("c");
  return { chain, a, b, coefficient, rZ, c };
}

/**
 * The folded instance's public wires: the statement's (the slots sum_i r_i x_i), a and b times
 * the sum of the r_i, and the hidden wires as opened; each plus r_Z times the random instance's.
 */
function foldedPublicWires(
  circuit: FoldCircuit,
  fields: ProofFields,
  slots: readonly (readonly bigint[])[],
  challenges: Challenges,
): { u: bigint; x: bigint[] } {
  const { a, b, coefficient, rZ } = challenges;
  const { revealed, randomU, randomX } = fields;
  const total = coefficient.reduce((s, r) => mod(s + r), 0n);
  const foldedSlots = slots[0].map((_, j) =>
    slots.reduce((sum, x, i) => (x[j] === 0n ? sum : mod(sum + coefficient[i] * x[j])), 0n),
  );
  const x = new Array<bigint>(circuit.nPublic);
  [x[X.A], x[X.B], x[X.uOut], x[X.uIn]] = [revealed.A, revealed.B, revealed.uOut, revealed.uIn];
  let j = 0;
  for (let k = 0; k < circuit.nPublic; k++) {
    if (!isShownWire(k)) continue;
    const plain =
      k === X.a ? mod(a * total) : k === X.b ? mod(b * total) : foldedSlots[k - X.slots];
    x[k] = mod(plain + rZ * randomX[j++]);
  }
  return { u: mod(total + rZ * randomU), x };
}

/**
 * The folded instance's commitments, as linear combinations of the segments' and the random
 * instance's, with the blinding the proof reveals taken off.
 */
async function foldedCommitments(
  curve: Bn128,
  gens: HidingGenerators,
  revealed: Revealed,
  points: ProofPoints,
  challenges: Challenges,
): Promise<{ comPre: Point; comRest: Point; comE: Point }> {
  const G = curve.G1;
  const { segments, Z } = points;
  const { coefficient, rZ } = challenges;
  const combine = (points: Point[], scalars: bigint[]) => linearCombination(curve, points, scalars);
  const unblind = (p: Point, rho: bigint) =>
    G.sub(p, rho === 0n ? G.zero : G.timesScalar(gens.H, rho));
  const comPre = unblind(
    await combine([...segments.map((s) => s.comPre), Z.comPre], [...coefficient, rZ]),
    revealed.rhoPre,
  );
  const comRest = unblind(
    await combine([...segments.map((s) => s.comRest), Z.comRest], [...coefficient, rZ]),
    revealed.rhoRest,
  );
  const comE = unblind(
    await combine(
      [...segments.slice(1).map((s) => s.comT!), Z.comT, Z.comE],
      [...coefficient.slice(1), rZ, mod(rZ * rZ)],
    ),
    revealed.rhoE,
  );
  return { comPre, comRest, comE };
}

/** The sum proof's challenge and answers, and the folded values the proof reveals. */
interface AccumulatorProof {
  readonly c: bigint;
  readonly zu: bigint;
  readonly zh: bigint;
  readonly revealed: Record<string, bigint>;
}

/**
 * The hidden wires: the D_i total a commitment to A = B = 0 (the Schnorr proof), and the
 * revealed folded A, B, u_out and u_in open the same linear combinations of the D_i (u_in of
 * segment i is the u_out in D_(i-1); the first segment's u_in is 0).
 */
async function accumulatorProblem(
  curve: Bn128,
  gens: HidingGenerators,
  segments: readonly Segment[],
  coefficient: readonly bigint[],
  rZ: bigint,
  Z: Record<string, Point>,
  K: Point,
  proof: AccumulatorProof,
): Promise<string | undefined> {
  const G = curve.G1;
  const checks = accumulatorChecks(gens, segments, coefficient, rZ, Z, K, proof);
  // All three at once, weighted by powers of a fresh random gamma (a non-zero check escapes
  // with probability 2/p), as one MSM over the D_i; only a failure runs them one by one, to
  // say which.
  const gamma = randomScalar(cryptoRng);
  const weights = [1n, gamma, mod(gamma * gamma)];
  const merged = new Map<Point, bigint>();
  checks.forEach((k, j) =>
    k.points.forEach((p, i) =>
      merged.set(p, mod((merged.get(p) ?? 0n) + k.scalars[i] * weights[j])),
    ),
  );
  const together = await linearCombination(curve, [...merged.keys()], [...merged.values()]);
  if (G.isZero(together)) return undefined;
  for (const k of checks)
    if (!G.isZero(await linearCombination(curve, k.points, k.scalars))) return k.reason;
  return "the accumulator checks do not hold";
}

/** The three accumulator equations, each a linear combination of points that must be zero. */
function accumulatorChecks(
  gens: HidingGenerators,
  segments: readonly Segment[],
  coefficient: readonly bigint[],
  rZ: bigint,
  Z: Record<string, Point>,
  K: Point,
  proof: AccumulatorProof,
): { points: Point[]; scalars: bigint[]; reason: string }[] {
  const neg = (v: bigint) => mod(-v);
  const { revealed: v, c } = proof;
  const D = segments.map((s) => s.D);
  const n = D.length;
  // Each check is a linear combination of points that must be zero.
  const opening = (A: bigint, B: bigint, u: bigint, rho: bigint) => ({
    points: [gens.GA, gens.GB, gens.Gu, gens.H],
    scalars: [neg(A), neg(B), neg(u), neg(rho)],
  });
  const out = opening(v.A, v.B, v.uOut, v.rhoOut);
  const inn = opening(v.inA, v.inB, v.uIn, v.rhoIn);
  const checks = [
    {
      // zu G_u + zh H - K - c sum D_i = 0
      points: [gens.Gu, gens.H, K, ...D],
      scalars: [proof.zu, proof.zh, neg(1n), ...D.map(() => neg(c))],
      reason:
        "the segments' accumulators do not balance: the sum of their commitments D is not a commitment to A = B = 0",
    },
    {
      points: [...D, Z.D, ...out.points],
      scalars: [...coefficient, rZ, ...out.scalars],
      reason: "the folded A, B and u_out do not open the fold of the segments' commitments D",
    },
    {
      points: [...D.slice(0, n - 1), Z.Din, ...inn.points],
      scalars: [...coefficient.slice(1), rZ, ...inn.scalars],
      reason:
        "the folded u_in does not open the fold of the previous segments' u_out: the chain of unique claims is broken",
    },
  ];
  return checks;
}
