/**
 * Large valid transcripts for examples/propositional/propositional.bm: N proofs of X -> X, one
 * per metavariable X_0 ... X_{N-1}, each the whitepaper's five steps (two instances of axiom 1,
 * one of axiom 2, two of modus ponens) over its own seven term definitions: 12 blocks per proof.
 * The statement (public part) is the first proof's goal: X_0 -> X_0 is proved, and what its
 * names mean. Term names are 7k ... 7k+6 for proof k, so every unique claim is new.
 *
 *   npx tsx examples/propositional/generate.ts N > identities-N.bmt
 *   (or, compiled: node dist/examples/propositional/generate.js N)
 */
import { pathToFileURL } from "node:url";

/** Blocks per proof of X -> X. */
export const BLOCKS_PER_PROOF = 12;

/** The transcript text of N proofs of X -> X (N >= 1). */
export function identityProofs(n: number): string {
  if (!Number.isInteger(n) || n < 1) throw new RangeError("the number of proofs must be 1 or more");
  const lines: string[] = [
    `// ${n} proofs of X -> X (examples/propositional/generate.ts): ${n * BLOCKS_PER_PROOF + 1} blocks.`,
    "public:",
    "  def_term_mvar(0, 0)",
    "  def_term_impl(1, 0, 0; 1, 0, 0)",
    "  demand(1)",
    "private:",
  ];
  for (let k = 0; k < n; k++) {
    // Names of proof k, as in a-implies-a.bmt: X, X -> X (= B), X -> B, X -> (B -> X),
    // the axiom 2 instance, (X -> B) -> (X -> X), B -> X.
    const t = (i: number) => 7 * k + i;
    if (k > 0) {
      lines.push(`  def_term_mvar(${t(0)}, ${k})`);
      lines.push(`  def_term_impl(${t(1)}, ${t(0)}, ${t(0)}; 1, 0, 0)`);
    }
    lines.push(
      `  def_term_impl(${t(2)}, ${t(0)}, ${t(1)}; 2, 0, 1)`,
      `  def_term_impl(${t(6)}, ${t(1)}, ${t(0)}; 2, 1, 0)`,
      `  def_term_impl(${t(3)}, ${t(0)}, ${t(6)}; 3, 0, 2)`,
      `  def_term_impl(${t(5)}, ${t(2)}, ${t(1)}; 3, 2, 1)`,
      `  def_term_impl(${t(4)}, ${t(3)}, ${t(5)}; 4, 3, 3)`,
      `  axiom1(${t(2)}; ${t(0)}, ${t(0)}, ${t(1)})`,
      `  axiom1(${t(3)}; ${t(0)}, ${t(1)}, ${t(6)})`,
      `  axiom2(${t(4)}; ${t(0)}, ${t(1)}, ${t(0)}, ${t(2)}, ${t(1)}, ${t(6)}, ${t(3)}, ${t(5)})`,
      `  modus_ponens(${t(4)}; ${t(3)}, ${t(5)}, 1, 0, 0)`,
      `  modus_ponens(${t(5)}; ${t(2)}, ${t(1)}, 2, 1, 0)`,
    );
  }
  return lines.join("\n") + "\n";
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const n = Number(process.argv[2]);
  if (!Number.isInteger(n) || n < 1) {
    process.stderr.write("usage: generate.ts N   (N >= 1 proofs of X -> X, 12 blocks each)\n");
    process.exit(2);
  }
  process.stdout.write(identityProofs(n));
}
