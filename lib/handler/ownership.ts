/**
 * Ownership of Prism Central entities: the categories that name the stack and the resource that made
 * a VM, the deterministic VM names and UUIDs, and the description line that records the inputs a VM
 * was built from. Everything here is pure: the same inputs give the same outputs in every process.
 */
import { createHash } from "node:crypto";
import type { VmEntity } from "../prism/types";
import { LEGACY_PROJECT, type Plan } from "../schema/plan";

/** Prism limits category keys and values to 64 characters. */
export const MAX_CATEGORY_LENGTH = 64;

/** Category keys written on every VM the handler creates. */
export const CATEGORY_KEYS = {
  /** The stack identity `<project>/<stack>` ({@link stackIdentity}). Required for ownership. */
  identity: "NpcIdentity",
  /** The stack (plan `metadata.stack`), readable; alone (without NpcIdentity) it marks a VM made before identities. */
  stack: "NpcStack",
  /** A short stable hash of the resource id (the construct path). Required for ownership. */
  resource: "NpcResource",
  /** The Kubernetes cluster name (readable; also used to find a cluster's VMs). */
  cluster: "NpcCluster",
  /** The node pool name (readable). */
  pool: "NpcPool",
  /** Hash of the resolved immutable machine inputs a VM was built from (12 hex). */
  spec: "NpcSpec",
  /** Hash of the non-secret bootstrap (user data) inputs a VM was built from (12 hex). */
  boot: "NpcBoot",
} as const;

/** Description of the category keys (shown in Prism Central). */
export const CATEGORY_DESCRIPTION = "Managed by nutanix-palette-cdk (nutanix-handler); do not edit";

/** SHA-256 hex of a string. */
export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/**
 * A category value that fits Prism's 64-character limit: unchanged when it fits, otherwise the first
 * 47 characters, `-`, and 16 hex of the SHA-256 of the whole value (deterministic, collision-resistant).
 */
export function categoryValue(value: string): string {
  if (value.length <= MAX_CATEGORY_LENGTH) return value;
  return `${value.slice(0, MAX_CATEGORY_LENGTH - 17)}-${sha256(value).slice(0, 16)}`;
}

/** The `NpcResource` value of a resource id: `r-` + 16 hex of SHA-256(id). */
export function resourceHash(resourceId: string): string {
  return `r-${sha256(resourceId).slice(0, 16)}`;
}

/**
 * The identity of a plan's stack in Prism Central: `<project>/<stack>` (project from
 * `metadata.project`, {@link LEGACY_PROJECT} for plans written before it). The one function every
 * ownership check, lock and record uses.
 */
export function stackIdentity(plan: Pick<Plan, "metadata">): string {
  return `${plan.metadata.project ?? LEGACY_PROJECT}/${plan.metadata.stack}`;
}

/** The ownership categories of a VM of a node pool. */
export function ownershipCategories(init: {
  identity: string;
  stack: string;
  resourceId: string;
  clusterName: string;
  pool: string;
  specHash: string;
  bootHash: string;
}): Record<string, string> {
  return {
    [CATEGORY_KEYS.identity]: categoryValue(init.identity),
    [CATEGORY_KEYS.stack]: categoryValue(init.stack),
    [CATEGORY_KEYS.resource]: resourceHash(init.resourceId),
    [CATEGORY_KEYS.cluster]: categoryValue(init.clusterName),
    [CATEGORY_KEYS.pool]: categoryValue(init.pool),
    [CATEGORY_KEYS.spec]: init.specHash.slice(0, 12),
    [CATEGORY_KEYS.boot]: init.bootHash.slice(0, 12),
  };
}

/** The categories of a VM (`metadata.categories`, falling back to the first value of `categories_mapping`). */
export function categoriesOf(vm: Pick<VmEntity, "metadata">): Record<string, string> {
  const md = vm.metadata;
  if (md.categories && Object.keys(md.categories).length > 0) return md.categories;
  const out: Record<string, string> = {};
  for (const [k, vs] of Object.entries(md.categories_mapping ?? {})) if (vs.length > 0) out[k] = vs[0]!;
  return out;
}

/** True when the VM carries this stack identity's category (and a resource's). */
export function ownedByStack(vm: Pick<VmEntity, "metadata">, identity: string): boolean {
  const c = categoriesOf(vm);
  return c[CATEGORY_KEYS.identity] === categoryValue(identity) && typeof c[CATEGORY_KEYS.resource] === "string" && c[CATEGORY_KEYS.resource] !== "";
}

