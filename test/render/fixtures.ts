/**
 * Hand-built plans for the renderer tests, in the Plan shape the constructs produce, checked with
 * parsePlan so they cannot drift from the schema.
 */
import { generationOf } from "../../lib/plan/canonical";
import { parsePlan } from "../../lib/plan/load";
import type { Plan, PlanResource } from "../../lib/schema/plan";
import type { KubeVipEndpointSpec } from "../../lib/schema/kube-vip";
import type { NodePoolSpec } from "../../lib/schema/node-pool";
import type { NutanixClusterSpec } from "../../lib/schema/cluster";
import type { PrismCentralAccountSpec } from "../../lib/schema/account";

type Unplanned = Omit<PlanResource, "generation"> & { generation?: never };

/** A plan from resources without generations: fills them in, sorts by id and validates. */
export function makePlan(stack: string, resources: Unplanned[]): Plan {
  const withGen = resources
    .map((r) => ({ ...r, generation: generationOf(r.spec) }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return parsePlan({ apiVersion: "nutanix-palette-cdk/v1alpha1", kind: "Plan", metadata: { stack }, resources: withGen }, `fixture ${stack}`);
}

/** A fake CA bundle: PEM-shaped, not a real certificate. */
export const TRUST_BUNDLE = [
  "-----BEGIN CERTIFICATE-----",
  "MIIBszCCAVmgAwIBAgIUFakeFakeFakeFakeFakeFakeFakeFakeFakeMAoGCCqGSM49",
  "BAMCMBYxFDASBgNVBAMMC2V4YW1wbGUtY2EwHhcNMjUwMTAxMDAwMDAwWhcNMzUwMTAx",
  "-----END CERTIFICATE-----",
].join("\n");

export const ACCOUNT: PrismCentralAccountSpec = {
  endpoint: { host: "pc.dc1.example.com", port: 9440 },
  credentials: { source: "env", usernameEnv: "NUTANIX_USERNAME", passwordEnv: "NUTANIX_PASSWORD" },
  insecure: false,
  trustBundle: TRUST_BUNDLE,
};

export const ENDPOINT: KubeVipEndpointSpec = {
  account: "dc1/pc",
  clusterName: "pcg-host",
  address: "10.20.0.10",
  port: 6443,
  mode: "arp",
  interface: "eth0",
  leaderElection: { leaseDurationSeconds: 15, renewDeadlineSeconds: 10, retryPeriodSeconds: 2 },
  loadBalancer: false,
};

const machine = {
  vcpuSockets: 2,
  vcpusPerSocket: 2,
  memoryMiB: 8192,
  systemDiskMiB: 40 * 1024,
  bootType: "legacy" as const,
  image: { name: "ubuntu-2204-kube-v1.30.5" },
  cluster: { name: "pe-a" },
  subnets: [{ name: "vlan-20" }],
  additionalCategories: {},
  gpus: [],
};

export const CP_POOL: NodePoolSpec = {
  account: "dc1/pc",
  cluster: "dc1/pcg-host",
  clusterName: "pcg-host",
  kubernetesVersion: "1.30.5",
  name: "cp",
  role: "control-plane",
  replicas: 3,
  machine,
  labels: {},
  taints: [],
};

export const DEFAULT_POOL: NodePoolSpec = {
  ...CP_POOL,
  name: "default",
  role: "worker",
  replicas: 2,
  machine: { ...machine, vcpuSockets: 4, memoryMiB: 16384, systemDiskMiB: 80 * 1024 },
  labels: { "node.kubernetes.io/pool": "default" },
};

export const GPU_POOL: NodePoolSpec = {
  ...CP_POOL,
  name: "gpu",
  role: "worker",
  replicas: 1,
  autoscaling: { minReplicas: 1, maxReplicas: 3 },
  machine: {
    ...machine,
    bootType: "uefi",
    image: { uuid: "0005a0f1-8d4c-4d5e-9a3f-1f2e3d4c5b6a" },
    cluster: { uuid: "00061c2e-1111-2222-3333-444455556666" },
    subnets: [{ uuid: "7a8b9c0d-aaaa-bbbb-cccc-ddddeeeeffff" }, { name: "storage-net" }],
    project: { name: "ml-team" },
    additionalCategories: { AppType: "Kubernetes", CostCenter: "ml" },
    gpus: [{ name: "Tesla T4" }, { deviceId: 7864 }],
  },
  labels: { "nvidia.com/gpu.present": "true", "node.kubernetes.io/pool": "gpu" },
  taints: [{ key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" }],
};

export const CLUSTER: NutanixClusterSpec = {
  account: "dc1/pc",
  name: "pcg-host",
  kubernetesVersion: "1.30.5",
  endpoint: "dc1/pcg-host/endpoint",
  controlPlane: "dc1/pcg-host/cp",
  workers: ["dc1/pcg-host/default", "dc1/pcg-host/gpu"],
  podCidr: "172.20.0.0/16",
  serviceCidr: "172.19.0.0/16",
  nodeNetwork: { cidr: "10.20.0.0/24", gateway: "10.20.0.1", ipPool: [{ start: "10.20.0.100", end: "10.20.0.200" }] },
};

/** Stack dc1: an ARP endpoint, 3 control-plane nodes, two worker pools on two Prism Element clusters, a trust bundle. */
export const PLAN: Plan = makePlan("dc1", [
  { id: "dc1/pc", kind: "PrismCentralAccount", dependsOn: [], spec: ACCOUNT },
  { id: "dc1/pcg-host/endpoint", kind: "KubeVipEndpoint", dependsOn: ["dc1/pc"], spec: ENDPOINT },
  { id: "dc1/pcg-host/cp", kind: "NodePool", dependsOn: ["dc1/pc", "dc1/pcg-host/endpoint"], spec: CP_POOL },
  { id: "dc1/pcg-host/default", kind: "NodePool", dependsOn: ["dc1/pc", "dc1/pcg-host/cp"], spec: DEFAULT_POOL },
  { id: "dc1/pcg-host/gpu", kind: "NodePool", dependsOn: ["dc1/pc", "dc1/pcg-host/cp"], spec: GPU_POOL },
  { id: "dc1/pcg-host", kind: "NutanixCluster", dependsOn: ["dc1/pc", "dc1/pcg-host/endpoint", "dc1/pcg-host/cp", "dc1/pcg-host/default", "dc1/pcg-host/gpu"], spec: CLUSTER },
]);

export const BGP_ENDPOINT: KubeVipEndpointSpec = {
  account: "dc2/pc",
  clusterName: "edge",
  address: "192.0.2.10",
  port: 8443,
  mode: "bgp",
  interface: "ens3",
  bgp: {
    routerId: "192.0.2.21",
    localAsn: 65010,
    peers: [
      { address: "192.0.2.1", asn: 65000, password: { source: "env", env: "BGP_PEER_PASSWORD" }, multihop: false },
      { address: "192.0.2.2", asn: 65000, multihop: true },
    ],
  },
  leaderElection: { leaseDurationSeconds: 30, renewDeadlineSeconds: 20, retryPeriodSeconds: 4 },
  loadBalancer: true,
};

const EDGE_CP: NodePoolSpec = { ...CP_POOL, account: "dc2/pc", cluster: "dc2/edge", clusterName: "edge", kubernetesVersion: "1.29.0", replicas: 1, taints: [{ key: "dedicated", value: "edge", effect: "PreferNoSchedule" }] };

/** Stack dc2: a BGP endpoint, Kubernetes 1.29.0 (the first version with the super-admin swap), one control-plane node, no workers, no trust bundle. */
export const EDGE_PLAN: Plan = makePlan("dc2", [
  { id: "dc2/pc", kind: "PrismCentralAccount", dependsOn: [], spec: { endpoint: { host: "10.0.0.5", port: 9440 }, credentials: { source: "file", path: "/etc/nutanix/creds.json" }, insecure: true } },
  { id: "dc2/edge/endpoint", kind: "KubeVipEndpoint", dependsOn: ["dc2/pc"], spec: BGP_ENDPOINT },
  { id: "dc2/edge/cp", kind: "NodePool", dependsOn: ["dc2/pc", "dc2/edge/endpoint"], spec: EDGE_CP },
  {
    id: "dc2/edge",
    kind: "NutanixCluster",
    dependsOn: ["dc2/pc", "dc2/edge/endpoint", "dc2/edge/cp"],
    spec: { ...CLUSTER, account: "dc2/pc", name: "edge", kubernetesVersion: "1.29.0", endpoint: "dc2/edge/endpoint", controlPlane: "dc2/edge/cp", workers: [], nodeNetwork: undefined },
  },
]);

/** Fake secrets in the shapes the handler generates (never real). */
export const SECRETS = {
  bootstrapToken: "abcdef.0123456789abcdef",
  certificateKey: "f".repeat(8) + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789ab".slice(0, 56),
  caCertHash: `sha256:${"a1".repeat(32)}`,
};
