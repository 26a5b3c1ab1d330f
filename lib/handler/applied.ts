/**
 * Which generation of each resource was applied last, recorded in Prism Central so that a lost local
 * file loses nothing: one category value per (stack identity, resource) under the key `NpcApplied`,
 * named `a` + 32 hex of SHA-256(identity NUL resource id), its description the JSON
 * `{v, identity, resource, generation}`. Category values with a description are what PC v3 lets this
 * library write without touching a VM (`PUT /categories/{key}/{value}` with `{value, description}`,
 * Nutanix Prism Central v3 API reference, "categories"; names at most 64 characters). The record is
 * written after a resource applied successfully and removed when it is destroyed.
 *
 * `destroy --resource R --generation G` decides with it (`destroyDecision`): Terraform destroys a
 * superseded generation both after a create_before_destroy replacement (the newer generation was
 * applied: nothing to delete) and on `cdktf destroy` of an edited program (the plan file holds a newer
 * generation that was never applied: everything must go).
 */
import { createHash } from "node:crypto";
import type { PrismClient } from "../prism/client";

/** The category key of the applied-generation records. */
export const APPLIED_CATEGORY_KEY = "NpcApplied";
const APPLIED_DESCRIPTION = "Last applied generation of each nutanix-palette-cdk resource: one value per stack identity and resource";

/** The Prism calls the records use. */
export type AppliedClient = Pick<PrismClient, "ensureCategoryKey" | "getCategoryValue" | "putCategoryValue" | "deleteCategoryValue">;

/** One record. */
export interface AppliedRecord {
  readonly v: 1;
  readonly identity: string;
  readonly resource: string;
  readonly generation: string;
}

/** The category value of a resource's record (within PC's 64 characters). */
export function appliedValueName(identity: string, resourceId: string): string {
  return `a${createHash("sha256").update(`${identity}\u0000${resourceId}`).digest("hex").slice(0, 32)}`;
}

/** The record in a description; undefined when it is not one of this identity and resource. */
export function parseApplied(description: unknown, identity: string, resourceId: string): AppliedRecord | undefined {
  if (typeof description !== "string") return undefined;
  try {
    const r = JSON.parse(description) as Partial<AppliedRecord>;
    return r.v === 1 && r.identity === identity && r.resource === resourceId && typeof r.generation === "string" ? (r as AppliedRecord) : undefined;
  } catch {
    return undefined;
  }
}

/** The generation of `resourceId` applied last, or undefined when none is recorded. */
export async function readApplied(client: AppliedClient, identity: string, resourceId: string): Promise<string | undefined> {
  const v = await client.getCategoryValue(APPLIED_CATEGORY_KEY, appliedValueName(identity, resourceId));
  return parseApplied(v?.description, identity, resourceId)?.generation;
}

/**
 * Records `generation` as applied (a read, and a write only when the record differs). `prior` is that
 * read when the caller started it earlier in the same locked run (applyPlan reads each resource's
 * record while it plans the resource, so only the write is left for the end).
 */
export async function recordApplied(client: AppliedClient, identity: string, resourceId: string, generation: string, prior?: Promise<string | undefined>): Promise<void> {
  if ((await (prior ?? readApplied(client, identity, resourceId)).catch(() => undefined)) === generation) return;
  await client.ensureCategoryKey(APPLIED_CATEGORY_KEY, APPLIED_DESCRIPTION);
  const record: AppliedRecord = { v: 1, identity, resource: resourceId, generation };
  await client.putCategoryValue(APPLIED_CATEGORY_KEY, appliedValueName(identity, resourceId), JSON.stringify(record));
}

/** Removes a resource's record (after it was destroyed); false when there was none. */
export async function forgetApplied(client: AppliedClient, identity: string, resourceId: string): Promise<boolean> {
  return client.deleteCategoryValue(APPLIED_CATEGORY_KEY, appliedValueName(identity, resourceId));
}

/** What `destroy --resource R --generation G` does. */
export type DestroyDecision = { readonly action: "destroy"; readonly why: string } | { readonly action: "noop"; readonly why: string };

/**
 * Pure: `destroying` is G, `current` R's generation in the plan file (undefined: R is not in the plan),
 * `applied` the generation recorded in Prism Central (undefined: none). Only a newer generation that
 * was APPLIED makes the destroy a no-op.
 */
export function destroyDecision(destroying: string | undefined, current: string | undefined, applied: string | undefined): DestroyDecision {
  if (destroying === undefined) return { action: "destroy", why: "no generation given" };
  if (current === undefined) return { action: "destroy", why: "the resource is no longer in the plan" };
  if (destroying === current) return { action: "destroy", why: "the current generation" };
  if (applied !== undefined && applied !== destroying) {
    return { action: "noop", why: `generation ${destroying.slice(0, 12)} is superseded by ${applied.slice(0, 12)}, applied last; the current generation keeps everything it owns, nothing to delete` };
  }
  const seen = applied === undefined ? "no generation is recorded as applied" : "it is the generation applied last";
  return { action: "destroy", why: `generation ${destroying.slice(0, 12)} is not current in the plan (${current.slice(0, 12)}) but ${seen}: the newer one was never applied` };
}
