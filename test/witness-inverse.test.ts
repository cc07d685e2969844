/**
 * The witness generator's own driver of circom's module, with the module's modular inverse
 * handed to a cached host inverse (src/witness/calculator.ts, inverse-hook.ts): on a small
 * circuit that divides, it finds and patches the inverse, and its witnesses and errors equal
 * those of circom's own script on the unpatched module, with denominators that repeat, that
 * share the low bits the cache is keyed by, and with circom's log() (which calls the import
 * the patch borrows) before any inverse. The host's inverse (Lehmer's steps) equals the plain
 * extended Euclidean algorithm's, and the cache tells apart equal x under other moduli.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { compileCircom } from "../src/circuits/circom.js";
import { P } from "../src/field/index.js";
import { loadWitnessGenerator, WitnessError } from "../src/witness/calculator.js";
import { INVERSE_TAG, inverseHook, invert, patchInverse } from "../src/witness/inverse-hook.js";
import { freshWitness } from "./support/fresh-witness.js";

let dir: string;
const fermatInverse = (x: bigint) => {
  let [r, e, b] = [1n, P - 2n, x % P];
  for (; e > 0n; e >>= 1n, b = (b * b) % P) if (e & 1n) r = (r * b) % P;
  return r;
};
const jsDir = () => join(dir, "quotients_js");

/**
 * The inverse hook over a page of memory, with the 256-bit values at `put`/`get` addresses and
 * the call's pointers at 64 (x, modulus, result, then the tag at 64 + 12).
 */
