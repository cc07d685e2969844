/**
 * Formatting of transcripts (`.bmt`). The project's transcript scanner (src/transcript) decides
 * whether the text is a transcript at all and where its blocks are; it is run with a rule set
 * that knows no rule, so that any transcript that is well-formed as text can be formatted, and
 * "unknown rule" is the one diagnostic that does not stop the formatter.
 *
 * Transcripts are line-oriented and diagnostics name blocks by line, so formatting never adds or
 * removes a line (only blank lines at the end of the file go): sections at column 0, blocks
 * indented by two spaces as `name(1, 2; 3)`, values written as they were (hex stays hex),
 * trailing comments of consecutive lines aligned.
 */
import type { Doc, Printer } from "prettier";
import type { RuleSet } from "../check/index.js";
import { SourceFile, type Diagnostic } from "../diagnostics/index.js";
import { parseTranscript } from "../transcript/parse.js";
import { alignTrailing, FormatError, type TrailingLine } from "./common.js";

type BmtLine =
  | { kind: "blank" }
  | { kind: "comment"; text: string; indented: boolean }
  | { kind: "section"; name: string; comment?: string; column: number }
  | {
      kind: "block";
      name: string;
      values: string[];
      /** Number of values before the `;`, or -1 without one. */
      semicolonAfter: number;
      comment?: string;
      column: number;
    };

export interface BmtFile {
  type: "bmt-file";
  lines: BmtLine[];
  start: number;
  end: number;
}

const noRules: RuleSet = {
  relations: [],
  rules: [],
  ruleByName: new Map(),
  sorts: new Map(),
  constructors: new Map(),
  files: [],
};

/** Runs the transcript scanner; returns the 1-based lines of its blocks. */
function scan(file: SourceFile): Map<number, string> {
  const parsed = parseTranscript(file, noRules, { maxErrors: Infinity });
  const errors = parsed.diagnostics.filter((d: Diagnostic) => d.code !== "BM0202");
  if (errors.length) throw new FormatError(errors);
  const blocks = new Map<number, string>();
  for (const d of parsed.diagnostics) {
    if (d.code === "BM0202" && d.span) {
      blocks.set(
        d.span.file.position(d.span.start).line,
        file.text.slice(d.span.start, d.span.end),
      );
    }
  }
  return blocks;
}

const BLOCK = /^([A-Za-z_][A-Za-z0-9_]*)[ \t]*\(([^()]*)\)$/;
const SECTION = /^(public|private)[ \t]*:$/;

/** Parses a transcript for formatting; throws FormatError with the scanner's diagnostics. */
export function parseBmt(text: string, path: string): BmtFile {
  const file = new SourceFile(path, text);
  const blockLines = scan(file);
  const lines: BmtLine[] = text.split("\n").map((raw, i): BmtLine => {
    const lineText = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    // The scanner accepted the line, so `//` can only start a comment.
    const at = lineText.indexOf("//");
    const code = (at >= 0 ? lineText.slice(0, at) : lineText).trim();
    const comment = at >= 0 ? lineText.slice(at).trimEnd() : undefined;
    if (code === "") {
      if (comment === undefined) return { kind: "blank" };
      return { kind: "comment", text: comment, indented: at > 0 };
    }
    const name = blockLines.get(i + 1);
    const block = BLOCK.exec(code);
    if (name !== undefined && block && block[1] === name) {
      const values: string[] = [];
      let semicolonAfter = -1;
      if (block[2].trim() !== "") {
        for (const part of block[2].split(/([,;])/)) {
          if (part === ";") semicolonAfter = values.length;
          else if (part !== ",") values.push(part.trim());
        }
      }
      return { kind: "block", name, values, semicolonAfter, comment, column: at };
    }
    const section = SECTION.exec(code);
    if (name === undefined && section) {
      return { kind: "section", name: section[1], comment, column: at };
    }
    throw new Error(`formatter: cannot read line ${i + 1} of ${path} as the scanner did`);
  });
  while (lines.length && lines[lines.length - 1].kind === "blank") lines.pop();
  return { type: "bmt-file", lines, start: 0, end: text.length };
}

function blockText(l: Extract<BmtLine, { kind: "block" }>): string {
  let inner = "";
  l.values.forEach((v, i) => {
    if (i > 0) inner += i === l.semicolonAfter ? "; " : ", ";
    inner += v;
  });
  return `  ${l.name}(${inner})`;
}

export function printBmt(file: BmtFile): string {
  let inSection = false;
  const out: TrailingLine[] = file.lines.map((l): TrailingLine => {
    switch (l.kind) {
      case "blank":
        return { code: "", blank: true };
      case "comment":
        return { code: l.indented && inSection ? `  ${l.text}` : l.text };
      case "section":
        inSection = true;
        return { code: `${l.name}:`, comment: l.comment, column: l.column };
      case "block":
        return { code: blockText(l), comment: l.comment, column: l.column };
    }
  });
  return alignTrailing(out);
}

export const bmtPrinter: Printer<BmtFile> = {
  print: (path): Doc => printBmt(path.node),
};

/**
 * Meaning of a transcript for the formatter's own check: every block with its line, section,
 * rule name and values (as numbers), and every comment.
 */
export function bmtMeaning(text: string, path: string): unknown {
  const parsed = parseBmt(text, path);
  let section = "";
  const blocks: string[] = [];
  const comments: string[] = [];
  parsed.lines.forEach((l, i) => {
    if (l.kind === "section") section = l.name;
    if (l.kind === "block") {
      const values = l.values.map((v) => BigInt(v).toString());
      const shown = l.semicolonAfter < 0 ? values : values.slice(0, l.semicolonAfter);
      const hidden = l.semicolonAfter < 0 ? [] : values.slice(l.semicolonAfter);
      blocks.push(`${i + 1} ${section} ${l.name}(${shown.join(",")};${hidden.join(",")})`);
    }
    if (l.kind === "comment") comments.push(`${i + 1} ${l.text}`);
    else if (l.kind !== "blank" && l.comment) comments.push(`${i + 1} ${l.comment}`);
  });
  return { blocks, comments };
}
