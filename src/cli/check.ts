/**
 * `bmc check`: parse and check a rule file and its imports. A module of its own, loaded when
 * the command runs (commands.ts), so that it loads the checker and nothing of later stages.
 */
import { checkRuleFile, printRuleSet } from "../check/index.js";
import { hasErrors } from "../diagnostics/index.js";
import { plural } from "./messages.js";
import { EXIT, type CommandContext } from "./types.js";

export async function runCheck(c: CommandContext): Promise<number> {
  const [rulesPath] = c.args;
  const result = checkRuleFile(rulesPath);
  const failed =
    hasErrors(result.diagnostics) || (c.bool("deny-warnings") && result.diagnostics.length > 0);
  const rs = result.ruleSet;
  if (c.json) {
    c.printJson({
      ok: !failed,
      ...c.jsonDiagnostics(result.diagnostics),
      relations: rs?.relations.length,
      rules: rs?.rules.length,
      expanded: c.bool("expand") && rs ? printRuleSet(rs) : undefined,
    });
    return failed ? EXIT.invalid : EXIT.ok;
  }
  c.print(result.diagnostics);
  if (c.bool("expand") && rs) c.io.out(printRuleSet(rs));
  else if (!c.quiet && rs) {
    const warnings = result.diagnostics.length;
    c.io.out(
      `${rulesPath}: ${plural(rs.rules.length, "rule")}, ${plural(rs.relations.length, "relation")}, ` +
        `${plural(rs.files.length, "file")}, ${warnings ? plural(warnings, "warning") : "no warnings"}\n`,
    );
  }
  return failed ? EXIT.invalid : EXIT.ok;
}
