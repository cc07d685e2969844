/**
 * Reads a rule file and everything it imports. Import paths that start with `./` or `../` are
 * relative to the importing file; any other path names a stdlib module (`import "graph".`
 * reads stdlib/graph.bm). `.bm` is appended when missing. Each file is read once however many
 * files import it; a cycle of imports is an error at the import that closes it.
 */
import { readFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { diagnostic, SourceFile, type Diagnostic } from "../diagnostics/index.js";
import { stdlibDir } from "../paths.js";
import { parseRuleFile } from "../syntax/index.js";
import type { RuleFileAst } from "../syntax/index.js";

/** How the checker reads files; programs can supply their own (e.g. an editor's buffers). */
export interface SourceHost {
  /** The file's text, or undefined when it does not exist or cannot be read. */
  readFile(absolutePath: string): string | undefined;
}

export const nodeHost: SourceHost = {
  readFile(path) {
    try {
      return readFileSync(path, "utf8");
    } catch {
      return undefined;
    }
  },
};

export interface LoadedModules {
  /** Every file in dependency order: a file comes after all the files it imports. */
  readonly modules: RuleFileAst[];
  readonly diagnostics: Diagnostic[];
}

export interface LoadOptions {
  host?: SourceHost;
  /** Folder that bare import names resolve in; bmc's stdlib/ by default. */
  stdlib?: string;
  /** Text of the entry file, when it is not read from disk (tests, editors). */
  entryText?: string;
}

export function resolveImport(fromFile: string, spec: string, stdlib: string): string {
  const withExt = spec.endsWith(".bm") ? spec : spec + ".bm";
  if (spec.startsWith("./") || spec.startsWith("../") || isAbsolute(spec)) {
    return resolve(dirname(fromFile), withExt);
  }
  return join(stdlib, withExt);
}

/** Shown paths stay as the user wrote them where possible, relative to the working folder. */
function displayPath(absolute: string): string {
  const rel = relative(process.cwd(), absolute);
  return rel.startsWith("..") || isAbsolute(rel) ? absolute : rel;
}

export function loadRuleModules(entryPath: string, options: LoadOptions = {}): LoadedModules {
  const host = options.host ?? nodeHost;
  const stdlib = options.stdlib ?? stdlibDir();
  const diagnostics: Diagnostic[] = [];
  const modules: RuleFileAst[] = [];
  const state = new Map<string, "loading" | "done">();

  const visit = (absolute: string, shown: string, text: string): void => {
    state.set(absolute, "loading");
    const parsed = parseRuleFile(new SourceFile(shown, text));
    diagnostics.push(...parsed.diagnostics);
    for (const item of parsed.ast.items) {
      if (item.kind !== "import") continue;
      const target = resolveImport(absolute, item.path, stdlib);
      const seen = state.get(target);
      if (seen === "loading") {
        diagnostics.push(
          diagnostic(
            "BM0114",
            `import cycle: "${item.path}" is already being imported`,
            item.pathSpan,
            {
              help: "move the shared declarations into a file that both can import",
            },
          ),
        );
        continue;
      }
      if (seen === "done") continue;
      const importedText = host.readFile(target);
      if (importedText === undefined) {
        const bare = !/^(\.\.?\/|\/)/.test(item.path);
        diagnostics.push(
          diagnostic(
            "BM0113",
            `cannot find "${item.path}" (looked for ${displayPath(target)})`,
            item.pathSpan,
            {
              help: bare
                ? 'a bare name is a stdlib module; write "./name" for a file next to this one'
                : undefined,
            },
          ),
        );
        continue;
      }
      visit(target, displayPath(target), importedText);
    }
    state.set(absolute, "done");
    modules.push(parsed.ast);
  };

  const absolute = resolve(entryPath);
  const text = options.entryText ?? host.readFile(absolute);
  if (text === undefined) {
    diagnostics.push(diagnostic("BM0901", `cannot read ${entryPath}`));
    return { modules, diagnostics };
  }
  visit(absolute, entryPath, text);
  return { modules, diagnostics };
}
