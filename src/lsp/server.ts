/**
 * bmc's language server (`bmc lsp`, on stdin and stdout): diagnostics as you type with bmc's
 * codes, hover with relation and rule signatures, go to definition (relations, rules, sorts,
 * constructors, imported files), completion of relation and rule names, and formatting through
 * `bmc fmt`'s formatter. Rule files (.bm) are checked with their imports; transcripts (.bmt) are
 * read and validated against their rule file (analysis.ts says which). Every change to a
 * document checks every open document again, since a transcript follows its rules and a rule
 * file its imports.
 */
import { resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  CompletionItemKind,
  createConnection,
  DiagnosticSeverity,
  MarkupKind,
  StreamMessageReader,
  StreamMessageWriter,
  TextDocuments,
  TextDocumentSyncKind,
  type CompletionItem,
  type Connection,
  type Diagnostic as LspDiagnostic,
  type Hover,
  type Location,
  type Position,
  type Range,
  type ServerCapabilities,
  type TextEdit,
} from "vscode-languageserver/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import type { Diagnostic, Span } from "../diagnostics/index.js";
import {
  analyzeRuleFile,
  analyzeTranscript,
  overlayHost,
  wordAt,
  type RuleFileAnalysis,
  type SymbolInfo,
} from "./analysis.js";

type Kind = "bm" | "bmt";

function kindOf(uri: string): Kind | undefined {
  return uri.endsWith(".bm") ? "bm" : uri.endsWith(".bmt") ? "bmt" : undefined;
}

function pathOf(uri: string): string {
  return uri.startsWith("file:") ? fileURLToPath(uri) : uri;
}

const uriOf = (path: string) => pathToFileURL(resolve(path)).href;

function rangeOf(span: Span): Range {
  const start = span.file.position(span.start);
  const end = span.file.position(span.end);
  return {
    start: { line: start.line - 1, character: start.column - 1 },
    end: { line: end.line - 1, character: end.column - 1 },
  };
}

const locationOf = (span: Span): Location => ({ uri: uriOf(span.file.path), range: rangeOf(span) });

const TOP: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/** bmc's diagnostic for the document at `path`; one from another file is shown at the top. */
function toLsp(d: Diagnostic, path: string): LspDiagnostic {
  const here = d.span && resolve(d.span.file.path) === resolve(path);
  let message = d.message;
  if (d.span && !here) {
    const at = d.span.file.position(d.span.start);
    message = `${d.span.file.path}:${at.line}:${at.column}: ${message}`;
  }
  if (d.help) message += `\nhelp: ${d.help}`;
  return {
    range: here ? rangeOf(d.span!) : TOP,
    severity: d.severity === "error" ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    code: d.code,
    source: "bmc",
    message,
    relatedInformation: d.related?.map((r) => ({
      location: locationOf(r.span),
      message: r.message,
    })),
  };
}

/** What every handler reads: the connection, the open documents and their last analyses. */
interface ServerState {
  readonly connection: Connection;
  readonly documents: TextDocuments<TextDocument>;
  /** By document URI: the rules of its last check (a transcript's are its rule file's). */
  readonly analyses: Map<string, RuleFileAnalysis | undefined>;
}

const CAPABILITIES: ServerCapabilities = {
  textDocumentSync: TextDocumentSyncKind.Incremental,
  hoverProvider: true,
  definitionProvider: true,
  completionProvider: { triggerCharacters: [] },
  documentFormattingProvider: true,
};

/** The language server on a pair of streams; resolves when the connection closes. */
export function startLanguageServer(
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
): { connection: Connection; closed: Promise<void> } {
  const connection = createConnection(
    new StreamMessageReader(input),
    new StreamMessageWriter(output),
  );
  const documents = new TextDocuments(TextDocument);
  const state: ServerState = { connection, documents, analyses: new Map() };
  const analyzeAll = () => documents.all().forEach((doc) => analyze(state, doc));

  connection.onInitialize(() => ({ capabilities: CAPABILITIES, serverInfo: { name: "bmc" } }));
  documents.onDidChangeContent(() => analyzeAll());
  documents.onDidClose((event) => {
    state.analyses.delete(event.document.uri);
    void connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] });
    analyzeAll();
  });
  connection.onHover(({ textDocument, position }) => hover(state, textDocument.uri, position));
  connection.onDefinition(({ textDocument, position }) =>
    definition(state, textDocument.uri, position),
  );
  connection.onCompletion(({ textDocument }) => completions(state, textDocument.uri));
  connection.onDocumentFormatting(({ textDocument }) => formatDocument(state, textDocument.uri));

  documents.listen(connection);
  const closed = new Promise<void>((done) => {
    connection.onExit(() => done());
    input.on("end", () => done());
  });
  connection.listen();
  return { connection, closed };
}

