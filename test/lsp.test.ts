/**
 * The language server, driven over JSON-RPC as an editor drives it: initialize, open rule files
 * and transcripts, change them, and ask for hover, definitions, completion and formatting. The
 * server runs in this process on a pair of streams (the same function `bmc lsp` runs on stdin
 * and stdout); the last test starts `bmc lsp` itself.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createProtocolConnection,
  PublishDiagnosticsNotification,
  StreamMessageReader,
  StreamMessageWriter,
  type Diagnostic,
  type ProtocolConnection,
} from "vscode-languageserver/node";
import { startLanguageServer } from "../src/lsp/server.js";
import { scratchFolders, SMALL_RULES, SMALL_TRANSCRIPT } from "./fixtures.js";

const LIB =
  "// Terms.\nrelation is_impl(T, A, B).\nunique relation wf_term(T).\nrelation wf_term(T, k).\n";
const RULES = `import "./lib.bm".\n${SMALL_RULES.replace(/^(unique )?relation (is_impl|wf_term)\(.*\n/gm, "")}`;

const scratch = scratchFolders("bmc-lsp-");
let dir: string;
let client: ProtocolConnection;
const published = new Map<string, Diagnostic[][]>();
const waiting: (() => void)[] = [];

const uri = (name: string) => pathToFileURL(join(dir, name)).href;

/** The diagnostics published for a document after the last change (waits for them). */
async function nextDiagnostics(name: string, after: number): Promise<Diagnostic[]> {
  for (;;) {
    const list = published.get(uri(name)) ?? [];
    if (list.length > after) return list[list.length - 1];
    await new Promise<void>((done) => waiting.push(done));
  }
}
const count = (name: string) => (published.get(uri(name)) ?? []).length;

async function open(name: string, text: string, languageId = "bm") {
  const before = count(name);
  await client.sendNotification("textDocument/didOpen", {
    textDocument: { uri: uri(name), languageId, version: 1, text },
  });
  return nextDiagnostics(name, before);
}

let version = 1;
async function change(name: string, text: string, watch = name) {
  const before = count(watch);
  await client.sendNotification("textDocument/didChange", {
    textDocument: { uri: uri(name), version: ++version },
    contentChanges: [{ text }],
  });
  return nextDiagnostics(watch, before);
}

/** The 0-based position of the first occurrence of `needle` in `text` (plus `skip` characters). */
function at(text: string, needle: string, skip = 0) {
  const offset = text.indexOf(needle) + skip;
  expect(offset).toBeGreaterThanOrEqual(skip);
  const before = text.slice(0, offset).split("\n");
  return { line: before.length - 1, character: before[before.length - 1].length };
}

const codesOf = (ds: Diagnostic[]) => ds.map((d) => d.code);

beforeAll(async () => {
  dir = scratch({ "lib.bm": LIB, "rules.bm": RULES, "proof.bmt": SMALL_TRANSCRIPT });
  const toServer = new PassThrough();
  const fromServer = new PassThrough();
  startLanguageServer(toServer, fromServer);
  client = createProtocolConnection(
    new StreamMessageReader(fromServer),
    new StreamMessageWriter(toServer),
  );
  client.onNotification(PublishDiagnosticsNotification.type, (params) => {
    const list = published.get(params.uri) ?? [];
    list.push(params.diagnostics);
    published.set(params.uri, list);
    waiting.splice(0).forEach((wake) => wake());
  });
  client.listen();
  const init = (await client.sendRequest("initialize", {
    processId: null,
    rootUri: pathToFileURL(dir).href,
    capabilities: {},
  })) as { capabilities: Record<string, unknown> };
  expect(init.capabilities).toMatchObject({
    hoverProvider: true,
    definitionProvider: true,
    documentFormattingProvider: true,
  });
  await client.sendNotification("initialized", {});
});

afterAll(() => client?.dispose());

