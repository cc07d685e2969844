/**
 * Generates valid propositional transcripts of any size for
 * examples/propositional/propositional.bm: n copies of the whitepaper's proof of A -> A, each
 * over its own metavariable and its own term names, each with a public demand.
 * 13 blocks per copy (1 public).
 */
import { createWriteStream } from "node:fs";
import { once } from "node:events";

export function copiesFor(blocks: number): number {
  return Math.max(1, Math.round(blocks / 13));
}

/** Lines of copy i: term names 7i .. 7i + 6, metavariable i. */
function copy(i: number): { demand: string; proof: string[] } {
  const n = (k: number) => 7 * i + k;
  return {
    demand: `  demand(${n(1)})`,
    proof: [
      `  def_term_mvar(${n(0)}, ${i})`,
      `  def_term_impl(${n(1)}, ${n(0)}, ${n(0)}; 1, 0, 0)`,
      `  def_term_impl(${n(2)}, ${n(0)}, ${n(1)}; 2, 0, 1)`,
      `  def_term_impl(${n(6)}, ${n(1)}, ${n(0)}; 2, 1, 0)`,
      `  def_term_impl(${n(3)}, ${n(0)}, ${n(6)}; 3, 0, 2)`,
      `  def_term_impl(${n(5)}, ${n(2)}, ${n(1)}; 3, 2, 1)`,
      `  def_term_impl(${n(4)}, ${n(3)}, ${n(5)}; 4, 3, 3)`,
      `  axiom1(${n(2)}; ${n(0)}, ${n(0)}, ${n(1)})`,
      `  axiom1(${n(3)}; ${n(0)}, ${n(1)}, ${n(6)})`,
      `  axiom2(${n(4)}; ${n(0)}, ${n(1)}, ${n(0)}, ${n(2)}, ${n(1)}, ${n(6)}, ${n(3)}, ${n(5)})`,
      `  modus_ponens(${n(4)}; ${n(3)}, ${n(5)}, 1, 0, 0)`,
      `  modus_ponens(${n(5)}; ${n(2)}, ${n(1)}, 2, 1, 0)`,
    ],
  };
}

export function transcriptText(copies: number): string {
  const pub: string[] = ["public:"];
  const priv: string[] = ["private:"];
  for (let i = 0; i < copies; i++) {
    const c = copy(i);
    pub.push(c.demand);
    priv.push(...c.proof);
  }
  return [...pub, ...priv, ""].join("\n");
}

/** Streams a large transcript to a file without holding it all in memory twice. */
export async function writeTranscript(path: string, copies: number): Promise<void> {
  const out = createWriteStream(path);
  const write = async (s: string) => {
    if (!out.write(s)) await once(out, "drain");
  };
  await write("public:\n");
  for (let i = 0; i < copies; i++) await write(copy(i).demand + "\n");
  await write("private:\n");
  for (let i = 0; i < copies; i++) await write(copy(i).proof.join("\n") + "\n");
  out.end();
  await once(out, "finish");
}
