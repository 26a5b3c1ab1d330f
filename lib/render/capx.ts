/**
 * CAPX manifests for a cluster of a plan: what a Palette custom-cloud user or a `clusterctl` user
 * applies to get from Cluster API Provider Nutanix the same cluster the handler builds directly.
 * Object shapes follow CAPX's `templates/base/*.yaml` with Palette's naming (reference §6); credentials
 * are `${NUTANIX_USER}` / `${NUTANIX_PASSWORD}` placeholders, never values.
 */
import type { PrismCentralAccountSpec } from "../schema/account";
import type { NutanixClusterSpec } from "../schema/cluster";
import type { KubeVipEndpointSpec } from "../schema/kube-vip";
import type { GpuSpec, NodePoolSpec } from "../schema/node-pool";
import type { EntityRef } from "../schema/refs";
import type { Plan, PlanResource, ResourceKind, ResourceOfKind } from "../schema/plan";
import type { z } from "zod";
import { apiServerCertSans, etcHostsCommands, extraArgs, kubeletArgs, nodeTaints, TLS_CIPHER_SUITES, vPrefixed, type ArgStyle } from "./kubeadm";
import { KUBE_VIP_MANIFEST_PATH, kubeVipManifestYaml, superAdminPostKubeadmCommands, superAdminPreKubeadmCommands } from "./kube-vip";
import { toYamlDocuments } from "./yaml";

/** The Cluster API group of Cluster, MachineDeployment and MachineHealthCheck. */
export const CLUSTER_API_GROUP = "cluster.x-k8s.io";
/** The group of KubeadmControlPlane. */
export const CONTROL_PLANE_API_GROUP = "controlplane.cluster.x-k8s.io";
/** The group of KubeadmConfigTemplate. */
export const BOOTSTRAP_API_GROUP = "bootstrap.cluster.x-k8s.io";
/** The group of the CAPX kinds, always served as v1beta1. */
export const INFRASTRUCTURE_API_GROUP = "infrastructure.cluster.x-k8s.io";
/** The label that ties every object to its cluster. */
export const CLUSTER_NAME_LABEL = "cluster.x-k8s.io/cluster-name";
/** The label CAPI puts on the Machines of a MachineDeployment. */
export const DEPLOYMENT_NAME_LABEL = "cluster.x-k8s.io/deployment-name";
/** Placeholders of the credentials Secret, substituted by clusterctl or Palette (cloud account keys). */
export const CREDENTIAL_PLACEHOLDERS = { username: "${NUTANIX_USER}", password: "${NUTANIX_PASSWORD}" } as const;

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

type Spec<K extends ResourceKind> = ResourceOfKind<K>["spec"];
type Gpu = z.infer<typeof GpuSpec>;

function find<K extends ResourceKind>(plan: Plan, id: string, kind: K, from: string): Spec<K> {
  const r = plan.resources.find((x: PlanResource) => x.id === id);
  if (!r) throw new Error(`${from}: references ${JSON.stringify(id)}, which is not in the plan`);
  if (r.kind !== kind) throw new Error(`${from}: expected ${JSON.stringify(id)} to be a ${kind}, it is a ${r.kind}`);
  return r.spec as Spec<K>;
}

/** A NutanixResourceIdentifier from a plan entity reference. */
export function resourceIdentifier(ref: EntityRef): { type: "name"; name: string } | { type: "uuid"; uuid: string } {
  return "uuid" in ref ? { type: "uuid", uuid: ref.uuid } : { type: "name", name: ref.name };
}

function gpu(g: Gpu): { type: "name"; name: string } | { type: "deviceID"; deviceID: number } {
  return "name" in g ? { type: "name", name: g.name } : { type: "deviceID", deviceID: g.deviceId };
}

/** `8192Mi` for memory; disks in whole `Gi` when they divide evenly, else `Mi`. */
function quantity(mib: number, preferGi: boolean): string {
  return preferGi && mib % 1024 === 0 ? `${mib / 1024}Gi` : `${mib}Mi`;
}

interface Names {
  cluster: string;
  kcp: string;
  cpTemplate: string;
  secret: string;
  trustBundle: string;
  mhc: string;
  workerTemplate(pool: string): string;
  kubeadmConfigTemplate(pool: string): string;
  machineDeployment(pool: string): string;
}

/** Object names: CAPX's, with Palette's `-cp-0` control-plane template; worker objects carry the pool name. */
export function capxNames(cluster: string): Names {
  return {
    cluster,
    kcp: `${cluster}-kcp`,
    cpTemplate: `${cluster}-cp-0`,
    secret: cluster,
    trustBundle: `${cluster}-pc-trusted-ca-bundle`,
    mhc: `${cluster}-mhc`,
    workerTemplate: (pool) => `${cluster}-${pool}-mt-0`,
    kubeadmConfigTemplate: (pool) => `${cluster}-${pool}-kcfg-0`,
    machineDeployment: (pool) => `${cluster}-${pool}`,
  };
}

