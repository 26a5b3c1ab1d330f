/**
 * The request engine of the Palette client: authentication headers, project scope, JSON and multipart
 * bodies, retries with backoff, the never-blindly-replayed POST, timeouts and error mapping.
 *
 * Sources: librarium `docs/api-content/api-docs/1-introduction.md` (the `ApiKey` / `Authorization` headers,
 * `ProjectUid` scope — "If you do not provide the ProjectUid header, then the assumed scope is of the tenant" —,
 * status codes, 429 `TooManyRequests`); the spec's `securityDefinitions` (`ApiKey` and `Authorization`, both
 * headers); palette-sdk-go `api/apiutil/retry` (429 and 5xx retried with backoff).
 */
import type * as http from "node:http";
import { randomBytes } from "node:crypto";
import { errorFromResponse, PaletteError } from "./errors";
import { Redactor } from "./redact";
import { isRetryableStatus, PaletteRetryPolicy, sleep, type PaletteRetryOptions } from "./retry";
import { isRetryableTransportError, makeAgent, parsePaletteEndpoint, parseRetryAfter, sendRequest, TransportError, type RawResponse } from "./transport";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** Options of {@link PaletteHttp} (and of the client). */
export interface PaletteHttpOptions {
  /** `https://host[:port]` of Palette (SaaS `https://api.spectrocloud.com`, or a self-hosted endpoint). */
  endpoint: string;
  /** The `ApiKey` header value. Exactly one of `apiKey` and `authorization` is required. */
  apiKey?: string | undefined;
  /** A JWT sent as the `Authorization` header (e.g. a system-console token for cloud registration). */
  authorization?: string;
  /** Name of the project that scopes project-level calls; its uid is looked up once. @default tenant scope (no ProjectUid header) */
  project?: string;
  /** The project's uid, when known (skips the lookup by name). @default looked up from `project` */
  projectUid?: string;
  /** Deadline of one attempt. @default 30000 (palette-sdk-go) */
  timeoutMs?: number;
  /** Retries. */
  retry?: PaletteRetryOptions;
  /** Skip TLS verification. @default false */
  insecure?: boolean;
  /** Extra PEM CA certificates. @default none (system roots) */
  caCertificates?: string[];
  /** Receives one line per retry (secrets masked). @default no logging */
  log?: (line: string) => void;
  /** Jitter source in [0, 1). @default Math.random */
  random?: () => number;
}

/** Whether a POST may be replayed: `read` (validate, search: no side effect) or `create` (never blindly). */
export type PostKind = "read" | "create";

export interface RequestSpec<T> {
  method: HttpMethod;
  /** Path with parameters already encoded, e.g. `/v1/overlords/abc`. */
  path: string;
  /** Query parameters; undefined values are left out. @default none */
  query?: Record<string, string | number | boolean | undefined> | undefined;
  /** A JSON body. @default no body */
  body?: unknown;
  /** A multipart/form-data body with one file field (the spec's `formData` parameters of `type: file`). @default no body */
  multipart?: { field: string; filename: string; content: string };
  /** Scope: `project` sends the ProjectUid header when the client has a project. */
  scope: "project" | "tenant";
  /** The answer is a file (`application/octet-stream`), returned as text. @default JSON */
  binary?: boolean;
  /** For POST: @default "create" */
  post?: PostKind;
  /**
   * For a `create` POST whose outcome is unknown (connection reset after the request was sent, timeout, 5xx):
   * finds out whether it was applied, e.g. by listing by name. Returns the result when it was, undefined when not
   * (then the POST is sent again). Without it such a POST is not repeated and the error is thrown.
   * @default none
   */
  recover?: () => Promise<T | undefined>;
  /** What the request is about, for error messages (e.g. `cluster "c1"`). @default none */
  what?: string;
}

/** An answer: status, headers, and the parsed JSON (undefined for 204 or an empty body) or the file text. */
export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  json: unknown;
  text: string;
}

/** Largest page size Palette accepts (`limit` maximum 50 in the spec). */
export const MAX_LIMIT = 50;

export class PaletteHttp {
  readonly endpoint: URL;
  readonly redact = new Redactor();
  private readonly agent: http.Agent;
  private readonly policy: PaletteRetryPolicy;
  private readonly timeoutMs: number;
  private readonly log: (line: string) => void;
  private readonly projectName: string | undefined;
  private projectUid: Promise<string> | undefined;

