/**
 * Typed errors of the Prism Central client. No message ever contains credentials, the
 * Authorization header or session cookies.
 */
import type { ErrorBody, MessageResource, TaskEntity } from "./types";

/** Base class of every error thrown by the client. */
export class PrismError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A JSON error answer (§7), or a 2xx answer whose `status.state` is `ERROR`. */
export class PrismApiError extends PrismError {
  readonly status: number;
  readonly method: string;
  readonly path: string;
  readonly reasons: string[];
  readonly messageList: MessageResource[];
  readonly body: unknown;

  constructor(init: { status: number; method: string; path: string; messageList: MessageResource[]; body: unknown }) {
    const reasons = init.messageList.map((m) => m.reason).filter((r): r is string => typeof r === "string" && r !== "");
    const detail =
      init.messageList.length === 0
        ? describeNonJson(init.body)
        : init.messageList.map((m) => `${m.reason ? `${m.reason}: ${m.message}` : m.message}${describeDetails(m.details)}`).join("; ");
    super(`${init.method} ${init.path}: ${init.status}${detail ? ` ${detail}` : ""}`);
    this.status = init.status;
    this.method = init.method;
    this.path = init.path;
    this.reasons = reasons;
    this.messageList = init.messageList;
    this.body = init.body;
  }

  /** True when any message has this reason (e.g. `ENTITY_NOT_FOUND`). */
  hasReason(reason: string): boolean {
    return this.reasons.includes(reason) || this.messageList.some((m) => m.message.includes(reason));
  }

  /** True for an edit conflict: 409, or reason CONCURRENT_REQUESTS_NOT_ALLOWED, or the known message. */
  get isEditConflict(): boolean {
    return (
      this.hasReason("CONCURRENT_REQUESTS_NOT_ALLOWED") ||
      this.messageList.some((m) => m.message === "Edit conflict: please retry change.") ||
      (this.status === 409 && !this.hasReason("ENTITY_ALREADY_EXISTS"))
    );
  }

  static fromBody(status: number, method: string, path: string, body: unknown): PrismApiError {
    const list = extractMessageList(body);
    return new PrismApiError({ status, method, path, messageList: list, body });
  }
}

function describeDetails(details: unknown): string {
  if (details === undefined || details === null) return "";
  if (typeof details === "object" && !Array.isArray(details)) {
    const parts = Object.entries(details as Record<string, unknown>).map(([k, v]) => {
      const text = Array.isArray(v) ? v.map(String).join(", ") : typeof v === "string" ? v : JSON.stringify(v);
      return k ? `${k}: ${text}` : text;
    });
    return parts.length ? ` (${parts.join("; ")})` : "";
  }
  return ` (${typeof details === "string" ? details : JSON.stringify(details)})`;
}

function describeNonJson(body: unknown): string {
  if (typeof body === "string") {
    const t = body.trim().replace(/\s+/g, " ");
    return t.length > 200 ? `${t.slice(0, 200)}…` : t;
  }
  return "";
}

/** Pulls `message_list` out of an error body, or a `status.message_list` out of a 2xx ERROR body. */
export function extractMessageList(body: unknown): MessageResource[] {
  if (!body || typeof body !== "object") return [];
  const b = body as ErrorBody & { status?: { message_list?: unknown } };
  const raw = Array.isArray(b.message_list)
    ? b.message_list
    : b.status && typeof b.status === "object" && Array.isArray(b.status.message_list)
      ? b.status.message_list
      : [];
  const out: MessageResource[] = [];
  for (const m of raw as unknown[]) {
    if (m && typeof m === "object") {
      const o = m as Record<string, unknown>;
      const item: MessageResource = { message: typeof o.message === "string" ? o.message : JSON.stringify(o.message ?? "") };
      if (typeof o.reason === "string") item.reason = o.reason;
      if (o.details !== undefined) item.details = o.details;
      out.push(item);
    }
  }
  return out;
}

/** 401: bad credentials. Prism answers with a plain-text (non-JSON) body. */
export class PrismAuthError extends PrismError {
  readonly status = 401;
  readonly method: string;
  readonly path: string;
  constructor(method: string, path: string, bodyText: string) {
    const t = bodyText.trim().replace(/\s+/g, " ").slice(0, 200);
    super(`${method} ${path}: 401 authentication failed${t ? ` (${t})` : ""}: check the username and password`);
    this.method = method;
    this.path = path;
  }
}

