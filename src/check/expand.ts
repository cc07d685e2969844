/**
 * Desugaring of sorts and nested terms, on the AST, before name resolution.
 *
 * A sort `sort term = impl(term, term) | bot | mvar(field).` becomes
 *   - `unique relation term(T).` and `relation term(T, k).` (T names a well-formed term of
 *     depth k),
 *   - per constructor a relation `impl(T, a1, a2).` (T names the term impl(a1, a2)),
 *   - per constructor a term-defining rule, e.g.
 *     `rule def_impl(T, a1, a2; k, k1, k2): impl(T, a1, a2), unique term(T), term(T, k)
 *        -: term(a1, k1), term(a2, k2), k1 < k, k2 < k.`
 *     Arguments of sort `field` are plain values with no depth; a constructor with no sorted
 *     argument defines depth-0 terms.
 *
 * In rules, a constructor application `impl(A, impl(B, A))` may stand wherever a claim argument
 * may, and `T = impl(...)` binds a header variable to a term. Each distinct application becomes
 * a constructor hypothesis with a fresh hidden variable (equal subterms share one), and `_`
 * inside a term becomes a fresh hidden variable too.
 */
import { diagnostic, type Diagnostic, type Span } from "../diagnostics/index.js";
import type {
  BodyItem,
  ClaimAst,
  ComparisonAst,
  ConstructorAst,
  Expr,
  Item,
  Name,
  RelationAst,
  RuleAst,
  RuleFileAst,
  SortAst,
} from "../syntax/index.js";

/** The builtin sort of plain field values. */
export const FIELD_SORT = "field";

export interface ConstructorInfo {
  readonly sort: SortAst;
  readonly decl: ConstructorAst;
  readonly arity: number;
}

export interface SortTable {
  readonly sorts: ReadonlyMap<string, SortAst>;
  readonly constructors: ReadonlyMap<string, ConstructorInfo>;
}

export function expandModules(
  modules: readonly RuleFileAst[],
  diagnostics: Diagnostic[],
): { modules: RuleFileAst[]; sorts: SortTable } {
  const sorts = new Map<string, SortAst>();
  const constructors = new Map<string, ConstructorInfo>();
  for (const mod of modules) {
    for (const item of mod.items) {
      if (item.kind !== "sort") continue;
      const previous = sorts.get(item.name.text);
      if (previous || item.name.text === FIELD_SORT) {
        diagnostics.push(
          diagnostic("BM0120", `sort \`${item.name.text}\` is declared twice`, item.name.span, {
            related: previous ? [{ span: previous.name.span, message: "first declared here" }] : [],
            help:
              item.name.text === FIELD_SORT
                ? "`field` is the builtin sort of plain values"
                : undefined,
          }),
        );
        continue;
      }
      sorts.set(item.name.text, item);
    }
  }
  for (const sort of sorts.values()) {
    for (const c of sort.constructors) {
      const previous = constructors.get(c.name.text);
      if (previous) {
        diagnostics.push(
          diagnostic("BM0120", `constructor \`${c.name.text}\` is declared twice`, c.name.span, {
            related: [{ span: previous.decl.name.span, message: "first declared here" }],
          }),
        );
        continue;
      }
      for (const a of c.argSorts) {
        if (a.text !== FIELD_SORT && !sorts.has(a.text)) {
          diagnostics.push(
            diagnostic("BM0117", `unknown sort \`${a.text}\``, a.span, {
              help: `declare it with \`sort ${a.text} = ...\`, or use \`field\` for plain values`,
            }),
          );
        }
      }
      constructors.set(c.name.text, { sort, decl: c, arity: c.argSorts.length });
    }
  }
  const table: SortTable = { sorts, constructors };
  const expanded = modules.map((mod) => ({
    ...mod,
    items: mod.items.flatMap((item): Item[] => {
      if (item.kind === "sort")
        return sorts.get(item.name.text) === item ? sortItems(item, table) : [];
      if (item.kind === "rule") return [expandRule(item, table, diagnostics)];
      return [item];
    }),
  }));
  return { modules: expanded, sorts: table };
}

function name(text: string, at: Span): Name {
  return { text, span: at };
}

function v(text: string, at: Span): Expr {
  return { kind: "var", name: text, span: at };
}

function claim(relation: string, args: Expr[], at: Span, unique = false): ClaimAst {
  return {
    kind: "claim",
    relation: name(relation, at),
    args,
    span: at,
    unique: unique ? at : undefined,
  };
}

