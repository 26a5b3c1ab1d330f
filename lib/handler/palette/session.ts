/**
 * The Palette client of one run and one PaletteAccount resource: the target resolved from the account
 * (endpoint overridden by `--palette-endpoint`, then `PALETTE_ENDPOINT`, lib/handler/palette/target.ts), the API key read from its secret
 * reference, and the project that scopes project-level calls (`ProjectUid`, resolved once from its name by the
 * client). One client per account per run; the reconcilers share it.
 */
import { PaletteClient, type PaletteClientOptions } from "../../palette";
import type { ResourceOfKind } from "../../schema/plan";
import type { Services } from "../services";
import { readSecret } from "../target";
import { resolvePaletteEndpoint, type PaletteTarget } from "./target";

type PaletteAccountResource = ResourceOfKind<"PaletteAccount">;

/** The resolved connection of an account (the key is kept out of every message). */
export interface PaletteConnection {
  readonly client: PaletteClient;
  readonly endpoint: string;
  readonly endpointSource: PaletteTarget["endpointSource"];
  readonly project: string;
}

/** Client options for tests (fast retries). @default the client's defaults */
export type PaletteClientOverrides = Partial<Pick<PaletteClientOptions, "retry" | "timeoutMs">>;

const connections = new WeakMap<Services, Map<string, PaletteConnection>>();
const overridesOf = new WeakMap<Services, PaletteClientOverrides>();
const endpointOf = new WeakMap<Services, string>();

/**
 * Sets the run's `--palette-endpoint` (before the first use): it wins over `PALETTE_ENDPOINT` and the accounts'
 * endpoints, as `--endpoint` does for Prism Central. Checked at once, so a bad URL is bad input before any request.
 * @throws HandlerInputError when it is not an http(s) URL
 */
export function setPaletteEndpoint(s: Services, endpoint: string): void {
  resolvePaletteEndpoint({ endpoint, env: {} });
  endpointOf.set(s, endpoint);
}

/** Sets the client options of a run's Palette clients (before the first use). */
export function setPaletteClientOverrides(s: Services, o: PaletteClientOverrides): void {
  overridesOf.set(s, o);
}

/** The connection of account `res` in this run (created on first use). @throws HandlerInputError on a missing endpoint or key. */
export function paletteConnection(s: Services, res: PaletteAccountResource): PaletteConnection {
  let byAccount = connections.get(s);
  if (!byAccount) {
    byAccount = new Map();
    connections.set(s, byAccount);
  }
  const hit = byAccount.get(res.id);
  if (hit) return hit;
  const c = newPaletteConnection(res, s.env, endpointOf.get(s), overridesOf.get(s));
  byAccount.set(res.id, c);
  return c;
}

/**
 * A new connection of account `res` (no run: `nutanix-handler kubeconfig` uses it without Prism Central).
 * `endpoint` is `--palette-endpoint`. @throws HandlerInputError on a missing or bad endpoint, or a missing key
 */
export function newPaletteConnection(res: PaletteAccountResource, env: NodeJS.ProcessEnv, endpoint?: string, overrides: PaletteClientOverrides = {}): PaletteConnection {
  const t = resolvePaletteEndpoint({ account: { id: res.id, endpoint: res.spec.endpoint }, env, ...(endpoint !== undefined ? { endpoint } : {}) });
  const apiKey = readSecret(res.spec.apiKey, env, `${res.id}: apiKey (the Palette API key)`);
  const client = new PaletteClient({
    endpoint: t.endpoint,
    apiKey,
    project: res.spec.project,
    insecure: res.spec.insecure,
    ...(res.spec.trustBundle ? { caCertificates: [res.spec.trustBundle] } : {}),
    ...overrides,
  });
  return { client, endpoint: t.endpoint, endpointSource: t.endpointSource, project: res.spec.project };
}

/** The connection of the PaletteAccount a resource names (`from` is the referring resource). */
export function paletteConnectionOf(s: Services, accountId: string, from: string): PaletteConnection {
  return paletteConnection(s, s.plan.require(accountId, "PaletteAccount", from));
}

/** Closes the run's Palette clients (their keep-alive sockets). */
export function closePaletteConnections(s: Services): void {
  for (const c of connections.get(s)?.values() ?? []) c.client.close();
  connections.delete(s);
}
