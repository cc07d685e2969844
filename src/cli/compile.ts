/**
 * `bmc compile`: rules -> Circom -> R1CS, witness generator and manifest, in a build folder,
 * plus TypeScript bindings for the rules (src/bindings; written here, not by src/circuits,
 * which knows nothing of them). `bmc compile --watch` compiles again on every change.
 */
import { mkdirSync, rmSync, watch, writeFileSync, type FSWatcher } from "node:fs";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { generateBindings } from "../bindings/index.js";
import { checkRuleFile, type RuleSet } from "../check/index.js";
import {
  compileProgram,
  defaultShape,
  parseSlotCounts,
  type SegmentShape,
} from "../circuits/index.js";
import { groupOfRule, ruleGroups } from "../circuits/groups.js";
import { diagnostic, hasErrors, type Diagnostic } from "../diagnostics/index.js";
import { lowerRuleSet, type LoweredProgram } from "../lower/index.js";
import { loadManifest } from "../prove/build-folder.js";
import { readTranscript } from "../api.js";
import type { Transcript } from "../transcript/model.js";
import { constraintStats, type MainConstraints } from "../witness/stats.js";
import { writeFileAtomic } from "./files.js";
import { plural } from "./messages.js";
import {
  carryKeys,
  checkBuildFolder,
  checkOutputFile,
  replaceFolder,
  stagingPath,
  writeBuildMarker,
  type KeysFate,
} from "./outputs.js";
import { bmcVersion, CommandError, EXIT, UsageError, type CommandContext } from "./types.js";

const isInside = (path: string, folder: string) => path === folder || path.startsWith(folder + sep);

export interface CompileCommandOptions {
  readonly rulesPath: string;
  readonly outDir: string;
  readonly slots?: string;
  readonly publicSlots?: string;
  /**
   * Shared slots, `rule=N,...`: N slots that each run any rule of `rule`'s group (rules of one
   * shape; docs/circuits.md, "Shared slots"), named by any member.
   */
  readonly shared?: string;
  /** A transcript to size the segment for: exactly its blocks per rule, public and private. */
  readonly fit?: string;
  readonly optimize?: 1 | 2;
  readonly progress?: (message: string) => void;
  /** Where the TypeScript bindings go; default `bindings.ts` in the build folder. */
  readonly bindings?: string;
  /** The module specifier the bindings import bmc from (default "bmc"). */
  readonly bindingsImport?: string;
}

export interface CompileCommandResult {
  readonly ok: boolean;
  readonly diagnostics: Diagnostic[];
  readonly shape?: SegmentShape;
  readonly stats?: {
    readonly slots: number;
    readonly constraints?: { nonLinear?: number; linear?: number };
    readonly wires?: number;
    /** The folding circuit's (`fold.circom`). */
    readonly foldConstraints?: { nonLinear?: number; linear?: number };
  };
  /** Problems that are not diagnostics of a file (bad --slots, circom failures). */
  readonly messages: string[];
  /** The bindings file written, when the compile succeeded. */
  readonly bindings?: string;
  /** Every rule file read (entry first), and the --fit transcript: what --watch watches. */
  readonly inputs: string[];
  /** What became of the Groth16 keys of the build folder this compile replaced. */
  readonly keys?: KeysFate;
}

const DEFAULT_SLOTS = 4;