/** A task that ended FAILED, ABORTED or INVALID_UUID. */
export class PrismTaskError extends PrismError {
  readonly taskUuid: string;
  readonly taskStatus: string;
  readonly errorDetail: string | undefined;
  readonly errorCode: string | undefined;
  readonly progressMessage: string | undefined;
  readonly task: TaskEntity | undefined;
  constructor(taskUuid: string, taskStatus: string, task?: TaskEntity) {
    const parts = [`task ${taskUuid} ${taskStatus}`];
    if (task?.error_code !== undefined && task.error_code !== "") parts.push(`error_code ${String(task.error_code)}`);
    if (task?.error_detail) parts.push(task.error_detail);
    if (task?.progress_message) parts.push(`(${task.progress_message})`);
    super(parts.join(": "));
    this.taskUuid = taskUuid;
    this.taskStatus = taskStatus;
    this.errorDetail = task?.error_detail;
    this.errorCode = task?.error_code === undefined ? undefined : String(task.error_code);
    this.progressMessage = task?.progress_message;
    this.task = task;
  }

  /** True when the task failed because of an edit conflict (pc.2022.1+ report conflicts this way). */
  get isEditConflict(): boolean {
    const text = `${this.errorDetail ?? ""} ${this.progressMessage ?? ""}`;
    return text.includes("CONCURRENT_REQUESTS_NOT_ALLOWED") || text.includes("Edit conflict");
  }
}

/** A deadline passed: waiting for a task, or a request that got no answer in time. */
export class PrismTimeoutError extends PrismError {
  readonly timeoutMs: number;
  readonly what: string;
  constructor(what: string, timeoutMs: number, options?: { cause?: unknown; hint?: string }) {
    super(`${what}: timed out after ${timeoutMs} ms${options?.hint ? ` (${options.hint})` : ""}`, options);
    this.timeoutMs = timeoutMs;
    this.what = what;
  }
}

/** The connection failed (refused, reset, DNS, TLS) after all retries. */
export class PrismConnectionError extends PrismError {
  readonly code: string | undefined;
  readonly method: string;
  readonly path: string;
  readonly isTls: boolean;
  constructor(init: { method: string; path: string; code?: string; detail: string; isTls: boolean; cause?: unknown }) {
    super(`${init.method} ${init.path}: ${init.detail}`, { cause: init.cause });
    this.code = init.code;
    this.method = init.method;
    this.path = init.path;
    this.isTls = init.isTls;
  }
}

/** One failed lookup: zero or several entities match a name (or no entity has a UUID). */
export interface LookupIssue {
  kind: string;
  /** The name or UUID asked for. */
  name: string;
  /** "missing" (zero matches) or "ambiguous" (several). */
  problem: "missing" | "ambiguous";
  /** For "ambiguous": the matching entities. For "missing": every known entity of the kind (possibly truncated). */
  candidates: Array<{ name: string; uuid: string }>;
  /** Extra context, e.g. "on cluster PE-1". */
  scope?: string | undefined;
  /** The lookup was by UUID, not by name. */
  byUuid?: boolean;
  message: string;
}

/** A lookup failed. Aggregated lookups (resolveAll) carry every issue in `issues`. */
export class PrismLookupError extends PrismError {
  readonly issues: LookupIssue[];
  constructor(issues: LookupIssue[]) {
    super(issues.length === 1 ? issues[0]!.message : `${issues.length} lookups failed:\n${issues.map((i) => `  - ${i.message}`).join("\n")}`);
    this.issues = issues;
  }
  get kind(): string {
    return this.issues[0]?.kind ?? "";
  }
  get lookupName(): string {
    return this.issues[0]?.name ?? "";
  }
  get candidates(): Array<{ name: string; uuid: string }> {
    return this.issues[0]?.candidates ?? [];
  }

  static issue(init: Omit<LookupIssue, "message">): LookupIssue {
    const scope = init.scope ? ` ${init.scope}` : "";
    const list = (c: Array<{ name: string; uuid: string }>, withUuid: boolean): string => {
      const shown = c.slice(0, 25).map((x) => (withUuid ? `${x.name} (${x.uuid})` : x.name));
      if (c.length > 25) shown.push(`… ${c.length - 25} more`);
      return shown.length ? shown.join(", ") : "(none)";
    };
    const message =
      init.problem === "missing" && init.byUuid
        ? `no ${init.kind} with uuid ${init.name}${scope}`
        : init.problem === "missing"
        ? `no ${init.kind} named ${init.name}${scope}; known: ${list(init.candidates, false)}`
        : `${init.candidates.length} ${init.kind}s named ${init.name}${scope}: ${list(init.candidates, true)}; use a UUID`;
    return { ...init, message };
  }
}
