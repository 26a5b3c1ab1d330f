/** The shapes shared by the CAPX builders: a rendered Kubernetes object and the export options. */

/** Options of {@link capxManifests}. */
export interface CapxOptions {
  /**
   * API version of the Cluster API kinds (Cluster, KubeadmControlPlane, KubeadmConfigTemplate,
   * MachineDeployment, MachineHealthCheck). `v1beta1` (map-style `extraArgs`, `apiVersion` refs) is what
   * released CAPX templates v1.4–v1.10 and Palette's default CAPI v1.5.3 accept; `v1beta2` (list-style
   * `extraArgs`, `apiGroup` contract refs) needs CAPI ≥ v1.11. The CAPX kinds stay v1beta1.
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