export async function compileCommand(
  options: CompileCommandOptions,
): Promise<CompileCommandResult> {
  const checked = checkRuleFile(options.rulesPath);
  const diagnostics = [...checked.diagnostics];
  const messages: string[] = [];
  const inputs = [...checked.files, ...(options.fit ? [options.fit] : [])];
  const failed = (shape?: SegmentShape): CompileCommandResult => ({
    ok: false,
    diagnostics,
    messages,
    ...(shape ? { shape } : {}),
    inputs,
  });
  const lowered = lowerWithBaseShape(checked, options, diagnostics);
  if (!lowered) return failed();
  const { program, base } = lowered;
  const requested = requestedSlots(program, options);
  messages.push(...requested.errors);
  if (messages.length) return failed();
  const folder = asDiagnostic(() => checkBuildFolder(options.outDir, inputs));
  if ("problem" in folder) {
    diagnostics.push(folder.problem);
    return failed();
  }
  const shape: SegmentShape = {
    slots: { ...base.slots, ...requested.slots },
    publicSlots: { ...base.publicSlots, ...requested.publicSlots },
    // Without --shared the shape is as before, and so are its digest and keys.
    ...(Object.keys(requested.shared).length ? { shared: requested.shared } : {}),
  };
  // Generated before the circuits, so that a failure leaves no build folder behind.
  const bindings = await prepareBindings(lowered.ruleSet, options, inputs);
  if ("problem" in bindings) {
    diagnostics.push(bindings.problem);
    return failed(shape);
  }
  options.progress?.("compile: lowering done, running circom2");
  const built = await writeBuildFolder(
    program,
    options,
    shape,
    bindings.value,
    folder.value.previous,
  );
  diagnostics.push(...built.diagnostics);
  if (!built.written) return failed(shape);
  return {
    ok: true,
    diagnostics,
    messages,
    shape,
    inputs,
    bindings: bindings.value.path,
    stats: built.written.stats,
    keys: built.written.keys,
  };
}

/**
 * The checked rules lowered, and the shape that the slot options start from: DEFAULT_SLOTS
 * per rule, or with --fit the transcript's blocks. Undefined when a diagnostic (added to
 * `diagnostics`) stops the compile.
 */
function lowerWithBaseShape(
  checked: ReturnType<typeof checkRuleFile>,
  options: CompileCommandOptions,
  diagnostics: Diagnostic[],
): { ruleSet: RuleSet; program: LoweredProgram; base: SegmentShape } | undefined {
  if (!checked.ruleSet) return undefined;
  const lowered = lowerRuleSet(checked.ruleSet);
  diagnostics.push(...lowered.diagnostics);
  if (!lowered.program || hasErrors(diagnostics)) return undefined;
  const program = lowered.program;
  let base = defaultShape(program, DEFAULT_SLOTS);
  if (options.fit) {
    const read = readTranscript(options.fit, checked.ruleSet);
    diagnostics.push(...read.diagnostics);
    if (!read.transcript) return undefined;
    base = transcriptShape(program, read.transcript);
  }
  return { ruleSet: checked.ruleSet, program, base };
}

/** Runs `step`; a CommandError it throws becomes a diagnostic (anything else is a bug). */
function asDiagnostic<T>(step: () => T): { value: T } | { problem: Diagnostic } {
  try {
    return { value: step() };
  } catch (error) {
    if (!(error instanceof CommandError)) throw error;
    return { problem: diagnostic(error.code, error.message, undefined, { help: error.help }) };
  }
}

/** `--fit`: a shape with exactly the transcript's blocks per rule, public and private. */
function transcriptShape(program: LoweredProgram, t: Transcript): SegmentShape {
  const count = (isPublic: boolean) =>
    Object.fromEntries(
      program.rules.map((r) => {
        let n = 0;
        for (let b = 0; b < t.blockCount; b++)
          if (t.rule[b] === r.index && !!t.isPublic[b] === isPublic) n++;
        return [r.name, n];
      }),
    );
  return { slots: count(false), publicSlots: count(true) };
}

/** The slot counts of --slots, --public-slots and --shared, and what is wrong with them. */
function requestedSlots(
  program: LoweredProgram,
  options: CompileCommandOptions,
): {
  slots: Record<string, number>;
  publicSlots: Record<string, number>;
  shared: Record<string, number>;
  errors: string[];
} {
  const names = program.rules.map((r) => r.name);
  const slots = parseSlotCounts(options.slots ?? "", names);
  const publicSlots = parseSlotCounts(options.publicSlots ?? "", names);
  const errors = [
    ...slots.errors.map((e) => `--slots: ${e}`),
    ...publicSlots.errors.map((e) => `--public-slots: ${e}`),
  ];
  for (const [rule, n] of Object.entries(slots.counts)) {
    if (n > 0 && program.rules.find((r) => r.name === rule)?.setup) {
      errors.push(
        `--slots: \`${rule}\` is a setup rule; its blocks are public only (use --public-slots)`,
      );
    }
  }
  const shared = sharedSlotCounts(program, options.shared ?? "");
  errors.push(...shared.errors.map((e) => `--shared: ${e}`));
  return {
    slots: slots.counts,
    publicSlots: publicSlots.counts,
    shared: shared.counts,
    errors,
  };
}

