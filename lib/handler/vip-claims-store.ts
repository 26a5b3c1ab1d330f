/**
 * kube-vip address claims in Prism Central (see vip-claims.ts for the record and the decision): listing
 * them, writing one with a read-back, releasing an owner's claims. Category calls are synchronous in v3
 * (no task; Nutanix v3 API reference, "categories").
 *
 * The race that remains: a category value has no `spec_version`, so a PUT cannot be conditional (no
 * compare-and-swap), and a PUT of an existing value replaces its description (create-or-update; CAPX and
 * nutanix/terraform-provider-nutanix treat it so). apply therefore re-reads the value right before its PUT
 * and reads it back after: of two stacks that claim one address, the one whose read-back sees the
 * other's description is refused. Both proceed only when one stack's GET, PUT and read-back all fall
 * between the other's GET and PUT — a window of one round trip to Prism Central.
 */
import { isNotFound } from "../prism/not-found";
import { ResourceApplyError } from "./errors";
import type { Services } from "./services";
import {
  claimDescription,
  ownerText,
  parseClaimDescription,
  staleClaims,
  VIP_CLAIM_KEY,
  VIP_CLAIM_KEY_DESCRIPTION,
  type ClaimOwner,
  type ListedClaim,
  type VipClaim,
} from "./vip-claims";

/** The claims listed under {@link VIP_CLAIM_KEY}, and whether the key exists. */
export interface ClaimList {
  /**
   * True when the list named values (the key exists). False when it answered 404 or no values: what
   * `POST /categories/{missing}/list` answers on a real PC is not documented, so a write first asks
   * GET /categories/{key} (as CAPX and terraform-provider-nutanix do) and creates the key when missing.
   */
  readonly keyExists: boolean;
  readonly claims: readonly ListedClaim[];
}

/** Every claim under {@link VIP_CLAIM_KEY} (`POST /categories/NpcVip/list`, paged); none when the key is missing. */
export async function fetchClaims(s: Pick<Services, "client">): Promise<ClaimList> {
  try {
    const values = await s.client.listCategoryValues(VIP_CLAIM_KEY);
    const claims = values
      .filter((v) => typeof v.value === "string")
      .map((v) => ({ value: v.value, claim: parseClaimDescription(v.description), description: v.description ?? "" }))
      .sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
    return { keyExists: claims.length > 0, claims };
  } catch (e) {
    if (isNotFound(e)) return { keyExists: false, claims: [] };
    throw e;
  }
}

/** The claims as listed once per run (a read shared by every endpoint of the run). */
export function listClaims(s: Pick<Services, "client" | "cache">): Promise<ClaimList> {
  return s.cache.once("vip-claims", () => fetchClaims(s), { retryOnFailure: true });
}

/** One claim value as Prism Central holds it now (GET), or undefined. */
async function readClaim(s: Pick<Services, "client">, value: string): Promise<ListedClaim | undefined> {
  const v = await s.client.getCategoryValue(VIP_CLAIM_KEY, value);
  if (!v) return undefined;
  return { value, claim: parseClaimDescription(v.description), description: v.description ?? "" };
}

const sameOwner = (a: ClaimOwner | undefined, b: ClaimOwner): boolean => a !== undefined && a.stack === b.stack && a.resource === b.resource;

/**
 * Writes the claim `value` for `claim` (when `keyExists` is false, the run's list named no value: the key
 * is looked up with GET and created when missing), then reads it back.
 * `takeOver` names this stack's resource whose claim may be replaced (a renamed cluster); any other
 * holder found by the re-read before the PUT, or by the read-back after it, refuses the claim.
 */
export async function writeClaim(s: Pick<Services, "client">, value: string, claim: VipClaim, keyExists: boolean, takeOver?: string): Promise<void> {
  const refuse = (holder: ClaimOwner | undefined, when: string): ResourceApplyError =>
    new ResourceApplyError([
      `the kube-vip address ${claim.address} is claimed by ${holder ? ownerText(holder) : "an unknown owner"} (category ${VIP_CLAIM_KEY}:${value} in Prism Central, ${when}); choose another address, or destroy that cluster first`,
    ]);
  const before = await readClaim(s, value);
  if (before && !sameOwner(before.claim, claim) && !(before.claim?.stack === claim.stack && before.claim.resource === takeOver)) throw refuse(before.claim, "found right before this apply's write");
  if (!keyExists) await s.client.ensureCategoryKey(VIP_CLAIM_KEY, VIP_CLAIM_KEY_DESCRIPTION);
  await s.client.putCategoryValue(VIP_CLAIM_KEY, value, claimDescription(claim));
  const after = await readClaim(s, value);
  if (!sameOwner(after?.claim, claim)) throw refuse(after?.claim, "written by another program at the same time");
}

/** Deletes the claim `values` of `owner`, each re-read right before its DELETE and left alone when it no longer names `owner`. */
async function releaseValues(s: Pick<Services, "client">, owner: ClaimOwner, values: readonly string[]): Promise<string[]> {
  const released: string[] = [];
  for (const value of values) {
    const fresh = await readClaim(s, value);
    if (!sameOwner(fresh?.claim, owner)) continue;
    if (await s.client.deleteCategoryValue(VIP_CLAIM_KEY, value)) released.push(value);
  }
  return released;
}

/** Deletes the claims of `owner` except `keep` (a value), from a fresh list. Returns the values deleted. */
export async function releaseClaims(s: Pick<Services, "client">, owner: ClaimOwner, keep?: string): Promise<string[]> {
  return releaseValues(s, owner, staleClaims((await fetchClaims(s)).claims, owner, keep ?? "").map((l) => l.value));
}

/**
 * Prune: releases the claims of stack `stack` whose resource id is not in `planIds` (a cluster removed
 * from the program; Terraform runs no destroy provisioner for a deleted block). Candidates come from the
 * run's list (claims this run wrote are of plan resources, so none is missed). Returns the released
 * claims' resource ids and values.
 */
export async function pruneClaims(s: Pick<Services, "client" | "cache">, stack: string, planIds: ReadonlySet<string>): Promise<{ resource: string; value: string }[]> {
  const byOwner = new Map<string, string[]>();
  for (const l of (await listClaims(s)).claims) {
    if (l.claim?.stack !== stack || planIds.has(l.claim.resource)) continue;
    byOwner.set(l.claim.resource, [...(byOwner.get(l.claim.resource) ?? []), l.value]);
  }
  const out: { resource: string; value: string }[] = [];
  for (const resource of [...byOwner.keys()].sort()) {
    for (const value of await releaseValues(s, { stack, resource }, byOwner.get(resource)!)) out.push({ resource, value });
  }
  return out;
}
