/**
 * The plan as the handler reads it: resources by id, and "the resources of kind K" (typed), built once.
 * Every place in the handler that looks a resource up by id or filters by kind goes through here.
 */
import type { Plan, PlanResource, ResourceKind, ResourceOfKind } from "../schema/plan";
import { PlanReferenceError } from "./errors";
import { stackIdentity } from "./ownership";

export class PlanIndex {
  readonly stack: string;
  /** The stack identity `<project>/<stack>` (ownership.ts `stackIdentity`). */
  readonly identity: string;
  private readonly byId = new Map<string, PlanResource>();
  private readonly byKind = new Map<ResourceKind, readonly PlanResource[]>();

  constructor(readonly plan: Plan) {
    this.stack = plan.metadata.stack;
    this.identity = stackIdentity(plan);
    for (const r of plan.resources) {
      this.byId.set(r.id, r);
      this.byKind.set(r.kind, [...(this.byKind.get(r.kind) ?? []), r]);
    }
  }

  /** Every resource, in plan order (sorted by id). */
  get resources(): readonly PlanResource[] {
    return this.plan.resources;
  }

  /** A resource by id. */
  get(id: string): PlanResource | undefined {
    return this.byId.get(id);
  }

  /** The resources of one kind, in plan order. */
  ofKind<K extends ResourceKind>(kind: K): ReadonlyArray<ResourceOfKind<K>> {
    return (this.byKind.get(kind) ?? []).filter((r): r is ResourceOfKind<K> => r.kind === kind);
  }

  /** The resources of several kinds, in plan order (sorted by id). */
  ofKinds<K extends ResourceKind>(kinds: readonly K[]): Array<ResourceOfKind<K>> {
    const wanted = new Set<ResourceKind>(kinds);
    return this.plan.resources.filter((r): r is ResourceOfKind<K> => wanted.has(r.kind));
  }

  /** A resource by id when it is of this kind. */
  find<K extends ResourceKind>(id: string, kind: K): ResourceOfKind<K> | undefined {
    const r = this.byId.get(id);
    const ofKind = (x: PlanResource | undefined): x is ResourceOfKind<K> => x !== undefined && x.kind === kind;
    return ofKind(r) ? r : undefined;
  }

  /** A resource by id and kind, or a PlanReferenceError naming who refers to it. */
  require<K extends ResourceKind>(id: string, kind: K, from: string): ResourceOfKind<K> {
    const r = this.find(id, kind);
    if (!r) throw new PlanReferenceError(from, id, kind);
    return r;
  }
}
