/** What a route handler gets: the state (under the emulator's lock), the clock, the caller's scope, the request. */
import type { Reply } from "./reply";
import type { PaletteState, Scope, StoredAccount, StoredCluster } from "./state";

export interface Timings {
  /** Length of one lifecycle step (PCG and cluster transitions). */
  stepMs: number;
}

export interface Ctx {
  state: PaletteState;
  now: number;
  timings: Timings;
  /** The caller's scope: "" (tenant) or the ProjectUid header. */
  scope: Scope;
  params: Record<string, string>;
  query: URLSearchParams;
  /** The JSON body, or undefined. */
  body: unknown;
  /** The raw body (multipart uploads). */
  raw: Buffer;
  contentType: string;
  /** `http://127.0.0.1:port` of the emulator. */
  baseUrl: string;
}

export type Handler = (c: Ctx) => Reply | Promise<Reply>;

export interface Route {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** A spec path template, e.g. `/v1/overlords/{uid}`. */
  path: string;
  handler: Handler;
}

/**
 * Visibility by scope (librarium API intro: without ProjectUid "the assumed scope is of the tenant"): a project
 * caller sees its project's objects and the tenant's; a tenant caller sees the tenant's only (the second half is a
 * guess).
 */
export function visible(c: Ctx, scope: Scope): boolean {
  return scope === "" || scope === c.scope;
}

export function scopeAnnotations(c: Ctx, scope: Scope): Record<string, string> {
  const a: Record<string, string> = { scope: scope === "" ? "tenant" : "project", tenantUid: c.state.tenantUid };
  if (scope !== "") a.projectUid = scope;
  return a;
}

export function findAccount(c: Ctx, uid: string): StoredAccount | undefined {
  const a = c.state.accounts[uid];
  return a && visible(c, a.scope) ? a : undefined;
}

export function findClusterByConfig(c: Ctx, configUid: string): StoredCluster | undefined {
  return Object.values(c.state.clusters).find((x) => x.configUid === configUid && visible(c, x.scope) && x.deleteAt === undefined);
}
