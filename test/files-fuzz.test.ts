/**
 * Every file bmc reads from outside, damaged, mutated and swapped: proof files of both
 * backends, the build folder (manifest.json, .r1cs, .sym, witness generator, keys), .ptau
 * files, transcripts, .wtns, and the caches bmc writes for itself (Pedersen generators, dev
 * powers of tau). Each damaged file must give one coded message and exit 1 or 2 from `bmc`,
 * never a stack trace, an internal error (exit 3) or a hang, and a changed proof never
 * verifies. A planted cache file is re-derived, never trusted.
 *
 * The proof-file fuzz is generic: it walks whatever JSON the prover wrote (every leaf changed,
 * removed, duplicated, retyped; keys added; bytes flipped; the file cut short), so it keeps
 * working when a proof format changes.
 *
 * One build folder serves every case. Compiling it and its Groth16 keys take a minute or more,
 * so they are cached in $BMC_CACHE/test-fixtures under a digest of the sources of the stages
 * that make them, the rules and the locked dependencies: any change to those makes them again.
 * The two proofs are made afresh on every run, by the prover of this checkout.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { neededPower } from "../src/cli/prove.js";
import { DiagnosticError } from "../src/diagnostics/index.js";
import { devPtau, devPtauPath, loadManifest, ptauPower } from "../src/prove/index.js";
import { parseSparseR1cs } from "../src/prove/fold/r1cs.js";
import { readR1cs, readWtns } from "../src/witness/r1cs.js";
import { writeWtns } from "../src/prove/groth16.js";
import { setupWithCachedKeys } from "./groth16-keys.js";
import { runBmc, SMALL_TRANSCRIPT, smallBuild } from "./fixtures.js";

process.env.BMC_CACHE ??= resolve(".cache");

/** A deterministic generator (mulberry32): the same cases on every run. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, below: (n: number) => Math.floor(next() * n) };
}

// ---------------------------------------------------------------------------------------------
// The fixture: one build folder with keys, a Groth16 proof and a folded proof.

let dir: string;
let build: string;
let rules: string;
let transcript: string;
const proofs: Record<"groth16" | "fold", string> = { groth16: "", fold: "" };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "bmc-files-fuzz-"));
  ({ rules, transcript, build } = await smallBuild(dir));
  // Keys for this R1CS, ptau and snarkjs, shared with the other tests (setup itself is
  // tested in groth16.test.ts).
  await setupWithCachedKeys(build);
  for (const backend of ["groth16", "fold"] as const) {
    const path = join(dir, `${backend}.proof.json`);
    const r = await runBmc("prove", build, transcript, "--backend", backend, "-o", path, "--quiet");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    proofs[backend] = readFileSync(path, "utf8");
  }
}, 1_800_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

// ---------------------------------------------------------------------------------------------
// Running bmc on a damaged file.

const STACK = /\n\s+at .+:\d+:\d+\)?/;

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** One coded message, exit 1 or 2, no trace of a crash. */
function expectRejected(r: Outcome, what: string): string {
  const context = `${what}\n${r.stderr}${r.stdout}`;
  expect(r.stderr, context).not.toMatch(STACK);
  expect(r.stderr, context).not.toContain("internal error");
  expect([1, 2], context).toContain(r.code);
  const codes = [...r.stderr.matchAll(/^error\[(BM\d{4})\]/gm)].map((m) => m[1]);
  expect(codes.length, context).toBe(1);
  return codes[0];
}

async function verifyText(text: string | Buffer, what: string): Promise<Outcome> {
  const path = join(dir, "candidate.proof.json");
  writeFileSync(path, text);
  const r = await runBmc("verify", build, path);
  expect(r.stdout, what).not.toMatch(/^valid/m);
  return r;
}

// ---------------------------------------------------------------------------------------------
// Generic JSON mutations.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type PathStep = string | number;

function leaves(value: Json, at: PathStep[] = []): PathStep[][] {
  if (value !== null && typeof value === "object") {
    const entries = Array.isArray(value)
      ? value.map((v, i) => [i, v] as const)
      : Object.entries(value);
    const inner = entries.flatMap(([k, v]) => leaves(v, [...at, k]));
    return [at, ...inner];
  }
  return [at];
}

function edit(
  root: Json,
  path: PathStep[],
  change: (parent: Json[] | Record<string, Json>, key: PathStep) => void,
): Json {
  const copy = structuredClone(root);
  let parent = copy as Json[] | Record<string, Json>;
  for (const step of path.slice(0, -1))
    parent = (parent as Record<string, Json>)[step] as typeof parent;
  change(parent, path[path.length - 1]);
  return copy;
}

