/**
 * Reading manifest.json back. The file is data from outside (a build folder can be damaged,
 * edited, or swapped with another build's), and every later stage indexes into it, so it is
 * checked whole before anything uses it: the exact shape of every field (no missing or extra
 * keys, whole numbers in range, field constants below p, safe relative paths), the references
 * between fields (a claim names a declared relation with its arity, an input index exists),
 * and then the derived fields are derived again: the circuit is emitted from the manifest's
 * program and shape, and its digest and layout must be the ones the manifest records. A
 * manifest that passes is one compileProgram could have written.
 */
import { diagnostic, DiagnosticError } from "../diagnostics/index.js";
import { P } from "../field/index.js";
import type { LExpr, LoweredProgram } from "../lower/index.js";
import { emitCircuit } from "./emit.js";
import { ruleGroups } from "./groups.js";
import { circuitDigest, MANIFEST_VERSION, type CircuitFiles, type Manifest } from "./index.js";

class ManifestProblem extends Error {}

type Check = (value: unknown, at: string) => void;

const problem = (at: string, what: string): never => {
  throw new ManifestProblem(`${at}: ${what}`);
};

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** An object with exactly these keys (optional ones may be absent). */
function object(fields: Record<string, Check>, optional: readonly string[] = []): Check {
  return (v, at) => {
    if (!isObject(v)) return problem(at, "expected an object");
    for (const key of Object.keys(v))
      if (!(key in fields)) problem(at, `unexpected field \`${key}\``);
    for (const [key, check] of Object.entries(fields)) {
      if (!(key in v)) {
        if (!optional.includes(key)) problem(at, `missing field \`${key}\``);
        continue;
      }
      check(v[key], `${at}.${key}`);
    }
  };
}

const array =
  (item: Check, max = 1 << 24): Check =>
  (v, at) => {
    if (!Array.isArray(v)) return problem(at, "expected an array");
    if (v.length > max) problem(at, `more than ${max} entries`);
    v.forEach((x, i) => item(x, `${at}[${i}]`));
  };

const int =
  (max: number): Check =>
  (v, at) => {
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > max)
      problem(at, `expected a whole number from 0 to ${max}`);
  };

const text: Check = (v, at) => {
  if (typeof v !== "string" || v.length > 1 << 16) problem(at, "expected a string");
};
const name: Check = (v, at) => {
  if (typeof v !== "string" || !/^[A-Za-z_][A-Za-z0-9_]{0,200}$/.test(v))
    problem(at, "expected a name");
};
const digest: Check = (v, at) => {
  if (typeof v !== "string" || !/^[0-9a-f]{64}$/.test(v)) problem(at, "expected a hex digest");
};
const bool: Check = (v, at) => {
  if (typeof v !== "boolean") problem(at, "expected true or false");
};
const exactly =
  (...values: unknown[]): Check =>
  (v, at) => {
    if (!values.includes(v))
      problem(at, `expected ${values.map((x) => JSON.stringify(x)).join(" or ")}`);
  };
/** A path inside the build folder: relative, no `..`, no odd characters. */
const innerPath: Check = (v, at) => {
  if (
    typeof v !== "string" ||
    !/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/.test(v) ||
    v.split("/").some((part) => part === ".." || part === ".")
  )
    problem(at, "expected a relative path inside the build folder");
};
const counts: Check = (v, at) => {
  if (!isObject(v)) return problem(at, "expected an object");
  for (const [key, n] of Object.entries(v)) {
    name(key, at);
    int(1 << 20)(n, `${at}.${key}`);
  }
};

const MAX_DEPTH = 200;
/** Far beyond what circom and snarkjs handle in one segment (about 450 constraints a slot). */
const MAX_SLOTS = 1 << 18;
function expression(depth = 0): Check {
  return (v, at) => {
    if (depth > MAX_DEPTH) problem(at, "nested too deeply");
    if (!isObject(v)) return problem(at, "expected an expression");
    const sub = expression(depth + 1);
    switch (v.kind) {
      case "const":
        return object({
          kind: exactly("const"),
          value: (c, a) => {
            if (typeof c !== "bigint" || c >= P) problem(a, "expected a field element");
          },
        })(v, at);
      case "input":
        return object({ kind: exactly("input"), index: int(1 << 16) })(v, at);
      case "neg":
        return object({ kind: exactly("neg"), operand: sub })(v, at);
      case "add":
      case "sub":
      case "mul":
        return object({ kind: exactly(v.kind), left: sub, right: sub })(v, at);
      default:
        problem(at, "unknown expression kind");
    }
  };
}

