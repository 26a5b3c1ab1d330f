/**
 * `host:port` text: the one place that decides how a host and a port are joined. An IPv6 literal is
 * bracketed (`[fd00::1]:9440`), as RFC 3986 §3.2.2 requires in URLs and as Go's
 * `net.JoinHostPort` and Node's `net` module print it; a name or an IPv4 address is written as is.
 * A leaf module: it imports nothing.
 */

/** `host:port`, with an IPv6 literal bracketed. A host given already bracketed is kept as it is. */
export function hostPort(host: string, port: number | string): string {
  const h = host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
  return `${h}:${port}`;
}

/** `scheme://host:port` (no path), with an IPv6 literal bracketed. */
export function hostPortUrl(scheme: string, host: string, port: number | string): string {
  return `${scheme}://${hostPort(host, port)}`;
}