/** A different value of the same kind: a changed digit, letter, number or truth value. */
function changed(v: Json, rng: ReturnType<typeof random>): Json {
  if (typeof v === "string") {
    if (v.length === 0) return "0";
    const i = rng.below(v.length);
    const c = v[i];
    const other = /[0-9]/.test(c)
      ? String((Number(c) + 1 + rng.below(8)) % 10)
      : c === "a"
        ? "b"
        : "a";
    return v.slice(0, i) + other + v.slice(i + 1);
  }
  if (typeof v === "number") return v + 1;
  if (typeof v === "boolean") return !v;
  return v;
}

/** Every kind of change to the leaf or node at `path`, as proof-file candidates. */
function mutations(root: Json, path: PathStep[], rng: ReturnType<typeof random>): [string, Json][] {
  const name = path.join(".") || "(root)";
  const out: [string, Json][] = [];
  if (path.length === 0) {
    out.push(
      ["root: an array", [root]],
      ["root: a number", 1],
      ["root: extra key", { ...(root as object), extra: 1 }],
    );
    return out;
  }
  const key = path[path.length - 1];
  const set = (v: Json) => edit(root, path, (p, k) => ((p as Record<string, Json>)[k] = v));
  let current: Json = root;
  for (const step of path) current = (current as Record<string, Json>)[step];
  if (current === null || typeof current !== "object")
    out.push([`${name}: changed`, set(changed(current, rng))]);
  out.push(
    [
      `${name}: removed`,
      edit(root, path, (p, k) => (Array.isArray(p) ? p.splice(k as number, 1) : delete p[k])),
    ],
    [
      `${name}: duplicated`,
      edit(root, path, (p, k) => {
        if (Array.isArray(p)) p.splice(k as number, 0, structuredClone(p[k as number]));
        else p[`${String(k)}2`] = structuredClone(p[k]);
      }),
    ],
  );
  const retyped = [null, 1e308, -1, 1.5, "", [], {}, true, "1".repeat(400)];
  out.push([`${name}: retyped`, set(retyped[rng.below(retyped.length)])]);
  if (
    typeof key === "string" &&
    current !== null &&
    typeof current === "object" &&
    !Array.isArray(current)
  )
    out.push([`${name}: extra key`, set({ ...current, extra: "1" })]);
  return out;
}

/** Byte-level damage: flipped bytes, cut short, random bytes, empty. */
function byteMutations(
  text: Buffer,
  rng: ReturnType<typeof random>,
  count: number,
): [string, Buffer][] {
  const out: [string, Buffer][] = [
    ["empty", Buffer.alloc(0)],
    ["random bytes", Buffer.from(Array.from({ length: 512 }, () => rng.below(256)))],
  ];
  for (let i = 0; i < count; i++) {
    const at = rng.below(text.length);
    const flipped = Buffer.from(text);
    flipped[at] ^= 1 << rng.below(8);
    out.push([`byte ${at} flipped`, flipped]);
    out.push([`cut at ${at}`, text.subarray(0, at)]);
  }
  return out;
}

/** Up to `limit` cases, spread over the whole list (the cheap ones are not all at the start). */
function sample<T>(cases: T[], limit: number, rng: ReturnType<typeof random>): T[] {
  if (cases.length <= limit) return cases;
  const picked = new Set<number>();
  while (picked.size < limit) picked.add(rng.below(cases.length));
  return [...picked].sort((a, b) => a - b).map((i) => cases[i]);
}

// ---------------------------------------------------------------------------------------------

