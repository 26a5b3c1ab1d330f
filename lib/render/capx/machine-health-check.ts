/** The MachineHealthCheck: CAPX `templates/base/mhc.yaml`; v1beta2 moves the same settings under checks/remediation in seconds. */
import { CLUSTER_API_GROUP } from "./api";
import type { CapxContext } from "./context";
import type { KubeObject } from "./types";

/** The node conditions CAPX's MachineHealthCheck remediates after 5 minutes. */
const UNHEALTHY_CONDITIONS: readonly (readonly [string, string])[] = [
  ["Ready", "False"],
  ["Ready", "Unknown"],
  ["MemoryPressure", "True"],
  ["DiskPressure", "True"],
  ["PIDPressure", "True"],
  ["NetworkUnavailable", "True"],
];

/** The MachineHealthCheck of every machine of the cluster: maxUnhealthy 40%, nodeStartupTimeout 10m. */
export function machineHealthCheck(c: CapxContext): KubeObject {
  const selector = { matchLabels: c.labels() };
  const spec =
    c.capi === "v1beta2"
      ? {
          clusterName: c.cluster.name,
          selector,
          checks: { nodeStartupTimeoutSeconds: 600, unhealthyNodeConditions: UNHEALTHY_CONDITIONS.map(([type, status]) => ({ type, status, timeoutSeconds: 300 })) },
          remediation: { triggerIf: { unhealthyLessThanOrEqualTo: "40%" } },
        }
      : {
          clusterName: c.cluster.name,
          maxUnhealthy: "40%",
          nodeStartupTimeout: "10m0s",
          selector,
          unhealthyConditions: UNHEALTHY_CONDITIONS.map(([type, status]) => ({ type, status, timeout: "5m0s" })),
        };
  return { apiVersion: `${CLUSTER_API_GROUP}/${c.capi}`, kind: "MachineHealthCheck", metadata: c.meta(c.names.mhc), spec };
}
