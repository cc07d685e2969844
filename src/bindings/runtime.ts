/**
 * What generated bindings run on. A generated module (see ./generate.ts) holds only types, a
 * table of its rules and thin constructors; everything with behaviour lives here, so that it is
 * written and tested once: field values, blocks and claims, the transcript builder, `.bmt`
 * text, validation through the library API, and proving backends.
 *
 * Generated code imports this module as a namespace (`import { bindingsRuntime as rt } from
 * "bmc"`); nothing here is meant to be called with rule names that a generated module did not
 * type-check first, but every entry point still checks its input at run time, for callers in
 * plain JavaScript.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { readTranscript, validateFiles } from "../api.js";
import { checkRuleFile, type RuleSet } from "../check/index.js";
import { diagnostic, hasErrors, type Diagnostic } from "../diagnostics/index.js";
import { mod, P } from "../field/index.js";
import type { FoldProof } from "../prove/fold/index.js";
import { loadManifest } from "../prove/build-folder.js";
import type { SegmentProof, StatementBlock as ProofStatementBlock } from "../prove/index.js";
import type { ValidationError, ValidationStats } from "../validate/index.js";
import { rulesDigest } from "./digest.js";

export type { SegmentProof } from "../prove/index.js";
export type { FoldProof } from "../prove/fold/index.js";
export type { Diagnostic } from "../diagnostics/index.js";

/** A field element as a program may write it: a bigint, or a safe non-negative integer. */
export type Value = bigint | number;

/** The same object with every value read as a canonical field element. */
export type Fields<A> = { readonly [K in keyof A]: bigint };

/** Field arithmetic for the conclusions that generated constructors compute. */
export const add = (x: bigint, y: bigint): bigint => mod(x + y);
export const sub = (x: bigint, y: bigint): bigint => mod(x - y);
export const mul = (x: bigint, y: bigint): bigint => mod(x * y);
export const neg = (x: bigint): bigint => mod(-x);

/** What a generated module knows of one rule. */
export interface RuleInfo {
  /** Header variables in header order: the shown ones, then the hidden ones. */
  readonly vars: readonly string[];
  readonly shownCount: number;
  readonly hasSemicolon: boolean;
  readonly setup: boolean;
}

/** Where a generated module finds the rule file and the build folder at run time. */
export interface Paths {
  /** The rule file (for validate() and parse()); relative paths resolve against the working directory. */
  readonly rulesFile?: string | undefined;
  /** The build folder `bmc compile` wrote (for prove() and verify()). */
  readonly buildDir?: string | undefined;
}

/** The table a generated module hands to every runtime function. */
export interface Meta {
  /** SHA-256 of the expanded rules, as in manifest.json and proof files. */
  readonly rulesDigest: string;
  /** File name of the rule file the bindings were generated from, for messages. */
  readonly source: string;
  readonly defaults: Paths;
  readonly rules: Readonly<Record<string, RuleInfo>>;
}

export interface Claim<
  R extends string = string,
  U extends boolean = boolean,
  A = Readonly<Record<string, bigint>>,
> {
  readonly relation: R;
  /** True for claims of a `unique relation` (a namespace of its own). */
  readonly unique: U;
  /** Arguments by the relation's parameter names. */
  readonly args: A;
}

export interface Block<
  R extends string = string,
  A = Readonly<Record<string, bigint>>,
  C extends readonly Claim[] = readonly Claim[],
> {
  readonly rule: R;
  /** The block's values by variable name. */
  readonly args: A;
  /** The same values in header order, as a transcript line lists them. */
  readonly values: readonly bigint[];
  /** The claims the block concludes, in the rule's order (unique ones included). */
  readonly conclusions: C;
}

/** A public block as a verifier sees it: its rule and its shown values. */
export interface StatementBlock<R extends string = string, S = Readonly<Record<string, bigint>>> {
  readonly rule: R;
  readonly shown: S;
}

const ownKeys = (o: object): string[] => Object.keys(o);

