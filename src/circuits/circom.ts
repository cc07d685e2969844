/**
 * Runs circom2 (circom compiled to WebAssembly, from npm) on a main file, in this process but
 * off the main thread, and reports its errors (code, file, line, column) and counts.
 */
import { createRequire } from "node:module";
import { parse, relative, resolve } from "node:path";
import { Worker } from "node:worker_threads";
import { cachedCircomRun } from "./circom-cache.js";

export interface CircomError {
  readonly code?: string;
  readonly message: string;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
}

export interface CircomCompileResult {
  readonly ok: boolean;
  readonly errors: CircomError[];
  readonly output: string;
  readonly constraints?: { readonly nonLinear?: number; readonly linear?: number };
  readonly wires?: number;
}

export interface CircomCompileOptions {
  /** The main .circom file; its folder must hold every file it includes. */
  readonly mainFile: string;
  /** Where the .r1cs, .sym and <name>_js/ go; it must exist. */
  readonly outDir: string;
  readonly prime?: "bn128" | "grumpkin";
  readonly optimize?: 0 | 1 | 2;
}

const ANSI = /\x1b\[[0-9;]*m/g;

/** circom prints `error[P1012]: message` and then `┌─ "file":line:column`. */
export function parseCircomErrors(output: string): CircomError[] {
  const lines = output.replace(ANSI, "").split("\n");
  const errors: CircomError[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^(?:error|Error)(?:\[(\w+)\])?:\s*(.*)$/.exec(lines[i].trim());
    if (!m) continue;
    const error: { -readonly [K in keyof CircomError]: CircomError[K] } = {
      code: m[1],
      message: m[2].trim(),
    };
    for (let j = i + 1; j < Math.min(lines.length, i + 4); j++) {
      const at = /"([^"]+)":(\d+):(\d+)/.exec(lines[j]);
      if (at) {
        error.file = at[1];
        error.line = Number(at[2]);
        error.column = Number(at[3]);
        break;
      }
    }
    errors.push(error);
  }
  return errors;
}

function count(output: string, label: string): number | undefined {
  // Anchored at the line start: "linear constraints" also ends "non-linear constraints".
  const m = new RegExp(`^${label}:\\s*(\\d+)`, "m").exec(output.replace(ANSI, ""));
  return m ? Number(m[1]) : undefined;
}

/**
 * The worker's code, a string so that it runs from the TypeScript sources and from dist/ alike;
 * it reaches modules through process.getBuiltinModule, which works whether Node evaluates it
 * as CommonJS or as an ES module (it does the latter under a "type": "module" package). circom writes its messages through WASI to file descriptors 1 and 2, which circom2's
 * WASI passes to `bindings.fs.writeSync`: an fs whose writeSync keeps those bytes collects
 * circom's output without touching the process's own streams.
 */
const WORKER = `
const { parentPort, workerData } = process.getBuiltinModule("node:worker_threads");
const fs = process.getBuiltinModule("node:fs");
const load = process.getBuiltinModule("node:module").createRequire(workerData.circom2);
const { CircomRunner, bindings } = load(workerData.circom2);
const chunks = [];
const capture = Object.create(fs);
capture.writeSync = (fd, buffer, offset, length, position) => {
  if ((fd === 1 || fd === 2) && buffer instanceof Uint8Array) {
    const start = typeof offset === "number" ? offset : 0;
    const end = typeof length === "number" ? start + length : buffer.byteLength;
    chunks.push(Buffer.from(buffer.subarray(start, end)));
    return end - start;
  }
  return fs.writeSync(fd, buffer, offset, length, position);
};
const runner = new CircomRunner({
  args: workerData.args,
  env: { NO_COLOR: "1" },
  preopens: workerData.preopens,
  bindings: { ...bindings, fs: capture, isTTY: () => false },
});
const output = () => Buffer.concat(chunks).toString("utf8");
runner.execute(fs.readFileSync(workerData.wasm)).then(
  () => parentPort.postMessage({ code: 0, output: output() }),
  (error) => {
    const exited = error && error.constructor && error.constructor.name === "WASIExitError";
    parentPort.postMessage({
      code: exited && typeof error.code === "number" ? error.code : 1,
      crash: exited ? undefined : String((error && error.message) || error),
      output: output(),
    });
  },
);
`;

/** What one run of circom2 gave: its exit status, its output, and why it crashed if it did. */
export interface CircomRun {
  readonly code: number;
  readonly output: string;
  readonly crash?: string;
}

/**
 * Runs circom2 on a main file in a worker thread: circom2's execute() is synchronous and
 * would hold the event loop for the whole compilation. Under WASI circom reaches only
 * preopened folders. With BMC_CIRCOM_CACHE set (the test suite sets it), the outputs of a
 * successful run are kept there and reused for the same inputs (./circom-cache.ts).
 */
export async function compileCircom(options: CircomCompileOptions): Promise<CircomCompileResult> {
  // circom resolves includes against the main file's folder and cannot climb out of the
  // folder it starts in ("../x.circom" is not found even when ".." is preopened), so it starts
  // at the filesystem root, preopened as ".", with every path relative to it.
  const root = parse(resolve(options.mainFile)).root;
  const flags = [`--O${options.optimize ?? 1}`, "--prime", options.prime ?? "bn128"];
  const args = [
    relative(root, resolve(options.mainFile)),
    "--r1cs",
    "--wasm",
    "--sym",
    ...flags,
    "-o",
    relative(root, resolve(options.outDir)) || ".",
  ];
  const run = () => runCircom(args, { ".": root });
  const cacheDir = process.env.BMC_CIRCOM_CACHE;
  const { code, output, crash } = cacheDir
    ? await cachedCircomRun(cacheDir, { ...options, root, flags }, run)
    : await run();
  const text = output.replace(ANSI, "");
  // circom names files relative to where it started: the root.
  const errors = parseCircomErrors(text).map((e) =>
    e.file === undefined ? e : { ...e, file: resolve(root, e.file) },
  );
  const ok = code === 0 && !crash && errors.length === 0 && /Everything went okay/.test(text);
  if (!ok && errors.length === 0) {
    errors.push({ message: crash ?? `circom2 exited with status ${code}` });
  }
  return {
    ok,
    errors,
    output: text,
    constraints: {
      nonLinear: count(text, "non-linear constraints"),
      linear: count(text, "linear constraints"),
    },
    wires: count(text, "wires"),
  };
}

function runCircom(args: string[], preopens: Record<string, string>): Promise<CircomRun> {
  const require = createRequire(import.meta.url);
  const workerData = {
    circom2: require.resolve("circom2"),
    wasm: require.resolve("circom2/circom.wasm"),
    args,
    preopens,
  };
  return new Promise((done) => {
    const worker = new Worker(WORKER, { eval: true, workerData });
    let settled = false;
    const finish = (code: number, output: string, crash?: string) => {
      if (settled) return;
      settled = true;
      done({ code, output, crash });
    };
    worker.once("message", (m: CircomRun) => finish(m.code, m.output, m.crash));
    worker.once("error", (error) => finish(1, "", error.message));
    worker.once("exit", (code) => finish(code || 1, "", "the circom2 worker stopped unexpectedly"));
  });
}
