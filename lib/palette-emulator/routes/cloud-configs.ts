/**
 * A cluster's cloud config and machine pools (spec `v1CloudConfigsCustom*`; palette-sdk-go
 * `client/cluster_custom_cloud.go`). A pool PUT replaces the pool's YAML: its size follows `spec.replicas`; a new
 * NutanixMachineTemplate name means a repave, which waits in `status.repave.state: Pending` until
 * `PATCH …/repave/approve` (librarium `create-manage-nutanix-cluster.md`). The path's pool name must equal the
 * name the YAML gives (guess: Palette keys pools by that name). Removing the control-plane pool is refused (guess).
 */
import { findClusterByConfig, type Ctx, type Route } from "../context";
import { isReply } from "../paging";
import { conflict, created, err, invalid, noContent, notFound, ok, type Reply } from "../reply";
import { nextUid, type StoredCluster } from "../state";
import { poolFrom } from "./clusters";

function clusterOf(c: Ctx): StoredCluster | Reply {
  return findClusterByConfig(c, c.params.configUid!) ?? notFound(`cloud config ${c.params.configUid}`);
}

export const cloudConfigRoutes: Route[] = [
  {
    method: "GET",
    path: "/v1/cloudconfigs/cloudTypes/{cloudType}/{configUid}",
    handler: (c) => {
      const cl = clusterOf(c);
      if (isReply(cl)) return cl;
      return ok({
        kind: "CustomCloudConfig",
        metadata: { uid: cl.configUid, name: `${cl.name}-config` },
        spec: {
          cloudAccountRef: { kind: "cloudaccount", uid: cl.accountUid },
          clusterConfig: { values: cl.clusterConfigValues },
          machinePoolConfig: cl.pools.map((p) => ({
            name: p.name,
            size: p.size,
            isControlPlane: p.isControlPlane,
            useControlPlaneAsWorker: p.useControlPlaneAsWorker,
            values: p.values,
            taints: p.taints,
            additionalLabels: p.additionalLabels,
          })),
        },
      });
    },
  },
  {
    method: "PUT",
    path: "/v1/cloudconfigs/cloudTypes/{cloudType}/{configUid}/clusterConfig",
    handler: (c) => {
      const cl = clusterOf(c);
      if (isReply(cl)) return cl;
      const v = (c.body as { clusterConfig?: { values?: unknown } } | undefined)?.clusterConfig?.values;
      if (typeof v !== "string" || v.trim() === "") return invalid("clusterConfig.values: required");
      cl.clusterConfigValues = v;
      return noContent();
    },
  },
  {
    method: "POST",
    path: "/v1/cloudconfigs/cloudTypes/{cloudType}/{configUid}/machinePools",
    handler: (c) => {
      const cl = clusterOf(c);
      if (isReply(cl)) return cl;
      const p = poolFrom(c.body as never);
      if (typeof p === "string") return invalid(p);
      if (p.isControlPlane) return invalid("a cluster has one control-plane pool: update it instead of adding one");
      if (cl.pools.some((x) => x.name === p.name)) return conflict(`machine pool ${p.name} already exists`);
      cl.pools.push(p);
      return created(nextUid(c.state, "pool"));
    },
  },
  {
    method: "PUT",
    path: "/v1/cloudconfigs/cloudTypes/{cloudType}/{configUid}/machinePools/{machinePoolName}",
    handler: (c) => {
      const cl = clusterOf(c);
      if (isReply(cl)) return cl;
      const i = cl.pools.findIndex((x) => x.name === c.params.machinePoolName);
      if (i < 0) return notFound(`machine pool ${c.params.machinePoolName}`);
      const p = poolFrom(c.body as never);
      if (typeof p === "string") return invalid(p);
      const old = cl.pools[i]!;
      if (p.name !== old.name) return invalid(`the pool YAML names ${p.name}, the path ${old.name}`);
      if (p.isControlPlane !== old.isControlPlane) return invalid("a pool cannot change between control plane and worker");
      if (p.machineTemplate !== old.machineTemplate) cl.repave = { state: "Pending", at: c.now };
      cl.pools[i] = p;
      return noContent();
    },
  },
  {
    method: "DELETE",
    path: "/v1/cloudconfigs/cloudTypes/{cloudType}/{configUid}/machinePools/{machinePoolName}",
    handler: (c) => {
      const cl = clusterOf(c);
      if (isReply(cl)) return cl;
      const i = cl.pools.findIndex((x) => x.name === c.params.machinePoolName);
      if (i < 0) return notFound(`machine pool ${c.params.machinePoolName}`);
      if (cl.pools[i]!.isControlPlane) return err(400, "InvalidRequest", "the control-plane pool cannot be removed");
      cl.pools.splice(i, 1);
      return noContent();
    },
  },
];