describe("proof files", () => {
  for (const backend of ["groth16", "fold"] as const) {
    it(`the honest ${backend} proof verifies`, async () => {
      const path = join(dir, `${backend}.proof.json`);
      writeFileSync(path, proofs[backend]);
      const r = await runBmc("verify", build, path);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
    });

    it(`every leaf of the ${backend} proof changed, removed, duplicated or retyped is rejected`, async () => {
      const rng = random(backend === "groth16" ? 10 : 11);
      const root = JSON.parse(proofs[backend]) as Json;
      const cases = leaves(root).flatMap((path) => mutations(root, path, rng));
      const seen = new Map<string, number>();
      for (const [what, mutated] of sample(cases, backend === "groth16" ? 50 : 40, rng)) {
        const text = JSON.stringify(mutated, null, 1);
        if (text === proofs[backend].trimEnd()) continue;
        const code = expectRejected(await verifyText(text, what), what);
        seen.set(code, (seen.get(code) ?? 0) + 1);
      }
      expect([...seen.keys()]).toEqual(["BM0606"]);
    }, 300_000);

    it(`the ${backend} proof with flipped bytes, cut short or replaced is rejected`, async () => {
      const rng = random(backend === "groth16" ? 20 : 21);
      for (const [what, bytes] of byteMutations(Buffer.from(proofs[backend]), rng, 8)) {
        // A flipped bit in JSON whitespace leaves an equivalent file: not a change.
        try {
          if (
            JSON.stringify(JSON.parse(bytes.toString("utf8"))) ===
            JSON.stringify(JSON.parse(proofs[backend]))
          )
            continue;
        } catch {
          // not JSON: must be rejected
        }
        expectRejected(await verifyText(bytes, what), what);
      }
    }, 300_000);
  }

  it("a proof given as the other backend's, and files given as proofs, are rejected", async () => {
    const swaps: [string, string | Buffer][] = [
      [
        "groth16 proof labelled fold",
        proofs.groth16.replace('"backend": "groth16"', '"backend": "fold"'),
      ],
      [
        "fold proof labelled groth16",
        proofs.fold.replace('"backend": "fold"', '"backend": "groth16"'),
      ],
      ["the manifest", readFileSync(join(build, "manifest.json"))],
      ["the verification key", readFileSync(join(build, "verification_key.json"))],
      ["the transcript", SMALL_TRANSCRIPT],
      ["the R1CS", readFileSync(join(build, "groth16.r1cs"))],
    ];
    for (const [what, text] of swaps)
      expect(expectRejected(await verifyText(text, what), what)).toBe("BM0606");
  }, 120_000);
});

