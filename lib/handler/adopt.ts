/**
 * Adopting VMs made before stack identities existed (their categories carry `NpcStack` = the bare stack
 * name and no `NpcIdentity`). Such a VM is adopted by this run's identity only when everything it
 * carries points at a resource of THIS plan: the stack name, the `NpcResource` hash of a NodePool in
 * scope, that pool's `NpcCluster` and `NpcPool`, and a name that is one of that pool's slots
 * (`<cluster>-<pool>-<n>[-<hash6>]`). Adopting adds `NpcIdentity` (a PUT of the VM with its
 * `spec_version`, Nutanix Prism Central v3 API reference, "vms" update; the decision is re-checked on the
 * fresh read inside the update). A legacy VM that fails any check is reported and left alone, and a
 * VM that already carries an identity (any identity) is never adopted.
 *
 * What remains: two programs that both have a stack of that name AND the same construct path, cluster
 * and pool names would both match; the first to run adopts the VM, the second then finds the name taken
 * by another identity and refuses. Programs that differ only in project never shared such VM names.
 */
import type { VmEntity } from "../prism/types";
import type { PlanResource } from "../schema/plan";
import { errorMessage, OwnershipError } from "./errors";
import { CATEGORY_KEYS, categoriesOf, categoryValue, parseVmName, resourceHash } from "./ownership";
import { isDeleting, nameOf, type Services } from "./services";

/** The pieces of a NodePool resource adoption looks at. */
interface PoolRef {
  readonly id: string;
  readonly clusterName: string;
  readonly pool: string;
}

/** Pure: the pool of `refs` a legacy VM of stack `stack` belongs to, or why not; undefined when it is not a legacy VM of this stack. */
export function adoptionOf(vm: Pick<VmEntity, "metadata" | "spec">, stack: string, refs: readonly PoolRef[]): { pool: PoolRef } | { reason: string } | undefined {
  const c = categoriesOf(vm);
  if (c[CATEGORY_KEYS.identity] !== undefined || c[CATEGORY_KEYS.stack] !== categoryValue(stack) || !c[CATEGORY_KEYS.resource]) return undefined;
  const pool = refs.find((r) => resourceHash(r.id) === c[CATEGORY_KEYS.resource]);
  if (!pool) return { reason: "its NpcResource is no NodePool of this run" };
  if (c[CATEGORY_KEYS.cluster] !== categoryValue(pool.clusterName) || c[CATEGORY_KEYS.pool] !== categoryValue(pool.pool)) return { reason: `its NpcCluster/NpcPool are not ${pool.id}'s` };
  if (!parseVmName(vm.spec?.name ?? "", pool.clusterName, pool.pool)) return { reason: `its name is not a slot of ${pool.id}` };
  return { pool };
}

function refsOf(scope: readonly PlanResource[]): PoolRef[] {
  return scope.flatMap((r) => (r.kind === "NodePool" ? [{ id: r.id, clusterName: r.spec.clusterName, pool: r.spec.name }] : []));
}

/** What marks an adoption in the lines of {@link adoptLegacy} (the write check of write-check.ts looks for it). */
export const ADOPTED = ": adopted by ";

/**
 * Adopts the legacy VMs of the resources in `scope`. Writes only when `write` (`plan`, and the read-only
 * check an apply makes before it takes the Prism Central lock record, adopt in memory so their diff
 * shows what apply will find). Returns one line per VM adopted or left alone.
 */
export async function adoptLegacy(s: Services, scope: readonly PlanResource[], write: boolean = s.writable): Promise<string[]> {
  const refs = refsOf(scope);
  if (refs.length === 0) return [];
  const inv = await s.inventory();
  const lines: string[] = [];
  const identity = { [CATEGORY_KEYS.identity]: categoryValue(s.identity) };
  for (const vm of inv.all) {
    if (isDeleting(vm)) continue;
    const a = adoptionOf(vm, s.stack, refs);
    if (!a) continue;
    const label = `VM ${nameOf(vm)} (${vm.metadata.uuid ?? "?"}) of stack ${s.stack}, made before stack identities`;
    if ("reason" in a) {
      lines.push(`${label}: not adopted (${a.reason}); left alone`);
      continue;
    }
    try {
      if (write) {
        await s.categories.ensure(identity);
        await s.writes.run(() =>
          s.client.updateVm(
            vm.metadata.uuid!,
            (spec, metadata) => {
              const again = adoptionOf({ metadata, spec }, s.stack, [a.pool]);
              if (!again || "reason" in again) throw new OwnershipError(`${label} changed since it was listed; not adopting it`);
              metadata.categories = { ...categoriesOf({ metadata }), ...identity };
              delete metadata.categories_mapping;
              metadata.use_categories_mapping = false;
            },
            { wait: s.writes.poll },
          ),
        );
      }
      vm.metadata.categories = { ...categoriesOf(vm), ...identity };
      delete vm.metadata.categories_mapping;
      lines.push(`${label}${ADOPTED}${s.identity} for ${a.pool.id}`);
    } catch (e) {
      lines.push(`${label}: not adopted: ${errorMessage(e)}`);
    }
  }
  return lines;
}
