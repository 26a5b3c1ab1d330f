/**
 * Reachability probe for a PCG's endpoints (Palette, Prism Central, a VIP): opens a TCP connection to
 * `host:port` — directly, or through an HTTP CONNECT proxy when one applies — and closes it at once.
 * No TLS, no request, no credentials of the target are sent. Uses node:net and node:http only.
 *
 * THIS MODULE DOES I/O and is an explicit opt-in of the handler. For safety it refuses, without
 * dialling, any target or proxy whose host is not loopback (127.0.0.0/8, ::1, localhost) unless the
 * caller passes `allowNonLoopback: true`.
 */
import * as http from "node:http";
import * as net from "node:net";
import { hostPort } from "../net/host-port";
import { isIpv4 } from "../net/ipv4";
import { hostTarget, noProxyCovers } from "./no-proxy";

/** One endpoint to probe: a name for reports and a URL (`https://h[:p]`, `http://h[:p]`, `tcp://h:p` or `h:p`). */
export interface ProbeTarget {
  /** Name shown in reports, e.g. "palette" or "prism-central". */
  readonly name: string;
  /** Where to connect; the port defaults to 443 for https and 80 for http. */
  readonly url: string;
}

/** Proxy settings, as a PCG's. */
export interface ProbeProxy {
  /** Proxy for `https://` and `tcp://` targets (an `http://` proxy URL; user:password becomes Proxy-Authorization). */
  readonly httpsProxy?: string;
  /** Proxy for `http://` targets. */
  readonly httpProxy?: string;
  /** Targets reached directly (Go `NO_PROXY` semantics, see no-proxy.ts). */
  readonly noProxy?: readonly string[];
}

/** Options of {@link probeReachability}. */
export interface ProbeOptions {
  /** Proxy settings; a target goes through the proxy of its scheme unless noProxy covers it. */
  readonly proxy?: ProbeProxy;
  /** Per target: how long to wait for the connection (or the proxy's CONNECT answer). */
  readonly timeoutMs: number;
  /**
   * Allow targets and proxies that are not loopback. Off by default: tests and the emulator never
   * leave the machine.
   * @default false
   */
  readonly allowNonLoopback?: boolean;
}

/** The outcome for one target. */
export interface ProbeResult {
  /** The target's name. */
  readonly name: string;
  /** The target's URL as given. */
  readonly url: string;
  /** Whether a TCP connection (or a CONNECT tunnel answered 2xx) was established. */
  readonly ok: boolean;
  /** What happened, for people; never contains proxy credentials. */
  readonly detail: string;
  /** How the target was (or would have been) reached; `none` when nothing was dialled. */
  readonly route: "direct" | "proxy" | "none";
}

interface HostPort {
  readonly host: string;
  readonly port: number;
  readonly scheme: "https" | "http" | "tcp";
}

/** Parses a probe URL into host, port and scheme; undefined when unusable. */
export function parseProbeUrl(raw: string): HostPort | undefined {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `tcp://${raw}`;
  let u: URL;
  try {
    u = new URL(withScheme);
  } catch {
    return undefined;
  }
  const scheme = u.protocol.slice(0, -1);
  if (scheme !== "https" && scheme !== "http" && scheme !== "tcp") return undefined;
  const port = u.port ? Number(u.port) : scheme === "https" ? 443 : scheme === "http" ? 80 : undefined;
  const host = u.hostname.replace(/^\[(.*)\]$/, "$1");
  if (port === undefined || host === "") return undefined;
  return { host, port, scheme };
}

