/** GET /prism_central: what the Prism Central says about itself. */
import { methodNotAllowed, route, type Route, type RouteRequest } from "./route";

export function prismCentralRoutes(req: RouteRequest): Route | undefined {
  const { method, segs } = req;
  if (segs[0] !== "prism_central" || segs.length !== 1) return undefined;
  if (method !== "GET") return methodNotAllowed(method, "/prism_central", "GET");
  const s = req.emu.state;
  return route("/prism_central", false, () => ({
    status: 200,
    body: { resources: { type: "PC", version: s.prismCentral.version, cluster_uuid: s.prismCentral.uuid, virtual_ip: s.prismCentral.virtualIp, pc_vm_list: [] } },
  }));
}
