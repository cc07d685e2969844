/**
 * Stage 2 of the pipeline: from a rule file path to a checked RuleSet plus diagnostics.
 *   load (read + parse every imported file) -> resolve (names, arities, variables)
 *   -> circularity lint.
 * The RuleSet is returned only when there are no errors (warnings allowed).
 */
import { hasErrors, sortDiagnostics, type Diagnostic } from "../diagnostics/index.js";
import { checkCircularity } from "./circularity.js";
import { expandModules } from "./expand.js";
import { loadRuleModules, type LoadOptions } from "./load.js";
import type { RuleSet } from "./model.js";
import { linkSorts, resolveRuleSet } from "./resolve.js";

export type * from "./model.js";
export { FIELD_SORT, type ConstructorInfo, type SortTable } from "./expand.js";
export { printRuleSet, relationText, ruleText, termText } from "./print.js";
export { nodeHost, resolveImport, type LoadOptions, type SourceHost } from "./load.js";

export interface CheckResult {
  readonly ruleSet?: RuleSet;
  readonly diagnostics: Diagnostic[];
  /** Every file read, as shown in diagnostics, entry first if it could be read. */
  readonly files: string[];
}

export function checkRuleFile(path: string, options: LoadOptions = {}): CheckResult {
  const loaded = loadRuleModules(path, options);
  const diagnostics = [...loaded.diagnostics];
  const files = loaded.modules.map((m) => m.file.path).reverse();
  if (loaded.modules.length === 0) return { diagnostics: sortDiagnostics(diagnostics), files };
  const expanded = expandModules(loaded.modules, diagnostics);
  const resolved = resolveRuleSet(
    expanded.modules,
    diagnostics,
    new Set(expanded.sorts.constructors.keys()),
  );
  if (hasErrors(diagnostics)) return { diagnostics: sortDiagnostics(diagnostics), files };
  const ruleSet = linkSorts(resolved, expanded.sorts);
  diagnostics.push(...checkCircularity(ruleSet));
  return {
    ruleSet,
    diagnostics: sortDiagnostics(diagnostics),
    files,
  };
}
