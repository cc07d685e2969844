/**
 * Inline expectations for diagnostics tests. Under a source line, a comment line whose carets
 * sit under the expected span names the expected code:
 *
 *     rule r(x): q(x) -: .
 *     //         ^ BM0101
 *
 * The carets give the start column and width on the nearest line above that is not itself an
 * annotation (stack several annotation lines for several diagnostics on one line). A span that
 * starts in column 1 or 2 cannot sit under `//`: indent the source line instead.
 */
import type { Diagnostic } from "../src/diagnostics/index.js";

export interface Expectation {
  line: number;
  column: number;
  width: number;
  code: string;
}

const ANNOTATION = /^(\s*\/\/\s*)(\^+)\s+(BM\d{4})\s*$/;

export function expectationsOf(text: string): Expectation[] {
  const out: Expectation[] = [];
  let target = 0;
  text.split("\n").forEach((line, i) => {
    const m = ANNOTATION.exec(line);
    if (!m) {
      target = i + 1;
      return;
    }
    out.push({ line: target, column: m[1].length + 1, width: m[2].length, code: m[3] });
  });
  return out;
}

/** The same shape for actual diagnostics located in `path`; multi-line spans end at the line. */
export function actualIn(path: string, diagnostics: readonly Diagnostic[]): Expectation[] {
  return diagnostics
    .filter((d) => d.span?.file.path === path)
    .map((d) => {
      const s = d.span!;
      const start = s.file.position(s.start);
      const end = s.file.position(Math.max(s.start, s.end));
      const lineLength = s.file.lineText(start.line).length;
      const endColumn = end.line === start.line ? end.column : lineLength + 1;
      return {
        line: start.line,
        column: start.column,
        width: Math.max(1, endColumn - start.column),
        code: d.code,
      };
    });
}

export function sortExpectations(list: Expectation[]): Expectation[] {
  return [...list].sort(
    (a, b) =>
      a.line - b.line || a.column - b.column || (a.code < b.code ? -1 : 1) || a.width - b.width,
  );
}
