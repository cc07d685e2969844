/**
 * Zero knowledge and strictness of folded proofs (version 2), with real circom2 circuits and
 * ffjavascript curve arithmetic on a small segment: the proof holds no private value, every
 * field it has is checked, proofs are randomized (and reproducible with a seeded RNG, the
 * test-only hook), and a planted SRS cache is rejected or ignored.
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { buildBn128, type Bn128 } from "ffjavascript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { identityProofs } from "../examples/propositional/generate.js";
import { compileCommand } from "../src/cli/compile.js";
import { P } from "../src/field/index.js";
import { checkRuleFile, parseTranscript, SourceFile } from "../src/index.js";
import {
  foldSegments,
  layoutSegments,
  loadFoldCircuit,
  seededRng,
  verifyFold,
  type FoldCircuit,
  type FoldProof,
} from "../src/prove/fold/index.js";
import { encodePoint, withCurve } from "../src/prove/fold/curve.js";
import { randomScalar, randomScalars } from "../src/prove/fold/hiding.js";
import { devSrs, devSrsPath, type Srs } from "../src/prove/fold/snark/index.js";
import {
  loadManifest,
  segmentPublicSignals,
  statementOf,
  verifyProofText,
} from "../src/prove/index.js";
import { validateTranscript } from "../src/validate/index.js";
import { cachedFolder, compilerSourceDigest, copyCachedBuild, slotSpec } from "./fixtures.js";
import { segmentWitnesses } from "./support/dishonest-fold.js";

process.env.BMC_CACHE ??= resolve(".cache");

const RULES = "examples/propositional/propositional.bm";
const SLOTS = { def_term_mvar: 1, def_term_impl: 4, axiom1: 2, axiom2: 1, modus_ponens: 2 };
const PUBLIC = { def_term_mvar: 1, def_term_impl: 1, demand: 1 };

let dir: string;
let build: string;
let circuit: FoldCircuit;

function layout(text: string) {
  const ruleSet = checkRuleFile(RULES).ruleSet!;
  const transcript = parseTranscript(new SourceFile("t.bmt", text), ruleSet).transcript!;
  const validation = validateTranscript(transcript);
  return {
    statement: statementOf(transcript),
    segments: layoutSegments(circuit, transcript, validation),
  };
}

/**
 * A proof of two identities (3 segments), and every segment's whole witness, computed again
 * for the challenges the verifier derives from the proof.
 */
async function proveWithWitnesses(seed?: string, workers = 1) {
  const { statement, segments } = layout(identityProofs(2));
  const proof = await foldSegments(circuit, statement, segments, {
    rng: seed === undefined ? undefined : seededRng(seed),
    workers,
  });
  const witnesses = await segmentWitnesses(circuit, segments, proof);
  return { proof, witnesses, text: JSON.stringify(proof) };
}

const verify = (text: string, options: { cacheDir?: string } = {}) =>
  verifyProofText(build, text, options);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "bmc-zk-"));
  build = join(dir, "build");
  const spec = (counts: Record<string, number>) => slotSpec(RULES, counts);
  const [slots, publicSlots] = [spec(SLOTS), spec(PUBLIC)];
  // Compiled once per change of the compiler's sources (scripts/guard-removal.ts runs this
  // file once per guard).
  const digest = compilerSourceDigest(readFileSync(RULES, "utf8"), slots, publicSlots);
  const compiled = await cachedFolder(`zk-build-${digest}`, async (into) => {
    const r = await compileCommand({ rulesPath: RULES, outDir: into, slots, publicSlots });
    expect(r.diagnostics).toEqual([]);
  });
  copyCachedBuild(compiled, build, RULES);
  circuit = loadFoldCircuit(build, loadManifest(build));
}, 600_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every 64-byte point of a proof, hex-encoded, wherever it sits. */
function proofPoints(proof: FoldProof): string[] {
  const out: string[] = [];
  for (const s of proof.segments) {
    const bytes = Buffer.from(s, "base64");
    for (let k = 0; k < bytes.length; k += 64) out.push(bytes.toString("hex", k, k + 64));
  }
  const r = proof.random;
  out.push(r.comPre, r.comRest, r.comE, r.D, r.Din, r.comT, proof.sum.K);
  return out;
}

