/**
 * A source text with its path and a line index, so that offsets become line:column. The index
 * is built on first use: a transcript of a million lines that reads without errors never needs
 * it, and building it up front was a sixth of reading one.
 */
export class SourceFile {
  private starts?: Int32Array;
  private count?: number;

  constructor(
    readonly path: string,
    readonly text: string,
  ) {}

  /** Offsets where lines start (the first is 0), found by indexOf (memchr), not a loop. */
  get lineStarts(): Int32Array {
    if (this.starts) return this.starts;
    const { text } = this;
    const starts = new Int32Array(this.lineCount);
    let line = 1;
    for (let at = text.indexOf("\n"); at >= 0; at = text.indexOf("\n", at + 1)) {
      starts[line++] = at + 1;
    }
    return (this.starts = starts);
  }

  /** 1-based line and column of an offset. Columns count UTF-16 code units, as editors do. */
  position(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.lineStarts[lo] + 1 };
  }

  /** Text of a 1-based line, without its line break. */
  lineText(line: number): string {
    const start = this.lineStarts[line - 1] ?? this.text.length;
    let end = this.lineStarts[line] ?? this.text.length;
    if (end > start && this.text.charCodeAt(end - 1) === 10) end--;
    if (end > start && this.text.charCodeAt(end - 1) === 13) end--;
    return this.text.slice(start, end);
  }

  /** Lines of the text: one more than its line breaks. */
  get lineCount(): number {
    if (this.count !== undefined) return this.count;
    const { text } = this;
    let count = 1;
    for (let at = text.indexOf("\n"); at >= 0; at = text.indexOf("\n", at + 1)) count++;
    return (this.count = count);
  }
}

/** A half-open range of offsets [start, end) in one source file. */
export interface Span {
  readonly file: SourceFile;
  readonly start: number;
  readonly end: number;
}

/**
 * A span clamped to the text: errors at the end of a file (a missing `.`, an unfinished
 * line) point just past the last character, which is an empty span at the end.
 */
export function span(file: SourceFile, start: number, end: number): Span {
  const length = file.text.length;
  const from = Math.min(Math.max(0, start), length);
  return { file, start: from, end: Math.min(Math.max(from, end), length) };
}
