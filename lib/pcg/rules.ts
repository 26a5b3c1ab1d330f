/**
 * Palette's Private Cloud Gateway requirements, checked on a plan before anything is deployed:
 * host cluster node sizing and node counts, IP addresses against the node subnet's IPAM pool,
 * supported Kubernetes versions, the gateway's account, and the proxy's no-proxy list.
 *
 * Source: Palette's "Deploy a PCG to an Existing Kubernetes Cluster" (spectrocloud/librarium,
 * docs/docs-content/clusters/pcg/deploy-pcg-k8s.md).
 * Pure functions; every problem is returned, none thrown.
 */
import { cidrRange, ipv4ToInt } from "../net/ipv4";
import { PCG_MIN_NODE_DISK_GIB, PCG_MIN_NODE_MEMORY_MIB, PCG_MIN_NODE_VCPUS } from "../schema/pcg";
import type { Plan, ResourceOfKind } from "../schema/plan";
import type { ValidationIssue } from "../schema/validation";
import { hostNodeCounts, resolvePcg, type PcgContext } from "./context";
import { entryCovers, hostTarget, parseNoProxyEntry, type NoProxyTarget } from "./no-proxy";

/**
 * Kubernetes minor versions we accept for a PCG host cluster, inclusive.
 *
 * This is OUR choice: Palette's PCG pages state no supported range for a self-hosted PCG on an
 * existing cluster. 1.28–1.33 are the minors Palette's own Kubernetes packs covered when this was
 * written; widen it when Palette documents more.
 */
export const PCG_SUPPORTED_KUBERNETES = Object.freeze({ min: "1.28", max: "1.33" } as const);

/** Extra addresses Palette asks for on top of one per node: one for a repave (rolling replacement). */
export const PCG_REPAVE_ADDRESSES = 1;

function minorOf(version: string): { major: number; minor: number } {
  const [major, minor] = version.split(".").map(Number);
  return { major: major ?? Number.NaN, minor: minor ?? Number.NaN };
}

/** Whether a Kubernetes version (`1.30.5` or `v1.30.5`) lies in {@link PCG_SUPPORTED_KUBERNETES}. */
export function isPcgSupportedKubernetes(version: string): boolean {
  const v = minorOf(version.replace(/^v/, ""));
  const lo = minorOf(PCG_SUPPORTED_KUBERNETES.min);
  const hi = minorOf(PCG_SUPPORTED_KUBERNETES.max);
  return v.major === lo.major && v.minor >= lo.minor && v.minor <= hi.minor;
}

/**
 * The number of addresses of an IPAM pool a VM can get: the union of the ranges, clipped to the
 * subnet, without the network and broadcast addresses, the gateway and any `reserved` address
 * (such as a kube-vip VIP wrongly placed inside the pool).
 */
export function ipPoolSize(net: { cidr: string; gateway?: string | undefined; ipPool: readonly { start: string; end: string }[] }, reserved: readonly string[] = []): number {
  const subnet = cidrRange(net.cidr);
  const size = subnet.last - subnet.first + 1;
  const lo = size >= 4 ? subnet.first + 1 : subnet.first;
  const hi = size >= 4 ? subnet.last - 1 : subnet.last;
  const ranges = net.ipPool
    .map((r) => ({ first: Math.max(ipv4ToInt(r.start), lo), last: Math.min(ipv4ToInt(r.end), hi) }))
    .filter((r) => r.first <= r.last)
    .sort((a, b) => a.first - b.first);
  const merged: { first: number; last: number }[] = [];
  for (const r of ranges) {
    const top = merged[merged.length - 1];
    if (top && r.first <= top.last + 1) top.last = Math.max(top.last, r.last);
    else merged.push({ ...r });
  }
  const inPool = (v: number) => merged.some((r) => v >= r.first && v <= r.last);
  let count = merged.reduce((n, r) => n + (r.last - r.first + 1), 0);
  const excluded = new Set([...(net.gateway ? [net.gateway] : []), ...reserved].map(ipv4ToInt));
  for (const v of excluded) if (inPool(v)) count -= 1;
  return count;
}

