/** `bmc compile`: rules -> Circom -> R1CS, witness generator and manifest, in a build folder. */
import { checkRuleFile } from "../check/index.js";
import {
  compileProgram,
  defaultShape,
  parseSlotCounts,
  type SegmentShape,
} from "../circuits/index.js";
import { diagnostic, hasErrors, type Diagnostic } from "../diagnostics/index.js";
import { lowerRuleSet } from "../lower/index.js";
import { readTranscript } from "../api.js";

export interface CompileCommandOptions {
  readonly rulesPath: string;
  readonly outDir: string;
  readonly slots?: string;
  readonly publicSlots?: string;
  /** A transcript to size the segment for: exactly its blocks per rule, public and private. */
  readonly fit?: string;
  readonly optimize?: 1 | 2;
  readonly progress?: (message: string) => void;
}

export interface CompileCommandResult {
  readonly ok: boolean;
  readonly diagnostics: Diagnostic[];
  readonly shape?: SegmentShape;
  readonly stats?: {
    readonly slots: number;
    readonly constraints?: { nonLinear?: number; linear?: number };
    readonly wires?: number;
  };
  /** Problems that are not diagnostics of a file (bad --slots, circom failures). */
  readonly messages: string[];
}

const DEFAULT_SLOTS = 4;

export async function compileCommand(
  options: CompileCommandOptions,
): Promise<CompileCommandResult> {
  const checked = checkRuleFile(options.rulesPath);
  const diagnostics = [...checked.diagnostics];
  const messages: string[] = [];
  if (!checked.ruleSet) return { ok: false, diagnostics, messages };
  const lowered = lowerRuleSet(checked.ruleSet);
  diagnostics.push(...lowered.diagnostics);
  if (!lowered.program || hasErrors(diagnostics)) return { ok: false, diagnostics, messages };
  const program = lowered.program;
  const names = program.rules.map((r) => r.name);
  let base = defaultShape(program, DEFAULT_SLOTS);
  if (options.fit) {
    const read = readTranscript(options.fit, checked.ruleSet);
    diagnostics.push(...read.diagnostics);
    if (!read.transcript) return { ok: false, diagnostics, messages };
    const t = read.transcript;
    const count = (isPublic: boolean) =>
      Object.fromEntries(
        program.rules.map((r) => {
          let n = 0;
          for (let b = 0; b < t.blockCount; b++)
            if (t.rule[b] === r.index && !!t.isPublic[b] === isPublic) n++;
          return [r.name, n];
        }),
      );
    base = { slots: count(false), publicSlots: count(true) };
  }
  const slots = parseSlotCounts(options.slots ?? "", names);
  const publicSlots = parseSlotCounts(options.publicSlots ?? "", names);
  messages.push(
    ...slots.errors.map((e) => `--slots: ${e}`),
    ...publicSlots.errors.map((e) => `--public-slots: ${e}`),
  );
  for (const [rule, n] of Object.entries(slots.counts)) {
    if (n > 0 && program.rules.find((r) => r.name === rule)?.setup) {
      messages.push(
        `--slots: \`${rule}\` is a setup rule; its blocks are public only (use --public-slots)`,
      );
    }
  }
  if (messages.length) return { ok: false, diagnostics, messages };
  const shape: SegmentShape = {
    slots: { ...base.slots, ...slots.counts },
    publicSlots: { ...base.publicSlots, ...publicSlots.counts },
  };
  options.progress?.("compile: lowering done, running circom2");
  const result = await compileProgram(program, {
    rulesFile: options.rulesPath,
    outDir: options.outDir,
    shape,
    optimize: options.optimize,
    onProgress: options.progress,
  });
  if (!result.ok) {
    for (const e of result.circom?.errors ?? []) {
      // Errors in generated code are bmc's bugs; say where, so they can be reported.
      const at = e.file ? ` (${e.file}${e.line ? `:${e.line}:${e.column}` : ""})` : "";
      diagnostics.push(diagnostic("BM0502", `circom2: ${e.message}${at}`));
    }
    return { ok: false, diagnostics, messages, shape };
  }
  return {
    ok: true,
    diagnostics,
    messages,
    shape,
    stats: {
      slots: result.emitted.slots.length,
      constraints: result.circom?.constraints,
      wires: result.circom?.wires,
    },
  };
}
