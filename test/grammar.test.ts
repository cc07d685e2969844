/**
 * Chevrotain's checks of the grammar (ambiguous alternatives, left recursion, tokens that match
 * the empty string, ...) run here, once: bmc itself skips them at start-up (grammar/parser.ts,
 * grammar/tokens.ts). And skipping them changes nothing: the parser bmc uses and a parser
 * built with the checks give the same syntax tree for every rule file of the repository.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CstElement } from "chevrotain";
import { ruleParser, RuleParser } from "../grammar/parser.js";
import { createRuleLexer, ruleLexer } from "../grammar/tokens.js";

/** A syntax tree as text: rule names, token types, images and offsets. */
function treeText(element: CstElement): string {
  if ("image" in element)
    return `${element.tokenType.name}@${element.startOffset}:${JSON.stringify(element.image)}`;
  const children = Object.entries(element.children)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, list]) => `${key}[${list.map(treeText).join(" ")}]`);
  return `${element.name}${element.recoveredNode ? "!" : ""}(${children.join(" ")})`;
}

function ruleFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".bm"))
    .map((e) => join(e.parentPath, e.name));
}

describe("the grammar", () => {
  it("passes Chevrotain's checks of the parser and the lexer", () => {
    // Both throw on a definition error when they run the checks.
    expect(() => new RuleParser({ validate: true })).not.toThrow();
    expect(createRuleLexer(true).lexerDefinitionErrors).toEqual([]);
  });

  it("parses every rule file as the parser with the checks does", () => {
    const checked = new RuleParser({ validate: true });
    const checkedLexer = createRuleLexer(true);
    const files = [...ruleFiles("examples"), ...ruleFiles("stdlib"), ...ruleFiles("test")];
    expect(files.length).toBeGreaterThan(20);
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      const tokens = ruleLexer.tokenize(text).tokens;
      expect(
        checkedLexer.tokenize(text).tokens.map((t) => t.image),
        file,
      ).toEqual(tokens.map((t) => t.image));
      ruleParser.input = tokens;
      const used = treeText(ruleParser.file());
      checked.input = tokens;
      expect(treeText(checked.file()), file).toBe(used);
    }
  });
});
