/** GET /prism_central: what the Prism Central says about itself (no envelope, as recorded). */
import { renderPrismCentral } from "../render-cluster";
import { methodNotAllowed, route, type Route, type RouteRequest } from "./route";

export function prismCentralRoutes(req: RouteRequest): Route | undefined {
  const { method, segs } = req;
  if (segs[0] !== "prism_central" || segs.length !== 1) return undefined;
  if (method !== "GET") return methodNotAllowed(method, "/prism_central", "GET");
  return route("/prism_central", false, () => ({ status: 200, body: renderPrismCentral(req.emu.state) }));
}
