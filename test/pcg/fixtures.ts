/**
 * Hand-built plans with a Private Cloud Gateway, in the shape the constructs produce, checked with
 * parsePlan (test/render/fixtures.ts makePlan). `pcgPlan(variant)` changes one thing at a time.
 */
import type { PrismCentralAccountSpec } from "../../lib/schema/account";
import type { NutanixClusterSpec } from "../../lib/schema/cluster";
import type { KubeVipEndpointSpec } from "../../lib/schema/kube-vip";
import type { MachineSpec, NodePoolSpec } from "../../lib/schema/node-pool";
import type { PrivateCloudGatewaySpec } from "../../lib/schema/pcg";
import type { Plan, PlanResource } from "../../lib/schema/plan";
import { ACCOUNT, ENDPOINT, makePlan, TRUST_BUNDLE } from "../render/fixtures";

export { TRUST_BUNDLE };

export const PCG_ID = "dc1/pcg";
export const HOST_ID = "dc1/pcg-host";
export const CP_ID = "dc1/pcg-host/cp";
export const WORKER_ID = "dc1/pcg-host/default";
export const ENDPOINT_ID = "dc1/pcg-host/endpoint";
export const ACCOUNT_ID = "dc1/pc";

/** A machine that meets Palette's PCG minimum exactly: 4 vCPU, 4096 MiB, 60 GiB. */
export const PCG_MACHINE: MachineSpec = {
  vcpuSockets: 2,
  vcpusPerSocket: 2,
  memoryMiB: 4096,
  systemDiskMiB: 60 * 1024,
  bootType: "legacy",
  image: { name: "ubuntu-2204-kube-v1.30.5" },
  cluster: { name: "pe-a" },
  subnets: [{ name: "vlan-20" }],
  additionalCategories: {},
  gpus: [],
};

export const PCG_CP: NodePoolSpec = {
  account: ACCOUNT_ID,
  cluster: HOST_ID,
  clusterName: "pcg-host",
  kubernetesVersion: "1.30.5",
  name: "cp",
  role: "control-plane",
  replicas: 3,
  machine: PCG_MACHINE,
  labels: {},
  taints: [],
};

export const PCG_WORKER: NodePoolSpec = { ...PCG_CP, name: "default", role: "worker", replicas: 2 };

/** 5 nodes; the pool 10.20.0.100–10.20.0.199 has 100 addresses; the VIP 10.20.0.10 is outside it. */
export const PCG_HOST: NutanixClusterSpec = {
  account: ACCOUNT_ID,
  name: "pcg-host",
  kubernetesVersion: "1.30.5",
  endpoint: ENDPOINT_ID,
  controlPlane: CP_ID,
  workers: [WORKER_ID],
  podCidr: "172.20.0.0/16",
  serviceCidr: "172.19.0.0/16",
  nodeNetwork: { cidr: "10.20.0.0/24", gateway: "10.20.0.1", ipPool: [{ start: "10.20.0.100", end: "10.20.0.199" }] },
};

export const PCG: PrivateCloudGatewaySpec = {
  account: ACCOUNT_ID,
  hostCluster: HOST_ID,
  name: "dc1-pcg",
  palette: { endpoint: "https://api.spectrocloud.com", project: "Default", apiKey: { source: "env", env: "PALETTE_API_KEY" } },
};

/** The no-proxy list the rules require for PCG_HOST on ACCOUNT. */
export const REQUIRED_NO_PROXY = ["pc.dc1.example.com", "10.20.0.10", "172.20.0.0/16", "172.19.0.0/16"];

/** A proxy that satisfies every rule. */
export const PROXY: NonNullable<PrivateCloudGatewaySpec["proxy"]> = {
  httpProxy: "http://proxy.dc1.example.com:3128",
  httpsProxy: "http://proxy.dc1.example.com:3128",
  noProxy: [...REQUIRED_NO_PROXY],
};

/** One change to the base PCG plan. */
export interface Variant {
  account?: Partial<PrismCentralAccountSpec>;
  endpoint?: Partial<KubeVipEndpointSpec>;
  cp?: Partial<NodePoolSpec>;
  worker?: Partial<NodePoolSpec> | null;
  cpMachine?: Partial<MachineSpec>;
  workerMachine?: Partial<MachineSpec>;
  host?: Partial<NutanixClusterSpec>;
  pcg?: Partial<PrivateCloudGatewaySpec>;
  extra?: Omit<PlanResource, "generation">[];
}

/** The base PCG plan (every rule passes) with `v` applied. */
export function pcgPlan(v: Variant = {}): Plan {
  const cp: NodePoolSpec = { ...PCG_CP, ...v.cp, machine: { ...PCG_MACHINE, ...v.cpMachine } };
  const worker: NodePoolSpec | undefined = v.worker === null ? undefined : { ...PCG_WORKER, ...v.worker, machine: { ...PCG_MACHINE, ...v.workerMachine } };
  const host: NutanixClusterSpec = { ...PCG_HOST, ...(worker ? {} : { workers: [] }), ...v.host };
  const resources: Omit<PlanResource, "generation">[] = [
    { id: ACCOUNT_ID, kind: "PrismCentralAccount", dependsOn: [], spec: { ...ACCOUNT, ...v.account } },
    { id: ENDPOINT_ID, kind: "KubeVipEndpoint", dependsOn: [ACCOUNT_ID], spec: { ...ENDPOINT, ...v.endpoint } },
    { id: CP_ID, kind: "NodePool", dependsOn: [ACCOUNT_ID, ENDPOINT_ID], spec: cp },
    ...(worker ? [{ id: WORKER_ID, kind: "NodePool" as const, dependsOn: [ACCOUNT_ID, CP_ID], spec: worker }] : []),
    { id: HOST_ID, kind: "NutanixCluster", dependsOn: [ACCOUNT_ID, ENDPOINT_ID, CP_ID, ...(worker ? [WORKER_ID] : [])], spec: host },
    { id: PCG_ID, kind: "PrivateCloudGateway", dependsOn: [ACCOUNT_ID, HOST_ID], spec: { ...PCG, ...v.pcg } },
    ...(v.extra ?? []),
  ];
  return makePlan("dc1", resources as Parameters<typeof makePlan>[1]);
}