/** Checks one open document and publishes its diagnostics; remembers its rules' symbols. */
function analyze({ connection, documents, analyses }: ServerState, doc: TextDocument): void {
  const kind = kindOf(doc.uri);
  if (!kind) return;
  const path = pathOf(doc.uri);
  // Imports and rule files are read from the open documents first (unsaved edits count).
  const host = overlayHost(
    new Map(documents.all().map((d) => [resolve(pathOf(d.uri)), d.getText()])),
  );
  const result =
    kind === "bm"
      ? analyzeRuleFile(path, doc.getText(), host)
      : analyzeTranscript(path, doc.getText(), host);
  analyses.set(doc.uri, "symbols" in result ? result : result.rules);
  void connection.sendDiagnostics({
    uri: doc.uri,
    diagnostics: result.diagnostics.map((d) => toLsp(d, path)),
  });
}

/** The symbols named by the word under the cursor. */
function symbolsAt({ documents, analyses }: ServerState, uri: string, position: Position) {
  const doc = documents.get(uri);
  const analysis = analyses.get(uri);
  if (!doc || !analysis) return undefined;
  const offset = doc.offsetAt(position);
  const word = wordAt(doc.getText(), offset);
  if (!word) return { analysis, offset, symbols: [] as SymbolInfo[] };
  let symbols = analysis.symbols.get(word.word) ?? [];
  // In a transcript, a name at the start of a block is a rule.
  if (kindOf(uri) === "bmt") symbols = symbols.filter((s) => s.kind === "rule");
  return { analysis, offset, symbols };
}

function hover(state: ServerState, uri: string, position: Position): Hover | null {
  const found = symbolsAt(state, uri, position);
  if (!found?.symbols.length) return null;
  const text = found.symbols.map((s) => "```bm\n" + s.signature + "\n```").join("\n");
  return { contents: { kind: MarkupKind.Markdown, value: text } };
}

/** Where the symbol under the cursor is declared; on an import's path, the imported file. */
function definition(
  state: ServerState,
  uri: string,
  position: Position,
): Location | Location[] | null {
  const found = symbolsAt(state, uri, position);
  if (!found) return null;
  if (kindOf(uri) === "bm") {
    const imported = found.analysis.imports.find(
      (i) => i.ast.pathSpan.start <= found.offset && found.offset <= i.ast.pathSpan.end,
    );
    if (imported) return { uri: uriOf(imported.target), range: TOP };
  }
  return found.symbols.map((s) => locationOf(s.span));
}

/** Relation, rule and constructor names (a transcript's blocks: rule names), sorted. */
function completions({ analyses }: ServerState, uri: string): CompletionItem[] {
  const analysis = analyses.get(uri);
  if (!analysis) return [];
  const wanted = kindOf(uri) === "bmt" ? ["rule"] : ["relation", "rule", "constructor"];
  const items: CompletionItem[] = [];
  for (const [name, symbols] of analysis.symbols) {
    const symbol = symbols.find((s) => wanted.includes(s.kind));
    if (!symbol) continue;
    items.push({
      label: name,
      kind:
        symbol.kind === "rule"
          ? CompletionItemKind.Function
          : symbol.kind === "relation"
            ? CompletionItemKind.Interface
            : CompletionItemKind.Constructor,
      detail: symbol.signature,
    });
  }
  return items.sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
}

/** The whole document formatted by `bmc fmt`'s formatter, as one edit (none if unchanged). */
async function formatDocument({ documents }: ServerState, uri: string): Promise<TextEdit[] | null> {
  const doc = documents.get(uri);
  const kind = doc && kindOf(doc.uri);
  if (!doc || !kind) return null;
  const { formatText } = await import("../format/index.js");
  let formatted: string;
  try {
    formatted = await formatText(doc.getText(), kind, { path: pathOf(doc.uri) });
  } catch {
    // Text that does not parse is left alone; its diagnostics say why.
    return [];
  }
  if (formatted === doc.getText()) return [];
  const end = doc.positionAt(doc.getText().length);
  return [{ range: { start: { line: 0, character: 0 }, end }, newText: formatted }];
}