interface BindingsOutput {
  readonly path: string;
  /** Inside the build folder: written into it before it replaces the old one. */
  readonly inBuild: boolean;
  readonly text: string;
}

/** Where the bindings go (refused if that is a file bmc did not make), and their text. */
async function prepareBindings(
  ruleSet: RuleSet,
  options: CompileCommandOptions,
  inputs: string[],
): Promise<{ value: BindingsOutput } | { problem: Diagnostic }> {
  const path = options.bindings ?? join(options.outDir, "bindings.ts");
  const inBuild = isInside(resolve(path), resolve(options.outDir));
  const checked = asDiagnostic(() => {
    if (!inBuild) checkOutputFile(path, [".ts"], inputs);
  });
  if ("problem" in checked) return checked;
  const text = await generateBindings(ruleSet, {
    importFrom: options.bindingsImport,
    rulesFile: options.rulesPath,
    buildDir: options.outDir,
  });
  return { value: { path, inBuild, text } };
}

/**
 * Compiles into a sibling of the build folder, which replaces it only when all is written (so
 * a failure leaves the old build as it was), then writes bindings that live outside it.
 */
async function writeBuildFolder(
  program: LoweredProgram,
  options: CompileCommandOptions,
  shape: SegmentShape,
  bindings: BindingsOutput,
  previous: boolean,
): Promise<{
  diagnostics: Diagnostic[];
  written?: { stats: CompileCommandResult["stats"]; keys: KeysFate };
}> {
  const staging = stagingPath(options.outDir, "bmc-new");
  rmSync(staging, { recursive: true, force: true });
  let keys: KeysFate = "none";
  try {
    const result = await compileProgram(program, {
      rulesFile: options.rulesPath,
      outDir: staging,
      shape,
      optimize: options.optimize,
      onProgress: options.progress,
    });
    if (!result.ok) {
      // Errors in generated code are bmc's bugs; say where, so they can be reported.
      const diagnostics = (result.circom?.errors ?? []).map((e) => {
        const at = e.file ? ` (${e.file}${e.line ? `:${e.line}:${e.column}` : ""})` : "";
        return diagnostic("BM0502", `circom2: ${e.message}${at}`);
      });
      return { diagnostics };
    }
    const inBuild = relative(resolve(options.outDir), resolve(bindings.path));
    if (bindings.inBuild) {
      mkdirSync(dirname(join(staging, inBuild)), { recursive: true });
      writeFileSync(join(staging, inBuild), bindings.text);
    }
    writeBuildMarker(staging, bmcVersion());
    if (previous) keys = carryKeys(options.outDir, staging);
    replaceFolder(staging, options.outDir);
    if (!bindings.inBuild) {
      mkdirSync(dirname(resolve(bindings.path)), { recursive: true });
      writeFileAtomic(bindings.path, bindings.text);
    }
    const stats = {
      slots: result.emitted.slots.length,
      constraints: result.circom?.constraints,
      wires: result.circom?.wires,
      foldConstraints: result.manifest?.fold?.constraints,
    };
    return { diagnostics: [], written: { stats, keys } };
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code;
    if (!reason) throw error;
    return { diagnostics: [diagnostic("BM0902", `cannot write ${options.outDir} (${reason})`)] };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * `--shared rule=N,...` as a shape's shared slots, by group leader: a rule names its group
 * (any member will do, once per group); a rule of no group is refused, with the groups there are.
 */
export function sharedSlotCounts(
  program: LoweredProgram,
  text: string,
): { counts: Record<string, number>; errors: string[] } {
  const parsed = parseSlotCounts(
    text,
    program.rules.map((r) => r.name),
  );
  const groupOf = groupOfRule(program);
  const counts: Record<string, number> = {};
  const named = new Map<string, string>();
  const errors = [...parsed.errors];
  for (const [rule, n] of Object.entries(parsed.counts)) {
    const group = groupOf[program.rules.find((r) => r.name === rule)!.index];
    if (!group) {
      const groups = ruleGroups(program).map(
        (g) => `${g.members.map((m) => program.rules[m].name).join(", ")}`,
      );
      errors.push(
        `\`${rule}\` is in no group: no other private rule has its shape (differs only in ` +
          `constants)` +
          (groups.length
            ? `; the groups are: ${groups.join("; ")}`
            : "; this rule set has no groups"),
      );
      continue;
    }
    const before = named.get(group.leader);
    if (before !== undefined) {
      errors.push(`\`${before}\` and \`${rule}\` are in one group: give its shared slots once`);
      continue;
    }
    named.set(group.leader, rule);
    if (n > 0) counts[group.leader] = n;
  }
  return { counts, errors };
}

/** The line `bmc compile` prints on success. */
export function compileSummary(outDir: string, result: CompileCommandResult): string {
  const c = result.stats?.constraints;
  return (
    `compiled: ${outDir} (${plural(result.stats?.slots ?? 0, "slot")}, ${c?.nonLinear ?? "?"} non-linear and ` +
    `${c?.linear ?? "?"} linear constraints, ${result.stats?.wires ?? "?"} wires` +
    (result.stats?.foldConstraints
      ? `; folding circuit ${result.stats.foldConstraints.nonLinear ?? "?"} non-linear and ${result.stats.foldConstraints.linear ?? "?"} linear)`
      : ")") +
    (result.bindings ? `; bindings: ${result.bindings}` : "") +
    (result.keys === "kept" ? "\nkeys: the circuit is unchanged; the Groth16 keys were kept" : "")
  );
}

/** What a compile that replaced a folder with keys says even with --quiet: they are gone. */
export function keysRemovedNote(result: CompileCommandResult): string | undefined {
  return result.keys === "invalidated"
    ? "keys: the circuit changed; the old Groth16 keys were removed (run bmc setup again)"
    : undefined;
}

export interface WatchOptions {
  /** Called after every compile, successful or not. */
  readonly report: (result: CompileCommandResult) => void;
  /** Progress and status lines (what is being watched, that it stopped). */
  readonly status?: (message: string) => void;
  /** Stops watching; watchCompile resolves once a compile under way has finished. */
  readonly signal: AbortSignal;
  /** Quiet time after the last change before compiling again, in ms (default 150). */
  readonly debounce?: number;
}

/**
 * Compiles, then compiles again whenever the rule file, a file it imports, or the --fit
 * transcript changes, until the signal aborts. Each folder holding one of those files is
 * watched (editors often save by renaming a new file over the old one, which a watch on the
 * file itself would miss); a new `.bm` file in one of them also triggers a compile, since it
 * may be an import that was missing. Changes during a compile cause one more compile after it.
 */
export async function watchCompile(
  options: CompileCommandOptions,
  watchOptions: WatchOptions,
): Promise<void> {
  const { report, status, signal } = watchOptions;
  let inputs = new Set<string>([resolve(options.rulesPath)]);
  const folders = new FolderWatchers((file, event) => {
    if (!file || inputs.has(file) || (event === "rename" && file.endsWith(".bm")))
      changes.schedule();
  });
  const compiles = oneAtATime(async () => {
    const result = await compileOrSayWhyNot(options, status);
    if (!result) return;
    report(result);
    inputs = new Set([resolve(options.rulesPath), ...result.inputs.map((f) => resolve(f))]);
    folders.follow(inputs);
    status?.(
      `watching ${inputs.size} file${inputs.size === 1 ? "" : "s"} for changes (Ctrl-C to stop)`,
    );
  }, signal);
  const changes = debounced(compiles.run, watchOptions.debounce ?? 150, signal);

  folders.follow(inputs);
  compiles.run();
  await aborted(signal);
  changes.cancel();
  folders.closeAll();
  await compiles.idle();
}

/** compileCommand's result; when it throws (a bug in bmc), says so and gives undefined. */
async function compileOrSayWhyNot(
  options: CompileCommandOptions,
  status: WatchOptions["status"],
): Promise<CompileCommandResult | undefined> {
  try {
    return await compileCommand(options);
  } catch (error) {
    // A bug in bmc should not end the session; say so and keep watching.
    status?.(`internal error, this is a bug in bmc: ${(error as Error).stack ?? error}`);
    return undefined;
  }
}

/**
 * One fs.watch per folder that holds a watched file, kept in step with the files: a watch on
 * the folder sees an editor's save by renaming a new file over the old one. `onChange` gets
 * the changed file's path (undefined when the platform does not say) and the event.
 */
class FolderWatchers {
  private readonly watchers = new Map<string, FSWatcher>();

  constructor(private readonly onChange: (file: string | undefined, event: string) => void) {}

  /** Watches exactly the folders of these files. */
  follow(files: ReadonlySet<string>): void {
    const dirs = new Set([...files].map((f) => dirname(f)));
    for (const [dir, watcher] of this.watchers) {
      if (!dirs.has(dir)) {
        watcher.close();
        this.watchers.delete(dir);
      }
    }
    for (const dir of dirs) if (!this.watchers.has(dir)) this.watch(dir);
  }

  private watch(dir: string): void {
    try {
      const watcher = watch(dir, (event, name) =>
        this.onChange(name ? join(dir, name.toString()) : undefined, event),
      );
      watcher.on("error", () => {
        watcher.close();
        this.watchers.delete(dir);
      });
      this.watchers.set(dir, watcher);
    } catch {
      // A folder that does not exist (yet): the next compile's inputs decide again.
    }
  }

  closeAll(): void {
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
  }
}

/**
 * Runs `task` on request, one run at a time: requests during a run make one more run after
 * it. Nothing starts once the signal has aborted; `idle` waits for a run under way.
 */
function oneAtATime(task: () => Promise<void>, signal: AbortSignal) {
  let running: Promise<void> | undefined;
  let again = false;
  const run = () => {
    if (signal.aborted) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        await task();
      } while (again && !signal.aborted);
    })().finally(() => (running = undefined));
  };
  return { run, idle: async () => await running };
}