/** Whether `host` is loopback by its text alone (no DNS): 127.0.0.0/8, ::1 or `localhost`. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[(.*)\]$/, "$1").replace(/\.$/, "");
  if (h === "localhost") return true;
  if (isIpv4(h)) return h.startsWith("127.");
  return h === "::1" || h === "0:0:0:0:0:0:0:1";
}

function errorCode(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err.code ?? err.message ?? String(e);
}

function connectDirect(t: HostPort, timeoutMs: number): Promise<{ ok: boolean; detail: string }> {
  return new Promise((resolve) => {
    const where = hostPort(t.host, t.port);
    const socket = net.connect({ host: t.host, port: t.port });
    let done = false;
    const finish = (r: { ok: boolean; detail: string }) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => finish({ ok: false, detail: `no connection to ${where} within ${timeoutMs} ms` }), timeoutMs);
    socket.once("connect", () => finish({ ok: true, detail: `connected to ${where}` }));
    socket.once("error", (e) => finish({ ok: false, detail: `cannot connect to ${where}: ${errorCode(e)}` }));
  });
}

function connectViaProxy(t: HostPort, proxy: URL, timeoutMs: number): Promise<{ ok: boolean; detail: string }> {
  return new Promise((resolve) => {
    const where = hostPort(t.host, t.port);
    const proxyHost = proxy.hostname.replace(/^\[(.*)\]$/, "$1");
    const proxyPort = proxy.port ? Number(proxy.port) : 80;
    const via = `proxy ${hostPort(proxyHost, proxyPort)}`;
    const headers: Record<string, string> = { host: where };
    if (proxy.username || proxy.password) {
      const basic = Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString("base64");
      headers["proxy-authorization"] = `Basic ${basic}`;
    }
    const req = http.request({ host: proxyHost, port: proxyPort, method: "CONNECT", path: where, headers, agent: false });
    let done = false;
    const finish = (r: { ok: boolean; detail: string }) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => finish({ ok: false, detail: `no answer from ${via} for CONNECT ${where} within ${timeoutMs} ms` }), timeoutMs);
    req.once("connect", (res, socket) => {
      socket.destroy();
      const code = res.statusCode ?? 0;
      finish(code >= 200 && code < 300
        ? { ok: true, detail: `connected to ${where} through ${via}` }
        : { ok: false, detail: `${via} refused CONNECT ${where}: HTTP ${code}${res.statusMessage ? ` ${res.statusMessage}` : ""}` });
    });
    req.once("response", (res) => {
      res.resume();
      finish({ ok: false, detail: `${via} answered CONNECT ${where} with HTTP ${res.statusCode ?? 0}` });
    });
    req.once("error", (e) => finish({ ok: false, detail: `cannot reach ${via}: ${errorCode(e)}` }));
    req.end();
  });
}

const REFUSAL = "not probed: {what} is not a loopback address (127.0.0.0/8, ::1, localhost); pass allowNonLoopback: true to probe it";

async function probeOne(target: ProbeTarget, opts: ProbeOptions): Promise<ProbeResult> {
  const base = { name: target.name, url: target.url };
  const t = parseProbeUrl(target.url);
  if (!t) return { ...base, ok: false, route: "none", detail: `not probed: expected https://host[:port], http://host[:port], tcp://host:port or host:port, got ${JSON.stringify(target.url)}` };
  if (!opts.allowNonLoopback && !isLoopbackHost(t.host)) {
    return { ...base, ok: false, route: "none", detail: REFUSAL.replace("{what}", `the target host ${t.host}`) };
  }
  const proxyUrl = t.scheme === "http" ? opts.proxy?.httpProxy : opts.proxy?.httpsProxy;
  const bypass = noProxyCovers(opts.proxy?.noProxy ?? [], hostTarget(t.host, t.port));
  if (!proxyUrl || bypass) return { ...base, route: "direct", ...(await connectDirect(t, opts.timeoutMs)) };
  let proxy: URL;
  try {
    proxy = new URL(proxyUrl);
  } catch {
    return { ...base, ok: false, route: "none", detail: "not probed: the proxy URL does not parse" };
  }
  if (proxy.protocol !== "http:") {
    return { ...base, ok: false, route: "none", detail: `not probed: only http:// proxies are supported by the probe, got ${proxy.protocol}//` };
  }
  if (!opts.allowNonLoopback && !isLoopbackHost(proxy.hostname)) {
    return { ...base, ok: false, route: "none", detail: REFUSAL.replace("{what}", `the proxy host ${proxy.hostname}`) };
  }
  return { ...base, route: "proxy", ...(await connectViaProxy(t, proxy, opts.timeoutMs)) };
}

/**
 * Checks that each target accepts a TCP connection, through the proxy of its scheme when one is set
 * and `noProxy` does not cover the target (unlike Go, a loopback target is proxied too, so the
 * probe can be tested on loopback). Targets are probed concurrently; results come back in the
 * order given. Never throws for a target: every failure is a result with `ok: false`.
 *
 * SAFETY: unless `allowNonLoopback` is true, a target or an applicable proxy whose host is not
 * loopback is refused (ok: false, route "none") without any connection attempt.
 */
export async function probeReachability(targets: readonly ProbeTarget[], opts: ProbeOptions): Promise<ProbeResult[]> {
  if (!(Number.isFinite(opts.timeoutMs) && opts.timeoutMs > 0)) throw new RangeError(`timeoutMs must be a positive number, got ${opts.timeoutMs}`);
  return Promise.all(targets.map((t) => probeOne(t, opts)));
}
