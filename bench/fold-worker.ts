/**
 * One measurement of the fold benchmark in a fresh process (so that peak memory is its own).
 * Prints one JSON line.
 *
 *   compile OUT PROOFS_PER_SEGMENT      compile the propositional circuits (Groth16 and fold)
 *   prove OUT PROOFS [WORKERS]           fold N proofs of X -> X (12 blocks each) with WORKERS
 *                                        threads for the segment jobs (default 1), then verify
 *   msm N                                bare ffjavascript MSM of N random full-size scalars,
 *                                        and the small-scalar comparison
 */
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildBn128, type Bn128 } from "ffjavascript";
import { identityProofs, BLOCKS_PER_PROOF } from "../examples/propositional/generate.js";
import { compileProgram } from "../src/circuits/index.js";
import { P } from "../src/field/index.js";
import { checkRuleFile } from "../src/index.js";
import { lowerRuleSet } from "../src/lower/index.js";
import {
  emptyFoldStats,
  foldSegments,
  layoutSegments,
  loadFoldCircuit,
  verifyFold,
} from "../src/prove/fold/index.js";
import { deriveGenerators } from "../src/prove/fold/commit.js";
import { msm } from "../src/prove/fold/curve.js";
import {
  loadManifest,
  segmentPublicSignals,
  statementOf,
  verifyFoldProof,
} from "../src/prove/index.js";
import type { StatementBlock } from "../src/prove/proof-file.js";
import { devSrs } from "../src/prove/fold/snark/index.js";
import { parseTranscript } from "../src/transcript/parse.js";
import { SourceFile } from "../src/diagnostics/index.js";
import { validateTranscript } from "../src/validate/index.js";

const RULES = "examples/propositional/propositional.bm";

const randomScalar = () => BigInt(`0x${randomBytes(32).toString("hex")}`) % P;

function scalarBytes(values: readonly bigint[]): Uint8Array {
  const out = new Uint8Array(values.length * 32);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => {
    for (let k = 0; k < 4; k++)
      view.setBigUint64(i * 32 + 8 * k, (v >> BigInt(64 * k)) & ((1n << 64n) - 1n), true);
  });
  return out;
}

/** CPU time of a bare ffjavascript MSM of n of the key's points, random scalars: least of 3. */
async function bareMsmCpu(curve: Bn128, powersG1: Uint8Array, n: number) {
  const bases = new Uint8Array(powersG1.subarray(0, n * 64));
  let least = Infinity;
  for (let round = 0; round < 3; round++) {
    const scalars = scalarBytes(Array.from({ length: n }, randomScalar));
    const cpu = process.cpuUsage();
    await curve.G1.multiExpAffine(bases, scalars);
    const used = process.cpuUsage(cpu);
    least = Math.min(least, (used.user + used.system) / 1000);
  }
  return { n, cpuMs: least };
}
const [phase, ...args] = process.argv.slice(2);
const started = performance.now();
let result: Record<string, unknown> = {};
const since = (t: number) => performance.now() - t;