/** Reads one value; throws a RangeError or TypeError naming the place when it is no field element. */
export function fieldValue(where: string, value: unknown): bigint {
  if (typeof value === "bigint") {
    if (value >= 0n && value < P) return value;
    throw new RangeError(`${where}: ${value} is not a field element (0 <= value < p)`);
  }
  if (typeof value === "number") {
    if (Number.isSafeInteger(value) && value >= 0) return BigInt(value);
    throw new RangeError(
      `${where}: ${value} is not a safe non-negative integer (use a bigint for large values)`,
    );
  }
  throw new TypeError(`${where}: expected a bigint or a number, got ${typeof value}`);
}

function exactFields(
  where: string,
  names: readonly string[],
  input: unknown,
): Record<string, bigint> {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new TypeError(`${where}: expected an object with ${names.join(", ") || "no fields"}`);
  }
  const extra = ownKeys(input).filter((k) => !names.includes(k));
  if (extra.length) throw new TypeError(`${where}: unknown field ${extra.join(", ")}`);
  const out: Record<string, bigint> = {};
  for (const name of names) {
    if (!Object.hasOwn(input, name)) throw new TypeError(`${where}: missing field ${name}`);
    out[name] = fieldValue(`${where}.${name}`, (input as Record<string, unknown>)[name]);
  }
  return out;
}

/** A claim of a relation, from its arguments by parameter name. */
export function claim<
  R extends string,
  U extends boolean,
  A extends Readonly<Record<string, bigint>>,
>(relation: R, unique: U, args: A): Claim<R, U, A> {
  return Object.freeze({ relation, unique, args: Object.freeze({ ...args }) });
}

/** A claim from values a program wrote, checked against the relation's parameters. */
export function makeClaim<R extends string, U extends boolean, A>(
  relation: R,
  unique: U,
  params: readonly string[],
  input: A,
): Claim<R, U, Fields<A>> {
  const args = exactFields(`${unique ? "unique " : ""}${relation}`, params, input ?? {});
  return claim(relation, unique, args as Fields<A>);
}

/** The text of a claim as the validator writes it, e.g. `proved(5, 2)`. */
export function claimText(c: Claim): string {
  return `${c.unique ? "unique " : ""}${c.relation}(${Object.values(c.args).join(", ")})`;
}

/** Which bindings made each block, so that a transcript takes only its own rules' blocks. */
const madeBy = new WeakMap<object, Meta>();

/** A block of a rule, from values a program wrote: exactly the rule's variables. */
export function block<R extends string, A, C extends readonly Claim[]>(
  meta: Meta,
  rule: R,
  input: A,
  conclude: (v: Fields<A>) => C,
): Block<R, Fields<A>, C> {
  const info = meta.rules[rule];
  if (!info) throw new TypeError(`${meta.source} has no rule \`${rule}\``);
  const args = Object.freeze(exactFields(rule, info.vars, input ?? {})) as Fields<A>;
  const made = Object.freeze({
    rule,
    args,
    values: Object.freeze(info.vars.map((v) => (args as Record<string, bigint>)[v])),
    conclusions: Object.freeze(conclude(args)) as C,
  });
  madeBy.set(made, meta);
  return made;
}

function checkBlock(meta: Meta, b: Block, isPublic: boolean): void {
  const info = typeof b === "object" && b !== null ? meta.rules[b.rule] : undefined;
  if (!info || madeBy.get(b) !== meta) {
    throw new TypeError(`not a block of ${meta.source}'s bindings: make blocks with its \`rules\``);
  }
  if (!isPublic && info.setup) {
    throw new TypeError(`\`${b.rule}\` is a setup rule: its blocks go in the public part only`);
  }
}

function blockLine(meta: Meta, b: Block): string {
  const info = meta.rules[b.rule];
  const shown = b.values.slice(0, info.shownCount).join(", ");
  const hidden = b.values.slice(info.shownCount).join(", ");
  const inner = info.hasSemicolon && shown && hidden ? `${shown}; ${hidden}` : shown || hidden;
  return `  ${b.rule}(${inner})`;
}

