/**
 * The data model of a Metamath database as bmc reads it (src/metamath/reader.ts) and verifies it
 * (src/metamath/verify.ts). Later stages (the block-model encoding) build on these types only.
 *
 * Symbols are interned: every math symbol (constant or variable) is a small integer, its index in
 * `MetamathDatabase.symbols`. An expression is an array of symbol ids whose first element is the
 * typecode (`|-`, `wff`, ...), exactly the token sequence of the statement in the file.
 *
 * Statements that carry a label ($f, $e, $a, $p) are numbered in file order (their index in
 * `MetamathDatabase.statements`); proofs and frames refer to statements by that index, which is
 * also the "may only use earlier statements" order of the spec.
 */
import type { Diagnostic } from "../diagnostics/index.js";

/** Index into `MetamathDatabase.symbols`. */
export type SymbolId = number;

/** Typecode first, then the math string. Never mutated once built. */
export type Expression = readonly SymbolId[];

export interface MetamathSymbol {
  readonly id: SymbolId;
  readonly name: string;
  readonly kind: "constant" | "variable";
  /** Where it was first declared ($c or $v). A variable may be redeclared in a later scope. */
  readonly location: Location;
}

/** A position in one of the database's files. Lines and columns are 1-based. */
export interface Location {
  /** Index into `MetamathDatabase.files`. */
  readonly file: number;
  /** Byte offset of the statement's label (or keyword when it has no label). */
  readonly offset: number;
  readonly line: number;
  readonly column: number;
}

export interface FloatingHypothesis {
  readonly kind: "f";
  readonly index: number;
  readonly label: string;
  readonly location: Location;
  /** [typecode, variable] */
  readonly expression: Expression;
  readonly typecode: SymbolId;
  readonly variable: SymbolId;
}

export interface EssentialHypothesis {
  readonly kind: "e";
  readonly index: number;
  readonly label: string;
  readonly location: Location;
  readonly expression: Expression;
}

export type Hypothesis = FloatingHypothesis | EssentialHypothesis;

/**
 * What a use of an assertion must supply: its mandatory hypotheses in the order the spec
 * prescribes (order of appearance in the file, $f and $e interleaved), and its mandatory
 * distinct-variable pairs.
 */
export interface Frame {
  /** Statement indices of the mandatory hypotheses ($f and $e) in file order. */
  readonly hypotheses: readonly number[];
  /** The mandatory variables, in the order of their $f hypotheses (a substitution is parallel to this). */
  readonly variables: readonly SymbolId[];
  /** Statement indices of the mandatory $f hypotheses, parallel to `variables`. */
  readonly floating: readonly number[];
  /** Statement indices of the $e hypotheses, in file order. */
  readonly essential: readonly number[];
  /** Mandatory $d pairs, each with the smaller symbol id first, sorted. */
  readonly disjoint: readonly (readonly [SymbolId, SymbolId])[];
}

export interface Axiom {
  readonly kind: "a";
  readonly index: number;
  readonly label: string;
  readonly location: Location;
  readonly expression: Expression;
  readonly frame: Frame;
}

export interface Theorem {
  readonly kind: "p";
  readonly index: number;
  readonly label: string;
  readonly location: Location;
  readonly expression: Expression;
  readonly frame: Frame;
  /** The proof as written, after decompression (compressed proofs expanded into steps). */
  readonly proof: Proof;
  /**
   * Every $d pair active where the theorem is stated (mandatory and optional), as pair keys
   * (reader.ts `pairKey`), unsorted and possibly repeated: a substitution inside the proof may
   * only put variables together that these keep apart. reader.ts `activeDisjoint(theorem)`
   * gives them as sorted, distinct pairs.
   */
  readonly activeDisjointKeys: readonly number[];
}

export type Assertion = Axiom | Theorem;
export type Statement = Hypothesis | Assertion;

