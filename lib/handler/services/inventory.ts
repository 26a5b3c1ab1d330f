/**
 * The VMs of Prism Central as listed once per run (pages of 500), filtered by ownership client-side.
 */
import type { PrismClient } from "../../prism/client";
import type { VmEntity } from "../../prism/types";
import { cloneSourceOf } from "../clones";
import { ownedByResource, ownedByStack } from "../ownership";
import type { RunCache } from "./cache";

/** Name of a VM entity. */
export function nameOf(vm: VmEntity): string {
  return vm.spec?.name ?? vm.status?.name ?? "";
}

/** True when the VM is being deleted. */
export function isDeleting(vm: VmEntity): boolean {
  return vm.status?.state === "DELETE_PENDING" || vm.status?.state === "DELETE_IN_PROGRESS";
}

/** The VMs of Prism Central as listed once per run. */
export class Inventory {
  readonly byUuid = new Map<string, VmEntity>();
  constructor(readonly all: VmEntity[]) {
    for (const vm of all) if (vm.metadata.uuid) this.byUuid.set(vm.metadata.uuid, vm);
  }

  /** VMs with this exact name (owned or not). */
  named(name: string): VmEntity[] {
    return this.all.filter((v) => nameOf(v) === name);
  }

  /** The resource's VMs; copies of them (clones.ts) are left out. */
  ownedByResource(identity: string, resourceId: string): VmEntity[] {
    return this.all.filter((v) => ownedByResource(v, identity, resourceId) && cloneSourceOf(v) === undefined);
  }

  /** The stack's VMs; copies of them (clones.ts) are left out. */
  ownedByStack(identity: string): VmEntity[] {
    return this.all.filter((v) => ownedByStack(v, identity) && cloneSourceOf(v) === undefined);
  }

  /** VMs that carry the resource's categories but are copies of its VMs (clones.ts): reported, never touched. */
  clonesOf(identity: string, resourceId: string): VmEntity[] {
    return this.all.filter((v) => ownedByResource(v, identity, resourceId) && cloneSourceOf(v) !== undefined);
  }

  /** Adds a VM found by GET (a create still running is not listed). */
  add(vm: VmEntity): void {
    const u = vm.metadata.uuid;
    if (!u || this.byUuid.has(u)) return;
    this.byUuid.set(u, vm);
    this.all.push(vm);
  }
}

/** The run's one VM list. */
export function loadInventory(cache: RunCache, client: PrismClient): Promise<Inventory> {
  return cache.once("inventory", () => client.listAll("vms", { pageSize: 500 }).then((all) => new Inventory(all)));
}
