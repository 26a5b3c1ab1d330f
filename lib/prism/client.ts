/**
 * Prism Central v3 client: basic auth and session cookies, TLS trust, retries with exponential
 * backoff and full jitter, pagination, task polling, lookups, VMs and categories.
 */
import { randomUUID } from "node:crypto";
import type * as http from "node:http";
import {
  PrismApiError,
  PrismAuthError,
  PrismConnectionError,
  PrismError,
  PrismLookupError,
  PrismTaskError,
  PrismTimeoutError,
  type LookupIssue,
} from "./errors";
import {
  BASE_PATH,
  TransportError,
  describeTlsError,
  isRetryableTransportError,
  isTlsError,
  makeAgent,
  parseCaBundle,
  parseEndpoint,
  parseRetryAfter,
  sendRequest,
  type RawResponse,
} from "./transport";
import {
  KIND_OF,
  type CategoryKey,
  type CategoryValue,
  type ClusterEntity,
  type DeleteResponse,
  type HostEntity,
  type HostGpu,
  type ImageEntity,
  type KindEntityMap,
  type ListRequest,
  type ListResponse,
  type ListableKind,
  type Metadata,
  type PrismCentralInfo,
  type SubnetEntity,
  type TaskEntity,
  type UserEntity,
  type VmEntity,
  type VmGpu,
  type VmIntentInput,
  type VmSpec,
} from "./types";

export interface RetryOptions {
  /** Total attempts per request, first included. @default 6 */
  maxAttempts?: number;
  /** @default 200 */
  baseDelayMs?: number;
  /** @default 5000 */
  maxDelayMs?: number;
}

export interface PrismClientOptions {
  /** `https://host:port` or `host[:port]`; default scheme https, default port 9440. `http://` is allowed. */
  endpoint: string;
  username: string;
  password: string;
  /** Skip TLS verification. Warns once. */
  insecure?: boolean;
  /** PEM text; every block must be a CERTIFICATE; added to the system CAs. */
  caBundle?: string;
  /** Per request. @default 30000 */
  timeoutMs?: number;
  retries?: RetryOptions;
  logger?: (line: string) => void;
  /** Source of jitter, in [0, 1). @default Math.random */
  random?: () => number;
  /** @default "nutanix-palette-cdk (nutanix/v3)" */
  userAgent?: string;
}

export interface PrismStats {
  /** HTTP requests sent (every attempt). */
  requests: number;
  /** Attempts repeated after a retryable failure (connection error, 429, 5xx). */
  retries: number;
  /** Attempts with a writing method (POST create, PUT, DELETE; list POSTs are reads). */
  writes: number;
  /** Edit conflicts (409 or conflicting task) that made updateVm re-read and retry. */
  conflicts: number;
  /** Logins (GET /users/me that kept cookies), re-logins included. */
  logins: number;
}

export interface WaitOptions {
  /** @default 1800000 (30 min; an image import can take 22 min, pitfall 4) */
  timeoutMs?: number;
  /** @default 250 */
  initialDelayMs?: number;
  /** @default 5000 */
  maxDelayMs?: number;
  onProgress?: (task: TaskEntity) => void;
}

export type EntityRefLike = { name: string } | { uuid: string };

export interface Resolved<E> {
  uuid: string;
  name: string;
  entity: E;
}

/** A GPU as a machine names it (CAPX `gpus[]`: `type: name` or `type: deviceID`). */
export type GpuRef = { name: string } | { deviceId: number };

export interface ResolveAllInput {
  clusters?: EntityRefLike[];
  /** GPUs that must exist on a host of a PE cluster (resolved after the cluster). */
  gpus?: Array<{ cluster: EntityRefLike; gpus: GpuRef[] }>;
  /** A subnet, optionally scoped to a PE cluster (a VLAN subnet counts only on its PE). */
  subnets?: Array<{ ref: EntityRefLike; cluster?: EntityRefLike }>;
  images?: EntityRefLike[];
}

export interface ResolveAllResult {
  clusters: Array<Resolved<ClusterEntity>>;
  subnets: Array<Resolved<SubnetEntity>>;
  images: Array<Resolved<ImageEntity>>;
  /** One list per `input.gpus` entry, in order: the `gpu_list` items to send. */
  gpus: VmGpu[][];
}

export interface CreateVmResult {
  uuid: string;
  taskUuid: string;
  /** True when the POST answered 409 ENTITY_ALREADY_EXISTS (a VM with this uuid was already there). */
  existed: boolean;
  entity: VmEntity | null;
}

export interface UpdateVmOptions {
  /** @default 5 */
  maxAttempts?: number;
  /** Wait for the update task; a task failing with an edit conflict then re-reads and retries too. */
  wait?: boolean | WaitOptions;
}

type Method = "GET" | "POST" | "PUT" | "DELETE";

let processWarnedInsecure = false;

