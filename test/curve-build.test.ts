/**
 * The BN254 instance built from a cached WebAssembly module (src/prove/fold/curve-build.ts):
 * the pinned digest is what wasmcurves generates, a cache with other bytes is never run, and
 * the cached instance computes what buildBn128 does.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildBn128 } from "ffjavascript";
import { afterAll, describe, expect, it } from "vitest";
import {
  buildCurve,
  curveCachePath,
  generatedDigest,
  PINNED,
} from "../src/prove/fold/curve-build.js";

const dir = mkdtempSync(join(tmpdir(), "bmc-curve-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the cached curve module", () => {
  it("is pinned to what this wasmcurves generates (re-pin after an upgrade)", async () => {
    expect(await generatedDigest()).toBe(PINNED);
  });

  it("computes what buildBn128 does; other bytes in the cache are replaced, never run", async () => {
    const reference = await buildBn128(true);
    const file = curveCachePath(dir);
    const first = await buildCurve(dir);
    const pinned = readFileSync(file);
    // Planted bytes: a valid module of another layout would run if only its presence counted.
    const planted = Buffer.from(pinned);
    planted[planted.length - 1] ^= 1;
    writeFileSync(file, planted);
    const second = await buildCurve(dir);
    expect(readFileSync(file).equals(pinned)).toBe(true);
    for (const curve of [first, second]) {
      const G = curve.G1;
      const R = reference.G1;
      const k = 0x1234567890abcdef1234567890abcdefn;
      expect(G.toObject(G.toAffine(G.timesScalar(G.g, k)))).toEqual(
        R.toObject(R.toAffine(R.timesScalar(R.g, k))),
      );
      const bases = new Uint8Array(3 * 64);
      [1n, 2n, 3n].forEach((s, i) => bases.set(G.toAffine(G.timesScalar(G.g, s)), i * 64));
      const scalars = new Uint8Array(3 * 32);
      [5, 7, 11].forEach((s, i) => (scalars[i * 32] = s));
      // 5 + 14 + 33 = 52 times the generator.
      expect(G.eq(await G.multiExpAffine(bases, scalars), G.timesScalar(G.g, 52n))).toBe(true);
      await curve.terminate();
    }
    await reference.terminate();
  });
});
