/**
 * A Kubernetes cluster on Nutanix: a control-plane pool, worker pools, a kube-vip endpoint and the
 * cluster networks.
 */
import { z } from "zod";
import { KubeVipEndpointPropsSchema } from "./kube-vip";
import { MachinePropsSchema } from "./node-pool";
import { cidrContains, cidrRange, cidrsOverlap, ipv4ToInt } from "../net/ipv4";
import { CidrV4, DnsLabel, IPv4, KubernetesVersion, KubernetesVersionInput } from "./net";
import { controlPlaneMachineIssues, podCidrIssues, serviceCidrIssues } from "./kubeadm-rules";
import { Labels, Taint } from "./kubernetes";
import { Autoscaling, ControlPlaneReplicas, refineReplicas, Replicas } from "./replicas";
import { CniPropsSchema, CniSpec, DEFAULT_CALICO_VERSION } from "./cni";
import { ClusterProxyPropsSchema, ClusterProxySpec } from "./proxy";
import { SshAuthorizedKeys } from "./ssh";

/** CAPX template default pod network. */
export const DEFAULT_POD_CIDR = "172.20.0.0/16";
/** CAPX template default service network. */
export const DEFAULT_SERVICE_CIDR = "172.19.0.0/16";
/** The name of a cluster's control-plane pool; VMs are named `<cluster>-cp-<n>`. */
export const CONTROL_PLANE_POOL_NAME = "cp";
/** Child construct ids that worker pools may not take. */
export const RESERVED_POOL_NAMES: readonly string[] = [CONTROL_PLANE_POOL_NAME, "endpoint"];

/** An IPAM pool range (first and last address, inclusive). */
export const IpRange = z.strictObject({ start: IPv4, end: IPv4 });

/** What the plan knows of the node subnet, when the user states it: used for synth-time checks. */
export const NodeNetwork = z.strictObject({
  cidr: CidrV4,
  gateway: IPv4.optional(),
  ipPool: z.array(IpRange).default([]),
});
export type NodeNetwork = z.infer<typeof NodeNetwork>;

/** A worker pool as written in cluster props (the replica rules are those of a NodePool). */
export const WorkerPoolPropsSchema = z
  .strictObject({
    name: DnsLabel.refine((n) => !RESERVED_POOL_NAMES.includes(n), { error: `expected a worker pool name other than ${RESERVED_POOL_NAMES.join(" or ")}` }),
    replicas: Replicas,
    autoscaling: Autoscaling.optional(),
    machine: MachinePropsSchema,
    labels: Labels.default({}),
    taints: z.array(Taint).default([]),
    sshAuthorizedKeys: SshAuthorizedKeys.optional(),
  })
  .superRefine(refineReplicas);

/** The control-plane pool as written in cluster props. */
export const ControlPlanePropsSchema = z
  .strictObject({
    replicas: ControlPlaneReplicas.default(1),
    machine: MachinePropsSchema,
    labels: Labels.default({}),
    taints: z.array(Taint).default([]),
    sshAuthorizedKeys: SshAuthorizedKeys.optional(),
  })
  .superRefine((cp, ctx) => {
    for (const i of controlPlaneMachineIssues(cp.machine)) ctx.addIssue({ code: "custom", path: ["machine", ...i.path], message: i.message });
  });

/** Options of the CAPX manifests exported for a cluster (`manifests/<cluster>.yaml`). */
export const CapxExportSchema = z.strictObject({
  clusterApiVersion: z.enum(["v1beta1", "v1beta2"], { error: "expected clusterApiVersion 'v1beta1' or 'v1beta2'" }).default("v1beta1"),
  namespace: DnsLabel.default("default"),
  machineHealthCheck: z.boolean().default(true),
});

