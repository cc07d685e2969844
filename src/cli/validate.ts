/**
 * `bmc validate` and `bmc build`: the native checker, without circuits or proofs. A module of
 * their own, loaded when the command runs (commands.ts), so that they load no prover, circuit
 * compiler or formatter.
 */
import { buildFile, validateFiles } from "../api.js";
import { diagnostic, hasErrors } from "../diagnostics/index.js";
import { errorReason, writeFileAtomic } from "./files.js";
import { plural } from "./messages.js";
import { checkOutputFile } from "./outputs.js";
import { EXIT, type CommandContext } from "./types.js";

export async function runValidate(c: CommandContext): Promise<number> {
  const [rulesPath, transcriptPath] = c.args;
  const result = validateFiles(rulesPath, transcriptPath, { maxErrors: c.maxErrors });
  const errorCount = (result.validation?.errorCount ?? 0) + (result.parsed?.errorCount ?? 0);
  if (c.json) {
    c.printJson({
      valid: result.valid,
      ...c.jsonDiagnostics(result.diagnostics),
      errors: result.validation?.errors ?? [],
      errorCount,
      stats: result.validation?.stats,
    });
    return result.valid ? EXIT.ok : EXIT.invalid;
  }
  c.print(result.diagnostics);
  const v = result.validation;
  if (v && v.errorCount > v.errors.length) {
    c.io.err(
      `... and ${v.errorCount - v.errors.length} more errors (raise --max-errors to see them)\n`,
    );
  }
  if (!c.quiet && v) {
    const s = v.stats;
    if (v.valid) c.io.out(`valid: ${transcriptPath} is a valid transcript for ${rulesPath}\n`);
    else c.io.out(`invalid: ${transcriptPath}: ${plural(v.errorCount, "error")}\n`);
    const perRule = Object.entries(s.blocksPerRule)
      .filter(([, n]) => n > 0)
      .map(([r, n]) => `${r} ${n}`)
      .join(", ");
    c.io.out(
      `  ${plural(s.blocks, "block")} (${s.publicBlocks} public): ${perRule || "none"}\n` +
        `  ${plural(s.hypotheses, "hypothesis", "hypotheses")}, ${plural(s.conclusions, "conclusion")} ` +
        `(${plural(s.distinctClaims, "distinct claim")}), ${plural(s.uniqueClaims, "unique claim")}\n`,
    );
  }
  return result.valid ? EXIT.ok : EXIT.invalid;
}

export async function runBuild(c: CommandContext): Promise<number> {
  const [rulesPath, proofPath] = c.args;
  const out = c.str("output");
  if (out) checkOutputFile(out, [".bmt"], [rulesPath, proofPath]);
  const result = buildFile(rulesPath, proofPath, { transcriptPath: out });
  if (result.text !== undefined && out) {
    try {
      writeFileAtomic(out, result.text);
    } catch (error) {
      const reason = errorReason(error);
      result.diagnostics.push(diagnostic("BM0902", `cannot write ${out} (${reason})`));
      if (c.json) c.printJson({ valid: false, ...c.jsonDiagnostics(result.diagnostics) });
      else c.print(result.diagnostics);
      return EXIT.invalid;
    }
  }
  if (c.json) {
    c.printJson({
      valid: result.valid,
      ...c.jsonDiagnostics(result.diagnostics),
      blocks: result.blocks.length,
      stats: result.validation?.stats,
      transcript: out ? undefined : result.text,
    });
    return result.valid ? EXIT.ok : EXIT.invalid;
  }
  c.print(result.diagnostics);
  if (result.text !== undefined && !out) c.io.out(result.text);
  else if (result.text !== undefined && !c.quiet) {
    c.io.out(
      `${result.valid ? "built" : "built, but not valid"}: ${out} (${plural(result.blocks.length, "block")})\n`,
    );
  }
  return result.valid ? EXIT.ok : EXIT.invalid;
}