  constructor(private readonly opts: PaletteHttpOptions) {
    this.endpoint = parsePaletteEndpoint(opts.endpoint);
    if ((opts.apiKey === undefined || opts.apiKey === "") === (opts.authorization === undefined || opts.authorization === "")) {
      throw new PaletteError({ status: 0, code: "InvalidOptions", message: "Palette client: give exactly one of apiKey and authorization", operation: "options" });
    }
    this.redact.add(opts.apiKey);
    this.redact.add(opts.authorization);
    this.agent = makeAgent(this.endpoint, opts);
    this.policy = new PaletteRetryPolicy(opts.retry, opts.random ?? Math.random);
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.log = opts.log ?? (() => undefined);
    this.projectName = opts.project;
    if (opts.projectUid !== undefined) this.projectUid = Promise.resolve(opts.projectUid);
  }

  /** Releases pooled connections. */
  close(): void {
    this.agent.destroy();
  }

  /** Whether project-scoped calls carry a ProjectUid header. */
  get hasProject(): boolean {
    return this.projectUid !== undefined || this.projectName !== undefined;
  }

  /** The uid of the client's project, looked up by name once (`GET /v1/dashboard/projects/metadata?name=`). */
  project(): Promise<string> {
    if (this.projectUid) return this.projectUid;
    const name = this.projectName;
    if (name === undefined) return Promise.reject(new PaletteError({ status: 0, code: "NoProject", message: "Palette client: no project configured", operation: "project" }));
    const p = this.resolveProject(name);
    this.projectUid = p;
    p.catch(() => {
      if (this.projectUid === p) this.projectUid = undefined;
    });
    return p;
  }

  private async resolveProject(name: string): Promise<string> {
    const a = await this.request<never>({ method: "GET", path: "/v1/dashboard/projects/metadata", query: { name }, scope: "tenant", what: `project "${name}"` });
    const items = (a.json as { items?: { metadata?: { name?: string; uid?: string } }[] } | undefined)?.items ?? [];
    const hits = items.filter((i) => i.metadata?.name === name && i.metadata.uid);
    if (hits.length === 1) return hits[0]!.metadata!.uid!;
    let known: string[] = [];
    if (hits.length === 0) {
      // Name the projects the key can see, to make a typo obvious.
      const all = await this.request<never>({ method: "GET", path: "/v1/dashboard/projects/metadata", scope: "tenant" });
      known = ((all.json as { items?: { metadata?: { name?: string } }[] } | undefined)?.items ?? []).map((i) => i.metadata?.name).filter((n): n is string => !!n).sort();
    }
    const message =
      hits.length === 0
        ? `Palette project "${name}" not found${known.length ? ` (visible: ${known.map((n) => JSON.stringify(n)).join(", ")})` : ""}: check the project name and that the API key's user belongs to it`
        : `Palette project name "${name}" is ambiguous (${hits.length} projects): give projectUid`;
    throw new PaletteError({ status: 0, code: "ProjectNotFound", message, operation: "GET /v1/dashboard/projects/metadata" });
  }

  private async headers(spec: RequestSpec<unknown>): Promise<Record<string, string>> {
    const h: Record<string, string> = { Accept: spec.binary ? "application/octet-stream, application/json" : "application/json" };
    if (this.opts.apiKey) h.ApiKey = this.opts.apiKey;
    else h.Authorization = this.opts.authorization!;
    if (spec.scope === "project" && this.hasProject) h.ProjectUid = await this.project();
    return h;
  }

  private body(spec: RequestSpec<unknown>, h: Record<string, string>): Buffer | undefined {
    if (spec.multipart) {
      const boundary = `----palette${randomBytes(12).toString("hex")}`;
      const { field, filename, content } = spec.multipart;
      h["Content-Type"] = `multipart/form-data; boundary=${boundary}`;
      return Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
        Buffer.from(content, "utf8"),
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
    }
    if (spec.body === undefined) return undefined;
    h["Content-Type"] = "application/json";
    return Buffer.from(JSON.stringify(spec.body), "utf8");
  }

  private url(spec: RequestSpec<unknown>): URL {
    const u = new URL(spec.path, this.endpoint);
    for (const [k, v] of Object.entries(spec.query ?? {})) if (v !== undefined) u.searchParams.set(k, String(v));
    return u;
  }