const claim = object({ relation: name, tag: int(1 << 20), args: array(expression(), 64) });
const constraint = object({
  kind: exactly("eq", "neq", "lt", "le"),
  left: expression(),
  right: expression(),
  text,
});
const rule = object({
  index: int(1 << 20),
  name,
  setup: bool,
  source: object({ file: text, line: int(1 << 30) }),
  inputs: array(text, 1 << 16),
  varCount: int(1 << 16),
  shownCount: int(1 << 16),
  wildcards: array(object({ hypothesis: int(1 << 16), argument: int(64) })),
  conclusions: array(claim),
  uniques: array(claim),
  hypotheses: array(claim),
  constraints: array(constraint),
  rangeChecks: array(object({ expr: expression(), text })),
});
const program = object({
  relations: array(object({ name, tag: int(1 << 20), arity: int(64), unique: bool })),
  claimWidth: int(64),
  uniqueWidth: int(64),
  rules: array(rule, 1 << 16),
  rulesDigest: digest,
});
const digests: Check = (v, at) => {
  if (!isObject(v)) return problem(at, "expected an object");
  for (const [key, d] of Object.entries(v)) {
    innerPath(key, at);
    digest(d, `${at}.${key}`);
  }
};
const fileSet = object({
  r1cs: innerPath,
  wasm: innerPath,
  sym: innerPath,
  main: innerPath,
  sha256: digests,
});
/** Every compiled file is listed with its digest. */
const files: Check = (v, at) => {
  fileSet(v, at);
  const f = v as CircuitFiles;
  for (const path of [f.r1cs, f.wasm, f.sym])
    if (!(path in f.sha256)) problem(`${at}.sha256`, `no digest for ${path}`);
};
const constraintCounts = object({ nonLinear: int(2 ** 40), linear: int(2 ** 40) }, [
  "nonLinear",
  "linear",
]);
const anything: Check = () => {};
const manifestShape = object(
  {
    // Read when called: index.ts imports this module, so its constants are not set yet here.
    version: (v, at) => exactly(MANIFEST_VERSION)(v, at),
    rulesDigest: digest,
    circuitDigest: digest,
    rulesFile: text,
    program,
    shape: object({ slots: counts, publicSlots: counts, shared: counts }, ["shared"]),
    // Derived from program and shape: compared with a fresh derivation below.
    slots: anything,
    publicInputs: anything,
    preChallenge: anything,
    uniqueSlots: anything,
    constraints: constraintCounts,
    files,
    fold: object(
      { files, publicWires: anything, privateInputs: anything, constraints: constraintCounts },
      ["constraints"],
    ),
  },
  // A folder compiled for folding only has no Groth16 main (files); one of the two is there.
  ["constraints", "files", "fold"],
);

/** The references between a program's parts, which the shape alone does not cover. */
function checkReferences(p: LoweredProgram): void {
  // A name can have a unique and an ordinary relation: the tag tells them apart.
  const relations = new Map(p.relations.map((r) => [r.tag, r]));
  const inputsOf = (e: LExpr, count: number, at: string): void => {
    if (e.kind === "input" && e.index >= count) problem(at, `input ${e.index} does not exist`);
    if (e.kind === "neg") inputsOf(e.operand, count, at);
    if (e.kind === "add" || e.kind === "sub" || e.kind === "mul") {
      inputsOf(e.left, count, at);
      inputsOf(e.right, count, at);
    }
  };
  p.rules.forEach((r, i) => {
    const at = `program.rules[${i}]`;
    if (r.index !== i) problem(at, "rule index out of order");
    if (r.varCount > r.inputs.length || r.shownCount > r.varCount)
      problem(at, "more variables than inputs, or more shown values than variables");
    const claims = [...r.conclusions, ...r.uniques, ...r.hypotheses];
    for (const c of claims) {
      const relation = relations.get(c.tag);
      if (!relation || relation.name !== c.relation || relation.arity !== c.args.length)
        problem(at, `claim of \`${c.relation}\` does not match a declared relation`);
      const width = relation!.unique ? p.uniqueWidth : p.claimWidth;
      if (c.args.length > width) problem(at, "claim wider than the program's claim width");
      for (const e of c.args) inputsOf(e, r.inputs.length, at);
    }
    for (const c of r.constraints) {
      inputsOf(c.left, r.inputs.length, at);
      inputsOf(c.right, r.inputs.length, at);
    }
    for (const c of r.rangeChecks) inputsOf(c.expr, r.inputs.length, at);
    for (const w of r.wildcards) {
      if (w.argument >= (r.hypotheses[w.hypothesis]?.args.length ?? 0))
        problem(at, "wildcard outside its hypothesis");
    }
  });
}

