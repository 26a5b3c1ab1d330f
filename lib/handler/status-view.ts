/**
 * `nutanix-handler status`, the pure part: from the plan and the VMs the stack owns in Prism Central,
 * the clusters, their pools (wanted replicas against VMs found) and each VM's power state and IPs.
 * VM fields come from the v3 `status` (what Prism Central observed), falling back to `spec`
 * (Prism Central v3 API reference, `vms` entity: `status.resources.power_state`,
 * `status.resources.nic_list[].ip_endpoint_list[].ip`).
 */
import type { VmEntity } from "../prism/types";
import type { Plan } from "../schema/plan";
import { CATEGORY_KEYS, categoriesOf, resourceHash, resourceHashOf } from "./ownership";
import { formatTable } from "./progress";
import { nameOf } from "./services/inventory";

/** One VM as status shows it. */
export interface StatusVm {
  readonly name: string;
  readonly uuid: string;
  /** `ON`, `OFF`, `PAUSED`, `UNKNOWN`, or `unknown` when Prism Central reports none. */
  readonly power: string;
  /** The entity state (`COMPLETE`, `PENDING`, `DELETE_PENDING`, …), or `unknown`. */
  readonly state: string;
  readonly ips: readonly string[];
}

/** One node pool: what the plan wants and the VMs found. */
export interface StatusPool {
  /** The plan resource id, or the resource hash of VMs whose resource is no longer in the plan. */
  readonly id: string;
  readonly name: string;
  /** Replicas in the plan; undefined for a pool no longer in the plan. */
  readonly wanted?: number;
  readonly vms: readonly StatusVm[];
}

/** One cluster and its pools. */
export interface StatusCluster {
  readonly name: string;
  /** The plan resource id; undefined for a cluster only Prism Central still knows. */
  readonly id?: string;
  readonly pools: readonly StatusPool[];
}

/** What `status` reports. */
export interface StatusView {
  readonly stack: string;
  readonly clusters: readonly StatusCluster[];
  readonly vmCount: number;
}

function vmOf(vm: VmEntity): StatusVm {
  const res = vm.status?.resources ?? vm.spec?.resources;
  const ips = (res?.nic_list ?? []).flatMap((n) => (n.ip_endpoint_list ?? []).map((e) => e.ip)).filter((ip): ip is string => typeof ip === "string");
  return { name: nameOf(vm), uuid: vm.metadata.uuid ?? "", power: res?.power_state ?? "unknown", state: vm.status?.state ?? "unknown", ips };
}

const byName = <T extends { name: string }>(a: T, b: T): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Builds the view (deterministic: clusters, pools and VMs sorted by name). */
export function statusView(plan: Plan, owned: readonly VmEntity[]): StatusView {
  const clusters = new Map<string, { id?: string; pools: Map<string, { id: string; name: string; wanted?: number; vms: StatusVm[] }> }>();
  const cluster = (name: string) => {
    let c = clusters.get(name);
    if (!c) clusters.set(name, (c = { pools: new Map() }));
    return c;
  };
  for (const c of plan.resources) if (c.kind === "NutanixCluster") cluster(c.spec.name).id = c.id;
  for (const p of plan.resources) {
    if (p.kind === "NodePool") cluster(p.spec.clusterName).pools.set(resourceHash(p.id), { id: p.id, name: p.spec.name, wanted: p.spec.replicas, vms: [] });
  }
  for (const vm of owned) {
    const cats = categoriesOf(vm);
    const hash = resourceHashOf(vm) ?? "";
    const c = cluster(cats[CATEGORY_KEYS.cluster] ?? "(no cluster)");
    let pool = c.pools.get(hash);
    if (!pool) c.pools.set(hash, (pool = { id: hash, name: cats[CATEGORY_KEYS.pool] ?? "(no pool)", vms: [] }));
    pool.vms.push(vmOf(vm));
  }
  const out: StatusCluster[] = [...clusters].map(([name, c]) => ({
    name,
    ...(c.id !== undefined ? { id: c.id } : {}),
    pools: [...c.pools.values()].map((p) => ({ ...p, vms: [...p.vms].sort(byName) })).sort(byName),
  }));
  return { stack: plan.metadata.stack, clusters: out.sort(byName), vmCount: owned.length };
}

/** The view as a table: one row per VM, and one per pool without VMs. */
export function formatStatus(v: StatusView): string {
  const rows: string[][] = [];
  for (const c of v.clusters) {
    for (const p of c.pools) {
      const want = p.wanted === undefined ? "not in plan" : `${p.vms.length}/${p.wanted}`;
      if (p.vms.length === 0) rows.push([c.name, p.name, want, "-", "-", "-", "-"]);
      for (const vm of p.vms) rows.push([c.name, p.name, want, vm.name, vm.power, vm.state, vm.ips.join(",") || "-"]);
    }
    if (c.pools.length === 0) rows.push([c.name, "-", "-", "-", "-", "-", "-"]);
  }
  const table = formatTable(["CLUSTER", "POOL", "VMS", "VM", "POWER", "STATE", "IPS"], rows);
  return `${table}\nstack ${v.stack}: ${v.clusters.length} cluster(s), ${v.vmCount} VM(s) owned in Prism Central`;
}
