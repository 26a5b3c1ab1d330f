/** Failure domains of a cluster whose pools span several Prism Element clusters. */
import type { NodePoolSpec } from "../../schema/node-pool";
import type { EntityRef } from "../../schema/refs";

/** One failure domain: a Prism Element cluster and its subnets. */
export interface FailureDomain {
  name: string;
  cluster: EntityRef;
  subnets: EntityRef[];
  controlPlane: boolean;
}

/** The key of a pool's placement: its Prism Element cluster and subnets. */
export const placementKey = (p: NodePoolSpec): string => JSON.stringify([p.machine.cluster, p.machine.subnets]);

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
