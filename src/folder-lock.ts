/**
 * A lock between processes that share a cache folder: a folder made with mkdir (which only one
 * process can make) holding its holder's pid. Test files run in parallel and often need the
 * same slow thing (a circom2 run, a ceremony, a setup): one makes it, the others wait. A lock
 * whose holder is gone (a killed test run) is taken over.
 */
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/** Whether the process named in a lock folder is gone (or never wrote its pid). */
function abandoned(lock: string): boolean {
  try {
    process.kill(Number(readFileSync(join(lock, "pid"), "utf8")), 0);
    return false;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EPERM") return false;
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") return true;
    // Taken a moment ago, its pid not yet written; or taken by a process that died then.
    try {
      return Date.now() - statSync(lock).mtimeMs > 10_000;
    } catch {
      return false;
    }
  }
}

/** Takes the lock folder, or says it is held (and removes it if its holder is gone). */
function tryLock(lock: string): boolean {
  try {
    mkdirSync(lock);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    if (abandoned(lock)) rmSync(lock, { recursive: true, force: true });
    return false;
  }
  writeFileSync(join(lock, "pid"), String(process.pid));
  return true;
}

/** Runs `work` while holding the lock folder `lock`, trying again every `pollMs` meanwhile. */
export async function withFolderLock<T>(
  lock: string,
  work: () => Promise<T>,
  pollMs = 250,
): Promise<T> {
  mkdirSync(dirname(lock), { recursive: true });
  while (!tryLock(lock)) await sleep(pollMs);
  try {
    return await work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
