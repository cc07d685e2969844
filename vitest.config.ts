import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";
import { defineConfig } from "vitest/config";

// One cache for every test file and every bmc the tests start: the development ceremonies and
// SRS, the tests' Groth16 keys and builds, the README's outputs, and circom2's outputs
// (src/circuits/circom-cache.ts), each keyed by what it is made from. $BMC_CACHE if set, else
// .cache/ in the clone. Set here, before the workers start, so that they and the processes
// they spawn inherit it.
process.env.BMC_CACHE ??= resolve(".cache");
process.env.BMC_CIRCOM_CACHE ??= join(process.env.BMC_CACHE, "circom");

/**
 * The files that take longest from a clean clone (cold caches: circom2, ceremonies, npm pack),
 * slowest first. Started first, so that the two workers do not end with one of them alone on
 * a long file; vitest's own order (by the durations it recorded, else by file size) follows.
 */
const SLOW_FIRST = [
  "readme",
  "bindings",
  "files-fuzz",
  "agreement",
  "differential",
  "groth16",
  "package",
  "fold",
  "differential-signals",
  "evm",
  "metamath",
  "zk",
].map((name) => resolve("test", `${name}.test.ts`));

class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification) => {
      const i = SLOW_FIRST.indexOf(f.moduleId);
      return i < 0 ? SLOW_FIRST.length : i;
    };
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Fixture coverage is collected across describe blocks of one file; keep files sequential
    // within themselves (the default) and give real circuits room later.
    testTimeout: 60_000,
    // Most test files wait on circom2 or snarkjs in one thread: use both cores of a CI machine
    // (vitest's default keeps one free).
    maxWorkers: availableParallelism(),
    sequence: { sequencer: SlowFirstSequencer },
  },
});
