/**
 * The WebAssembly tier-up window of one-segment proofs (src/prove/fold/prover/tier-up.ts): the
 * budget is raised for the work and put back to the process's own, once, even when the work
 * fails or calls overlap.
 */
import { describe, expect, it } from "vitest";
import { startingBudget, withoutWasmTierUp } from "../src/prove/fold/prover/tier-up.js";

describe("the WebAssembly tier-up window", () => {
  it("finds the process's budget in its options, NODE_OPTIONS, or V8's default", () => {
    expect(startingBudget([], "")).toBe(1_800_000);
    expect(startingBudget(["--wasm-tiering-budget=500"], "")).toBe(500);
    expect(startingBudget([], "--max-old-space-size=4096 --wasm-tiering-budget=700")).toBe(700);
    expect(startingBudget(["--wasm-tiering-budget=9"], "--wasm-tiering-budget=700")).toBe(9);
    expect(startingBudget(["--wasm-tiering-budget=x"], "")).toBe(1_800_000);
  });

  it("raises the budget for the work and puts it back once, after overlapping calls and failures", async () => {
    const set: string[] = [];
    const record = (flags: string) => void set.push(flags);
    let release!: () => void;
    const outer = withoutWasmTierUp(() => new Promise<void>((r) => (release = r)), record);
    await expect(
      withoutWasmTierUp(() => Promise.reject(new Error("inner failed")), record),
    ).rejects.toThrow("inner failed");
    expect(set).toEqual(["--wasm-tiering-budget=2000000000"]);
    release();
    await outer;
    expect(set).toEqual([
      "--wasm-tiering-budget=2000000000",
      `--wasm-tiering-budget=${startingBudget()}`,
    ]);
    expect(await withoutWasmTierUp(async () => 42, record)).toBe(42);
    expect(set).toHaveLength(4);
  });
});
