/**
 * Renders diagnostics as text: a header with the code, the location as path:line:column
 * (which terminals and editors turn into links), and a code frame with a caret under the span.
 */
import type { Diagnostic } from "./diagnostic.js";
import type { Span } from "./source.js";

export interface RenderOptions {
  color?: boolean;
}

const ansi = {
  red: (s: string) => `\x1b[31;1m${s}\x1b[0m`,
  yellow: (s: string) => `\x1b[33;1m${s}\x1b[0m`,
  blue: (s: string) => `\x1b[34;1m${s}\x1b[0m`,
  bold: (s: string) => `\x1b[1m${s}\x1b[0m`,
};
const plain = { red: id, yellow: id, blue: id, bold: id };
function id(s: string): string {
  return s;
}

export function location(span: Span): string {
  const { line, column } = span.file.position(span.start);
  return `${span.file.path}:${line}:${column}`;
}

function frame(
  span: Span,
  label: string,
  paint: typeof plain,
  caret: (s: string) => string,
): string[] {
  const { file } = span;
  const start = file.position(span.start);
  const end = file.position(Math.max(span.start, span.end - 1));
  const gutter = String(end.line).length;
  const pad = " ".repeat(gutter);
  const arrow = label ? ":::" : "-->";
  const out = [`${pad}${paint.blue(arrow)} ${location(span)}`, `${pad} ${paint.blue("|")}`];
  // Show at most the first and last line of a long span; the caret goes on the first one.
  // Control characters would garble the terminal; one stand-in each keeps the columns.
  const line = file
    .lineText(start.line)
    .replace(/\t/g, " ")
    .replace(/[\x00-\x1f\x7f]/g, "?");
  const lastCol = start.line === end.line ? end.column : line.length;
  const window = lineWindow(line, start.column, Math.max(1, lastCol - start.column + 1));
  out.push(`${String(start.line).padStart(gutter)} ${paint.blue("|")} ${window.text}`);
  out.push(
    `${pad} ${paint.blue("|")} ${" ".repeat(window.column - 1)}${caret("^".repeat(window.width))}${label ? " " + caret(label) : ""}`,
  );
  if (end.line > start.line) {
    out.push(`${pad} ${paint.blue("|")} ...`);
  }
  return out;
}

/** Frame lines longer than this show a window around the span instead of the whole line. */
const FRAME_WIDTH = 120;

/** The part of a long line around the span (a 100,000-digit value is not printed whole). */
function lineWindow(
  line: string,
  column: number,
  width: number,
): { text: string; column: number; width: number } {
  if (line.length <= FRAME_WIDTH) return { text: line, column, width };
  const from = Math.max(0, column - 1 - 40);
  const to = Math.min(line.length, from + FRAME_WIDTH);
  const head = from > 0 ? "..." : "";
  const text = head + line.slice(from, to) + (to < line.length ? "..." : "");
  const shownColumn = column - from + head.length;
  return { text, column: shownColumn, width: Math.max(1, Math.min(width, to - (column - 1))) };
}

export function renderDiagnostic(d: Diagnostic, options: RenderOptions = {}): string {
  const paint = options.color ? ansi : plain;
  const sev =
    d.severity === "error" ? paint.red(`error[${d.code}]`) : paint.yellow(`warning[${d.code}]`);
  const lines = [`${sev}${paint.bold(": " + d.message)}`];
  const caret = d.severity === "error" ? paint.red : paint.yellow;
  if (d.span) lines.push(...frame(d.span, "", paint, caret));
  for (const r of d.related ?? []) {
    lines.push(...frame(r.span, r.message, paint, paint.blue));
  }
  if (d.help) lines.push(`  = help: ${d.help}`);
  return lines.join("\n");
}

export function renderDiagnostics(ds: readonly Diagnostic[], options: RenderOptions = {}): string {
  return ds.map((d) => renderDiagnostic(d, options)).join("\n\n");
}