/** True when the VM carries this stack identity's and this resource's categories (the only VMs a resource may touch). */
export function ownedByResource(vm: Pick<VmEntity, "metadata">, identity: string, resourceId: string): boolean {
  const c = categoriesOf(vm);
  return c[CATEGORY_KEYS.identity] === categoryValue(identity) && c[CATEGORY_KEYS.resource] === resourceHash(resourceId);
}

/** The identity category value a VM carries, or undefined (a VM made before identities, or not ours). */
export function identityOf(vm: Pick<VmEntity, "metadata">): string | undefined {
  return categoriesOf(vm)[CATEGORY_KEYS.identity];
}

/** The `NpcResource` value of a VM, or undefined. */
export function resourceHashOf(vm: Pick<VmEntity, "metadata">): string | undefined {
  return categoriesOf(vm)[CATEGORY_KEYS.resource];
}

// ---------------------------------------------------------------------------------------------
// Names

/** The name prefix of a pool's VMs: `<cluster>-<pool>-`. */
export function vmNamePrefix(clusterName: string, pool: string): string {
  return `${clusterName}-${pool}-`;
}

/**
 * The name of a pool's VM: `<cluster>-<pool>-<n>` for the first VM of ordinal n, or
 * `<cluster>-<pool>-<n>-<hash6>` for a VM that replaces another of the same ordinal (rolling change),
 * where hash6 is the first 6 hex of the new spec hash.
 */
export function vmName(clusterName: string, pool: string, ordinal: number, replacementHash?: string): string {
  const base = `${vmNamePrefix(clusterName, pool)}${ordinal}`;
  return replacementHash ? `${base}-${replacementHash.slice(0, 6)}` : base;
}

/** Parses a pool VM name back into its ordinal (and the replacement suffix); undefined when it is not one. */
export function parseVmName(name: string, clusterName: string, pool: string): { ordinal: number; suffix?: string } | undefined {
  const prefix = vmNamePrefix(clusterName, pool);
  if (!name.startsWith(prefix)) return undefined;
  const m = /^([1-9][0-9]{0,5})(?:-([0-9a-f]{6}))?$/.exec(name.slice(prefix.length));
  if (!m) return undefined;
  return m[2] ? { ordinal: Number(m[1]), suffix: m[2] } : { ordinal: Number(m[1]) };
}

// ---------------------------------------------------------------------------------------------
// Deterministic UUIDs (RFC 4122 version 5: SHA-1 of a namespace and a name)

/** The UUID namespace of this package's VM UUIDs. */
export const VM_UUID_NAMESPACE = "5b0e7a52-3c1d-4f5e-9a8b-6c7d8e9f0a1b";

/** An RFC 4122 version-5 UUID of `name` in `namespace`. */
export function uuidV5(name: string, namespace: string = VM_UUID_NAMESPACE): string {
  const ns = Buffer.from(namespace.replace(/-/g, ""), "hex");
  const h = createHash("sha1").update(ns).update(Buffer.from(name, "utf8")).digest();
  const b = Buffer.from(h.subarray(0, 16));
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = b.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The slot key of a VM the handler creates: a function of stack, resource id, VM name and spec hash.
 * The VM's `metadata.uuid` is the one reserved for this key through `/idempotence_identifiers`
 * (prism/idempotent-create.ts), so a re-run after a crash finds the same reservation, reads the reserved
 * uuid, and finds the VM an interrupted POST made instead of creating a duplicate.
 */
export function vmUuid(stack: string, resourceId: string, name: string, specHash: string): string {
  return uuidV5(`vm\u0000${stack}\u0000${resourceId}\u0000${name}\u0000${specHash.slice(0, 12)}`);
}

// ---------------------------------------------------------------------------------------------
// Description

/** The VM description: readable provenance (the categories are what ownership checks use). */
export function vmDescription(init: { stack: string; resourceId: string; specHash: string; bootHash: string }): string {
  return `Managed by nutanix-palette-cdk; stack=${init.stack} resource=${init.resourceId} spec=${init.specHash.slice(0, 12)} boot=${init.bootHash.slice(0, 12)}`;
}

/** The resource id written in a VM's description, when there is one. */
export function resourceIdFromDescription(description: string | undefined): string | undefined {
  if (!description) return undefined;
  return / resource=(\S+)/.exec(description)?.[1];
}
