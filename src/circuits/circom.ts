/**
 * Runs circom2 (circom compiled to WebAssembly, from npm) on a main file. circom2's execute() is
 * synchronous and would block the event loop for the whole compilation, so it runs in a child
 * Node process through the package's own command-line entry, which also sets up the WASI
 * preopens. The circuit folder is the working folder and every include sits in it, so no path
 * ever leaves the preopened tree.
 */
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { basename, dirname, relative } from "node:path";

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

export function compileCircom(options: CircomCompileOptions): Promise<CircomCompileResult> {
  const require = createRequire(import.meta.url);
  const cli = require.resolve("circom2/cli.js");
  const folder = dirname(options.mainFile);
  const args = [
    cli,
    basename(options.mainFile),
    "--r1cs",
    "--wasm",
    "--sym",
    `--O${options.optimize ?? 1}`,
    "--prime",
    options.prime ?? "bn128",
    "-o",
    relative(folder, options.outDir) || ".",
  ];
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      args,
      { cwd: folder, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: "1" } },
      (error, stdout, stderr) => {
        const output = `${stdout}${stderr}`.replace(ANSI, "");
        const errors = parseCircomErrors(output);
        const ok = !error && errors.length === 0 && /Everything went okay/.test(output);
        if (!ok && errors.length === 0) {
          errors.push({ message: (error?.message ?? "circom2 failed").trim() });
        }
        resolve({
          ok,
          errors,
          output,
          constraints: {
            nonLinear: count(output, "non-linear constraints"),
            linear: count(output, "linear constraints"),
          },
          wires: count(output, "wires"),
        });
      },
    );
  });
}
