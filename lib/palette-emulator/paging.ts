/**
 * List paging as Palette does it (librarium API intro): `limit` (default and maximum 50), `offset`, and an
 * opaque `continue` token; `listmeta{continue, count, limit, offset}` with an empty `continue` at the end. The
 * token is base64 of `{"offset":…,"count":…,"token":""}`, the shape of the docs' example token.
 */
import { invalid, type Reply } from "./reply";

export const MAX_LIMIT = 50;

export interface Page<T> {
  items: T[];
  listmeta: { continue: string; count: number; limit: number; offset: number };
}

export function encodeContinue(offset: number, count: number): string {
  return Buffer.from(JSON.stringify({ offset, count, token: "" })).toString("base64");
}

/** One page of `all` per the query, or a 400 reply for a bad limit, offset or token. */
export function page<T>(all: T[], query: URLSearchParams): Page<T> | Reply {
  const rawLimit = query.get("limit");
  let limit = MAX_LIMIT;
  if (rawLimit !== null && rawLimit !== "") {
    const n = Number(rawLimit);
    if (!Number.isInteger(n) || n < 0 || n > MAX_LIMIT) return invalid(`limit: expected an integer from 0 to ${MAX_LIMIT}, got ${JSON.stringify(rawLimit)}`);
    // palette-sdk-go sends limit=0: the default applies.
    if (n > 0) limit = n;
  }
  let offset = 0;
  const cont = query.get("continue");
  if (cont) {
    try {
      const t = JSON.parse(Buffer.from(cont, "base64").toString("utf8")) as { offset?: unknown };
      if (typeof t.offset !== "number" || !Number.isInteger(t.offset) || t.offset < 0) throw new Error("offset");
      offset = t.offset;
    } catch {
      return invalid(`continue: not a continue token of this list`);
    }
  } else if (query.get("offset")) {
    const n = Number(query.get("offset"));
    if (!Number.isInteger(n) || n < 0) return invalid(`offset: expected an integer ≥ 0`);
    offset = n;
  }
  const items = all.slice(offset, offset + limit);
  const next = offset + limit < all.length ? encodeContinue(offset + limit, all.length) : "";
  return { items, listmeta: { continue: next, count: all.length, limit, offset } };
}

export function isReply(x: unknown): x is Reply {
  return typeof x === "object" && x !== null && "status" in x && typeof (x as Reply).status === "number";
}
