/**
 * What the language server knows about a document, independent of the protocol: diagnostics
 * from the checker and the validator (the codes `bmc check` and `bmc validate` print), and the
 * symbols of a rule file and its imports (relations, rules, sorts, constructors) with where
 * they are defined and how they read. Files are read through a host that prefers the editor's
 * unsaved buffers to the disk.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { readTranscript } from "../api.js";
import {
  checkRuleFile,
  nodeHost,
  resolveImport,
  ruleText,
  type RuleSet,
  type SourceHost,
} from "../check/index.js";
import { loadRuleModules } from "../check/load.js";
import type { Diagnostic, Span } from "../diagnostics/index.js";
import { stdlibDir } from "../paths.js";
import type { ImportAst, Name, RuleFileAst } from "../syntax/index.js";
import { validateTranscript } from "../validate/index.js";

/** A host that reads open documents from the editor and everything else from the disk. */
export function overlayHost(open: ReadonlyMap<string, string>): SourceHost {
  return { readFile: (path) => open.get(resolve(path)) ?? nodeHost.readFile(path) };
}

export type SymbolKind = "relation" | "rule" | "sort" | "constructor";

export interface SymbolInfo {
  readonly kind: SymbolKind;
  readonly name: string;
  /** Where the name is defined. */
  readonly span: Span;
  /** How it reads, for hover and completion: a relation's or rule's signature. */
  readonly signature: string;
}

export interface RuleFileAnalysis {
  readonly diagnostics: Diagnostic[];
  /** Every relation, rule, sort and constructor of the file and its imports, by name. */
  readonly symbols: ReadonlyMap<string, SymbolInfo[]>;
  /** The imports of the file itself, with the file each one reads. */
  readonly imports: readonly { readonly ast: ImportAst; readonly target: string }[];
  readonly ruleSet?: RuleSet;
}

const nameList = (names: readonly Name[]) => names.map((n) => n.text).join(", ");

function addSymbol(symbols: Map<string, SymbolInfo[]>, symbol: SymbolInfo): void {
  const list = symbols.get(symbol.name) ?? [];
  list.push(symbol);
  symbols.set(symbol.name, list);
}

/** The symbols the rule files define, as written (also when the rules do not check). */
function symbolsOf(modules: readonly RuleFileAst[], ruleSet?: RuleSet): Map<string, SymbolInfo[]> {
  const symbols = new Map<string, SymbolInfo[]>();
  for (const module of modules) {
    for (const item of module.items) {
      if (item.kind === "relation") {
        const signature = `${item.unique ? "unique " : ""}relation ${item.name.text}(${nameList(item.params)}).`;
        addSymbol(symbols, {
          kind: "relation",
          name: item.name.text,
          span: item.name.span,
          signature,
        });
      } else if (item.kind === "rule") {
        const checked = ruleSet?.ruleByName.get(item.name.text);
        const header = item.hasSemicolon
          ? `${nameList(item.shown)}; ${nameList(item.hidden)}`
          : nameList(item.shown);
        const signature = checked
          ? ruleText(checked)
          : `${item.setup ? "setup " : ""}rule ${item.name.text}(${header})`;
        addSymbol(symbols, { kind: "rule", name: item.name.text, span: item.name.span, signature });
      } else if (item.kind === "sort") {
        const constructors = item.constructors.map((c) =>
          c.argSorts.length ? `${c.name.text}(${nameList(c.argSorts)})` : c.name.text,
        );
        const signature = `sort ${item.name.text} = ${constructors.join(" | ")}.`;
        addSymbol(symbols, { kind: "sort", name: item.name.text, span: item.name.span, signature });
        for (const [i, c] of item.constructors.entries()) {
          addSymbol(symbols, {
            kind: "constructor",
            name: c.name.text,
            span: c.name.span,
            signature: `${constructors[i]}: a constructor of sort ${item.name.text}`,
          });
        }
      }
    }
  }
  // Rules the checker made from sorts (def_impl, ...) are defined where their constructor is.
  for (const rule of ruleSet?.rules ?? []) {
    if (symbols.has(rule.name)) continue;
    addSymbol(symbols, {
      kind: "rule",
      name: rule.name,
      span: rule.nameSpan,
      signature: ruleText(rule),
    });
  }
  return symbols;
}

