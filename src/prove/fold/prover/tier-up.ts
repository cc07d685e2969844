/**
 * V8 compiles a WebAssembly instance's hot functions again with its optimizing compiler, on a
 * background thread, once the instance has run a budget of code. A proof of one segment runs
 * its witness generator once: for the erc20 Metamath segment (a 1.7 MB generator) that
 * compilation took about 0.9 s of CPU after a witness of 0.3 s, a core taken from the two
 * the prover uses, for code never run again. So such a proof creates its instances with a
 * budget they never spend (V8 reads the budget when it creates an instance): the witness
 * generator and the MSM engines then stay in V8's baseline code, whose MSMs measured 5-10%
 * slower, far less than the compilation saved (2026-12-02: 4.5 s of CPU for the erc20 proof
 * before, 3.7 s after).
 */
import { setFlagsFromString } from "node:v8";

const FLAG = "--wasm-tiering-budget";
/** More code than a proof runs in one instance (the flag is a 32-bit integer). */
const NEVER = 2_000_000_000;
/** V8's default in Node 20 (`node --v8-options`), when neither Node's options nor NODE_OPTIONS set it. */
const V8_DEFAULT = 1_800_000;

/** The budget this process started with. */
export function startingBudget(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions = process.env.NODE_OPTIONS ?? "",
): number {
  const given = [...nodeOptions.split(/\s+/), ...execArgv]
    .filter((a) => a.startsWith(`${FLAG}=`))
    .map((a) => Number(a.slice(FLAG.length + 1)));
  const last = given.at(-1);
  return last !== undefined && Number.isInteger(last) && last > 0 ? last : V8_DEFAULT;
}

let open = 0;

/**
 * Runs `work` with WebAssembly instances created meanwhile never tiered up; the budget is put
 * back when the last of overlapping calls ends. `setFlags` is for tests.
 */
export async function withoutWasmTierUp<T>(
  work: () => Promise<T>,
  setFlags: (flags: string) => void = setFlagsFromString,
): Promise<T> {
  if (open++ === 0) setFlags(`${FLAG}=${NEVER}`);
  try {
    return await work();
  } finally {
    if (--open === 0) setFlags(`${FLAG}=${startingBudget()}`);
  }
}
