/**
 * One HTTP(S) exchange with Palette over node:http / node:https with a deadline, and the classification of
 * failures below HTTP. The default deadline of 30 s is palette-sdk-go's (`api/apiutil/transport`).
 */
import * as http from "node:http";
import * as https from "node:https";
import * as tls from "node:tls";

/** What came back: status, headers and body bytes. */
export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A failure below HTTP: refused, reset, timeout, TLS. */
export class TransportError extends Error {
  readonly code: string;
  /** The request bytes were fully written before the failure (a write may have been applied). */
  readonly sent: boolean;
  constructor(code: string, message: string, sent: boolean, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "TransportError";
    this.code = code;
    this.sent = sent;
  }
}

/** Parses `https://host[:port]` or `http://host[:port]` (a bare host means https). */
export function parsePaletteEndpoint(endpoint: string): URL {
  const raw = endpoint.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new Error(`palette endpoint: expected https://host[:port], got ${JSON.stringify(endpoint)}`);
  }
  if (raw === "" || (url.protocol !== "https:" && url.protocol !== "http:")) {
    throw new Error(`palette endpoint: expected https://host[:port], got ${JSON.stringify(endpoint)}`);
  }
  if (url.username || url.password) throw new Error("palette endpoint: put the API key in apiKey, not in the URL");
  url.pathname = "/";
  url.search = "";
  url.hash = "";
  return url;
}

export interface AgentOptions {
  /** Skip TLS verification. @default false */
  insecure?: boolean;
  /** Extra PEM CA certificates trusted beside the system roots. */
  caCertificates?: string[];
}

export function makeAgent(url: URL, opts: AgentOptions): http.Agent {
  if (url.protocol === "http:") return new http.Agent({ keepAlive: true, maxSockets: 16 });
  const o: https.AgentOptions = { keepAlive: true, maxSockets: 16 };
  if (opts.insecure) o.rejectUnauthorized = false;
  else if (opts.caCertificates?.length) o.ca = [...tls.rootCertificates, ...opts.caCertificates];
  return new https.Agent(o);
}

export function sendRequest(
  url: URL,
  init: { method: string; headers: Record<string, string>; body?: Buffer | undefined; agent: http.Agent; timeoutMs: number },
): Promise<RawResponse> {
  const mod = url.protocol === "https:" ? https : http;
  return new Promise<RawResponse>((resolve, reject) => {
    let settled = false;
    let sent = false;
    const done = (err: Error | null, res?: RawResponse): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(res!);
    };
    const req = mod.request(url, { method: init.method, headers: init.headers, agent: init.agent });
    const timer = setTimeout(() => {
      const e = new TransportError("ETIMEDOUT", `no answer within ${init.timeoutMs} ms`, sent);
      req.destroy(e);
      done(e);
    }, init.timeoutMs);
    req.on("finish", () => (sent = true));
    req.on("error", (e: NodeJS.ErrnoException) => done(new TransportError(e.code ?? "ECONNERROR", e.message, sent, { cause: e })));
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", (e: NodeJS.ErrnoException) => done(new TransportError(e.code ?? "ECONNRESET", e.message, true, { cause: e })));
      res.on("aborted", () => done(new TransportError("ECONNRESET", "answer aborted", true)));
      res.on("end", () => done(null, { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.end(init.body);
  });
}

const RETRYABLE_CODES = new Set(["ECONNRESET", "ECONNREFUSED", "ECONNABORTED", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN"]);

/** A transport failure worth another attempt (not TLS or a bad URL). */
export function isRetryableTransportError(e: TransportError): boolean {
  return RETRYABLE_CODES.has(e.code) || /socket hang up/i.test(e.message);
}

/** `Retry-After` in delta seconds or an HTTP date, as milliseconds; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const v = (Array.isArray(value) ? value[0] : value)?.trim();
  if (v === undefined || v === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}