/** One item a PCG's no-proxy list must cover. */
export interface RequiredNoProxyItem {
  /** What it is, for messages. */
  readonly what: string;
  /** The exact string to add to `noProxy`. */
  readonly entry: string;
  /** How coverage is tested. */
  readonly target: NoProxyTarget;
}

function requiredNoProxyItems(ctx: PcgContext): RequiredNoProxyItem[] {
  const out: RequiredNoProxyItem[] = [];
  if (ctx.account) {
    const { host, port } = ctx.account.spec.endpoint;
    out.push({ what: `the Prism Central address ${host}`, entry: host, target: hostTarget(host, port) });
  }
  if (ctx.endpoint) {
    const { address, port } = ctx.endpoint.spec;
    out.push({ what: `the host cluster's kube-vip address ${address}`, entry: address, target: { kind: "ip", ip: address, port } });
  }
  if (ctx.host) {
    out.push({ what: `the host cluster's pod CIDR ${ctx.host.spec.podCidr}`, entry: ctx.host.spec.podCidr, target: { kind: "cidr", cidr: ctx.host.spec.podCidr } });
    out.push({ what: `the host cluster's service CIDR ${ctx.host.spec.serviceCidr}`, entry: ctx.host.spec.serviceCidr, target: { kind: "cidr", cidr: ctx.host.spec.serviceCidr } });
  }
  return out;
}

/**
 * The no-proxy entries a PCG needs when a proxy is set, in this order: the Prism Central host,
 * the host cluster's kube-vip address, its pod CIDR and its service CIDR. Setting exactly these (or
 * entries that cover them) satisfies {@link pcgRules}. Returns `[]` when the PCG is not in the plan.
 */
export function requiredNoProxy(plan: Plan, pcgId: string): string[] {
  const { ctx } = resolvePcg(plan, pcgId);
  return ctx ? [...new Set(requiredNoProxyItems(ctx).map((i) => i.entry))] : [];
}

/**
 * Entries we recommend on top of {@link requiredNoProxy}: loopback and in-cluster names (the API
 * server calls webhooks by `*.svc` names), and the node subnet when the plan knows it. Not checked
 * by the rules; the bundle's README lists the ones missing.
 */
export function recommendedNoProxy(plan: Plan, pcgId: string): string[] {
  const { ctx } = resolvePcg(plan, pcgId);
  if (!ctx) return [];
  const net = ctx.host?.spec.nodeNetwork ? [ctx.host.spec.nodeNetwork.cidr] : [];
  return [...new Set([...requiredNoProxy(plan, pcgId), ...net, "localhost", "127.0.0.1", ".svc", ".cluster.local"])];
}

const gib = (mib: number) => `${Number((mib / 1024).toFixed(2))} GiB`;

function poolSizingIssues(pcgName: string, pool: ResourceOfKind<"NodePool">): ValidationIssue[] {
  const m = pool.spec.machine;
  const vcpus = m.vcpuSockets * m.vcpusPerSocket;
  const out: ValidationIssue[] = [];
  const who = `every node of a Private Cloud Gateway host cluster (gateway '${pcgName}', Palette minimum)`;
  if (vcpus < PCG_MIN_NODE_VCPUS) {
    out.push({ path: pool.id, field: "machine", message: `expected ≥ ${PCG_MIN_NODE_VCPUS} vCPUs (vcpuSockets × vcpusPerSocket) on ${who}, got ${vcpus} (${m.vcpuSockets} × ${m.vcpusPerSocket})` });
  }
  if (m.memoryMiB < PCG_MIN_NODE_MEMORY_MIB) {
    out.push({ path: pool.id, field: "machine.memoryMiB", message: `expected ≥ ${PCG_MIN_NODE_MEMORY_MIB} MiB of memory on ${who}, got ${m.memoryMiB} MiB` });
  }
  if (m.systemDiskMiB < PCG_MIN_NODE_DISK_GIB * 1024) {
    out.push({ path: pool.id, field: "machine.systemDiskMiB", message: `expected a system disk ≥ ${PCG_MIN_NODE_DISK_GIB} GiB on ${who}, got ${gib(m.systemDiskMiB)}` });
  }
  return out;
}

