/**
 * The HTTP(S) transport of the client: endpoint parsing, TLS trust (CA bundle added to the system
 * roots, or insecure), one request over node:http / node:https with an overall deadline, and the
 * classification of low-level errors (retryable, TLS).
 */
import * as http from "node:http";
import * as https from "node:https";
import * as tls from "node:tls";
import { X509Certificate } from "node:crypto";
import { PrismError } from "./errors";

export const DEFAULT_PORT = 9440;
export const BASE_PATH = "/api/nutanix/v3";

/** Parses `https://host:port`, `http://host:port`, `host`, `host:port`, `[::1]:9440`. Default https and port 9440. */
export function parseEndpoint(endpoint: string): URL {
  const raw = endpoint.trim();
  if (raw === "") throw new PrismError("endpoint: expected https://host[:port] or host[:port], got an empty string");
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new PrismError(`endpoint: expected https://host[:port] or host[:port], got ${JSON.stringify(endpoint)}`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new PrismError(`endpoint: expected an https:// or http:// URL, got ${JSON.stringify(endpoint)}`);
  }
  if (url.username || url.password) throw new PrismError("endpoint: put credentials in username/password, not in the URL");
  const explicitPort = /^[a-z]+:\/\/(\[[^\]]*\]|[^/:?#]*)(:(\d+))?/i.exec(withScheme)?.[3];
  url.port = String(explicitPort ?? DEFAULT_PORT);
  // Note: URL drops a scheme-default port (https://h:443 → port ""); use portOf().
  url.pathname = "/";
  url.search = "";
  url.hash = "";
  return url;
}

/** Host and port of a parsed endpoint, with the scheme-default port made explicit. */
export function portOf(url: URL): number {
  if (url.port) return Number(url.port);
  return url.protocol === "https:" ? 443 : 80;
}

/** Splits a PEM bundle; every block must be a CERTIFICATE (PGC `WithPEMEncodedCertBundle`). */
export function parseCaBundle(pem: string): string[] {
  const re = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END ([A-Z0-9 ]+)-----/g;
  const out: string[] = [];
  let m: RegExpExecArray | null;
  let index = 0;
  while ((m = re.exec(pem)) !== null) {
    index++;
    const type = m[1]!;
    if (type !== "CERTIFICATE" || m[3] !== "CERTIFICATE") {
      throw new PrismError(`caBundle: PEM block ${index} is a ${type}, expected CERTIFICATE (only certificates may be in a CA bundle)`);
    }
    const block = m[0];
    try {
      new X509Certificate(block);
    } catch {
      throw new PrismError(`caBundle: PEM block ${index} is not a valid X.509 certificate`);
    }
    out.push(`${block}\n`);
  }
  if (out.length === 0) throw new PrismError("caBundle: no PEM CERTIFICATE block found (expected -----BEGIN CERTIFICATE-----)");
  return out;
}

export interface TransportOptions {
  insecure: boolean;
  caCertificates?: string[];
}

export function makeAgent(url: URL, opts: TransportOptions): http.Agent {
  if (url.protocol === "http:") return new http.Agent({ keepAlive: true, maxSockets: 64 });
  const agentOpts: https.AgentOptions = { keepAlive: true, maxSockets: 64 };
  if (opts.insecure) agentOpts.rejectUnauthorized = false;
  else if (opts.caCertificates && opts.caCertificates.length > 0) agentOpts.ca = [...tls.rootCertificates, ...opts.caCertificates];
  return new https.Agent(agentOpts);
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** An error below HTTP: connection refused/reset, timeout, TLS. A PrismError like every error of the client. */
export class TransportError extends PrismError {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** Codes that mean the request never reached the server, so repeating it cannot do the work twice. */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN", "ENOTFOUND"]);

/** True when the request cannot have reached the server (safe to repeat even a create). */
export function isNotSentTransportError(e: TransportError): boolean {
  return NOT_SENT_CODES.has(e.code);
}

export function sendRequest(
  url: URL,
  init: { method: string; headers: Record<string, string>; body?: Buffer | undefined; agent: http.Agent; timeoutMs: number },
): Promise<RawResponse> {
  const mod = url.protocol === "https:" ? https : http;
  return new Promise<RawResponse>((resolve, reject) => {
    let settled = false;
    const done = (err: Error | null, res?: RawResponse): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(res!);
    };
    const req = mod.request(url, { method: init.method, headers: init.headers, agent: init.agent });
    const timer = setTimeout(() => {
      const e = new TransportError("ETIMEDOUT", `no response within ${init.timeoutMs} ms`);
      req.destroy(e);
      done(e);
    }, init.timeoutMs);
    req.on("error", (e: NodeJS.ErrnoException) => done(new TransportError(e.code ?? "ECONNERROR", e.message, { cause: e })));
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", (e: NodeJS.ErrnoException) => done(new TransportError(e.code ?? "ECONNRESET", e.message, { cause: e })));
      res.on("aborted", () => done(new TransportError("ECONNRESET", "response aborted")));
      res.on("end", () => done(null, { status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString("utf8") }));
    });
    if (init.body) req.end(init.body);
    else req.end();
  });
}

const TLS_CODES = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_UNTRUSTED",
  "CERT_REJECTED",
  "CERT_SIGNATURE_FAILURE",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "HOSTNAME_MISMATCH",
  "EPROTO",
  "ERR_SSL_WRONG_VERSION_NUMBER",
]);

const RETRYABLE_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "ESOCKETTIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
]);

export function isTlsError(e: TransportError): boolean {
  return TLS_CODES.has(e.code) || e.code.startsWith("ERR_TLS") || e.code.startsWith("ERR_SSL");
}

export function isRetryableTransportError(e: TransportError): boolean {
  return RETRYABLE_CODES.has(e.code) || /socket hang up/i.test(e.message);
}

/** A human explanation of a TLS failure. */
export function describeTlsError(e: TransportError): string {
  if (e.code === "ERR_TLS_CERT_ALTNAME_INVALID" || e.code === "HOSTNAME_MISMATCH") {
    return `TLS: the certificate does not name this host (${e.message}): connect with a name the certificate covers, pass a CA bundle, or --insecure`;
  }
  if (e.code === "EPROTO" || e.code.startsWith("ERR_SSL")) {
    return `TLS handshake failed (${e.code}: ${e.message}): is the endpoint really https?`;
  }
  return `TLS: certificate not trusted: pass a CA bundle or --insecure (${e.code}: ${e.message})`;
}

/** Parses `Retry-After`: delta seconds or an HTTP date. Returns milliseconds, or undefined. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v.trim() === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(v.trim())) return Math.round(Number(v.trim()) * 1000);
  const t = Date.parse(v);
  if (Number.isNaN(t)) return undefined;
  return Math.max(0, t - now);
}
