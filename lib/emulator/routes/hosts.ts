/** Hosts (with their GPUs): list, which does not paginate, and get. */
import { API_VERSION } from "../api";
import { notFound } from "../errors";
import { renderHost } from "../render";
import type { JsonObject } from "../state";
import { listReply } from "./list";
import { methodNotAllowed, nameAttr, route, uuidAttr, type Attrs, type Route, type RouteRequest } from "./route";

export function hostRoutes(req: RouteRequest): Route | undefined {
  const { method, segs, body } = req;
  const s = req.emu.state;
  if (segs[0] !== "hosts" || segs.length !== 2) return undefined;
  if (segs[1] === "list") {
    if (method !== "POST") return methodNotAllowed(method, "/hosts/list", "POST");
    const attrs: Attrs = {
      name: nameAttr,
      uuid: uuidAttr,
      cluster_uuid: (e) => ((e.status as JsonObject).cluster_reference as { uuid?: string } | undefined)?.uuid,
    };
    return route("/hosts/list", false, () => listReply("host", s.hosts.map((h) => renderHost(s, h)), body, attrs, new Set(), false, false));
  }
  if (method !== "GET") return methodNotAllowed(method, "/hosts/{uuid}", "GET");
  return route("/hosts/{uuid}", false, () => {
    const h = s.hosts.find((x) => x.uuid === segs[1]!.toLowerCase());
    return h ? { status: 200, body: { api_version: API_VERSION, ...renderHost(s, h) } } : notFound("host", segs[1]!);
  });
}
