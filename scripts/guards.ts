/**
 * Every check of the fold proof verifier (the protocol part: the strict reader, digests,
 * statement, segments, random instance, sum proof, folded values, the accumulator equations,
 * the final step's reader and calls, the hash chain), each as one edit that disables it, and the
 * test selections that should catch its removal, cheapest first. The SNARK's own guards
 * (src/prove/fold/snark) were audited separately (docs/compression.md). scripts/guard-removal.ts
 * runs them.
 */

export interface Selection {
  readonly file: string;
  /** A vitest -t pattern (matched against "describe > test" names). */
  readonly filter?: string;
}

export interface Guard {
  readonly id: string;
  readonly file: string;
  /** What the check rejects. */
  readonly what: string;
  /** Text that occurs exactly once in `file`, and what disables the check. */
  readonly find: string;
  readonly replace: string;
  readonly tests: readonly Selection[];
  /** Why no input reaches the check, when none does: its removal cannot fail a test. */
  readonly unreachable?: string;
}

/** Direct tests of what no changed proof reaches (the hash chain, point decoding). */
const UNIT: Selection = { file: "test/verifier-guards.test.ts" };
const ZK_FIELDS: Selection = {
  file: "test/zk.test.ts",
  filter: "every field of the proof is checked",
};
const ZK_KEY: Selection = { file: "test/zk.test.ts", filter: "the commitment key" };
const FOLD_TAMPERED: Selection = { file: "test/fold.test.ts", filter: "tampered proof files" };
/** One test of fold.test.ts by name (each folds a dishonest proof of its own). */
const fold = (name: string): Selection => ({ file: "test/fold.test.ts", filter: name });
const FOLD_PARTS: Selection = { file: "test/fold.test.ts", filter: "the parts folding stands on" };
/** One test of fold-public.test.ts (public blocks spread over the segments) by name. */
const publicLayout = (name: string): Selection => ({
  file: "test/fold-public.test.ts",
  filter: name,
});

/** The proof reader's checks: changed copies of one proof, then fold.test.ts's. */
const READER = [ZK_FIELDS, FOLD_TAMPERED];
/** The equations: a changed proof, then a forged one from a dishonest prover. */
const equations = (dishonest: string) => [ZK_FIELDS, fold(dishonest)];

const V = "src/prove/fold/verify.ts";
const F = "src/prove/fold/final.ts";
const C = "src/prove/fold/curve.ts";
const PF = "src/prove/proof-file.ts";
const PI = "src/prove/statement.ts";
const T = "src/prove/fold/transcript.ts";
const H = "src/prove/fold/hiding.ts";

/** Shared slots: the rule table's constraints (circuit guards) and the manifest's check. */
const shared = (name: string): Selection => ({ file: "test/shared-slots.test.ts", filter: name });
const E = "src/circuits/emit.ts";
const M = "src/circuits/manifest.ts";

const never = (id: string, file: string, what: string, find: string, replace: string) =>
  ({ id, file, what, find, replace, tests: READER }) as Guard;

