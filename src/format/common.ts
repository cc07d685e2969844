/** Pieces shared by the rule-file and transcript formatters. */
import { renderDiagnostics, type Diagnostic } from "../diagnostics/index.js";

/** The input does not parse: the formatter refuses, with the parser's diagnostics. */
export class FormatError extends Error {
  constructor(readonly diagnostics: readonly Diagnostic[]) {
    super(renderDiagnostics(diagnostics));
    this.name = "FormatError";
  }
}

/** One output line (or several, for a statement that wraps) with its trailing comment. */
export interface TrailingLine {
  /** The code; a statement that wraps has several lines, the comment follows the last one. */
  code: string;
  comment?: string;
  /** Column (0-based) where the comment was written in the input. */
  column?: number;
  /** A blank line (keeps runs of trailing comments apart). */
  blank?: boolean;
}

/**
 * Joins lines into the final text. Trailing comments on consecutive lines form a run and are
 * aligned to one column: at least one space after the longest code of the run, or further right
 * if the input had one of them further right. So an author's alignment is kept, a formatted file
 * formats to itself, and code that grows pushes the run's comments along.
 */
export function alignTrailing(lines: readonly TrailingLine[]): string {
  const out: string[] = [];
  let run: { index: number; width: number; column: number }[] = [];
  const lastLineWidth = (code: string) => code.length - (code.lastIndexOf("\n") + 1);
  const close = () => {
    const column = Math.max(0, ...run.map((r) => Math.max(r.column, r.width + 1)));
    for (const r of run) {
      const l = lines[r.index];
      out[r.index] = l.code + " ".repeat(column - r.width) + l.comment;
    }
    run = [];
  };
  lines.forEach((l, index) => {
    if (l.comment === undefined || l.blank) {
      close();
      out[index] = l.blank ? "" : l.code;
      return;
    }
    if (l.code.includes("\n")) close();
    if (l.code === "") {
      // A comment alone on its line is not aligned with anything.
      close();
      out[index] = l.comment;
      return;
    }
    run.push({ index, width: lastLineWidth(l.code), column: l.column ?? 0 });
  });
  close();
  return out.length ? out.join("\n") + "\n" : "";
}
