/**
 * Groth16 round trip on the whitepaper's proof of A -> A, with real circom2 and snarkjs, and
 * every tampering the verifier must catch. The development powers of tau are generated once
 * (about two minutes for 2^13) and cached in .cache/ (or $BMC_CACHE).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileCommand } from "../src/cli/compile.js";
import { exportSolidityCommand, setupCommand } from "../src/cli/prove.js";
import { P } from "../src/field/index.js";
import { checkRuleFile, readTranscript, validateTranscript } from "../src/index.js";
import {
  loadManifest,
  proveGroth16,
  verifyProofText,
  ZKEY,
  type SegmentProof,
} from "../src/prove/index.js";
import { calculateWitness } from "../src/witness/calculator.js";
import { segmentInputs } from "../src/witness/inputs.js";
import { constraintHolds, constraintsByWire, readR1cs, readSym } from "../src/witness/r1cs.js";

process.env.BMC_CACHE ??= resolve(".cache");

const RULES = "examples/propositional/propositional.bm";
const TRANSCRIPT = "examples/propositional/a-implies-a.bmt";
let dir: string;
let build: string;
let proofText: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "bmc-groth16-"));
  build = join(dir, "propositional");
  const compiled = await compileCommand({ rulesPath: RULES, outDir: build, fit: TRANSCRIPT });
  expect(compiled.diagnostics).toEqual([]);
  expect(compiled.ok).toBe(true);
  const setup = await setupCommand(build, undefined, true, undefined);
  expect(setup.insecure).toBe(true);
  const proved = await proveGroth16(build, TRANSCRIPT);
  expect(proved.diagnostics).toEqual([]);
  proofText = JSON.stringify(proved.proof, null, 1);
}, 600_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("Groth16 on a-implies-a.bmt", () => {
  it("proves, and the proof verifies for its statement", async () => {
    const proof = JSON.parse(proofText) as SegmentProof;
    expect(proof.statement).toEqual([
      { rule: "def_term_mvar", shown: ["0", "0"] },
      { rule: "def_term_impl", shown: ["1", "0", "0"] },
      { rule: "demand", shown: ["1"] },
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
        b.rule === "demand" ? { rule: "demand", shown: ["2"] } : b,
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
  }, 120_000);

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
    const r = await proveGroth16(build, "examples/propositional/invalid/missing-hypothesis.bmt");
    expect(r.proof).toBeUndefined();
    expect(r.diagnostics.map((d) => d.code)).toEqual(["BM0303"]);
  });

  it("refuses a transcript that does not fit, a missing key, and rules changed since compiling", async () => {
    const fits = await proveGroth16(build, "examples/propositional/instance.bmt");
    expect(fits.diagnostics.map((d) => d.code)).toEqual(["BM0603"]);
    expect(fits.diagnostics[0].message).toMatch(
      /does not fit one segment \(.*instantiate: 1 blocks, 0 slots/,
    );
    const copy = join(dir, "copy");
    cpSync(build, copy, { recursive: true });
    rmSync(join(copy, ZKEY));
    expect((await proveGroth16(copy, TRANSCRIPT)).diagnostics.map((d) => d.code)).toEqual([
      "BM0602",
    ]);
    const manifest = join(copy, "manifest.json");
    writeFileSync(
      manifest,
      readFileSync(manifest, "utf8").replace(
        /"rulesDigest": "[0-9a-f]+"/,
        `"rulesDigest": "${"0".repeat(64)}"`,
      ),
    );
    expect((await proveGroth16(copy, TRANSCRIPT)).diagnostics.map((d) => d.code)).toEqual([
      "BM0601",
    ]);
  });

  it("constrains every internal signal of the propositional segment", async () => {
    const manifest = loadManifest(build);
    const rules = checkRuleFile(RULES).ruleSet!;
    const t = readTranscript(TRANSCRIPT, rules).transcript!;
    const inputs = segmentInputs(
      manifest.program,
      manifest,
      manifest.shape,
      t,
      validateTranscript(t),
    );
    const w = await calculateWitness(join(build, "groth16_js"), "groth16.wasm", inputs);
    const r1cs = readR1cs(join(build, manifest.files.r1cs));
    const names = readSym(join(build, manifest.files.sym));
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

  it("exports a Solidity verifier", async () => {
    const sol = await exportSolidityCommand(build);
    expect(sol).toContain("function verifyProof");
    expect(sol).toContain("contract Groth16Verifier");
  });
});