/** `action` after `ms` of quiet since the last `schedule` (none once the signal has aborted). */
function debounced(action: () => void, ms: number, signal: AbortSignal) {
  let timer: NodeJS.Timeout | undefined;
  return {
    schedule: () => {
      if (signal.aborted) return;
      clearTimeout(timer);
      timer = setTimeout(action, ms);
    },
    cancel: () => clearTimeout(timer),
  };
}

/** Resolves once the signal has aborted (at once if it has). */
function aborted(signal: AbortSignal): Promise<void> {
  return new Promise<void>((done) => {
    if (signal.aborted) done();
    else signal.addEventListener("abort", () => done(), { once: true });
  });
}

export interface WatchCommandIO {
  out(text: string): void;
  err(text: string): void;
}

/**
 * `bmc compile --watch`: compiles on every change and prints what happened, until SIGINT (or
 * SIGTERM); a second SIGINT during a compile exits at once. Returns the exit code (0).
 */
export async function watchCommand(
  options: CompileCommandOptions,
  io: WatchCommandIO,
  print: (result: CompileCommandResult) => void,
): Promise<number> {
  const controller = new AbortController();
  const stop = () => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  try {
    io.err(`watch: ${basename(options.rulesPath)} -> ${options.outDir}\n`);
    await watchCompile(options, {
      signal: controller.signal,
      report: print,
      status: (m) => io.err(`watch: ${m}\n`),
    });
    io.err("watch: stopped\n");
    return 0;
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  }
}

