/**
 * Canonical JSON (sorted keys, no whitespace, `undefined` dropped) and the generation hash of a spec.
 */
import { createHash } from "node:crypto";

/** A JSON value. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Serializes `value` with object keys sorted at every depth and no whitespace. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortDeep(value));
}

/** A deep copy of `value` with object keys sorted and `undefined` members removed. */
export function sortDeep(value: unknown): JsonValue {
  if (value === null || typeof value !== "object") {
    if (typeof value === "number" && !Number.isFinite(value)) throw new TypeError(`cannot serialize ${value} as JSON`);
    return value as JsonValue;
  }
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : sortDeep(v)));
  const out: { [key: string]: JsonValue } = {};
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = sortDeep(v);
  }
  return out;
}

/** The generation of a spec: SHA-256 hex of its canonical JSON. */
export function generationOf(spec: unknown): string {
  return createHash("sha256").update(canonicalJson(spec)).digest("hex");
}

/** Pretty, deterministic JSON for files people read: sorted keys, two-space indent, final newline. */
export function stableStringify(value: unknown): string {
  return `${JSON.stringify(sortDeep(value), null, 2)}\n`;
}
