/**
 * Preloaded into a measured `bmc` process (`node --import startup-probe.js bin/bmc.js ...`) by
 * bench/startup.ts: when the process exits, writes its peak RSS and CPU time to file
 * descriptor 3, which the benchmark reads. Wall time is measured without it (the benchmark's
 * wall-time runs do not preload anything).
 */
import { writeSync } from "node:fs";

export interface ProbeResult {
  /** process.resourceUsage().maxRSS, in KiB. */
  readonly maxRssKiB: number;
  /** User + system CPU time of every thread of the process, in ms. */
  readonly cpuMs: number;
}

process.on("exit", () => {
  const usage = process.resourceUsage();
  const result: ProbeResult = {
    maxRssKiB: usage.maxRSS,
    cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
  };
  writeSync(3, JSON.stringify(result) + "\n");
});
