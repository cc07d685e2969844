import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Fixture coverage is collected across describe blocks of one file; keep files sequential
    // within themselves (the default) and give real circuits room later.
    testTimeout: 60_000,
  },
});
