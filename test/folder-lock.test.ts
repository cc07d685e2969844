/**
 * The lock folder the caches share between processes (src/folder-lock.ts): one holder at a
 * time, and a lock whose holder is gone is taken over.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, describe, expect, it } from "vitest";
import { withFolderLock } from "../src/folder-lock.js";

const dir = mkdtempSync(join(tmpdir(), "bmc-folder-lock-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("a lock folder", () => {
  it("lets one holder in at a time, and is gone after", async () => {
    const lock = join(dir, "one", "a.lock");
    let inside = 0;
    let most = 0;
    const work = async () => {
      most = Math.max(most, ++inside);
      await sleep(30);
      inside--;
    };
    await Promise.all([1, 2, 3].map(() => withFolderLock(lock, work, 10)));
    expect(most).toBe(1);
    expect(existsSync(lock)).toBe(false);
  });

  it("is taken over from a holder that is gone, not from a live one", async () => {
    const lock = join(dir, "b.lock");
    mkdirSync(lock);
    // A pid no process has: the largest Linux allows is below 2^22.
    writeFileSync(join(lock, "pid"), String(2 ** 22 + 1));
    await expect(withFolderLock(lock, async () => "taken", 10)).resolves.toBe("taken");
    mkdirSync(lock);
    writeFileSync(join(lock, "pid"), String(process.pid));
    const waiting = withFolderLock(lock, async () => "after", 10);
    await sleep(60);
    expect(existsSync(join(lock, "pid"))).toBe(true);
    rmSync(lock, { recursive: true, force: true });
    await expect(waiting).resolves.toBe("after");
  });
});
