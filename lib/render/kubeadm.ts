/**
 * kubeadm settings shared by the cloud-init renderer and the CAPX export: kubelet and control-plane
 * arguments from the CAPX templates, node labels and taints from a pool, and the two shapes of
 * `extraArgs` (a map in kubeadm v1beta3 / CAPI v1beta1, a `[{name, value}]` list in kubeadm
 * v1beta4 / CAPI v1beta2).
 */
import { hostPort } from "../net/host-port";
import type { KubeVipEndpointSpec } from "../schema/kube-vip";
import type { Taint } from "../schema/kubernetes";
import type { NodePoolSpec } from "../schema/node-pool";

/** The TLS cipher suites the CAPX templates give the API server, controller manager, scheduler and kubelet. */
export const TLS_CIPHER_SUITES = [
  "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
  "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
  "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
  "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
  "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
  "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
].join(",");

/** The kubelet `eviction-hard` of the CAPX templates. */
export const EVICTION_HARD = "nodefs.available<10%,nodefs.inodesFree<5%,imagefs.available<15%,memory.available<100Mi,imagefs.inodesFree<10%";

/** The taint kubeadm puts on control-plane nodes when no taints are given. */
export const CONTROL_PLANE_TAINT: Taint = { key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" };

/** A list-style argument (kubeadm v1beta4, CAPI v1beta2). */
export interface NamedArg {
  name: string;
  value: string;
}

/** `map`: `{ name: value }` (kubeadm v1beta3, CAPI v1beta1); `list`: `[{ name, value }]`. */
export type ArgStyle = "map" | "list";

/** Arguments in the given style, sorted by name so the output is deterministic. */
export function extraArgs(args: Readonly<Record<string, string>>, style: ArgStyle): Record<string, string> | NamedArg[] {
  const names = Object.keys(args).sort();
  if (style === "list") return names.map((name) => ({ name, value: args[name] ?? "" }));
  const out: Record<string, string> = {};
  for (const n of names) out[n] = args[n] ?? "";
  return out;
}

/** The kubelet `node-labels` value for a pool (`k=v` pairs sorted by key), or undefined when it has none. */
export function nodeLabelsArg(labels: Readonly<Record<string, string>>): string | undefined {
  const keys = Object.keys(labels).sort();
  return keys.length === 0 ? undefined : keys.map((k) => `${k}=${labels[k]}`).join(",");
}

/** The kubelet arguments of a node of `pool`: CAPX's eviction and cipher settings plus the pool's labels. */
export function kubeletArgs(pool: NodePoolSpec, extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  const args: Record<string, string> = { "eviction-hard": EVICTION_HARD, "tls-cipher-suites": TLS_CIPHER_SUITES, ...extra };
  const labels = nodeLabelsArg(pool.labels);
  if (labels) args["node-labels"] = labels;
  return args;
}

/** A taint as kubeadm's `nodeRegistration.taints` holds it. */
export interface KubeadmTaint {
  key: string;
  value?: string;
  effect: string;
}

/**
 * The `nodeRegistration.taints` of a node of `pool`, or undefined to keep kubeadm's default (the
 * control-plane taint on control-plane nodes, none on workers). A control-plane pool with taints of
 * its own keeps the control-plane taint in front of them, since an explicit list replaces the default.
 */
export function nodeTaints(pool: NodePoolSpec): KubeadmTaint[] | undefined {
  if (pool.taints.length === 0) return undefined;
  const own = pool.taints.map((t) => (t.value !== undefined ? { key: t.key, value: t.value, effect: t.effect } : { key: t.key, effect: t.effect }));
  if (pool.role !== "control-plane") return own;
  return own.some((t) => t.key === CONTROL_PLANE_TAINT.key) ? own : [{ key: CONTROL_PLANE_TAINT.key, effect: CONTROL_PLANE_TAINT.effect }, ...own];
}

/** `address:port` of the kube-vip endpoint, the cluster's `controlPlaneEndpoint`. */
export function controlPlaneEndpoint(endpoint: KubeVipEndpointSpec): string {
  return hostPort(endpoint.address, endpoint.port);
}

/** API server certificate SANs: loopback names (kube-vip reaches the API as `kubernetes` via /etc/hosts) and the VIP. */
export function apiServerCertSans(endpoint: KubeVipEndpointSpec): string[] {
  return ["localhost", "127.0.0.1", endpoint.address];
}

/** `v1.30.5` from `1.30.5` or `v1.30.5`. */
export function vPrefixed(version: string): string {
  return version.startsWith("v") ? version : `v${version}`;
}

/**
 * The kubeadm config API for a Kubernetes version: `kubeadm.k8s.io/v1beta3` up to 1.30,
 * `kubeadm.k8s.io/v1beta4` from 1.31 (where v1beta4 was introduced and v1beta3 deprecated).
 * This is what CAPI's kubeadm bootstrap provider does.
 */
export function kubeadmApiVersion(version: string): "kubeadm.k8s.io/v1beta3" | "kubeadm.k8s.io/v1beta4" {
  const m = /^v?(\d+)\.(\d+)\.\d+$/.exec(version);
  if (!m) throw new Error(`expected a Kubernetes version such as 1.30.5, got ${JSON.stringify(version)}`);
  const [major, minor] = [Number(m[1]), Number(m[2])];
  return major > 1 || minor >= 31 ? "kubeadm.k8s.io/v1beta4" : "kubeadm.k8s.io/v1beta3";
}

/** The lines CAPX writes to /etc/hosts on control-plane nodes (`kubernetes` → 127.0.0.1 replaces kube-vip's old hostAliases). */
export function etcHostsCommands(hostname: string): string[] {
  return [
    'echo "::1         ipv6-localhost ipv6-loopback" >/etc/hosts',
    'echo "127.0.0.1   localhost" >>/etc/hosts',
    'echo "127.0.0.1   kubernetes" >>/etc/hosts',
    `echo "127.0.0.1   ${hostname}" >>/etc/hosts`,
  ];
}
