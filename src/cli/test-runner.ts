/**
 * `bmc test`: runs every transcript of the project (bmc.json) against the verdict its
 * comments state: `// expect: valid`, `// expect: invalid`, or `// expect: CODE line N`, one
 * per error it must give (exactly those). With --prove, the project is compiled (keys are kept
 * when the circuit is unchanged; groth16 gets development keys when it has none), every valid
 * transcript is proved and its proof verified, and every invalid one must be refused.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { validateFiles } from "../api.js";
import { proveFold, proveGroth16, verifyProofText, VKEY, ZKEY } from "../prove/index.js";
import { compileCommand } from "./compile.js";
import { projectTranscripts } from "./project.js";
import { setupCommand } from "./prove.js";
import { CommandError, EXIT, UsageError, type CommandContext } from "./types.js";

export interface Expectation {
  readonly valid: boolean;
  /** `CODE line N`, sorted, when the comments name the errors. */
  readonly errors?: string[];
}

/** The verdict a transcript's `// expect:` comments state; valid when there is none. */
export function expectationOf(text: string): Expectation | string {
  const said = [...text.matchAll(/^\s*\/\/\s*expect:\s*(.*?)\s*$/gm)].map((m) => m[1]);
  if (!said.length) return { valid: true };
  if (said.length === 1 && (said[0] === "valid" || said[0] === "invalid"))
    return { valid: said[0] === "valid" };
  const errors: string[] = [];
  for (const s of said) {
    const m = /^(BM\d{4}) line (\d+)$/.exec(s);
    if (!m) return `\`// expect: ${s}\`: expected valid, invalid, or CODE line N`;
    errors.push(`${m[1]} line ${m[2]}`);
  }
  return { valid: false, errors: errors.sort() };
}

interface Outcome {
  file: string;
  ok: boolean;
  expected: string;
  got: string;
  proved?: boolean;
}

export async function testCommand(c: CommandContext): Promise<number> {
  const project = c.project();
  if (!project) {
    throw new UsageError(
      "BM0922",
      "bmc test runs a project's transcripts: there is no bmc.json here",
      "bmc init makes the current folder a project",
    );
  }
  if (!project.rules) throw new CommandError(`bmc.json names no "rules"`, "BM0912");
  const rules = project.rules;
  const outcomes: Outcome[] = [];
  const transcripts = projectTranscripts(project);
  for (const file of transcripts) {
    const expectation = expectationOf(readFileSync(file, "utf8"));
    if (typeof expectation === "string") {
      outcomes.push({ file, ok: false, expected: expectation, got: "" });
      continue;
    }
    const r = validateFiles(rules, file, { maxErrors: c.maxErrors });
    const got = r.diagnostics
      .filter((d) => d.severity === "error")
      .map((d) => `${d.code} line ${d.span ? d.span.file.position(d.span.start).line : "?"}`)
      .sort();
    const ok = expectation.errors
      ? !r.valid && JSON.stringify(got) === JSON.stringify(expectation.errors)
      : r.valid === expectation.valid;
    outcomes.push({
      file,
      ok,
      expected: expectation.errors?.join(", ") ?? (expectation.valid ? "valid" : "invalid"),
      got: r.valid ? "valid" : got.join(", ") || "invalid",
    });
  }
  if (c.bool("prove") && outcomes.every((o) => o.ok)) await proveAll(c, outcomes);
  const failed = outcomes.filter((o) => !o.ok).length;
  if (c.json) {
    c.printJson({ ok: failed === 0 && transcripts.length > 0, results: outcomes });
  } else {
    for (const o of outcomes) {
      const proved =
        o.proved === undefined
          ? ""
          : o.proved
            ? ", proved and verified"
            : ", refused by the prover";
      c.io.out(
        o.ok
          ? `ok   ${o.file}: ${o.got}${proved}\n`
          : `FAIL ${o.file}: expected ${o.expected}; got ${o.got || "nothing"}\n`,
      );
    }
    c.io.out(
      transcripts.length
        ? `${outcomes.length - failed} passed, ${failed} failed\n`
        : `no transcripts: bmc.json's "transcripts" names none\n`,
    );
  }
  return failed || !transcripts.length ? EXIT.invalid : EXIT.ok;
}

async function proveAll(c: CommandContext, outcomes: Outcome[]): Promise<void> {
  const project = c.project()!;
  if (!project.build)
    throw new CommandError(`bmc.json names no "build" folder to prove with`, "BM0912");
  const build = project.build;
  const backend = c.str("backend") ?? project.backend ?? "groth16";
  if (backend !== "groth16" && backend !== "fold")
    throw new UsageError("BM0922", `unknown backend \`${backend}\``, "available: groth16, fold");
  const compiled = await compileCommand({
    rulesPath: project.rules!,
    outDir: build,
    slots: project.slots,
    publicSlots: project.publicSlots,
    progress: c.progress,
  });
  if (!compiled.ok) {
    c.print(compiled.diagnostics);
    throw new CommandError(
      `cannot compile ${project.rules} into ${build}: ${compiled.messages.join("; ") || "see above"}`,
      "BM0902",
    );
  }
  if (backend === "groth16" && !(existsSync(join(build, ZKEY)) && existsSync(join(build, VKEY))))
    await setupCommand(build, undefined, true, c.progress);
  for (const o of outcomes) {
    c.progress?.(`test: proving ${o.file} (${backend})`);
    const r =
      backend === "fold"
        ? await proveFold(build, o.file, { onProgress: c.progress })
        : await proveGroth16(build, o.file, { onProgress: c.progress });
    const shouldProve = o.got === "valid";
    if (!r.proof) {
      o.proved = false;
      if (shouldProve) {
        o.ok = false;
        o.got = `valid, but the prover refused it: ${r.diagnostics.map((d) => `${d.code} ${d.message}`).join("; ")}`;
      }
      continue;
    }
    const verdict = await verifyProofText(build, JSON.stringify(r.proof));
    o.proved = verdict.valid;
    if (!shouldProve || !verdict.valid) {
      o.ok = false;
      o.got = shouldProve
        ? `a proof that does not verify (${verdict.reason})`
        : "invalid, yet the prover proved it";
    }
  }
}
