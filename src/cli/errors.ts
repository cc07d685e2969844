/**
 * How a command that failed by throwing is reported: a DiagnosticError (a missing, damaged or
 * misplaced file, found wherever it was read) is one coded message with its exit code, as
 * text or, with --json, as JSON on stdout; anything else is a bug in bmc (exit 3).
 */
import {
  DiagnosticError,
  diagnosticToJson,
  renderDiagnostics,
  type Diagnostic,
} from "../diagnostics/index.js";

interface ErrorIO {
  out(text: string): void;
  err(text: string): void;
  color: boolean;
}

/** Prints the diagnostics of a failed command, as JSON or as text. */
export function reportDiagnostics(diagnostics: Diagnostic[], json: boolean, io: ErrorIO): void {
  if (json) {
    io.out(
      JSON.stringify({ ok: false, diagnostics: diagnostics.map(diagnosticToJson) }, null, 2) + "\n",
    );
  } else {
    io.err(renderDiagnostics(diagnostics, { color: io.color }) + "\n");
  }
}

/** The exit code for an error thrown by a command, after reporting it. */
export function reportFailure(error: unknown, json: boolean, io: ErrorIO): number {
  if (error instanceof DiagnosticError) {
    reportDiagnostics([error.diagnostic], json, io);
    return error.exitCode;
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  if (json) {
    io.out(
      JSON.stringify(
        { ok: false, internalError: error instanceof Error ? error.message : String(error) },
        null,
        2,
      ) + "\n",
    );
  }
  io.err(
    `bmc: internal error, this is a bug in bmc; please report it with the input.\n${detail}\n`,
  );
  return 3;
}