/** `bmc compile`, as the command table runs it. */
export async function runCompile(c: CommandContext): Promise<number> {
  const project = c.str("output") === undefined ? c.project() : undefined;
  const outDir = c.str("output") ?? project?.build;
  if (!outDir) {
    throw new UsageError(
      "BM0922",
      "bmc compile needs -o DIR: the build folder",
      'bmc compile RULES.bm -o DIR (in a project, bmc.json\'s "build" is the default)',
    );
  }
  const options = compileOptionsOf(c, outDir);
  // Each compile reports like a single one; errors do not end the session.
  if (c.bool("watch")) return watchCommand(options, c.io, (r) => printWatchedCompile(c, outDir, r));
  const result = await compileCommand(options);
  if (result.messages.length) throw new UsageError("BM0922", result.messages.join("\n"));
  if (c.json) {
    const stats = result.ok && c.bool("stats") ? readConstraintStats(outDir) : undefined;
    c.printJson({ ...jsonReport(c, result), ...(stats ? { constraintsPerRule: stats } : {}) });
    return result.ok ? EXIT.ok : EXIT.invalid;
  }
  c.print(result.diagnostics);
  if (result.ok && !c.quiet) {
    c.io.out(compileSummary(outDir, result) + "\n");
    if (c.bool("stats")) c.io.out(constraintStatsText(readConstraintStats(outDir)));
  }
  const removed = keysRemovedNote(result);
  if (removed) c.io.err(removed + "\n");
  return result.ok ? EXIT.ok : EXIT.invalid;
}

