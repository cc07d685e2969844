/**
 * The job format of the queue (docs/distributed.md): what a coordinator puts on Redis for a
 * worker and what the worker answers, as JSON (BullMQ stores job data and results as JSON).
 * Vectors of field elements travel as base64 of 32 bytes each, little-endian; points as base64
 * of their 64-byte encoding; single scalars and circuit inputs as decimal strings.
 *
 * Decoding checks the shape and that every scalar is a field element, and throws WireError
 * otherwise; what the values mean (that a result is the job's) is ../prover/result-checks.ts.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { P } from "../../../field/index.js";
import type { CircuitInputs } from "../../../witness/inputs.js";
import type { PreJob, PreResult } from "../prover/pre-challenge.js";
import type { SegmentJob, SegmentJobStats } from "../prover/segment-job.js";
import type { ClaimedSegment } from "../prover/result-checks.js";
import type { FoldCircuit } from "../protocol.js";

/** Raised for data that is not in the job format (a worker of another bmc, or garbage). */
export class WireError extends Error {}

export const WIRE_VERSION = 1;

/** What every job names: the format, the build and the run (of one proof) it belongs to. */
export interface JobHeader {
  readonly v: typeof WIRE_VERSION;
  readonly build: string;
  readonly run: string;
  readonly index: number;
}

export interface PreJobData extends JobHeader {
  readonly kind: "pre";
  readonly pre: string;
  readonly rho: string;
}

export interface SegmentJobData extends JobHeader {
  readonly kind: "segment";
  readonly inputs: unknown;
  readonly uIn: string;
  readonly uOut: string;
  readonly a: string;
  readonly b: string;
  readonly pre: string;
  readonly rhoRest: string;
  readonly rhoD: string;
}

export type JobData = PreJobData | SegmentJobData;

/** What every result names: the job's build, run and segment, and the worker. */
export interface ResultHeader extends JobHeader {
  readonly worker: string;
}

export interface PreResultData extends ResultHeader {
  readonly kind: "pre";
  readonly comPre: string;
  readonly stats: PreResult["stats"];
}

export interface SegmentResultData extends ResultHeader {
  readonly kind: "segment";
  readonly x: string;
  readonly pre: string;
  readonly rest: string;
  readonly comRest: string;
  readonly D: string;
  readonly stats: SegmentJobStats;
}

export type ResultData = PreResultData | SegmentResultData;

/**
 * What a build is to the queue: its rules, circuit, witness generator and commitment key. A
 * worker serves only jobs of its own build (the queue's name carries it); the coordinator
 * checks every result against its own R1CS anyway.
 */
export function buildDigest(circuit: FoldCircuit, srsDigest: string): string {
  const { manifest, r1cs } = circuit;
  const wasm = createHash("sha256")
    .update(readFileSync(join(circuit.jsDir, circuit.wasmFile)))
    .digest("hex");
  const shape = [r1cs.nWires, r1cs.nConstraints, r1cs.nPubOut, r1cs.nPubIn, r1cs.nPrvIn];
  const text = JSON.stringify([
    "bmc fold build v1",
    manifest.rulesDigest,
    manifest.circuitDigest,
    wasm,
    shape,
    srsDigest,
  ]);
  return createHash("sha256").update(text).digest("hex");
}

/** The queue of a build's jobs: workers listen on the queue of their own build only. */
export const queueName = (build: string) => `bmc-fold-${build.slice(0, 24)}`;

export function packScalars(values: readonly bigint[]): string {
  const out = Buffer.alloc(32 * values.length);
  values.forEach((v, i) => {
    for (let k = 0; k < 4; k++)
      out.writeBigUInt64LE((v >> BigInt(64 * k)) & 0xffffffffffffffffn, 32 * i + 8 * k);
  });
  return out.toString("base64");
}

function base64(text: unknown, what: string): Buffer {
  if (typeof text !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(text))
    throw new WireError(`${what} is not base64`);
  return Buffer.from(text, "base64");
}

export function unpackScalars(text: unknown, what: string): bigint[] {
  const bytes = base64(text, what);
  if (bytes.length % 32 !== 0) throw new WireError(`${what} is not a whole number of scalars`);
  const values = new Array<bigint>(bytes.length / 32);
  for (let i = 0; i < values.length; i++) {
    let v = 0n;
    for (let k = 3; k >= 0; k--) v = (v << 64n) | bytes.readBigUInt64LE(32 * i + 8 * k);
    if (v >= P) throw new WireError(`${what} has a value outside the field`);
    values[i] = v;
  }
  return values;
}

const pointText = (p: Uint8Array) => Buffer.from(p).toString("base64");

function pointOf(text: unknown, what: string): Uint8Array {
  const bytes = base64(text, what);
  if (bytes.length !== 64) throw new WireError(`${what} is not 64 bytes`);
  return new Uint8Array(bytes);
}

function scalar(text: unknown, what: string): bigint {
  if (typeof text !== "string" || !/^\d{1,78}$/.test(text))
    throw new WireError(`${what} is not a decimal scalar`);
  const v = BigInt(text);
  if (v >= P) throw new WireError(`${what} is outside the field`);
  return v;
}

function encodeInputs(inputs: CircuitInputs): unknown {
  return JSON.parse(JSON.stringify(inputs, (_, v) => (typeof v === "bigint" ? v.toString() : v)));
}

