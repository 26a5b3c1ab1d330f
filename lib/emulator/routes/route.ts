/** What a v3 route module receives and returns. */
import type { Emulator } from "../emulator";
import { errorReply } from "../errors";
import type { Reply } from "../http";
import type { JsonObject } from "../state";

/** A v3 request after auth-independent parsing: path segments below the API prefix, decoded. */
export interface RouteRequest {
  emu: Emulator;
  method: string;
  segs: string[];
  body: unknown;
  /** The authenticated user ("" when not authenticated; such requests are never run). */
  user: string;
}

/** A matched route: its template (for counters), whether it writes, and its handler (run under the mutex). */
export interface Route {
  template: string;
  write: boolean;
  run: () => Reply;
}

export function route(template: string, write: boolean, run: () => Reply): Route {
  return { template, write, run };
}

/** 405 for a method the path does not take. */
export function methodNotAllowed(method: string, template: string, allowed: string): Route {
  return route(template, false, () => errorReply(405, "INVALID_REQUEST", `method ${method} is not allowed on ${template}; allowed: ${allowed}`));
}

/** Filter/sort attributes of a list: each reads a string (or nothing) from a rendered entity. */
export type Attrs = Record<string, (e: JsonObject) => string | undefined>;

export function nameAttr(e: JsonObject): string | undefined {
  const spec = e.spec as { name?: string } | undefined;
  const st = e.status as { name?: string } | undefined;
  return spec?.name ?? st?.name;
}

export function uuidAttr(e: JsonObject): string | undefined {
  return (e.metadata as { uuid?: string }).uuid;
}