describe("build folder files", () => {
  /** Runs `run` with `file` of the build folder replaced by `bytes`, then restores it. */
  async function withFile<T>(
    file: string,
    bytes: Buffer | string,
    run: () => Promise<T>,
  ): Promise<T> {
    const path = join(build, file);
    const original = readFileSync(path);
    writeFileSync(path, bytes);
    try {
      return await run();
    } finally {
      writeFileSync(path, original);
    }
  }
  const verifyHonest = (backend: "groth16" | "fold") => {
    const path = join(dir, `honest-${backend}.proof.json`);
    writeFileSync(path, proofs[backend]);
    return runBmc("verify", build, path);
  };
  const prove = (backend: "groth16" | "fold") =>
    runBmc(
      "prove",
      build,
      transcript,
      "--backend",
      backend,
      "-o",
      join(dir, "out.proof.json"),
      "--quiet",
    );

  it("manifest.json: every kind of damage is rejected, or changes nothing", async () => {
    const rng = random(30);
    const original = readFileSync(join(build, "manifest.json"), "utf8");
    const root = JSON.parse(original) as Json;
    const honest = await verifyHonest("groth16");
    expect(honest.code).toBe(0);
    const cases: [string, string | Buffer][] = [
      ...sample(
        leaves(root).flatMap((path) => mutations(root, path, rng)),
        80,
        rng,
      ).map(([what, v]) => [what, JSON.stringify(v)] as [string, string]),
      ...byteMutations(Buffer.from(original), rng, 10),
      ["a huge number", original.replace(/"uniqueSlots": \d+/, '"uniqueSlots": 1e400')],
    ];
    let accepted = 0;
    for (const [what, text] of cases) {
      const r = await withFile("manifest.json", text, () => verifyHonest("groth16"));
      // A change to a field nothing depends on (a source line, a constraint count) may pass:
      // then the verdict is the honest one, word for word.
      if (r.code === 0) {
        expect(r.stdout, what).toBe(honest.stdout);
        accepted++;
        continue;
      }
      expect(expectRejected(r, what), what).toMatch(/^BM060[56]$/);
    }
    expect(accepted).toBeLessThan(cases.length / 4);
  }, 300_000);

  it("the compiled files (R1CS, symbols, witness generator) damaged or swapped are rejected", async () => {
    const rng = random(40);
    const manifest = loadManifest(build);
    const groth16Files = Object.keys(manifest.files!.sha256);
    const foldFiles = Object.keys(manifest.fold!.files.sha256);
    for (const [files, run] of [
      [groth16Files, () => prove("groth16")],
      [foldFiles, () => verifyHonest("fold")],
    ] as const) {
      for (const file of files) {
        const bytes = readFileSync(join(build, file));
        const damage: [string, Buffer | string][] = [
          ...byteMutations(bytes, rng, 1),
          ["another build file", readFileSync(join(build, "manifest.json"))],
        ];
        for (const [what, replaced] of damage) {
          const r = await withFile(file, replaced, run);
          expect(expectRejected(r, `${file}: ${what}`)).toBe("BM0605");
        }
        rmSync(join(dir, "missing"), { force: true });
        renameSync(join(build, file), join(dir, "missing"));
        try {
          expect(expectRejected(await run(), `${file}: missing`)).toBe("BM0605");
        } finally {
          renameSync(join(dir, "missing"), join(build, file));
        }
      }
    }
  }, 300_000);

  it("verification_key.json damaged or swapped is rejected, and never accepts the honest proof for another statement", async () => {
    const rng = random(50);
    const original = readFileSync(join(build, "verification_key.json"), "utf8");
    const root = JSON.parse(original) as Json;
    const cases: [string, string | Buffer][] = [
      ...sample(
        leaves(root).flatMap((path) => mutations(root, path, rng)),
        12,
        rng,
      ).map(([what, v]) => [what, JSON.stringify(v)] as [string, string]),
      ...byteMutations(Buffer.from(original), rng, 3),
      ["the fold proof", proofs.fold],
    ];
    for (const [what, text] of cases) {
      const r = await withFile("verification_key.json", text, () => verifyHonest("groth16"));
      expect(expectRejected(r, what), what).toMatch(/^BM060[56]$/);
    }
  }, 300_000);

  /** Where section `type` of a circom/snarkjs binary file starts. */
  function sectionStart(file: Buffer, type: number): number {
    let at = 12;
    for (let i = 0; i < file.readUInt32LE(8); i++) {
      if (file.readUInt32LE(at) === type) return at + 12;
      at += 12 + Number(file.readBigUInt64LE(at + 4));
    }
    throw new Error(`no section ${type}`);
  }

  it("groth16.zkey damaged or swapped is rejected before a bad proof is written", async () => {
    const zkey = readFileSync(join(build, "groth16.zkey"));
    const flipped = (at: number) => {
      const b = Buffer.from(zkey);
      b[at] ^= 0x40;
      return b;
    };
    const cases: [string, Buffer][] = [
      ["cut short", zkey.subarray(0, zkey.length - 100)],
      ["magic changed", flipped(1)],
      ["header changed", flipped(80)],
      ["a point of H changed", flipped(sectionStart(zkey, 9) + 100)],
      ["a point of C changed", flipped(sectionStart(zkey, 8) + 100)],
      ["the R1CS instead", readFileSync(join(build, "groth16.r1cs"))],
    ];
    for (const [what, bytes] of cases) {
      rmSync(join(dir, "out.proof.json"), { force: true });
      const r = await withFile("groth16.zkey", bytes, () => prove("groth16"));
      expect(expectRejected(r, what), what).toBe("BM0605");
      expect(existsSync(join(dir, "out.proof.json")), what).toBe(false);
    }
  }, 300_000);

  it("a manifest with its public inputs reordered cannot make a changed statement verify", async () => {
    const manifest = JSON.parse(readFileSync(join(build, "manifest.json"), "utf8"));
    const inputs: string[] = manifest.publicInputs;
    // The first public block's first two shown values, swapped in the manifest and in the
    // statement: the circuit's public inputs stay the same, the statement does not.
    const [a, b] = [inputs.indexOf("pub3_shown[0][0]"), inputs.indexOf("pub3_shown[0][1]")];
    expect(a).toBeGreaterThanOrEqual(0);
    [inputs[a], inputs[b]] = [inputs[b], inputs[a]];
    const proof = JSON.parse(proofs.groth16);
    const first = proof.statement.find((s: { rule: string }) => s.rule === "assert");
    first.shown.reverse();
    expect(first.shown).toEqual(["0", "1"]);
    const path = join(dir, "reordered.proof.json");
    writeFileSync(path, JSON.stringify(proof));
    const r = await withFile("manifest.json", JSON.stringify(manifest), () =>
      runBmc("verify", build, path),
    );
    expect(r.stdout).not.toMatch(/^valid/m);
    expect(expectRejected(r, "reordered public inputs")).toBe("BM0605");
  });

  it("another build's manifest is rejected", async () => {
    const manifest = JSON.parse(readFileSync(join(build, "manifest.json"), "utf8"));
    // Same shape, other rules: the digests a manifest of another build would carry.
    const other = { ...manifest, rulesDigest: "ab".repeat(32) };
    other.program = { ...manifest.program, rulesDigest: "ab".repeat(32) };
    const r = await withFile("manifest.json", JSON.stringify(other), () => verifyHonest("groth16"));
    expect(expectRejected(r, "other rules")).toMatch(/^BM060[56]$/);
  });
});

