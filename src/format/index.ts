/**
 * `bmc fmt`: a prettier plugin for rule files (`.bm`) and transcripts (`.bmt`), and
 * `formatText`, which runs it. Parsing is the project's own (src/syntax on the Chevrotain
 * grammar, src/transcript's scanner); input that does not parse is refused with their coded
 * diagnostics (FormatError). Every result is checked before it is returned: it must parse to
 * the same AST (rule files) or the same blocks on the same lines (transcripts), with the same
 * comments, as the input did.
 */
import { isDeepStrictEqual } from "node:util";
import { format, type Plugin } from "prettier";
import { bmLocEnd, bmLocStart, bmMeaning, bmPrinter, parseBm, type BmFile } from "./bm.js";
import { bmtMeaning, bmtPrinter, parseBmt, type BmtFile } from "./bmt.js";

export { FormatError } from "./common.js";

export type FormatKind = "bm" | "bmt";

export interface FormatOptions {
  /** Line width rule files wrap at (default 100, as the project's own code). */
  printWidth?: number;
  /** Path shown in diagnostics (default `<input>`). */
  path?: string;
}

export const DEFAULT_PRINT_WIDTH = 100;

/** The prettier plugin: languages `bm` and `bmt`, their parsers and printers. */
export const plugin: Plugin = {
  languages: [
    { name: "bm", parsers: ["bm"], extensions: [".bm"] },
    { name: "bmt", parsers: ["bmt"], extensions: [".bmt"] },
  ],
  parsers: {
    bm: {
      parse: (text, options) => parseBm(text, options.filepath ?? "<input>"),
      astFormat: "bm",
      locStart: bmLocStart,
      locEnd: bmLocEnd,
    },
    bmt: {
      parse: (text, options) => parseBmt(text, options.filepath ?? "<input>"),
      astFormat: "bmt",
      locStart: (node: BmtFile) => node.start,
      locEnd: (node: BmtFile) => node.end,
    },
  },
  printers: { bm: bmPrinter, bmt: bmtPrinter },
};

export type { BmFile, BmtFile };

/** The kind of a file by its extension, or undefined for other files. */
export function formatKindOf(path: string): FormatKind | undefined {
  return path.endsWith(".bm") ? "bm" : path.endsWith(".bmt") ? "bmt" : undefined;
}

/**
 * Formats a rule file or a transcript. Rejects with FormatError (coded diagnostics with
 * path:line:column) when the text does not parse.
 */
export async function formatText(
  text: string,
  kind: FormatKind,
  options: FormatOptions = {},
): Promise<string> {
  const path = options.path ?? "<input>";
  const formatted = await format(text, {
    parser: kind,
    plugins: [plugin],
    filepath: path,
    printWidth: options.printWidth ?? DEFAULT_PRINT_WIDTH,
    tabWidth: 2,
    useTabs: false,
    endOfLine: "lf",
  });
  const meaning = kind === "bm" ? bmMeaning : bmtMeaning;
  const before = meaning(text, path);
  let after: unknown;
  try {
    after = meaning(formatted, path);
  } catch (error) {
    throw new Error(`formatter bug: the formatted ${path} does not parse`, { cause: error });
  }
  if (!isDeepStrictEqual(before, after)) {
    throw new Error(`formatter bug: formatting ${path} would change its meaning or comments`);
  }
  return formatted;
}