const bigintText = (v: unknown) =>
  JSON.stringify(v, (_, x) => (typeof x === "bigint" ? x.toString() : x));

/** The fields compileProgram derives from the program and shape, derived again. */
function checkDerived(m: Manifest): void {
  if (m.rulesDigest !== m.program.rulesDigest) problem("rulesDigest", "not the program's");
  let total = 0;
  for (const counts of [m.shape.slots, m.shape.publicSlots]) {
    for (const [key, n] of Object.entries(counts)) {
      if (!m.program.rules.some((r) => r.name === key)) problem("shape", `no rule \`${key}\``);
      total += n;
    }
  }
  const leaders = new Set(ruleGroups(m.program).map((g) => g.leader));
  for (const [key, n] of Object.entries(m.shape.shared ?? {})) {
    if (!leaders.has(key)) problem("shape.shared", `\`${key}\` names no group of rules`);
    total += n;
  }
  // Emitting is linear in the slots: a bound keeps a damaged count from stalling the check.
  if (total > MAX_SLOTS) problem("shape", `more than ${MAX_SLOTS} slots`);
  const emitted = emitCircuit(m.program, m.shape);
  if (circuitDigest(emitted.files) !== m.circuitDigest)
    problem("circuitDigest", "not the digest of the circuit its program and shape give");
  const same = (at: string, a: unknown, b: unknown) => {
    if (bigintText(a) !== bigintText(b)) problem(at, "not what its program and shape give");
  };
  same("slots", m.slots, emitted.slots);
  same("publicInputs", m.publicInputs, emitted.publicInputs);
  same("preChallenge", m.preChallenge, emitted.preChallenge);
  same("uniqueSlots", m.uniqueSlots, emitted.uniqueSlots);
  if (m.fold) {
    same("fold.publicWires", m.fold.publicWires, emitted.foldPublic);
    same("fold.privateInputs", m.fold.privateInputs, emitted.foldPrivate);
  }
}

/**
 * The manifest in `text`, checked; a DiagnosticError (BM0605) naming the first problem
 * otherwise. `path` is only for the message.
 */
export function readManifestText(text: string, path = "manifest.json"): Manifest {
  const damaged = (what: string): never => {
    throw new DiagnosticError(
      diagnostic("BM0605", `${path} is damaged: ${what}`, undefined, {
        help: "compile the rules into this folder again (bmc compile RULES.bm -o DIR)",
      }),
    );
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text, (key, value) =>
      key === "value" && typeof value === "string" && /^\d{1,78}$/.test(value)
        ? BigInt(value)
        : value,
    );
  } catch {
    return damaged("not valid JSON");
  }
  if (isObject(parsed) && parsed.version !== MANIFEST_VERSION && typeof parsed.version === "number")
    return damaged(
      `manifest version ${parsed.version}; this bmc reads version ${MANIFEST_VERSION}`,
    );
  try {
    manifestShape(parsed, "manifest");
    const manifest = parsed as Manifest;
    if (!manifest.files && !manifest.fold) problem("manifest", "no compiled main (files or fold)");
    checkReferences(manifest.program);
    checkDerived(manifest);
    return manifest;
  } catch (error) {
    if (error instanceof ManifestProblem) return damaged(error.message);
    // emitCircuit on a program that passed the checks above: a program no compile writes.
    if (error instanceof Error && !(error instanceof DiagnosticError))
      return damaged(`its program cannot be emitted (${error.message})`);
    throw error;
  }
}