export const GUARDS: readonly Guard[] = [
  // verify.ts: the top level
  never(
    "top-keys",
    V,
    "unexpected or missing top-level fields",
    "if (!sameKeys(file, TOP)) return reject(",
    "if (false) return reject(",
  ),
  never("format", V, 'format is not "bmc-proof"', 'file.format !== "bmc-proof" ||', "false ||"),
  never("version", V, "version is not 4", "file.version !== 4 ||", "false ||"),
  never("backend", V, 'backend is not "fold"', 'file.backend !== "fold")', "false)"),
  never(
    "rules-digest",
    V,
    "rulesDigest is not the build folder's",
    "if (file.rulesDigest !== manifest.rulesDigest)",
    "if (false)",
  ),
  never(
    "circuit-digest",
    V,
    "circuitDigest is not the build folder's",
    "if (file.circuitDigest !== manifest.circuitDigest)",
    "if (false)",
  ),
  never(
    "statement-shape",
    V,
    "a statement that is not a list of {rule, shown} with canonical values",
    "if (!isStatement(file.statement)) return",
    "if (false) return",
  ),
  never(
    "statement-fits",
    V,
    "a statement the slots cannot hold is a rejection, not a crash",
    "return reject((error as Error).message);",
    "throw error;",
  ),
  never(
    "segments-array",
    V,
    "segments is not a list",
    "if (!Array.isArray(texts) || texts.length === 0)",
    "if (texts.length === 0)",
  ),
  never(
    "segments-nonempty",
    V,
    "no segments",
    "if (!Array.isArray(texts) || texts.length === 0)",
    "if (!Array.isArray(texts))",
  ),
  never(
    "random-keys",
    V,
    "the random instance's fields",
    "if (!sameKeys(random, RANDOM)) return",
    "if (false) return",
  ),
  never(
    "sum-keys",
    V,
    "the sum proof's fields",
    'if (!sameKeys(sum, ["K", "zu", "zh"])) return',
    "if (false) return",
  ),
  never(
    "folded-keys",
    V,
    "the folded values' fields",
    "if (!sameKeys(folded, FOLDED)) return",
    "if (false) return",
  ),
  never(
    "folded-scalars",
    V,
    "a folded value that is not a canonical field element",
    'if (v === undefined) return reject("the folded values are malformed");',
    "",
  ),
  never(
    "random-u",
    V,
    "random.u not a canonical field element",
    "if (randomU === undefined || !randomX)",
    "if (!randomX)",
  ),
  never(
    "random-x",
    V,
    "random.x not canonical field elements",
    "if (randomU === undefined || !randomX)",
    "if (randomU === undefined)",
  ),
  never(
    "random-x-length",
    V,
    "random.x of another length than the shown wires",
    "if (!Array.isArray(v) || v.length !== n) return undefined;",
    "if (!Array.isArray(v)) return undefined;",
  ),
  never(
    "sum-scalars",
    V,
    "sum.zu, sum.zh not canonical field elements",
    "if (zu === undefined || zh === undefined)",
    "if (false)",
  ),
  {
    id: "srs-unusable",
    file: V,
    what: "a verifier without a usable SRS rejects (no crash)",
    find: "if (e instanceof SrsError) return reject(",
    replace: "if (false) return reject(",
    tests: [ZK_KEY],
  },
  {
    id: "commitment-key",
    file: V,
    what: "the proof names another commitment key than the verifier's SRS",
    find: "if (file.commitmentKey !== keyId)",
    replace: "if (false)",
    tests: [ZK_KEY, FOLD_TAMPERED],
  },
  never(
    "segment-decoded",
    V,
    "a segment that does not decode",
    "if (!points) return reject(`segment ${i + 1} is malformed`);",
    "",
  ),
  never(
    "segment-string",
    V,
    "a segment that is not a string",
    'if (typeof text !== "string") return undefined;',
    "",
  ),
  never(
    "segment-length",
    V,
    "a segment of another length than 3 points (first) or 4 points",
    "if (bytes.length !== 64 * count || bytes.toString",
    "if (bytes.toString",
  ),
  never(
    "segment-base64",
    V,
    "a segment not in canonical base64",
    ' || bytes.toString("base64") !== text) return undefined;',
    ") return undefined;",
  ),
  never(
    "segment-points",
    V,
    "a segment point that does not decode",
    "    if (!p) return undefined;\n    points.push(p);",
    "    points.push(p!);",
  ),
  never(
    "random-points",
    V,
    "a point of the random instance that does not decode",
    'if (!p) return reject("the random instance is malformed");',
    "",
  ),
  never(
    "sum-K",
    V,
    "sum.K that does not decode",
    'if (!K) return reject("the sum proof is malformed");',
    "",
  ),
  // verify.ts: the accumulator equations (batched with a random gamma)
  {
    id: "acc-balance",
    file: V,
    what: "the D_i do not sum to a commitment to A = B = 0 (Schnorr proof zu, zh, K)",
    find: "  // All three at once, weighted",
    replace: "  checks.splice(0, 1);\n  // All three at once, weighted",
    tests: equations("a segment that was dropped"),
  },
  {
    id: "acc-out",
    file: V,
    what: "the folded A, B, u_out do not open the fold of the D_i",
    find: "  // All three at once, weighted",
    replace: "  checks.splice(1, 1);\n  // All three at once, weighted",
    tests: equations("the folded values"),
  },
  {
    id: "acc-in",
    file: V,
    what: "the folded u_in does not open the fold of the previous D_i (the u_in/u_out chain)",
    find: "  // All three at once, weighted",
    replace: "  checks.splice(2, 1);\n  // All three at once, weighted",
    tests: equations("a broken u_in/u_out chain"),
  },
  {
    id: "acc-batch",
    file: V,
    what: "the batched accumulator check is zero",
    find: "if (G.isZero(together)) return undefined;",
    replace: "return undefined;",
    tests: equations("a segment that was dropped"),
  },
  {
    id: "acc-gamma",
    file: V,
    what: "the batching weight gamma is fresh randomness (not a constant a prover can cancel)",
    find: "const gamma = randomScalar(cryptoRng);",
    replace: "const gamma = 1n;",
    tests: equations("a broken u_in/u_out chain"),
  },
  {
    id: "acc-fallback",
    file: V,
    what: "a failed batch that no single check explains still rejects (unreachable: kept as a backstop)",
    find: 'return "the accumulator checks do not hold";',
    replace: "return undefined;",
    tests: equations("a broken u_in/u_out chain"),
    unreachable:
      "a batch of weighted terms that are all zero is zero: one of the three checks fails whenever the batch does",
  },
  {
    id: "acc-result",
    file: V,
    what: "the accumulator problem rejects the proof",
    find: "if (problem) return reject(problem);",
    replace: "",
    tests: equations("a segment that was dropped"),
  },
  {
    id: "final-result",
    file: V,
    what: "the final step's verdict rejects the proof",
    find: "return problem2 ? reject(problem2) : { valid: true, segments: n };",
    replace: "return { valid: true, segments: n };",
    tests: READER,
  },
  // final.ts: the final step's reader and its check (the split opening's claims, which keep
  // private inputs out of the internal wires, are snark/spartan.ts's: test/snark.test.ts
  // "each claim of the split opening is needed" removes each in turn)
  never(
    "final-keys",
    F,
    "the final step's fields",
    'if (!sameKeys(final, ["scheme", "snark"]) || final.scheme',
    "if (final.scheme",
  ),
  never(
    "final-scheme",
    F,
    'the final step\'s scheme is not "spartan"',
    '|| final.scheme !== "spartan")',
    ")",
  ),
  never(
    "compressed-malformed",
    F,
    "a malformed compressed proof rejects (no crash)",
    "if (e instanceof CompressedDecodeError)\n      return",
    "if (false)\n      return",
  ),
  {
    id: "snark-verify",
    file: F,
    what: "the compressed proof (Spartan + HyperKZG) of the folded instance verifies",
    find: "if (e instanceof SnarkVerifyError)\n      return",
    replace: "if (e instanceof SnarkVerifyError) return undefined;\n    if (false)\n      return",
    tests: [ZK_FIELDS, fold("folded with an unsatisfied one")],
  },
  // curve.ts: points of the proof file
  {
    ...never(
      "point-length",
      C,
      "a point of other than 64 bytes",
      "if (bytes.length !== 64) return undefined;",
      "",
    ),
    unreachable:
      "the canonical re-encoding (64 bytes) is compared with the bytes read, so any other length is rejected there; every caller passes 64 bytes anyway",
  },
  {
    ...never(
      "point-parse",
      C,
      "bytes ffjavascript cannot read as a point reject (no crash)",
      "  } catch {\n    return undefined;\n  }",
      "  } catch (e) {\n    throw e;\n  }",
    ),
    unreachable:
      "ffjavascript reads any bytes as a point (the flag bits give infinity, short input reads as zero): nothing throws, and the on-curve and canonical checks reject what it reads",
  },
  {
    id: "point-on-curve",
    file: C,
    what: "a point off the curve (BN254 G1 has cofactor 1: on the curve is in the group)",
    find: "if (!curve.G1.isZero(p) && !curve.G1.isValid(p)) return undefined;",
    replace: "",
    tests: [UNIT, FOLD_PARTS, ZK_FIELDS],
  },
  {
    id: "point-canonical",
    file: C,
    what: "a point encoding that is not the canonical one (coordinates >= q, flagged infinity with data)",
    find: "return pointBytes(curve, p).equals(bytes) ? p : undefined;",
    replace: "return p;",
    tests: [UNIT, FOLD_PARTS, ZK_FIELDS],
  },
  {
    id: "point-hex",
    file: C,
    what: "a point that is not 128 lowercase hex digits",
    find: "|| !/^[0-9a-f]{128}$/.test(text)) return undefined;",
    replace: ") return undefined;",
    tests: [UNIT, FOLD_PARTS, ZK_FIELDS],
  },
  // proof-file.ts: shared with the Groth16 reader
  never(
    "same-keys-exact",
    PF,
    "extra keys in any object of the proof",
    "Object.keys(o).sort().join() === [...keys].sort().join();",
    "keys.every((k) => k in (o as object));",
  ),
  never(
    "decimal-form",
    PF,
    "decimals with a sign, leading zeros or other characters",
    "/^(0|[1-9][0-9]{0,77})$/.test(v)",
    "/^[0-9]{1,78}$/.test(v)",
  ),
  never("decimal-bound", PF, "decimals of p or more", "BigInt(v) < bound", "true"),
  never(
    "statement-values",
    PF,
    "statement values that are not canonical field elements",
    "b.shown.every((x) => canonicalDecimal(x) !== undefined)",
    'b.shown.every((x) => typeof x === "string")',
  ),
  never(
    "statement-rule",
    PF,
    "a statement block whose rule is not a string",
    'typeof b.rule === "string" &&',
    "",
  ),
  // src/prove/statement.ts: the statement into public signals (the verifier derives them itself)
  {
    id: "statement-capacity",
    file: PI,
    what: "more public blocks of a rule with unique claims than segment 0's public slots, or any of a rule without public slots",
    find: "if (!rule || (k >= capacity && !spreads)) {",
    replace: "if (!rule) {",
    tests: [ZK_FIELDS, FOLD_TAMPERED],
  },
  {
    id: "statement-unknown-rule",
    file: PI,
    what: "a public block of a rule the build folder does not have",
    find: "if (!rule || (k >= capacity && !spreads)) {",
    replace: "if (rule && k >= capacity && !spreads) {",
    tests: [ZK_FIELDS, FOLD_TAMPERED],
  },
  {
    id: "statement-unique-in-segment-0",
    file: PI,
    what: "public blocks of a rule with unique claims stay in segment 0 (only other rules' spread over the segments)",
    find: "return rule.uniques.length === 0 && publicSlots > 0;",
    replace: "return publicSlots > 0;",
    tests: [ZK_FIELDS, publicLayout("keeps the public blocks of a rule with unique claims")],
  },
  {
    id: "statement-segments-needed",
    file: PI,
    what: "a statement whose public layout needs more segments than the proof has (the blocks beyond would be left out)",
    find: "if (!into) {",
    replace: "if (!into) return;\n    if (false) {",
    tests: [publicLayout("fewer segments than its statement needs"), ZK_FIELDS],
  },
  {
    id: "statement-arity",
    file: PI,
    what: "a public block with another number of shown values than its rule",
    find: "block.shown.length !== rule.shownCount ||",
    replace: "",
    tests: [ZK_FIELDS, FOLD_TAMPERED],
  },
  // transcript.ts: the hash chain both sides use (removal changes prover and verifier alike)
  {
    id: "chain-part-lengths",
    file: T,
    what: "length prefixes keep two sequences of absorbed parts apart",
    find: "h.update(u32(bytes.length)).update(bytes);",
    replace: "h.update(bytes);",
    tests: [UNIT],
  },
  {
    id: "chain-label-length",
    file: T,
    what: "a length prefix keeps a label apart from the parts after it",
    find: "h.update(u32(name.length)).update(name);",
    replace: "h.update(name);",
    tests: [UNIT],
  },
  {
    id: "chain-challenge-advances",
    file: T,
    what: "a challenge moves the state on, so two challenges in a row differ",
    find: "    this.absorb(label, []);\n    const half",
    replace: "    const half",
    tests: [UNIT],
  },
  {
    id: "chain-challenge-reduced",
    file: T,
    what: "a challenge is a field element (reduced mod p)",
    find: "return BigInt(`0x${half(0)}${half(1)}`) % P;",
    replace: "return BigInt(`0x${half(0)}${half(1)}`);",
    tests: [UNIT],
  },
  // hiding.ts: the generators of the hiding commitments
  {
    id: "hiding-generators",
    file: H,
    what: "H is hashed to the curve (a generator with a known relation, here G1 = tau^0 G1, breaks hiding and binding)",
    find: "return { H, GA, GB, Gu };",
    replace: "return { H: curve.G1.g, GA, GB, Gu };",
    tests: [FOLD_PARTS],
  },
  // emit.ts: shared slots (not the verifier's, but removed and caught the same way)
  {
    id: "shared-group-in-tuple",
    file: E,
    what: "a shared slot's rule tuple names its group, so a rule of another group is not a row for it",
    find: "let key = times(0, sel).add(Lin.signal(pw(1)).scale(BigInt(group.id)));",
    replace: "let key = times(0, sel).add(Lin.signal(pw(1)).scale(0n));",
    tests: [shared("a selector outside the group")],
  },
  {
    id: "shared-selector-in-tuple",
    file: E,
    what: "a shared slot's selector is looked up with its constants (the rule it names is the rule it runs)",
    find: "let key = times(0, sel)",
    replace: "let key = times(0, Lin.const(0n))",
    tests: [shared("names rule A while the constants of rule B")],
  },
  {
    id: "shared-constants-in-tuple",
    file: E,
    what: "a shared slot's constants are looked up with its selector",
    find: "for (let p = 0; p < group.params; p++) key = key.add(times(p + 2, k(p)));",
    replace: "for (let p = 0; p < 0; p++) key = key.add(times(p + 2, k(p)));",
    tests: [shared("names rule A while the constants of rule B")],
  },
  {
    id: "shared-rule-table",
    file: E,
    what: "every shared slot's tuple is a row of the rule table (the LogUp sum)",
    find: "seg.constrain(sumText(looked), sumText(offered));",
    replace: "",
    tests: [shared("a selector outside the group")],
  },
  {
    id: "manifest-shared-groups",
    file: M,
    what: "a manifest's shared slots name groups of its program",
    find: "if (!leaders.has(key)) problem(",
    replace: "if (false) problem(",
    tests: [shared("a key that names no group")],
  },
  // curve-build.ts: the verifier's curve arithmetic from a cached WebAssembly module
  {
    id: "curve-cache-pinned",
    file: "src/prove/fold/curve-build.ts",
    what: "a cached curve module runs only when its bytes hash to the pinned digest (other bytes could make any check pass)",
    find: "return digestOf(bytes) === PINNED ? deserialize(bytes) : undefined;",
    replace: "return deserialize(bytes);",
    tests: [{ file: "test/curve-build.test.ts" }],
  },
  // The universal Metamath encoding's rules (src/metamath/encode/universal-rules.ts): each
  // guard's transcript skips the native checker and is caught in the circuit.
  ...(
    [
      [
        "universal-qed-statement",
        "a theorem's qed names its own statement (a changed statement)",
        "match(c, t, E), proved(E, c, k), self_ok(c, nv).",
        "proved(E, c, k), self_ok(c, nv).",
        "a changed statement",
      ],
      [
        "universal-substitution-function",
        "a substitution maps each variable to one term (two occurrences, two terms)",
        "rule def_sub(s, a, x): sub(s, a, x), unique subkey(s, a) -: .",
        "rule def_sub(s, a, x): sub(s, a, x) -: .",
        "a wrong substitution",
      ],
      [
        "universal-dvpair",
        "two variables of substitutions a $d keeps apart are kept apart in the context",
        "dvv(c, a, Y) -: Y = leaf(S, b), dvpair(c, a, b).",
        "dvv(c, a, Y) -: Y = leaf(S, b).",
        "a violated",
      ],
      [
        "universal-hypothesis-count",
        "a step proves every $e hypothesis of the assertion (the chain ends at nh only)",
        "hyps_ok(s, A, c, nh, k), dvs_ok",
        "hyps_ok(s, A, c, 0, k), dvs_ok",
        "a missing hypothesis",
      ],
      [
        "universal-self-identity",
        "a theorem's own substitution is the identity on its variables",
        "sub(c, a, x), x = leaf(S, a), self_ok(c, i)",
        "sub(c, a, x), self_ok(c, i)",
        "a self substitution that is not the identity",
      ],
    ] as const
  ).map(([id, what, find, replace, test]): Guard => ({
    id,
    file: "src/metamath/encode/universal-rules.ts",
    what,
    find,
    replace,
    tests: [{ file: "test/metamath-universal.test.ts", filter: test }],
  })),
];
