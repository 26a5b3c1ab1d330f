/**
 * The resources of a plan indexed by id and by kind: what every cross-resource rule reads.
 */
import type { PlanResource, ResourceKind, ResourceOfKind } from "../schema/plan";

/** Resources of a plan indexed by id and kind. */
export class PlanIndex {
  /** Every resource by id. */
  readonly byId = new Map<string, PlanResource>();

  constructor(readonly resources: readonly PlanResource[]) {
    for (const r of resources) this.byId.set(r.id, r);
  }

  /** Every resource of `kind`, in plan order. */
  all<K extends ResourceKind>(kind: K): ResourceOfKind<K>[] {
    return this.resources.filter((r): r is ResourceOfKind<K> => r.kind === kind);
  }

  /** The resource `id` when it is of `kind`, else undefined. */
  get<K extends ResourceKind>(kind: K, id: string): ResourceOfKind<K> | undefined {
    const r = this.byId.get(id);
    return r && r.kind === kind ? (r as ResourceOfKind<K>) : undefined;
  }
}
