/**
 * List filters re-checked on the client. Real Prism Centrals apply FIQL filters loosely: on
 * pc.2022.6 a cluster-name filter returned every cluster (terraform-provider-nutanix issue #542), and
 * every reference client compares names itself (CAPX lists and compares with EqualFold). A filter of
 * `attr==value` terms joined by `;` (AND) and `,` (OR) is re-applied here; a filter this cannot read, or
 * an attribute it does not know, leaves the page as the server sent it.
 */
import type { Metadata } from "./types";

type Entity = { metadata?: Metadata; spec?: unknown; status?: unknown };
type Getter = (e: Entity) => string | undefined;

function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}
const spec = (e: Entity): Record<string, unknown> => (e.spec && typeof e.spec === "object" ? (e.spec as Record<string, unknown>) : {});
const status = (e: Entity): Record<string, unknown> => (e.status && typeof e.status === "object" ? (e.status as Record<string, unknown>) : {});
const name: Getter = (e) => str(spec(e).name) ?? str(status(e).name) ?? str((e as Record<string, unknown>).value);
const clusterRef = (e: Entity): Record<string, unknown> =>
  ((status(e).cluster_reference ?? spec(e).cluster_reference) as Record<string, unknown> | undefined) ?? {};

/** Attributes compared exactly, and those compared without case (FIQL enum-like values). */
const GETTERS: Record<string, { get: Getter; ci: boolean }> = {
  name: { get: name, ci: false },
  vm_name: { get: name, ci: false },
  uuid: { get: (e) => str(e.metadata?.uuid), ci: true },
  cluster_name: { get: (e) => str(clusterRef(e).name), ci: false },
  cluster_uuid: { get: (e) => str(clusterRef(e).uuid), ci: true },
  power_state: { get: (e) => str((status(e).resources as Record<string, unknown> | undefined)?.power_state), ci: true },
  // Tasks (`tasks/list`): top-level `operation_type` and a string `status` (QUEUED, RUNNING, SUCCEEDED…).
  operation_type: { get: (e) => str((e as Record<string, unknown>).operation_type), ci: true },
  status: { get: (e) => str(e.status), ci: true },
};

interface Term {
  attr: string;
  value: string;
}

/** Parses `a==x;b==y,c==z` (values unquoted or single-quoted); null when the filter uses anything else. */
export function parseSimpleFilter(filter: string): Term[][] | null {
  const ors: Term[][] = [];
  for (const orPart of filter.split(",")) {
    const and: Term[] = [];
    for (const t of orPart.split(";")) {
      const m = /^\s*([A-Za-z_][A-Za-z0-9_.]*)\s*==\s*(?:'((?:[^']|'')*)'|([^'=!<>()]*?))\s*$/.exec(t);
      if (!m) return null;
      and.push({ attr: m[1]!, value: m[2] !== undefined ? m[2].replace(/''/g, "'") : m[3]! });
    }
    ors.push(and);
  }
  return ors;
}

/** The entities that really match `filter` (see the module note); all of them when the filter cannot be checked. */
export function recheckFilter<E>(filter: string | undefined, entities: E[]): E[] {
  if (filter === undefined || filter.trim() === "") return entities;
  const expr = parseSimpleFilter(filter);
  if (!expr || expr.some((and) => and.some((t) => !(t.attr in GETTERS)))) return entities;
  return entities.filter((e) =>
    expr.some((and) =>
      and.every((t) => {
        const g = GETTERS[t.attr]!;
        const v = g.get(e as Entity);
        return v !== undefined && (g.ci ? v.toLowerCase() === t.value.toLowerCase() : v === t.value);
      }),
    ),
  );
}