/** The data props of a cluster (the account is a construct and is checked by the construct). */
export const NutanixClusterPropsSchema = z
  .strictObject({
    name: DnsLabel,
    kubernetesVersion: KubernetesVersionInput,
    endpoint: KubeVipEndpointPropsSchema,
    controlPlane: ControlPlanePropsSchema,
    workers: z.array(WorkerPoolPropsSchema).default([]),
    podCidr: CidrV4.default(DEFAULT_POD_CIDR),
    serviceCidr: CidrV4.default(DEFAULT_SERVICE_CIDR),
    nodeNetwork: NodeNetwork.optional(),
    capx: CapxExportSchema.default({ clusterApiVersion: "v1beta1", namespace: "default", machineHealthCheck: true }),
    cni: CniPropsSchema.default({ plugin: "calico", version: DEFAULT_CALICO_VERSION }),
    proxy: ClusterProxyPropsSchema.optional(),
    sshAuthorizedKeys: SshAuthorizedKeys.optional(),
  })
  .superRefine((c, ctx) => {
    // Cross-field rules run only on fields that parsed; a broken field is already reported.
    const ok = (schema: z.ZodType, v: unknown) => schema.safeParse(v).success;
    if (ok(CidrV4, c.serviceCidr)) serviceCidrIssues(c.serviceCidr).forEach((message) => ctx.addIssue({ code: "custom", path: ["serviceCidr"], message }));
    if (ok(CidrV4, c.podCidr)) podCidrIssues(c.podCidr).forEach((message) => ctx.addIssue({ code: "custom", path: ["podCidr"], message }));
    const replicas = c.controlPlane?.replicas ?? 1;
    if (c.endpoint?.bgp?.routerId !== undefined && replicas > 1) {
      ctx.addIssue({
        code: "custom",
        path: ["endpoint", "bgp", "routerId"],
        message: `expected no routerId with ${replicas} control-plane nodes: every BGP speaker needs its own router id (RFC 4271 §4.2); leave it out and each node uses its own address`,
      });
    }
    if (!ok(CidrV4, c.podCidr) || !ok(CidrV4, c.serviceCidr) || !ok(IPv4, c.endpoint?.address)) return;
    if (cidrsOverlap(c.podCidr, c.serviceCidr)) {
      ctx.addIssue({ code: "custom", path: ["serviceCidr"], message: `expected the service CIDR not to overlap the pod CIDR, got ${c.serviceCidr} and ${c.podCidr}` });
    }
    for (const [field, cidr] of [["podCidr", c.podCidr], ["serviceCidr", c.serviceCidr]] as const) {
      if (cidrContains(cidr, c.endpoint.address)) {
        ctx.addIssue({ code: "custom", path: [field], message: `expected ${field} ${cidr} not to contain the kube-vip address ${c.endpoint.address}` });
      }
    }
    const names = new Set<string>();
    c.workers.forEach((w, i) => {
      if (names.has(w.name)) ctx.addIssue({ code: "custom", path: ["workers", i, "name"], message: `expected unique worker pool names, '${w.name}' is used twice` });
      names.add(w.name);
    });
    const net = c.nodeNetwork;
    if (!net || !ok(NodeNetwork, net)) return;
    for (const [field, cidr] of [["podCidr", c.podCidr], ["serviceCidr", c.serviceCidr]] as const) {
      if (cidrsOverlap(cidr, net.cidr)) {
        ctx.addIssue({ code: "custom", path: [field], message: `expected ${field} ${cidr} not to overlap the node subnet ${net.cidr}` });
      }
    }
    checkVipInNodeNetwork(c.endpoint.address, net).forEach((message) => ctx.addIssue({ code: "custom", path: ["endpoint", "address"], message }));
    if (net.gateway && !cidrContains(net.cidr, net.gateway)) {
      ctx.addIssue({ code: "custom", path: ["nodeNetwork", "gateway"], message: `expected the gateway ${net.gateway} inside ${net.cidr}` });
    }
    net.ipPool.forEach((r, i) => {
      if (!cidrContains(net.cidr, r.start) || !cidrContains(net.cidr, r.end) || ipv4ToInt(r.start) > ipv4ToInt(r.end)) {
        ctx.addIssue({ code: "custom", path: ["nodeNetwork", "ipPool", i], message: `expected an ascending range inside ${net.cidr}, got ${r.start}–${r.end}` });
      }
    });
  });

/**
 * The rules for a VIP on a known node subnet: inside it, not its network or broadcast address,
 * not the gateway, outside the IPAM pool. Returns one message per broken rule.
 */
export function checkVipInNodeNetwork(vip: string, net: { cidr: string; gateway?: string | undefined; ipPool?: readonly { start: string; end: string }[] }): string[] {
  const out: string[] = [];
  if (!cidrContains(net.cidr, vip)) return [`expected the kube-vip address ${vip} inside the node subnet ${net.cidr} (ARP needs one L2 segment)`];
  const { first, last } = cidrRange(net.cidr);
  const v = ipv4ToInt(vip);
  if (last - first >= 3 && (v === first || v === last)) out.push(`expected the kube-vip address ${vip} not to be the network or broadcast address of ${net.cidr}`);
  if (net.gateway && net.gateway === vip) out.push(`expected the kube-vip address ${vip} not to be the subnet gateway`);
  for (const r of net.ipPool ?? []) {
    if (v >= ipv4ToInt(r.start) && v <= ipv4ToInt(r.end)) {
      out.push(`expected the kube-vip address ${vip} outside the IPAM pool ${r.start}–${r.end} (Prism would hand it to a VM)`);
    }
  }
  return out;
}

/** A cluster in a plan. */
export const NutanixClusterSpec = z.strictObject({
  account: z.string(),
  name: DnsLabel,
  kubernetesVersion: KubernetesVersion,
  endpoint: z.string(),
  controlPlane: z.string(),
  workers: z.array(z.string()),
  podCidr: CidrV4,
  serviceCidr: CidrV4,
  nodeNetwork: z.strictObject({ cidr: CidrV4, gateway: IPv4.optional(), ipPool: z.array(IpRange) }).optional(),
  /** The CNI the init node applies; absent in plans written before it existed, meaning none. */
  cni: CniSpec.optional(),
  proxy: ClusterProxySpec.optional(),
  /** SSH keys of every node's default user (a pool's own keys are added to these). */
  sshAuthorizedKeys: z.array(z.string()).optional(),
});
export type NutanixClusterSpec = z.infer<typeof NutanixClusterSpec>;