function nodeCountIssues(ctx: PcgContext & { host: ResourceOfKind<"NutanixCluster"> }): ValidationIssue[] {
  const n = hostNodeCounts(ctx.pools);
  const out: ValidationIssue[] = [];
  const name = ctx.pcg.spec.name;
  if (n.controlPlane < 1) {
    out.push({ path: ctx.host.id, field: "controlPlane", message: `expected ≥ 1 control-plane node on the host cluster of Private Cloud Gateway '${name}' (Palette minimum), got ${n.controlPlane}` });
  }
  if (n.workersMin < 1) {
    const scaled = n.workersMin !== n.workers ? ` (${n.workers} now, but autoscaling may go down to ${n.workersMin})` : "";
    out.push({ path: ctx.host.id, field: "workers", message: `expected ≥ 1 worker node on the host cluster of Private Cloud Gateway '${name}' (Palette minimum), got ${n.workersMin}${scaled}` });
  }
  return out;
}

function addressIssues(ctx: PcgContext & { host: ResourceOfKind<"NutanixCluster"> }, knownFreeIps: number | undefined): ValidationIssue[] {
  const net = ctx.host.spec.nodeNetwork;
  if (knownFreeIps === undefined && (!net || net.ipPool.length === 0)) return [];
  const n = hostNodeCounts(ctx.pools);
  const nodes = n.controlPlane + n.workersMax;
  const needed = nodes + PCG_REPAVE_ADDRESSES;
  const vip = ctx.endpoint?.spec.address;
  const free = knownFreeIps ?? ipPoolSize(net!, vip ? [vip] : []);
  if (free >= needed) return [];
  const source = knownFreeIps !== undefined ? "as Prism Central reports it" : `per the plan: ${net!.ipPool.map((r) => `${r.start}–${r.end}`).join(", ")}`;
  const vipNote = vip ? `; the VIP ${vip} is the +1 that lives outside the pool` : "";
  return [{
    path: ctx.host.id,
    field: "nodeNetwork.ipPool",
    message: `expected ≥ ${needed} free addresses in the node subnet's IPAM pool for Private Cloud Gateway '${ctx.pcg.spec.name}' (Palette: 1 per node + ${PCG_REPAVE_ADDRESSES} for repave + 1 VIP = ${nodes} + ${PCG_REPAVE_ADDRESSES} from the pool${vipNote}), got ${free} free ${source}`,
  }];
}

function versionIssues(ctx: PcgContext & { host: ResourceOfKind<"NutanixCluster"> }): ValidationIssue[] {
  const range = `${PCG_SUPPORTED_KUBERNETES.min}–${PCG_SUPPORTED_KUBERNETES.max}`;
  const msg = (v: string) => `expected a Kubernetes version in ${range} for a Private Cloud Gateway host cluster (gateway '${ctx.pcg.spec.name}'), got ${v}`;
  const out: ValidationIssue[] = [];
  if (!isPcgSupportedKubernetes(ctx.host.spec.kubernetesVersion)) out.push({ path: ctx.host.id, field: "kubernetesVersion", message: msg(ctx.host.spec.kubernetesVersion) });
  for (const p of ctx.pools) {
    if (p.spec.kubernetesVersion !== ctx.host.spec.kubernetesVersion && !isPcgSupportedKubernetes(p.spec.kubernetesVersion)) {
      out.push({ path: p.id, field: "kubernetesVersion", message: msg(p.spec.kubernetesVersion) });
    }
  }
  return out;
}

function hasCredentials(url: string): boolean {
  try {
    const u = new URL(url);
    return u.username !== "" || u.password !== "";
  } catch {
    return false;
  }
}

