/**
 * Deleting what a stack owns: by resource (destroy --resource), everything (destroy --yes), or what
 * belongs to resource ids the plan no longer holds (prune, and the orphans a destroy --resource deletes:
 * `orphanDeletedBy`). Only VMs carrying the stack identity and resource categories are ever deleted;
 * ownership is re-checked on a fresh GET right before each DELETE, and a VM already gone or already being
 * deleted (another process of the same `cdktf destroy` got there first) counts as deleted.
 */
import type { VmEntity } from "../prism/types";
import type { PlanResource } from "../schema/plan";
import { errorMessage, OwnershipError } from "./errors";
import { isDeleting, nameOf, type Services } from "./services";
import { cloneSourceOf } from "./clones";
import { CATEGORY_KEYS, categoryValue, categoriesOf, ownedByStack, resourceHash, resourceIdFromDescription, resourceHashOf } from "./ownership";
import { settleLimit } from "./scheduler";
import { drainBeforePrune, prunedClusterOf } from "./reconcilers/node-pool/prune";
import type { ResourceResult, VmChange } from "./types";

/** Owned VMs grouped by resource hash. */
export interface OwnedGroup {
  hash: string;
  /** The resource id, from the plan or the VM description; else the hash. */
  id: string;
  vms: VmEntity[];
}

/**
 * VMs of this stack whose creation is still running (not listed yet), found through the running
 * create_vm_intentful tasks (`RunningTasks.pendingCreates`). Best effort: a Prism Central without POST /tasks/list
 * just yields none.
 */
async function pendingCreates(s: Services): Promise<VmEntity[]> {
  try {
    const inv = await s.inventory();
    const mine = ((await s.runningTasks.pendingCreates()) ?? []).filter((vm) => ownedByStack(vm, s.identity));
    for (const vm of mine) inv.add(vm);
    return mine;
  } catch {
    return [];
  }
}

/** The stack's VMs grouped by owning resource. `includePending` also looks for creates still running. */
export async function ownedGroups(s: Services, includePending: boolean): Promise<OwnedGroup[]> {
  const inv = await s.inventory();
  if (includePending) await pendingCreates(s);
  const byHash = new Map<string, OwnedGroup>();
  const planIds = new Map(s.plan.resources.map((r) => [resourceHash(r.id), r.id]));
  for (const vm of inv.ownedByStack(s.identity)) {
    const hash = resourceHashOf(vm)!;
    let g = byHash.get(hash);
    if (!g) {
      g = { hash, id: planIds.get(hash) ?? resourceIdFromDescription(vm.spec?.description) ?? hash, vms: [] };
      byHash.set(hash, g);
    }
    g.vms.push(vm);
  }
  return [...byHash.values()].sort((a, b) => a.id.localeCompare(b.id));
}

/** Groups whose resource id is not in the plan (prune candidates). */
export async function orphanGroups(s: Services): Promise<OwnedGroup[]> {
  return orphansOf(s, await ownedGroups(s, false));
}

/** The groups of `groups` whose resource id is not in the plan. */
export function orphansOf(s: Pick<Services, "plan">, groups: readonly OwnedGroup[]): OwnedGroup[] {
  const inPlan = new Set(s.plan.resources.map((r) => resourceHash(r.id)));
  return groups.filter((g) => !inPlan.has(g.hash));
}

/**
 * Pure: whether `destroy --resource` of `destroying` (a resource of the plan) deletes an orphan group
 * (VMs of this stack identity under a resource id the plan no longer holds: a pool removed from the
 * program before `cdktf destroy`, whose block, and so whose destroy provisioner, is gone). `orphanCluster`
 * is the id of the plan's NutanixCluster the orphan's VMs belong to (their NpcCluster category), undefined
 * when that cluster is not in the plan.
 *
 * - The cluster is not in the plan: nothing is left to protect (as apply's prune): every destroy deletes
 *   it; the parallel destroys of one `cdktf destroy` then race for it, which deleteGroup makes harmless.
 * - The cluster is in the plan: only that cluster's own destroy deletes it, without a drain: the cluster
 *   goes with it (a NutanixCluster depends on its pools, so Terraform, destroying in reverse dependency
 *   order, runs the cluster's destroy first and its pools' right after; a `-target` of one pool destroys
 *   the cluster too). Another resource's destroy leaves it alone: a drain through the API of a cluster
 *   whose control plane is being deleted beside it could only fail (and wait out --node-ready-timeout);
 *   without the cluster's destroy (`destroy --resource <pool>` by hand) the next apply's prune drains and
 *   deletes it (prune.ts).
 */
