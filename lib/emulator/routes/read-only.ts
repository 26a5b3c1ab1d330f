/** The two routes of a read-only kind: POST /{collection}/list and GET /{collection}/{uuid}. */
import { API_VERSION } from "../api";
import { notFound } from "../errors";
import type { JsonObject } from "../state";
import { listReply } from "./list";
import { methodNotAllowed, route, type Attrs, type Route, type RouteRequest } from "./route";

export interface ReadOnlyKind {
  /** Path segment, e.g. "clusters". */
  collection: string;
  /** Entity kind, e.g. "cluster". */
  kind: string;
  /** Every entity, rendered (called when the route runs). */
  render: () => JsonObject[];
  attrs: Attrs;
  caseInsensitive: ReadonlySet<string>;
  /** The list metadata of clusters/list. */
  clusterStyle?: boolean;
  /** The filter is validated but not applied (terraform-provider-nutanix #542: a cluster-name filter returned every cluster). */
  looseFilter?: boolean;
}

export function readOnlyRoutes(req: RouteRequest, k: ReadOnlyKind): Route | undefined {
  const { method, segs, body } = req;
  if (segs[0] !== k.collection) return undefined;
  const n = segs.length;
  if (n === 2 && segs[1] === "list") {
    if (method !== "POST") return methodNotAllowed(method, `/${k.collection}/list`, "POST");
    return route(`/${k.collection}/list`, false, () => {
      const r = listReply(k.kind, k.render(), body, k.attrs, k.caseInsensitive, k.clusterStyle === true);
      if (!k.looseFilter || r.status !== 200 || !body || typeof body !== "object" || !("filter" in body)) return r;
      const { filter: _ignored, ...rest } = body as JsonObject;
      void _ignored;
      return listReply(k.kind, k.render(), rest, k.attrs, k.caseInsensitive, k.clusterStyle === true);
    });
  }
  if (n === 2) {
    if (method !== "GET") return methodNotAllowed(method, `/${k.collection}/{uuid}`, "GET");
    return route(`/${k.collection}/{uuid}`, false, () => {
      const e = k.render().find((x) => (x.metadata as { uuid?: string }).uuid === segs[1]!.toLowerCase());
      return e ? { status: 200, body: { api_version: API_VERSION, ...e } } : notFound(k.kind, segs[1]!);
    });
  }
  return undefined;
}
