/**
 * Mutations of Metamath databases for the differential tests against metamath-exe, and a way to
 * ask metamath-exe about many files in one process.
 *
 * A mutation changes one thing in a proof or a statement, the way a careless edit or a malicious
 * prover would: labels swapped or replaced, steps dropped or duplicated, a compressed proof's `Z`
 * moved or a back-reference changed, a `$d` removed, a math symbol changed.
 */
import { execFileSync } from "node:child_process";

interface Token {
  text: string;
  start: number;
  end: number;
}

/** Whitespace-separated tokens outside comments, with their offsets. */
function tokensOf(text: string): Token[] {
  const out: Token[] = [];
  let inComment = false;
  for (const m of text.matchAll(/\S+/g)) {
    const t = m[0];
    if (inComment) {
      if (t === "$)") inComment = false;
      continue;
    }
    if (t === "$(") {
      inComment = true;
      continue;
    }
    out.push({ text: t, start: m.index!, end: m.index! + t.length });
  }
  return out;
}

interface Structure {
  tokens: Token[];
  /** Token index ranges [from, to) of each proof body (between `$=` and `$.`). */
  proofs: [number, number][];
  /** Token index ranges of math strings of `$e`, `$a`, `$p` (typecode included). */
  maths: [number, number][];
  /** Token index ranges of whole `$d` statements (keyword to `$.` inclusive). */
  disjoints: [number, number][];
  symbols: string[];
  labels: string[];
}

function structureOf(text: string): Structure {
  const tokens = tokensOf(text);
  const s: Structure = { tokens, proofs: [], maths: [], disjoints: [], symbols: [], labels: [] };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i].text;
    const end = () => {
      let j = i + 1;
      while (j < tokens.length && tokens[j].text !== "$." && tokens[j].text !== "$=") j++;
      return j;
    };
    if (t === "$c" || t === "$v") {
      const j = end();
      for (let k = i + 1; k < j; k++) s.symbols.push(tokens[k].text);
      i = j;
    } else if (t === "$d") {
      const j = end();
      s.disjoints.push([i, j + 1]);
      i = j;
    } else if (t === "$e" || t === "$a" || t === "$p" || t === "$f") {
      if (i > 0) s.labels.push(tokens[i - 1].text);
      const j = end();
      if (t !== "$f") s.maths.push([i + 1, j]);
      if (j < tokens.length && tokens[j].text === "$=") {
        let k = j + 1;
        while (k < tokens.length && tokens[k].text !== "$.") k++;
        s.proofs.push([j + 1, k]);
        i = k;
      } else i = j;
    }
  }
  return s;
}

/** A small seeded generator (mulberry32), so a failing case can be replayed from its seed. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

export interface Mutation {
  kind: string;
  text: string;
}

interface Compressed {
  /** Token indices of the label list (between `(` and `)`). */
  list: [number, number];
  /** Token indices of the letters. */
  letters: [number, number];
  groups: { number: string; z: boolean }[];
}

function compressedOf(tokens: Token[], [from, to]: [number, number]): Compressed | undefined {
  if (tokens[from]?.text !== "(") return undefined;
  let close = from + 1;
  while (close < to && tokens[close].text !== ")") close++;
  if (close >= to) return undefined;
  const letters = tokens
    .slice(close + 1, to)
    .map((t) => t.text)
    .join("");
  const groups: { number: string; z: boolean }[] = [];
  for (const m of letters.matchAll(/([U-Y]*[A-T])(Z?)|\?/g))
    groups.push({ number: m[1] ?? "?", z: m[2] === "Z" });
  return { list: [from + 1, close], letters: [close + 1, to], groups };
}

/** Replace tokens [from, to) of `text` by `replacement` (a string, spaces around). */
function splice(text: string, tokens: Token[], from: number, to: number, replacement: string) {
  const start = tokens[from].start;
  const end = to > from ? tokens[to - 1].end : tokens[from].start;
  return text.slice(0, start) + replacement + (to > from ? "" : " ") + text.slice(end);
}

function pick<T>(rng: () => number, list: readonly T[]): T {
  return list[Math.floor(rng() * list.length)];
}

