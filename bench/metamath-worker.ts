/**
 * One Metamath file in a fresh process (for its peak memory): read, encode, build and validate,
 * compile (or find the cached circuit), fold-prove, verify. Prints one JSON line.
 *
 *   node dist/bench/metamath-worker.js FILE.mm [LABEL|--all] CACHE_DIR
 */
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { readMetamath } from "../src/metamath/index.js";
import {
  buildEncoding,
  encode,
  prepareMetamath,
  proveMetamath,
  verifyMetamath,
} from "../src/cli/metamath.js";
import type { MetamathEncoding } from "../src/metamath/encode/index.js";
import { loadManifest } from "../src/prove/index.js";

const [file, which, cacheDir, nativeOnly] = process.argv.slice(2);
const theorem = which === "--all" ? undefined : which;
const ms = (t: number) => Math.round(t * 10) / 10;

/** The fields every row has: the file, the encoding's size, the blocks, the read time. */
function summary(enc: MetamathEncoding, blocks: number) {
  return {
    file: file.split("/").pop(),
    theorem: theorem ?? "all",
    tokens: db.tokenCount,
    mode: enc.mode,
    theorems: enc.stats.contexts,
    proofSteps: enc.stats.proofSteps,
    dagNodes: enc.stats.dagNodes,
    terms: enc.stats.terms,
    blocks,
    readMs: ms(readMs),
  };
}

const t0 = performance.now();
const read = readMetamath(file);
const db = read.database!;
const readMs = performance.now() - t0;
if (nativeOnly === "--native") {
  // Encode, build and validate only (files whose circuits are not measured here).
  const t = performance.now();
  const enc = encode(db, theorem);
  const t1 = performance.now();
  const built = buildEncoding(join(tmpdir(), "bmc-bench-native.bm"), enc.rulesText, enc.proof);
  console.log(
    JSON.stringify({
      ...summary(enc, built.blocks.length),
      rules: built.ruleSet.rules.length,
      encodeMs: ms(t1 - t),
      buildValidateMs: ms(performance.now() - t1),
      valid: built.validation.valid,
      peakMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    }),
  );
  process.exit(0);
}
// Encoding, building and validating, then compiling (or the cache). Only what the report needs
// is kept: the built transcript (1.4 million blocks for nf.mm) must not stay on the heap beside
// the prover's own copy.
const prepared = await (async () => {
  const p = await prepareMetamath(db, theorem, { cacheDir });
  const { buildDir, timings, compiled } = p;
  return { buildDir, timings, compiled, row: summary(p.enc, p.built.blocks.length) };
})();
const t1 = performance.now();
const proved = await proveMetamath(file, { theorem, cacheDir });
const proveTotal = performance.now() - t1;
const out = join(tmpdir(), `bmc-bench-mm-${process.pid}.json`);
const text = JSON.stringify(proved.file);
writeFileSync(out, text);
const t2 = performance.now();
const verified = await verifyMetamath(file, readFileSync(out, "utf8"), { cacheDir });
const verifyMs = performance.now() - t2;
const manifest = loadManifest(prepared.buildDir);
console.log(
  JSON.stringify({
    ...prepared.row,
    rules: manifest.program.rules.length,
    slots: manifest.slots.length,
    constraints: manifest.fold?.constraints ?? manifest.constraints,
    segments: proved.segments,
    encodeMs: ms(prepared.timings.encode),
    buildValidateMs: ms(prepared.timings.build),
    compileMs: prepared.compiled ? ms(prepared.timings.compile) : null,
    proveMs: ms(proved.proveMs),
    proveCpuMs: ms(proved.proveCpuMs),
    proveTotalMs: ms(proveTotal),
    verifyMs: ms(verifyMs),
    valid: verified.valid,
    reason: verified.reason,
    proofBytes: statSync(out).size,
    peakMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