/** The relations and term-defining rules a sort declaration stands for. */
function sortItems(sort: SortAst, table: SortTable): Item[] {
  const s = sort.name.text;
  const at = sort.name.span;
  const items: Item[] = [
    { kind: "relation", unique: true, name: name(s, at), params: [name("T", at)], span: sort.span },
    {
      kind: "relation",
      unique: false,
      name: name(s, at),
      params: [name("T", at), name("k", at)],
      span: sort.span,
    },
  ];
  for (const c of sort.constructors) {
    if (table.constructors.get(c.name.text)?.decl !== c) continue;
    const cat = c.name.span;
    const argNames = c.argSorts.map((_, i) => `a${i + 1}`);
    const relation: RelationAst = {
      kind: "relation",
      unique: false,
      name: name(c.name.text, cat),
      params: [name("T", cat), ...argNames.map((a) => name(a, cat))],
      span: c.span,
    };
    const sorted = c.argSorts
      .map((a, i) => ({ sort: a.text, arg: argNames[i], depth: `k${i + 1}` }))
      // An unknown sort is reported (BM0117); its arguments are then treated as plain values.
      .filter((x) => x.sort !== FIELD_SORT && table.sorts.has(x.sort));
    const depth: Expr = sorted.length ? v("k", cat) : { kind: "int", value: 0n, span: cat };
    const body: BodyItem[] = [];
    for (const x of sorted) body.push(claim(x.sort, [v(x.arg, cat), v(x.depth, cat)], cat));
    for (const x of sorted) {
      body.push({
        kind: "comparison",
        op: "<",
        opSpan: cat,
        left: v(x.depth, cat),
        right: v("k", cat),
        span: cat,
      });
    }
    const rule: RuleAst = {
      kind: "rule",
      setup: false,
      name: name(`def_${c.name.text}`, cat),
      shown: [name("T", cat), ...argNames.map((a) => name(a, cat))],
      hidden: sorted.length ? [name("k", cat), ...sorted.map((x) => name(x.depth, cat))] : [],
      hasSemicolon: sorted.length > 0,
      conclusions: [
        claim(c.name.text, [v("T", cat), ...argNames.map((a) => v(a, cat))], cat),
        claim(s, [v("T", cat)], cat, true),
        claim(s, [v("T", cat), depth], cat),
      ],
      body,
      span: c.span,
    };
    items.push(relation, rule);
  }
  return items;
}

/** A canonical text for an already-flattened expression, to share equal subterms. */
function keyOf(e: Expr): string {
  switch (e.kind) {
    case "int":
      return e.value.toString();
    case "var":
      return e.name;
    case "wildcard":
      return "_";
    case "neg":
      return `-(${keyOf(e.operand)})`;
    case "binary":
      return `(${keyOf(e.left)}${e.op}${keyOf(e.right)})`;
    case "apply":
      return `${e.constructor.text}(${e.args.map(keyOf).join(",")})`;
  }
}

function containsApply(e: Expr): boolean {
  if (e.kind === "apply") return true;
  if (e.kind === "neg") return containsApply(e.operand);
  if (e.kind === "binary") return containsApply(e.left) || containsApply(e.right);
  return false;
}

/** Whether a rule has anything to expand: a term anywhere, or a `T = ctor(...)` binding. */
function hasTerms(rule: RuleAst): boolean {
  return (
    rule.conclusions.some((c) => c.args.some(containsApply)) ||
    rule.body.some((b) =>
      b.kind === "claim"
        ? b.args.some(containsApply)
        : b.op === "=" || containsApply(b.left) || containsApply(b.right),
    )
  );
}

function expandRule(rule: RuleAst, table: SortTable, diagnostics: Diagnostic[]): RuleAst {
  if (!hasTerms(rule)) return rule;
  const flattener = new TermFlattener(rule, table, diagnostics);
  // Bindings first, so that the same term written elsewhere reuses the bound variable.
  const equalities = flattenBindings(rule, flattener, diagnostics);
  const conclusions = rule.conclusions.flatMap((c) => flattener.claim(c) ?? []);
  const body = flattenBody(rule, flattener, diagnostics);
  return {
    ...rule,
    mentions: mentionedNames(rule),
    hidden: [...rule.hidden, ...flattener.fresh],
    hasSemicolon: rule.hasSemicolon || flattener.fresh.length > 0,
    conclusions,
    body: [...flattener.generated, ...body, ...equalities],
  };
}

/**
 * Flattens one rule's terms: each distinct application gets a variable (fresh and hidden, or
 * the one a binding gives it) and a constructor hypothesis in `generated`.
 */
class TermFlattener {
  /** The fresh hidden variables, in the order they were made. */
  readonly fresh: Name[] = [];
  /** The constructor hypotheses that name the terms. */
  readonly generated: ClaimAst[] = [];
  private readonly taken: Set<string>;
  /** Canonical key of a term -> the variable that names it. */
  private readonly named = new Map<string, string>();

  constructor(
    rule: RuleAst,
    private readonly table: SortTable,
    private readonly diagnostics: Diagnostic[],
  ) {
    this.taken = new Set([...rule.shown, ...rule.hidden].map((n) => n.text));
  }

  /** A claim with its term arguments flattened; undefined when one of them is reported. */
  claim(c: ClaimAst): ClaimAst | undefined {
    const args: Expr[] = [];
    for (const a of c.args) {
      const flat = a.kind === "apply" ? this.flatten(a) : containsApply(a) ? this.flatten(a) : a;
      if (!flat) return undefined;
      args.push(flat);
    }
    return { ...c, args };
  }

