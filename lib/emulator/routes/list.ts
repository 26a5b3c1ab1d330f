/** The v3 list endpoints: body validation, FIQL filter, sort, pagination and the list envelope. */
import { z } from "zod";
import { API_VERSION } from "../api";
import { invalid, zodDetails } from "../errors";
import { matchFiql, parseFiql } from "../fiql";
import type { Reply } from "../http";
import type { JsonObject } from "../state";
import type { Attrs } from "./route";

const ListBodySchema = z.looseObject({
  kind: z.string().optional(),
  filter: z.string().optional(),
  length: z.number().int().min(1, { error: "expected length ≥ 1" }).optional(),
  offset: z.number().int().min(0, { error: "expected offset ≥ 0" }).optional(),
  sort_attribute: z.string().optional(),
  sort_order: z.enum(["ASCENDING", "DESCENDING"], { error: "expected ASCENDING or DESCENDING" }).optional(),
});

/**
 * `clusterStyle`: metadata holds only kind and total_matches (clusters/list). `paginate: false`: every
 * entity whatever length/offset say (hosts/list).
 */
export function listReply(kind: string, all: JsonObject[], rawBody: unknown, attrs: Attrs, ci: ReadonlySet<string>, clusterStyle = false, paginate = true): Reply {
  const parsed = ListBodySchema.safeParse(rawBody ?? {});
  if (!parsed.success) return invalid(zodDetails(parsed.error));
  const b = parsed.data;
  if (b.kind !== undefined && b.kind !== kind) return invalid({ kind: [`expected kind "${kind}", got "${b.kind}"`] });
  let items = all;
  if (b.filter !== undefined && b.filter.trim() !== "") {
    const expr = parseFiql(b.filter);
    if ("error" in expr) return invalid({ filter: [`invalid filter: ${expr.error}`] });
    for (const and of expr) for (const t of and) if (!(t.attr in attrs)) return invalid({ filter: [`unsupported filter attribute ${t.attr} for kind ${kind}; supported: ${Object.keys(attrs).join(", ")}`] });
    items = items.filter((e) => matchFiql(expr, (a) => attrs[a]!(e), ci));
  }
  if (b.sort_attribute !== undefined) {
    const key = b.sort_attribute;
    const getter = key === "creation_time" ? (e: JsonObject) => String((e.metadata as JsonObject | undefined)?.creation_time ?? "") : attrs[key];
    if (getter) {
      const dir = b.sort_order === "DESCENDING" ? -1 : 1;
      items = [...items].sort((x, y) => dir * (getter(x) ?? "").localeCompare(getter(y) ?? ""));
    }
  }
  // hosts/list does not paginate: it returns every host whatever length/offset say (reference §3).
  const length = paginate ? Math.min(500, b.length ?? 20) : items.length;
  const offset = paginate ? (b.offset ?? 0) : 0;
  const page = items.slice(offset, offset + length);
  const metadata: JsonObject = { kind };
  if (clusterStyle) metadata.total_matches = items.length;
  else {
    if (b.filter !== undefined) metadata.filter = b.filter;
    if (b.sort_attribute !== undefined) metadata.sort_attribute = b.sort_attribute;
    if (b.sort_order !== undefined) metadata.sort_order = b.sort_order;
    metadata.offset = offset;
    metadata.length = page.length;
    metadata.total_matches = items.length;
  }
  return { status: 200, body: { api_version: API_VERSION, metadata, entities: page } };
}
