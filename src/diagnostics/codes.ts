/**
 * Every diagnostic bmc emits, with a stable code. Codes never change meaning once released;
 * retired codes are not reused. The example is the smallest input that triggers the code and
 * feeds the language reference.
 *
 * Ranges: BM00xx rule-file syntax, BM01xx rule-file semantics, BM02xx transcript syntax and
 * shape, BM03xx transcript validity (the native validator), BM07xx Metamath databases (reader
 * and proof verifier), BM09xx files and the tool itself.
 */
export type Severity = "error" | "warning";

export interface CodeInfo {
  readonly severity: Severity;
  readonly title: string;
  readonly example: string;
}

export const codes = {
  BM0001: {
    severity: "error",
    title: "unexpected character",
    example: "relation p(x) $",
  },
  BM0002: {
    severity: "error",
    title: "syntax error",
    example: "relation p(x)",
  },
  BM0003: {
    severity: "error",
    title: "unterminated block comment",
    example: "/* never closed",
  },
  BM0101: {
    severity: "error",
    title: "unknown relation",
    example: "rule r(x): q(x) -: .",
  },
  BM0102: {
    severity: "error",
    title: "wrong number of arguments for a relation",
    example: "relation p(a, b).\nrule r(x): p(x) -: .",
  },
  BM0103: {
    severity: "error",
    title: "a unique relation used without `unique`",
    example: "unique relation u(x).\nrule r(x): u(x) -: .",
  },
  BM0104: {
    severity: "error",
    title: "`unique` applied to an ordinary relation",
    example: "relation p(x).\nrule r(x): unique p(x) -: .",
  },
  BM0105: {
    severity: "error",
    title: "a unique claim demanded as a hypothesis",
    example: "unique relation u(x).\nrule r(x): -: unique u(x).",
  },
  BM0106: {
    severity: "error",
    title: "relation declared twice",
    example: "relation p(x).\nrelation p(y).",
  },
  BM0107: {
    severity: "error",
    title: "rule defined twice",
    example: "relation p(x).\nrule r(x): p(x) -: .\nrule r(x): p(x) -: .",
  },
  BM0108: {
    severity: "error",
    title: "variable listed twice in a rule header",
    example: "relation p(x).\nrule r(x, x): p(x) -: .",
  },
  BM0109: {
    severity: "error",
    title: "variable not declared in the rule header",
    example: "relation p(x).\nrule r(x): p(y) -: .",
  },
  BM0110: {
    severity: "warning",
    title: "variable declared but never used",
    example: "relation p(x).\nrule r(x, y): p(x) -: .",
  },
  BM0111: {
    severity: "error",
    title: "`_` where a value is needed",
    example: "relation p(x).\nrule r(): p(_) -: .",
  },
  BM0112: {
    severity: "error",
    title: "integer constant not below the field modulus",
    example:
      "relation p(x).\nrule r(): p(21888242871839275222246405745257275088548364400416034343698204186575808495617) -: .",
  },
  BM0113: {
    severity: "error",
    title: "imported file not found",
    example: 'import "no-such-file.bm".',
  },
  BM0114: {
    severity: "error",
    title: "import cycle",
    example: 'import "self.bm". // in self.bm',
  },
  BM0115: {
    severity: "error",
    title: "order comparison that can never hold",
    example: "relation p(x).\nrule r(x): p(x) -: x < 0.",
  },
  BM0116: {
    severity: "warning",
    title: "possible circular reasoning",
    example: "relation p(x).\nrule loop(x): p(x) -: p(x).",
  },
  BM0117: {
    severity: "error",
    title: "unknown sort",
    example: "sort term = wrap(thing).",
  },
  BM0118: {
    severity: "error",
    title: "unknown constructor in a term",
    example: "relation p(x).\nrule r(x): p(x) -: x = nothing(1).",
  },
  BM0119: {
    severity: "error",
    title: "constructor applied to the wrong number of arguments",
    example: "sort t = pair(t, t) | leaf.\nrelation p(x).\nrule r(x): p(x) -: x = pair(x).",
  },
  BM0120: {
    severity: "error",
    title: "sort or constructor declared twice",
    example: "sort a = c.\nsort b = c.",
  },
  BM0121: {
    severity: "error",
    title: "`=` needs a variable on one side and a term on the other",
    example: "relation p(x).\nrule r(x): p(x) -: x = 1.",
  },
  BM0122: {
    severity: "error",
    title: "a term where a number is needed",
    example: "sort t = leaf.\nrelation p(x).\nrule r(x): p(x) -: x < leaf() + 1.",
  },
  BM0123: {
    severity: "error",
    title: "unique claim argument out of range",
    example: "unique relation name(x).\nrule r(): unique name(1099511627776) -: .",
  },
  BM0201: {
    severity: "error",
    title: "transcript syntax error",
    example: "private:\n  r(1, 2",
  },
  BM0202: {
    severity: "error",
    title: "unknown rule",
    example: "private:\n  no_such_rule(1)",
  },
  BM0203: {
    severity: "error",
    title: "wrong number of values for a rule",
    example: "private:\n  r(1, 2, 3)   // r has two variables",
  },
  BM0204: {
    severity: "error",
    title: "`;` not where the rule header puts it",
    example: "private:\n  r(1; 2)   // r's header is r(a, b; c)",
  },
  BM0205: {
    severity: "error",
    title: "value not below the field modulus",
    example:
      "private:\n  r(21888242871839275222246405745257275088548364400416034343698204186575808495617)",
  },
  BM0206: {
    severity: "error",
    title: "block outside a section",
    example: "r(1)",
  },
  BM0207: {
    severity: "error",
    title: "section header out of place",
    example: "private:\npublic:",
  },
  BM0301: {
    severity: "error",
    title: "primitive constraint violated",
    example: "private:\n  step(5, 5)   // step(k, k1) requires k1 < k",
  },
  BM0302: {
    severity: "error",
    title: "unique claim emitted twice",
    example: "private:\n  def_atom(1)\n  def_atom(1)",
  },
  BM0303: {
    severity: "error",
    title: "hypothesis that no block concludes",
    example: "public:\n  demand(7)   // nothing proves 7",
  },
  BM0304: {
    severity: "error",
    title: "setup block outside the public part",
    example: "private:\n  assert(1, 0)",
  },
  BM0305: {
    severity: "error",
    title: "unique claim argument not below 2^40",
    example: "private:\n  def_atom(1099511627776)",
  },
  BM0401: {
    severity: "error",
    title: "proof file is not valid JSON",
    example: '{ "proofs": [ }',
  },
  BM0402: {
    severity: "error",
    title: "proof file does not have the documented shape",
    example: '{ "proofs": [ { "args": {} } ] }   // a step needs "rule"',
  },
  BM0403: {
    severity: "error",
    title: "a proof step does not fit its rule",
    example: '{ "proofs": [ { "rule": "mp" } ] }   // mp needs premises',
  },
  BM0501: {
    severity: "error",
    title: "rule set beyond what the circuits support",
    example: "unique relation wide(a, b, c, d, e, f).",
  },
  BM0502: {
    severity: "error",
    title: "circom2 rejected the generated circuit (a bug in bmc)",
    example: "",
  },
  BM0601: {
    severity: "error",
    title: "the rules changed since the build folder was compiled",
    example: "",
  },
  BM0602: {
    severity: "error",
    title: "the build folder has no proving key (run bmc setup)",
    example: "",
  },
  BM0603: {
    severity: "error",
    title: "the transcript does not fit one segment",
    example: "",
  },
  BM0604: {
    severity: "error",
    title: "not a build folder (run bmc compile)",
    example: "",
  },
  BM0605: {
    severity: "error",
    title: "a file of the build folder is damaged or does not belong to it",
    example: "",
  },
  BM0606: {
    severity: "error",
    title: "the proof is rejected",
    example: "",
  },
  BM0607: {
    severity: "error",
    title: "the powers-of-tau file cannot be used",
    example: "",
  },
  BM0620: {
    severity: "error",
    title: "the transcript has no blocks: nothing to prove",
    example: "",
  },
  BM0621: {
    severity: "error",
    title: "the proof does not verify: no calldata for it",
    example: "",
  },
  BM0630: {
    severity: "error",
    title: "the job queue cannot be used (Redis unreachable, or a job failing)",
    example: "",
  },
  BM0631: {
    severity: "error",
    title: "a worker's result is wrong: refused, nothing of it folded",
    example: "",
  },
  BM0701: {
    severity: "error",
    title: "Metamath: illegal character",
    example: "$c wff \u0007 $.",
  },
  BM0702: {
    severity: "error",
    title: "Metamath: comment not closed, or nested",
    example: "$( a comment $( inside $)",
  },
  BM0703: {
    severity: "error",
    title: "Metamath: unexpected token",
    example: "$c wff $. $x",
  },
  BM0704: {
    severity: "error",
    title: "Metamath: statement not terminated by `$.`",
    example: "$c wff",
  },
  BM0705: {
    severity: "error",
    title: "Metamath: statement label missing or not allowed",
    example: "$c wff $. $v p $. $f wff p $.",
  },
  BM0706: {
    severity: "error",
    title: "Metamath: label or math symbol spelt with illegal characters",
    example: "$c wff $. $v p $. w@p $f wff p $.",
  },
  BM0707: {
    severity: "error",
    title: "Metamath: label declared twice, or equal to a math symbol",
    example: "$c wff $. $v p q $. wp $f wff p $. wp $f wff q $.",
  },
  BM0708: {
    severity: "error",
    title: "Metamath: math symbol declared twice",
    example: "$c wff wff $.",
  },
  BM0709: {
    severity: "error",
    title: "Metamath: math symbol not declared or not active",
    example: "$c wff $. ax $a wff p $.",
  },
  BM0710: {
    severity: "error",
    title: "Metamath: `$c` or `$[` inside a `${ $}` block",
    example: "${ $c wff $. $}",
  },
  BM0711: {
    severity: "error",
    title: "Metamath: malformed `$f` hypothesis",
    example: "$c wff $. $v p q $. wp $f q p $.",
  },
  BM0712: {
    severity: "error",
    title: "Metamath: variable with more than one active `$f`",
    example: "$c wff $. $v p $. wp $f wff p $. wp2 $f wff p $. ax $a wff p $.",
  },
  BM0713: {
    severity: "error",
    title: "Metamath: variable without an active `$f`",
    example: "$c wff $. $v p $. ax $a wff p $.",
  },
  BM0714: {
    severity: "error",
    title: "Metamath: malformed `$d` condition",
    example: "$c wff $. $v p $. $d p $.",
  },
  BM0715: {
    severity: "error",
    title: "Metamath: statement does not start with a constant (its typecode)",
    example: "$c wff $. $v p $. wp $f wff p $. ax $a p $.",
  },
  BM0716: {
    severity: "error",
    title: "Metamath: unbalanced `${ $}`",
    example: "$c wff $. $}",
  },
  BM0717: {
    severity: "error",
    title: "Metamath: included file not found",
    example: "$[ no-such-file.mm $]",
  },
  BM0718: {
    severity: "error",
    title: "Metamath: malformed compressed proof",
    example: "$c wff $. $v p $. wp $f wff p $. ax $a wff p $. th $p wff p $= ( ax ) AU $.",
  },
  BM0719: {
    severity: "error",
    title: "Metamath: incomplete proof (`?`)",
    example: "$c wff $. $v p $. wp $f wff p $. th $p wff p $= ? $.",
  },
  BM0720: {
    severity: "error",
    title: "Metamath: proof uses a label that is unknown, later, or not active here",
    example: "$c wff $. $v p $. wp $f wff p $. th $p wff p $= th $.",
  },
  BM0721: {
    severity: "error",
    title: "Metamath: proof step does not match the hypothesis it fills",
    example:
      "$c wff |- $. $v p $. wp $f wff p $. ${ h $e |- p $. ax $a |- p $. $} th $p |- p $= wp wp ax $.",
  },
  BM0722: {
    severity: "error",
    title: "Metamath: proof step needs more hypotheses than the stack holds",
    example: "$c wff |- $. $v p $. wp $f wff p $. ax $a |- p $. th $p |- p $= ax $.",
  },
  BM0723: {
    severity: "error",
    title: "Metamath: distinct-variable condition violated",
    example:
      "$c wff |- $. $v p q $. wp $f wff p $. wq $f wff q $. ${ $d p q $. ax $a |- p q $. $} th $p |- p p $= wp wp ax $.",
  },
  BM0724: {
    severity: "error",
    title: "Metamath: proof does not end with exactly one expression",
    example: "$c wff $. $v p $. wp $f wff p $. th $p wff p $= wp wp $.",
  },
  BM0725: {
    severity: "error",
    title: "Metamath: proof proves a different statement",
    example: "$c wff |- $. $v p $. wp $f wff p $. th $p |- p $= wp $.",
  },
  BM0726: {
    severity: "error",
    title: "Metamath: `$p` without a proof, or `$=` outside a `$p`",
    example: "$c wff $. $v p $. wp $f wff p $. th $p wff p $.",
  },
  BM0727: {
    severity: "error",
    title: "Metamath: the theorem asked for is not a `$p` of the database",
    example: "$c wff $. $v p $. wp $f wff p $. ax $a wff p $.",
  },
  BM0728: {
    severity: "error",
    title: "Metamath: the database has no theorem to encode",
    example: "$c wff $.",
  },
  BM0729: {
    severity: "error",
    title: "Metamath: `$d` conditions in a proof that only the string encoding fits",
    example:
      "$c |- wff ( ) $. $v x y $. wx $f wff x $. wy $f wff y $. we $a wff ( ) $. wc $a wff x y $. ${ $d x y $. ax $a |- x y $. $} th $p |- ( ) ( ) ( ) $= we we wc we ax $.",
  },
  BM0901: {
    severity: "error",
    title: "file cannot be read",
    example: "",
  },
  BM0902: {
    severity: "error",
    title: "file cannot be written",
    example: "",
  },
  BM0903: {
    severity: "error",
    title: "a folder where a file belongs, or a file where a folder belongs",
    example: "",
  },
  BM0910: {
    severity: "error",
    title: "the output would replace files bmc did not make",
    example: "",
  },
  BM0911: {
    severity: "error",
    title: "the project's folder or files already exist",
    example: "",
  },
  BM0912: {
    severity: "error",
    title: "the project file (bmc.json) is not valid",
    example: "",
  },
  BM0920: {
    severity: "error",
    title: "unknown command or flag",
    example: "",
  },
  BM0921: {
    severity: "error",
    title: "a flag that does not apply to the command",
    example: "",
  },
  BM0922: {
    severity: "error",
    title: "missing, extra or malformed command-line arguments",
    example: "",
  },
} as const satisfies Record<string, CodeInfo>;

export type Code = keyof typeof codes;
