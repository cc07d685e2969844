/**
 * The compression SNARK on its own (src/prove/fold/snark): the INSECURE development SRS of
 * 2^18 powers (made fresh, then loaded and re-checked from its cache), and proving and
 * verifying synthetic relaxed R1CS instances: 2^15 constraints, and the fold circuit's
 * dimensions (bench/results/fold.md: 27,054 constraints, 27,118 wires, about 2.6 non-zeros a
 * row). Synthetic rows: A and B one entry, C one in 60% of rows (2.6 a row), coefficients
 * +-1 at random wires; the witness is 70% small values (below 2^32, like a block-model
 * witness) and 30% full-size; u random, E = Az o Bz - u Cz, so the instance is satisfied as a
 * folded one would be. The last row proves the fold circuit's instance with its witness in two
 * parts (docs/compression.md, "Two-part witness"), as the fold's final step does.
 * Writes bench/results/compression.md and compression.json.
 *
 *   node dist/bench/compression.js
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildBn128 } from "ffjavascript";
import { P } from "../src/field/index.js";
import { multiply, type SparseMatrix, type SparseR1cs } from "../src/prove/fold/r1cs.js";
import {
  commitVector,
  compressedSize,
  devSrs,
  encodeCompressed,
  proveRelaxed,
  requiredLogSize,
  Sha256Transcript,
  verifierKeyOf,
  verifyRelaxed,
} from "../src/prove/fold/snark/index.js";
import { gitRevision, machine, machineText, markdownTable, writeReport } from "./report.js";

// From bench/ (tsx) or dist/bench/ (compiled): the folder that holds package.json.
let root = dirname(fileURLToPath(import.meta.url));
while (!existsSync(join(root, "package.json"))) root = dirname(root);

const random = () => BigInt(`0x${randomBytes(40).toString("hex")}`) % P;
const small = () => BigInt(randomBytes(4).readUInt32LE(0));

/** A matrix with `perRow` entries a row on average (the whole part always, the rest by chance). */
function matrix(rows: number, perRow: number, wires: number): SparseMatrix {
  const start = new Uint32Array(rows + 1);
  const column: number[] = [];
  const coefficient: bigint[] = [];
  for (let i = 0; i < rows; i++) {
    const n = Math.floor(perRow) + (Math.random() < perRow % 1 ? 1 : 0);
    for (let k = 0; k < n; k++) {
      column.push(Math.floor(Math.random() * wires));
      coefficient.push(Math.random() < 0.5 ? 1n : -1n);
    }
    start[i + 1] = column.length;
  }
  return { rows, start, column: Uint32Array.from(column), coefficient };
}

