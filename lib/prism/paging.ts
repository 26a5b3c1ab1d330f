/** Collecting every entity of a paged list. */
import { isObject } from "./json";
import type { ListResponse } from "./types";

/** Prism caps a page at 500 entities, silently (nutanix/terraform-provider-nutanix issue #255). */
export const MAX_PAGE_LENGTH = 500;
const MAX_PAGES = 100_000;

/**
 * Every entity, paging with offset/length until total_matches. Stops also on an empty page or a page
 * of only already-seen entities (a server that ignores offset), and on a short page when
 * total_matches is missing. A page shorter than asked is not the end when total_matches says more
 * remain. `keyOf` names an entity for the already-seen check (undefined: never a duplicate).
 */
export async function collectPages<E>(
  fetchPage: (offset: number) => Promise<ListResponse<E>>,
  pageLength: number,
  keyOf: (entity: E) => string | undefined,
): Promise<E[]> {
  const out: E[] = [];
  const seen = new Set<string>();
  let offset = 0;
  for (let page = 0; page < MAX_PAGES; page++) {
    const res = await fetchPage(offset);
    const entities = res.entities ?? [];
    let added = 0;
    for (const e of entities) {
      const key = keyOf(e);
      if (key !== undefined) {
        if (seen.has(key)) continue;
        seen.add(key);
      }
      out.push(e);
      added++;
    }
    offset += entities.length;
    const total = res.metadata?.total_matches;
    if (entities.length === 0 || added === 0) break;
    if (typeof total === "number") {
      if (out.length >= total) break;
    } else if (entities.length < pageLength) break;
  }
  return out;
}

/** An entity's identity in a list: its metadata uuid, its uuid, or its name (and value). */
export function identityOf(e: unknown): string | undefined {
  if (!isObject(e)) return undefined;
  const md = e.metadata;
  if (isObject(md) && typeof md.uuid === "string") return md.uuid;
  if (typeof e.uuid === "string") return e.uuid;
  if (typeof e.name === "string") return `name:${e.name}${typeof e.value === "string" ? `=${e.value}` : ""}`;
  return undefined;
}