/** Checks a rule file as the editor has it, and collects its symbols. */
export function analyzeRuleFile(path: string, text: string, host: SourceHost): RuleFileAnalysis {
  const checked = checkRuleFile(path, { host, entryText: text });
  const loaded = loadRuleModules(path, { host, entryText: text });
  const entry = loaded.modules[loaded.modules.length - 1];
  const stdlib = stdlibDir();
  const imports = (entry?.items ?? [])
    .filter((item): item is ImportAst => item.kind === "import")
    .map((ast) => ({ ast, target: resolveImport(resolve(path), ast.path, stdlib) }));
  return {
    diagnostics: checked.diagnostics,
    symbols: symbolsOf(loaded.modules, checked.ruleSet),
    imports,
    ruleSet: checked.ruleSet,
  };
}

/**
 * The rule file a transcript is read against: the `rules` of the nearest bmc.json (up to the
 * folder of a package.json), else the only `.bm` file beside the transcript or one folder up
 * that no other one there imports (the layout of examples/: rules, transcripts, and an
 * invalid/ folder).
 */
export function rulesFileFor(transcriptPath: string): string | undefined {
  for (let dir = dirname(resolve(transcriptPath)); ; dir = dirname(dir)) {
    const project = join(dir, "bmc.json");
    if (existsSync(project)) {
      try {
        const rules = (JSON.parse(readFileSync(project, "utf8")) as { rules?: unknown }).rules;
        if (typeof rules === "string") return resolve(dir, rules);
      } catch {
        // An unreadable project file: fall back on the folder's rule file.
      }
      break;
    }
    if (existsSync(join(dir, "package.json")) || dirname(dir) === dir) break;
  }
  const here = dirname(resolve(transcriptPath));
  for (const dir of [here, dirname(here)]) {
    let names: string[];
    try {
      names = readdirSync(dir).filter((n) => n.endsWith(".bm"));
    } catch {
      continue;
    }
    const entries = entryRuleFiles(dir, names);
    if (entries.length === 1) return entries[0];
    if (entries.length > 1) return undefined;
  }
  return undefined;
}

/** The rule files of a folder that no other rule file there imports. */
function entryRuleFiles(dir: string, names: readonly string[]): string[] {
  const paths = names.map((n) => join(dir, n));
  const imported = new Set<string>();
  for (const path of paths) {
    const text = nodeHost.readFile(path) ?? "";
    for (const m of text.matchAll(/\bimport\s+"([^"]+)"/g)) {
      if (m[1].startsWith(".")) imported.add(resolveImport(path, m[1], ""));
    }
  }
  return paths.filter((p) => !imported.has(p));
}

export interface TranscriptAnalysis {
  readonly rulesFile?: string;
  /** The transcript's own diagnostics, or the rule file's errors when it does not check. */
  readonly diagnostics: Diagnostic[];
  readonly rules?: RuleFileAnalysis;
}

/** Reads and validates a transcript as the editor has it, against its rule file. */
export function analyzeTranscript(
  path: string,
  text: string,
  host: SourceHost,
): TranscriptAnalysis {
  const rulesFile = rulesFileFor(path);
  if (!rulesFile) return { diagnostics: [] };
  const rulesText = host.readFile(rulesFile);
  if (rulesText === undefined) return { rulesFile, diagnostics: [] };
  const rules = analyzeRuleFile(rulesFile, rulesText, host);
  if (!rules.ruleSet) return { rulesFile, rules, diagnostics: rules.diagnostics };
  const parsed = readTranscript(path, rules.ruleSet, { text });
  const diagnostics = [...parsed.diagnostics];
  if (parsed.transcript) diagnostics.push(...validateTranscript(parsed.transcript).diagnostics);
  return { rulesFile, rules, diagnostics };
}

/** The identifier at an offset of a text (letters, digits, `_`), with where it starts. */
export function wordAt(text: string, offset: number): { word: string; start: number } | undefined {
  const isWord = (c: string | undefined) => c !== undefined && /[A-Za-z0-9_]/.test(c);
  let start = offset;
  while (start > 0 && isWord(text[start - 1])) start--;
  let end = offset;
  while (isWord(text[end])) end++;
  if (end === start || /[0-9]/.test(text[start])) return undefined;
  return { word: text.slice(start, end), start };
}