/** One random mutation of `text`, or undefined when the chosen kind does not apply. */
export function mutate(text: string, rng: () => number): Mutation | undefined {
  const s = structureOf(text);
  const { tokens } = s;
  const kinds = [
    "swap-labels",
    "replace-label",
    "drop-step",
    "duplicate-step",
    "move-z",
    "change-reference",
    "drop-d",
    "change-symbol",
  ];
  const kind = pick(rng, kinds);
  if (kind === "drop-d" || kind === "change-symbol") {
    if (kind === "drop-d") {
      if (s.disjoints.length === 0) return undefined;
      const [from, to] = pick(rng, s.disjoints);
      const vars = tokens.slice(from + 1, to - 1).map((t) => t.text);
      // Either the whole statement, or one variable of it.
      if (vars.length <= 2 || rng() < 0.5)
        return { kind, text: splice(text, tokens, from, to, "") };
      const drop = Math.floor(rng() * vars.length);
      const kept = vars.filter((_, i) => i !== drop);
      return { kind, text: splice(text, tokens, from, to, `$d ${kept.join(" ")} $.`) };
    }
    if (s.maths.length === 0 || s.symbols.length === 0) return undefined;
    const [from, to] = pick(rng, s.maths);
    if (to <= from) return undefined;
    const at = from + Math.floor(rng() * (to - from));
    const symbol = pick(rng, s.symbols);
    if (symbol === tokens[at].text) return undefined;
    return { kind, text: splice(text, tokens, at, at + 1, symbol) };
  }
  if (s.proofs.length === 0) return undefined;
  const proof = pick(rng, s.proofs);
  const compressed = compressedOf(tokens, proof);
  if (!compressed) {
    const [from, to] = proof;
    const n = to - from;
    if (n === 0) return undefined;
    const i = from + Math.floor(rng() * n);
    const labels = tokens.slice(from, to).map((t) => t.text);
    const k = i - from;
    switch (kind) {
      case "swap-labels": {
        const j = Math.floor(rng() * n);
        if (labels[j] === labels[k]) return undefined;
        [labels[j], labels[k]] = [labels[k], labels[j]];
        break;
      }
      case "replace-label":
        labels[k] = pick(rng, s.labels);
        break;
      case "drop-step":
        labels.splice(k, 1);
        break;
      case "duplicate-step":
        labels.splice(k, 0, labels[k]);
        break;
      default:
        return undefined;
    }
    return { kind, text: splice(text, tokens, from, to, labels.join(" ")) };
  }
  const { groups } = compressed;
  const list = tokens.slice(compressed.list[0], compressed.list[1]).map((t) => t.text);
  const g = Math.floor(rng() * groups.length);
  switch (kind) {
    case "swap-labels": {
      if (list.length < 2) return undefined;
      const a = Math.floor(rng() * list.length);
      const b = Math.floor(rng() * list.length);
      if (list[a] === list[b]) return undefined;
      [list[a], list[b]] = [list[b], list[a]];
      break;
    }
    case "replace-label":
      if (list.length === 0) return undefined;
      list[Math.floor(rng() * list.length)] = pick(rng, s.labels);
      break;
    case "drop-step":
      groups.splice(g, 1);
      break;
    case "duplicate-step":
      groups.splice(g, 0, { ...groups[g], z: false });
      break;
    case "move-z": {
      const tagged = groups.map((x, i) => (x.z ? i : -1)).filter((i) => i >= 0);
      if (tagged.length === 0) return undefined;
      groups[pick(rng, tagged)].z = false;
      groups[g].z = true;
      break;
    }
    case "change-reference": {
      const other = pick(rng, groups);
      if (other.number === groups[g].number) return undefined;
      groups[g] = { number: other.number, z: groups[g].z };
      break;
    }
  }
  const letters = groups.map((x) => x.number + (x.z ? "Z" : "")).join("");
  const body = `( ${list.join(" ")} ) ${letters}`;
  return { kind, text: splice(text, tokens, proof[0], proof[1], body) };
}

export function metamathExeAvailable(): boolean {
  try {
    execFileSync("metamath", [], { input: "exit\n", stdio: ["pipe", "ignore", "ignore"] });
    return true;
  } catch {
    return false;
  }
}

/**
 * Does metamath-exe accept each file (read, then verify every proof, without a `?Error`)? One
 * process reads them all in turn (`erase` between files). `names` are plain file names in `dir`:
 * metamath-exe takes a `/` in a command argument for an option.
 */
export function metamathExeAccepts(dir: string, names: readonly string[]): boolean[] {
  const script = [
    "set scroll continuous",
    "set width 1000",
    ...names.flatMap((n) => [`read "${n}"`, "verify proof *", "erase"]),
    "exit",
    "",
  ].join("\n");
  const out = execFileSync("metamath", [], {
    cwd: dir,
    input: script,
    encoding: "latin1",
    maxBuffer: 1 << 28,
  });
  const parts = out.split(/Reading source file "/).slice(1);
  if (parts.length !== names.length)
    throw new Error(`metamath-exe read ${parts.length} files of ${names.length}`);
  return parts.map((p, i) => {
    if (!p.startsWith(names[i])) throw new Error(`metamath-exe output out of order at ${names[i]}`);
    return !/^\?Error/m.test(p);
  });
}
