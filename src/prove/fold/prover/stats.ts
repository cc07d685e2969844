/** Where the folding prover's time goes, for benchmarks. */
import { readFileSync } from "node:fs";

/**
 * Milliseconds per stage and counts of committed values. With worker threads, the per-segment
 * figures (witness, witness commitments, products) are summed over the workers, so they can
 * exceed the wall-clock time.
 */
export interface FoldStats {
  generatorsMs: number;
  witnessMs: number;
  /** Commitments to the private inputs (pre-challenge) and to the internal wires. */
  commitWitnessMs: number;
  commitWitnessPoints: number;
  /** Witness entries that are zero (the MSM skips them). */
  commitWitnessZeros: number;
  /** A z, B z, C z of each segment and the cross terms. */
  crossTermMs: number;
  /** Commitments to the cross terms (full-size scalars: the main cost). */
  commitCrossTermMs: number;
  commitCrossTermPoints: number;
  /** Cross-term entries that are zero, and that are below 2^64 (cheaper in the MSM). */
  crossTermZeros: number;
  crossTermSmall: number;
  /** Folding instances, witnesses and products. */
  foldMs: number;
  /** The zero-knowledge layer: the random instance, its commitments and its fold. */
  zkMs: number;
  /** The final step (compression of the folded instance). */
  finalMs: number;
  /**
   * CPU time of the thread that ran each per-segment stage, summed (Linux only, else 0): on a
   * loaded machine the wall-clock figures above count the time other processes took too.
   */
  witnessCpuMs: number;
  commitWitnessCpuMs: number;
  crossTermCpuMs: number;
  commitCrossTermCpuMs: number;
  foldCpuMs: number;
}

export function emptyFoldStats(): FoldStats {
  return {
    generatorsMs: 0,
    witnessMs: 0,
    commitWitnessMs: 0,
    commitWitnessPoints: 0,
    commitWitnessZeros: 0,
    crossTermMs: 0,
    commitCrossTermMs: 0,
    commitCrossTermPoints: 0,
    crossTermZeros: 0,
    crossTermSmall: 0,
    foldMs: 0,
    zkMs: 0,
    finalMs: 0,
    witnessCpuMs: 0,
    commitWitnessCpuMs: 0,
    crossTermCpuMs: 0,
    commitCrossTermCpuMs: 0,
    foldCpuMs: 0,
  };
}

let schedstat = process.platform === "linux";

/** This thread's CPU time in milliseconds (the kernel's schedstat), or 0 where unknown. */
export function threadCpuMs(): number {
  if (!schedstat) return 0;
  try {
    return Number(readFileSync("/proc/thread-self/schedstat", "utf8").split(" ")[0]) / 1e6;
  } catch {
    schedstat = false;
    return 0;
  }
}

/**
 * A stopwatch of wall-clock and thread CPU time: lap(stats, "xMs") adds the time since the
 * last lap (or start) to stats.xMs, and the CPU time to stats.xCpuMs where there is one.
 */
export function stageClock() {
  let wall = performance.now();
  let cpu = threadCpuMs();
  return {
    lap<S extends object>(stats: S, field: keyof S & `${string}Ms`): void {
      const [now, cpuNow] = [performance.now(), threadCpuMs()];
      const record = stats as Record<string, number>;
      record[field] += now - wall;
      const cpuField = field.replace(/Ms$/, "CpuMs");
      if (cpuField in record) record[cpuField] += cpuNow - cpu;
      [wall, cpu] = [now, cpuNow];
    },
    restart(): void {
      [wall, cpu] = [performance.now(), threadCpuMs()];
    },
  };
}