/** The command line's options (a project's bmc.json gives the default slots). */
function compileOptionsOf(c: CommandContext, outDir: string): CompileCommandOptions {
  const fromProject = c.project();
  return {
    rulesPath: c.args[0],
    outDir,
    slots: c.str("slots") ?? fromProject?.slots,
    publicSlots: c.str("public-slots") ?? fromProject?.publicSlots,
    shared: c.str("shared"),
    fit: c.str("fit"),
    optimize: c.bool("O1") ? (1 as const) : (2 as const),
    progress: c.progress,
    bindings: c.str("bindings"),
    bindingsImport: c.str("bindings-import"),
  };
}

/** A compile's result as --json reports it. */
function jsonReport(c: CommandContext, r: CompileCommandResult) {
  return {
    ok: r.ok,
    ...c.jsonDiagnostics(r.diagnostics),
    messages: r.messages,
    shape: r.shape,
    stats: r.stats,
    bindings: r.bindings,
    keys: r.keys,
  };
}

/** One compile of a --watch session, reported as a single compile would be. */
function printWatchedCompile(c: CommandContext, outDir: string, r: CompileCommandResult): void {
  if (c.json) return c.io.out(JSON.stringify(jsonReport(c, r)) + "\n");
  c.print(r.diagnostics);
  for (const m of r.messages) c.io.err(`bmc: ${m}\n`);
  if (r.ok) c.io.out(compileSummary(outDir, r) + "\n");
  else c.io.err(`compile failed: ${outDir} left as it was\n`);
  const removed = keysRemovedNote(r);
  if (removed) c.io.err(removed + "\n");
}

export function constraintStatsText(stats: readonly MainConstraints[]): string {
  const perBlock = (n: number) => String(Math.round(n * 10) / 10);
  const sections = stats.map((m) => {
    const title =
      m.main === "groth16"
        ? "Groth16 main (range checks by bits)"
        : `folding main (${m.limbBits ? `range checks by ${m.limbBits}-bit limb lookups` : "range checks by bits"})`;
    const rows = m.rules.map(
      (r) =>
        `  ${r.rule}: ${plural(r.slots, "slot")}, ${plural(r.constraints, "constraint")}, ` +
        `${perBlock(r.perBlock)} per block, least ${r.least}` +
        (r.least > 0 ? ` (${(r.perBlock / r.least).toFixed(2)}x)` : ""),
    );
    return (
      `${title}:\n${rows.join("\n")}\n` +
      `  shared (challenges, unique-claim list, powers, limb table, checks on inputs): ${m.shared}\n` +
      `  segment: ${m.total}\n`
    );
  });
  return (
    "constraints per rule (per block: on the signals of the rule's slots; least: what a block " +
    "of the rule needs, src/circuits/least.ts):\n" +
    sections.join("")
  );
}

const readConstraintStats = (outDir: string) => constraintStats(outDir, loadManifest(outDir));
