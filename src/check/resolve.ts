/**
 * Name resolution and per-rule checks: declarations, relations and arities, unique versus
 * ordinary claims, header variables, wildcards and constants. Every independent problem is
 * reported; a rule with errors is still resolved as far as possible so later checks can run.
 */
import { diagnostic, type Diagnostic, type Span } from "../diagnostics/index.js";
import { P } from "../field/index.js";
import { checkOrderConstants, checkUniqueConstants } from "./constants.js";
import type { ClaimAst, Expr, RuleAst, RuleFileAst } from "../syntax/index.js";
import type { SortTable } from "./expand.js";
import type {
  Arg,
  Claim,
  Constraint,
  Constructor,
  Relation,
  Rule,
  RuleSet,
  Sort,
  Term,
} from "./model.js";

interface Namespaces {
  ordinary: Map<string, Relation>;
  unique: Map<string, Relation>;
}

export function resolveRuleSet(
  modules: readonly RuleFileAst[],
  diagnostics: Diagnostic[],
  /** Constructor names, to explain a nullary constructor written without `()`. */
  constructors: ReadonlySet<string> = new Set(),
): RuleSet {
  const { relations, ns } = declareRelations(modules, diagnostics);
  const rules: Rule[] = [];
  const ruleByName = new Map<string, Rule>();
  for (const mod of modules) {
    for (const item of mod.items) {
      if (item.kind !== "rule") continue;
      const rule = resolveRule(item, rules.length, ns, diagnostics, constructors);
      const previous = ruleByName.get(rule.name);
      if (previous) {
        diagnostics.push(
          diagnostic("BM0107", `rule \`${rule.name}\` is defined twice`, item.name.span, {
            related: [{ span: previous.nameSpan, message: "first defined here" }],
          }),
        );
        continue;
      }
      rules.push(rule);
      ruleByName.set(rule.name, rule);
    }
  }
  return {
    relations,
    rules,
    ruleByName,
    sorts: new Map(),
    constructors: new Map(),
    files: modules.map((m) => m.file.path),
  };
}

/** Every relation declared in the modules, numbered in order; a second declaration is an error. */
function declareRelations(
  modules: readonly RuleFileAst[],
  diagnostics: Diagnostic[],
): { relations: Relation[]; ns: Namespaces } {
  const relations: Relation[] = [];
  const ns: Namespaces = { ordinary: new Map(), unique: new Map() };
  for (const mod of modules) {
    for (const item of mod.items) {
      if (item.kind !== "relation") continue;
      const space = item.unique ? ns.unique : ns.ordinary;
      const previous = space.get(item.name.text);
      if (previous) {
        diagnostics.push(
          diagnostic(
            "BM0106",
            `${item.unique ? "unique relation" : "relation"} \`${item.name.text}\` is declared twice`,
            item.name.span,
            { related: [{ span: previous.span, message: "first declared here" }] },
          ),
        );
        continue;
      }
      const seenParams = new Set<string>();
      for (const p of item.params) {
        if (seenParams.has(p.text)) {
          diagnostics.push(diagnostic("BM0108", `parameter \`${p.text}\` is listed twice`, p.span));
        }
        seenParams.add(p.text);
      }
      const relation: Relation = {
        index: relations.length,
        name: item.name.text,
        unique: item.unique,
        arity: item.params.length,
        params: item.params.map((p) => p.text),
        tag: relations.length + 1,
        span: item.name.span,
      };
      relations.push(relation);
      space.set(relation.name, relation);
    }
  }
  return { relations, ns };
}

/** Link the sort declarations to the relations and rules they expanded to. */
export function linkSorts(ruleSet: RuleSet, table: SortTable): RuleSet {
  const sorts = new Map<string, Sort>();
  const constructors = new Map<string, Constructor>();
  const ordinary = new Map(ruleSet.relations.filter((r) => !r.unique).map((r) => [r.name, r]));
  const unique = new Map(ruleSet.relations.filter((r) => r.unique).map((r) => [r.name, r]));
  for (const ast of table.sorts.values()) {
    const list: Constructor[] = [];
    const sort: Sort = {
      name: ast.name.text,
      unique: unique.get(ast.name.text)!,
      depth: ordinary.get(ast.name.text)!,
      constructors: list,
    };
    sorts.set(sort.name, sort);
    for (const c of ast.constructors) {
      if (table.constructors.get(c.name.text)?.decl !== c) continue;
      const ctor: Constructor = {
        name: c.name.text,
        sort,
        argSorts: c.argSorts.map((a) => a.text),
        relation: ordinary.get(c.name.text)!,
        defRule: ruleSet.ruleByName.get(`def_${c.name.text}`)!,
      };
      list.push(ctor);
      constructors.set(ctor.name, ctor);
    }
  }
  return { ...ruleSet, sorts, constructors };
}

