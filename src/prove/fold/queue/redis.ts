/** Where the queue is (a redis:// URL) and how long to wait for it. */
import { FoldError } from "../protocol.js";

/** The queue cannot be used: Redis unreachable, a job failing, a bad URL. */
export class QueueError extends FoldError {}

export interface RedisConnection {
  readonly host: string;
  readonly port: number;
  readonly username?: string;
  readonly password?: string;
  readonly db?: number;
  /** BullMQ's workers need commands to wait through a reconnection, not to give up. */
  readonly maxRetriesPerRequest: null;
}

/** redis://[[USER]:PASSWORD@]HOST[:PORT][/DB] as ioredis's options. */
export function connectionOf(url: string): RedisConnection {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new QueueError(`\`${url}\` is not a URL: the queue is redis://HOST:PORT`);
  }
  if (parsed.protocol !== "redis:" || !parsed.hostname)
    throw new QueueError(`\`${url}\` is not a redis://HOST:PORT URL`);
  const db = parsed.pathname.replace(/^\//, "");
  if (db !== "" && !/^\d{1,2}$/.test(db))
    throw new QueueError(`\`${url}\`: the database after the host is a number from 0 to 99`);
  return {
    host: parsed.hostname.replace(/^\[(.*)\]$/, "$1"),
    port: parsed.port ? Number(parsed.port) : 6379,
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(db ? { db: Number(db) } : {}),
    maxRetriesPerRequest: null,
  };
}

/**
 * A client of ioredis (loaded here, when a queue is asked for) for BullMQ, which takes a client
 * rather than options in an ES module. Its error events (every failed reconnection) are not
 * the run's concern: commands wait through a reconnection, and withDeadline decides.
 */
export async function redisClient(connection: RedisConnection) {
  const { Redis } = await optionalPackage("ioredis", () => import("ioredis"));
  const client = new Redis(connection);
  client.on("error", () => {});
  return client;
}

/**
 * A package only distributed proving needs (bullmq, ioredis): optional peers of bmc, so that
 * nobody who proves locally installs them. Missing, it is a QueueError that says what to install.
 */
export async function optionalPackage<T>(name: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if ((error as { code?: string }).code !== "ERR_MODULE_NOT_FOUND") throw error;
    throw new QueueError(
      `distributed proving needs the package \`${name}\`, which is not installed: ` +
        "run `npm install bullmq ioredis` in the project that has bmc",
    );
  }
}

/** `work`, or a QueueError when it has not settled within `ms`. */
export async function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new QueueError(`${what} for ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
