import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Fixture coverage is collected across describe blocks of one file; keep files sequential
    // within themselves (the default) and give real circuits room later.
    testTimeout: 60_000,
    // Most test files wait on circom2 or snarkjs in one thread: use both cores of a CI machine
    // (vitest's default keeps one free).
    maxWorkers: availableParallelism(),
  },
});
