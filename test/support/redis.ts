/**
 * A real redis-server for the queue's tests, on 127.0.0.1 and a free port, without persistence
 * (a restart loses every key, as a crashed server without a disk would). Missing redis-server
 * skips the tests on a developer's machine and fails them in CI (CI=true), where .ci/run
 * installs it.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";

export const HAS_REDIS = spawnSync("redis-server", ["--version"]).status === 0;

export function requireRedisInCi(): void {
  if (!HAS_REDIS && process.env.CI === "true")
    throw new Error(
      "redis-server is not installed: the queue's tests need it (apt-get install redis-server; .ci/run does it as root)",
    );
}

/** A port nobody listens on now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface RedisServer {
  readonly url: string;
  readonly port: number;
  /** Stops it (its data is lost) and starts it again on the same port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

function started(port: number): Promise<ChildProcess> {
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      if (/Ready to accept connections/.test(out)) resolve(child);
    });
    child.once("exit", (code) => reject(new Error(`redis-server exited (${code}): ${out}`)));
  });
}

function stopped(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  let child = await started(port);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async restart() {
      await stopped(child);
      child = await started(port);
    },
    stop: () => stopped(child),
  };
}