interface FailureDomain {
  name: string;
  cluster: EntityRef;
  subnets: EntityRef[];
  controlPlane: boolean;
}

const placementKey = (p: NodePoolSpec) => JSON.stringify([p.machine.cluster, p.machine.subnets]);

function fdBaseName(ref: EntityRef): string {
  const raw = "uuid" in ref ? `pe-${ref.uuid.slice(0, 8)}` : ref.name;
  const s = raw.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 56).replace(/-+$/, "");
  return s.length > 0 ? s : "pe";
}

/**
 * Failure domains when the pools use more than one Prism Element cluster: one per distinct
 * (cluster, subnets) placement, the control-plane pool's first and marked `controlPlane: true`.
 * Each matches its pools' NutanixMachineTemplates exactly, as CAPX requires.
 */
export function failureDomains(cp: NodePoolSpec, workers: readonly NodePoolSpec[]): Map<string, FailureDomain> {
  const pools = [cp, ...workers];
  const peClusters = new Set(pools.map((p) => JSON.stringify(p.machine.cluster)));
  const out = new Map<string, FailureDomain>();
  if (peClusters.size < 2) return out;
  const used = new Set<string>();
  for (const p of pools) {
    const key = placementKey(p);
    if (out.has(key)) continue;
    const base = fdBaseName(p.machine.cluster);
    let name = base;
    for (let i = 2; used.has(name); i++) name = `${base}-${i}`;
    used.add(name);
    out.set(key, { name, cluster: p.machine.cluster, subnets: p.machine.subnets, controlPlane: p === cp });
  }
  return out;
}

/**
 * The CAPX and Cluster API objects for the NutanixCluster `clusterId` of `plan`, in apply order:
 * Secret (credential placeholders), ConfigMap (trust bundle, when the account has one), Cluster,
 * NutanixCluster, KubeadmControlPlane, the control-plane NutanixMachineTemplate, then per worker pool
 * a NutanixMachineTemplate, KubeadmConfigTemplate and MachineDeployment, and the MachineHealthCheck.
 * Pure and deterministic; contains no secret value.
 */
