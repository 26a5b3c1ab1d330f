/** The shapes shared by the CAPX builders: a rendered Kubernetes object and the export options. */

/** Options of {@link capxManifests}. */
export interface CapxOptions {
  /**
   * API version of the Cluster API kinds (Cluster, KubeadmControlPlane, KubeadmConfigTemplate,
   * MachineDeployment, MachineHealthCheck). `v1beta1` (map-style `extraArgs`, `apiVersion` refs) is what
   * released CAPX templates v1.4–v1.10 accept; `v1beta2` (list-style `extraArgs`, `apiGroup` contract
   * refs) needs CAPI ≥ v1.11. The CAPX kinds stay v1beta1. Whatever the API version, the CAPI release must
   * support the cluster's Kubernetes version (CAPI support matrix: v1.5 up to Kubernetes 1.28, 1.30 needs
   * ≥ v1.7, 1.31 needs ≥ v1.8), so Palette's default CAPI v1.5.3 is too old for 1.30/1.31.
   * @default "v1beta1"
   */
  clusterApiVersion?: "v1beta1" | "v1beta2";
  /** Namespace of every object. @default "default" */
  namespace?: string;
  /** Emit CAPX's MachineHealthCheck (maxUnhealthy 40%, nodeStartupTimeout 10m). @default true */
  machineHealthCheck?: boolean;
}

/** A Kubernetes object as rendered. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; labels: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}
