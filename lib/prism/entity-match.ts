/** Finding one entity by name (case-insensitive, exact) or uuid, or the lookup issue saying why not. */
import { PrismLookupError, type LookupIssue } from "./errors";
import type { Metadata } from "./types";

export type EntityRefLike = { name: string } | { uuid: string };

export interface Resolved<E> {
  uuid: string;
  name: string;
  entity: E;
}

/** The entity's name: spec first, then status; "" when neither has one. */
export function entityName(e: { spec?: unknown; status?: unknown }): string {
  const s = e.status as { name?: unknown } | undefined;
  const p = e.spec as { name?: unknown } | undefined;
  if (typeof p?.name === "string") return p.name;
  if (typeof s?.name === "string") return s.name;
  return "";
}

/**
 * The one eligible entity `ref` names, or the issue: missing (with the eligible candidates, and
 * `ineligibleHint` on the same-named entities that are not eligible) or ambiguous.
 */
export function matchEntity<E extends { metadata: Metadata; spec?: unknown; status?: unknown }>(
  kind: string,
  ref: EntityRefLike,
  all: E[],
  eligible: (e: E) => boolean,
  scope?: string,
  ineligibleHint?: (matches: E[]) => string | undefined,
): Resolved<E> | LookupIssue {
  const brief = (e: E): { name: string; uuid: string } => ({ name: entityName(e), uuid: e.metadata.uuid ?? "" });
  const pool = all.filter(eligible);
  if ("uuid" in ref) {
    const hit = all.find((e) => e.metadata.uuid === ref.uuid);
    if (hit && eligible(hit)) return { uuid: ref.uuid, name: entityName(hit), entity: hit };
    const hint = hit ? ineligibleHint?.([hit]) : undefined;
    return PrismLookupError.issue({ kind, name: ref.uuid, problem: "missing", candidates: pool.map(brief), byUuid: true, scope: [scope, hint].filter(Boolean).join(" ") || undefined });
  }
  const want = ref.name.toLowerCase();
  const matches = pool.filter((e) => entityName(e).toLowerCase() === want);
  if (matches.length === 1) {
    const m = matches[0]!;
    return { uuid: m.metadata.uuid ?? "", name: entityName(m), entity: m };
  }
  if (matches.length === 0) {
    const hint = ineligibleHint?.(all.filter((e) => entityName(e).toLowerCase() === want));
    const sc = [scope, hint].filter(Boolean).join(" ");
    return PrismLookupError.issue({ kind, name: ref.name, problem: "missing", candidates: pool.map(brief), scope: sc || undefined });
  }
  return PrismLookupError.issue({ kind, name: ref.name, problem: "ambiguous", candidates: matches.map(brief), scope });
}

export function isIssue(r: unknown): r is LookupIssue {
  return typeof r === "object" && r !== null && "problem" in r && "message" in r;
}

/** The resolved entity; throws PrismLookupError for an issue. */
export function unwrap<E>(r: Resolved<E> | LookupIssue): Resolved<E> {
  if ("problem" in r && "message" in r) throw new PrismLookupError([r]);
  return r as Resolved<E>;
}
