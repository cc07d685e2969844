import { codes, type Code, type Severity } from "./codes.js";
import type { Span } from "./source.js";

/** A secondary location that explains the primary one ("first defined here"). */
export interface RelatedSpan {
  readonly span: Span;
  readonly message: string;
}

export interface Diagnostic {
  readonly code: Code;
  readonly severity: Severity;
  readonly message: string;
  /** Absent only for problems that belong to no file (e.g. a path given on the command line). */
  readonly span?: Span;
  readonly related?: readonly RelatedSpan[];
  readonly help?: string;
}

export function diagnostic(
  code: Code,
  message: string,
  span?: Span,
  extra: { related?: RelatedSpan[]; help?: string } = {},
): Diagnostic {
  return { code, severity: codes[code].severity, message, span, ...extra };
}

/**
 * A diagnostic thrown where returning it would thread a result through many callers: a damaged
 * or missing file deep inside a stage. The CLI reports it like any other diagnostic, with the
 * exit code it carries (1 for bad input, 2 for a wrong invocation), never as an internal error.
 */
export class DiagnosticError extends Error {
  constructor(
    readonly diagnostic: Diagnostic,
    readonly exitCode: 1 | 2 = 1,
    /** Further problems of the same input (a file with several errors), reported after it. */
    readonly more: readonly Diagnostic[] = [],
  ) {
    super(diagnostic.message);
  }
}

/** Throws `code` with `message` (and help) as a DiagnosticError. */
export function raise(
  code: Code,
  message: string,
  options: { help?: string; exitCode?: 1 | 2 } = {},
): never {
  throw new DiagnosticError(
    diagnostic(code, message, undefined, options.help ? { help: options.help } : {}),
    options.exitCode,
  );
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

/** Sort by file, then position, then code, so output is stable whatever order checks ran in. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort((a, b) => {
    const fa = a.span?.file.path ?? "";
    const fb = b.span?.file.path ?? "";
    if (fa !== fb) return fa < fb ? -1 : 1;
    const sa = a.span?.start ?? -1;
    const sb = b.span?.start ?? -1;
    if (sa !== sb) return sa - sb;
    return a.code < b.code ? -1 : a.code > b.code ? 1 : 0;
  });
}

/** Plain-data form for `--json`. Lines and columns are 1-based; `end` is exclusive. */
export interface DiagnosticJson {
  code: Code;
  severity: Severity;
  message: string;
  file?: string;
  line?: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
  help?: string;
  related?: { file: string; line: number; column: number; message: string }[];
}

export function diagnosticToJson(d: Diagnostic): DiagnosticJson {
  const out: DiagnosticJson = { code: d.code, severity: d.severity, message: d.message };
  if (d.span) {
    const start = d.span.file.position(d.span.start);
    const end = d.span.file.position(d.span.end);
    Object.assign(out, {
      file: d.span.file.path,
      line: start.line,
      column: start.column,
      endLine: end.line,
      endColumn: end.column,
    });
  }
  if (d.help) out.help = d.help;
  if (d.related?.length) {
    out.related = d.related.map((r) => ({
      file: r.span.file.path,
      ...r.span.file.position(r.span.start),
      message: r.message,
    }));
  }
  return out;
}