function statementBlock(meta: Meta, b: Block): StatementBlock {
  const info = meta.rules[b.rule];
  const shown: Record<string, bigint> = {};
  info.vars.slice(0, info.shownCount).forEach((v, i) => (shown[v] = b.values[i]));
  return Object.freeze({ rule: b.rule, shown: Object.freeze(shown) });
}

/** A proof's statement, as the proof file carries it, read by variable name. */
function typedStatement(meta: Meta, statement: readonly ProofStatementBlock[]): StatementBlock[] {
  return statement.map((s) => {
    const info = meta.rules[s.rule];
    if (!info || s.shown.length !== info.shownCount) {
      throw new Error(`the proof's statement has a \`${s.rule}\` block these bindings do not know`);
    }
    const shown: Record<string, bigint> = {};
    info.vars.slice(0, info.shownCount).forEach((v, i) => (shown[v] = BigInt(s.shown[i])));
    return Object.freeze({ rule: s.rule, shown: Object.freeze(shown) });
  });
}

export interface ValidationReport {
  readonly valid: boolean;
  /** The transcript text that was validated: line numbers in messages refer to it. */
  readonly text: string;
  /** Every diagnostic of every stage that ran (rules, transcript, validity), in order. */
  readonly diagnostics: readonly Diagnostic[];
  /** Validity errors, structured; `block` indexes public blocks first, then private ones. */
  readonly errors: readonly ValidationError[];
  readonly stats?: ValidationStats;
}

export interface ValidateOptions extends Paths {
  readonly maxErrors?: number | undefined;
}

const TRANSCRIPT_NAME = "bindings.bmt";

function rulesFileOf(meta: Meta, paths: Paths): string {
  const file = paths.rulesFile ?? meta.defaults.rulesFile;
  if (!file) throw new Error(`no rule file for ${meta.source}: pass { rulesFile }`);
  return file;
}

function buildDirOf(meta: Meta, paths: Paths): string {
  const dir = paths.buildDir ?? meta.defaults.buildDir;
  if (!dir) throw new Error(`no build folder for ${meta.source}: pass { buildDir }`);
  return dir;
}

/** A diagnostic when the rule file no longer is the one the bindings were generated from. */
function staleRules(meta: Meta, rulesFile: string, ruleSet: RuleSet): Diagnostic | undefined {
  if (rulesDigest(ruleSet) === meta.rulesDigest) return undefined;
  return diagnostic(
    "BM0601",
    `${rulesFile} changed since these bindings were generated from ${meta.source}: run bmc compile again`,
  );
}

/** Validate a transcript text with the library's validator, against the bindings' rule file. */
export function validateText(
  meta: Meta,
  text: string,
  options: ValidateOptions = {},
): ValidationReport {
  const rulesFile = rulesFileOf(meta, options);
  const checked = checkRuleFile(rulesFile);
  const stale = checked.ruleSet && staleRules(meta, rulesFile, checked.ruleSet);
  if (stale) return { valid: false, text, diagnostics: [stale], errors: [] };
  const result = validateFiles(rulesFile, TRANSCRIPT_NAME, {
    transcriptText: text,
    maxErrors: options.maxErrors,
  });
  return {
    valid: result.valid,
    text,
    diagnostics: result.diagnostics,
    errors: result.validation?.errors ?? [],
    stats: result.validation?.stats,
  };
}

/**
 * A transcript under construction: public blocks (the statement a verifier sees) and private
 * ones. B is every block of the rules, PB those that may be private (no setup rules), S the
 * typed statement.
 */
export class Transcript<B extends Block = Block, PB extends B = B, S = readonly StatementBlock[]> {
  readonly #meta: Meta;
  readonly #public: B[] = [];
  readonly #private: PB[] = [];

  constructor(meta: Meta) {
    this.#meta = meta;
  }

