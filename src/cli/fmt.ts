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
import { writeFileAtomic } from "./files.js";
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

  const results: FileResult[] = [];
  const files: string[] = [];
  for (const path of paths) {
    let isDir = false;
    try {
      isDir = statSync(path).isDirectory();
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      results.push({
        file: path,
        changed: false,
        diagnostics: [diagnostic("BM0901", `cannot read ${path} (${reason})`)],
      });
      continue;
    }
    if (isDir) walk(path, files);
    else if (isFormattable(path)) files.push(path);
    else return `fmt formats .bm and .bmt files, not ${path}`;
  }
  if (!opts.check && !opts.write && files.length + results.length !== 1) {
    return `without --check or --write, fmt prints one formatted file: ${synopsis}`;
  }

  // Loaded here so that the other commands do not load prettier.
  const { formatText, formatKindOf, FormatError } = await import("../format/index.js");
  let printed: string | undefined;
  for (const file of [...new Set(files)]) {
    const result: FileResult = { file, changed: false, diagnostics: [] };
    results.push(result);
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      result.diagnostics.push(diagnostic("BM0901", `cannot read ${file} (${reason})`));
      continue;
    }
    let formatted: string;
    try {
      formatted = await formatText(text, formatKindOf(file)!, { path: file });
    } catch (error) {
      if (!(error instanceof FormatError)) throw error;
      result.diagnostics.push(...error.diagnostics);
      continue;
    }
    result.changed = formatted !== text;
    if (!opts.check && !opts.write) printed = formatted;
    if (opts.write && result.changed) {
      try {
        writeFileAtomic(file, formatted);
      } catch (error) {
        const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
        result.diagnostics.push(diagnostic("BM0902", `cannot write ${file} (${reason})`));
      }
    }
  }

  const failed = results.some((r) => r.diagnostics.length > 0);
  const differ = results.filter((r) => r.changed && !r.diagnostics.length);
  const code = failed || (opts.check && differ.length) ? 1 : 0;
  if (opts.json) {
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
    return code;
  }
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
  return code;
}