describe("bmc's language server", () => {
  it("checks rule files as they are typed, with bmc's codes and positions", async () => {
    expect(await open("rules.bm", RULES)).toEqual([]);
    const broken = RULES.replace("proved(TB, k) -:", "proven(TB, k) -:");
    const ds = await change("rules.bm", broken);
    expect(codesOf(ds)).toEqual(["BM0101"]);
    expect(ds[0].range.start).toEqual(at(broken, "proven(TB"));
    expect(ds[0].source).toBe("bmc");
    expect(await change("rules.bm", RULES)).toEqual([]);
  });

  it("validates a transcript against its rules, and again when the rules change", async () => {
    expect(await open("proof.bmt", SMALL_TRANSCRIPT, "bmt")).toEqual([]);
    const invalid = SMALL_TRANSCRIPT.replace("demand(2)", "demand(9)");
    const ds = await change("proof.bmt", invalid);
    expect(codesOf(ds)).toEqual(["BM0303"]);
    expect(ds[0].range.start).toEqual(at(invalid, "demand(9)"));
    await change("proof.bmt", SMALL_TRANSCRIPT);
    // An unsaved edit of the rules (demand drops its hypothesis) reaches the open transcript.
    const looser = RULES.replace("rule demand(T): -: proved(T, _).", "rule demand(T): -: .");
    const again = await change("rules.bm", looser, "proof.bmt");
    expect(codesOf(again)).toEqual([]);
    expect(codesOf(await change("rules.bm", RULES, "proof.bmt"))).toEqual([]);
    expect(codesOf(await change("proof.bmt", invalid))).toEqual(["BM0303"]);
    await change("proof.bmt", SMALL_TRANSCRIPT);
  });

  it("shows relation and rule signatures on hover", async () => {
    const hover = async (name: string, text: string, needle: string) =>
      (await client.sendRequest("textDocument/hover", {
        textDocument: { uri: uri(name) },
        position: at(text, needle, 1),
      })) as { contents: { value: string } } | null;
    expect((await hover("rules.bm", RULES, "is_impl(T, TA, TB)"))?.contents.value).toContain(
      "relation is_impl(T, A, B).",
    );
    const rule = await hover("proof.bmt", SMALL_TRANSCRIPT, "modus_ponens(3");
    expect(rule?.contents.value).toContain("rule modus_ponens(T; TA, TB, k, k1, k2):");
    expect(rule?.contents.value).toContain("proved(TB, k) -: is_impl(T, TA, TB)");
    expect(await hover("rules.bm", RULES, "-:")).toBeNull();
  });

  it("goes to the definitions of relations, rules and imported files", async () => {
    const definition = async (name: string, text: string, needle: string, skip = 1) =>
      (await client.sendRequest("textDocument/definition", {
        textDocument: { uri: uri(name) },
        position: at(text, needle, skip),
      })) as
        | { uri: string; range: { start: { line: number; character: number } } }[]
        | {
            uri: string;
          };
    expect(await definition("rules.bm", RULES, "is_impl(T, TA, TB)")).toEqual([
      { uri: uri("lib.bm"), range: expect.objectContaining({ start: at(LIB, "is_impl") }) },
    ]);
    expect(await definition("rules.bm", RULES, '"./lib.bm"', 3)).toMatchObject({
      uri: uri("lib.bm"),
    });
    expect(await definition("proof.bmt", SMALL_TRANSCRIPT, "def_impl(3")).toEqual([
      { uri: uri("rules.bm"), range: expect.objectContaining({ start: at(RULES, "def_impl") }) },
    ]);
  });

  it("completes relation and rule names: rules only in transcripts", async () => {
    const complete = async (name: string) =>
      (
        (await client.sendRequest("textDocument/completion", {
          textDocument: { uri: uri(name) },
          position: { line: 0, character: 0 },
        })) as { label: string; detail: string }[]
      ).map((i) => i.label);
    expect(await complete("rules.bm")).toEqual([
      "assert",
      "def_atom",
      "def_impl",
      "demand",
      "is_impl",
      "modus_ponens",
      "proved",
      "wf_term",
    ]);
    expect(await complete("proof.bmt")).toEqual([
      "assert",
      "def_atom",
      "def_impl",
      "demand",
      "modus_ponens",
    ]);
  });

  it("formats as bmc fmt does, and leaves text that does not parse alone", async () => {
    const messy = SMALL_TRANSCRIPT.replace("  demand(2)", "demand( 2 )");
    await change("proof.bmt", messy);
    const format = () =>
      client.sendRequest("textDocument/formatting", {
        textDocument: { uri: uri("proof.bmt") },
        options: { tabSize: 2, insertSpaces: true },
      }) as Promise<{ newText: string }[]>;
    const edits = await format();
    expect(edits.map((e) => e.newText)).toEqual([SMALL_TRANSCRIPT]);
    await change("proof.bmt", "public:\n  demand(2\n");
    expect(await format()).toEqual([]);
    await change("proof.bmt", SMALL_TRANSCRIPT);
  });
});

describe("editors/vscode", () => {
  it("ships the grammar files of grammar/, unchanged", () => {
    for (const name of [
      "bm.tmLanguage.json",
      "bmt.tmLanguage.json",
      "language-configuration.json",
    ]) {
      const copy = readFileSync(join("editors", "vscode", "grammar", name), "utf8");
      expect(JSON.parse(copy), name).toEqual(
        JSON.parse(readFileSync(join("grammar", name), "utf8")),
      );
    }
    const manifest = JSON.parse(readFileSync("editors/vscode/package.json", "utf8"));
    expect(manifest.contributes.grammars.map((g: { path: string }) => g.path)).toEqual([
      "./grammar/bm.tmLanguage.json",
      "./grammar/bmt.tmLanguage.json",
    ]);
  });
});

describe("bmc lsp", () => {
  it("answers initialize on stdin and stdout", async () => {
    const child = spawn(process.execPath, ["bin/bmc.js", "lsp"], {
      stdio: ["pipe", "pipe", "pipe"],
    });
    const lsp = createProtocolConnection(
      new StreamMessageReader(child.stdout),
      new StreamMessageWriter(child.stdin),
    );
    lsp.listen();
    try {
      const init = (await lsp.sendRequest("initialize", {
        processId: null,
        rootUri: null,
        capabilities: {},
      })) as { serverInfo: { name: string } };
      expect(init.serverInfo.name).toBe("bmc");
      await lsp.sendRequest("shutdown");
      const exited = new Promise<number | null>((done) => child.on("exit", done));
      await lsp.sendNotification("exit");
      expect(await exited).toBe(0);
    } finally {
      lsp.dispose();
      child.kill();
    }
  });
});
