/**
 * Several Prism Central accounts in one plan (issue 12, item 6): which account each resource is applied
 * through, which accounts a run needs, how per-account overrides (`--endpoint <account id>=<url>`, …) are
 * read, and the order the per-Prism-Central locks are taken in. Pure functions (table tests:
 * test/handler/accounts.test.ts); session.ts and index.ts act on them.
 */
import type { Plan, PlanResource } from "../schema/plan";
import { HandlerInputError } from "./errors";

/**
 * The PrismCentralAccount resource `r` is applied through: itself for an account, `spec.account` for every
 * kind that names one (NodePool, NutanixCluster, KubeVipEndpoint, PrivateCloudGateway, PaletteCluster),
 * undefined for a PaletteAccount (it talks to Palette only).
 */
export function accountOf(r: PlanResource): string | undefined {
  if (r.kind === "PrismCentralAccount") return r.id;
  if (r.kind === "PaletteAccount") return undefined;
  return r.spec.account;
}

/** The plan's PrismCentralAccount ids, in plan order. */
export function accountIds(plan: Plan): string[] {
  return plan.resources.filter((r) => r.kind === "PrismCentralAccount").map((r) => r.id);
}

/**
 * Pure: the accounts a run needs, in plan order. A run of one resource (`--resource`, as each local-exec of
 * the bridge) needs that resource's account only (a PaletteAccount: the plan's first account, whose client
 * the run's shared services use); a resource that is no longer in the plan may have VMs on any Prism
 * Central, so such a run, and a run of the whole plan, needs every account. A plan without accounts: one
 * run on the target the flags or environment name (`undefined`).
 */
export function runAccounts(plan: Plan, resource: string | undefined): Array<string | undefined> {
  const ids = accountIds(plan);
  if (ids.length === 0) return [undefined];
  if (resource === undefined) return ids;
  const r = plan.resources.find((x) => x.id === resource);
  if (!r) return ids;
  return [accountOf(r) ?? ids[0]];
}

/** A flag given once for every account (`plain`) or per account (`<account id>=<value>`). */
export interface PerAccount {
  readonly plain?: string;
  readonly byAccount: ReadonlyMap<string, string>;
}

/**
 * Pure: reads the values of a repeatable per-account flag. `<account id>=<value>` names one account when
 * the text before the first `=` is one of `ids`; an `--endpoint` value with `=` before any `://` must be
 * that form (an unknown id is refused, naming the known ones). Anything else is the plain form, given at
 * most once. Errors name the flag (`label`: "--endpoint", "NUTANIX_ENDPOINT", …).
 */
export function parsePerAccount(label: string, values: string | readonly string[] | undefined, ids: readonly string[], url = false): PerAccount {
  const list = values === undefined ? [] : typeof values === "string" ? [values] : values;
  const byAccount = new Map<string, string>();
  let plain: string | undefined;
  for (const v of list) {
    const eq = v.indexOf("=");
    const prefix = eq > 0 ? v.slice(0, eq) : undefined;
    const scheme = v.indexOf("://");
    const perAccount = prefix !== undefined && (ids.includes(prefix) || (url && (scheme < 0 || eq < scheme)));
    if (perAccount) {
      if (!ids.includes(prefix)) {
        throw new HandlerInputError(`${label} ${prefix}=…: ${prefix} is no PrismCentralAccount of the plan; known: ${ids.join(", ") || "none"}`);
      }
      if (byAccount.has(prefix)) throw new HandlerInputError(`${label} ${prefix}=… is given twice`);
      byAccount.set(prefix, v.slice(eq + 1));
      continue;
    }
    if (plain !== undefined) throw new HandlerInputError(`${label} is given twice without an account id; use ${label} <account id>=<value> per account`);
    plain = v;
  }
  return { ...(plain !== undefined ? { plain } : {}), byAccount };
}

/**
 * Pure: a value that is given once for every account (a plain `--endpoint`, `NUTANIX_ENDPOINT`, a plain
 * `--credentials-file`) is refused when the plan has several accounts: it would send every resource, and
 * every account's credentials, to one Prism Central. Returns the refusal, or undefined.
 */
export function ambiguousOverride(what: string, flag: string, ids: readonly string[]): string | undefined {
  if (ids.length <= 1) return undefined;
  return `${what} names one Prism Central, but the plan has ${ids.length} PrismCentralAccounts (${ids.join(", ")}): give --${flag} <account id>=<value> for each account you override`;
}

/**
 * Pure: the order a run takes its per-Prism-Central locks in: one lock per distinct endpoint, sorted by
 * endpoint, so two plans sharing Prism Centrals take them in the same order and cannot deadlock waiting
 * for each other (`--lock-timeout`). Returns the index of the first account of each endpoint.
 */
export function lockOrder(endpoints: readonly string[]): number[] {
  const first = new Map<string, number>();
  endpoints.forEach((e, i) => {
    if (!first.has(e)) first.set(e, i);
  });
  return [...first.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([, i]) => i);
}