/** Every task uuid of an entity or a 202 answer: `execution_context.task_uuid` is a string or a string[]. */
export function taskUuidsOf(entity: unknown): string[] {
  if (!entity || typeof entity !== "object") return [];
  const status = (entity as { status?: unknown }).status;
  if (!status || typeof status !== "object") return [];
  const ctx = (status as { execution_context?: unknown }).execution_context;
  if (!ctx || typeof ctx !== "object") return [];
  const t = (ctx as { task_uuid?: unknown }).task_uuid;
  if (typeof t === "string") return t === "" ? [] : [t];
  if (Array.isArray(t)) return t.filter((x): x is string => typeof x === "string" && x !== "");
  return [];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** First poll delay after the learned duration has passed, then × 1.5. */
const SHORT_POLL_MS = 25;
/** Added to the learned duration: timers and the two clocks round to the millisecond. */
const POLL_SLACK_MS = 2;
const MAX_TASK_ORIGINS = 10_000;

/** A finished task's duration in ms on the server's clock (usecs fields, else the RFC 3339 times); undefined when unknown. */
export function taskDurationMs(task: TaskEntity): number | undefined {
  if (typeof task.completion_time_usecs === "number" && typeof task.creation_time_usecs === "number") {
    const d = (task.completion_time_usecs - task.creation_time_usecs) / 1000;
    return Number.isFinite(d) ? d : undefined;
  }
  if (typeof task.completion_time === "string" && typeof task.creation_time === "string") {
    const d = Date.parse(task.completion_time) - Date.parse(task.creation_time);
    return Number.isFinite(d) ? d : undefined;
  }
  return undefined;
}
const enc = encodeURIComponent;

function isNotFound(e: unknown): e is PrismApiError {
  return (
    e instanceof PrismApiError &&
    (e.hasReason("ENTITY_NOT_FOUND") || e.hasReason("CATEGORY_NAME_VALUE_MISMATCH") || (e.status === 404 && e.reasons.length === 0))
  );
}

function entityName(e: { spec?: unknown; status?: unknown }): string {
  const s = e.status as { name?: unknown } | undefined;
  const p = e.spec as { name?: unknown } | undefined;
  if (typeof p?.name === "string") return p.name;
  if (typeof s?.name === "string") return s.name;
  return "";
}

export class PrismClient {
  readonly endpoint: URL;
  readonly stats: PrismStats = { requests: 0, retries: 0, writes: 0, conflicts: 0, logins: 0 };
  private readonly opts: PrismClientOptions;
  private readonly agent: http.Agent;
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly random: () => number;
  private readonly log: (line: string) => void;
  private cookies = new Map<string, string>();
  private loginInFlight: Promise<string> | null = null;
  private readonly listCache = new Map<ListableKind, Promise<unknown[]>>();
  private hostsCache: Promise<HostEntity[]> | null = null;
  private readonly knownCategories = new Set<string>();
  /** operation_type → shortest duration seen (ms, server clock). */
  private readonly taskDurations = new Map<string, number>();
  /** "METHOD /path" of a writing request → operation_type of the tasks it made. */
  private readonly operationOfRequest = new Map<string, string>();
  /** task uuid → when the request that made it was sent, and which request (bounded; dropped when waited for). */
  private readonly taskOrigins = new Map<string, { sentAt: number; request: string }>();

  constructor(options: PrismClientOptions) {
    this.opts = options;
    this.endpoint = parseEndpoint(options.endpoint);
    if (!options.username) throw new PrismError("username: expected a non-empty user name");
    if (typeof options.password !== "string") throw new PrismError("password: expected a string");
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxAttempts = Math.max(1, options.retries?.maxAttempts ?? 6);
    this.baseDelayMs = options.retries?.baseDelayMs ?? 200;
    this.maxDelayMs = options.retries?.maxDelayMs ?? 5000;
    this.random = options.random ?? Math.random;
    this.log = options.logger ?? (() => undefined);
    const caCertificates = options.caBundle !== undefined ? parseCaBundle(options.caBundle) : undefined;
    const insecure = options.insecure === true;
    if (insecure && this.endpoint.protocol === "https:") {
      const warning = `prism: TLS verification is disabled for ${this.endpoint.host} (insecure: true); anyone on the path can read the credentials`;
      if (options.logger) options.logger(`warning: ${warning}`);
      else if (!processWarnedInsecure) {
        processWarnedInsecure = true;
        process.emitWarning(warning, { code: "PRISM_INSECURE_TLS" });
      }
    }
    this.agent = makeAgent(this.endpoint, caCertificates ? { insecure, caCertificates } : { insecure });
  }

  /** Closes idle keep-alive connections. */
  close(): void {
    this.agent.destroy();
  }

  // ------------------------------------------------------------------ core

  private backoffDelay(attempt: number): number {
    const cap = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
    return Math.floor(this.random() * cap);
  }

  private authHeaders(useCookies: boolean): Record<string, string> {
    if (useCookies && this.cookies.size > 0) {
      return { Cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ") };
    }
    const token = Buffer.from(`${this.opts.username}:${this.opts.password}`, "utf8").toString("base64");
    return { Authorization: `Basic ${token}` };
  }

  private keepCookies(res: RawResponse): void {
    const set = res.headers["set-cookie"];
    if (!set) return;
    for (const line of set) {
      const first = line.split(";")[0] ?? "";
      const eq = first.indexOf("=");
      if (eq <= 0) continue;
      this.cookies.set(first.slice(0, eq).trim(), first.slice(eq + 1).trim());
    }
  }

  /**
   * One API call with retries. `path` is relative to /api/nutanix/v3. The body is serialized anew on
   * every attempt (pitfall 7: a retried request must carry its body again).
   */
  async call<T>(method: Method, path: string, body?: unknown, opts: { basicOnly?: boolean; isWrite?: boolean } = {}): Promise<T> {
    const isWrite = opts.isWrite ?? (method !== "GET" && !(method === "POST" && /\/list$/.test(path)));
    const url = new URL(BASE_PATH + path, this.endpoint);
    let relogged = false;
    for (let attempt = 1; ; attempt++) {
      const useCookies = !opts.basicOnly && this.cookies.size > 0;
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body), "utf8");
      const headers: Record<string, string> = {
        "Content-Type": "application/json",
        Accept: "application/json",
        "User-Agent": this.opts.userAgent ?? "nutanix-palette-cdk (nutanix/v3)",
        ...this.authHeaders(useCookies),
      };
      if (payload) headers["Content-Length"] = String(payload.length);
      this.stats.requests++;
      if (isWrite) this.stats.writes++;
      const sentAt = Date.now();
      let res: RawResponse;
      try {
        res = await sendRequest(url, { method, headers, body: payload, agent: this.agent, timeoutMs: this.timeoutMs });
      } catch (err) {
        const e = err instanceof TransportError ? err : new TransportError("EUNKNOWN", String(err), { cause: err });
        if (isTlsError(e)) {
          throw new PrismConnectionError({ method, path, code: e.code, detail: describeTlsError(e), isTls: true, cause: e });
        }
        if (isRetryableTransportError(e) && attempt < this.maxAttempts) {
          await this.pause(attempt, undefined, `${method} ${path}: ${e.code}`);
          continue;
        }
        if (e.code === "ETIMEDOUT") throw new PrismTimeoutError(`${method} ${path}`, this.timeoutMs, { cause: e });
        throw new PrismConnectionError({
          method,
          path,
          code: e.code,
          detail: `cannot reach ${this.endpoint.host} (${e.code}: ${e.message})${attempt > 1 ? ` after ${attempt} attempts` : ""}`,
          isTls: false,
          cause: e,
        });
      }

      if (res.status === 401) {
        if (useCookies && !relogged) {
          relogged = true;
          this.cookies.clear();
          this.log(`prism: session expired on ${method} ${path}; logging in again`);
          await this.login();
          attempt--;
          continue;
        }
        throw new PrismAuthError(method, path, res.text);
      }

      const parsed = parseJson(res.text);
      if ((res.status === 429 || res.status >= 500) && attempt < this.maxAttempts) {
        const retryAfter = res.status === 429 || res.status === 503 ? parseRetryAfter(res.headers["retry-after"]) : undefined;
        await this.pause(attempt, retryAfter, `${method} ${path}: ${res.status}`);
        continue;
      }
      if (res.status < 200 || res.status >= 300) {
        // PGC CheckResponse: a non-2xx JSON body whose state is not ERROR is a success.
        if (parsed.ok && isObject(parsed.value) && typeof parsed.value.state === "string" && parsed.value.state !== "ERROR") {
          if (isWrite) this.noteTaskOrigin(method, path, sentAt, parsed.value);
          return parsed.value as T;
        }
        throw PrismApiError.fromBody(res.status, method, path, parsed.ok ? parsed.value : res.text);
      }
      if (!parsed.ok) {
        if (res.text.trim() === "") return undefined as T;
        throw new PrismApiError({ status: res.status, method, path, messageList: [{ message: "the answer is not JSON" }], body: res.text });
      }
      const v = parsed.value;
      if (isObject(v) && (v.state === "ERROR" || (isObject(v.status) && v.status.state === "ERROR"))) {
        throw PrismApiError.fromBody(res.status, method, path, v);
      }
      if (isWrite) this.noteTaskOrigin(method, path, sentAt, v);
      return v as T;
    }
  }

  private async pause(attempt: number, retryAfterMs: number | undefined, what: string): Promise<void> {
    this.stats.retries++;
    const delay = retryAfterMs !== undefined ? Math.min(retryAfterMs, 300_000) : this.backoffDelay(attempt);
    this.log(`prism: retry ${attempt}/${this.maxAttempts - 1} of ${what} in ${delay} ms${retryAfterMs !== undefined ? " (Retry-After)" : ""}`);
    await sleep(delay);
  }

  // ------------------------------------------------------------------ auth

  /** GET /users/me with basic auth, keeps the session cookies; later calls send only the cookies. Returns the user name. */
  async login(): Promise<string> {
    if (this.loginInFlight) return this.loginInFlight;
    this.loginInFlight = (async () => {
      try {
        const url = new URL(`${BASE_PATH}/users/me`, this.endpoint);
        for (let attempt = 1; ; attempt++) {
          this.stats.requests++;
          let res: RawResponse;
          try {
            res = await sendRequest(url, {
              method: "GET",
              headers: { Accept: "application/json", "User-Agent": this.opts.userAgent ?? "nutanix-palette-cdk (nutanix/v3)", ...this.authHeaders(false) },
              agent: this.agent,
              timeoutMs: this.timeoutMs,
            });
          } catch (err) {
            const e = err instanceof TransportError ? err : new TransportError("EUNKNOWN", String(err));
            if (isTlsError(e)) throw new PrismConnectionError({ method: "GET", path: "/users/me", code: e.code, detail: describeTlsError(e), isTls: true, cause: e });
            if (isRetryableTransportError(e) && attempt < this.maxAttempts) {
              await this.pause(attempt, undefined, `GET /users/me: ${e.code}`);
              continue;
            }
            throw new PrismConnectionError({ method: "GET", path: "/users/me", code: e.code, detail: `cannot reach ${this.endpoint.host} (${e.code}: ${e.message})`, isTls: false, cause: e });
          }
          if (res.status === 401) throw new PrismAuthError("GET", "/users/me", res.text);
          if ((res.status === 429 || res.status >= 500) && attempt < this.maxAttempts) {
            await this.pause(attempt, parseRetryAfter(res.headers["retry-after"]), `GET /users/me: ${res.status}`);
            continue;
          }
          const parsed = parseJson(res.text);
          if (res.status < 200 || res.status >= 300) throw PrismApiError.fromBody(res.status, "GET", "/users/me", parsed.ok ? parsed.value : res.text);
          this.keepCookies(res);
          this.stats.logins++;
          const user = (parsed.ok ? parsed.value : {}) as UserEntity;
          return user.status?.name ?? this.opts.username;
        }
      } finally {
        this.loginInFlight = null;
      }
    })();
    return this.loginInFlight;
  }

  /** Drops the session cookies; later calls use basic auth. */
  logout(): void {
    this.cookies.clear();
  }

  /** True when the client holds session cookies. */
  get hasSession(): boolean {
    return this.cookies.size > 0;
  }

  /** GET /users/me; returns the user name. Throws PrismAuthError on bad credentials. */
  async checkAuth(): Promise<string> {
    const user = await this.call<UserEntity>("GET", "/users/me");
    return user.status?.name ?? user.status?.resources?.display_name ?? this.opts.username;
  }

  /** GET /prism_central (no envelope). */
  async getPrismCentral(): Promise<PrismCentralInfo> {
    return this.call<PrismCentralInfo>("GET", "/prism_central");
  }

  // ------------------------------------------------------------------ lists

  /** One page: POST /{kind}/list. */
  async listPage<K extends ListableKind>(kind: K, body: ListRequest = {}): Promise<ListResponse<KindEntityMap[K]>> {
    return this.call<ListResponse<KindEntityMap[K]>>("POST", `/${kind}/list`, { kind: KIND_OF[kind], ...body });
  }

  /**
   * Every entity of a kind, paging with offset/length until total_matches. Stops also on an empty
   * page or a page of only already-seen entities (a server that ignores offset), and on a short page
   * when total_matches is missing. A page shorter than asked is not the end when total_matches says
   * more remain (servers cap length at 500 silently, pitfall 1).
   */
  async listAll<K extends ListableKind>(kind: K, options: { filter?: string; pageSize?: number } = {}): Promise<Array<KindEntityMap[K]>> {
    const pageSize = Math.min(500, Math.max(1, options.pageSize ?? 500));
    const out: Array<KindEntityMap[K]> = [];
    const seen = new Set<string>();
    let offset = 0;
    for (let page = 0; page < 100_000; page++) {
      const body: ListRequest = { length: pageSize, offset };
      if (options.filter !== undefined) body.filter = options.filter;
      const res = await this.listPage(kind, body);
      const entities = res.entities ?? [];
      let added = 0;
      for (const e of entities) {
        const key = identityOf(e);
        if (key !== undefined) {
          if (seen.has(key)) continue;
          seen.add(key);
        }
        out.push(e);
        added++;
      }
      offset += entities.length;
      const total = res.metadata?.total_matches;
      if (entities.length === 0 || added === 0) break;
      if (typeof total === "number") {
        if (out.length >= total) break;
      } else if (entities.length < pageSize) break;
    }
    return out;
  }

  private cachedList<K extends ListableKind>(kind: K): Promise<Array<KindEntityMap[K]>> {
    let p = this.listCache.get(kind);
    if (!p) {
      p = this.listAll(kind);
      this.listCache.set(kind, p);
      p.catch(() => this.listCache.delete(kind));
    }
    return p as Promise<Array<KindEntityMap[K]>>;
  }

  /** Forgets the lookup cache (one kind, or all). */
  invalidateCache(kind?: ListableKind): void {
    if (kind) this.listCache.delete(kind);
    else this.listCache.clear();
    if (!kind || kind === "hosts") this.hostsCache = null;
    if (!kind || kind === "categories") this.knownCategories.clear();
  }

  // ------------------------------------------------------------------ tasks

  async getTask(uuid: string): Promise<TaskEntity> {
    return this.call<TaskEntity>("GET", `/tasks/${enc(uuid)}`);
  }

  /**
   * Waits for a task: sleeps first, then polls. PrismTaskError on FAILED/ABORTED/INVALID_UUID;
   * PrismTimeoutError at the deadline.
   *
   * The client learns, per `operation_type`, the shortest duration of the tasks it saw succeed,
   * measured on the server's clock (`completion_time_usecs − creation_time_usecs`, or the RFC 3339
   * times), so client/server clock skew does not matter. When the task's type is known (from the
   * request that created it, or after a first poll) and a duration was learned, the first poll is sent
   * that long after the request that created the task was sent (or after the wait began, when this
   * client did not send it), and later polls follow a short backoff (25 ms × 1.5, capped by
   * `maxDelayMs`). With nothing learned, the first poll comes after `initialDelayMs` and the delay
   * grows × 1.6 up to `maxDelayMs`.
   */
  async waitForTask(uuid: string, options: WaitOptions = {}): Promise<TaskEntity> {
    const timeoutMs = options.timeoutMs ?? 1_800_000;
    const maxDelay = options.maxDelayMs ?? 5000;
    const start = Date.now();
    const deadline = start + timeoutMs;
    const origin = this.taskOrigins.get(uuid);
    this.taskOrigins.delete(uuid);
    const from = origin?.sentAt ?? start;
    let op = origin ? this.operationOfRequest.get(origin.request) : undefined;
    let delay = options.initialDelayMs ?? 250;
    let short = SHORT_POLL_MS;
    let expectedUsed = false;
    for (let polls = 0; ; polls++) {
      const expected = op !== undefined ? this.taskDurations.get(op) : undefined;
      let wait: number;
      if (expected !== undefined && !expectedUsed) {
        // The first poll that can use what was learned: when a task of this type is done at the earliest.
        expectedUsed = true;
        wait = from + expected + POLL_SLACK_MS - Date.now();
        if (polls > 0 && wait < short) {
          // Already past it (learned only from the previous poll): no immediate re-poll.
          wait = short;
          short = Math.min(maxDelay, Math.ceil(short * 1.5));
        }
      } else if (expectedUsed) {
        wait = short;
        short = Math.min(maxDelay, Math.ceil(short * 1.5));
      } else {
        wait = delay;
        delay = Math.min(maxDelay, Math.ceil(delay * 1.6));
      }
      const left = deadline - Date.now();
      if (wait > 0 && left > 0) await sleep(Math.min(wait, left));
      let task: TaskEntity;
      try {
        task = await this.getTask(uuid);
      } catch (e) {
        if (e instanceof PrismApiError && (e.status === 404 || e.hasReason("INVALID_UUID"))) {
          throw new PrismTaskError(uuid, "INVALID_UUID", { uuid, status: "INVALID_UUID", error_detail: e.message });
        }
        throw e;
      }
      options.onProgress?.(task);
      if (typeof task.operation_type === "string" && task.operation_type !== "") {
        op = task.operation_type;
        if (origin) this.operationOfRequest.set(origin.request, op);
      }
      const status = String(task.status);
      if (status === "SUCCEEDED") {
        this.learnDuration(op, task);
        return task;
      }
      if (status === "FAILED" || status === "ABORTED" || status === "INVALID_UUID") throw new PrismTaskError(uuid, status, task);
      if (Date.now() >= deadline) throw new PrismTimeoutError(`task ${uuid} (last status ${status}, ${task.percentage_complete ?? 0}%)`, timeoutMs);
    }
  }

  /** The shortest duration (ms, server clock) of the tasks of each operation type seen succeed. */
  get learnedTaskDurations(): ReadonlyMap<string, number> {
    return this.taskDurations;
  }

  private learnDuration(op: string | undefined, task: TaskEntity): void {
    if (op === undefined) return;
    const d = taskDurationMs(task);
    if (d === undefined || d <= 0) return;
    const had = this.taskDurations.get(op);
    if (had === undefined || d < had) this.taskDurations.set(op, d);
  }

  /** Remembers when the request that created a task was sent (the successful attempt), for waitForTask. */
  private noteTaskOrigin(method: Method, path: string, sentAt: number, answer: unknown): void {
    const tasks = taskUuidsOf(answer);
    if (tasks.length === 0) return;
    const request = `${method} ${path.replace(/\/[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?=\/|$)/g, "/{uuid}")}`;
    for (const t of tasks) {
      this.taskOrigins.set(t, { sentAt, request });
      if (this.taskOrigins.size > MAX_TASK_ORIGINS) this.taskOrigins.delete(this.taskOrigins.keys().next().value!);
    }
  }

  /** Waits for several tasks; the first failure rejects. */
  async waitForTasks(uuids: string | string[], options: WaitOptions = {}): Promise<TaskEntity[]> {
    const list = typeof uuids === "string" ? [uuids] : uuids;
    return Promise.all(list.map((u) => this.waitForTask(u, options)));
  }

  // ------------------------------------------------------------------ lookups

  private lookupIssues<E extends { metadata: Metadata; spec?: unknown; status?: unknown }>(
    kind: string,
    ref: EntityRefLike,
    all: E[],
    eligible: (e: E) => boolean,
    scope?: string,
    ineligibleHint?: (matches: E[]) => string | undefined,
  ): Resolved<E> | LookupIssue {
    const brief = (e: E): { name: string; uuid: string } => ({ name: entityName(e), uuid: e.metadata.uuid ?? "" });
    const pool = all.filter(eligible);
    if ("uuid" in ref) {
      const hit = all.find((e) => e.metadata.uuid === ref.uuid);
      if (hit && eligible(hit)) return { uuid: ref.uuid, name: entityName(hit), entity: hit };
      const hint = hit ? ineligibleHint?.([hit]) : undefined;
      return PrismLookupError.issue({ kind, name: ref.uuid, problem: "missing", candidates: pool.map(brief), byUuid: true, scope: [scope, hint].filter(Boolean).join(" ") || undefined });
    }
    const want = ref.name.toLowerCase();
    const matches = pool.filter((e) => entityName(e).toLowerCase() === want);
    if (matches.length === 1) {
      const m = matches[0]!;
      return { uuid: m.metadata.uuid ?? "", name: entityName(m), entity: m };
    }
    if (matches.length === 0) {
      const hint = ineligibleHint?.(all.filter((e) => entityName(e).toLowerCase() === want));
      const sc = [scope, hint].filter(Boolean).join(" ");
      return PrismLookupError.issue({ kind, name: ref.name, problem: "missing", candidates: pool.map(brief), scope: sc || undefined });
    }
    return PrismLookupError.issue({ kind, name: ref.name, problem: "ambiguous", candidates: matches.map(brief), scope });
  }

  private static isAos(c: ClusterEntity): boolean {
    return (c.status?.resources?.config?.service_list ?? []).includes("AOS");
  }

  private async clusterIssue(ref: EntityRefLike): Promise<Resolved<ClusterEntity> | LookupIssue> {
    const all = await this.cachedList("clusters");
    return this.lookupIssues("cluster", ref, all, PrismClient.isAos, undefined, (m) =>
      m.length > 0 ? "(only a Prism Central has that name; a Prism Element cluster is needed — its service_list must contain AOS)" : undefined,
    );
  }

  private async subnetIssue(ref: EntityRefLike, peClusterUuid?: string, peName?: string): Promise<Resolved<SubnetEntity> | LookupIssue> {
    const all = await this.cachedList("subnets");
    const ok = (s: SubnetEntity): boolean => {
      if (peClusterUuid === undefined) return true;
      const type = s.spec?.resources?.subnet_type ?? s.status?.resources?.subnet_type;
      if (type === "OVERLAY") return true;
      const cu = s.spec?.cluster_reference?.uuid ?? s.status?.cluster_reference?.uuid;
      return cu === peClusterUuid;
    };
    const scope = peClusterUuid === undefined ? undefined : `on cluster ${peName ?? peClusterUuid}`;
    return this.lookupIssues("subnet", ref, all, ok, scope, (m) => (m.length > 0 ? `(a VLAN subnet of that name exists on another cluster)` : undefined));
  }

  private async imageIssue(ref: EntityRefLike): Promise<Resolved<ImageEntity> | LookupIssue> {
    const all = await this.cachedList("images");
    return this.lookupIssues("image", ref, all, () => true);
  }

  /**
   * Every host: ONE `POST /hosts/list`, no paging — hosts/list does not paginate and returns every host
   * (reference §3; CAPX GetGPUsForPE relies on that).
   */
  async listHosts(): Promise<HostEntity[]> {
    const res = await this.call<ListResponse<HostEntity>>("POST", "/hosts/list", { kind: "host" });
    return res.entities ?? [];
  }

  private cachedHosts(): Promise<HostEntity[]> {
    if (!this.hostsCache) {
      const p = this.listHosts();
      this.hostsCache = p;
      p.catch(() => {
        if (this.hostsCache === p) this.hostsCache = null;
      });
    }
    return this.hostsCache;
  }

  /** Each GPU resolved among the hosts of one PE cluster, or the lookup issue. */
  private async gpuIssues(peClusterUuid: string, gpus: GpuRef[], peName?: string): Promise<Array<VmGpu | LookupIssue>> {
    if (gpus.length === 0) return [];
    const hosts = (await this.cachedHosts()).filter((h) => h.status?.cluster_reference?.uuid === peClusterUuid);
    const usable = hosts
      .flatMap((h) => h.status?.resources?.gpu_list ?? [])
      .filter((g): g is HostGpu & { device_id: number; vendor: string; mode: string } => typeof g.device_id === "number" && typeof g.vendor === "string" && typeof g.mode === "string");
    const seen = new Set<string>();
    const candidates: Array<{ name: string; uuid: string }> = [];
    for (const g of usable) {
      const label = `${g.name ?? "(unnamed)"} (device_id ${g.device_id}, ${g.vendor}, ${g.mode})`;
      if (seen.has(label)) continue;
      seen.add(label);
      candidates.push({ name: label, uuid: String(g.device_id) });
    }
    const scope = `on the hosts of cluster ${peName ?? peClusterUuid}`;
    return gpus.map((want): VmGpu | LookupIssue => {
      const hit =
        "deviceId" in want
          ? usable.find((g) => g.device_id === want.deviceId)
          : usable.find((g) => typeof g.name === "string" && g.name.toLowerCase() === want.name.toLowerCase());
      if (hit) return { vendor: hit.vendor, mode: hit.mode, device_id: hit.device_id };
      if ("name" in want) return PrismLookupError.issue({ kind: "GPU", name: want.name, problem: "missing", candidates, scope });
      const known = candidates.map((c) => c.name).join(", ") || "(none)";
      return { kind: "GPU", name: String(want.deviceId), problem: "missing", candidates, scope, message: `no GPU with device_id ${want.deviceId} ${scope}; known: ${known}` };
    });
  }

  /**
   * GPUs by name (case-insensitive) or device id among the hosts of a PE cluster, as CAPX does
   * (`hosts/list` → `status.resources.gpu_list`), giving the `gpu_list` items `{vendor, mode, device_id}`
   * a VM spec needs. Hosts are listed once per client. Throws one PrismLookupError listing every miss,
   * with the GPUs that PE has.
   */
  async resolveGpus(peClusterUuid: string, gpus: GpuRef[], peName?: string): Promise<VmGpu[]> {
    const out = await this.gpuIssues(peClusterUuid, gpus, peName);
    const issues = out.filter(isIssue);
    if (issues.length > 0) throw new PrismLookupError(issues);
    return out as VmGpu[];
  }

  /** A Prism Element cluster by name (case-insensitive, exact) or uuid; only clusters whose service_list has AOS. */
  async resolveCluster(ref: EntityRefLike): Promise<Resolved<ClusterEntity>> {
    return unwrap(await this.clusterIssue(ref));
  }

  /** A subnet; with a PE uuid, a VLAN subnet counts only on that PE and an OVERLAY subnet on any (as CAPX). */
  async resolveSubnet(ref: EntityRefLike, peClusterUuid?: string): Promise<Resolved<SubnetEntity>> {
    return unwrap(await this.subnetIssue(ref, peClusterUuid));
  }

  async resolveImage(ref: EntityRefLike): Promise<Resolved<ImageEntity>> {
    return unwrap(await this.imageIssue(ref));
  }

  /** Resolves everything and throws one PrismLookupError listing every missing or ambiguous reference. */
  async resolveAll(input: ResolveAllInput): Promise<ResolveAllResult> {
    const issues: LookupIssue[] = [];
    const seenIssue = new Set<string>();
    const note = <E>(r: Resolved<E> | LookupIssue): Resolved<E> | undefined => {
      if ("message" in r && "problem" in r) {
        const key = `${r.kind}\u0000${r.message}`;
        if (!seenIssue.has(key)) {
          seenIssue.add(key);
          issues.push(r);
        }
        return undefined;
      }
      return r as Resolved<E>;
    };
    // The three lists are independent: start them together (each is listed once and cached).
    const kinds: ListableKind[] = [];
    const gpuInput = (input.gpus ?? []).filter((g) => g.gpus.length > 0);
    if ((input.clusters ?? []).length > 0 || (input.subnets ?? []).some((s) => s.cluster) || gpuInput.length > 0) kinds.push("clusters");
    if ((input.subnets ?? []).length > 0) kinds.push("subnets");
    if ((input.images ?? []).length > 0) kinds.push("images");
    for (const k of kinds) this.cachedList(k).catch(() => undefined);
    if (gpuInput.length > 0) this.cachedHosts().catch(() => undefined);
    const clusters = await Promise.all((input.clusters ?? []).map(async (c) => note(await this.clusterIssue(c))));
    const subnets = await Promise.all(
      (input.subnets ?? []).map(async (s) => {
        let pe: Resolved<ClusterEntity> | undefined;
        if (s.cluster) pe = note(await this.clusterIssue(s.cluster));
        return note(await this.subnetIssue(s.ref, pe?.uuid, pe?.name));
      }),
    );
    const images = await Promise.all((input.images ?? []).map(async (i) => note(await this.imageIssue(i))));
    const gpus = await Promise.all(
      (input.gpus ?? []).map(async (g): Promise<VmGpu[]> => {
        if (g.gpus.length === 0) return [];
        const pe = note(await this.clusterIssue(g.cluster));
        if (!pe) return [];
        const out: VmGpu[] = [];
        for (const r of await this.gpuIssues(pe.uuid, g.gpus, pe.name)) {
          if (isIssue(r)) note(r);
          else out.push(r);
        }
        return out;
      }),
    );
    if (issues.length > 0) throw new PrismLookupError(issues);
    return {
      gpus,
      clusters: clusters as Array<Resolved<ClusterEntity>>,
      subnets: subnets as Array<Resolved<SubnetEntity>>,
      images: images as Array<Resolved<ImageEntity>>,
    };
  }

  // ------------------------------------------------------------------ VMs

  /**
   * POST /vms (202). Sets `metadata.uuid` (random when absent) so a retried POST is idempotent: a
   * 409 ENTITY_ALREADY_EXISTS answer then reads the VM and returns it with `existed: true`.
   */
  async createVm(body: VmIntentInput): Promise<CreateVmResult> {
    const uuid = body.metadata?.uuid ?? randomUUID();
    const payload: VmIntentInput = { api_version: body.api_version ?? "3.1", ...body, metadata: { ...body.metadata, kind: "vm", uuid } };
    try {
      const res = await this.call<VmEntity>("POST", "/vms", payload);
      const taskUuid = taskUuidsOf(res)[0] ?? "";
      this.listCache.delete("vms");
      return { uuid: res.metadata?.uuid ?? uuid, taskUuid, existed: false, entity: res };
    } catch (e) {
      if (e instanceof PrismApiError && e.status === 409 && e.hasReason("ENTITY_ALREADY_EXISTS")) {
        const vm = await this.getVm(uuid);
        const tasks = taskUuidsOf(vm);
        return { uuid, taskUuid: tasks[tasks.length - 1] ?? "", existed: true, entity: vm };
      }
      throw e;
    }
  }

  /** GET /vms/{uuid}; null when the VM does not exist (404 ENTITY_NOT_FOUND). */
  async getVm(uuid: string): Promise<VmEntity | null> {
    try {
      return await this.call<VmEntity>("GET", `/vms/${enc(uuid)}`);
    } catch (e) {
      if (isNotFound(e) && e.status === 404) return null;
      throw e;
    }
  }

  /** Every VM, optionally with a FIQL filter such as `vm_name==web-1`. */
  async listVms(filter?: string): Promise<VmEntity[]> {
    return this.listAll("vms", filter === undefined ? {} : { filter });
  }

  /**
   * Read-modify-write: GET, drop status, let `mutate` edit spec (and metadata), PUT with the same
   * metadata (spec_version). On an edit conflict (409, or with `wait` a task failing with one) re-read
   * and retry, at most `maxAttempts` times. Returns the update task uuid.
   */
  async updateVm(
    uuid: string,
    mutate: (spec: VmSpec, metadata: Metadata) => void | Promise<void>,
    options: UpdateVmOptions = {},
  ): Promise<string> {
    const max = options.maxAttempts ?? 5;
    for (let attempt = 1; ; attempt++) {
      const vm = await this.getVm(uuid);
      if (!vm) {
        throw new PrismApiError({
          status: 404,
          method: "GET",
          path: `/vms/${uuid}`,
          messageList: [{ message: `vm : ${uuid} does not exist.`, reason: "ENTITY_NOT_FOUND" }],
          body: null,
        });
      }
      const spec = structuredClone(vm.spec);
      const metadata = structuredClone(vm.metadata);
      await mutate(spec, metadata);
      try {
        const res = await this.call<VmEntity>("PUT", `/vms/${enc(uuid)}`, { api_version: "3.1", metadata, spec });
        const taskUuid = taskUuidsOf(res)[0] ?? "";
        if (options.wait && taskUuid) {
          await this.waitForTask(taskUuid, options.wait === true ? {} : options.wait);
        }
        this.listCache.delete("vms");
        return taskUuid;
      } catch (e) {
        const conflict = (e instanceof PrismApiError && e.isEditConflict) || (e instanceof PrismTaskError && e.isEditConflict);
        if (conflict && attempt < max) {
          this.stats.conflicts++;
          const delay = this.backoffDelay(attempt + 1);
          this.log(`prism: edit conflict on vm ${uuid} (attempt ${attempt}/${max}); re-reading in ${delay} ms`);
          await sleep(delay);
          continue;
        }
        throw e;
      }
    }
  }

  /** DELETE /vms/{uuid}; returns the task uuid, or null when the VM was already gone (404). */
  async deleteVm(uuid: string): Promise<string | null> {
    try {
      const res = await this.call<DeleteResponse>("DELETE", `/vms/${enc(uuid)}`);
      this.listCache.delete("vms");
      return taskUuidsOf(res)[0] ?? null;
    } catch (e) {
      if (isNotFound(e) && e.status === 404) return null;
      throw e;
    }
  }

  // ------------------------------------------------------------------ categories

  async getCategoryKey(key: string): Promise<CategoryKey | null> {
    try {
      return await this.call<CategoryKey>("GET", `/categories/${enc(key)}`);
    } catch (e) {
      if (isNotFound(e)) return null;
      throw e;
    }
  }

  async getCategoryValue(key: string, value: string): Promise<CategoryValue | null> {
    try {
      return await this.call<CategoryValue>("GET", `/categories/${enc(key)}/${enc(value)}`);
    } catch (e) {
      if (isNotFound(e)) return null;
      throw e;
    }
  }

  /** PUT a category key (create or update; idempotent). */
  async putCategoryKey(key: string, description?: string): Promise<void> {
    await this.call<CategoryKey>("PUT", `/categories/${enc(key)}`, { name: key, description: description ?? "Managed by nutanix-palette-cdk" }, { isWrite: true });
    this.knownCategories.add(key);
  }

  /** PUT a category value (create or update; idempotent). The key must exist. */
  async putCategoryValue(key: string, value: string, description?: string): Promise<void> {
    const body: { value: string; description?: string } = { value };
    if (description !== undefined) body.description = description;
    await this.call<CategoryValue>("PUT", `/categories/${enc(key)}/${enc(value)}`, body, { isWrite: true });
    this.knownCategories.add(`${key}\u0000${value}`);
  }

  /** GET the key; PUT it when missing. Returns true when it was created. Cached per client. */
  async ensureCategoryKey(key: string, description?: string): Promise<boolean> {
    if (this.knownCategories.has(key)) return false;
    let created = false;
    if ((await this.getCategoryKey(key)) === null) {
      await this.putCategoryKey(key, description);
      created = true;
    }
    this.knownCategories.add(key);
    return created;
  }

  /** Ensures the key, then GET the value and PUT it when missing. Returns true when the value was created. */
  async ensureCategoryValue(key: string, value: string, description?: string): Promise<boolean> {
    const id = `${key}\u0000${value}`;
    if (this.knownCategories.has(id)) return false;
    await this.ensureCategoryKey(key);
    let created = false;
    if ((await this.getCategoryValue(key, value)) === null) {
      await this.putCategoryValue(key, value, description);
      created = true;
    }
    this.knownCategories.add(id);
    return created;
  }

  /** Every value of a category key (`POST /categories/{key}/list`, paged). Throws on a missing key. */
  async listCategoryValues(key: string): Promise<CategoryValue[]> {
    const out: CategoryValue[] = [];
    const seen = new Set<string>();
    let offset = 0;
    for (let page = 0; page < 100_000; page++) {
      const res = await this.call<ListResponse<CategoryValue>>("POST", `/categories/${enc(key)}/list`, { kind: "category", length: 500, offset });
      const entities = res.entities ?? [];
      let added = 0;
      for (const e of entities) {
        const v = typeof e.value === "string" ? e.value : undefined;
        if (v !== undefined) {
          if (seen.has(v)) continue;
          seen.add(v);
        }
        out.push(e);
        added++;
      }
      offset += entities.length;
      const total = res.metadata?.total_matches;
      if (entities.length === 0 || added === 0) break;
      if (typeof total === "number") {
        if (out.length >= total) break;
      } else if (entities.length < 500) break;
    }
    return out;
  }

  /** The value names of a category key (paged list), or null when the key does not exist. */
  async categoryValueNames(key: string): Promise<string[] | null> {
    try {
      return (await this.listCategoryValues(key)).map((v) => v.value).filter((v): v is string => typeof v === "string");
    } catch (e) {
      if (isNotFound(e)) return null;
      throw e;
    }
  }

  /** DELETE a category value; false when it did not exist. */
  async deleteCategoryValue(key: string, value: string): Promise<boolean> {
    this.knownCategories.delete(`${key}\u0000${value}`);
    try {
      await this.call<unknown>("DELETE", `/categories/${enc(key)}/${enc(value)}`);
      return true;
    } catch (e) {
      if (isNotFound(e)) return false;
      throw e;
    }
  }

  /** DELETE a category key (its values must be deleted first); false when it did not exist. */
  async deleteCategoryKey(key: string): Promise<boolean> {
    this.knownCategories.delete(key);
    try {
      await this.call<unknown>("DELETE", `/categories/${enc(key)}`);
      return true;
    } catch (e) {
      if (isNotFound(e)) return false;
      throw e;
    }
  }

  // ------------------------------------------------------------------ other single reads

  async getCluster(uuid: string): Promise<ClusterEntity> {
    return this.call<ClusterEntity>("GET", `/clusters/${enc(uuid)}`);
  }

  async getSubnet(uuid: string): Promise<SubnetEntity> {
    return this.call<SubnetEntity>("GET", `/subnets/${enc(uuid)}`);
  }

  async getImage(uuid: string): Promise<ImageEntity> {
    return this.call<ImageEntity>("GET", `/images/${enc(uuid)}`);
  }
}

function isIssue(r: unknown): r is LookupIssue {
  return typeof r === "object" && r !== null && "problem" in r && "message" in r;
}

function unwrap<E>(r: Resolved<E> | LookupIssue): Resolved<E> {
  if ("problem" in r && "message" in r) throw new PrismLookupError([r]);
  return r as Resolved<E>;
}

function isObject(v: unknown): v is Record<string, unknown> & { status?: unknown; state?: unknown } {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text.trim() === "") return { ok: false };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

function identityOf(e: unknown): string | undefined {
  if (!isObject(e)) return undefined;
  const md = e.metadata;
  if (isObject(md) && typeof md.uuid === "string") return md.uuid;
  if (typeof e.uuid === "string") return e.uuid;
  if (typeof e.name === "string") return `name:${e.name}${typeof e.value === "string" ? `=${e.value}` : ""}`;
  return undefined;
}