  /** Flatten a term argument: applications become the variable naming them. */
  flatten(e: Expr, bindTo?: Name): Expr | undefined {
    if (e.kind !== "apply") {
      if (containsApply(e)) {
        this.diagnostics.push(
          diagnostic("BM0122", "a term cannot take part in arithmetic", e.span, {
            help: "terms are names of structures; compare or compute with plain values only",
          }),
        );
        return undefined;
      }
      return e;
    }
    if (!this.knownConstructor(e)) return undefined;
    const args: Expr[] = [];
    for (const a of e.args) {
      const flat =
        a.kind === "wildcard" ? v(this.freshName("any", a.span), a.span) : this.flatten(a);
      if (!flat) return undefined;
      args.push(flat);
    }
    const key = `${e.constructor.text}(${args.map(keyOf).join(",")})`;
    const existing = this.named.get(key);
    if (existing && !bindTo) return v(existing, e.span);
    const var_ = bindTo?.text ?? this.freshName(e.constructor.text, e.span);
    if (existing && bindTo) {
      // The same term was already named: the binding makes the two names equal.
      return v(existing, e.span);
    }
    this.named.set(key, var_);
    // A bound variable keeps its own span: it is where the user wrote it.
    this.generated.push(
      claim(e.constructor.text, [v(var_, bindTo?.span ?? e.span), ...args], e.span),
    );
    return v(var_, e.span);
  }

  /** Whether the application names a declared constructor with the right number of arguments. */
  private knownConstructor(e: Extract<Expr, { kind: "apply" }>): boolean {
    const info = this.table.constructors.get(e.constructor.text);
    if (!info) {
      this.diagnostics.push(
        diagnostic("BM0118", `unknown constructor \`${e.constructor.text}\``, e.constructor.span, {
          help: this.table.constructors.size
            ? `constructors: ${[...this.table.constructors.keys()].join(", ")}`
            : "declare it in a sort: sort name = ctor(...) | ...",
        }),
      );
      return false;
    }
    if (info.arity !== e.args.length) {
      this.diagnostics.push(
        diagnostic(
          "BM0119",
          `constructor \`${e.constructor.text}\` takes ${info.arity} argument${info.arity === 1 ? "" : "s"}, found ${e.args.length}`,
          e.span,
          { related: [{ span: info.decl.span, message: "declared here" }] },
        ),
      );
      return false;
    }
    return true;
  }

  private freshName(base: string, at: Span): string {
    let i = 1;
    while (this.taken.has(`_${base}${i}`)) i++;
    const n = `_${base}${i}`;
    this.taken.add(n);
    this.fresh.push(name(n, at));
    return n;
  }
}

/**
 * The `T = ctor(...)` bindings, flattened with T as the term's variable. Where the term was
 * already named by another variable, the two are made equal by an `==` returned here.
 */
function flattenBindings(
  rule: RuleAst,
  flattener: TermFlattener,
  diagnostics: Diagnostic[],
): ComparisonAst[] {
  const equalities: ComparisonAst[] = [];
  for (const item of rule.body) {
    if (item.kind !== "comparison" || item.op !== "=") continue;
    const [variable, term] =
      item.left.kind === "var" && item.right.kind === "apply"
        ? [item.left, item.right]
        : item.right.kind === "var" && item.left.kind === "apply"
          ? [item.right, item.left]
          : [undefined, undefined];
    if (!variable || !term) {
      diagnostics.push(
        diagnostic(
          "BM0121",
          "`=` needs a variable on one side and a term on the other",
          item.span,
          {
            help: "write `T = ctor(...)` to name a term; compare values with `==`",
          },
        ),
      );
      continue;
    }
    const result = flattener.flatten(term, { text: variable.name, span: variable.span });
    if (result && result.kind === "var" && result.name !== variable.name) {
      equalities.push({ ...item, op: "==", left: variable, right: result });
    }
  }
  return equalities;
}

/** Hypotheses with their terms flattened, and the comparisons (which may not hold terms). */
function flattenBody(
  rule: RuleAst,
  flattener: TermFlattener,
  diagnostics: Diagnostic[],
): BodyItem[] {
  const body: BodyItem[] = [];
  for (const item of rule.body) {
    if (item.kind === "claim") {
      const c = flattener.claim(item);
      if (c) body.push(c);
    } else if (item.op !== "=") {
      if (containsApply(item.left) || containsApply(item.right)) {
        diagnostics.push(
          diagnostic("BM0122", "a term cannot be compared with a value", item.span, {
            help: "to name a term, write `T = ctor(...)`",
          }),
        );
        continue;
      }
      body.push(item);
    }
  }
  return body;
}

/**
 * Every variable name the rule's source mentions, inside terms too: resolution reports a header
 * variable as unused only when the source never mentions it.
 */
function mentionedNames(rule: RuleAst): Set<string> {
  const mentions = new Set<string>();
  const mention = (e: Expr): void => {
    if (e.kind === "var") mentions.add(e.name);
    else if (e.kind === "neg") mention(e.operand);
    else if (e.kind === "binary") [e.left, e.right].forEach(mention);
    else if (e.kind === "apply") e.args.forEach(mention);
  };
  for (const c of rule.conclusions) c.args.forEach(mention);
  for (const b of rule.body) (b.kind === "claim" ? b.args : [b.left, b.right]).forEach(mention);
  return mentions;
}
