/**
 * Groth16 round trip on the small rule set of the fixtures (modus ponens over defined terms,
 * every kind of rule and constraint in 3,067 constraints: 2^12), with real circom2 and snarkjs,
 * and every tampering the verifier must catch. The development powers of tau and the keys of
 * `bmc setup --dev` are made once and cached in .cache/ (or $BMC_CACHE), shared with the other
 * tests (test/groth16-keys.ts): the keys again whenever the setup code changes.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileCommand } from "../src/cli/compile.js";
import { exportSolidityCommand, neededPower } from "../src/cli/prove.js";
import { P } from "../src/field/index.js";
import { checkRuleFile, readTranscript, validateTranscript } from "../src/index.js";
import {
  devPtauPath,
  loadManifest,
  proveGroth16,
  publicSignalsFor,
  verifyProofText,
  VKEY,
  ZKEY,
  type SegmentProof,
} from "../src/prove/index.js";
import { buildBn128 } from "ffjavascript";
import * as snarkjs from "snarkjs";
import { verify, type VerificationKey } from "../src/prove/groth16.js";
import { calculateWitness } from "../src/witness/calculator.js";
import { segmentInputs } from "../src/witness/inputs.js";
import { constraintHolds, constraintsByWire, readR1cs, readSym } from "../src/witness/r1cs.js";
import { SMALL_RULES_FILE, SMALL_TRANSCRIPT } from "./fixtures.js";
import { cachedBareVerificationKey, setupWithCachedKeys } from "./groth16-keys.js";

process.env.BMC_CACHE ??= resolve(".cache");

const RULES = SMALL_RULES_FILE;
let TRANSCRIPT: string;
let dir: string;
let build: string;
let proofText: string;
const silent = { info() {}, log() {}, debug() {}, warn() {}, error() {} };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "bmc-groth16-"));
  TRANSCRIPT = join(dir, "small.bmt");
  writeFileSync(TRANSCRIPT, SMALL_TRANSCRIPT);
  build = join(dir, "small");
  const compiled = await compileCommand({ rulesPath: RULES, outDir: build, fit: TRANSCRIPT });
  expect(compiled.diagnostics).toEqual([]);
  expect(compiled.ok).toBe(true);
  // `bmc setup --dev`, run once per circuit, ptau, snarkjs and setup code, and shared with the
  // other test files on this circuit (test/groth16-keys.ts).
  await setupWithCachedKeys(build);
  const proved = await proveGroth16(build, TRANSCRIPT);
  expect(proved.diagnostics).toEqual([]);
  proofText = JSON.stringify(proved.proof, null, 1);
}, 600_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("Groth16 on the small rule set", () => {
  it("proves, and the proof verifies for its statement", async () => {
    const proof = JSON.parse(proofText) as SegmentProof;
    expect(proof.statement).toEqual([
      { rule: "assert", shown: ["1", "0"] },
      { rule: "assert", shown: ["3", "0"] },
      { rule: "demand", shown: ["2"] },
    ]);
    expect(await verifyProofText(build, proofText)).toEqual({
      valid: true,
      statement: proof.statement,
    });
  });

  it("rejects a changed public input", async () => {
    const proof = JSON.parse(proofText) as SegmentProof;
    const other = {
      ...proof,
      statement: proof.statement.map((b) =>
        b.rule === "demand" ? { rule: "demand", shown: ["1"] } : b,
      ),
    };
    const r = await verifyProofText(build, JSON.stringify(other));
    expect(r).toEqual({
      valid: false,
      reason: "the Groth16 proof does not verify for this statement",
    });
    const fewer = { ...proof, statement: proof.statement.filter((b) => b.rule !== "demand") };
    expect((await verifyProofText(build, JSON.stringify(fewer))).valid).toBe(false);
  });

  it("rejects flipped bytes anywhere in the proof file", async () => {
    const bytes = Buffer.from(proofText);
    const positions = Array.from({ length: 48 }, (_, i) => Math.floor((i * bytes.length) / 48));
    for (const at of positions) {
      const flipped = Buffer.from(bytes);
      flipped[at] ^= 1;
      const r = await verifyProofText(build, flipped.toString("latin1"));
      expect({ at, valid: r.valid }).toEqual({ at, valid: false });
    }
  }, 600_000);

  it("rejects a proof presented for other rules or another circuit", async () => {
    const proof = JSON.parse(proofText) as SegmentProof;
    const otherRules = { ...proof, rulesDigest: "0".repeat(64) };
    expect(await verifyProofText(build, JSON.stringify(otherRules))).toEqual({
      valid: false,
      reason: "the proof is for other rules than this build folder's",
    });
    const otherCircuit = { ...proof, circuitDigest: "0".repeat(64) };
    expect((await verifyProofText(build, JSON.stringify(otherCircuit))).reason).toMatch(
      /another circuit/,
    );
  });

  it("refuses to prove an invalid transcript, with the validator's errors", async () => {
    const missing = join(dir, "missing-hypothesis.bmt");
    writeFileSync(missing, SMALL_TRANSCRIPT.replace("demand(2)", "demand(9)"));
    const r = await proveGroth16(build, missing);
    expect(r.proof).toBeUndefined();
    expect(r.diagnostics.map((d) => d.code)).toEqual(["BM0303"]);
  });

  it("refuses a transcript that does not fit, a missing key, and rules changed since compiling", async () => {
    const larger = join(dir, "larger.bmt");
    writeFileSync(larger, SMALL_TRANSCRIPT + "  def_atom(4)\n");
    const fits = await proveGroth16(build, larger);
    expect(fits.diagnostics.map((d) => d.code)).toEqual(["BM0603"]);
    expect(fits.diagnostics[0].message).toMatch(
      /does not fit one segment \(.*def_atom: 3 blocks, 2 slots/,
    );
    const copy = join(dir, "copy");
    cpSync(build, copy, { recursive: true });
    rmSync(join(copy, ZKEY));
    expect((await proveGroth16(copy, TRANSCRIPT)).diagnostics.map((d) => d.code)).toEqual([
      "BM0602",
    ]);
    // The rules edited after compiling: the manifest names a rule file with one more relation.
    const changed = join(dir, "changed.bm");
    writeFileSync(changed, readFileSync(RULES, "utf8") + "\nrelation added_later(x).\n");
    const manifest = join(copy, "manifest.json");
    const fields = JSON.parse(readFileSync(manifest, "utf8"));
    fields.rulesFile = relative(copy, changed);
    writeFileSync(manifest, JSON.stringify(fields));
    expect((await proveGroth16(copy, TRANSCRIPT)).diagnostics.map((d) => d.code)).toEqual([
      "BM0601",
    ]);
  });

  it("constrains every internal signal of the segment", async () => {
    const manifest = loadManifest(build);
    const rules = checkRuleFile(RULES).ruleSet!;
    const t = readTranscript(TRANSCRIPT, rules).transcript!;
    const inputs = segmentInputs(
      manifest.program,
      manifest,
      manifest.shape,
      t,
      validateTranscript(t),
      { main: "groth16" },
    );
    const w = await calculateWitness(join(build, "groth16_js"), "groth16.wasm", inputs);
    const r1cs = readR1cs(join(build, manifest.files!.r1cs));
    const names = readSym(join(build, manifest.files!.sym));
    const by = constraintsByWire(r1cs);
    const free: string[] = [];
    for (let wire = 1 + r1cs.nPubOut + r1cs.nPubIn + r1cs.nPrvIn; wire < r1cs.nWires; wire++) {
      const perturbed = w.slice();
      perturbed[wire] = (w[wire] + 1n) % P;
      if (by[wire].every((c) => constraintHolds(r1cs.constraints[c], perturbed))) {
        free.push(names.get(wire) ?? `wire ${wire}`);
      }
    }
    expect(free).toEqual([]);
  });

  it("has a random delta: without the phase-2 contribution anyone could forge a proof", async () => {
    // With delta = gamma (a fresh snarkjs key) the pairing equation holds for A = alpha,
    // B = beta, C = -(IC_0 + sum x_i IC_i), for any public inputs x. Forge such a "proof" for
    // a statement nobody proved, against a bare key (to show the forgery is well made) and
    // against the key bmc setup made.
    const manifest = loadManifest(build);
    const statement = [
      { rule: "assert", shown: ["1", "0"] },
      { rule: "assert", shown: ["3", "0"] },
      { rule: "demand", shown: ["0"] },
    ];
    const signals = publicSignalsFor(manifest, statement);
    const forge = async (vkey: VerificationKey) => {
      const curve = await buildBn128(true);
      try {
        const G1 = curve.G1;
        const point = (p: string[]) => G1.fromObject(p.map((v) => BigInt(v)));
        const ic = (vkey.IC as string[][]).map(point);
        let pub = ic[0];
        signals.forEach((x, i) => (pub = G1.add(pub, G1.timesScalar(ic[i + 1], BigInt(x)))));
        const c = G1.toObject(G1.toAffine(G1.neg(pub))) as bigint[];
        return {
          pi_a: vkey.vk_alpha_1,
          pi_b: vkey.vk_beta_2,
          pi_c: c.map(String),
          protocol: "groth16",
          curve: "bn128",
        };
      } finally {
        await curve.terminate();
      }
    };
    // snarkjs's key without a contribution: the same for every run on this circuit, so made
    // once (a phase-2 setup of its own) and kept in the cache.
    const r1cs = join(build, manifest.files!.r1cs);
    const ptau = devPtauPath(neededPower(build));
    const bare = (await cachedBareVerificationKey(build, async (bareZkey) => {
      const status = await snarkjs.zKey.newZKey(r1cs, ptau, bareZkey, silent);
      expect(status).not.toBe(-1);
      return snarkjs.zKey.exportVerificationKey(bareZkey, silent);
    })) as VerificationKey;
    expect(bare.vk_delta_2).toEqual(bare.vk_gamma_2);
    expect(await verify(bare, signals, await forge(bare))).toBe(true);

    const ours = JSON.parse(readFileSync(join(build, VKEY), "utf8")) as VerificationKey;
    expect(ours.vk_delta_2).not.toEqual(ours.vk_gamma_2);
    expect(await verify(ours, signals, await forge(ours))).toBe(false);
    const forged = { ...(JSON.parse(proofText) as SegmentProof), statement };
    forged.proof = await forge(ours);
    expect((await verifyProofText(build, JSON.stringify(forged))).valid).toBe(false);
  }, 600_000);

  it("exports a Solidity verifier", async () => {
    const sol = await exportSolidityCommand(build);
    expect(sol).toContain("function verifyProof");
    expect(sol).toContain("contract Groth16Verifier");
  });
});
