import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { checkRuleFile, parseTranscript, SourceFile, validateTranscript } from "../src/index.js";
import { ClaimTable } from "../src/validate/claims.js";

/** Values that stress the hash's 32-bit halves and exact comparison. */
const claimValue = fc.oneof(
  fc.integer({ min: 0, max: 5 }),
  fc.constantFrom(2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, 2 ** 40, 2 ** 53 - 1, 2 ** 53 - 2),
  fc.integer({ min: 0, max: 2 ** 53 - 1 }),
);
const claim = fc.record({
  tag: fc.integer({ min: 0, max: 3 }),
  args: fc.array(claimValue, { minLength: 0, maxLength: 4 }),
});

describe("ClaimTable", () => {
  for (const hashBits of [0, 1, 2, 32]) {
    it(`agrees with a Map of strings (hash cut to ${hashBits} bits)`, () => {
      fc.assert(
        fc.property(
          fc.array(claim, { maxLength: 200 }),
          fc.array(claim, { maxLength: 50 }),
          (added, probes) => {
            const table = new ClaimTable({ hashBits, capacity: 1 });
            const reference = new Map<string, { row: number; payload: number }>();
            const key = (c: { tag: number; args: number[] }) => `${c.tag}:${c.args.join(",")}`;
            added.forEach((c, i) => {
              const args = Float64Array.from([7, ...c.args]); // from = 1: offsets are honoured
              const row = table.insert(c.tag, args, 1, c.args.length, i);
              const known = reference.get(key(c));
              if (known) expect(row).toBe(known.row);
              else reference.set(key(c), { row, payload: i });
              expect(table.size).toBe(reference.size);
            });
            for (const c of [...added, ...probes]) {
              const row = table.find(c.tag, Float64Array.from(c.args), 0, c.args.length);
              const known = reference.get(key(c));
              expect(row).toBe(known ? known.row : -1);
              if (!known) continue;
              expect(table.payload(row)).toBe(known.payload);
              expect(table.tag(row)).toBe(c.tag);
              expect(table.argCount(row)).toBe(c.args.length);
              c.args.forEach((a, k) => expect(table.arg(row, k)).toBe(a));
            }
          },
        ),
        { numRuns: 60 },
      );
    });
  }

  it("tells apart claims that differ only in the tag, the arity or one high bit", () => {
    const table = new ClaimTable({ hashBits: 0 });
    const rows = [
      table.insert(1, Float64Array.of(5, 6), 0, 2, 10),
      table.insert(2, Float64Array.of(5, 6), 0, 2, 20),
      table.insert(1, Float64Array.of(5, 6, 0), 0, 3, 30),
      table.insert(1, Float64Array.of(5 + 2 ** 52, 6), 0, 2, 40),
    ];
    expect(new Set(rows).size).toBe(4);
    expect(table.insert(1, Float64Array.of(5, 6), 0, 2, 99)).toBe(rows[0]);
    expect(table.payload(rows[0])).toBe(10);
    expect(table.find(1, Float64Array.of(5), 0, 1)).toBe(-1);
  });
});

const BIG_RULES = `
relation r(a, b).
unique relation u(a).
rule make(a, b): r(a, b), unique u(a) -: .
rule use(a, b): -: r(a, b).
rule any(a): -: r(a, _).
`;

describe("claims with values of 2^53 and more (kept out of the numeric tables)", () => {
  const X = 2n ** 60n + 5n;
  const Y = 2n ** 53n; // the first value that is not a double-exact key
  const ruleSet = checkRuleFile("big.bm", { entryText: BIG_RULES }).ruleSet!;
  const run = (lines: string[]) => {
    const parsed = parseTranscript(
      new SourceFile("t.bmt", `private:\n${lines.join("\n")}\n`),
      ruleSet,
    );
    expect(parsed.diagnostics).toEqual([]);
    return { t: parsed.transcript!, v: validateTranscript(parsed.transcript!) };
  };

  it("reads them exactly, next to long literals that do fit a double", () => {
    const { t } = run([
      `make(${X}, 0x${Y.toString(16)})`,
      `make(0000000000000000003, 0x00000000000000004)`,
    ]);
    expect(t.values).toEqual([X, Y, 3n, 4n]);
  });

  it("are concluded, demanded, filled in for `_` and refused as unique names", () => {
    const { v } = run([
      `make(${X}, 1)`, // line 2
      `make(2, ${X})`,
      `make(${Y - 1n}, ${Y})`,
      `use(${X}, 1)`,
      `use(2, ${X})`,
      `use(${Y - 1n}, ${Y})`,
      `any(${X})`,
      `any(2)`,
      `any(${Y - 1n})`,
      `use(${X}, 2)`, // line 11: not concluded
      `any(${Y})`, // line 12: not concluded
    ]);
    expect(v.errors.map((e) => [e.code, e.line])).toEqual([
      ["BM0305", 2],
      ["BM0305", 4],
      ["BM0303", 11],
      ["BM0303", 12],
    ]);
    expect(v.errors[2].claim).toBe(`r(${X}, 2)`);
    expect(v.errors[3].claim).toBe(`r(${Y}, _)`);
    expect(v.wildcardFills.get(6)).toEqual([[X, 1n]]);
    expect(v.wildcardFills.get(7)).toEqual([[2n, X]]);
    expect(v.wildcardFills.get(8)).toEqual([[Y - 1n, Y]]);
    // r(X, 1), r(2, X), r(Y - 1, Y): each used by one `use` and one `any`.
    expect([0, 1, 2].map((b) => v.multiplicity[v.conclusionStart[b]])).toEqual([2, 2, 2]);
    expect(v.stats.distinctClaims).toBe(3);
    expect(v.stats.uniqueClaims).toBe(3);
  });

  it("find their duplicates", () => {
    const { v } = run([`make(${X}, 1)`, `make(${X}, 1)`, `make(7, 1)`, `make(7, 2)`]);
    expect(v.errors.map((e) => [e.code, e.line])).toEqual([
      ["BM0305", 2],
      ["BM0305", 3],
      ["BM0302", 3],
      ["BM0302", 5],
    ]);
    expect(v.stats.distinctClaims).toBe(3);
  });
});