function decodeInputs(value: unknown): CircuitInputs {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new WireError("the job's inputs are not an object");
  const leaf = (v: unknown, depth: number): unknown => {
    if (Array.isArray(v) && depth < 2) return v.map((w) => leaf(w, depth + 1));
    return scalar(v, "an input");
  };
  return Object.fromEntries(
    Object.entries(value).map(([name, v]) => [name, leaf(v, 0)]),
  ) as CircuitInputs;
}

function header(data: unknown): JobHeader & { kind: unknown } & Record<string, unknown> {
  const d = data as Record<string, unknown> | null;
  if (typeof d !== "object" || d === null || d.v !== WIRE_VERSION)
    throw new WireError(`not a job of format version ${WIRE_VERSION}`);
  if (typeof d.build !== "string" || typeof d.run !== "string")
    throw new WireError("the build or the run is missing");
  if (!Number.isSafeInteger(d.index) || (d.index as number) < 0)
    throw new WireError("the segment index is not a whole number");
  return d as JobHeader & { kind: unknown } & Record<string, unknown>;
}

type Names = { build: string; run: string };

export function preJobData(names: Names, job: PreJob): PreJobData {
  const { index, pre, rho } = job;
  return { v: 1, kind: "pre", ...names, index, pre: packScalars(pre), rho: rho.toString() };
}

export function segmentJobData(names: Names, job: SegmentJob): SegmentJobData {
  return {
    v: 1,
    kind: "segment",
    ...names,
    index: job.index,
    inputs: encodeInputs(job.inputs),
    uIn: job.uIn.toString(),
    uOut: job.uOut.toString(),
    a: job.a.toString(),
    b: job.b.toString(),
    pre: packScalars(job.pre),
    rhoRest: job.rhoRest.toString(),
    rhoD: job.rhoD.toString(),
  };
}

/** A job as a worker reads it. */
export function decodeJob(
  data: unknown,
): JobHeader & ({ kind: "pre"; job: PreJob } | { kind: "segment"; job: SegmentJob }) {
  const d = header(data);
  const { v, build, run, index } = d;
  if (d.kind === "pre") {
    const job = { index, pre: unpackScalars(d.pre, "pre"), rho: scalar(d.rho, "rho") };
    return { v, build, run, index, kind: "pre", job };
  }
  if (d.kind !== "segment") throw new WireError("a job of unknown kind");
  const job: SegmentJob = {
    index,
    inputs: decodeInputs(d.inputs),
    uIn: scalar(d.uIn, "u_in"),
    uOut: scalar(d.uOut, "u_out"),
    a: scalar(d.a, "a"),
    b: scalar(d.b, "b"),
    pre: unpackScalars(d.pre, "pre"),
    rhoRest: scalar(d.rhoRest, "rhoRest"),
    rhoD: scalar(d.rhoD, "rhoD"),
  };
  return { v, build, run, index, kind: "segment", job };
}

type ResultNames = Names & { worker: string };

export function preResultData(names: ResultNames, r: PreResult): PreResultData {
  const { index, stats } = r;
  return { v: 1, kind: "pre", ...names, index, comPre: pointText(r.comPre), stats };
}

export function segmentResultData(
  names: ResultNames,
  r: Pick<ClaimedSegment, "index" | "x" | "pre" | "rest" | "comRest" | "D" | "stats">,
): SegmentResultData {
  return {
    v: 1,
    kind: "segment",
    ...names,
    index: r.index,
    x: packScalars(r.x),
    pre: packScalars(r.pre),
    rest: packScalars(r.rest),
    comRest: pointText(r.comRest),
    D: pointText(r.D),
    stats: r.stats,
  };
}

/** Numbers of a job's statistics, whatever a worker sent (they are only reported). */
function statsOf<K extends string>(value: unknown, keys: readonly K[]): Record<K, number> {
  const s = (typeof value === "object" && value !== null ? value : {}) as Record<string, unknown>;
  const n = (v: unknown) => (typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : 0);
  return Object.fromEntries(keys.map((k) => [k, n(s[k])])) as Record<K, number>;
}

const PRE_STATS = [
  "commitWitnessMs",
  "commitWitnessCpuMs",
  "commitWitnessPoints",
  "commitWitnessZeros",
] as const;
const SEGMENT_STATS = [
  ...PRE_STATS,
  "witnessMs",
  "witnessCpuMs",
  "crossTermMs",
  "crossTermCpuMs",
] as const;

/** A result as the coordinator reads it: its header, and its claims still to be checked. */
export function decodeResult(
  data: unknown,
):
  | (ResultHeader & { kind: "pre"; result: PreResult })
  | (ResultHeader & { kind: "segment"; result: ClaimedSegment }) {
  const d = header(data);
  const worker = typeof d.worker === "string" ? d.worker.slice(0, 200) : "(unnamed)";
  const { v, build, run, index } = d;
  const head = { v, build, run, index, worker };
  if (d.kind === "pre") {
    const stats = statsOf(d.stats, PRE_STATS);
    return { ...head, kind: "pre", result: { index, comPre: pointOf(d.comPre, "comPre"), stats } };
  }
  if (d.kind !== "segment") throw new WireError("a result of unknown kind");
  const result: ClaimedSegment = {
    index,
    x: unpackScalars(d.x, "x"),
    pre: unpackScalars(d.pre, "pre"),
    rest: unpackScalars(d.rest, "rest"),
    comRest: pointOf(d.comRest, "comRest"),
    D: pointOf(d.D, "D"),
    stats: statsOf(d.stats, SEGMENT_STATS),
  };
  return { ...head, kind: "segment", result };
}