describe("zero knowledge", () => {
  let first: Awaited<ReturnType<typeof proveWithWitnesses>>;
  beforeAll(async () => {
    first = await proveWithWitnesses();
    expect((await verify(first.text)).valid).toBe(true);
  }, 600_000);

  it("the proof contains no private witness value and no accumulator, in any encoding", () => {
    const { proof, text, witnesses } = first;
    // The proof's bytes: its text, and every binary field decoded.
    const binary = Buffer.concat([
      ...proof.segments.map((s) => Buffer.from(s, "base64")),
      ...(text.match(/[0-9a-f]{128}/g) ?? []).map((p) => Buffer.from(p, "hex")),
    ]);
    const statementValues = new Set(proof.statement.flatMap((b) => b.shown));
    const searched = new Set<bigint>();
    for (const w of witnesses) {
      // Wires 1..3 are the accumulators A, B, u_out; 6 is u_in; then the private inputs and
      // the internal wires. Values below 2^20 occur by chance in any long text of digits.
      for (const v of w.slice(1))
        if (v >= 1n << 20n && !statementValues.has(String(v))) searched.add(v);
    }
    expect(searched.size).toBeGreaterThan(100);
    let checked = 0;
    for (const v of searched) {
      const be = Buffer.from(v.toString(16).padStart(64, "0"), "hex");
      const le = Buffer.from(be).reverse();
      // Short decimal or hex strings occur by chance in kilobytes of random digits: those
      // are searched for values of 64 bits and more only.
      const long = v >= 1n << 64n ? [v.toString(), v.toString(16)] : [];
      for (const needle of [...long, be.toString("hex"), le.toString("hex")])
        expect(text.includes(needle), `${v} as ${needle}`).toBe(false);
      for (const bytes of [be, le, be.subarray(24), le.subarray(0, 8)])
        expect(binary.includes(bytes), `${v} in binary`).toBe(false);
      for (const b64 of [be.toString("base64"), le.toString("base64")])
        expect(text.includes(b64.slice(4, 40)), `${v} in base64`).toBe(false);
      checked++;
    }
    expect(checked).toBe(searched.size);
  });

  it("two proofs of one transcript share no commitment and no folded value", async () => {
    const second = await proveWithWitnesses();
    expect((await verify(second.text)).valid).toBe(true);
    const a = new Set(proofPoints(first.proof));
    const shared = proofPoints(second.proof).filter((p) => a.has(p));
    expect(shared).toEqual([]);
    for (const [k, v] of Object.entries(first.proof.folded))
      expect(second.proof.folded[k as keyof FoldProof["folded"]], k).not.toBe(v);
    expect(second.proof.final.snark.evalW).not.toBe(first.proof.final.snark.evalW);
  }, 300_000);

  it("a proof made with a seeded RNG (the test-only hook) is reproducible, on any number of threads", async () => {
    const one = await proveWithWitnesses("seed");
    // The segment jobs on 2 worker threads: the same bytes.
    const two = await proveWithWitnesses("seed", 2);
    expect(two.text).toBe(one.text);
    expect((await verify(one.text)).valid).toBe(true);
    const other = await proveWithWitnesses("other seed");
    expect(other.text).not.toBe(one.text);
  }, 600_000);

  it("scalars drawn in batches are the ones drawn one at a time, uniform below p", () => {
    const batched = randomScalars(seededRng("batch"));
    const single = seededRng("batch");
    const values = Array.from({ length: 600 }, () => batched());
    expect(values).toEqual(values.map(() => randomScalar(single)));
    expect(values.every((v) => v >= 0n && v < P)).toBe(true);
    expect(new Set(values).size).toBe(values.length);
    expect(values.some((v) => v >= P / 2n)).toBe(true);
  });
});