/**
 * A proof as written, after decompression. Steps are numbered from 1 in the order they appear
 * (for a compressed proof: the order of the decoded numbers; a `Z` marker is not a step).
 *
 * `steps[i]` (step i + 1) is either a statement index (>= 0): push that hypothesis, or apply
 * that assertion; or a negative number -k: push again the result of step k, an earlier step
 * (a compressed proof's back-reference to a step tagged `Z`). A typed array, because set.mm
 * has millions of steps.
 */
export interface Proof {
  readonly format: "normal" | "compressed";
  readonly steps: Int32Array;
  /** Where the proof starts (the `$=` keyword). */
  readonly location: Location;
}

export interface MetamathDatabase {
  /** Absolute paths of the files read: the main file first, then included files in order. */
  readonly files: readonly string[];
  readonly symbols: readonly MetamathSymbol[];
  readonly symbolIds: ReadonlyMap<string, SymbolId>;
  /** Every labelled statement in file order. */
  readonly statements: readonly Statement[];
  readonly labels: ReadonlyMap<string, number>;
  /** Number of whitespace-separated tokens outside comments (for reports). */
  readonly tokenCount: number;
}

/**
 * One node of a verified proof. Nodes form a DAG in topological order (premises come first):
 * a back-reference (`Z`) and, when sharing is on, any identical subproof (same statement, same
 * premise nodes) are one node.
 */
export interface ProofNode {
  /** Statement index of the hypothesis pushed or the assertion applied. */
  readonly statement: number;
  readonly label: string;
  /** Node ids of the premises, parallel to the applied assertion's `frame.hypotheses`; empty for a hypothesis. */
  readonly premises: readonly number[];
  /** What this node proves. */
  readonly expression: Expression;
  /** For an assertion: the expression substituted for each variable of `frame.variables`. */
  readonly substitution: readonly Expression[];
  /** The first proof step (1-based) that produced this node. */
  readonly step: number;
}

export interface ProofDag {
  /** Statement index of the theorem. */
  readonly theorem: number;
  readonly nodes: readonly ProofNode[];
  /** The node that proves the theorem's statement. */
  readonly root: number;
  /** Number of steps of the proof as written (after decompression). */
  readonly steps: number;
  /** Per step of the proof as written (index step - 1): the node it produced or reused. */
  readonly stepNodes: readonly number[];
}

/**
 * A diagnostic about a Metamath database. Verification failures name the theorem, the step
 * (1-based, as in Proof.steps), the label used at that step, and what was expected and found.
 */
export interface MetamathDiagnostic extends Diagnostic {
  readonly theorem?: string;
  readonly step?: number;
  readonly stepLabel?: string;
  readonly expected?: string;
  readonly found?: string;
}

/** Symbols of an expression as text, separated by single spaces. */
export function expressionText(db: MetamathDatabase, expression: Expression): string {
  let out = "";
  for (let i = 0; i < expression.length; i++) {
    if (i > 0) out += " ";
    out += db.symbols[expression[i]].name;
  }
  return out;
}

export function isAssertion(s: Statement): s is Assertion {
  return s.kind === "a" || s.kind === "p";
}

/**
 * The library surface (src/metamath/index.ts):
 *
 *   readMetamath(path, options?): MetamathReadResult        parse + well-formedness, no proofs checked
 *   verifyMetamath(db, options?): MetamathVerifyResult      check every proof (or `labels`)
 *   proofDag(db, theorem, options?): ProofDag | MetamathDiagnostic   one theorem's verified DAG
 */
export interface MetamathReadOptions {
  /** Reads a file's bytes; defaults to the file system. Returns undefined when it does not exist. */
  readonly readFile?: (path: string) => Uint8Array | undefined;
}

export interface MetamathReadResult {
  /** Absent when the database has errors. */
  readonly database?: MetamathDatabase;
  readonly diagnostics: readonly MetamathDiagnostic[];
}

export interface MetamathVerifyOptions {
  /** Only these theorems (labels); all $p statements when absent. */
  readonly labels?: readonly string[];
  /** Stop after this many failing theorems (default: all). */
  readonly maxErrors?: number;
}

export interface MetamathVerifyResult {
  readonly verified: number;
  readonly diagnostics: readonly MetamathDiagnostic[];
}
