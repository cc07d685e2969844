/**
 * Generates Hilbert-style proofs for examples/hilbert/hilbert.bm by the deduction theorem: a
 * derivation of B from hypotheses A1..An (modus ponens steps only) becomes a proof of
 * A1 -> (... -> (An -> B)) from the axioms alone. Each discharged hypothesis multiplies the
 * proof's size, which makes small tautologies into proofs of hundreds of blocks.
 *
 *   node dist/examples/hilbert/generate.js syllogism > syllogism.json
 *   node dist/examples/hilbert/generate.js chain N > chain-N.json   (p1->p2, ..., p(N-1)->pN |- p1->pN)
 */
import type { ProofFile, ProofStep } from "../../src/index.js";

export type Formula = { kind: "var"; n: number } | { kind: "impl"; a: Formula; b: Formula };

export const v = (n: number): Formula => ({ kind: "var", n });
export const imp = (a: Formula, b: Formula): Formula => ({ kind: "impl", a, b });

export function show(f: Formula): string {
  return f.kind === "var" ? `mvar(${f.n})` : `impl(${show(f.a)}, ${show(f.b)})`;
}

function same(x: Formula, y: Formula): boolean {
  return show(x) === show(y);
}

/** A line of a derivation: the formula and how it was obtained. */
export type Line =
  | { formula: Formula; by: "ax1"; A: Formula; B: Formula }
  | { formula: Formula; by: "ax2"; A: Formula; B: Formula; C: Formula }
  | { formula: Formula; by: "hyp" }
  | { formula: Formula; by: "mp"; major: Line; minor: Line };

export const ax1 = (A: Formula, B: Formula): Line => ({
  formula: imp(A, imp(B, A)),
  by: "ax1",
  A,
  B,
});
export const ax2 = (A: Formula, B: Formula, C: Formula): Line => ({
  formula: imp(imp(A, imp(B, C)), imp(imp(A, B), imp(A, C))),
  by: "ax2",
  A,
  B,
  C,
});
export const hyp = (formula: Formula): Line => ({ formula, by: "hyp" });

export function mp(major: Line, minor: Line): Line {
  const f = major.formula;
  if (f.kind !== "impl" || !same(f.a, minor.formula)) {
    throw new Error(`modus ponens: ${show(minor.formula)} does not match ${show(major.formula)}`);
  }
  return { formula: f.b, by: "mp", major, minor };
}

/** A -> A from the axioms: the five-step proof. */
export function identity(A: Formula): Line {
  const AA = imp(A, A);
  return mp(mp(ax2(A, AA, A), ax1(A, AA)), ax1(A, A));
}

/** The deduction theorem: from a line derived with hypothesis A, a line for A -> formula. */
export function deduce(A: Formula, line: Line): Line {
  const phi = line.formula;
  if (line.by === "hyp" && same(phi, A)) return identity(A);
  if (line.by !== "mp") return mp(ax1(phi, A), line);
  const psi = line.minor.formula;
  const major = deduce(A, line.major); // A -> (psi -> phi)
  const minor = deduce(A, line.minor); // A -> psi
  return mp(mp(ax2(A, psi, phi), major), minor);
}

export function toStep(line: Line): ProofStep {
  switch (line.by) {
    case "ax1":
      return { rule: "ax1", args: { A: show(line.A), B: show(line.B) } };
    case "ax2":
      return { rule: "ax2", args: { A: show(line.A), B: show(line.B), C: show(line.C) } };
    case "mp":
      return { rule: "mp", premises: [toStep(line.major), toStep(line.minor)] };
    case "hyp":
      throw new Error(`undischarged hypothesis ${show(line.formula)}`);
  }
}

export function proofFile(goal: Line, comment: string): ProofFile {
  return {
    $comment: comment,
    public: [{ rule: "demand", args: { T: show(goal.formula) } }],
    proofs: [toStep(goal)],
  };
}

/** (p -> q) -> ((q -> r) -> (p -> r)), hypothetical syllogism. */
export function syllogism(): Line {
  const [p, q, r] = [v(1), v(2), v(3)];
  const pq = hyp(imp(p, q));
  const qr = hyp(imp(q, r));
  const r_ = mp(qr, mp(pq, hyp(p)));
  return deduce(imp(p, q), deduce(imp(q, r), deduce(p, r_)));
}

/** (p1 -> p2) -> ... -> (p(n-1) -> pn) -> (p1 -> pn): a chain of n - 1 implications. */
export function chain(n: number): Line {
  const links = Array.from({ length: n - 1 }, (_, i) => imp(v(i + 1), v(i + 2)));
  let line = hyp(v(1));
  for (const link of links) line = mp(hyp(link), line);
  let result = deduce(v(1), line);
  for (const link of [...links].reverse()) result = deduce(link, result);
  return result;
}

const isMain = process.argv[1]?.endsWith("generate.js") || process.argv[1]?.endsWith("generate.ts");
if (isMain) {
  const [what, arg] = process.argv.slice(2);
  if (what === "syllogism") {
    process.stdout.write(
      JSON.stringify(proofFile(syllogism(), "hypothetical syllogism"), null, 1) + "\n",
    );
  } else if (what === "chain" && Number(arg) >= 2) {
    const n = Number(arg);
    process.stdout.write(JSON.stringify(proofFile(chain(n), `implication chain of ${n}`)) + "\n");
  } else {
    process.stderr.write("usage: generate.js syllogism | chain N (N >= 2)\n");
    process.exitCode = 2;
  }
}
