/**
 * One Prism Central v3 API call: TLS trust, basic auth and session cookies (with one re-login on an
 * expired session), retries of connection errors, 429 and 5xx, and reading the answer.
 */
import type * as http from "node:http";
import { PrismApiError, PrismAuthError, PrismConnectionError, PrismError, PrismTimeoutError } from "./errors";
import { isObject, parseJson } from "./json";
import type { PrismClientOptions } from "./options";
import { isRetryableStatus, type RetryPolicy } from "./retry";
import { Session } from "./session";
import type { PrismStats } from "./stats";
import {
  BASE_PATH,
  TransportError,
  describeTlsError,
  isNotSentTransportError,
  isRetryableTransportError,
  isTlsError,
  makeAgent,
  parseCaBundle,
  parseRetryAfter,
  sendRequest,
  type RawResponse,
} from "./transport";
import type { UserEntity } from "./types";

export type Method = "GET" | "POST" | "PUT" | "DELETE";

export interface CallOptions {
  /** Send basic auth even when session cookies are held. */
  basicOnly?: boolean;
  /** Count as a write; by default every method but GET and list POSTs is one. */
  isWrite?: boolean;
  /**
   * The request must not be repeated once it may have reached the server (a create: a 5xx or a lost
   * answer may hide an accepted POST). Only a 429 or a connection that never opened is retried.
   * @default false
   */
  noRepeat?: boolean;
}

/** One API call with retries; `path` is relative to /api/nutanix/v3. */
export type Call = <T>(method: Method, path: string, body?: unknown, opts?: CallOptions) => Promise<T>;

export interface PrismApiHooks {
  stats: PrismStats;
  retry: RetryPolicy;
  log: (line: string) => void;
  /**
   * Told of every successful answer to a write, with when that answer arrived: the task it names was
   * made before then, so a first poll `learned duration` after it finds a task of that duration done
   * (with polls at least a second apart after the first, a poll too early costs a second).
   */
  onWriteAnswer: (method: Method, path: string, sentAt: number, answer: unknown) => void;
}

const DEFAULT_USER_AGENT = "nutanix-palette-cdk (nutanix/v3)";

let processWarnedInsecure = false;
let processWarnedClear = false;

function warn(opts: PrismClientOptions, warning: string, code: string, once: () => boolean): void {
  if (opts.logger) opts.logger(`warning: ${warning}`);
  else if (once()) process.emitWarning(warning, { code });
}

export class PrismApi {
  private readonly agent: http.Agent;
  private readonly timeoutMs: number;
  private readonly session: Session;
  private loginInFlight: Promise<string> | null = null;
  /** Set by the first 401 a (re-)login did not fix: every later call fails with it, no more logins (account lockout). */
  private authFailure: PrismAuthError | null = null;
  /** Set by close(): a request it cut is not sent again. */
  private closed = false;

  /** `opts` is read again on every request (user agent, credentials). */
  constructor(
    private readonly endpoint: URL,
    private readonly opts: PrismClientOptions,
    private readonly hooks: PrismApiHooks,
  ) {
    this.session = new Session(opts);
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    const caCertificates = opts.caBundle !== undefined ? parseCaBundle(opts.caBundle) : undefined;
    const insecure = opts.insecure === true;
    if (insecure && endpoint.protocol === "https:") {
      warn(opts, `prism: TLS verification is disabled for ${endpoint.host} (insecure: true); anyone on the path can read the credentials`, "PRISM_INSECURE_TLS", () => {
        const first = !processWarnedInsecure;
        processWarnedInsecure = true;
        return first;
      });
    }
    if (endpoint.protocol === "http:") {
      warn(opts, `prism: ${endpoint.host} is reached over http://: the credentials and the session cookie travel in clear`, "PRISM_CLEAR_TEXT", () => {
        const first = !processWarnedClear;
        processWarnedClear = true;
        return first;
      });
    }
    this.agent = makeAgent(endpoint, caCertificates ? { insecure, caCertificates } : { insecure });
  }

  /** True when session cookies are held. */
  get hasSession(): boolean {
    return this.session.active;
  }

  /** Drops the session cookies; later calls use basic auth. */
  logout(): void {
    this.session.clear();
  }

  /**
   * Closes the keep-alive connections. A request still in flight fails (its connection is cut) and is
   * not sent again (a session closed while its reads were still answering, e.g. the read-only check of a
   * run that is going to write, must not repeat them). A later request opens a new connection.
   */
  close(): void {
    this.closed = true;
    this.agent.destroy();
  }


  private get userAgent(): string {
    return this.opts.userAgent ?? DEFAULT_USER_AGENT;
  }

