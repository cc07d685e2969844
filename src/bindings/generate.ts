/**
 * TypeScript bindings for a rule set: a module with a typed constructor per rule, typed claims
 * per relation, a transcript builder, and prove/verify bound to a build folder. The module is
 * built with ts-morph (structures, not string concatenation, for everything but expressions)
 * and formatted with prettier; the same rule set and options always give the same text.
 *
 * The generated module holds types and a table of the rules; what it does at run time is in
 * ./runtime.ts, which it imports from bmc (see BindingsOptions.importFrom).
 */
import { basename } from "node:path";
import {
  IndentationText,
  Project,
  QuoteKind,
  StructureKind,
  VariableDeclarationKind,
  type CodeBlockWriter,
  type InterfaceDeclarationStructure,
  type MethodSignatureStructure,
  type OptionalKind,
  type PropertySignatureStructure,
  type SourceFile,
} from "ts-morph";
import { ruleText, type Arg, type Relation, type Rule, type RuleSet } from "../check/index.js";
import { rulesDigest } from "./digest.js";

export interface BindingsOptions {
  /**
   * The module specifier the generated code imports bmc from. "bmc" (the default) is right for
   * programs that depend on the bmc package; code inside a checkout of bmc itself gives a
   * relative path to src/index.js (test/golden/*.bindings.ts use "../../src/index.js").
   */
  readonly importFrom?: string;
  /**
   * The rule file that validate() and parse() read by default, as a path relative to the
   * working directory of the program that runs the bindings (or absolute). Default: the rule
   * set's entry file as it was read. Its file name also goes in the do-not-edit header.
   */
  readonly rulesFile?: string;
  /** The build folder that prove() and verify() use by default (same convention). */
  readonly buildDir?: string;
  /**
   * "prettier" (the default) formats the module with prettier, printWidth 100; when prettier
   * cannot be loaded (it is not installed) the module is formatted by TypeScript's formatter
   * through ts-morph instead, as "typescript" asks for explicitly.
   */
  readonly formatter?: "prettier" | "typescript";
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A property name as TypeScript source: bare when it can be, quoted otherwise. */
function prop(name: string): string {
  return IDENT.test(name) ? name : JSON.stringify(name);
}

/** Member access on `v`, for the values of a block. */
function member(object: string, name: string): string {
  return IDENT.test(name) ? `${object}.${name}` : `${object}[${JSON.stringify(name)}]`;
}

const str = (s: string) => JSON.stringify(s);

/** Doc comment text: nothing in it may close the comment. */
const doc = (text: string) => text.replace(/\*\//g, "*\\/");

function checkName(kind: string, name: string): void {
  // Object literals treat `__proto__` specially; nothing else that the grammar allows does.
  if (name === "__proto__") throw new Error(`bindings: a ${kind} cannot be named __proto__`);
}

/** A conclusion argument as a TypeScript expression over the block's values `v`. */
function expression(arg: Arg, vars: readonly string[]): string {
  switch (arg.kind) {
    case "int":
      return `${arg.value}n`;
    case "var":
      return member("v", vars[arg.index]);
    case "neg":
      return `rt.neg(${expression(arg.operand, vars)})`;
    case "binary": {
      const fn = arg.op === "+" ? "add" : arg.op === "-" ? "sub" : "mul";
      return `rt.${fn}(${expression(arg.left, vars)}, ${expression(arg.right, vars)})`;
    }
    case "wildcard":
      throw new Error("bindings: a conclusion with `_` (the checker rejects these)");
  }
}

function header(rule: Rule): string {
  const shown = rule.vars.slice(0, rule.shownCount).join(", ");
  const hidden = rule.vars.slice(rule.shownCount).join(", ");
  return `${rule.name}(${rule.hasSemicolon ? `${shown}; ${hidden}`.trim() : shown})`;
}

function relationArgsType(r: Relation): string {
  if (r.arity === 0) return "{}";
  return `{ ${r.params.map((p) => `readonly ${prop(p)}: Value`).join("; ")} }`;
}

function claimType(r: Relation): string {
  return `${r.unique ? "UniqueClaim" : "Claim"}<${str(r.name)}>`;
}

/** Lays out one interface with a property per entry, in the order given. */
function addInterface(
  file: SourceFile,
  name: string,
  docs: string,
  properties: OptionalKind<PropertySignatureStructure>[],
  methods: OptionalKind<MethodSignatureStructure>[] = [],
): void {
  const structure: InterfaceDeclarationStructure = {
    kind: StructureKind.Interface,
    name,
    isExported: true,
    docs: [doc(docs)],
    properties,
    methods,
  };
  file.addInterface(structure);
}

function objectLiteral(entries: [string, string][]): (w: CodeBlockWriter) => void {
  return (w) => {
    if (!entries.length) {
      w.write("{}");
      return;
    }
    w.write("{").newLine();
    w.indent(() => {
      for (const [key, value] of entries)
        w.write(key === value ? `${key},` : `${prop(key)}: ${value},`).newLine();
    });
    w.write("}");
  };
}

/** The bindings module for a checked rule set, as TypeScript source text. */
export async function generateBindings(
  ruleSet: RuleSet,
  options: BindingsOptions = {},
): Promise<string> {
  const { text, project } = buildModule(ruleSet, options);
  if (options.formatter !== "typescript") {
    const prettier = await loadPrettier();
    if (prettier) return prettier.format(text, { parser: "typescript", printWidth: 100 });
  }
  const file = project.createSourceFile("formatted.ts", text, { overwrite: true });
  file.formatText({ indentSize: 2, convertTabsToSpaces: true });
  return file.getFullText();
}

async function loadPrettier(): Promise<typeof import("prettier") | undefined> {
  try {
    return await import("prettier");
  } catch {
    return undefined;
  }
}

/** Where the generated module reads and builds by default, as written into it. */
interface ModulePaths {
  /** The rule file, with forward slashes. */
  readonly rulesFile: string;
  /** Its file name, for the do-not-edit header and the runtime's messages. */
  readonly source: string;
  readonly buildDir: string | undefined;
}

function modulePaths(ruleSet: RuleSet, options: BindingsOptions): ModulePaths {
  // RuleSet.files lists imports before the files that import them (so the entry comes last,
  // whatever its doc comment says); an explicit rulesFile wins anyway.
  const rulesFile = (options.rulesFile ?? ruleSet.files.at(-1) ?? "rules.bm").replace(/\\/g, "/");
  return {
    rulesFile,
    source: basename(rulesFile),
    buildDir: options.buildDir?.replace(/\\/g, "/"),
  };
}

/**
 * The module, section by section in the order it is read: the header, relations and claims,
 * rules and blocks, the rule table, then transcripts and proofs. The text is unformatted.
 */
function buildModule(
  ruleSet: RuleSet,
  options: BindingsOptions,
): { text: string; project: Project } {
  const project = new Project({
    useInMemoryFileSystem: true,
    manipulationSettings: {
      indentationText: IndentationText.TwoSpaces,
      quoteKind: QuoteKind.Double,
      useTrailingCommas: true,
    },
  });
  const file = project.createSourceFile("bindings.ts", "", { overwrite: true });
  const digest = rulesDigest(ruleSet);
  const paths = modulePaths(ruleSet, options);
  checkNames(ruleSet);
  addPreamble(file, options.importFrom ?? "bmc", digest);
  addRelationTypes(file, ruleSet.relations);
  addClaimConstructors(file, ruleSet.relations);
  addRuleInterfaces(file, ruleSet.rules);
  addBlockTypes(file, ruleSet.rules);
  addRuleTable(file, ruleSet.rules, paths);
  addTranscriptFunctions(file);
  addProveFunction(file);
  addVerifyFunction(file);
  const top = [
    `// Generated by bmc from ${paths.source}. Do not edit: run \`bmc compile\` again to regenerate.`,
    `// Rules digest: ${digest}`,
    "",
    "",
  ].join("\n");
  file.insertText(0, top);
  return { text: file.getFullText(), project };
}

/** Rejects, before anything is written, names the generated object literals cannot hold. */
function checkNames(ruleSet: RuleSet): void {
  for (const r of ruleSet.relations) {
    checkName("relation", r.name);
    r.params.forEach((p) => checkName("parameter", p));
  }
  for (const rule of ruleSet.rules) {
    checkName("rule", rule.name);
    rule.vars.forEach((v) => checkName("variable", v));
  }
}

/** The runtime import, the rules digest and the Value type. */
function addPreamble(file: SourceFile, importFrom: string, digest: string): void {
  file.addImportDeclaration({
    moduleSpecifier: importFrom,
    namedImports: [{ name: "bindingsRuntime", alias: "rt" }],
  });
  file.addVariableStatement({
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    docs: [
      "SHA-256 of the expanded rules these bindings were generated from (`bmc check --expand`).",
    ],
    declarations: [{ name: "RULES_DIGEST", initializer: str(digest) }],
  });
  file.addTypeAlias({
    isExported: true,
    name: "Value",
    docs: ["A field element: a bigint below p, or a safe non-negative integer."],
    type: "rt.Value",
  });
}

/** Relations, UniqueRelations and the Claim types over them. */
function addRelationTypes(file: SourceFile, relations: readonly Relation[]): void {
  const relationProps = (rs: Relation[]) =>
    rs.map((r) => ({
      name: prop(r.name),
      isReadonly: true,
      docs: [doc(`\`${r.unique ? "unique " : ""}relation ${r.name}(${r.params.join(", ")})\``)],
      type: relationArgsType(r),
    }));
  addInterface(
    file,
    "Relations",
    "Arguments of each ordinary relation, by parameter name.",
    relationProps(relations.filter((r) => !r.unique)),
  );
  addInterface(
    file,
    "UniqueRelations",
    "Arguments of each unique relation (a namespace of its own), by parameter name.",
    relationProps(relations.filter((r) => r.unique)),
  );
  file.addTypeAlias({ isExported: true, name: "RelationName", type: "keyof Relations" });
  file.addTypeAlias({
    isExported: true,
    name: "UniqueRelationName",
    type: "keyof UniqueRelations",
  });
  file.addTypeAlias({
    isExported: true,
    name: "Claim",
    docs: ["A claim of an ordinary relation, its arguments read as field elements."],
    typeParameters: [{ name: "R", constraint: "RelationName", default: "RelationName" }],
    type: "{ [K in R]: rt.Claim<K, false, rt.Fields<Relations[K]>> }[R]",
  });
  file.addTypeAlias({
    isExported: true,
    name: "UniqueClaim",
    docs: ["A claim of a unique relation."],
    typeParameters: [
      { name: "R", constraint: "UniqueRelationName", default: "UniqueRelationName" },
    ],
    type: "{ [K in R]: rt.Claim<K, true, rt.Fields<UniqueRelations[K]>> }[R]",
  });
}

/** The constructor interfaces and the `claims` and `uniqueClaims` objects that implement them. */
function addClaimConstructors(file: SourceFile, relations: readonly Relation[]): void {
  const ordinary = relations.filter((r) => !r.unique);
  const unique = relations.filter((r) => r.unique);
  const claimMethods = (rs: Relation[]): OptionalKind<MethodSignatureStructure>[] =>
    rs.map((r) => ({
      name: prop(r.name),
      parameters:
        r.arity === 0
          ? []
          : [
              {
                name: "args",
                type: `${r.unique ? "UniqueRelations" : "Relations"}[${str(r.name)}]`,
              },
            ],
      returnType: claimType(r),
    }));
  addInterface(
    file,
    "ClaimConstructors",
    "A constructor per ordinary relation.",
    [],
    claimMethods(ordinary),
  );
  addInterface(
    file,
    "UniqueClaimConstructors",
    "A constructor per unique relation.",
    [],
    claimMethods(unique),
  );
  const claimConstructors = (rs: Relation[]): [string, string][] =>
    rs.map((r) => [
      r.name,
      `(${r.arity === 0 ? "" : "args"}) => rt.makeClaim(${str(r.name)}, ${r.unique}, [${r.params.map(str).join(", ")}], ${r.arity === 0 ? "{}" : "args"})`,
    ]);
  for (const [name, type, rs] of [
    ["claims", "ClaimConstructors", ordinary],
    ["uniqueClaims", "UniqueClaimConstructors", unique],
  ] as const) {
    file.addVariableStatement({
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      declarations: [{ name, type, initializer: objectLiteral(claimConstructors([...rs])) }],
    });
  }
}

/** RuleArgs (each variable marked shown or hidden), ShownVars and Conclusions, by rule. */
function addRuleInterfaces(file: SourceFile, rules: readonly Rule[]): void {
  addInterface(
    file,
    "RuleArgs",
    "The values of a block of each rule: exactly the rule's variables, by name.",
    rules.map((rule) => ({
      name: prop(rule.name),
      isReadonly: true,
      docs: [doc(`\`${header(rule)}\`${rule.setup ? " (setup: public blocks only)" : ""}`)],
      type: ruleArgsType(rule),
    })),
  );
  addInterface(
    file,
    "ShownVars",
    "The variables of each rule that a public block shows (those before the header's `;`).",
    rules.map((rule) => ({
      name: prop(rule.name),
      isReadonly: true,
      type: rule.shownCount ? rule.vars.slice(0, rule.shownCount).map(str).join(" | ") : "never",
    })),
  );
  addInterface(
    file,
    "Conclusions",
    "The claims a block of each rule concludes, in the rule's order.",
    rules.map((rule) => ({
      name: prop(rule.name),
      isReadonly: true,
      type: `readonly [${rule.conclusions.map((c) => claimType(c.relation)).join(", ")}]`,
    })),
  );
}

/** A rule's values as an object type, one property a variable with a shown/hidden comment. */
function ruleArgsType(rule: Rule): (w: CodeBlockWriter) => void {
  return (w) => {
    if (!rule.vars.length) {
      w.write("{}");
      return;
    }
    w.write("{").newLine();
    w.indent(() => {
      rule.vars.forEach((v, i) => {
        const shown = i < rule.shownCount;
        w.writeLine(
          `/** ${shown ? "shown: a verifier sees it when the block is public" : "hidden"} */`,
        );
        w.writeLine(`readonly ${prop(v)}: Value;`);
      });
    });
    w.write("}");
  };
}

/** The names, Block types, what a verifier sees of them, and the Rules constructor interface. */
function addBlockTypes(file: SourceFile, rules: readonly Rule[]): void {
  const setupRules = rules.filter((r) => r.setup).map((r) => str(r.name));
  file.addTypeAlias({ isExported: true, name: "RuleName", type: "keyof RuleArgs" });
  file.addTypeAlias({
    isExported: true,
    name: "SetupRuleName",
    docs: ["Rules whose blocks may only be public."],
    type: setupRules.length ? setupRules.join(" | ") : "never",
  });
  file.addTypeAlias({
    isExported: true,
    name: "Block",
    docs: ["A block: an instance of one rule, with its values and the claims it concludes."],
    typeParameters: [{ name: "R", constraint: "RuleName", default: "RuleName" }],
    type: "{ [K in R]: rt.Block<K, rt.Fields<RuleArgs[K]>, Conclusions[K]> }[R]",
  });
  file.addTypeAlias({
    isExported: true,
    name: "PrivateBlock",
    docs: ["A block that may go in the private part: any but a setup rule's."],
    type: "Block<Exclude<RuleName, SetupRuleName>>",
  });
  file.addTypeAlias({
    isExported: true,
    name: "StatementBlock",
    docs: ["A public block as a verifier sees it: its rule and its shown values."],
    typeParameters: [{ name: "R", constraint: "RuleName", default: "RuleName" }],
    type: "{ [K in R]: rt.StatementBlock<K, Pick<rt.Fields<RuleArgs[K]>, Extract<ShownVars[K], keyof RuleArgs[K]>>> }[R]",
  });
  file.addTypeAlias({
    isExported: true,
    name: "Statement",
    docs: ["What a proof states: its public blocks, in order."],
    type: "readonly StatementBlock[]",
  });
  addInterface(
    file,
    "Rules",
    "A constructor per rule. Each checks its values at run time too (field elements, no missing or extra variable).",
    [],
    rules.map((rule) => ({
      name: prop(rule.name),
      docs: [doc(ruleText(rule))],
      parameters: rule.vars.length ? [{ name: "args", type: `RuleArgs[${str(rule.name)}]` }] : [],
      returnType: `Block<${str(rule.name)}>`,
    })),
  );
}

/** `defaults`, the runtime's table of the rules (`meta`) and the `rules` constructors. */
function addRuleTable(file: SourceFile, rules: readonly Rule[], paths: ModulePaths): void {
  file.addVariableStatement({
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    docs: [
      "Where validate(), parse(), prove() and verify() look by default: paths relative to the working directory (or absolute). Pass { rulesFile } or { buildDir } to any of them to look elsewhere.",
    ],
    declarations: [
      {
        name: "defaults",
        type: "rt.Paths",
        initializer: objectLiteral([
          ["rulesFile", str(paths.rulesFile)],
          ...(paths.buildDir !== undefined
            ? ([["buildDir", str(paths.buildDir)]] as [string, string][])
            : []),
        ]),
      },
    ],
  });
  file.addVariableStatement({
    declarationKind: VariableDeclarationKind.Const,
    declarations: [
      {
        name: "meta",
        type: "rt.Meta",
        initializer: objectLiteral([
          ["rulesDigest", "RULES_DIGEST"],
          ["source", str(paths.source)],
          ["defaults", "defaults"],
          [
            "rules",
            `{ ${rules
              .map(
                (rule) =>
                  `${prop(rule.name)}: { vars: [${rule.vars.map(str).join(", ")}], shownCount: ${rule.shownCount}, hasSemicolon: ${rule.hasSemicolon}, setup: ${rule.setup} }`,
              )
              .join(", ")} }`,
          ],
        ]),
      },
    ],
  });
  file.addVariableStatement({
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    declarations: [
      {
        name: "rules",
        type: "Rules",
        initializer: objectLiteral(rules.map((rule) => [rule.name, ruleConstructor(rule)])),
      },
    ],
  });
}

/** A rule's constructor: it makes the block and computes the claims it concludes. */
function ruleConstructor(rule: Rule): string {
  const conclusions = rule.conclusions.map((c) => {
    const args = c.args
      .map((a, i) => `${prop(c.relation.params[i])}: ${expression(a, rule.vars)}`)
      .join(", ");
    return `rt.claim(${str(c.relation.name)}, ${c.relation.unique}, { ${args} })`;
  });
  // The values parameter only when a conclusion reads it: the generated code has no unused one.
  const v = /\bv[.[]/.test(conclusions.join()) ? "v" : "";
  return `(${rule.vars.length ? "args" : ""}) => rt.block(meta, ${str(rule.name)}, ${rule.vars.length ? "args" : "{}"}, (${v}) => [${conclusions.join(", ")}] as const)`;
}

/** The Transcript type and transcript(), parse() and validate(). */
function addTranscriptFunctions(file: SourceFile): void {
  file.addTypeAlias({
    isExported: true,
    name: "Transcript",
    docs: [
      "A transcript under construction: public(...) and private(...) add blocks; toText() writes `.bmt` text; validate() runs bmc's validator.",
    ],
    type: "rt.Transcript<Block, PrivateBlock, Statement>",
  });
  file.addFunction({
    isExported: true,
    name: "transcript",
    docs: ["A new, empty transcript."],
    returnType: "Transcript",
    statements: "return new rt.Transcript(meta);",
  });
  file.addFunction({
    isExported: true,
    name: "parse",
    docs: [
      "Reads `.bmt` text with bmc's transcript reader (against the rule file: see `defaults`).",
    ],
    parameters: [
      { name: "text", type: "string" },
      {
        name: "options",
        type: "rt.Paths & { readonly path?: string | undefined }",
        initializer: "{}",
      },
    ],
    returnType: "rt.ParseResult<Transcript>",
    statements: [
      "const make = rules as unknown as Record<string, (args: object) => Block>;",
      // The reader passes only names of these rules (checked against the same rule file).
      "return rt.parseText(meta, text, (rule, args) => make[rule]!(args), options);",
    ],
  });
  file.addFunction({
    isExported: true,
    name: "validate",
    docs: ["Validates `.bmt` text with bmc's validator (against the rule file: see `defaults`)."],
    parameters: [
      { name: "text", type: "string" },
      { name: "options", type: "rt.ValidateOptions", initializer: "{}" },
    ],
    returnType: "rt.ValidationReport",
    statements: "return rt.validateText(meta, text, options);",
  });
}

/** prove(): Groth16 by default, typed by the backend's proof otherwise. */
function addProveFunction(file: SourceFile): void {
  file.addFunction({
    isExported: true,
    name: "prove",
    overloads: [
      {
        docs: [
          "Proves a transcript with Groth16 against the build folder (see `defaults`): it must be valid and fit the compiled segment, and the folder must have keys (`bmc setup`).",
        ],
        parameters: [
          { name: "transcript", type: "Transcript" },
          {
            name: "options",
            hasQuestionToken: true,
            type: "rt.ProveOptions<rt.SegmentProof> & { readonly backend?: undefined }",
          },
        ],
        returnType: "Promise<rt.ProveOutcome<rt.SegmentProof, Statement>>",
      },
      {
        docs: ["Proves a transcript with another proving backend, whose proofs are of type Proof."],
        typeParameters: ["Proof"],
        parameters: [
          { name: "transcript", type: "Transcript" },
          {
            name: "options",
            type: "rt.ProveOptions<Proof> & { readonly backend: rt.ProvingBackend<Proof> }",
          },
        ],
        returnType: "Promise<rt.ProveOutcome<Proof, Statement>>",
      },
    ],
    typeParameters: ["Proof"],
    parameters: [
      { name: "transcript", type: "Transcript" },
      { name: "options", type: "rt.ProveOptions<Proof>", initializer: "{}" },
    ],
    returnType: "Promise<rt.ProveOutcome<Proof, Statement>>",
    statements: "return rt.prove(meta, transcript, options);",
  });
}

/** verify(): a Groth16 proof by default, another backend's when one is given. */
function addVerifyFunction(file: SourceFile): void {
  file.addFunction({
    isExported: true,
    name: "verify",
    overloads: [
      {
        docs: [
          "Verifies a Groth16 proof (or a proof file's text) against the build folder (see `defaults`); a valid proof's statement comes back typed.",
        ],
        parameters: [
          { name: "proof", type: "rt.SegmentProof | string" },
          {
            name: "options",
            hasQuestionToken: true,
            type: "rt.Paths & { readonly backend?: undefined }",
          },
        ],
        returnType: "Promise<rt.VerifyOutcome<Statement>>",
      },
      {
        docs: ["Verifies a proof of another proving backend."],
        typeParameters: ["Proof"],
        parameters: [
          { name: "proof", type: "Proof | string" },
          { name: "options", type: "rt.Paths & { readonly backend: rt.ProvingBackend<Proof> }" },
        ],
        returnType: "Promise<rt.VerifyOutcome<Statement>>",
      },
    ],
    typeParameters: ["Proof"],
    parameters: [
      { name: "proof", type: "Proof | string" },
      {
        name: "options",
        // `| undefined` keeps the overloads compatible under exactOptionalPropertyTypes.
        type: "rt.Paths & { readonly backend?: rt.ProvingBackend<Proof> | undefined }",
        initializer: "{}",
      },
    ],
    returnType: "Promise<rt.VerifyOutcome<Statement>>",
    statements: "return rt.verify(meta, proof, options);",
  });
}