describe("powers of tau", () => {
  it("a .ptau cut short, changed or swapped is rejected by setup with BM0607", async () => {
    const ptau = readFileSync(await devPtau(neededPower(build)));
    const flipped = (at: number, bit = 0x10) => {
      const b = Buffer.from(ptau);
      b[at] ^= bit;
      return b;
    };
    const cases: [string, Buffer][] = [
      ["empty", Buffer.alloc(0)],
      ["cut short", ptau.subarray(0, ptau.length - 64)],
      ["one byte more", Buffer.concat([ptau, Buffer.alloc(1)])],
      ["magic changed", flipped(0)],
      ["version changed", flipped(4)],
      ["section count changed", flipped(8)],
      ["a section size changed", flipped(16, 0x01)],
      ["field size changed", flipped(24)],
      ["power changed", flipped(12 + 12 + 36, 0x01)],
      ["the zkey instead", readFileSync(join(build, "groth16.zkey"))],
      ["the R1CS instead", readFileSync(join(build, "groth16.r1cs"))],
    ];
    for (const [what, bytes] of cases) {
      const path = join(dir, "candidate.ptau");
      writeFileSync(path, bytes);
      const r = await runBmc("setup", build, "--ptau", path, "--force");
      expect(expectRejected(r, what), what).toBe("BM0607");
    }
  }, 120_000);

  it("a planted or damaged development .ptau in the cache is made again, not used", async () => {
    const cache = join(dir, "ptau-cache");
    const target = devPtauPath(4, cache);
    mkdirSync(join(target, ".."), { recursive: true });
    writeFileSync(target, readFileSync(await devPtau(neededPower(build))).subarray(0, 5000));
    const made = await devPtau(4, { cacheDir: cache });
    expect(made).toBe(target);
    expect(ptauPower(made)).toBe(4);
  }, 120_000);
});

describe("transcripts, witnesses and circom binaries, read directly", () => {
  it("a damaged transcript gives one coded diagnostic or more, never a crash", async () => {
    const rng = random(60);
    for (const [what, bytes] of byteMutations(Buffer.from(SMALL_TRANSCRIPT), rng, 15)) {
      const path = join(dir, "candidate.bmt");
      writeFileSync(path, bytes);
      const r = await runBmc("validate", rules, path);
      expect(r.stderr, what).not.toMatch(STACK);
      expect([0, 1], what).toContain(r.code);
      if (r.code === 1) expect(r.stderr, what).toMatch(/^error\[BM0\d{3}\]/m);
    }
  });

  /** Every reader of circom's binary formats either reads or throws a DiagnosticError. */
  function expectReadOrDiagnostic(read: () => unknown, what: string): void {
    try {
      read();
    } catch (error) {
      expect(error, what).toBeInstanceOf(DiagnosticError);
      expect((error as DiagnosticError).diagnostic.code, what).toBe("BM0605");
    }
  }

  it("R1CS readers (Groth16 and folding) read or reject every damaged file", () => {
    const rng = random(70);
    const bytes = readFileSync(join(build, "fold.r1cs"));
    const path = join(dir, "candidate.r1cs");
    const cases = byteMutations(bytes, rng, 60);
    // Header fields: sizes, counts, the prime.
    for (const at of [4, 8, 12, 16, 24, 28, 32, 60, 64, 68, 72, 76, 84, 88, 96, 100]) {
      const b = Buffer.from(bytes);
      b.writeUInt32LE(0xffffffff, at);
      cases.push([`u32 at ${at} = 2^32-1`, b]);
    }
    for (const [what, b] of cases) {
      writeFileSync(path, b);
      expectReadOrDiagnostic(() => readR1cs(path), `readR1cs: ${what}`);
      expectReadOrDiagnostic(() => parseSparseR1cs(b, path), `parseSparseR1cs: ${what}`);
    }
  });

  it("the .wtns reader reads or rejects every damaged file", () => {
    const rng = random(80);
    const path = join(dir, "candidate.wtns");
    writeWtns(path, [1n, 2n, 3n, 4n, 5n]);
    expect(readWtns(path)).toEqual([1n, 2n, 3n, 4n, 5n]);
    for (const [what, b] of byteMutations(readFileSync(path), rng, 40)) {
      writeFileSync(path, b);
      expectReadOrDiagnostic(() => readWtns(path), what);
    }
  });
});

// The fold backend keeps no generator cache: its hiding generators are derived on every run
// and its SRS cache is checked before use (test/snark.test.ts "planted SRS caches",
// test/zk.test.ts "a planted SRS cache").