  /**
   * Sends a request with retries. Returns the answer of a 2xx; throws a {@link PaletteError} otherwise. A
   * `recover`ed create resolves to `{ recovered: T }` instead.
   */
  async request<T>(spec: RequestSpec<T>): Promise<Answer & { recovered?: T }> {
    const operation = `${spec.method} ${spec.path}`;
    const unsafe = spec.method === "POST" && (spec.post ?? "create") === "create";
    const h = await this.headers(spec as RequestSpec<unknown>);
    const body = this.body(spec as RequestSpec<unknown>, h);
    const url = this.url(spec as RequestSpec<unknown>);
    let outcomeUnknown = false;
    for (let attempt = 1; ; attempt++) {
      let res: RawResponse | undefined;
      let failure: PaletteError;
      let retryAfter: number | undefined;
      let uncertain = false;
      try {
        res = await sendRequest(url, { method: spec.method, headers: h, body, agent: this.agent, timeoutMs: this.timeoutMs });
      } catch (e) {
        if (!(e instanceof TransportError)) throw e;
        failure = new PaletteError(
          { status: 0, code: e.code, message: this.redact.text(`Palette ${operation}${spec.what ? ` (${spec.what})` : ""}: ${e.code}: ${e.message} (endpoint ${this.endpoint.origin})`), operation },
          { cause: e },
        );
        if (!isRetryableTransportError(e)) throw failure;
        uncertain = e.sent || e.code === "ETIMEDOUT";
      }
      if (res) {
        const text = res.body.toString("utf8");
        if (res.status >= 200 && res.status < 300) return { status: res.status, headers: res.headers, text, json: spec.binary ? undefined : this.parse(operation, text) };
        failure = errorFromResponse(operation, res.status, text, this.redact, spec.what);
        // A 409 on the resend of a create whose first answer was lost is most likely that create: Palette's
        // lists and searches can lag a create (terraform-provider-spectrocloud waits for a new cluster's GET
        // to stop answering 404), so look again for a while before calling it a conflict.
        if (res.status === 409 && outcomeUnknown && spec.recover) return await this.recoverAfterConflict(spec.recover, operation, failure);
        if (!isRetryableStatus(res.status)) throw failure;
        retryAfter = parseRetryAfter(res.headers["retry-after"]);
        // A 429 is the rate limiter refusing the request before it is handled; a 5xx may come after a write.
        uncertain = res.status !== 429;
      }
      if (unsafe && uncertain) {
        if (!spec.recover) throw this.withNote(failure!, "not retried: the create may have been applied");
        outcomeUnknown = true;
        const found = await spec.recover();
        if (found !== undefined) {
          this.log(`palette: ${operation} had an unknown outcome; it was applied (found by lookup)`);
          return { status: 0, headers: {}, text: "", json: undefined, recovered: found };
        }
      }
      if (attempt >= this.policy.maxAttempts) throw this.withNote(failure!, `gave up after ${attempt} attempts`);
      const delay = this.policy.delay(attempt, retryAfter);
      this.log(this.redact.text(`palette: retry ${attempt}/${this.policy.maxAttempts - 1} of ${operation} in ${delay} ms (${failure!.code}${retryAfter !== undefined ? ", Retry-After" : ""})`));
      await sleep(delay);
    }
  }

  private async recoverAfterConflict<T>(recover: () => Promise<T | undefined>, operation: string, conflict: PaletteError): Promise<Answer & { recovered: T }> {
    for (let attempt = 1; attempt <= this.policy.maxAttempts; attempt++) {
      const found = await recover();
      if (found !== undefined) {
        this.log(`palette: ${operation} had an unknown outcome; its resend met a conflict and the first create was found by lookup`);
        return { status: 0, headers: {}, text: "", json: undefined, recovered: found };
      }
      await sleep(this.policy.delay(attempt, undefined));
    }
    throw this.withNote(conflict, `the first attempt's outcome was unknown and no object of that name became visible after ${this.policy.maxAttempts} lookups`);
  }

  private withNote(e: PaletteError, note: string): PaletteError {
    return new PaletteError({ status: e.status, code: e.code, message: `${e.message} (${note})`, details: e.details, ref: e.ref, operation: e.operation }, { cause: e.cause });
  }

  private parse(operation: string, text: string): unknown {
    if (text.trim() === "") return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new PaletteError({ status: 0, code: "BadAnswer", message: `Palette ${operation}: the answer is not JSON (${JSON.stringify(this.redact.text(text.slice(0, 200)))})`, operation });
    }
  }

  /**
   * Every item of a paginated list: `limit` ≤ 50 and the `continue` token of `listmeta` until it is empty
   * (librarium API intro; palette-sdk-go loops `WithContinue(resp.Payload.Listmeta.Continue)`).
   */
  async listAll<I>(page: (cont: string | undefined, limit: number) => Promise<{ items?: I[]; listmeta?: { continue?: string } } | undefined>, limit = MAX_LIMIT): Promise<I[]> {
    const size = Math.min(Math.max(1, limit), MAX_LIMIT);
    const out: I[] = [];
    const seen = new Set<string>();
    let cont: string | undefined;
    for (;;) {
      const p = await page(cont, size);
      out.push(...(p?.items ?? []));
      const next = p?.listmeta?.continue;
      if (!next) return out;
      if (seen.has(next)) throw new PaletteError({ status: 0, code: "BadAnswer", message: `Palette list: the continue token repeats after ${out.length} items`, operation: "list" });
      seen.add(next);
      cont = next;
    }
  }
}