export function orphanDeletedBy(destroying: Pick<PlanResource, "id" | "kind">, orphanCluster: string | undefined): boolean {
  if (orphanCluster === undefined) return true;
  return destroying.kind === "NutanixCluster" && destroying.id === orphanCluster;
}

/** The orphan groups among `groups` that `destroy --resource` of `destroying` deletes (`orphanDeletedBy`). */
export function orphansDestroyedWith(s: Services, destroying: PlanResource, groups: readonly OwnedGroup[]): OwnedGroup[] {
  return orphansOf(s, groups).filter((g) => orphanDeletedBy(destroying, g.vms[0] ? prunedClusterOf(s, g.vms[0])?.id : undefined));
}

/** The delete steps of a group, for `plan` output. */
export function deleteSteps(g: OwnedGroup, reason: string): VmChange[] {
  return g.vms.map((vm) => ({ op: "delete", name: nameOf(vm), uuid: vm.metadata.uuid, changes: [], reason }));
}

/**
 * Deletes every VM of a group (bounded by the write semaphore); one result row. `drain`: drain each VM's
 * node first while its cluster stays in the plan (node-pool/prune.ts). @default action === "prune"
 */
export async function deleteGroup(s: Services, g: OwnedGroup, action: ResourceResult["action"], kind: string, drain: boolean = action === "prune"): Promise<ResourceResult> {
  const t0 = Date.now();
  s.progress.start(g.id);
  const deleted: string[] = [];
  const failures: string[] = [];
  const results = await settleLimit(g.vms, Math.max(1, s.writes.size * 2), async (vm) => {
    const uuid = vm.metadata.uuid!;
    const started = Date.now();
    const fresh = await s.client.getVm(uuid);
    if (!fresh) return;
    const c = categoriesOf(fresh);
    if (c[CATEGORY_KEYS.identity] !== categoryValue(s.identity) || c[CATEGORY_KEYS.resource] !== g.hash) {
      throw new OwnershipError(`VM ${nameOf(vm)} (${uuid}) no longer carries the ownership categories; not deleting it`);
    }
    if (cloneSourceOf(fresh) !== undefined) throw new OwnershipError(`VM ${nameOf(vm)} (${uuid}) is a copy of VM ${cloneSourceOf(fresh)!}; not deleting it`);
    if (isDeleting(fresh)) {
      // A delete already running (a previous run was interrupted): wait for it.
      await s.writes.run(async () => {
        const t = fresh.status?.execution_context?.task_uuid;
        const last = Array.isArray(t) ? t[t.length - 1] : t;
        if (last) await s.writes.waitTask(last);
      });
    } else {
      // A pool pruned while its cluster stays (a rename): drained first (node-pool/prune.ts).
      if (drain) await drainBeforePrune(s, g.id, fresh);
      await s.writes.deleteVmAndWait(uuid);
    }
    deleted.push(nameOf(vm));
    s.progress.action(g.id, `deleted ${nameOf(vm)} (${uuid})`, Date.now() - started);
  });
  results.forEach((r, i) => {
    if (r.status === "rejected") failures.push(`delete ${nameOf(g.vms[i]!)}: ${errorMessage(r.reason)}`);
  });
  s.progress.finish(g.id);
  const base = { id: g.id, kind, action, ms: Date.now() - t0, deleted };
  if (failures.length > 0) return { ...base, result: "failed", error: failures.join("\n") };
  return { ...base, result: "ok", detail: g.vms.length === 0 ? "nothing to delete" : `deleted ${deleted.length} VM(s)` };
}