function hookMemory() {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const view = new DataView(memory.buffer);
  const hook = inverseHook(() => memory, 64);
  const put = (at: number, v: bigint) => {
    for (let k = 0; k < 4; k++)
      view.setBigUint64(at + 8 * k, (v >> BigInt(64 * k)) & ((1n << 64n) - 1n), true);
  };
  const get = (at: number) =>
    [0, 1, 2, 3].reduce((v, k) => v | (view.getBigUint64(at + 8 * k, true) << BigInt(64 * k)), 0n);
  return { view, hook, put, get };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "bmc-inverse-"));
  // q[i] = a[i] / b[i]; log(a[0]) runs before the first division.
  writeFileSync(
    join(dir, "quotients.circom"),
    `pragma circom 2.1.0;
template Quotients(n) {
  signal input a[n];
  signal input b[n];
  signal output q[n];
  log(a[0]);
  for (var i = 0; i < n; i++) {
    q[i] <-- a[i] / b[i];
    q[i] * b[i] === a[i];
  }
  log("quotients", q[0], "and", q[n - 1]);
  log();
}
component main = Quotients(6);
`,
  );
  const result = await compileCircom({ mainFile: join(dir, "quotients.circom"), outDir: dir });
  expect(result.errors).toEqual([]);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("circom's witness module with a cached inverse", () => {
  it("finds and patches the module's inverse", () => {
    const bytes = readFileSync(join(jsDir(), "quotients.wasm"));
    const patched = patchInverse(bytes);
    expect(patched).toBeDefined();
    expect(patched!.bytes).not.toEqual(new Uint8Array(bytes));
    expect(WebAssembly.validate(patched!.bytes)).toBe(true);
    expect(patchInverse(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]))).toBeUndefined();
  });

  it("answers only calls that carry the patched function's tag", () => {
    const { view, hook, put, get } = hookMemory();
    put(128, 3n);
    put(160, P);
    [128, 160, 192].forEach((p, k) => view.setUint32(64 + 4 * k, p, true));
    // circom's own call (log): no tag, nothing written.
    expect(hook()).toBe(false);
    expect(get(192)).toBe(0n);
    view.setUint32(64 + 12, INVERSE_TAG, true);
    expect(hook()).toBe(true);
    expect((get(192) * 3n) % P).toBe(1n);
    expect(view.getUint32(64 + 12, true)).toBe(0);
  });

  it("inverts as the plain extended Euclidean algorithm does", () => {
    const plain = (a: bigint, m: bigint) => {
      let [r0, r1, t0, t1] = [m, a % m, 0n, 1n];
      while (r1 !== 0n) {
        const q = r0 / r1;
        [r0, r1] = [r1, r0 - q * r1];
        [t0, t1] = [t1, t0 - q * t1];
      }
      if (r0 !== 1n) return 0n;
      return t0 < 0n ? t0 + m : t0;
    };
    const random = (bytes: number) => BigInt(`0x${randomBytes(bytes).toString("hex")}`);
    // The scalar field, the base field, a 255-bit prime, small and composite moduli.
    const Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
    const moduli = [P, Q, 2n ** 255n - 19n, 1_000_000_007n, 12n, 2n ** 64n, random(40) | 1n];
    for (const m of moduli) {
      const edges = [0n, 1n, 2n, 3n, m - 1n, m - 2n, m, m + 1n, m / 2n, 2n * m + 3n];
      // Values of every size: Lehmer's steps start from leading digits far apart or equal.
      const values = [...edges, ...Array.from({ length: 300 }, (_, i) => random(1 + (i % 40)))];
      for (const a of values) expect(invert(a, m)).toBe(plain(a, m));
    }
    // Consecutive Fibonacci numbers: every quotient is 1, the most steps per bit.
    let [f0, f1] = [1n, 1n];
    while (f1 < P) [f0, f1] = [f1, f0 + f1];
    expect(invert(f0, f1)).toBe(plain(f0, f1));
  });

  it("caches by x and modulus", () => {
    const { view, hook, put, get } = hookMemory();
    [128, 160, 192].forEach((p, k) => view.setUint32(64 + 4 * k, p, true));
    // The same x under two moduli, then x and x + 2^200 (equal low bits) under one.
    for (const [x, m] of [
      [3n, P],
      [3n, 7n],
      [3n, P],
      [3n + (1n << 200n), P],
      [3n, P],
    ]) {
      put(128, x);
      put(160, m);
      view.setUint32(64 + 12, INVERSE_TAG, true);
      expect(hook()).toBe(true);
      expect((get(192) * x) % m).toBe(1n);
    }
  });

  it("gives circom's witnesses, errors and log() lines, witness after witness", async () => {
    const ourLog: string[] = [];
    const generator = await loadWitnessGenerator(jsDir(), "quotients.wasm", {
      onLog: (line) => ourLog.push(line),
    });
    const circomLog: string[] = [];
    const print = vi.spyOn(console, "log").mockImplementation((line) => circomLog.push(line));
    const d = 123456789n;
    const cases = [
      // Repeated denominators, and denominators equal in their low 52 bits.
      { a: [1n, 2n, 3n, 4n, 5n, 6n], b: [d, d, d + (1n << 52n), d + (2n << 52n), 7n, P - 1n] },
      { a: [9n, 8n, 7n, 6n, 5n, 4n], b: [d + (1n << 52n), d, 7n, 7n, P - 1n, d + (2n << 52n)] },
      { a: [0n, 1n, 0n, 1n, 0n, 1n], b: [1n, 2n, 3n, 4n, 5n, 6n] },
      // b = 0 fails the constraint (a != 0): an error, then witnesses again.
      { a: [1n, 1n, 1n, 1n, 1n, 1n], b: [1n, 0n, 1n, 1n, 1n, 1n] },
      { a: [6n, 5n, 4n, 3n, 2n, 1n], b: [d, d, d, 2n, 3n, 4n] },
    ];
    for (const inputs of cases) {
      const ours = await generator.calculate(inputs).catch((e: unknown) => e);
      const reference = await freshWitness(jsDir(), "quotients.wasm", inputs);
      if (Array.isArray(reference)) {
        expect(ours).toEqual(reference);
        const q = (ours as bigint[]).slice(1, 7);
        q.forEach((v, i) => expect((v * inputs.b[i]) % P).toBe(inputs.a[i] % P));
      } else {
        expect(ours).toBeInstanceOf(WitnessError);
        expect(ours).toMatchObject(reference);
      }
    }
    print.mockRestore();
    // The values logged after the divisions went through the hook's import as well.
    expect(ourLog).toEqual(circomLog);
    expect(ourLog).toContain(
      `quotients ${(1n * fermatInverse(d)) % P} and ${(6n * fermatInverse(P - 1n)) % P}`,
    );
  });
});
