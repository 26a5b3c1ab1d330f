/**
 * Readiness of a cluster from its parts: every pool has exactly `replicas` settled VMs of this stack;
 * pools applied successfully in this run count as ready by their outcome.
 */
import { isErrorEntity } from "../../prism/vm-read";
import type { ResourceOfKind } from "../../schema/plan";
import type { PlanIndex } from "../plan-index";
import { isDeleting, type Inventory } from "./inventory";

export class Readiness {
  /** Resources applied successfully in this run. */
  private readonly applied = new Set<string>();

  constructor(
    private readonly plan: PlanIndex,
    private readonly inventory: () => Promise<Inventory>,
  ) {}

  /** Records a resource applied successfully in this run. */
  markApplied(id: string): void {
    this.applied.add(id);
  }

  /** Readiness of a cluster's pools: one line per pool that is not ready. */
  async cluster(cluster: ResourceOfKind<"NutanixCluster">): Promise<{ ready: boolean; lines: string[] }> {
    const lines: string[] = [];
    const inv = await this.inventory();
    for (const poolId of [cluster.spec.controlPlane, ...cluster.spec.workers]) {
      const pool = this.plan.find(poolId, "NodePool");
      if (!pool) {
        lines.push(`pool ${poolId} is not in the plan`);
        continue;
      }
      if (this.applied.has(poolId)) continue;
      const n = inv.ownedByResource(this.plan.identity, poolId).filter((v) => !isDeleting(v) && v.status?.state !== "PENDING" && !isErrorEntity(v)).length;
      if (n !== pool.spec.replicas) lines.push(`pool ${poolId} has ${n} of ${pool.spec.replicas} VMs`);
    }
    return { ready: lines.length === 0, lines };
  }
}
