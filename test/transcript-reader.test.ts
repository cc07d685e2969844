/**
 * The transcript reader reads plain blocks (short decimal values) in a fast loop and hands
 * every other block to its general scanner. These cases sit on the boundary between the two:
 * each must read the same values, or report the same error, whichever path takes it.
 */
import { describe, expect, it } from "vitest";
import { checkRuleFile, P, parseTranscript, SourceFile } from "../src/index.js";

const RULES = `
relation r(a, b, c).
rule three(a, b, c): r(a, b, c) -: .
rule semi(a; b, c): r(a, b, c) -: .
rule none(): -: .
rule axb(a): -: .
rule ayb(a): -: .
`;
const ruleSet = checkRuleFile("rules.bm", { entryText: RULES }).ruleSet!;

function read(block: string) {
  const parsed = parseTranscript(new SourceFile("t.bmt", `private:\n${block}\n`), ruleSet);
  const t = parsed.transcript;
  return {
    values: t ? t.values.slice(t.valueStart[0], t.valueStart[1]) : undefined,
    errors: parsed.diagnostics.map((d) => `${d.code} ${d.message}`),
  };
}

describe("the reader's fast and general paths agree", () => {
  const values: [string, bigint[]][] = [
    ["three(1,2,3)", [1n, 2n, 3n]],
    ["  three( 1 ,\t2 ,  3 )  // a comment", [1n, 2n, 3n]],
    ["three(1,2,3)\r", [1n, 2n, 3n]],
    ["three(0, 00, 007)", [0n, 0n, 7n]],
    ["three(0x10, 0X1f, 0x0)", [16n, 31n, 0n]],
    [
      "three(999999999999999, 1000000000000000, 0000000000000001)",
      [999999999999999n, 10n ** 15n, 1n],
    ],
    [
      "three(9007199254740991, 9007199254740993, 123456789012345678901234567890)",
      [2n ** 53n - 1n, 2n ** 53n + 1n, 123456789012345678901234567890n],
    ],
    ["semi(1; 2, 3)", [1n, 2n, 3n]],
    ["semi(1 ;2,3)", [1n, 2n, 3n]],
    ["none()", []],
    ["none( )", []],
  ];
  for (const [block, expected] of values) {
    it(`reads ${JSON.stringify(block)}`, () => {
      expect(read(block)).toEqual({ values: expected, errors: [] });
    });
  }

  const errors: [string, string][] = [
    ["three(1, 2, 3x)", `BM0201 unexpected "x" in a number`],
    ["three(1, 2, 0x)", `BM0201 expected hex digits after 0x, found ")"`],
    ["three(1, 2,)", `BM0201 expected a value (a decimal or 0x hex integer), found ")"`],
    ["three(1 2 3)", `BM0201 expected ',' or ')', found "2"`],
    ["three(1, 2, 3", "BM0201 expected ',' or ')', found end of line"],
    ["semi(1; 2; 3)", "BM0201 a block has at most one ';'"],
    ["three(1; 2, 3)", "BM0204 `three` has no `;` in its header"],
    ["semi(1, 2; 3)", "BM0204 `;` must follow the first 1 value of `semi`"],
    ["three(1, 2)", "BM0203 `three` has 3 variables, this block gives 2 values"],
    ["three(1, 2, 3) three(1, 2, 3)", `BM0201 expected end of line after the block, found "t"`],
    [`three(1, 2, ${P})`, "BM0205 value is not below the BN254 scalar field modulus"],
  ];
  for (const [block, error] of errors) {
    it(`reports ${JSON.stringify(block)}`, () => {
      expect(read(block)).toEqual({ values: undefined, errors: [error] });
    });
  }
});

describe("rule names", () => {
  it("tells apart names of the same length, first and last letter (one cache entry)", () => {
    const lines = ["axb(1)", "ayb(2)", "ayb(3)", "axb(4)", "none()", "axb(5)"];
    const parsed = parseTranscript(
      new SourceFile("t.bmt", `private:\n${lines.join("\n")}\n`),
      ruleSet,
    );
    expect(parsed.diagnostics).toEqual([]);
    const t = parsed.transcript!;
    const names = Array.from(t.rule, (r) => ruleSet.rules[r].name);
    expect(names).toEqual(["axb", "ayb", "ayb", "axb", "none", "axb"]);
    expect(read("azb(1)").errors).toEqual(["BM0202 unknown rule `azb`"]);
  });
});
