/**
 * KubeVipEndpoint: the VIP must be inside the control-plane subnet's CIDR, not its network or broadcast
 * address, outside its IPAM pool ranges, not the gateway, and not held by a NIC of any VM this cluster
 * does not own. Every violation is reported in one message. No writes.
 */
import { PrismLookupError } from "../../prism/errors";
import type { SubnetEntity } from "../../prism/types";
import type { ResourceOfKind } from "../../schema/plan";
import { cidrContains, intToIpv4, ipv4ToInt } from "../../net/ipv4";
import { ResourceApplyError } from "../errors";
import { nameOf, type Services } from "../services";
import { CATEGORY_KEYS, categoriesOf, categoryValue, ownedByStack } from "../ownership";
import type { Planned, Reconciler } from "./types";

type EndpointResource = ResourceOfKind<"KubeVipEndpoint">;

/** The VIP rules against a subnet's IP config. */
export function checkVipAgainstSubnet(vip: string, subnet: SubnetEntity): string[] {
  const cfg = subnet.status?.resources?.ip_config ?? subnet.spec?.resources?.ip_config;
  const name = subnet.spec?.name ?? subnet.status?.name ?? subnet.metadata.uuid ?? "subnet";
  if (!cfg?.subnet_ip || cfg.prefix_length === undefined) return [`subnet ${name} has no IP configuration (IPAM) in Prism Central; cannot check the kube-vip address ${vip}`];
  const cidr = `${cfg.subnet_ip}/${cfg.prefix_length}`;
  if (!cidrContains(cidr, vip)) return [`the kube-vip address ${vip} is outside subnet ${name} (${cidr})`];
  const out: string[] = [];
  const size = 2 ** (32 - cfg.prefix_length);
  const first = Math.floor(ipv4ToInt(cfg.subnet_ip) / size) * size;
  const v = ipv4ToInt(vip);
  if (size >= 4 && (v === first || v === first + size - 1)) out.push(`the kube-vip address ${vip} is the network or broadcast address of ${cidr}`);
  if (cfg.default_gateway_ip === vip) out.push(`the kube-vip address ${vip} is the gateway of subnet ${name}`);
  if (cfg.dhcp_server_address?.ip === vip) out.push(`the kube-vip address ${vip} is the DHCP server address of subnet ${name}`);
  for (const p of cfg.pool_list ?? []) {
    const [a, b] = p.range.trim().split(/[\s-]+/);
    if (!a || !b) continue;
    if (v >= ipv4ToInt(a) && v <= ipv4ToInt(b)) out.push(`the kube-vip address ${vip} is inside the IPAM pool ${intToIpv4(ipv4ToInt(a))}–${intToIpv4(ipv4ToInt(b))} of subnet ${name} (Prism would hand it to a VM)`);
  }
  return out;
}

async function planEndpoint(s: Services, res: EndpointResource): Promise<Planned> {
  const spec = res.spec;
  const errors: string[] = [];
  const notes: string[] = [];
  if (spec.subnet) {
    try {
      let peUuid: string | undefined;
      if (spec.peCluster) peUuid = (await s.lookups.resolveCluster(spec.peCluster)).uuid;
      const subnet = await s.lookups.resolveSubnet(spec.subnet, peUuid);
      errors.push(...checkVipAgainstSubnet(spec.address, subnet.entity));
      const cfg = subnet.entity.status?.resources?.ip_config ?? subnet.entity.spec?.resources?.ip_config;
      notes.push(`subnet ${subnet.name} ${cfg?.subnet_ip ?? "?"}/${cfg?.prefix_length ?? "?"}`);
    } catch (e) {
      if (!(e instanceof PrismLookupError)) throw e;
      errors.push(...e.issues.map((i) => i.message));
    }
  } else {
    notes.push("no subnet named: only the NIC check runs");
  }
  const inv = await s.inventory();
  const clusterValue = categoryValue(spec.clusterName);
  for (const vm of inv.all) {
    const ours = ownedByStack(vm, s.identity) && categoriesOf(vm)[CATEGORY_KEYS.cluster] === clusterValue;
    if (ours) continue;
    const nics = vm.status?.resources?.nic_list ?? vm.spec?.resources?.nic_list ?? [];
    if (nics.some((n) => (n.ip_endpoint_list ?? []).some((ip) => ip.ip === spec.address))) {
      errors.push(`the kube-vip address ${spec.address} is held by a NIC of VM ${nameOf(vm)} (${vm.metadata.uuid}), which cluster ${spec.clusterName} does not own`);
    }
  }
  notes.push(`VIP ${spec.address}:${spec.port} (${spec.mode})`);
  return { diff: { id: res.id, kind: res.kind, action: "no-change", changes: [], vms: [], notes, errors } };
}

export const endpointReconciler: Reconciler<EndpointResource> = {
  plan: planEndpoint,
  apply(_s, res, { diff }) {
    if (diff.errors.length > 0) {
      return Promise.reject(new ResourceApplyError([`kube-vip address ${res.spec.address} rejected:\n${diff.errors.map((e) => `  - ${e}`).join("\n")}`]));
    }
    return Promise.resolve({ detail: diff.notes.join("; ") });
  },
};
