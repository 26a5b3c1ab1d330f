/** A write the reconcilers send to Palette, as data: what `plan` can show and what the client sends. */
import { MASK, SECRET_KEY } from "../redact";

/** One request: method, path (parameters already encoded), JSON body when the operation takes one. */
export interface PaletteWrite<B = unknown> {
  readonly method: "POST" | "PUT" | "PATCH" | "DELETE";
  readonly path: string;
  /** The JSON body, when the operation takes one. @default none */
  readonly body?: B;
  /** Whether the operation is project-scoped (ProjectUid) or tenant-level. */
  readonly scope: "project" | "tenant";
  /** What it is about, for messages (never a secret). */
  readonly what: string;
}

/** An input problem: the thing, the field and what was expected (never the value of a secret). */
export class PaletteBodyError extends Error {
  constructor(
    readonly subject: string,
    readonly field: string,
    expected: string,
  ) {
    super(`${subject}: ${field}: ${expected}`);
    this.name = "PaletteBodyError";
  }
}

/** A copy of `w` whose body has every secret-named credential value masked: safe to print or to write to a plan. */
export function maskedWrite<B>(w: PaletteWrite<B>): PaletteWrite<unknown> {
  const mask = (v: unknown, key = ""): unknown => {
    if (typeof v === "string") return SECRET_KEY.test(key) ? MASK : v;
    if (Array.isArray(v)) return v.map((x) => mask(x));
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mask(x, k)]));
    return v;
  };
  return w.body === undefined ? { ...w } : { ...w, body: mask(w.body) };
}
