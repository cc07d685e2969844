/** `bmc worker redis://HOST:PORT --build DIR`: a worker of `bmc prove --queue` (docs/distributed.md). */
import { FoldError } from "../prove/fold/index.js";
import { QueueError } from "../prove/fold/queue/redis.js";
import { openWorkerEnv, serveQueue } from "../prove/fold/queue/worker.js";
import { workersOf } from "./prove.js";
import { CommandError, EXIT, UsageError, type CommandContext } from "./types.js";

function lockOf(c: CommandContext): number {
  const text = c.str("lock");
  if (text === undefined) return 30_000;
  if (!/^[1-9]\d{0,4}$/.test(text))
    throw new UsageError("BM0922", `--lock takes whole seconds from 1 to 99999, not \`${text}\``);
  return Number(text) * 1000;
}

/** Resolves on the first SIGINT or SIGTERM; a second SIGINT exits at once. */
function stopSignal(): { stopped: Promise<void>; dispose(): void } {
  let resolve!: () => void;
  const stopped = new Promise<void>((r) => (resolve = r));
  let asked = false;
  const stop = () => {
    if (asked) process.exit(130);
    asked = true;
    resolve();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  return {
    stopped,
    dispose: () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
    },
  };
}

export async function runWorker(c: CommandContext): Promise<number> {
  const url = c.args[0];
  const buildDir = c.str("build") ?? c.project()?.build;
  if (!buildDir)
    throw new UsageError("BM0922", "bmc worker needs --build DIR: the build folder it proves for");
  const lockMs = lockOf(c);
  const threads = workersOf(c, 1);
  const signal = stopSignal();
  try {
    let env;
    try {
      env = await openWorkerEnv(buildDir, { ptau: c.str("ptau"), threads, onProgress: c.progress });
    } catch (error) {
      if (error instanceof FoldError) throw new CommandError(error.message, "BM0602");
      throw error;
    }
    try {
      const serving = await serveQueue(url, env, {
        lockMs,
        onJob: (e) => c.progress?.(`worker: segment ${e.segment + 1} (${e.kind}) ${e.outcome}`),
      }).catch((error: unknown) => {
        if (error instanceof QueueError) throw new CommandError(error.message, "BM0630");
        throw error;
      });
      c.progress?.(
        `worker ${env.name}: build ${env.build.slice(0, 12)}, ${threads} at a time; waiting for jobs (Ctrl-C stops)`,
      );
      await signal.stopped;
      c.progress?.("worker: stopping after the jobs under way");
      await serving.stop();
      const { done, failed } = serving.counts;
      if (c.json) c.printJson({ ok: true, worker: env.name, build: env.build, done, failed });
      else if (!c.quiet)
        c.io.out(`worker ${env.name} stopped: ${done} jobs done, ${failed} failed\n`);
      return EXIT.ok;
    } finally {
      await env.close();
    }
  } finally {
    signal.dispose();
  }
}