switch (phase) {
  case "compile": {
    const [out, perSegment] = [args[0], Number(args[1])];
    const program = lowerRuleSet(checkRuleFile(RULES).ruleSet!).program!;
    const slots: Record<string, number> = {};
    const publicSlots: Record<string, number> = {};
    for (const r of program.rules) {
      slots[r.name] = 0;
      publicSlots[r.name] = 0;
    }
    // A segment holds whole proofs of X -> X: per proof 1 + 6 definitions, 2 + 1 axioms,
    // 2 modus ponens; the statement is one proof's goal.
    Object.assign(slots, {
      def_term_mvar: perSegment,
      def_term_impl: 6 * perSegment,
      axiom1: 2 * perSegment,
      axiom2: perSegment,
      modus_ponens: 2 * perSegment,
    });
    Object.assign(publicSlots, { def_term_mvar: 1, def_term_impl: 1, demand: 1 });
    const compiled = await compileProgram(program, {
      rulesFile: RULES,
      outDir: out,
      shape: { slots, publicSlots },
      optimize: 1,
    });
    if (!compiled.ok) throw new Error(compiled.circom?.output ?? "compile failed");
    result = {
      constraints: compiled.manifest!.fold!.constraints,
      groth16Constraints: compiled.manifest!.constraints,
      slots: compiled.emitted.slots.length,
    };
    break;
  }
  case "prove": {
    const [out, proofs, workers] = [args[0], Number(args[1]), Number(args[2] ?? 1)];
    const manifest = loadManifest(out);
    const ruleSet = checkRuleFile(RULES).ruleSet!;
    let t = performance.now();
    const text = identityProofs(proofs);
    const transcript = parseTranscript(new SourceFile("bench.bmt", text), ruleSet).transcript!;
    const validation = validateTranscript(transcript);
    if (!validation.valid) throw new Error("the generated transcript is invalid");
    const validateMs = since(t);
    t = performance.now();
    const circuit = loadFoldCircuit(out, manifest);
    const loadR1csMs = since(t);
    t = performance.now();
    const segments = layoutSegments(circuit, transcript, validation);
    const layoutMs = since(t);
    const stats = emptyFoldStats();
    t = performance.now();
    let cpu = process.cpuUsage();
    const proof = await foldSegments(circuit, statementOf(transcript), segments, {
      stats,
      workers,
    });
    const proveMs = since(t);
    const cpuMs = (since: NodeJS.CpuUsage) => {
      const d = process.cpuUsage(since);
      return (d.user + d.system) / 1000;
    };
    const proveCpuMs = cpuMs(cpu);
    const proofPath = join(out, `proof-${proofs}.json`);
    const proofText = JSON.stringify(proof);
    writeFileSync(proofPath, proofText);
    // Verification as `bmc verify` runs it (manifest, R1CS, SRS loaded and checked), then again
    // on the SRS already loaded: the verifier's own work.
    t = performance.now();
    const verdict = await verifyFoldProof(out, JSON.parse(proofText));
    const verifyColdMs = since(t);
    if (!verdict.valid) throw new Error(`the proof does not verify: ${verdict.reason}`);
    const curve = await buildBn128(true);
    t = performance.now();
    const srs = await devSrs(curve, circuit.logSize);
    const srsMs = since(t);
    const signals = (st: readonly StatementBlock[], n: number) =>
      segmentPublicSignals(manifest, st, n);
    await verifyFold(circuit, JSON.parse(proofText), signals, { srs }); // warm
    t = performance.now();
    cpu = process.cpuUsage();
    const again = await verifyFold(circuit, JSON.parse(proofText), signals, { srs });
    const verifyMs = since(t);
    const verifyCpuMs = cpuMs(cpu);
    if (!again.valid) throw new Error(`the proof does not verify: ${again.reason}`);
    // The bare MSM of the prover's non-zero points, in this process: ffjavascript's
    // multiExpAffine over a segment's worth of the key's points with random full-size
    // scalars (CPU time, the least of three), times the number of segments.
    const nonZero =
      stats.commitWitnessPoints -
      stats.commitWitnessZeros +
      stats.commitCrossTermPoints -
      stats.crossTermZeros;
    const bareMsm = await bareMsmCpu(curve, srs.powersG1, Math.round(nonZero / segments.length));
    await curve.terminate();
    result = {
      blocks: proofs * BLOCKS_PER_PROOF + 1,
      workers,
      segments: segments.length,
      constraintsPerSegment: circuit.r1cs.nConstraints,
      wiresPerSegment: circuit.r1cs.nWires,
      validateMs,
      loadR1csMs,
      layoutMs,
      proveMs,
      verifyMs,
      verifyColdMs,
      proveCpuMs,
      verifyCpuMs,
      srsMs,
      srsLogSize: circuit.logSize,
      proofBytes: proofText.length,
      segmentBytes: proof.segments.reduce((n, seg) => n + seg.length + 3, 0),
      stats,
      nonZeroPoints: nonZero,
      bareMsmPoints: bareMsm.n,
      bareMsmCpuMs: bareMsm.cpuMs,
      bareMsmTotalCpuMs: bareMsm.cpuMs * segments.length,
    };
    break;
  }
  case "msm": {
    const n = Number(args[0]);
    const curve = await buildBn128(true);
    try {
      const full = Array.from(
        { length: n },
        () => BigInt(`0x${randomBytes(32).toString("hex")}`) % P,
      );
      // The bare MSM: the same points (generators) and random scalars, straight to ffjavascript.
      const bases = new Uint8Array(n * 64);
      const scalars = new Uint8Array(n * 32);
      const view = new DataView(scalars.buffer);
      const keyBases = deriveGenerators(curve, "bmc bench", 0, n);
      for (let i = 0; i < n; i++) bases.set(curve.G1.fromRprUncompressed(keyBases, i * 64), i * 64);
      full.forEach((v, i) => {
        for (let k = 0; k < 4; k++)
          view.setBigUint64(i * 32 + 8 * k, (v >> BigInt(64 * k)) & ((1n << 64n) - 1n), true);
      });
      let t = performance.now();
      await curve.G1.multiExpAffine(bases, scalars);
      const bareMs = since(t);
      t = performance.now();
      await msm(curve, bases, full, { groupEqual: false });
      const oursFullMs = since(t);
      // Small scalars, as in a block-model witness: below 2^16 (names, depths, bits).
      const small = Array.from({ length: n }, (_, i) => BigInt((i * 7919) % 65536));
      t = performance.now();
      await msm(curve, bases, small, { splitSmall: false, groupEqual: false });
      const smallAs32Ms = since(t);
      t = performance.now();
      await msm(curve, bases, small, { splitSmall: true, groupEqual: false });
      const smallSplitMs = since(t);
      // Repeated full-size scalars, as in a fold segment's internal wires (4,989 of them take
      // 877 distinct values): with and without adding up the points of equal scalars first.
      const pool = full.slice(0, Math.max(1, Math.round(n / 5.7)));
      const repeated = full.map((_, i) => pool[(i * 7919) % pool.length]);
      t = performance.now();
      await msm(curve, bases, repeated, { groupEqual: false });
      const repeatedPlainMs = since(t);
      t = performance.now();
      await msm(curve, bases, repeated);
      const repeatedGroupedMs = since(t);
      result = {
        n,
        bareMs,
        oursFullMs,
        smallAs32Ms,
        smallSplitMs,
        distinct: pool.length,
        repeatedPlainMs,
        repeatedGroupedMs,
      };
    } finally {
      await curve.terminate();
    }
    break;
  }
  default:
    throw new Error(`unknown phase ${phase}`);
}

process.stdout.write(
  JSON.stringify({
    ...result,
    ms: since(started),
    maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  }) + "\n",
);