function resolveRule(
  ast: RuleAst,
  index: number,
  ns: Namespaces,
  diagnostics: Diagnostic[],
  constructors: ReadonlySet<string>,
): Rule {
  const resolver = new RuleResolver(ast, ns, diagnostics);
  // Diagnostics come in source order: header, conclusions, body, then the variables.
  const conclusions = resolver.conclusions();
  const { hypotheses, constraints } = resolver.body();
  resolver.reportUndeclared(constructors);
  resolver.reportUnused();
  return {
    index,
    name: ast.name.text,
    setup: ast.setup,
    vars: resolver.vars,
    shownCount: ast.hasSemicolon ? ast.shown.length : resolver.vars.length,
    hasSemicolon: ast.hasSemicolon,
    conclusions,
    hypotheses,
    constraints,
    span: ast.span,
    nameSpan: ast.name.span,
  };
}

/**
 * Resolves one rule's claims and constraints against its header, noting which variables are
 * used and which names are not declared, so that each is reported once after the whole rule.
 */
class RuleResolver {
  readonly vars: string[] = [];
  private readonly header: RuleAst["shown"];
  private readonly varIndex = new Map<string, number>();
  private readonly used = new Set<number>();
  private readonly undeclared = new Map<string, Span>();

  constructor(
    private readonly ast: RuleAst,
    private readonly ns: Namespaces,
    private readonly diagnostics: Diagnostic[],
  ) {
    this.header = [...ast.shown, ...ast.hidden];
    for (const v of this.header) {
      if (this.varIndex.has(v.text)) {
        diagnostics.push(
          diagnostic(
            "BM0108",
            `variable \`${v.text}\` is listed twice in the header of \`${ast.name.text}\``,
            v.span,
          ),
        );
        continue;
      }
      this.varIndex.set(v.text, this.vars.length);
      this.vars.push(v.text);
    }
  }

  conclusions(): Claim[] {
    const conclusions: Claim[] = [];
    for (const c of this.ast.conclusions) {
      const r = this.claim(c, "conclusion");
      if (r) conclusions.push(r);
      if (r) checkUniqueConstants(r, this.diagnostics);
    }
    return conclusions;
  }

  /** Hypotheses and constraints; `T = ctor(...)` bindings are expansion's (expandRule), skipped here. */
  body(): { hypotheses: Claim[]; constraints: Constraint[] } {
    const hypotheses: Claim[] = [];
    const constraints: Constraint[] = [];
    for (const item of this.ast.body) {
      if (item.kind === "claim") {
        const r = this.claim(item, "hypothesis");
        if (r) hypotheses.push(r);
      } else if (item.op !== "=") {
        const left = this.term(item.left);
        const right = this.term(item.right);
        if (left && right) {
          const c: Constraint = { op: item.op, left, right, span: item.span };
          constraints.push(c);
          checkOrderConstants(c, this.diagnostics);
        }
      }
    }
    return { hypotheses, constraints };
  }

  reportUndeclared(constructors: ReadonlySet<string>): void {
    const ast = this.ast;
    for (const [name, at] of this.undeclared) {
      this.diagnostics.push(
        diagnostic(
          "BM0109",
          `variable \`${name}\` is not declared in the header of \`${ast.name.text}\``,
          at,
          {
            help: constructors.has(name)
              ? `\`${name}\` is a constructor: a term is written \`${name}()\``
              : `add it to the header, e.g. rule ${ast.name.text}(${[
                  ast.shown.map((n) => n.text).join(", "),
                  [...ast.hidden.map((n) => n.text), name].join(", "),
                ]
                  .filter(Boolean)
                  .join("; ")})`,
          },
        ),
      );
    }
  }

  reportUnused(): void {
    for (const v of this.header) {
      const i = this.varIndex.get(v.text);
      if (
        i !== undefined &&
        !this.used.has(i) &&
        !this.ast.mentions?.has(v.text) &&
        this.vars[i] === v.text
      ) {
        this.diagnostics.push(
          diagnostic(
            "BM0110",
            `variable \`${v.text}\` is never used in \`${this.ast.name.text}\``,
            v.span,
            {
              help: "remove it, or use it in a claim or constraint",
            },
          ),
        );
        this.used.add(i); // a name listed twice is reported once
      }
    }
  }

  private claim(c: ClaimAst, role: "conclusion" | "hypothesis"): Claim | undefined {
    const relation = lookupRelation(c, role, this.ns, this.diagnostics);
    const args: (Arg | undefined)[] = c.args.map((a) =>
      a.kind === "wildcard" && role === "hypothesis" ? a : this.term(a),
    );
    if (!relation || args.some((a) => a === undefined)) return undefined;
    return { relation, args: args as Arg[], span: c.span };
  }