  /**
   * One API call with retries. `path` is relative to /api/nutanix/v3. The body is serialized anew on
   * every attempt (a retried request must carry its body again: nutanix-cloud-native/cluster-api-provider-nutanix issue #722).
   */
  async call<T>(method: Method, path: string, body?: unknown, opts: CallOptions = {}): Promise<T> {
    const { stats, retry, log } = this.hooks;
    const changes = method !== "GET" && !(method === "POST" && /\/list$/.test(path));
    const isWrite = opts.isWrite ?? changes;
    const url = new URL(BASE_PATH + path, this.endpoint);
    if (this.authFailure) throw this.authFailure;
    if (changes && this.opts.writeGate) await this.opts.writeGate();
    let relogged = false;
    for (let attempt = 1; ; attempt++) {
      if (this.closed && attempt > 1) throw new PrismError(`${method} ${path}: not sent again, the client was closed while it was answered`);
      const useCookies = !opts.basicOnly && this.session.active;
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body), "utf8");
      const headers: Record<string, string> = {
        "Content-Type": "application/json",
        Accept: "application/json",
        "User-Agent": this.userAgent,
        ...this.session.headers(useCookies),
      };
      if (payload) headers["Content-Length"] = String(payload.length);
      stats.requests++;
      if (isWrite) stats.writes++;
      let res: RawResponse;
      try {
        res = await sendRequest(url, { method, headers, body: payload, agent: this.agent, timeoutMs: this.timeoutMs });
      } catch (err) {
        const e = err instanceof TransportError ? err : new TransportError("EUNKNOWN", String(err), { cause: err });
        if (isTlsError(e)) {
          throw new PrismConnectionError({ method, path, code: e.code, detail: describeTlsError(e), isTls: true, cause: e });
        }
        const repeatable = opts.noRepeat ? isNotSentTransportError(e) : isRetryableTransportError(e);
        if (repeatable && attempt < retry.maxAttempts) {
          await retry.pause(attempt, undefined, `${method} ${path}: ${e.code}`);
          continue;
        }
        if (e.code === "ETIMEDOUT") {
          throw new PrismTimeoutError(`${method} ${path}`, this.timeoutMs, { cause: e, hint: "no answer within the request timeout; raise it to wait longer" });
        }
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
          this.session.clear();
          log(`prism: session expired on ${method} ${path}; logging in again`);
          await this.login();
          attempt--;
          continue;
        }
        // A 401 that a fresh login did not fix: stop here, never try the credentials again this run.
        this.authFailure ??= new PrismAuthError(method, path, res.text);
        throw this.authFailure;
      }

      const parsed = parseJson(res.text);
      const repeatStatus = opts.noRepeat ? res.status === 429 : isRetryableStatus(res.status);
      if (repeatStatus && attempt < retry.maxAttempts) {
        const retryAfter = res.status === 429 || res.status === 503 ? parseRetryAfter(res.headers["retry-after"]) : undefined;
        await retry.pause(attempt, retryAfter, `${method} ${path}: ${res.status}`);
        continue;
      }
      if (res.status < 200 || res.status >= 300) {
        // PGC CheckResponse: a non-2xx JSON body whose state is not ERROR is a success.
        if (parsed.ok && isObject(parsed.value) && typeof parsed.value.state === "string" && parsed.value.state !== "ERROR") {
          if (isWrite) this.hooks.onWriteAnswer(method, path, Date.now(), parsed.value);
          return parsed.value as T;
        }
        throw PrismApiError.fromBody(res.status, method, path, parsed.ok ? parsed.value : res.text);
      }
      if (!parsed.ok) {
        if (res.text.trim() === "") return undefined as T;
        throw new PrismApiError({ status: res.status, method, path, messageList: [{ message: "the answer is not JSON" }], body: res.text });
      }
      const v = parsed.value;
      // A 2xx entity whose status.state is ERROR (its async create failed) is returned, not thrown, as
      // PGC and TF do: the caller reads the state and can delete it. A top-level ERROR body is an error.
      if (isObject(v) && v.state === "ERROR") throw PrismApiError.fromBody(res.status, method, path, v);
      if (isWrite) this.hooks.onWriteAnswer(method, path, Date.now(), v);
      return v as T;
    }
  }

  /** GET /users/me with basic auth, keeps the session cookies; later calls send only the cookies. Returns the user name. */
  async login(): Promise<string> {
    if (this.authFailure) throw this.authFailure;
    if (this.loginInFlight) return this.loginInFlight;
    this.loginInFlight = (async () => {
      try {
        return await this.loginOnce();
      } finally {
        this.loginInFlight = null;
      }
    })();
    return this.loginInFlight;
  }

  private async loginOnce(): Promise<string> {
    const { stats, retry } = this.hooks;
    const url = new URL(`${BASE_PATH}/users/me`, this.endpoint);
    for (let attempt = 1; ; attempt++) {
      stats.requests++;
      let res: RawResponse;
      try {
        res = await sendRequest(url, {
          method: "GET",
          headers: { Accept: "application/json", "User-Agent": this.userAgent, ...this.session.headers(false) },
          agent: this.agent,
          timeoutMs: this.timeoutMs,
        });
      } catch (err) {
        const e = err instanceof TransportError ? err : new TransportError("EUNKNOWN", String(err));
        if (isTlsError(e)) throw new PrismConnectionError({ method: "GET", path: "/users/me", code: e.code, detail: describeTlsError(e), isTls: true, cause: e });
        if (isRetryableTransportError(e) && attempt < retry.maxAttempts) {
          await retry.pause(attempt, undefined, `GET /users/me: ${e.code}`);
          continue;
        }
        if (e.code === "ETIMEDOUT") throw new PrismTimeoutError("GET /users/me", this.timeoutMs, { cause: e, hint: "no answer within the request timeout; raise it to wait longer" });
        throw new PrismConnectionError({ method: "GET", path: "/users/me", code: e.code, detail: `cannot reach ${this.endpoint.host} (${e.code}: ${e.message})`, isTls: false, cause: e });
      }
      if (res.status === 401) {
        this.authFailure ??= new PrismAuthError("GET", "/users/me", res.text);
        throw this.authFailure;
      }
      if (isRetryableStatus(res.status) && attempt < retry.maxAttempts) {
        await retry.pause(attempt, parseRetryAfter(res.headers["retry-after"]), `GET /users/me: ${res.status}`);
        continue;
      }
      const parsed = parseJson(res.text);
      if (res.status < 200 || res.status >= 300) throw PrismApiError.fromBody(res.status, "GET", "/users/me", parsed.ok ? parsed.value : res.text);
      this.session.keepCookies(res);
      stats.logins++;
      const user = (parsed.ok ? parsed.value : {}) as UserEntity;
      return user.status?.name ?? this.opts.username;
    }
  }
}
