/**
 * The three templates a system administrator uploads once when registering the custom cloud `nutanix`
 * (`PUT /v1/clouds/cloudTypes/nutanix/content/templates/{clusterTemplate,controlPlanePoolTemplate,workerPoolTemplate}`):
 * the same builders as {@link paletteTemplates}, with CAPX's `clusterctl` variables where the values go, so that
 * Palette's UI offers them as macros. Sources: librarium `clusters/data-center/nutanix/register-nutanix-cloud.md`
 * (the templates are CAPX's `cluster-template.yaml` split three ways with Palette's edits) and CAPX
 * `templates/cluster-template.yaml` (the variable names, `${KUBERNETES_VERSION#v}` in the super-admin swap).
 * Rendering uses sentinel values that occur nowhere else and swaps them for the variables afterwards.
 */
import { toYamlDocuments } from "../yaml";
import { paletteContext } from "./context";
import { cloudConfigObjects, controlPlaneObjects, workerObjects, type PaletteObject } from "./templates";
import type { PaletteClusterDescription } from "./types";

/** The registration templates, by content kind. */
export interface PaletteRegistrationTemplates {
  readonly clusterTemplate: string;
  readonly controlPlanePoolTemplate: string;
  readonly workerPoolTemplate: string;
}

/** The worker pool of the registered template (CAPX names its MachineDeployment `${CLUSTER_NAME}-wmd`). */
const WORKER_POOL = "wmd";

/** Sentinel → variable, in the order they are replaced (longer sentinels first where one contains another). */
const TEXT: readonly (readonly [string, string])[] = [
  ["npc-sentinel-cluster", "${CLUSTER_NAME}"],
  ["npc-sentinel-pc", "${NUTANIX_ENDPOINT}"],
  ["npc-sentinel-pe", "${NUTANIX_PRISM_ELEMENT_CLUSTER_NAME}"],
  ["npc-sentinel-subnet", "${NUTANIX_SUBNET_NAME}"],
  ["npc-sentinel-image", "${NUTANIX_MACHINE_TEMPLATE_IMAGE_NAME}"],
  ["192.0.2.254", "${CONTROL_PLANE_ENDPOINT_IP}"],
  ["65001", "${CONTROL_PLANE_ENDPOINT_PORT}"],
  ["65002", "${NUTANIX_PORT}"],
  ["v1.99.99", "${KUBERNETES_VERSION}"],
  ["1.99.99", "${KUBERNETES_VERSION#v}"],
  ["2049Mi", "${NUTANIX_MACHINE_MEMORY_SIZE}"],
  ["20481Mi", "${NUTANIX_SYSTEMDISK_SIZE}"],
];

const MACHINE = {
  cluster: { name: "npc-sentinel-pe" },
  subnets: [{ name: "npc-sentinel-subnet" }],
  image: { name: "npc-sentinel-image" },
  vcpuSockets: 2,
  vcpusPerSocket: 1,
  memoryMiB: 2049,
  systemDiskMiB: 20481,
} as const;

const SENTINEL: PaletteClusterDescription = {
  name: "npc-sentinel-cluster",
  kubernetesVersion: "1.99.99",
  endpoint: { address: "192.0.2.254", port: 65001 },
  prismCentral: { host: "npc-sentinel-pc", port: 65002 },
  controlPlane: { name: "cp", replicas: 1, machine: MACHINE },
  workers: [{ name: WORKER_POOL, replicas: 1, machine: MACHINE }],
};

type Json = Record<string, unknown>;

function at(o: Json, path: readonly string[]): Json {
  let cur: Json = o;
  for (const k of path) cur = cur[k] as Json;
  return cur;
}

/** Typed fields (numbers, booleans, enums) set to their variables on the objects. */
function variables(objects: readonly PaletteObject[]): void {
  for (const o of objects) {
    const spec = o.spec as Json;
    if (o.kind === "NutanixCluster") at(spec, ["prismCentral"]).insecure = "${NUTANIX_INSECURE}";
    if (o.kind === "KubeadmControlPlane") spec.replicas = "${CONTROL_PLANE_MACHINE_COUNT}";
    if (o.kind === "MachineDeployment") spec.replicas = "${WORKER_MACHINE_COUNT}";
    if (o.kind === "NutanixMachineTemplate") {
      const m = at(spec, ["template", "spec"]);
      m.bootType = "${NUTANIX_MACHINE_BOOT_TYPE}";
      m.vcpuSockets = "${NUTANIX_MACHINE_VCPU_SOCKET}";
      m.vcpusPerSocket = "${NUTANIX_MACHINE_VCPU_PER_SOCKET}";
    }
  }
}

function render(objects: PaletteObject[]): string {
  variables(objects);
  let text = toYamlDocuments(objects);
  for (const [from, to] of TEXT) text = text.split(from).join(to);
  return text;
}

/**
 * The three registration templates with CAPX's variables (`${CLUSTER_NAME}`, `${NUTANIX_ENDPOINT}`, …,
 * `${NUTANIX_USER}` / `${NUTANIX_PASSWORD}` in the Secret). Deterministic; contains no value of any cluster.
 */
export function paletteRegistrationTemplates(): PaletteRegistrationTemplates {
  const c = paletteContext(SENTINEL);
  return {
    clusterTemplate: render(cloudConfigObjects(c)),
    controlPlanePoolTemplate: render(controlPlaneObjects(c)),
    workerPoolTemplate: render(workerObjects(c, WORKER_POOL)),
  };
}
