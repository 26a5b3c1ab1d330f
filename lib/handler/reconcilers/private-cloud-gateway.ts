/**
 * PrivateCloudGateway (minimal; the PCG install is another issue): ensures its `NpcPcg` category value
 * and reports readiness from its host cluster.
 */
import type { ResourceOfKind } from "../../schema/plan";
import type { RunContext } from "../context";
import { categoryValue } from "../ownership";
import type { FieldChange, ResourceDiff } from "../types";
import { categoryExists, clusterReadiness } from "./nutanix-cluster";

type PcgResource = ResourceOfKind<"PrivateCloudGateway">;

/** The category key naming a PCG. */
export const PCG_CATEGORY_KEY = "NpcPcg";

export async function planPcg(ctx: RunContext, res: PcgResource): Promise<ResourceDiff> {
  const value = categoryValue(res.spec.name);
  const changes: FieldChange[] = [];
  if (!(await categoryExists(ctx, PCG_CATEGORY_KEY, value))) changes.push({ field: `category ${PCG_CATEGORY_KEY}`, to: value });
  const notes: string[] = [];
  const host = ctx.resource(res.spec.hostCluster);
  if (host?.kind === "NutanixCluster") {
    const r = await clusterReadiness(ctx, host);
    notes.push(r.ready ? `host cluster ${host.spec.name} ready` : `host cluster not ready: ${r.lines.join("; ")}`);
  }
  notes.push("Palette registration is not done by this handler yet");
  return { id: res.id, kind: res.kind, action: changes.length > 0 ? "create" : "no-change", changes, vms: [], notes, errors: [] };
}

export async function applyPcg(ctx: RunContext, res: PcgResource, diff: ResourceDiff): Promise<string> {
  if (diff.changes.length > 0) await ctx.ensureCategory(PCG_CATEGORY_KEY, categoryValue(res.spec.name));
  const host = ctx.resource(res.spec.hostCluster);
  if (!host || host.kind !== "NutanixCluster") throw new Error(`host cluster ${res.spec.hostCluster} is not in the plan`);
  const r = await clusterReadiness(ctx, host);
  if (!r.ready) throw new Error(`host cluster ${host.spec.name} is not ready: ${r.lines.join("; ")}`);
  return `host cluster ${host.spec.name} ready`;
}
