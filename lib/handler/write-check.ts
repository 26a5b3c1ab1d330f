/**
 * Whether a run is going to write, found with reads only, before the run takes the Prism Central lock
 * record (lock/run.ts): a converged re-apply, and a destroy of nothing, never touch the record, so they
 * make no write at all (issue 12: "a converged re-apply makes 0 writes").
 *
 * An apply writes when: a VM of the scope made before stack identities is to be adopted (adopt.ts); a
 * resource whose dependencies plan without failure has a diff that is not "no-change"; such a resource
 * with a "no-change" diff lacks its applied-generation record (applied.ts); prune has VMs or kube-vip
 * claims to delete. A resource whose plan fails (or that depends on one) writes nothing: apply fails
 * (or skips) it the same way. Any read that fails counts as "going to write", so the run takes the
 * record and the normal apply reports the failure.
 *
 * The check only decides whether to take the record: when it says "write", the apply starts again in a
 * fresh session under the record, so every decision that writes is made from reads taken under the lock.
 */
import type { PlanResource } from "../schema/plan";
import { adoptLegacy, ADOPTED } from "./adopt";
import { readApplied } from "./applied";
import { orphansDestroyedWith, ownedGroups, orphanGroups } from "./destroy";
import { errorMessage } from "./errors";
import { resourceHash } from "./ownership";
import { planResource, type Planned } from "./reconcilers";
import { runGraph, type NodeOutcome } from "./scheduler";
import { groupByServices, servicesOfId, type RunServices } from "./services";
import { stackIdentity } from "./vip-claims";
import { listClaims } from "./vip-claims-store";

/** What the read-only check of an apply found. */
export interface ApplyCheck {
  /** Why the run is going to write; empty when it is not. */
  readonly reasons: readonly string[];
  /** Each resource's plan (its outcome in dependency order), for the converged run to apply. */
  readonly outcomes: ReadonlyMap<string, NodeOutcome<Planned>>;
}

/**
 * A plan whose diff has errors: apply fails that resource without a write (every reconciler whose plan
 * reports errors rejects them first thing in its apply: reconcilers/*.ts), so in the check it fails too
 * and what depends on it is skipped.
 */
export class FailedPlan extends Error {
  constructor(readonly planned: Planned) {
    super(planned.diff.errors.join("\n"));
    this.name = "FailedPlan";
  }
}

/** Pure: why a planned resource writes, or undefined when it does not (`applied`: its recorded generation). */
export function plannedWrite(res: PlanResource, p: Planned, applied: string | undefined): string | undefined {
  const d = p.diff;
  if (d.errors.length > 0) return undefined; // apply rejects it before any write (FailedPlan)
  if (d.action !== "no-change" || d.vms.length > 0 || d.changes.length > 0) return `${res.id}: ${d.action}`;
  if (applied !== res.generation) return `${res.id}: its applied generation is not recorded yet`;
  return undefined;
}

/**
 * The read-only check of an apply of `scope` (prune: whether the run prunes), each resource on its own
 * account. `onWrite` is told once, at the first reason to write, while the check goes on (applyPlan starts
 * taking the lock record then).
 */
export async function checkApply(run: RunServices, scope: readonly PlanResource[], prune: boolean, onWrite?: () => void): Promise<ApplyCheck> {
  const reasons: string[] = [];
  const push = (why: string): void => {
    reasons.push(why);
    if (reasons.length === 1) onWrite?.();
  };
  for (const g of groupByServices(run, scope)) {
    try {
      for (const line of await adoptLegacy(g.services, g.resources, false)) if (line.includes(ADOPTED)) push(line);
    } catch (e) {
      push(`adopting VMs made before stack identities: ${errorMessage(e)}`);
    }
  }
  const outcomes = await runGraph(scope, async (r) => {
    const s = run.servicesOf(r);
    const p = await planResource(s, r);
    const applied = p.diff.errors.length === 0 && p.diff.action === "no-change" ? await readApplied(s.client, s.identity, r.id) : undefined;
    const why = plannedWrite(r, p, applied);
    if (why) push(why);
    else if (p.diff.errors.length > 0) throw new FailedPlan(p);
    return p;
  });
  if (prune) {
    for (const s of run.sites) {
      try {
        const orphans = await orphanGroups(s);
        if (orphans.length > 0) push(`prune: ${orphans.map((g) => g.id).join(", ")}`);
        const stack = stackIdentity(s);
        const ids = new Set(s.plan.resources.map((r) => r.id));
        const claims = (await listClaims(s)).claims.filter((l) => l.claim?.stack === stack && !ids.has(l.claim.resource));
        if (claims.length > 0) push(`prune: kube-vip claims of ${[...new Set(claims.map((l) => l.claim!.resource))].join(", ")}`);
      } catch (e) {
        push(`prune: ${errorMessage(e)}`);
      }
    }
  }
  return { reasons, outcomes };
}

/**
 * The read-only check of a destroy of `scope` (`resource`: the one resource id destroyed, possibly no
 * longer in the plan; undefined: the whole stack), on every Prism Central of the run. It writes when a VM
 * is to be adopted or deleted, an applied-generation record or a kube-vip claim of the scope exists, or a
 * PaletteCluster is in scope (its destroy talks to Palette); with `prune` and a resource of the plan, also
 * when an orphan that destroy deletes (destroy.ts `orphanDeletedBy`) or a kube-vip claim of a resource no
 * longer in the plan exists. Returns why; empty when nothing is to be done.
 */
export async function checkDestroy(run: RunServices, scope: readonly PlanResource[], resource: string | undefined, prune = true): Promise<string[]> {
  const reasons: string[] = [];
  try {
    for (const g of groupByServices(run, scope)) for (const line of await adoptLegacy(g.services, g.resources, false)) if (line.includes(ADOPTED)) reasons.push(line);
    const hashes = resource === undefined ? undefined : new Set([resourceHash(resource)]);
    const first = run.sites[0]!;
    const one = resource === undefined ? undefined : first.plan.get(resource);
    const orphanIds: string[] = [];
    for (const s of run.sites) {
      const groups = await ownedGroups(s, true);
      for (const g of groups) if (g.vms.length > 0 && (!hashes || hashes.has(g.hash))) reasons.push(`${g.id}: ${g.vms.length} VM(s) to delete`);
      for (const g of prune && one ? orphansDestroyedWith(s, one, groups) : []) {
        if (g.vms.length > 0) reasons.push(`prune: ${g.id}: ${g.vms.length} VM(s) to delete`);
        orphanIds.push(g.id);
      }
    }
    const ids = resource === undefined ? first.plan.resources.map((r) => r.id) : [resource, ...new Set(orphanIds)];
    for (const id of ids) {
      for (const s of servicesOfId(run, first.plan, id)) if ((await readApplied(s.client, s.identity, id)) !== undefined) reasons.push(`${id}: its applied-generation record`);
    }
    const owned = new Set(ids);
    const inPlan = new Set(first.plan.resources.map((r) => r.id));
    for (const s of run.sites) {
      const stack = stackIdentity(s);
      for (const l of (await listClaims(s)).claims) {
        if (l.claim?.stack !== stack) continue;
        if (owned.has(l.claim.resource)) reasons.push(`${l.claim.resource}: its kube-vip claim`);
        else if (prune && one && !inPlan.has(l.claim.resource)) reasons.push(`prune: ${l.claim.resource}: its kube-vip claim`);
      }
    }
    for (const r of scope) if (r.kind === "PaletteCluster") reasons.push(`${r.id}: its cluster in Palette`);
  } catch (e) {
    reasons.push(errorMessage(e));
  }
  return reasons;
}
