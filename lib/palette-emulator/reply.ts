/**
 * Replies and Palette's error body. Errors are `{code, message, details, ref}` (palette-sdk-go `models.V1Error`);
 * the codes used: `ResourceNotFound` (palette-sdk-go `herr.IsNotFound`), `TooManyRequests` and `Unauthorized`
 * (librarium API intro: 429 TooManyRequests, 401 for a missing or invalid token); `InvalidRequest`,
 * `Forbidden`, `ResourceConflict` and `InternalError` are guesses (the code catalogue is not public).
 */

export interface Reply {
  status: number;
  /** A JSON body. */
  body?: unknown;
  /** A file body (`application/octet-stream`). */
  file?: { name: string; content: string };
  headers?: Record<string, string>;
  /** The request changed the state (persisted before the reply). */
  wrote?: boolean;
}

let refCounter = 0;

export function err(status: number, code: string, message: string, details?: unknown): Reply {
  refCounter++;
  const body: Record<string, unknown> = { code, message, ref: `emu-${refCounter.toString(16).padStart(8, "0")}` };
  if (details !== undefined) body.details = details;
  return { status, body };
}

export const notFound = (what: string): Reply => err(404, "ResourceNotFound", `${what} not found`);
export const invalid = (message: string, details?: unknown): Reply => err(400, "InvalidRequest", message, details);
export const conflict = (message: string): Reply => err(409, "ResourceConflict", message);

/** 201 `{uid}` with an AuditUid header (librarium: "Many mutating calls return an AuditUid response header"). */
export function created(uid: string): Reply {
  return { status: 201, body: { uid }, headers: { AuditUid: `audit-${uid}` }, wrote: true };
}

export function noContent(wrote = true): Reply {
  return { status: 204, headers: wrote ? { AuditUid: `audit-${Date.now().toString(16)}` } : {}, wrote };
}

export function ok(body: unknown, wrote = false): Reply {
  return { status: 200, body, wrote };
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}
