/**
 * The plain description of a cluster that Palette provisions (input of {@link paletteTemplates}) and the
 * templates rendered from it. The description is not a plan resource: the reconciler maps its plan onto it.
 */
import type { MachineSpec } from "../../schema/node-pool";
import type { EntityRef } from "../../schema/refs";

/** A machine of a pool, in the plan's units. */
export interface PaletteMachine {
  /** The Prism Element cluster the VMs run on. */
  readonly cluster: EntityRef;
  /** Subnets of the VMs' NICs (1–32, CAPX). */
  readonly subnets: readonly EntityRef[];
  /** The OS image (a CAPX/Palette image with kubeadm, matching the Kubernetes version). */
  readonly image: EntityRef;
  readonly vcpuSockets: number;
  readonly vcpusPerSocket: number;
  /** Memory in MiB (≥ 2048, CAPX). */
  readonly memoryMiB: number;
  /** System disk in MiB (≥ 20 GiB, CAPX). */
  readonly systemDiskMiB: number;
  /** @default "legacy" */
  readonly bootType?: "legacy" | "uefi";
  /** A Prism project for the VMs. @default none */
  readonly project?: EntityRef;
  /** Prism categories (must exist). @default {} */
  readonly additionalCategories?: Readonly<Record<string, string>>;
  /** GPUs by name or device id. @default [] */
  readonly gpus?: MachineSpec["gpus"];
}

/** A node pool: its name, size and machine. */
export interface PalettePool {
  /** A DNS label, unique in the cluster. */
  readonly name: string;
  /** Number of nodes (the control plane: 1, 3 or 5). */
  readonly replicas: number;
  readonly machine: PaletteMachine;
  /** Node labels (kubelet `--node-labels`). @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /** Node taints. @default [] (the control plane keeps kubeadm's own taint) */
  readonly taints?: readonly { key: string; value?: string; effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute" }[];
  /**
   * The suffix of the pool's NutanixMachineTemplate name (`<cluster>-cp-<suffix>`, `<cluster>-<pool>-mt-<suffix>`).
   * Palette applies a machine change only when the template is renamed (librarium `create-manage-nutanix-cluster.md`),
   * so a reconciler changing a pool's machine gives it a new suffix.
   * @default "0"
   */
  readonly templateSuffix?: string;
}

/** A cluster provisioned by Palette through the PCG and CAPX. */
export interface PaletteClusterDescription {
  /** The cluster name (a DNS label; it prefixes every object name). */
  readonly name: string;
  /** Kubernetes version, `1.30.4` or `v1.30.4`. */
  readonly kubernetesVersion: string;
  /** The kube-vip control-plane endpoint (a free address in the nodes' subnet). */
  readonly endpoint: {
    readonly address: string;
    /** @default 6443 */
    readonly port?: number;
  };
  /**
   * Prism Central as the NutanixCluster names it. Rendered into the cloud config as the terraform example does
   * (`NUTANIX_ENDPOINT`, `NUTANIX_PORT`, `NUTANIX_INSECURE` are template variables filled client-side there);
   * the credentials stay placeholders that Palette fills from the cloud account.
   */
  readonly prismCentral: {
    readonly host: string;
    /** @default 9440 */
    readonly port?: number;
    /** @default false */
    readonly insecure?: boolean;
    /** PEM CA certificates of Prism Central. @default none (no trust-bundle ConfigMap) */
    readonly trustBundle?: string;
  };
  /** @default "172.20.0.0/16" (CAPX `cluster-without-topology.yaml`) */
  readonly podCidr?: string;
  /** @default "172.19.0.0/16" (CAPX `cluster-without-topology.yaml`) */
  readonly serviceCidr?: string;
  readonly controlPlane: PalettePool;
  /** Worker pools (names unique). @default [] */
  readonly workers?: readonly PalettePool[];
}

/** One pool's template: what a machine pool of the create body (or a pool PUT) carries. */
export interface PalettePoolTemplate {
  /** The pool's name as Palette derives it: `metadata.name` of the KubeadmControlPlane or MachineDeployment. */
  readonly name: string;
  /** The pool's name in the description. */
  readonly pool: string;
  readonly isControlPlane: boolean;
  readonly replicas: number;
  /** The pool YAML (`cloudConfig.values`). */
  readonly values: string;
}

/** The rendered templates of a cluster. */
export interface PaletteTemplates {
  /** The cloud config YAML: ConfigMap (with a trust bundle), Secret, Cluster, NutanixCluster, MachineHealthCheck. */
  readonly cloudConfig: string;
  readonly controlPlane: PalettePoolTemplate;
  readonly workers: readonly PalettePoolTemplate[];
}
