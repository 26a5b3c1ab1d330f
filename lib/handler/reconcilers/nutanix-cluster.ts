/**
 * NutanixCluster: ensures its `NpcCluster` category value exists and reports readiness from its parts:
 * every pool has exactly `replicas` VMs of this stack (pools applied in this run count by their outcome).
 */
import type { ResourceOfKind } from "../../schema/plan";
import { isDeleting, type RunContext } from "../context";
import { CATEGORY_KEYS, categoryValue } from "../ownership";
import type { FieldChange, ResourceDiff } from "../types";

type ClusterResource = ResourceOfKind<"NutanixCluster">;

/** Whether a category value exists (a read). */
export async function categoryExists(ctx: RunContext, key: string, value: string): Promise<boolean> {
  return ctx.once(`catexists:${key}\u0000${value}`, async () => (await ctx.client.getCategoryValue(key, value)) !== null);
}

/** Readiness of a cluster's pools: one line per pool that is not ready. */
export async function clusterReadiness(ctx: RunContext, cluster: ClusterResource): Promise<{ ready: boolean; lines: string[] }> {
  const lines: string[] = [];
  const inv = await ctx.inventory();
  for (const poolId of [cluster.spec.controlPlane, ...cluster.spec.workers]) {
    const pool = ctx.resource(poolId);
    if (!pool || pool.kind !== "NodePool") {
      lines.push(`pool ${poolId} is not in the plan`);
      continue;
    }
    if (ctx.applied.has(poolId)) continue;
    const n = inv.ownedByResource(ctx.stack, poolId).filter((v) => !isDeleting(v) && v.status?.state !== "PENDING").length;
    if (n !== pool.spec.replicas) lines.push(`pool ${poolId} has ${n} of ${pool.spec.replicas} VMs`);
  }
  return { ready: lines.length === 0, lines };
}

export async function planCluster(ctx: RunContext, res: ClusterResource): Promise<ResourceDiff> {
  const value = categoryValue(res.spec.name);
  const changes: FieldChange[] = [];
  if (!(await categoryExists(ctx, CATEGORY_KEYS.cluster, value))) changes.push({ field: `category ${CATEGORY_KEYS.cluster}`, to: value });
  const readiness = await clusterReadiness(ctx, res);
  const notes = readiness.ready ? ["all pools have their VMs"] : readiness.lines.map((l) => `not ready: ${l}`);
  return { id: res.id, kind: res.kind, action: changes.length > 0 ? "create" : "no-change", changes, vms: [], notes, errors: [] };
}

export async function applyCluster(ctx: RunContext, res: ClusterResource, diff: ResourceDiff): Promise<string> {
  if (diff.changes.length > 0) await ctx.ensureCategory(CATEGORY_KEYS.cluster, categoryValue(res.spec.name));
  const readiness = await clusterReadiness(ctx, res);
  if (!readiness.ready) throw new Error(`cluster ${res.spec.name} is not ready:\n${readiness.lines.map((l) => `  - ${l}`).join("\n")}`);
  return `cluster ${res.spec.name} ready (${1 + res.spec.workers.length} pools)`;
}