function proxyIssues(ctx: PcgContext): ValidationIssue[] {
  const proxy = ctx.pcg.spec.proxy;
  if (!proxy) return [];
  const id = ctx.pcg.id;
  const out: ValidationIssue[] = [];
  if (!proxy.httpProxy && !proxy.httpsProxy) {
    out.push({ path: id, field: "proxy", message: "expected httpProxy or httpsProxy when proxy settings are given, got neither: remove proxy or set a proxy URL" });
    return out;
  }
  for (const field of ["httpProxy", "httpsProxy"] as const) {
    const url = proxy[field];
    if (url && hasCredentials(url)) {
      out.push({ path: id, field: `proxy.${field}`, message: "expected a proxy URL without user:password (a plan holds references to secrets, never secrets): use a proxy that authenticates the network, or add the credentials on the host outside the plan" });
    }
  }
  const entries = proxy.noProxy.map(parseNoProxyEntry);
  entries.forEach((e, i) => {
    if (e.kind === "invalid") out.push({ path: id, field: `proxy.noProxy[${i}]`, message: e.reason });
  });
  for (const item of requiredNoProxyItems(ctx)) {
    if (!entries.some((e) => entryCovers(e, item.target))) {
      const how = item.target.kind === "host" ? "exactly, or by a domain suffix such as .example.com" : "exactly, or by a CIDR that contains it";
      out.push({ path: id, field: "proxy.noProxy", message: `expected noProxy to cover ${item.what} (${how}) so that traffic does not go through the proxy: add ${JSON.stringify(item.entry)}` });
    }
  }
  return out;
}

/**
 * Every Palette PCG requirement that the plan can show, for the PrivateCloudGateway `pcgId`.
 * Each issue names the resource and field to change:
 *
 * - every node of every host cluster pool: ≥ 4 vCPUs (sockets × per socket), ≥ 4096 MiB, ≥ 60 GiB disk;
 * - ≥ 1 control-plane node and ≥ 1 worker node (the autoscaling floor counts);
 * - free addresses of the node subnet's IPAM pool ≥ nodes (autoscaling ceiling) + 1 for repave; the
 *   VIP, the "+1 VIP" of Palette's rule, must lie outside the pool and is checked elsewhere.
 *   `knownFreeIps` (what Prism Central reports) replaces the count from the plan's ranges;
 * - the host cluster's Kubernetes version in {@link PCG_SUPPORTED_KUBERNETES};
 * - the gateway's account is the host cluster's account;
 * - with a proxy: a proxy URL, no credentials in it, well-formed noProxy entries, and noProxy covering
 *   the PC host, the VIP, the pod CIDR and the service CIDR (each missing one named with the exact entry to add).
 *
 * @param knownFreeIps free addresses of the node subnet's IPAM pool as Prism Central reports them,
 *   before the host cluster's VMs exist; replaces the count from the plan's ranges.
 * @throws RangeError when `knownFreeIps` is not a whole number ≥ 0.
 */
export function pcgRules(plan: Plan, pcgId: string, knownFreeIps?: number): ValidationIssue[] {
  if (knownFreeIps !== undefined && !(Number.isInteger(knownFreeIps) && knownFreeIps >= 0)) {
    throw new RangeError(`knownFreeIps must be a whole number ≥ 0, got ${knownFreeIps}`);
  }
  const { ctx, issues } = resolvePcg(plan, pcgId);
  if (!ctx) return issues;
  const out = [...issues];
  const host = ctx.host;
  if (host) {
    if (ctx.account && host.spec.account !== ctx.pcg.spec.account) {
      out.push({ path: pcgId, field: "account", message: `expected the host cluster's account ${host.spec.account}, got ${ctx.pcg.spec.account}: a gateway serves the Prism Central its host cluster runs in` });
    }
    const withHost = { ...ctx, host };
    out.push(...nodeCountIssues(withHost));
    for (const p of ctx.pools) out.push(...poolSizingIssues(ctx.pcg.spec.name, p));
    out.push(...addressIssues(withHost, knownFreeIps));
    out.push(...versionIssues(withHost));
  }
  out.push(...proxyIssues(ctx));
  return out;
}
