/**
 * One HTTPS request with mutual TLS: the server must present a certificate from the pinned CA (and only
 * that CA: no system roots), the client presents its certificate. Shared by the Kubernetes API client and
 * the etcd client. Errors never contain key material.
 */
import * as https from "node:https";
import * as tls from "node:tls";
import { KubeInputError, KubeUnreachableError } from "./errors";

/** Where and how to connect. */
export interface TlsEndpoint {
  /** Host to dial (an IP address or DNS name). */
  readonly host: string;
  readonly port: number;
  /** PEM CA that must have signed the server's certificate. */
  readonly caPem: string;
  /** PEM client certificate. */
  readonly certPem: string;
  /** PEM client key. */
  readonly keyPem: string;
  /**
   * Name the server certificate must carry, when it differs from `host`.
   * @default host
   */
  readonly serverName?: string;
}

/** An answer: status, headers and the body text. */
export interface TlsResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly text: string;
}

/** Validates an endpoint's shape; `what` names it in errors. */
export function checkEndpoint(ep: TlsEndpoint, what: string): void {
  if (typeof ep.host !== "string" || ep.host.trim() === "") throw new KubeInputError(`${what}.host: expected a host name or IP address`);
  if (!Number.isInteger(ep.port) || ep.port < 1 || ep.port > 65535) throw new KubeInputError(`${what}.port: expected an integer 1-65535, got ${ep.port}`);
  for (const f of ["caPem", "certPem", "keyPem"] as const) {
    if (typeof ep[f] !== "string" || !ep[f].includes("-----BEGIN ")) throw new KubeInputError(`${what}.${f}: expected PEM data`);
  }
}

/** A keep-alive agent that trusts only the pinned CA and presents the client certificate. */
export function makeTlsAgent(ep: TlsEndpoint): https.Agent {
  return new https.Agent({ keepAlive: true, maxSockets: 8, ca: [ep.caPem], cert: ep.certPem, key: ep.keyPem, rejectUnauthorized: true });
}

type RequestInit = { method: string; path: string; headers?: Record<string, string>; body?: string; timeoutMs: number };

/**
 * A reset that met a kept-alive connection the server had just closed: the request never reached the server,
 * and Node's documented answer is to send it again on a new connection (nodejs.org, http, `request.reusedSocket`).
 */
class StaleSocketError extends Error {}

/**
 * Sends one request; transport failures become {@link KubeUnreachableError}. A request that met a kept-alive
 * connection the server had closed (idle timeout, server restart) is sent once more on a new connection.
 */
export async function tlsRequest(ep: TlsEndpoint, agent: https.Agent, init: RequestInit): Promise<TlsResponse> {
  try {
    return await tlsRequestOnce(ep, agent, init, true);
  } catch (e) {
    if (!(e instanceof StaleSocketError)) throw e;
    return tlsRequestOnce(ep, agent, init, false);
  }
}

function tlsRequestOnce(ep: TlsEndpoint, agent: https.Agent, init: RequestInit, mayBeStale: boolean): Promise<TlsResponse> {
  const hostLabel = ep.host.includes(":") ? `[${ep.host}]` : ep.host;
  return new Promise<TlsResponse>((resolve, reject) => {
    let settled = false;
    const finish = (err: Error | null, res?: TlsResponse): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(res!);
    };
    const headers: Record<string, string> = { accept: "application/json", ...(init.headers ?? {}) };
    if (init.body !== undefined) headers["content-length"] = String(Buffer.byteLength(init.body));
    const req = https.request({
      host: ep.host,
      port: ep.port,
      method: init.method,
      path: init.path,
      headers,
      agent,
      servername: ep.serverName ?? (/^[\d.]+$|:/.test(ep.host) ? undefined : ep.host),
      ...(ep.serverName ? { checkServerIdentity: (_h: string, cert: tls.PeerCertificate) => tls.checkServerIdentity(ep.serverName!, cert) } : {}),
    });
    const timer = setTimeout(() => {
      const e = new KubeUnreachableError("ETIMEDOUT", `${init.method} https://${hostLabel}:${ep.port}${init.path}: no answer within ${init.timeoutMs} ms`);
      req.destroy(e);
      finish(e);
    }, init.timeoutMs);
    let answered = false;
    req.on("error", (e: NodeJS.ErrnoException) => {
      if (e instanceof KubeUnreachableError) return finish(e);
      if (mayBeStale && !answered && req.reusedSocket && (e.code === "ECONNRESET" || e.code === "EPIPE")) return finish(new StaleSocketError(e.message));
      finish(new KubeUnreachableError(e.code ?? "ECONNERROR", `${init.method} https://${hostLabel}:${ep.port}${init.path}: ${e.code ?? ""} ${e.message}`.replace(/\s+/g, " "), { cause: e }));
    });
    req.on("response", (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => finish(null, { status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", (e) => finish(new KubeUnreachableError("ECONNRESET", `${init.method} ${init.path}: answer cut off: ${e.message}`, { cause: e })));
    });
    if (init.body !== undefined) req.write(init.body);
    req.end();
  });
}
