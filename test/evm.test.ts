/**
 * On chain: the verifier of `bmc export solidity`, compiled with solc-js and deployed in an
 * in-process EVM (@ethereumjs/evm, with its BN254 precompiles), called with the arguments of
 * `bmc export calldata`. An honest proof returns true; a changed statement (public signal), a
 * flipped proof byte or another proof's signals return false. The circuit is the small rule set
 * of the fixtures (2^12); its keys come from the shared cache (test/groth16-keys.ts).
 */
import { createEVM, type EVM } from "@ethereumjs/evm";
import { bytesToHex, hexToBytes, type Address } from "@ethereumjs/util";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { compileCommand } from "../src/cli/compile.js";
import { exportSolidityCommand } from "../src/cli/prove.js";
import { loadManifest, proveGroth16, publicSignalsFor } from "../src/prove/index.js";
import type { SolidityCalldata } from "../src/prove/calldata.js";
import { runBmc, scratchFolders, SMALL_RULES_FILE, SMALL_TRANSCRIPT } from "./fixtures.js";
import { setupWithCachedKeys } from "./groth16-keys.js";

interface SolcOutput {
  errors?: { severity: string; formattedMessage: string }[];
  contracts: Record<string, Record<string, { evm: { bytecode: { object: string } } }>>;
}

function compileSolidity(source: string): string {
  const solc = createRequire(import.meta.url)("solc") as { compile(input: string): string };
  const input = {
    language: "Solidity",
    sources: { "Verifier.sol": { content: source } },
    settings: {
      optimizer: { enabled: true },
      outputSelection: { "*": { "*": ["evm.bytecode.object"] } },
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input))) as SolcOutput;
  const errors = (output.errors ?? []).filter((e) => e.severity === "error");
  expect(errors.map((e) => e.formattedMessage)).toEqual([]);
  return output.contracts["Verifier.sol"].Groth16Verifier.evm.bytecode.object;
}

const scratch = scratchFolders("bmc-evm-");
let dir: string;
let build: string;
let evm: EVM;
let verifier: Address;
let calldata: SolidityCalldata;

/** verifyProof's answer to this call data: true, false, or a revert. */
async function call(data: string): Promise<boolean | "revert"> {
  const r = await evm.runCall({
    to: verifier,
    data: hexToBytes(data as `0x${string}`),
    gasLimit: 10_000_000n,
  });
  if (r.execResult.exceptionError) return "revert";
  const word = bytesToHex(r.execResult.returnValue);
  expect([0n, 1n]).toContain(BigInt(word));
  return BigInt(word) === 1n;
}

beforeAll(async () => {
  dir = scratch({ "small.bmt": SMALL_TRANSCRIPT });
  build = join(dir, "build");
  const fit = join(dir, "small.bmt");
  const compiled = await compileCommand({ rulesPath: SMALL_RULES_FILE, outDir: build, fit });
  expect(compiled.diagnostics).toEqual([]);
  await setupWithCachedKeys(build);
  const proved = await proveGroth16(build, fit);
  expect(proved.diagnostics).toEqual([]);
  const proofPath = join(dir, "proof.json");
  writeFileSync(proofPath, JSON.stringify(proved.proof, null, 1));
  const exported = await runBmc(
    "export",
    "calldata",
    build,
    proofPath,
    "-o",
    join(dir, "call.json"),
  );
  expect(exported.stderr).toBe("");
  expect(exported.code).toBe(0);
  calldata = JSON.parse(readFileSync(join(dir, "call.json"), "utf8")) as SolidityCalldata;

  evm = await createEVM();
  const deployed = await evm.runCall({
    data: hexToBytes(`0x${compileSolidity(await exportSolidityCommand(build))}`),
    gasLimit: 30_000_000n,
  });
  expect(deployed.execResult.exceptionError).toBeUndefined();
  expect(deployed.createdAddress).toBeDefined();
  verifier = deployed.createdAddress!;
}, 1_200_000);

describe("the exported Solidity verifier, in an EVM", () => {
  it("accepts the calldata of an honest proof", async () => {
    const manifest = loadManifest(build);
    expect(calldata.function).toBe(
      `verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[${manifest.publicInputs.length}])`,
    );
    expect(calldata._pubSignals).toEqual(
      publicSignalsFor(manifest, [
        { rule: "assert", shown: ["1", "0"] },
        { rule: "assert", shown: ["3", "0"] },
        { rule: "demand", shown: ["2"] },
      ]),
    );
    expect(calldata.signals).toEqual(manifest.publicInputs);
    expect(await call(calldata.calldata)).toBe(true);
  });

  it("rejects a changed statement: every public signal changed in turn", async () => {
    const words = calldata.calldata.slice(10);
    const firstSignal = 8; // _pA (2 words), _pB (4), _pC (2)
    for (let i = 0; i < calldata._pubSignals.length; i++) {
      const at = (firstSignal + i) * 64;
      const changed = (BigInt(calldata._pubSignals[i]) + 1n).toString(16).padStart(64, "0");
      const data =
        calldata.calldata.slice(0, 10) + words.slice(0, at) + changed + words.slice(at + 64);
      expect({ signal: calldata.signals[i], result: await call(data) }).toEqual({
        signal: calldata.signals[i],
        result: false,
      });
    }
  });

  it("rejects a flipped bit in any word of the proof", async () => {
    for (let w = 0; w < 8; w++) {
      for (const bit of [0, 100, 250]) {
        const bytes = hexToBytes(calldata.calldata as `0x${string}`);
        bytes[4 + w * 32 + 31 - Math.floor(bit / 8)] ^= 1 << (bit % 8);
        const result = await call(bytesToHex(bytes));
        // A point off the curve makes the pairing precompile fail: the verifier returns false.
        expect({ word: w, bit, result }).toEqual({ word: w, bit, result: false });
      }
    }
  });

  it("refuses calldata for a proof that does not verify (BM0621)", async () => {
    const proof = JSON.parse(readFileSync(join(dir, "proof.json"), "utf8"));
    proof.statement = proof.statement.map((b: { rule: string; shown: string[] }) =>
      b.rule === "demand" ? { rule: "demand", shown: ["1"] } : b,
    );
    const changed = join(dir, "changed.json");
    writeFileSync(changed, JSON.stringify(proof));
    const r = await runBmc("export", "calldata", build, changed);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/BM0621/);
    expect(r.stderr).toMatch(/does not verify for this statement/);
  });
});
