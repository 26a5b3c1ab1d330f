/** The MachineDeployment of a worker pool: CAPX `templates/base/md.yaml`, with the cluster autoscaler's bounds. */
import type { NodePoolSpec } from "../../schema/node-pool";
import { BOOTSTRAP_API_GROUP, CLUSTER_API_GROUP, DEPLOYMENT_NAME_LABEL } from "./api";
import type { CapxContext } from "./context";
import { placementKey } from "./failure-domains";
import type { KubeObject } from "./types";

/**
 * The MachineDeployment of worker pool `w`. Autoscaling bounds become the node-group min/max-size
 * annotations of the cluster autoscaler's Cluster API provider (kubernetes/autoscaler
 * `cluster-autoscaler/cloudprovider/clusterapi/README.md`). `templates` are the names of the pool's
 * NutanixMachineTemplate and KubeadmConfigTemplate (a new name rolls the pool's machines).
 */
export function machineDeployment(c: CapxContext, w: NodePoolSpec, templates: { machine: string; bootstrap: string }): KubeObject {
  const md = c.names.machineDeployment(w.name);
  const selectorLabels = { ...c.labels(), [DEPLOYMENT_NAME_LABEL]: md };
  const templateSpec: Record<string, unknown> = {
    clusterName: c.cluster.name,
    version: c.version,
    bootstrap: { configRef: c.ref(BOOTSTRAP_API_GROUP, "KubeadmConfigTemplate", templates.bootstrap) },
    infrastructureRef: c.infraRef("NutanixMachineTemplate", templates.machine),
  };
  const fd = c.failureDomains.get(placementKey(w));
  if (fd) templateSpec.failureDomain = fd.name;
  const metadata = c.meta(md);
  if (w.autoscaling) {
    metadata.annotations = {
      "cluster.x-k8s.io/cluster-api-autoscaler-node-group-max-size": String(w.autoscaling.maxReplicas),
      "cluster.x-k8s.io/cluster-api-autoscaler-node-group-min-size": String(w.autoscaling.minReplicas),
    };
  }
  return {
    apiVersion: `${CLUSTER_API_GROUP}/${c.capi}`,
    kind: "MachineDeployment",
    metadata,
    spec: {
      clusterName: c.cluster.name,
      replicas: w.replicas,
      selector: { matchLabels: selectorLabels },
      template: { metadata: { labels: { ...selectorLabels } }, spec: templateSpec },
    },
  };
}
