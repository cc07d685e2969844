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
  const header = [...ast.shown, ...ast.hidden];
  const varIndex = new Map<string, number>();
  const vars: string[] = [];
  for (const v of header) {
    if (varIndex.has(v.text)) {
      diagnostics.push(
        diagnostic(
          "BM0108",
          `variable \`${v.text}\` is listed twice in the header of \`${ast.name.text}\``,
          v.span,
        ),
      );
      continue;
    }
    varIndex.set(v.text, vars.length);
    vars.push(v.text);
  }
  const used = new Set<number>();
  const undeclared = new Map<string, Span>();

  const term = (e: Expr): Term | undefined => {
    switch (e.kind) {
      case "int":
        if (e.value >= P) {
          diagnostics.push(
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
      case "var": {
        const i = varIndex.get(e.name);
        if (i === undefined) {
          // Reported once per name, at its first use in the source (expansion reorders claims).
          const seen = undeclared.get(e.name);
          if (!seen || e.span.start < seen.start) undeclared.set(e.name, e.span);
          return undefined;
        }
        used.add(i);
        return { kind: "var", index: i, span: e.span };
      }
      case "wildcard":
        diagnostics.push(
          diagnostic("BM0111", "`_` can only stand as a whole argument of a hypothesis", e.span, {
            help: "in conclusions and constraints every value must be determined by the block's variables",
          }),
        );
        return undefined;
      case "apply":
        // expandModules flattens every term or reports it; none reaches resolution.
        throw new Error("bmc internal error: unexpanded term in rule " + ast.name.text);
      case "neg": {
        const operand = term(e.operand);
        return operand && { kind: "neg", operand, span: e.span };
      }
      case "binary": {
        const left = term(e.left);
        const right = term(e.right);
        return left && right && { kind: "binary", op: e.op, left, right, span: e.span };
      }
    }
  };

  const claim = (c: ClaimAst, role: "conclusion" | "hypothesis"): Claim | undefined => {
    const relation = lookupRelation(c, role, ns, diagnostics);
    const args: (Arg | undefined)[] = c.args.map((a) =>
      a.kind === "wildcard" && role === "hypothesis" ? a : term(a),
    );
    if (!relation || args.some((a) => a === undefined)) return undefined;
    return { relation, args: args as Arg[], span: c.span };
  };

  const conclusions: Claim[] = [];
  for (const c of ast.conclusions) {
    const r = claim(c, "conclusion");
    if (r) conclusions.push(r);
    if (r) checkUniqueConstants(r, diagnostics);
  }
  const hypotheses: Claim[] = [];
  const constraints: Constraint[] = [];
  for (const item of ast.body) {
    if (item.kind === "claim") {
      const r = claim(item, "hypothesis");
      if (r) hypotheses.push(r);
    } else if (item.op !== "=") {
      const left = term(item.left);
      const right = term(item.right);
      if (left && right) {
        const c: Constraint = { op: item.op, left, right, span: item.span };
        constraints.push(c);
        checkOrderConstants(c, diagnostics);
      }
    }
  }
  for (const [name, at] of undeclared) {
    diagnostics.push(
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
  for (const v of header) {
    const i = varIndex.get(v.text);
    if (i !== undefined && !used.has(i) && !ast.mentions?.has(v.text) && vars[i] === v.text) {
      diagnostics.push(
        diagnostic(
          "BM0110",
          `variable \`${v.text}\` is never used in \`${ast.name.text}\``,
          v.span,
          {
            help: "remove it, or use it in a claim or constraint",
          },
        ),
      );
      used.add(i); // a name listed twice is reported once
    }
  }
  return {
    index,
    name: ast.name.text,
    setup: ast.setup,
    vars,
    shownCount: ast.hasSemicolon ? ast.shown.length : vars.length,
    hasSemicolon: ast.hasSemicolon,
    conclusions,
    hypotheses,
    constraints,
    span: ast.span,
    nameSpan: ast.name.span,
  };
}

function lookupRelation(
  c: ClaimAst,
  role: "conclusion" | "hypothesis",
  ns: Namespaces,
  diagnostics: Diagnostic[],
): Relation | undefined {
  const name = c.relation.text;
  const unique = ns.unique.get(name);
  const ordinary = ns.ordinary.get(name);
  let relation: Relation | undefined;
  if (c.unique) {
    if (role === "hypothesis") {
      diagnostics.push(
        diagnostic(
          "BM0105",
          `unique claim \`${name}\` cannot be demanded as a hypothesis`,
          c.span,
          {
            help: "unique claims are only emitted; to depend on a definition, demand an ordinary claim that the same rule concludes",
          },
        ),
      );
      return undefined;
    }
    relation = unique;
    if (!relation) {
      diagnostics.push(
        ordinary
          ? diagnostic(
              "BM0104",
              `\`${name}\` is an ordinary relation; \`unique\` needs a \`unique relation\``,
              c.unique,
              {
                related: [{ span: ordinary.span, message: "declared here without `unique`" }],
              },
            )
          : unknownRelation(c.relation.text, c.relation.span, ns),
      );
      return undefined;
    }
  } else {
    relation = ordinary;
    if (!relation) {
      diagnostics.push(
        unique
          ? diagnostic(
              "BM0103",
              `\`${name}\` is a unique relation; write \`unique ${name}(...)\``,
              c.relation.span,
              {
                related: [{ span: unique.span, message: "declared unique here" }],
                help:
                  role === "hypothesis" ? "unique claims cannot be hypotheses at all" : undefined,
              },
            )
          : unknownRelation(name, c.relation.span, ns),
      );
      return undefined;
    }
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
