/** Reading JSON answers. */

export function isObject(v: unknown): v is Record<string, unknown> & { status?: unknown; state?: unknown } {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The parsed text; not ok when it is empty or not JSON. */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text.trim() === "") return { ok: false };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}
