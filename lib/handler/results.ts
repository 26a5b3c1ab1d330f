/**
 * Pure decisions about the rows a run prints: their order (in id order, each resource preceded by what
 * it depends on; rows of resources outside the plan — prune — last) and the action an apply shows
 * for a resource that owns nothing in Prism Central itself.
 */
import type { PlanResource } from "../schema/plan";
import type { ResourceResult } from "./types";

/**
 * The ids of `resources` in dependency order: in id order, each preceded by its dependencies (depth
 * first, in id order); deterministic, linear in resources and edges. Unknown dependencies are ignored;
 * a cycle (refused at load) cannot loop.
 */
export function dependencyOrder(resources: readonly Pick<PlanResource, "id" | "dependsOn">[]): string[] {
  const deps = new Map(resources.map((r) => [r.id, [...r.dependsOn].sort()]));
  const seen = new Set<string>();
  const out: string[] = [];
  const visit = (id: string): void => {
    if (seen.has(id) || !deps.has(id)) return;
    seen.add(id);
    for (const d of deps.get(id)!) visit(d);
    out.push(id);
  };
  for (const id of [...deps.keys()].sort()) visit(id);
  return out;
}

/** The rows in dependency order of the plan; rows of ids outside the plan keep their order, after the rest. */
export function orderRows<R extends Pick<ResourceResult, "id">>(rows: readonly R[], resources: readonly Pick<PlanResource, "id" | "dependsOn">[]): R[] {
  const rank = new Map(dependencyOrder(resources).map((id, i) => [id, i]));
  return rows
    .map((r, i) => ({ r, i, k: rank.get(r.id) ?? resources.length + i }))
    .sort((a, b) => a.k - b.k || a.i - b.i)
    .map((x) => x.r);
}

/**
 * The action an apply row shows. A resource that owns no entity in Prism Central (an account, a kube-vip
 * endpoint, a cluster's own record) plans as `no-change` even on its first apply; it shows `create`
 * when every node pool tied to it by a dependency (either way) was created in this run, i.e. the run
 * brought it into being. Rows of pools and of anything that planned a change are left as they are.
 */
export function summaryActions(rows: readonly ResourceResult[], resources: readonly Pick<PlanResource, "id" | "kind" | "dependsOn">[]): ResourceResult[] {
  const created = new Set(rows.filter((r) => r.action === "create" && r.result === "ok").map((r) => r.id));
  const byId = new Map(resources.map((r) => [r.id, r]));
  // The node pools tied to each resource by a dependency, either way.
  const tied = new Map<string, string[]>();
  const tie = (a: string, pool: string): void => void (tied.get(a) ?? tied.set(a, []).get(a)!).push(pool);
  for (const p of resources) {
    if (p.kind !== "NodePool") continue;
    for (const d of p.dependsOn) tie(d, p.id);
  }
  for (const r of resources) for (const d of r.dependsOn) if (byId.get(d)?.kind === "NodePool") tie(r.id, d);
  return rows.map((row) => {
    const res = byId.get(row.id);
    if (!res || res.kind === "NodePool" || row.action !== "no-change" || row.result !== "ok") return row;
    const pools = tied.get(row.id) ?? [];
    return pools.length > 0 && pools.every((p) => created.has(p)) ? { ...row, action: "create" } : row;
  });
}
