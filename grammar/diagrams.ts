/**
 * Railroad (syntax) diagrams of the rule language, drawn from the Chevrotain grammar itself so
 * that they cannot drift from it. `npm run build && npm run diagrams` rewrites
 * grammar/diagrams.html; a test checks that the committed file is what this produces.
 *
 * The page draws the diagrams in the browser with Chevrotain's diagram scripts, which it loads
 * from unpkg.com (a CDN): viewing it needs a network connection, generating it does not.
 */
import { renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createSyntaxDiagramsCode } from "chevrotain";
import { packageRoot } from "../src/paths.js";
import { ruleParser } from "./parser.js";

export function diagramsPath(): string {
  return join(packageRoot(), "grammar", "diagrams.html");
}

const NOTE = `<!--
  Railroad diagrams of the bmc rule language (.bm), generated from grammar/parser.ts by
  grammar/diagrams.ts: do not edit, run \`npm run build && npm run diagrams\` instead.
  The page loads Chevrotain's diagram scripts and style sheet from unpkg.com.
-->`;

/** The page's text, formatted as the project's prettier configuration formats HTML. */
export async function diagramsHtml(): Promise<string> {
  const generated = createSyntaxDiagramsCode(ruleParser.getSerializedGastProductions());
  const html = generated.replace("<!-- This is a generated file -->", NOTE);
  // Formatted here so that `npm run format` leaves the committed file as generated.
  const prettier = await import("prettier");
  const config = (await prettier.resolveConfig(diagramsPath())) ?? {};
  // Formatted to a fixed point (prettier's HTML printer is not always idempotent), so that
  // formatting the file again changes nothing.
  let text = html;
  for (let pass = 0; pass < 4; pass++) {
    const next = await prettier.format(text, { ...config, filepath: diagramsPath() });
    if (next === text) break;
    text = next;
  }
  return text;
}

/** Writes the page whole or not at all: to a temporary file beside it, then renamed. */
export async function writeDiagrams(path = diagramsPath()): Promise<string> {
  const text = await diagramsHtml();
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  return path;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeDiagrams().then(
    (path) => process.stdout.write(`wrote ${path}\n`),
    (error) => {
      process.stderr.write(`diagrams: ${error instanceof Error ? error.message : error}\n`);
      process.exitCode = 1;
    },
  );
}
