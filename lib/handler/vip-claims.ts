/**
 * kube-vip address claims across stacks: the pure part (names, the record, the decision).
 *
 * Prism Central has no key-value store, and its v3 API has no IP reservation on a subnet (a v3 subnet's
 * `ip_config.pool_list` only says which ranges IPAM hands out; Nutanix's v3 API reference and the
 * nutanix/terraform-provider-nutanix `nutanix_subnet` resource show no reserve call). What v3 does offer
 * is categories: `PUT /categories/{key}/{value}` with a free-text `description`, synchronous, listed by
 * `POST /categories/{key}/list` (Nutanix v3 API reference, "categories"; CAPX
 * `pkg/client/categories` and nutanix/terraform-provider-nutanix `nutanix_category_value` use the same
 * calls). So a claim is the value {@link claimValue} under the key {@link VIP_CLAIM_KEY}, and its
 * description names the owner: the stack identity and the resource id of the KubeVipEndpoint.
 *
 * The value is a hash of the subnet's UUID and the address, so the same address on another subnet is
 * another claim, and any program (another stack, another checkout, another machine) finds the claim in
 * Prism Central itself.
 */
import { sha256 } from "./ownership";

/** The category key of kube-vip address claims. */
export const VIP_CLAIM_KEY = "NpcVip";

/** The description of the claim key (shown in Prism Central). */
export const VIP_CLAIM_KEY_DESCRIPTION = "kube-vip addresses claimed by nutanix-palette-cdk stacks (nutanix-handler); do not edit";

/** The subnet scope of an endpoint that names no subnet: its claim covers the address on any subnet. */
export const ANY_SUBNET = "*";

/** Who holds a claim: the stack's identity and the KubeVipEndpoint's resource id. */
export interface ClaimOwner {
  readonly stack: string;
  readonly resource: string;
}

/** What a claim records. */
export interface VipClaim extends ClaimOwner {
  readonly address: string;
  /** The subnet UUID, or {@link ANY_SUBNET}. */
  readonly subnet: string;
}

/** A claim as listed in Prism Central: its category value and what its description says. */
export interface ListedClaim {
  readonly value: string;
  /** Undefined when the description is not one this library wrote (an unknown owner). */
  readonly claim: VipClaim | undefined;
  readonly description: string;
}

/** The stack identity a claim names: `<project>/<stack>` (ownership.ts `stackIdentity`, held by the Services). */
export function stackIdentity(s: { readonly identity: string }): string {
  return s.identity;
}

/** The category value of the claim of `address` on `subnet`: `vip-` + 16 hex of SHA-256(subnet, address). */
export function claimValue(subnet: string, address: string): string {
  return `vip-${sha256(`${subnet}\u0000${address}`).slice(0, 16)}`;
}

const DESCRIPTION_PREFIX = "kube-vip address claimed by nutanix-palette-cdk: ";

/** The description of a claim: a readable prefix and the claim as JSON (sorted keys, deterministic). */
export function claimDescription(c: VipClaim): string {
  return `${DESCRIPTION_PREFIX}${JSON.stringify({ address: c.address, resource: c.resource, stack: c.stack, subnet: c.subnet })}`;
}

/** The claim a description records, or undefined when it is not one {@link claimDescription} wrote. */
export function parseClaimDescription(description: string | undefined): VipClaim | undefined {
  if (!description?.startsWith(DESCRIPTION_PREFIX)) return undefined;
  try {
    const v: unknown = JSON.parse(description.slice(DESCRIPTION_PREFIX.length));
    if (typeof v !== "object" || v === null) return undefined;
    const o = v as Record<string, unknown>;
    const { address, resource, stack, subnet } = o;
    if (typeof address !== "string" || typeof resource !== "string" || typeof stack !== "string" || typeof subnet !== "string") return undefined;
    return { address, resource, stack, subnet };
  } catch {
    return undefined;
  }
}

/** The owner of a claim in words, for messages. */
export function ownerText(c: ClaimOwner): string {
  return `stack ${JSON.stringify(c.stack)} (resource ${c.resource})`;
}

/** What apply must do about the claim of one endpoint. */
export type ClaimDecision =
  | { readonly action: "keep" }
  | { readonly action: "claim" }
  /** The claim is this stack's, under a resource id the plan no longer holds (a renamed cluster): take it over. */
  | { readonly action: "take-over"; readonly from: string }
  | { readonly action: "refuse"; readonly reason: string };

/**
 * The decision for the claim of `wanted` given what Prism Central lists under its value (`existing`,
 * undefined when there is none). `planIds` are the resource ids of the plan being applied.
 */
export function decideClaim(wanted: VipClaim, existing: ListedClaim | undefined, planIds: ReadonlySet<string>): ClaimDecision {
  if (!existing) return { action: "claim" };
  const where = `the kube-vip address ${wanted.address}${wanted.subnet === ANY_SUBNET ? "" : ` on subnet ${wanted.subnet}`}`;
  const record = `category ${VIP_CLAIM_KEY}:${existing.value} in Prism Central`;
  const c = existing.claim;
  if (!c) return { action: "refuse", reason: `${where} is claimed by an unknown owner (${record}, description ${JSON.stringify(existing.description)}); choose another address, or delete that category value if nothing uses the address` };
  if (c.stack === wanted.stack && c.resource === wanted.resource) return { action: "keep" };
  if (c.stack === wanted.stack && !planIds.has(c.resource)) return { action: "take-over", from: c.resource };
  const holder = c.stack === wanted.stack ? `resource ${c.resource} of this stack` : ownerText(c);
  return { action: "refuse", reason: `${where} is claimed by ${holder} (${record}); choose another address, or destroy that cluster first` };
}

/**
 * The claims of `owner` other than `keep` (values): what an endpoint whose address or subnet changed
 * leaves behind, released after its new claim is written.
 */
export function staleClaims(listed: readonly ListedClaim[], owner: ClaimOwner, keep: string): ListedClaim[] {
  return listed.filter((l) => l.value !== keep && l.claim?.stack === owner.stack && l.claim.resource === owner.resource);
}
