/**
 * Pure decisions about the rows a run prints: their order (each resource after what it depends on,
 * ties in id order, rows of resources outside the plan — prune — last) and the action an apply shows
 * for a resource that owns nothing in Prism Central itself.
 */
import type { PlanResource } from "../schema/plan";
import type { ResourceResult } from "./types";

/** The ids of `resources` in dependency order: each after its dependencies, ties in id order. */
export function dependencyOrder(resources: readonly Pick<PlanResource, "id" | "dependsOn">[]): string[] {
  const deps = new Map(resources.map((r) => [r.id, r.dependsOn.filter((d) => d !== r.id)]));
  const done = new Set<string>();
  const out: string[] = [];
  // Kahn's algorithm, always taking the smallest ready id, so the order is the same on every machine.
  const ids = [...deps.keys()].sort();
  while (out.length < ids.length) {
    const ready = ids.find((id) => !done.has(id) && deps.get(id)!.every((d) => done.has(d) || !deps.has(d)));
    // A cycle cannot reach here (plans are checked at load); take the rest in id order rather than loop.
    const next = ready ?? ids.find((id) => !done.has(id))!;
    done.add(next);
    out.push(next);
  }
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
  const byId = new Map(rows.map((r) => [r.id, r]));
  const pools = resources.filter((r) => r.kind === "NodePool");
  return rows.map((row) => {
    const res = resources.find((r) => r.id === row.id);
    if (!res || res.kind === "NodePool" || row.action !== "no-change" || row.result !== "ok") return row;
    const tied = pools.filter((p) => p.dependsOn.includes(res.id) || res.dependsOn.includes(p.id));
    const created = tied.length > 0 && tied.every((p) => byId.get(p.id)?.action === "create" && byId.get(p.id)?.result === "ok");
    return created ? { ...row, action: "create" } : row;
  });
}
