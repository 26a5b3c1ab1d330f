/** The Cluster: CAPX `templates/base/cluster-without-topology.yaml` plus the `ccm` label of `ccm-patch.yaml`. */
import { CLUSTER_API_GROUP, CONTROL_PLANE_API_GROUP } from "./api";
import type { CapxContext } from "./context";
import type { KubeObject } from "./types";

/** The Cluster API Cluster of the cluster. */
export function clusterObject(c: CapxContext): KubeObject {
  return {
    apiVersion: `${CLUSTER_API_GROUP}/${c.capi}`,
    kind: "Cluster",
    metadata: c.meta(c.names.cluster, { ccm: "nutanix" }),
    spec: {
      clusterNetwork: { pods: { cidrBlocks: [c.cluster.podCidr] }, services: { cidrBlocks: [c.cluster.serviceCidr] }, serviceDomain: "cluster.local" },
      controlPlaneRef: c.ref(CONTROL_PLANE_API_GROUP, "KubeadmControlPlane", c.names.kcp),
      infrastructureRef: c.infraRef("NutanixCluster", c.names.cluster),
    },
  };
}