describe("every field of the proof is checked", () => {
  let proof: FoldProof;
  let curve: Bn128;
  let srs: Srs;
  /** The verifier on one loaded SRS (the same checks; the SRS is loaded and checked once). */
  const check = (text: string) =>
    verifyFold(
      circuit,
      JSON.parse(text),
      (st, n) => segmentPublicSignals(circuit.manifest, st, n),
      { srs },
    );
  afterAll(() => curve?.terminate());
  let otherPoint: string;
  let encodeG: string;
  beforeAll(async () => {
    proof = (await proveWithWitnesses("fields")).proof;
    curve = await buildBn128(true);
    srs = await devSrs(curve, circuit.logSize);
    expect((await check(JSON.stringify(proof))).valid).toBe(true);
    [otherPoint, encodeG] = await withCurve(async (curve) => [
      encodePoint(curve, curve.G1.toAffine(curve.G1.timesScalar(curve.G1.g, 7n))),
      encodePoint(curve, curve.G1.g),
    ]);
  }, 600_000);

  /** Every way to change one value of the proof, by path. */
  function edits(): [string, (p: any) => void][] {
    const out: [string, (p: any) => void][] = [];
    const bump = (v: string) => ((BigInt(v) + 1n) % P).toString();
    proof.segments.forEach((s, i) => {
      const count = Buffer.from(s, "base64").length / 64;
      for (let k = 0; k < count; k++)
        out.push([
          `segments[${i}] point ${k}`,
          (p) => {
            const bytes = Buffer.from(p.segments[i], "base64");
            Buffer.from(otherPoint, "hex").copy(bytes, 64 * k);
            p.segments[i] = bytes.toString("base64");
          },
        ]);
    });
    for (const k of ["comPre", "comRest", "comE", "D", "Din", "comT"])
      out.push([`random.${k}`, (p) => (p.random[k] = otherPoint)]);
    out.push(["random.u", (p) => (p.random.u = bump(p.random.u))]);
    proof.random.x.forEach((_, j) =>
      out.push([`random.x[${j}]`, (p) => (p.random.x[j] = bump(p.random.x[j]))]),
    );
    out.push(["sum.K", (p) => (p.sum.K = otherPoint)]);
    for (const k of ["zu", "zh"]) out.push([`sum.${k}`, (p) => (p.sum[k] = bump(p.sum[k]))]);
    for (const k of Object.keys(proof.folded))
      out.push([`folded.${k}`, (p) => (p.folded[k] = bump(p.folded[k]))]);
    // The final step's scalars and points: the first and the last of every list (every
    // sum-check round, evaluation row and opening; the SNARK's own tests cover the rest).
    const walk = (v: unknown, path: (string | number)[]) => {
      if (Array.isArray(v))
        v.forEach((x, i) => (i === 0 || i === v.length - 1) && walk(x, [...path, i]));
      else if (v && typeof v === "object")
        for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
      else if (typeof v === "string" && path.length > 1)
        out.push([
          `final.${path.join(".")}`,
          (p) => {
            let at = p.final;
            for (const k of path.slice(0, -1)) at = at[k];
            const last = path[path.length - 1];
            at[last] = /^[0-9a-f]{128}$/.test(v)
              ? v === otherPoint
                ? encodeG
                : otherPoint
              : bump(v);
          },
        ]);
    };
    walk(proof.final, []);
    proof.statement.forEach((b, i) =>
      b.shown.forEach((_, j) =>
        out.push([
          `statement[${i}].shown[${j}]`,
          (p) => (p.statement[i].shown[j] = bump(p.statement[i].shown[j])),
        ]),
      ),
    );
    return out;
  }

  it("changing any one value is rejected", async () => {
    const all = edits();
    expect(all.length).toBeGreaterThan(40);
    for (const [path, change] of all) {
      const copy = JSON.parse(JSON.stringify(proof));
      change(copy);
      expect((await check(JSON.stringify(copy))).valid, path).toBe(false);
    }
  }, 300_000);

  it("non-canonical encodings are rejected", async () => {
    const variants: ((p: any) => void)[] = [
      (p) => (p.segments[1] = p.segments[1].replace(/=+$/, "")),
      (p) => (p.segments[1] = p.segments[1].replace(/\+/g, "-")),
      (p) => (p.segments = []),
      (p) => (p.folded.extra = "1"),
      (p) => (p.segments[0] = `${p.segments[0]} `),
      (p) => (p.random.comPre = p.random.comPre.toUpperCase()),
      (p) => (p.folded.A = `0${p.folded.A}`),
      (p) => (p.folded.A = (BigInt(p.folded.A) + P).toString()),
      (p) => (p.sum.zu = Number(p.sum.zu)),
      (p) => (p.random.x = p.random.x.slice(1)),
      (p) => p.final.snark.outer.pop(),
      (p) => (p.final.scheme = "open"),
      (p) =>
        (p.final.snark.opening.witnesses[0] = p.final.snark.opening.witnesses[0].slice(2) + "00"),
      (p) => (p.final.snark.evalLow = "1"),
      (p) => (p.final.support = { folds: [], evals: [], witnesses: [] }),
      (p) => (p.final.snark.opening.extra = []),
    ];
    for (const [k, change] of variants.entries()) {
      const copy = JSON.parse(JSON.stringify(proof));
      change(copy);
      expect((await check(JSON.stringify(copy))).valid, `variant ${k}`).toBe(false);
    }
  });
  /** The verdict on a copy of the proof with `change` made. */
  async function verdictOf(change: (p: any) => void) {
    const copy = JSON.parse(JSON.stringify(proof));
    change(copy);
    return check(JSON.stringify(copy));
  }
  const bump = (v: string, by = 1n) => ((BigInt(v) + by + P) % P).toString();

  // Each of these is rejected by one check of the reader alone (scripts/guard-removal.ts
  // removes each check and sees this test fail): without it, the change is ignored or crashes
  // the verifier.
  it("each check of the reader rejects the change only it sees", async () => {
    const withPoint = (text: string, point: string) =>
      Buffer.concat([Buffer.from(text, "base64"), Buffer.from(point, "hex")]).toString("base64");
    const cases: [string, (p: any) => void, string | RegExp][] = [
      ["an extra top-level field", (p) => (p.extra = "1"), /unexpected or missing fields/],
      ["another format", (p) => (p.format = "bmc-proof-x"), "not a version 4 bmc fold proof"],
      ["version 1", (p) => (p.version = 1), "not a version 4 bmc fold proof"],
      ["the other backend", (p) => (p.backend = "groth16"), "not a version 4 bmc fold proof"],
      [
        "other rules",
        (p) => (p.rulesDigest = "0".repeat(64)),
        "the proof is for other rules than this build folder's",
      ],
      [
        "another circuit",
        (p) => (p.circuitDigest = "0".repeat(64)),
        /^the proof is for another circuit/,
      ],
      [
        "another commitment key",
        (p) => (p.commitmentKey = `kzg:${"0".repeat(64)}`),
        /^the proof uses another commitment key/,
      ],
      [
        "a point after a segment's last",
        (p) => (p.segments[1] = withPoint(p.segments[1], otherPoint)),
        "segment 2 is malformed",
      ],
      [
        "a cross term for the first segment",
        (p) => (p.segments[0] = withPoint(p.segments[0], otherPoint)),
        "segment 1 is malformed",
      ],
      ["a segment not a string", (p) => (p.segments[1] = 5), "segment 2 is malformed"],
      [
        "a segment point off the curve, (1, 1)",
        (p) => {
          const bytes = Buffer.from(p.segments[1], "base64");
          Buffer.from(`${"00".repeat(31)}01${"00".repeat(31)}01`, "hex").copy(bytes, 64);
          p.segments[1] = bytes.toString("base64");
        },
        "segment 2 is malformed",
      ],
      ["segments not a list", (p) => (p.segments = p.segments[0]), "the proof has no segments"],
      ["no segments", (p) => (p.segments = []), "the proof has no segments"],
      [
        "random.u with a leading zero",
        (p) => (p.random.u = `0${p.random.u}`),
        "the random instance is malformed",
      ],
      [
        "random.x one value longer",
        (p) => p.random.x.push("0"),
        "the random instance is malformed",
      ],
      [
        "an extra field in random",
        (p) => (p.random.extra = "1"),
        "the random instance is malformed",
      ],
      ["an extra field in sum", (p) => (p.sum.extra = "1"), "the sum proof is malformed"],
      // Values p or more that only enter scalar multiplications (never the hash chain) would
      // act as their remainders: a second encoding of the same proof.
      [
        "sum.zh + p",
        (p) => (p.sum.zh = String(BigInt(p.sum.zh) + P)),
        "the sum proof is malformed",
      ],
      [
        "folded.rhoPre + p",
        (p) => (p.folded.rhoPre = String(BigInt(p.folded.rhoPre) + P)),
        "the folded values are malformed",
      ],
      [
        "folded.rhoOut + p",
        (p) => (p.folded.rhoOut = String(BigInt(p.folded.rhoOut) + P)),
        "the folded values are malformed",
      ],
      ["sum.K not a point", (p) => (p.sum.K = p.sum.K.toUpperCase()), "the sum proof is malformed"],
      ["an extra field in final", (p) => (p.final.extra = "1"), "the final step is malformed"],
      [
        "an extra field in the compressed proof's opening",
        (p) => (p.final.snark.opening.extra = []),
        /^the compressed proof is malformed/,
      ],
      [
        "a third opening witness",
        (p) => p.final.snark.opening.witnesses.push(p.final.snark.opening.witnesses[0]),
        /^the compressed proof is malformed/,
      ],
      [
        "an opening fold too many",
        (p) => p.final.snark.opening.folds[0].push(p.final.snark.opening.folds[0][0]),
        /^the compressed proof is malformed/,
      ],
      [
        "an opening evaluation too many",
        (p) => p.final.snark.opening.evals[0][0].push("0"),
        /^the compressed proof is malformed/,
      ],
      [
        "an opening claim too many",
        (p) => p.final.snark.opening.evals.push(p.final.snark.opening.evals[0]),
        /^the compressed proof is malformed/,
      ],
      [
        "a statement value with a leading zero",
        (p) => (p.statement[0].shown[0] = `0${p.statement[0].shown[0]}`),
        "the statement is malformed",
      ],
      [
        "a statement block whose rule is not a string",
        (p) => (p.statement[0].rule = 5),
        "the statement is malformed",
      ],
      [
        "an extra field in a statement block",
        (p) => (p.statement[0].extra = "1"),
        "the statement is malformed",
      ],
      [
        "a statement block with a value its rule does not show",
        (p) => p.statement[p.statement.length - 1].shown.push("5"),
        /^a `demand` block of the statement does not have 1 field values$/,
      ],
      [
        "public blocks of a rule without unique claims that need more segments than the proof has",
        (p) => p.statement.push(...[1, 2, 3].map(() => p.statement[p.statement.length - 1])),
        /^the statement's `demand` blocks need 4 segments \(1 public slot in each\), the proof has 3$/,
      ],
      [
        "a public block with unique claims more than segment 0 has slots for",
        (p) => p.statement.push(p.statement[1]),
        /^the statement has more `def_term_impl` blocks than the circuit's public slots \(1\)$/,
      ],
      [
        "a public block of a rule the build folder does not have",
        (p) => p.statement.push({ rule: "no_such_rule", shown: [] }),
        /^the statement has more `no_such_rule` blocks than the circuit's public slots \(0\)$/,
      ],
    ];
    for (const [what, change, reason] of cases) {
      const verdict = await verdictOf(change);
      expect(verdict.valid, what).toBe(false);
      expect(verdict.reason, what).toMatch(reason);
    }
  });

  it("the accumulator checks are weighted at random: changes that cancel at a fixed weight are rejected", async () => {
    // With weight 1 for all three checks, rhoOut + 1 and rhoIn - 1 (or zh + 1 and rhoOut + 1)
    // would leave the batched sum unchanged; no other check reads these values.
    const outIn = await verdictOf((p) => {
      p.folded.rhoOut = bump(p.folded.rhoOut);
      p.folded.rhoIn = bump(p.folded.rhoIn, -1n);
    });
    expect(outIn.reason).toBe(
      "the folded A, B and u_out do not open the fold of the segments' commitments D",
    );
    const sumOut = await verdictOf((p) => {
      p.sum.zh = bump(p.sum.zh);
      p.folded.rhoOut = bump(p.folded.rhoOut);
    });
    expect(sumOut.reason).toMatch(/^the segments' accumulators do not balance/);
  });
});

describe("the commitment key", () => {
  it("a planted SRS cache is rejected or ignored", async () => {
    const { text } = await proveWithWitnesses("srs");
    const cache = mkdtempSync(join(tmpdir(), "bmc-zk-srs-"));
    try {
      // The SRS the prover used: the smallest cached one that is long enough.
      let size = circuit.logSize;
      while (!existsSync(devSrsPath(size, process.env.BMC_CACHE))) size++;
      const real = devSrsPath(size, process.env.BMC_CACHE);
      const planted = devSrsPath(size, cache);
      mkdirSync(join(planted, ".."), { recursive: true });
      // A copy with powers 1 and 2 swapped (file: 32-byte header, tau G2 in 128 bytes, then
      // 64 bytes per power): checked, found wrong, replaced by a fresh SRS, whose digest is not
      // the proof's.
      const bytes = readFileSync(real);
      const at = 32 + 128 + 64;
      const first = Buffer.from(bytes.subarray(at, at + 64));
      bytes.copy(bytes, at, at + 64, at + 128);
      first.copy(bytes, at + 64);
      writeFileSync(planted, bytes);
      copyFileSync(`${real}.sha256`, `${planted}.sha256`);
      const verdict = await verify(text, { cacheDir: cache });
      expect(verdict.valid).toBe(false);
      expect(verdict.reason).toMatch(/^this verifier has no usable SRS/);
      // Another SRS altogether (another tau, consistent, with its digest file): its digest is
      // not the proof's.
      rmSync(planted);
      rmSync(`${planted}.sha256`);
      const curve = await buildBn128(true);
      try {
        await devSrs(curve, circuit.logSize, { cacheDir: cache });
      } finally {
        await curve.terminate();
      }
      expect(readdirSync(join(planted, "..")).length).toBeGreaterThan(0);
      const again = await verify(text, { cacheDir: cache });
      expect(again.valid).toBe(false);
      expect(again.reason).toMatch(/another commitment key/);
      // The real one accepts.
      expect((await verify(text)).valid).toBe(true);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  }, 600_000);
});
