/**
 * Chevrotain's run-time values, for the grammar. Its package entry (lib/src/api.js) imports
 * some 650 lodash-es modules one file at a time, which made up most of `bmc check`'s start-up
 * (0.4-0.8 s on a loaded 2-core machine); the package also ships the same release built into
 * one ES module (lib/chevrotain.mjs), which loads in 20-40 ms. The package's "exports" do not
 * name that file, so it is found next to the entry. Every run-time use of Chevrotain goes
 * through this module, so tokens, lexer and parser come from one copy; types still come from
 * "chevrotain". Should a later release stop shipping the bundle, the package entry is used.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";

type Chevrotain = typeof import("chevrotain");

/** The bundle's path: lib/chevrotain.mjs, one folder above the entry lib/src/api.js. */
export const CHEVROTAIN_BUNDLE = join(
  dirname(createRequire(import.meta.url).resolve("chevrotain")),
  "..",
  "chevrotain.mjs",
);

async function loadChevrotain(): Promise<Chevrotain> {
  if (existsSync(CHEVROTAIN_BUNDLE))
    return (await import(pathToFileURL(CHEVROTAIN_BUNDLE).href)) as Chevrotain;
  return import("chevrotain");
}

export const { createToken, CstParser, EOF, Lexer } = await loadChevrotain();
// The classes' instance types, under the same names as the values (as `import from "chevrotain"`).
export type CstParser = import("chevrotain").CstParser;
export type Lexer = import("chevrotain").Lexer;
