/** Subnets: list (filterable by type, VLAN and cluster) and get. */
import { renderSubnet } from "../render";
import type { JsonObject } from "../state";
import { readOnlyRoutes } from "./read-only";
import { nameAttr, uuidAttr, type Route, type RouteRequest } from "./route";

export function subnetRoutes(req: RouteRequest): Route | undefined {
  const s = req.emu.state;
  return readOnlyRoutes(req, {
    collection: "subnets",
    kind: "subnet",
    render: () => s.subnets.map((x) => renderSubnet(s, x)),
    attrs: {
      name: nameAttr,
      uuid: uuidAttr,
      subnet_type: (e) => ((e.status as JsonObject).resources as { subnet_type?: string }).subnet_type,
      vlan_id: (e) => {
        const v = ((e.status as JsonObject).resources as { vlan_id?: number }).vlan_id;
        return v === undefined ? undefined : String(v);
      },
      cluster_name: (e) => ((e.status as JsonObject).cluster_reference as { name?: string } | undefined)?.name,
    },
    caseInsensitive: new Set(["subnet_type"]),
  });
}