  private term(e: Expr): Term | undefined {
    switch (e.kind) {
      case "int":
        if (e.value >= P) {
          this.diagnostics.push(
            diagnostic(
              "BM0112",
              "integer constant is not below the BN254 scalar field modulus",
              e.span,
              {
                help: `constants must be below ${P}`,
              },
            ),
          );
          return undefined;
        }
        return e;
      case "var":
        return this.variable(e);
      case "wildcard":
        this.diagnostics.push(
          diagnostic("BM0111", "`_` can only stand as a whole argument of a hypothesis", e.span, {
            help: "in conclusions and constraints every value must be determined by the block's variables",
          }),
        );
        return undefined;
      case "apply":
        // expandModules flattens every term or reports it; none reaches resolution.
        throw new Error("bmc internal error: unexpanded term in rule " + this.ast.name.text);
      case "neg": {
        const operand = this.term(e.operand);
        return operand && { kind: "neg", operand, span: e.span };
      }
      case "binary": {
        const left = this.term(e.left);
        const right = this.term(e.right);
        return left && right && { kind: "binary", op: e.op, left, right, span: e.span };
      }
    }
  }

  private variable(e: Extract<Expr, { kind: "var" }>): Term | undefined {
    const i = this.varIndex.get(e.name);
    if (i === undefined) {
      // Reported once per name, at its first use in the source (expansion reorders claims).
      const seen = this.undeclared.get(e.name);
      if (!seen || e.span.start < seen.start) this.undeclared.set(e.name, e.span);
      return undefined;
    }
    this.used.add(i);
    return { kind: "var", index: i, span: e.span };
  }
}

function lookupRelation(
  c: ClaimAst,
  role: "conclusion" | "hypothesis",
  ns: Namespaces,
  diagnostics: Diagnostic[],
): Relation | undefined {
  const name = c.relation.text;
  if (c.unique && role === "hypothesis") {
    diagnostics.push(
      diagnostic("BM0105", `unique claim \`${name}\` cannot be demanded as a hypothesis`, c.span, {
        help: "unique claims are only emitted; to depend on a definition, demand an ordinary claim that the same rule concludes",
      }),
    );
    return undefined;
  }
  const relation = (c.unique ? ns.unique : ns.ordinary).get(name);
  if (!relation) {
    diagnostics.push(relationNotFound(c, role, ns));
    return undefined;
  }
  if (relation.arity !== c.args.length) {
    diagnostics.push(
      diagnostic(
        "BM0102",
        `\`${name}\` takes ${relation.arity} argument${relation.arity === 1 ? "" : "s"}, found ${c.args.length}`,
        c.span,
        {
          related: [
            { span: relation.span, message: `declared as ${name}(${relation.params.join(", ")})` },
          ],
        },
      ),
    );
    return undefined;
  }
  return relation;
}

/**
 * Why a claim's relation is not in its namespace (unique claims name unique relations, others
 * ordinary ones): it is declared in the other one, or not at all.
 */
function relationNotFound(
  c: ClaimAst,
  role: "conclusion" | "hypothesis",
  ns: Namespaces,
): Diagnostic {
  const name = c.relation.text;
  const other = (c.unique ? ns.ordinary : ns.unique).get(name);
  if (!other) return unknownRelation(name, c.relation.span, ns);
  if (c.unique) {
    return diagnostic(
      "BM0104",
      `\`${name}\` is an ordinary relation; \`unique\` needs a \`unique relation\``,
      c.unique,
      { related: [{ span: other.span, message: "declared here without `unique`" }] },
    );
  }
  return diagnostic(
    "BM0103",
    `\`${name}\` is a unique relation; write \`unique ${name}(...)\``,
    c.relation.span,
    {
      related: [{ span: other.span, message: "declared unique here" }],
      help: role === "hypothesis" ? "unique claims cannot be hypotheses at all" : undefined,
    },
  );
}

function unknownRelation(name: string, at: Span, ns: Namespaces): Diagnostic {
  const known = [...new Set([...ns.ordinary.keys(), ...ns.unique.keys()])];
  const close = known
    .map((k) => ({ k, d: editDistance(k, name) }))
    .filter((x) => x.d <= Math.max(1, Math.floor(name.length / 3)))
    .sort((a, b) => a.d - b.d || (a.k < b.k ? -1 : 1))[0];
  return diagnostic("BM0101", `unknown relation \`${name}\``, at, {
    help: close ? `did you mean \`${close.k}\`?` : `declare it: relation ${name}(...).`,
  });
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length];
}
