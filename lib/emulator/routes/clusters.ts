/** Clusters (the Prism Central itself first, then the Prism Elements): list and get. */
import { renderClusters } from "../render-cluster";
import { readOnlyRoutes } from "./read-only";
import { nameAttr, uuidAttr, type Route, type RouteRequest } from "./route";

export function clusterRoutes(req: RouteRequest): Route | undefined {
  return readOnlyRoutes(req, {
    collection: "clusters",
    kind: "cluster",
    render: () => renderClusters(req.emu.state),
    attrs: { name: nameAttr, uuid: uuidAttr },
    caseInsensitive: new Set(),
    clusterStyle: true,
    looseFilter: req.emu.opts.looseFilters,
  });
}
