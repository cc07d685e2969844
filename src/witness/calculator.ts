/**
 * Runs the witness generator circom wrote (<name>_js/<name>.wasm) through its WebAssembly
 * interface: init, the inputs by the FNV-1a hash of their names, getWitness wire by wire, with
 * field elements passed through the module's shared memory (little-endian 32-bit words).
 *
 * The module is compiled once per build (cached by the file's path, size and modification
 * time) and one instance serves every witness: init resets it, and the inputs' hashes and sizes
 * are looked up once. An instance that failed is dropped (a trap can leave it half-way), so
 * the next witness gets a fresh one. Values go in and out through the memory directly rather
 * than word by word through writeSharedRWMemory and readSharedRWMemory, which made circom's
 * own script (<name>_js/witness_calculator.js) spend a fifth of a fold segment's witness time
 * converting numbers. test/support/fresh-witness.ts runs that script as the reference.
 */
import { readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { inverseHook, patchInverse } from "./inverse-hook.js";

/** A failed `===` or assert in the circuit, where circom reports it. */
export class WitnessError extends Error {
  constructor(
    message: string,
    readonly template?: string,
    readonly line?: number,
  ) {
    super(message);
  }
}

type Inputs = Record<string, unknown>;

/** One build's witness generator: compiled once, one instance reused. */
export interface WitnessGenerator {
  calculate(inputs: Inputs): Promise<bigint[]>;
}

/** What circom's witness module exports (circom 2.1). */
interface CircomExports {
  readonly memory: WebAssembly.Memory;
  getFieldNumLen32(): number;
  getRawPrime(): void;
  getSharedRWMemoryStart(): number;
  getWitnessSize(): number;
  getInputSize(): number;
  getInputSignalSize(hashMsb: number, hashLsb: number): number;
  init(sanityCheck: number): void;
  setInputSignal(hashMsb: number, hashLsb: number, index: number): void;
  getWitness(index: number): void;
  getMessageChar(): number;
}

const MASK64 = (1n << 64n) - 1n;
/** Error texts of circom's exceptionHandler codes. */
const EXCEPTIONS: Record<number, string> = {
  1: "Signal not found.",
  2: "Too many signals set.",
  3: "Signal already set.",
  4: "Assert Failed.",
  5: "Not enough memory.",
  6: "Input signal array access exceeds the size.",
  7: "Out of bounds array access.",
};

/** The 64-bit FNV-1a hash of a signal name, as two 32-bit halves. */
function signalHash(name: string): [number, number] {
  let hash = 0xcbf29ce484222325n;
  for (let i = 0; i < name.length; i++) {
    hash = ((hash ^ BigInt(name.charCodeAt(i))) * 0x100000001b3n) & MASK64;
  }
  return [Number(hash >> 32n), Number(hash & 0xffffffffn)];
}

/** An input's values in order, nested arrays flattened. */
function flatten(value: unknown, out: unknown[] = []): unknown[] {
  if (Array.isArray(value)) for (const v of value) flatten(v, out);
  else out.push(value);
  return out;
}

function failure(error: unknown): WitnessError {
  const text = error instanceof Error ? error.message : String(error);
  const at = /Error in template (\w+?)(?:_\d+)? line: (\d+)/.exec(text);
  return new WitnessError(text.split("\n")[0], at?.[1], at ? Number(at[2]) : undefined);
}

/** One instance of a build's module, run a witness at a time. */
class CircomInstance {
  private readonly wasm: CircomExports;
  private readonly words: number;
  private readonly prime: bigint;
  private readonly shared: number;
  private readonly size: number;
  private readonly signals = new Map<string, { hash: [number, number]; size: number }>();
  private errors = "";
  /** The log() line being put together. */
  private logLine = "";

  get memory(): WebAssembly.Memory {
    return this.wasm.memory;
  }

  constructor(
    compiled: WebAssembly.Module,
    inverse: (() => boolean) | undefined,
    onLog: (line: string) => void,
  ) {
    const message = () => {
      let text = "";
      for (let c = this.wasm.getMessageChar(); c !== 0; c = this.wasm.getMessageChar()) {
        text += String.fromCharCode(c);
      }
      return text;
    };
    const runtime = {
      exceptionHandler: (code: number) => {
        throw new Error(`${EXCEPTIONS[code] ?? "Unknown error."}\n${this.errors}`);
      },
      printErrorMessage: () => {
        this.errors += `${message()}\n`;
      },
      // circom's log(): each item a call (text here, a value below), then a call with "\n";
      // items joined by spaces, as circom's own script prints them.
      writeBufferMessage: () => {
        const text = message();
        if (text === "\n") {
          onLog(this.logLine);
          this.logLine = "";
        } else this.logItem(text);
      },
      // A logged value in the shared memory, or the patched module's call for an inverse
      // (./inverse-hook.ts), which leaves its tag.
      showSharedRWMemory: () => {
        if (!inverse?.()) this.logItem(this.read(new DataView(this.wasm.memory.buffer)).toString());
      },
    };
    const instance = new WebAssembly.Instance(compiled, { runtime });
    this.wasm = instance.exports as unknown as CircomExports;
    this.words = this.wasm.getFieldNumLen32();
    if (this.words !== 8) {
      throw new Error(`bmc internal error: a ${32 * this.words}-bit field in the witness module`);
    }
    this.shared = this.wasm.getSharedRWMemoryStart();
    this.wasm.getRawPrime();
    this.prime = this.read(new DataView(this.wasm.memory.buffer));
    this.size = this.wasm.getWitnessSize();
  }

  private logItem(item: string): void {
    this.logLine += this.logLine === "" ? item : ` ${item}`;
  }

  /** The field element in the shared memory. */
  private read(view: DataView): bigint {
    const at = this.shared;
    const low = view.getBigUint64(at, true);
    const w1 = view.getBigUint64(at + 8, true);
    const w2 = view.getBigUint64(at + 16, true);
    const w3 = view.getBigUint64(at + 24, true);
    if ((w1 | w2 | w3) === 0n) return low;
    return low | (w1 << 64n) | (w2 << 128n) | (w3 << 192n);
  }

  private signal(name: string): { hash: [number, number]; size: number } {
    let known = this.signals.get(name);
    if (!known) {
      const hash = signalHash(name);
      known = { hash, size: this.wasm.getInputSignalSize(hash[0], hash[1]) };
      if (known.size < 0) throw new Error(`Signal ${name} not found`);
      this.signals.set(name, known);
    }
    return known;
  }

  calculate(inputs: Inputs): bigint[] {
    const wasm = this.wasm;
    this.errors = "";
    this.logLine = "";
    wasm.init(1);
    let set = 0;
    for (const [name, value] of Object.entries(inputs)) {
      const values = flatten(value);
      const { hash, size } = this.signal(name);
      if (values.length < size) throw new Error(`Not enough values for input signal ${name}`);
      if (values.length > size) throw new Error(`Too many values for input signal ${name}`);
      for (let i = 0; i < values.length; i++) {
        let v = BigInt(values[i] as bigint | number | string) % this.prime;
        if (v < 0n) v += this.prime;
        const view = new DataView(wasm.memory.buffer);
        for (let k = 0; k < 4; k++) {
          view.setBigUint64(this.shared + 8 * k, (v >> BigInt(64 * k)) & MASK64, true);
        }
        try {
          wasm.setInputSignal(hash[0], hash[1], i);
        } catch (error) {
          // As circom's script reports it (the last input runs the circuit: its failures too).
          throw new Error(String(error));
        }
        set++;
      }
    }
    if (set < wasm.getInputSize()) {
      throw new Error(`Not all inputs have been set. Only ${set} out of ${wasm.getInputSize()}`);
    }
    const witness = new Array<bigint>(this.size);
    const view = new DataView(wasm.memory.buffer);
    for (let i = 0; i < this.size; i++) {
      wasm.getWitness(i);
      witness[i] = this.read(view);
    }
    return witness;
  }
}

export interface WitnessGeneratorOptions {
  /**
   * Where the lines of the circuit's log() go: standard error unless given (circom's own script
   * prints them to standard output, where they would mix with a command's `--json` output;
   * bmc's generated circuits do not log).
   */
  readonly onLog?: (line: string) => void;
}

/** Loads (compiles) a build's witness generator. */
export async function loadWitnessGenerator(
  jsDir: string,
  wasmFile: string,
  options: WitnessGeneratorOptions = {},
): Promise<WitnessGenerator> {
  const onLog = options.onLog ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const bytes = readFileSync(resolve(jsDir, wasmFile));
  const patched = patchInverse(bytes);
  const compiled = await WebAssembly.compile(patched?.bytes ?? bytes);
  let instance: CircomInstance | undefined;
  const inverse = patched && inverseHook(() => instance!.memory, patched.slot);
  return {
    async calculate(inputs) {
      try {
        instance ??= new CircomInstance(compiled, inverse, onLog);
        return instance.calculate(inputs);
      } catch (error) {
        instance = undefined;
        throw failure(error);
      }
    },
  };
}

const generators = new Map<string, { stamp: string; generator: Promise<WitnessGenerator> }>();

/** The files' sizes and modification times: a build compiled again gets a new generator. */
function stampOf(paths: readonly string[]): string {
  return paths
    .map((p) => {
      const s = statSync(p);
      return `${s.size}:${s.mtimeMs}`;
    })
    .join();
}

/** The witness generator of a build, compiled on first use and cached while its files stay. */
export function witnessGenerator(jsDir: string, wasmFile: string): Promise<WitnessGenerator> {
  const wasmPath = resolve(jsDir, wasmFile);
  const stamp = stampOf([wasmPath]);
  const cached = generators.get(wasmPath);
  if (cached && cached.stamp === stamp) return cached.generator;
  const entry = { stamp, generator: loadWitnessGenerator(jsDir, wasmFile) };
  generators.set(wasmPath, entry);
  // A failed load is not cached: the next call tries again.
  entry.generator.catch(() => {
    if (generators.get(wasmPath) === entry) generators.delete(wasmPath);
  });
  return entry.generator;
}

export async function calculateWitness(
  jsDir: string,
  wasmFile: string,
  inputs: Inputs,
): Promise<bigint[]> {
  return (await witnessGenerator(jsDir, wasmFile)).calculate(inputs);
}