  /** Adds blocks to the public part, in order. */
  public(...blocks: B[]): this {
    for (const b of blocks) checkBlock(this.#meta, b, true);
    this.#public.push(...blocks);
    return this;
  }

  /** Adds blocks to the private part, in order. Setup rules are not allowed here. */
  private(...blocks: PB[]): this {
    for (const b of blocks) checkBlock(this.#meta, b, false);
    this.#private.push(...blocks);
    return this;
  }

  get publicBlocks(): readonly B[] {
    return this.#public.slice();
  }

  get privateBlocks(): readonly PB[] {
    return this.#private.slice();
  }

  /** The public blocks' rules and shown values: what a proof of this transcript states. */
  statement(): S {
    return this.#public.map((b) => statementBlock(this.#meta, b)) as S;
  }

  /** The transcript as `.bmt` text; `header` lines become `//` comments at the top. */
  toText(header?: string): string {
    const comment = header
      ? header
          .trimEnd()
          .split("\n")
          .map((l) => (l ? `// ${l}` : "//"))
      : [];
    const pub = this.#public.map((b) => blockLine(this.#meta, b));
    const priv = this.#private.map((b) => blockLine(this.#meta, b));
    const lines = comment.concat(pub.length ? ["public:"] : [], pub, ["private:"], priv);
    return lines.join("\n") + "\n";
  }

  /** Validates the transcript with bmc's validator, against the rule file (see Paths). */
  validate(options: ValidateOptions = {}): ValidationReport {
    return validateText(this.#meta, this.toText(), options);
  }
}

export interface ParseResult<T> {
  /** Present when the text reads without errors (it may still be invalid: see validate()). */
  readonly transcript?: T;
  readonly diagnostics: readonly Diagnostic[];
}

/** Reads `.bmt` text with bmc's transcript reader into a transcript of these bindings. */
export function parseText<B extends Block, PB extends B, S>(
  meta: Meta,
  text: string,
  make: (rule: string, args: Record<string, bigint>) => B,
  options: Paths & { readonly path?: string | undefined } = {},
): ParseResult<Transcript<B, PB, S>> {
  const rulesFile = rulesFileOf(meta, options);
  const checked = checkRuleFile(rulesFile);
  if (!checked.ruleSet) return { diagnostics: checked.diagnostics };
  const stale = staleRules(meta, rulesFile, checked.ruleSet);
  if (stale) return { diagnostics: [stale] };
  const read = readTranscript(options.path ?? TRANSCRIPT_NAME, checked.ruleSet, { text });
  if (!read.transcript || hasErrors(read.diagnostics)) return { diagnostics: read.diagnostics };
  const t = read.transcript;
  const out = new Transcript<B, PB, S>(meta);
  for (let b = 0; b < t.blockCount; b++) {
    const rule = t.ruleSet.rules[t.rule[b]];
    const args: Record<string, bigint> = {};
    rule.vars.forEach((v, i) => (args[v] = t.values[t.valueStart[b] + i]));
    const made = make(rule.name, args);
    if (t.isPublic[b]) out.public(made);
    else out.private(made as PB);
  }
  return { transcript: out, diagnostics: read.diagnostics };
}

// ---- Proving backends ------------------------------------------------------------------------

export interface BackendProveRequest {
  readonly buildDir: string;
  /** Name used for the transcript in diagnostics. */
  readonly transcriptPath: string;
  readonly transcriptText: string;
  readonly onProgress?: (message: string) => void;
}

export interface BackendVerifyResult {
  readonly valid: boolean;
  /** Why a proof is rejected, in words. */
  readonly reason?: string;
  /** The statement the proof proves (public blocks, shown values as decimal strings). */
  readonly statement?: readonly ProofStatementBlock[];
}

/**
 * A proof system over a build folder. Bindings take one as a parameter (`{ backend }`), with
 * Groth16 as the default; another backend (folding, say) implements this interface with its
 * own proof type and is passed the same way.
 */
export interface ProvingBackend<Proof> {
  /** The name used by `bmc prove --backend`. */
  readonly name: string;
  prove(
    request: BackendProveRequest,
  ): Promise<{ readonly proof?: Proof; readonly diagnostics: readonly Diagnostic[] }>;
  /** A proof file's text, as `bmc prove` writes it. */
  toText(proof: Proof): string;
  /** Checks a proof file's text against the build folder; trusts nothing the file says. */
  verifyText(buildDir: string, text: string): Promise<BackendVerifyResult>;
}

/**
 * The provers (snarkjs, ffjavascript) load when a backend first proves or verifies: a program
 * that only builds and validates transcripts with its bindings does not load them.
 */
const provers = () => import("../prove/index.js");

/** Groth16 over snarkjs: one segment, after `bmc setup`. */
export const groth16Backend: ProvingBackend<SegmentProof> = {
  name: "groth16",
  prove: async ({ buildDir, transcriptPath, transcriptText, onProgress }) =>
    (await provers()).proveGroth16(buildDir, transcriptPath, { transcriptText, onProgress }),
  toText: (proof) => JSON.stringify(proof, null, 1) + "\n",
  verifyText: async (buildDir, text) => (await provers()).verifyProofText(buildDir, text),
};

/**
 * Folding: any number of segments folded into one zero-knowledge proof (hiding commitments,
 * a random instance folded in last; docs/folding.md).
 */
export const foldBackend: ProvingBackend<FoldProof> = {
  name: "fold",
  prove: async ({ buildDir, transcriptPath, transcriptText, onProgress }) =>
    (await provers()).proveFold(buildDir, transcriptPath, { transcriptText, onProgress }),
  toText: (proof) => JSON.stringify(proof, null, 1) + "\n",
  verifyText: async (buildDir, text) => (await provers()).verifyProofText(buildDir, text),
};

export interface ProveOptions<Proof> extends Paths {
  readonly backend?: ProvingBackend<Proof> | undefined;
  readonly onProgress?: ((message: string) => void) | undefined;
}

export interface ProveOutcome<Proof, S> {
  /** Present when the transcript is valid, fits the build folder's circuit, and was proved. */
  readonly proof?: Proof;
  readonly diagnostics: readonly Diagnostic[];
  /** What the proof states: the public blocks' shown values. */
  readonly statement: S;
}

export interface VerifyOutcome<S> {
  readonly valid: boolean;
  readonly reason?: string;
  /** The statement the proof proves, read by variable name (when valid). */
  readonly statement?: S;
}

/** Compares the bindings' rules with the build folder's, when it has a manifest. */
function buildFolderProblem(meta: Meta, buildDir: string): string | undefined {
  if (!existsSync(join(buildDir, "manifest.json"))) return undefined;
  const manifest = loadManifest(buildDir);
  return manifest.rulesDigest === meta.rulesDigest
    ? undefined
    : `${buildDir} was compiled from other rules than these bindings (${meta.source}): compile again`;
}

export async function prove<Proof, B extends Block, PB extends B, S>(
  meta: Meta,
  transcript: Transcript<B, PB, S>,
  options: ProveOptions<Proof> = {},
): Promise<ProveOutcome<Proof, S>> {
  const buildDir = buildDirOf(meta, options);
  const backend = options.backend ?? (groth16Backend as unknown as ProvingBackend<Proof>);
  const statement = transcript.statement();
  const problem = buildFolderProblem(meta, buildDir);
  if (problem) return { diagnostics: [diagnostic("BM0601", problem)], statement };
  const result = await backend.prove({
    buildDir,
    transcriptPath: TRANSCRIPT_NAME,
    transcriptText: transcript.toText(),
    onProgress: options.onProgress,
  });
  return { proof: result.proof, diagnostics: result.diagnostics, statement };
}

export async function verify<Proof, S>(
  meta: Meta,
  proof: Proof | string,
  options: Paths & { readonly backend?: ProvingBackend<Proof> | undefined } = {},
): Promise<VerifyOutcome<S>> {
  const buildDir = buildDirOf(meta, options);
  const backend = options.backend ?? (groth16Backend as unknown as ProvingBackend<Proof>);
  const problem = buildFolderProblem(meta, buildDir);
  if (problem) return { valid: false, reason: problem };
  const text = typeof proof === "string" ? proof : backend.toText(proof);
  const result = await backend.verifyText(buildDir, text);
  if (!result.valid || !result.statement) return { valid: false, reason: result.reason };
  return { valid: true, statement: typedStatement(meta, result.statement) as S };
}
