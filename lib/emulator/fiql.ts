/**
 * The FIQL subset Prism list filters use: `attr==value` and `attr!=value`, `;` = AND, `,` = OR (AND
 * binds tighter). Values may be single-quoted with `''` for a quote (kubev2v/forklift style).
 * Matching is exact (the reference leaves exact vs substring open; clients re-check equality).
 */

export interface FiqlTerm {
  attr: string;
  op: "==" | "!=";
  value: string;
}

/** OR of ANDs. */
export type FiqlExpr = FiqlTerm[][];

export function parseFiql(filter: string): FiqlExpr | { error: string } {
  const groups: FiqlExpr = [];
  let and: FiqlTerm[] = [];
  let cur = "";
  let quoted = false;
  const flush = (): string | undefined => {
    const t = cur.trim();
    cur = "";
    if (t === "") return "empty term";
    const m = /^([A-Za-z_][A-Za-z0-9_.]*)\s*(==|!=)(.*)$/s.exec(t);
    if (!m) return `cannot parse ${JSON.stringify(t)}: expected attribute==value`;
    let value = m[3]!.trim();
    if (value.length >= 2 && value.startsWith("'") && value.endsWith("'")) value = value.slice(1, -1).replace(/''/g, "'");
    and.push({ attr: m[1]!, op: m[2] as "==" | "!=", value });
    return undefined;
  };
  for (let i = 0; i < filter.length; i++) {
    const c = filter[i]!;
    if (c === "'") {
      if (quoted && filter[i + 1] === "'") {
        cur += "''";
        i++;
        continue;
      }
      quoted = !quoted;
      cur += c;
      continue;
    }
    if (!quoted && (c === ";" || c === ",")) {
      const err = flush();
      if (err) return { error: err };
      if (c === ",") {
        groups.push(and);
        and = [];
      }
      continue;
    }
    cur += c;
  }
  if (quoted) return { error: "unterminated quote" };
  const err = flush();
  if (err) return { error: err };
  groups.push(and);
  return groups;
}

/** Evaluates a parsed filter; `get` returns the attribute's value or undefined when unknown. */
export function matchFiql(expr: FiqlExpr, get: (attr: string) => string | undefined, caseInsensitive: ReadonlySet<string>): boolean {
  return expr.some((and) =>
    and.every((t) => {
      let v = get(t.attr);
      let want = t.value;
      if (caseInsensitive.has(t.attr)) {
        v = v?.toLowerCase();
        want = want.toLowerCase();
      }
      return t.op === "==" ? v === want : v !== want;
    }),
  );
}
