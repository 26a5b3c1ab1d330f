/**
 * Palette's error answers turned into one error type. The body is `models.V1Error` of palette-sdk-go
 * (`{code, message, details, ref}`); when it is not JSON the SDK falls back to the HTTP status text and the raw
 * body, and so does {@link parseErrorBody}. Known codes: `ResourceNotFound` (SDK `herr.IsNotFound`),
 * `TooManyRequests` (librarium `api-docs/1-introduction.md`).
 */
import type { V1Error } from "./types";
import type { Redactor } from "./redact";

/** An HTTP status (or a transport failure, status 0) from Palette, with the fields of its V1Error body. */
export class PaletteError extends Error {
  /** HTTP status; 0 when no answer came (connection refused or reset, timeout). */
  readonly status: number;
  /** `code` of the error body, e.g. `ResourceNotFound`; the HTTP status text when the body had none. */
  readonly code: string;
  readonly details: unknown;
  readonly ref: string | undefined;
  /** `METHOD /path` of the request that failed. */
  readonly operation: string;

  constructor(init: { status: number; code: string; message: string; details?: unknown; ref?: string | undefined; operation: string }, options?: { cause?: unknown }) {
    super(init.message, options);
    this.name = "PaletteError";
    this.status = init.status;
    this.code = init.code;
    this.details = init.details;
    this.ref = init.ref;
    this.operation = init.operation;
  }

  /** A missing resource: 404, or the `ResourceNotFound` code (palette-sdk-go `client/herr`). */
  get isNotFound(): boolean {
    return this.status === 404 || this.code === "ResourceNotFound";
  }
}

const STATUS_TEXT: Record<number, string> = {
  400: "BadRequest",
  401: "Unauthorized",
  403: "Forbidden",
  404: "ResourceNotFound",
  409: "Conflict",
  429: "TooManyRequests",
  500: "InternalServerError",
  502: "BadGateway",
  503: "ServiceUnavailable",
  504: "GatewayTimeout",
};

/** Parses an error body: a V1Error, or anything else kept as `details` (trimmed to 500 characters). */
export function parseErrorBody(status: number, text: string): Required<Pick<V1Error, "code" | "message">> & V1Error {
  const fallback = STATUS_TEXT[status] ?? `HTTP${status}`;
  try {
    const j = JSON.parse(text) as unknown;
    if (j && typeof j === "object" && !Array.isArray(j)) {
      const e = j as Record<string, unknown>;
      const out: Required<Pick<V1Error, "code" | "message">> & V1Error = {
        code: typeof e.code === "string" && e.code !== "" ? e.code : fallback,
        message: typeof e.message === "string" ? e.message : "",
      };
      if (e.details !== undefined && e.details !== null) out.details = e.details;
      if (typeof e.ref === "string" && e.ref !== "") out.ref = e.ref;
      return out;
    }
  } catch {
    // not JSON: fall through
  }
  const raw = text.trim();
  return raw === "" ? { code: fallback, message: "" } : { code: fallback, message: "", details: raw.length > 500 ? `${raw.slice(0, 500)}…` : raw };
}

const HINTS: Record<number, string> = {
  401: "check the API key (Palette console: Profile > My API Keys)",
  403: "the API key's user lacks the permission (tenant admin for PCG manifests, system admin for cloud registration)",
};

/** Builds the PaletteError of an error answer; every text passes the redactor. */
export function errorFromResponse(operation: string, status: number, text: string, redact: Redactor, what?: string): PaletteError {
  const body = parseErrorBody(status, text);
  const details = body.details === undefined ? undefined : redact.value(body.details);
  const parts = [`Palette ${operation}${what ? ` (${what})` : ""}: HTTP ${status} ${body.code}`];
  if (body.message) parts.push(`: ${redact.text(body.message)}`);
  if (details !== undefined) parts.push(` (details: ${typeof details === "string" ? details : JSON.stringify(details)})`);
  if (body.ref) parts.push(` [ref ${body.ref}]`);
  const hint = HINTS[status];
  if (hint) parts.push(`: ${hint}`);
  return new PaletteError({ status, code: body.code, message: parts.join(""), details, ref: body.ref, operation });
}

/** A PaletteError meaning "no such resource". */
export function isNotFound(e: unknown): boolean {
  return e instanceof PaletteError && e.isNotFound;
}
