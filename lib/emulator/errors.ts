/** Error replies with the bodies of the reference (§7), including those of injected faults. */
import type { z } from "zod";
import { API_VERSION } from "./api";
import type { FaultDecision } from "./faults";
import type { Reply } from "./http";
import type { JsonObject } from "./state";

export function errorReply(status: number, reason: string, message: string, kind?: string, details?: unknown): Reply {
  const m: JsonObject = { message, reason };
  if (details !== undefined) m.details = details;
  const body: JsonObject = { api_version: API_VERSION, code: status };
  if (kind) body.kind = kind;
  body.state = "ERROR";
  body.message_list = [m];
  return { status, body, note: `${reason}: ${message}` };
}

export function notFound(kind: string, id: string): Reply {
  return errorReply(404, "ENTITY_NOT_FOUND", `${kind} : ${id} does not exist.`, kind);
}

export function invalid(details: Record<string, string[]>): Reply {
  const r: Reply = {
    status: 422,
    body: {
      api_version: API_VERSION,
      code: 422,
      state: "ERROR",
      message_list: [{ message: "Request could not be processed.", reason: "INVALID_REQUEST", details }],
    },
    note: `INVALID_REQUEST: ${Object.entries(details)
      .map(([k, v]) => `${k || "(body)"}: ${v.join(", ")}`)
      .join("; ")}`,
  };
  return r;
}

export function conflict(kind: string): Reply {
  return errorReply(409, "CONCURRENT_REQUESTS_NOT_ALLOWED", "Edit conflict: please retry change.", kind);
}

export function internalError(detail: string): Reply {
  // TF #131 shape: no code, no api_version.
  return {
    status: 500,
    body: { state: "ERROR", message_list: [{ message: `error_code: 9\nerror_detail: "${detail}"`, reason: "INTERNAL_ERROR" }] },
    note: `INTERNAL_ERROR: ${detail}`,
  };
}

export function zodDetails(err: z.ZodError, prefix = ""): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const i of err.issues) {
    const key = [prefix, ...i.path.map(String)].filter(Boolean).join(".");
    (out[key] ??= []).push(i.code === "unrecognized_keys" ? `unknown field(s) ${i.keys.join(", ")}` : i.message);
  }
  return out;
}

export function faultReply(d: Extract<FaultDecision, { kind: "status" }>, retryAfter: number): Reply {
  if (d.status === 500) return internalError("Injected fault (prism-emulator)");
  if (d.status === 503) {
    // What envoy says when the upstream is down: plain text, not JSON.
    return { status: 503, text: "upstream connect error or disconnect/reset before headers. reset reason: connection termination", headers: { "Retry-After": String(retryAfter) } };
  }
  const r = errorReply(429, "TOO_MANY_REQUESTS", d.reason === "budget" ? "Request budget exhausted (prism-emulator)" : "Too many requests, slow down.");
  r.headers = { "Retry-After": String(retryAfter) };
  return r;
}
