/**
 * Key paths of a JSON document with their JSON types (`.metadata.uuid: string`, array items as `[]`),
 * and how many of a recorded document's paths another document has with the same type.
 */

export type JsonType = "object" | "array" | "string" | "number" | "boolean" | "null";

function typeOf(v: unknown): JsonType {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  const t = typeof v;
  return t === "object" ? "object" : t === "number" ? "number" : t === "boolean" ? "boolean" : "string";
}

/** path → the JSON types seen there (array items merged under `[]`). */
export function keyPaths(doc: unknown): Map<string, Set<JsonType>> {
  const out = new Map<string, Set<JsonType>>();
  const walk = (v: unknown, p: string): void => {
    const set = out.get(p) ?? new Set<JsonType>();
    set.add(typeOf(v));
    out.set(p, set);
    if (Array.isArray(v)) for (const x of v) walk(x, `${p}[]`);
    else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, `${p}.${k}`);
  };
  walk(doc, "");
  return out;
}

export interface PathScore {
  total: number;
  matched: number;
  /** Recorded paths the other document lacks, or has with another type. */
  missing: string[];
}

/** How many of `recorded`'s key paths `actual` has with one of the same types. */
export function scorePaths(recorded: unknown, actual: unknown): PathScore {
  const want = keyPaths(recorded);
  const have = keyPaths(actual);
  const missing: string[] = [];
  for (const [p, types] of want) {
    const got = have.get(p);
    if (!got || ![...types].some((t) => got.has(t))) missing.push(`${p || "(root)"}: ${[...types].join("|")}`);
  }
  return { total: want.size, matched: want.size - missing.length, missing };
}
