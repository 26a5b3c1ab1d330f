/**
 * Name lookups: `GET /v1/dashboard/projects/metadata[?name=]` (spec `v1ProjectsMetadata`) and
 * `GET /v1/dashboard/clusterprofiles/metadata` (spec `v1ClusterProfilesMetadata`, profiles visible in scope).
 */
import { ok } from "../reply";
import { visible, type Route } from "../context";

export const dashboardRoutes: Route[] = [
  {
    method: "GET",
    path: "/v1/dashboard/projects/metadata",
    handler: (c) => {
      const name = c.query.get("name");
      return ok({ items: c.state.projects.filter((p) => !name || p.name === name).map((p) => ({ metadata: { name: p.name, uid: p.uid } })) });
    },
  },
  {
    method: "GET",
    path: "/v1/dashboard/clusterprofiles/metadata",
    handler: (c) =>
      ok({
        items: c.state.profiles
          .filter((p) => visible(c, p.scope))
          .map((p) => ({ metadata: { name: p.name, uid: p.uid }, spec: { cloudType: p.cloudType, version: p.version } })),
      }),
  },
];