function syntheticR1cs(constraints: number, wires: number, nPublic: number): SparseR1cs {
  return {
    nWires: wires,
    nPubOut: nPublic,
    nPubIn: 0,
    nPrvIn: 0,
    nConstraints: constraints,
    A: matrix(constraints, 1, wires),
    B: matrix(constraints, 1, wires),
    C: matrix(constraints, 0.6, wires),
  };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function timed<T>(work: () => Promise<T>) {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  const value = await work();
  const used = process.cpuUsage(cpu);
  return { value, wall: performance.now() - wall, cpu: (used.user + used.system) / 1000 };
}

type Srs = Awaited<ReturnType<typeof devSrs>>;
type Curve = Awaited<ReturnType<typeof buildBn128>>;
type Timed<T> = Awaited<ReturnType<typeof timed<T>>>;

/** The instances measured: name, constraints, wires, and the first part's length if in two parts. */
const INSTANCES = [
  ["2^15 constraints", 1 << 15, 1 << 15, undefined],
  ["fold circuit's size", 27054, 27118, undefined],
  ["the same, in two parts (1,132 and 25,974)", 27054, 27118, 1132],
] as const;

async function main() {
  const curve = await buildBn128(true);
  const cacheDir = mkdtempSync(join(tmpdir(), "bmc-bench-srs-"));
  try {
    const made = await timed(() => devSrs(curve, 18, { cacheDir }));
    const loaded = await timed(() => devSrs(curve, 18, { cacheDir }));
    const rows: string[][] = [];
    const json: Record<string, unknown>[] = [];
    for (const [name, constraints, wires, firstWires] of INSTANCES) {
      const measured = await measure(curve, loaded.value, name, constraints, wires, firstWires);
      rows.push(measured.row);
      json.push(measured.json);
    }
    const m = machine();
    const text = reportText(m, made, loaded, rows);
    writeReport(join(root, "bench", "results"), "compression", text, {
      machine: m,
      srs: { makeMs: made.wall, makeCpuMs: made.cpu, loadMs: loaded.wall, loadCpuMs: loaded.cpu },
      instances: json,
    });
    process.stdout.write(text);
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
    await curve.terminate();
  }
}

/**
 * A satisfied relaxed instance of a synthetic R1CS and its witness: E = Az o Bz - u Cz. In two
 * parts (as the fold's final step makes it) when `firstWires` is given: W's first firstWires
 * entries committed apart from the others, each from the first power.
 */
async function satisfiedInstance(
  srs: Srs,
  constraints: number,
  wires: number,
  firstWires: number | undefined,
) {
  const nPublic = 11;
  const r1cs = syntheticR1cs(constraints, wires, nPublic);
  const u = random();
  const z = [
    u,
    ...Array.from({ length: wires - 1 }, () => (Math.random() < 0.7 ? small() : random())),
  ];
  const [az, bz, cz] = [r1cs.A, r1cs.B, r1cs.C].map((m) => multiply(m, z));
  const E = az.map((a, i) => (((a * bz[i] - u * cz[i]) % P) + P) % P);
  const W = z.slice(1 + nPublic);
  const commitment =
    firstWires === undefined
      ? { comW: await commitVector(srs, W) }
      : {
          parts: {
            comFirst: await commitVector(srs, W.slice(0, firstWires)),
            comSecond: await commitVector(srs, W.slice(firstWires)),
            firstWires,
          },
        };
  const instance = {
    ...commitment,
    comE: await commitVector(srs, E),
    u,
    x: z.slice(1, 1 + nPublic),
  };
  return { r1cs, instance, witness: { W, E } };
}

/** Proves and verifies one instance: its row of the table and its entry of the JSON. */
async function measure(
  curve: Curve,
  srs: Srs,
  name: string,
  constraints: number,
  wires: number,
  firstWires: number | undefined,
): Promise<{ row: string[]; json: Record<string, unknown> }> {
  const { r1cs, instance, witness } = await satisfiedInstance(srs, constraints, wires, firstWires);
  const proved = await timed(() =>
    proveRelaxed(srs, r1cs, instance, witness, new Sha256Transcript("bench")),
  );
  const proof = proved.value;
  const verified = await timed(() =>
    verifyRelaxed(verifierKeyOf(srs), r1cs, instance, proof, new Sha256Transcript("bench")),
  );
  const jsonBytes = Buffer.byteLength(JSON.stringify(encodeCompressed(curve, proof)));
  const nonZeros = r1cs.A.column.length + r1cs.B.column.length + r1cs.C.column.length;
  const row = [
    name,
    constraints.toLocaleString("en-US"),
    wires.toLocaleString("en-US"),
    nonZeros.toLocaleString("en-US"),
    `2^${requiredLogSize(r1cs)}`,
    `${seconds(proved.wall)} (${seconds(proved.cpu)})`,
    `${verified.wall.toFixed(0)} ms (${verified.cpu.toFixed(0)} ms)`,
    compressedSize(proof).toLocaleString("en-US"),
    jsonBytes.toLocaleString("en-US"),
  ];
  const json = {
    name,
    constraints,
    wires,
    nonZeros,
    proveMs: proved.wall,
    proveCpuMs: proved.cpu,
    verifyMs: verified.wall,
    verifyCpuMs: verified.cpu,
    proofBytes: compressedSize(proof),
    proofJsonBytes: jsonBytes,
  };
  return { row, json };
}

function reportText(
  m: ReturnType<typeof machine>,
  made: Timed<Srs>,
  loaded: Timed<Srs>,
  rows: string[][],
): string {
  return [
    "# Compression SNARK",
    "",
    `- Date: ${new Date().toISOString()}`,
    `- Machine: ${machineText(m)}`,
    `- Node: ${m.node}; load average before the run: ${m.loadAverage.map((l) => l.toFixed(2)).join(", ")}`,
    `- Revision: ${gitRevision(root)}`,
    "- Command: `node dist/bench/compression.js`",
    "",
    "Times are wall clock, CPU time of this process in parentheses (the machine is shared:",
    "wall time above CPU time is other processes' load). Field arithmetic is BigInt; MSMs and",
    "pairings run in ffjavascript's WebAssembly, one thread.",
    "",
    `INSECURE development SRS of 2^18 powers: made in ${seconds(made.wall)} (${seconds(made.cpu)});`,
    `loaded from its cache and re-checked (digest, points on the curve, the pairing test on a random`,
    `combination: two MSMs of 2^18 8-byte scalars and two pairings) in ${seconds(loaded.wall)} (${seconds(loaded.cpu)}).`,
    "",
    "Synthetic satisfied relaxed instances (see the comment of bench/compression.ts); the proof",
    "size counts 32 bytes per field element and 64 per point; JSON is the encoded proof.",
    "",
    markdownTable(
      [
        "instance",
        "constraints",
        "wires",
        "non-zeros",
        "SRS",
        "prove",
        "verify",
        "proof bytes",
        "JSON bytes",
      ],
      "lrrrrrrrr",
      rows,
    ),
    "",
  ].join("\n");
}

await main();