export function capxManifests(plan: Plan, clusterId: string, options: CapxOptions = {}): KubeObject[] {
  const capi = options.clusterApiVersion ?? "v1beta1";
  const namespace = options.namespace ?? "default";
  const mhc = options.machineHealthCheck ?? true;
  const style: ArgStyle = capi === "v1beta2" ? "list" : "map";

  const cluster: NutanixClusterSpec = find(plan, clusterId, "NutanixCluster", "capxManifests");
  const account: PrismCentralAccountSpec = find(plan, cluster.account, "PrismCentralAccount", clusterId);
  const endpoint: KubeVipEndpointSpec = find(plan, cluster.endpoint, "KubeVipEndpoint", clusterId);
  const cp: NodePoolSpec = find(plan, cluster.controlPlane, "NodePool", clusterId);
  const workers: NodePoolSpec[] = cluster.workers.map((id) => find(plan, id, "NodePool", clusterId));

  const n = capxNames(cluster.name);
  const version = vPrefixed(cluster.kubernetesVersion);
  const labels = () => ({ [CLUSTER_NAME_LABEL]: cluster.name });
  const meta = (name: string, extra: Record<string, string> = {}) => ({ name, namespace, labels: { ...labels(), ...extra } });
  const ref = (group: string, kind: string, name: string, groupVersion: string = capi) =>
    capi === "v1beta2" ? { apiGroup: group, kind, name } : { apiVersion: `${group}/${groupVersion}`, kind, name };
  const infraRef = (kind: string, name: string) => ref(INFRASTRUCTURE_API_GROUP, kind, name, "v1beta1");
  const fds = failureDomains(cp, workers);

  const objects: KubeObject[] = [];

  // Secret: templates/base/secret.yaml (no `type`: Kubernetes defaults it to Opaque).
  objects.push({
    apiVersion: "v1",
    kind: "Secret",
    metadata: meta(n.secret),
    stringData: {
      credentials: `${JSON.stringify(
        [{ type: "basic_auth", data: { prismCentral: { username: CREDENTIAL_PLACEHOLDERS.username, password: CREDENTIAL_PLACEHOLDERS.password }, prismElements: null } }],
        null,
        2,
      )}\n`,
    },
  });

  // ConfigMap: templates/base/cm.yaml, PEM base64-encoded without newlines under binaryData.ca.crt.
  if (account.trustBundle) {
    objects.push({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: meta(n.trustBundle),
      binaryData: { "ca.crt": Buffer.from(account.trustBundle, "utf8").toString("base64") },
    });
  }

  // Cluster: templates/base/cluster-without-topology.yaml plus the ccm label of ccm-patch.yaml.
  objects.push({
    apiVersion: `${CLUSTER_API_GROUP}/${capi}`,
    kind: "Cluster",
    metadata: meta(n.cluster, { ccm: "nutanix" }),
    spec: {
      clusterNetwork: { pods: { cidrBlocks: [cluster.podCidr] }, services: { cidrBlocks: [cluster.serviceCidr] }, serviceDomain: "cluster.local" },
      controlPlaneRef: ref(CONTROL_PLANE_API_GROUP, "KubeadmControlPlane", n.kcp),
      infrastructureRef: infraRef("NutanixCluster", n.cluster),
    },
  });

  // NutanixCluster: templates/base/nutanix-cluster.yaml.
  const prismCentral: Record<string, unknown> = {
    address: account.endpoint.host,
    port: account.endpoint.port,
    insecure: account.insecure,
    credentialRef: { kind: "Secret", name: n.secret },
  };
  if (account.trustBundle) prismCentral.additionalTrustBundle = { kind: "ConfigMap", name: n.trustBundle };
  const ncSpec: Record<string, unknown> = { prismCentral, controlPlaneEndpoint: { host: endpoint.address, port: endpoint.port } };
  if (fds.size > 0) {
    // The deprecated inline field: every released CAPX (v1.4–v1.10) reads it, while NutanixFailureDomain
    // objects + controlPlaneFailureDomains exist only from CAPX v1.7. Both validate against the CRD.
    ncSpec.failureDomains = [...fds.values()].map((fd) => ({
      name: fd.name,
      cluster: resourceIdentifier(fd.cluster),
      subnets: fd.subnets.map(resourceIdentifier),
      controlPlane: fd.controlPlane,
    }));
  }
  objects.push({ apiVersion: `${INFRASTRUCTURE_API_GROUP}/v1beta1`, kind: "NutanixCluster", metadata: meta(n.cluster), spec: ncSpec });

  // KubeadmControlPlane: templates/base/kcp.yaml + ccm-patch.yaml, Palette's `-cp-0` template and iscsid.
  const tls = { "tls-cipher-suites": TLS_CIPHER_SUITES };
  const cpRegistration = () => {
    const reg: Record<string, unknown> = { kubeletExtraArgs: extraArgs(kubeletArgs(cp, { "cloud-provider": "external" }), style) };
    const taints = nodeTaints(cp);
    if (taints) reg.taints = taints;
    return reg;
  };
  const hostname = "{{ ds.meta_data.hostname }}";
  const kubeadmConfigSpec = {
    clusterConfiguration: {
      apiServer: { certSANs: apiServerCertSans(endpoint), extraArgs: extraArgs(tls, style) },
      controllerManager: { extraArgs: extraArgs({ ...tls, "cloud-provider": "external" }, style) },
      scheduler: { extraArgs: extraArgs(tls, style) },
    },
    files: [{ content: kubeVipManifestYaml(endpoint), owner: "root:root", path: KUBE_VIP_MANIFEST_PATH }],
    initConfiguration: { nodeRegistration: cpRegistration() },
    joinConfiguration: { nodeRegistration: cpRegistration() },
    preKubeadmCommands: [
      `hostnamectl set-hostname "${hostname}"`,
      ...etcHostsCommands(hostname),
      ...superAdminPreKubeadmCommands(cluster.kubernetesVersion),
      "systemctl enable --now iscsid",
    ],
    postKubeadmCommands: ["echo export KUBECONFIG=/etc/kubernetes/admin.conf >> /root/.bashrc", ...superAdminPostKubeadmCommands(cluster.kubernetesVersion)],
  };
  const cpInfra = infraRef("NutanixMachineTemplate", n.cpTemplate);
  objects.push({
    apiVersion: `${CONTROL_PLANE_API_GROUP}/${capi}`,
    kind: "KubeadmControlPlane",
    metadata: meta(n.kcp),
    spec: {
      replicas: cp.replicas,
      version,
      machineTemplate: capi === "v1beta2" ? { spec: { infrastructureRef: cpInfra } } : { infrastructureRef: cpInfra },
      kubeadmConfigSpec,
    },
  });

  const machineTemplate = (name: string, pool: NodePoolSpec, providerID: string): KubeObject => {
    const m = pool.machine;
    const spec: Record<string, unknown> = {
      providerID,
      bootType: m.bootType,
      vcpusPerSocket: m.vcpusPerSocket,
      vcpuSockets: m.vcpuSockets,
      memorySize: quantity(m.memoryMiB, false),
      systemDiskSize: quantity(m.systemDiskMiB, true),
      image: resourceIdentifier(m.image),
      cluster: resourceIdentifier(m.cluster),
      subnet: m.subnets.map(resourceIdentifier),
    };
    if (m.project) spec.project = resourceIdentifier(m.project);
    const categories = Object.keys(m.additionalCategories).sort();
    if (categories.length > 0) spec.additionalCategories = categories.map((key) => ({ key, value: m.additionalCategories[key] }));
    if (m.gpus.length > 0) spec.gpus = m.gpus.map(gpu);
    return { apiVersion: `${INFRASTRUCTURE_API_GROUP}/v1beta1`, kind: "NutanixMachineTemplate", metadata: meta(name), spec: { template: { spec } } };
  };
  objects.push(machineTemplate(n.cpTemplate, cp, `nutanix://${cluster.name}-m1-cp-0`));

  for (const w of workers) {
    const nmt = n.workerTemplate(w.name);
    const kct = n.kubeadmConfigTemplate(w.name);
    const md = n.machineDeployment(w.name);
    objects.push(machineTemplate(nmt, w, `nutanix://${cluster.name}-m1-${w.name}-mt-0`));

    const reg: Record<string, unknown> = { kubeletExtraArgs: extraArgs(kubeletArgs(w, { "cloud-provider": "external" }), style) };
    const taints = nodeTaints(w);
    if (taints) reg.taints = taints;
    objects.push({
      apiVersion: `${BOOTSTRAP_API_GROUP}/${capi}`,
      kind: "KubeadmConfigTemplate",
      metadata: meta(kct),
      spec: {
        template: {
          spec: {
            joinConfiguration: { nodeRegistration: reg },
            preKubeadmCommands: [`hostnamectl set-hostname "${hostname}"`, "systemctl enable --now iscsid"],
          },
        },
      },
    });

    const selectorLabels = { ...labels(), [DEPLOYMENT_NAME_LABEL]: md };
    const templateSpec: Record<string, unknown> = {
      clusterName: cluster.name,
      version,
      bootstrap: { configRef: ref(BOOTSTRAP_API_GROUP, "KubeadmConfigTemplate", kct) },
      infrastructureRef: infraRef("NutanixMachineTemplate", nmt),
    };
    const fd = fds.get(placementKey(w));
    if (fd) templateSpec.failureDomain = fd.name;
    const mdMeta: KubeObject["metadata"] = meta(md);
    if (w.autoscaling) {
      mdMeta.annotations = {
        "cluster.x-k8s.io/cluster-api-autoscaler-node-group-max-size": String(w.autoscaling.maxReplicas),
        "cluster.x-k8s.io/cluster-api-autoscaler-node-group-min-size": String(w.autoscaling.minReplicas),
      };
    }
    objects.push({
      apiVersion: `${CLUSTER_API_GROUP}/${capi}`,
      kind: "MachineDeployment",
      metadata: mdMeta,
      spec: {
        clusterName: cluster.name,
        replicas: w.replicas,
        selector: { matchLabels: selectorLabels },
        template: { metadata: { labels: { ...selectorLabels } }, spec: templateSpec },
      },
    });
  }

  if (mhc) {
    // templates/base/mhc.yaml; v1beta2 moves the same settings under checks/remediation in seconds.
    const conditions: [string, string][] = [
      ["Ready", "False"],
      ["Ready", "Unknown"],
      ["MemoryPressure", "True"],
      ["DiskPressure", "True"],
      ["PIDPressure", "True"],
      ["NetworkUnavailable", "True"],
    ];
    const selector = { matchLabels: labels() };
    const spec =
      capi === "v1beta2"
        ? {
            clusterName: cluster.name,
            selector,
            checks: { nodeStartupTimeoutSeconds: 600, unhealthyNodeConditions: conditions.map(([type, status]) => ({ type, status, timeoutSeconds: 300 })) },
            remediation: { triggerIf: { unhealthyLessThanOrEqualTo: "40%" } },
          }
        : {
            clusterName: cluster.name,
            maxUnhealthy: "40%",
            nodeStartupTimeout: "10m0s",
            selector,
            unhealthyConditions: conditions.map(([type, status]) => ({ type, status, timeout: "5m0s" })),
          };
    objects.push({ apiVersion: `${CLUSTER_API_GROUP}/${capi}`, kind: "MachineHealthCheck", metadata: meta(n.mhc), spec });
  }
  return objects;
}

/** The objects of {@link capxManifests} as one multi-document YAML string (deterministic). */
export function capxManifestsYaml(objects: readonly KubeObject[]): string {
  return toYamlDocuments(objects);
}
