/**
 * KubeVipEndpoint: the VIP must be inside the control-plane subnet's CIDR, not its network or broadcast
 * address, outside its IPAM pool ranges, not the gateway, not held by a NIC of any VM this cluster
 * does not own, not claimed in Prism Central by another stack (vip-claims.ts), and not moved away from the
 * endpoint a live cluster's VMs were built with (kube/endpoint-guard.ts). Every violation is
 * reported in one message, before any write. apply writes the claim (the endpoint's only write; the
 * pools, which depend on the endpoint, write VMs only after it), destroy releases it.
 */
import { PrismLookupError } from "../../prism/errors";
import type { SubnetEntity } from "../../prism/types";
import type { ResourceOfKind } from "../../schema/plan";
import { cidrContains, intToIpv4, ipv4ToInt } from "../../net/ipv4";
import { ResourceApplyError } from "../errors";
import { nameOf, type Services } from "../services";
import { CATEGORY_KEYS, categoriesOf, categoryValue, ownedByStack } from "../ownership";
import type { FieldChange } from "../types";
import { ANY_SUBNET, claimValue, decideClaim, ownerText, stackIdentity, staleClaims, VIP_CLAIM_KEY, type ClaimDecision, type VipClaim } from "../vip-claims";
import { listClaims, releaseClaims, writeClaim } from "../vip-claims-store";
import { endpointGuard } from "../kube/endpoint-guard";
import type { Planned, Reconciler } from "./types";

type EndpointResource = ResourceOfKind<"KubeVipEndpoint">;

/** What the endpoint's plan hands to its apply: the claim of its address. */
export interface EndpointPlanned extends Planned {
  /** Undefined when the subnet could not be resolved (`diff.errors` says why; apply refuses). */
  readonly claim?: { readonly value: string; readonly record: VipClaim; readonly decision: ClaimDecision; readonly stale: readonly string[]; readonly keyExists: boolean };
}

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

/** The claim of the endpoint's address on `subnet`: what Prism Central holds and what apply will do. */
async function planClaim(s: Services, res: EndpointResource, subnet: string, out: { errors: string[]; notes: string[]; changes: FieldChange[] }): Promise<EndpointPlanned["claim"]> {
  const record: VipClaim = { address: res.spec.address, subnet, stack: stackIdentity(s), resource: res.id };
  const value = claimValue(subnet, record.address);
  const { keyExists, claims: listed } = await listClaims(s);
  const decision = decideClaim(record, listed.find((l) => l.value === value), new Set(s.plan.resources.map((r) => r.id)));
  const field = `claim ${VIP_CLAIM_KEY}:${value}`;
  if (decision.action === "refuse") out.errors.push(decision.reason);
  else if (decision.action === "keep") out.notes.push(`${field}: held by this stack`);
  else if (decision.action === "claim") out.changes.push({ field, to: ownerText(record) });
  else out.changes.push({ field, from: ownerText({ stack: record.stack, resource: decision.from }), to: ownerText(record) });
  const stale = staleClaims(listed, record, value).map((l) => l.value);
  for (const v of stale) out.changes.push({ field: `claim ${VIP_CLAIM_KEY}:${v}`, from: ownerText(record), to: "released (the address or subnet changed)" });
  return { value, record, decision, stale, keyExists };
}

async function planEndpoint(s: Services, res: EndpointResource): Promise<EndpointPlanned> {
  const spec = res.spec;
  const errors: string[] = [];
  const notes: string[] = [];
  const changes: FieldChange[] = [];
  let subnetUuid: string | undefined = spec.subnet ? undefined : ANY_SUBNET;
  if (spec.subnet) {
    try {
      let peUuid: string | undefined;
      if (spec.peCluster) peUuid = (await s.lookups.resolveCluster(spec.peCluster)).uuid;
      const subnet = await s.lookups.resolveSubnet(spec.subnet, peUuid);
      subnetUuid = subnet.uuid;
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
  const cluster = s.plan.ofKind("NutanixCluster").find((c) => c.spec.endpoint === res.id);
  const moved = cluster ? await endpointGuard(s, cluster) : undefined;
  if (moved) errors.push(moved);
  const claim = subnetUuid ? await planClaim(s, res, subnetUuid, { errors, notes, changes }) : undefined;
  const action = changes.length === 0 ? "no-change" : claim?.decision.action === "claim" ? "create" : "update";
  return { diff: { id: res.id, kind: res.kind, action, changes, vms: [], notes, errors }, ...(claim ? { claim } : {}) };
}

/** Writes (or keeps) the claim and releases the endpoint's stale claims; refuses when plan found problems. */
async function applyEndpoint(s: Services, res: EndpointResource, { diff, claim }: EndpointPlanned): Promise<string> {
  if (diff.errors.length > 0 || !claim) {
    throw new ResourceApplyError([`kube-vip address ${res.spec.address} rejected (nothing written):\n${diff.errors.map((e) => `  - ${e}`).join("\n")}`]);
  }
  const done: string[] = [];
  const d = claim.decision;
  if (d.action === "claim" || d.action === "take-over") {
    await writeClaim(s, claim.value, claim.record, claim.keyExists, d.action === "take-over" ? d.from : undefined);
    done.push(`claimed ${VIP_CLAIM_KEY}:${claim.value}${d.action === "take-over" ? ` (taken over from ${d.from})` : ""}`);
  }
  if (claim.stale.length > 0) {
    const released = await releaseClaims(s, claim.record, claim.value);
    if (released.length > 0) done.push(`released ${released.map((v) => `${VIP_CLAIM_KEY}:${v}`).join(", ")}`);
  }
  return [...done, ...diff.notes].join("; ");
}

export const endpointReconciler: Reconciler<EndpointResource, EndpointPlanned> = {
  plan: planEndpoint,
  apply: async (s, res, planned) => ({ detail: await applyEndpoint(s, res, planned) }),
  // The claim's writes are category PUTs through the Prism client: its re-read goes out while the record settles.
  writesOnlyThroughPrism: true,
  /** Releases every claim this endpoint holds (re-read before each delete; another owner's is never touched). */
  async destroy(s, res) {
    try {
      const released = await releaseClaims(s, { stack: stackIdentity(s), resource: res.id });
      return { ok: true, text: released.length === 0 ? "no kube-vip claim to release" : `released ${released.map((v) => `${VIP_CLAIM_KEY}:${v}`).join(", ")}` };
    } catch (e) {
      return { ok: false, text: `releasing the kube-vip claim of ${res.spec.address}: ${e instanceof Error ? e.message : String(e)}` };
    }
  },
};
