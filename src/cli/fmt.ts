/**
 * `bmc fmt [--check] [--write] FILES_OR_DIRS...`: formats rule files and transcripts (the
 * prettier plugin of src/format). Folders are walked for .bm and .bmt files.
 *
 * Without options it prints the formatted text of one file; --write rewrites files in place
 * (each whole or not at all); --check lists the files whose formatting differs and exits 1 if
 * there is any. Files that do not parse are reported with their diagnostics (exit 1).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import {
  diagnostic,
  diagnosticToJson,
  renderDiagnostics,
  type Diagnostic,
} from "../diagnostics/index.js";
import { errorReason, writeFileAtomic } from "./files.js";
import type { CliIO } from "./types.js";

export interface FmtOptions {
  check: boolean;
  write: boolean;
  json: boolean;
  quiet: boolean;
  color: boolean;
  /** At most this many diagnostics are printed (--max-errors). */
  maxErrors?: number;
}

const isFormattable = (path: string) => path.endsWith(".bm") || path.endsWith(".bmt");

/** Files under a folder to format, sorted; dot folders and node_modules are skipped. */
function walk(dir: string, out: string[]): void {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      if (!e.name.startsWith(".") && e.name !== "node_modules") walk(path, out);
    } else if (e.isFile() && isFormattable(e.name)) out.push(path);
  }
}

interface FileResult {
  file: string;
  changed: boolean;
  diagnostics: Diagnostic[];
}

/**
 * Runs the command. Returns the exit code, or a usage message (which the caller reports as a
 * usage error, exit 2).
 */
export async function fmtCommand(
  paths: readonly string[],
  opts: FmtOptions,
  io: CliIO,
): Promise<number | string> {
  const synopsis = "bmc fmt [--check] [--write] FILES_OR_DIRS...";
  if (!paths.length) return `fmt takes files or folders: ${synopsis}`;
  if (opts.check && opts.write) return "fmt takes --check or --write, not both";
  const found = findFiles(paths);
  if (typeof found === "string") return found;
  const { files, results } = found;
  if (!opts.check && !opts.write && files.length + results.length !== 1) {
    return `without --check or --write, fmt prints one formatted file: ${synopsis}`;
  }
  // Loaded here so that the other commands do not load prettier.
  const format = await import("../format/index.js");
  let printed: string | undefined;
  for (const file of [...new Set(files)]) {
    const { result, formatted } = await formatFile(file, opts, format);
    results.push(result);
    if (formatted !== undefined && !opts.check && !opts.write) printed = formatted;
  }
  const failed = results.some((r) => r.diagnostics.length > 0);
  const differ = results.filter((r) => r.changed && !r.diagnostics.length);
  const code = failed || (opts.check && differ.length) ? 1 : 0;
  if (opts.json) printJson(io, code, results, printed);
  else printText(io, opts, results, differ, printed);
  return code;
}

/**
 * The files the paths name (folders walked), or a usage message for a file that is neither
 * .bm nor .bmt. A path that cannot be read is a result with its diagnostic already.
 */
function findFiles(paths: readonly string[]): { files: string[]; results: FileResult[] } | string {
  const results: FileResult[] = [];
  const files: string[] = [];
  for (const path of paths) {
    let isDir = false;
    try {
      isDir = statSync(path).isDirectory();
    } catch (error) {
      results.push({
        file: path,
        changed: false,
        diagnostics: [diagnostic("BM0901", `cannot read ${path} (${errorReason(error)})`)],
      });
      continue;
    }
    if (isDir) walk(path, files);
    else if (isFormattable(path)) files.push(path);
    else return `fmt formats .bm and .bmt files, not ${path}`;
  }
  return { files, results };
}

/** Reads and formats one file, and rewrites it under --write when its formatting changed. */
async function formatFile(
  file: string,
  opts: FmtOptions,
  { formatText, formatKindOf, FormatError }: typeof import("../format/index.js"),
): Promise<{ result: FileResult; formatted?: string }> {
  const result: FileResult = { file, changed: false, diagnostics: [] };
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    result.diagnostics.push(diagnostic("BM0901", `cannot read ${file} (${errorReason(error)})`));
    return { result };
  }
  let formatted: string;
  try {
    formatted = await formatText(text, formatKindOf(file)!, { path: file });
  } catch (error) {
    if (!(error instanceof FormatError)) throw error;
    result.diagnostics.push(...error.diagnostics);
    return { result };
  }
  result.changed = formatted !== text;
  if (opts.write && result.changed) {
    try {
      writeFileAtomic(file, formatted);
    } catch (error) {
      result.diagnostics.push(diagnostic("BM0902", `cannot write ${file} (${errorReason(error)})`));
    }
  }
  return { result, formatted };
}

function printJson(
  io: CliIO,
  code: number,
  results: readonly FileResult[],
  printed: string | undefined,
): void {
  io.out(
    JSON.stringify(
      {
        ok: code === 0,
        files: results.map((r) => ({
          file: r.file,
          changed: r.changed,
          diagnostics: r.diagnostics.map(diagnosticToJson),
        })),
        formatted: printed,
      },
      null,
      2,
    ) + "\n",
  );
}

/** Diagnostics (at most --max-errors) on stderr; the formatted text or the file lists on stdout. */
function printText(
  io: CliIO,
  opts: FmtOptions,
  results: readonly FileResult[],
  differ: readonly FileResult[],
  printed: string | undefined,
): void {
  const diagnostics = results.flatMap((r) => r.diagnostics);
  const shown = diagnostics.slice(0, opts.maxErrors ?? diagnostics.length);
  if (shown.length) io.err(renderDiagnostics(shown, { color: opts.color }) + "\n");
  if (shown.length < diagnostics.length)
    io.err(
      `... and ${diagnostics.length - shown.length} more diagnostics (raise --max-errors to see them)\n`,
    );
  if (printed !== undefined) io.out(printed);
  else if (opts.check) {
    for (const r of differ) io.out(`${r.file}\n`);
    if (!opts.quiet) {
      io.err(
        differ.length
          ? `${differ.length} of ${results.length} file${results.length === 1 ? "" : "s"} not formatted; run bmc fmt --write\n`
          : `${results.length} file${results.length === 1 ? "" : "s"} formatted\n`,
      );
    }
  } else if (opts.write && !opts.quiet) {
    for (const r of differ) io.out(`formatted: ${r.file}\n`);
  }
}
