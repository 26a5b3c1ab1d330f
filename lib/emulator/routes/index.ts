/** The v3 routing table: the first route module that claims the request, else 404. */
import { API_PATH } from "../api";
import { errorReply } from "../errors";
import { categoryRoutes } from "./categories";
import { clusterRoutes } from "./clusters";
import { hostRoutes } from "./hosts";
import { idempotenceRoutes } from "./idempotence";
import { imageRoutes } from "./images";
import { prismCentralRoutes } from "./prism-central";
import { projectRoutes } from "./projects";
import { route, type Route, type RouteRequest } from "./route";
import { subnetRoutes } from "./subnets";
import { taskRoutes } from "./tasks";
import { userRoutes } from "./users";
import { vmRoutes } from "./vms";

export type { Route, RouteRequest } from "./route";

const ROUTES: ReadonlyArray<(req: RouteRequest) => Route | undefined> = [
  userRoutes,
  prismCentralRoutes,
  clusterRoutes,
  subnetRoutes,
  imageRoutes,
  hostRoutes,
  vmRoutes,
  taskRoutes,
  categoryRoutes,
  idempotenceRoutes,
  projectRoutes,
];

export function routeRequest(req: RouteRequest): Route {
  for (const routes of ROUTES) {
    const r = routes(req);
    if (r) return r;
  }
  const { method, segs } = req;
  const template = `/${segs.map((x, i) => (i === 0 ? x : "*")).join("/")}`;
  return route(template, false, () => errorReply(404, "INVALID_REQUEST", `no such API path: ${method} ${API_PATH}/${segs.join("/")}`));
}
