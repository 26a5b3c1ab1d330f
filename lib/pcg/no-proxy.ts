/**
 * `NO_PROXY` matching with Go's `golang.org/x/net/http/httpproxy` semantics, the semantics of every
 * program that reads a PCG's proxy settings (CAPX, kubelet, containerd, Palette's agents):
 *
 * - `*` alone matches every host;
 * - an IPv4 address matches that address; an IPv4 CIDR matches every address inside it;
 * - `example.com` matches `example.com` and every subdomain; `.example.com` and `*.example.com`
 *   match subdomains only;
 * - an entry with a port (`pc.example.com:9440`, `10.0.0.5:9440`) matches only that port;
 * - matching is case-insensitive and ignores a trailing dot.
 *
 * Pure functions; no I/O.
 */
import { cidrRange, ipv4ToInt, isCidrV4, isIpv4 } from "../net/ipv4";

const DOMAIN = /^[a-z0-9_]([-a-z0-9_]*[a-z0-9_])?(\.[a-z0-9_]([-a-z0-9_]*[a-z0-9_])?)*$/;

/** One parsed `NO_PROXY` entry. */
export type NoProxyEntry =
  | { readonly kind: "any" }
  | { readonly kind: "ip"; readonly ip: string; readonly port?: number }
  | { readonly kind: "cidr"; readonly cidr: string }
  | { readonly kind: "ipv6" }
  | { readonly kind: "domain"; readonly name: string; readonly subdomainsOnly: boolean; readonly port?: number }
  | { readonly kind: "invalid"; readonly reason: string };

/** Something that must (or might) bypass the proxy. */
export type NoProxyTarget =
  | { readonly kind: "ip"; readonly ip: string; readonly port?: number }
  | { readonly kind: "cidr"; readonly cidr: string }
  | { readonly kind: "host"; readonly name: string; readonly port?: number };

function splitPort(s: string): { host: string; port?: number } | undefined {
  const m = /^(.*):(\d{1,5})$/.exec(s);
  if (!m || m[1] === undefined) return { host: s };
  const port = Number(m[2]);
  return port >= 1 && port <= 65535 ? { host: m[1], port } : undefined;
}

/** Parses one `NO_PROXY` entry; unusable entries come back as `{ kind: "invalid", reason }`. */
export function parseNoProxyEntry(raw: string): NoProxyEntry {
  const s = raw.trim().toLowerCase().replace(/\.$/, "");
  if (s === "") return { kind: "invalid", reason: "expected a host, domain or CIDR, got an empty entry" };
  if (/[\s,;]/.test(raw.trim())) return { kind: "invalid", reason: `expected one host, domain or CIDR per entry, got ${JSON.stringify(raw)}: split it into separate entries` };
  if (s === "*") return { kind: "any" };
  if (s.includes("/")) {
    if (s.includes(":")) return { kind: "ipv6" };
    return isCidrV4(s) ? { kind: "cidr", cidr: s } : { kind: "invalid", reason: `expected an IPv4 CIDR such as 10.0.0.0/8, got ${JSON.stringify(raw)}` };
  }
  if (s.startsWith("[") || (s.match(/:/g) ?? []).length > 1) return { kind: "ipv6" };
  const hp = splitPort(s);
  if (!hp) return { kind: "invalid", reason: `expected a port from 1 to 65535 in ${JSON.stringify(raw)}` };
  if (isIpv4(hp.host)) return { kind: "ip", ip: hp.host, ...(hp.port !== undefined ? { port: hp.port } : {}) };
  let name = hp.host;
  let subdomainsOnly = false;
  if (name.startsWith("*.")) name = name.slice(1);
  if (name.startsWith(".")) {
    subdomainsOnly = true;
    name = name.slice(1);
  }
  if (!DOMAIN.test(name)) return { kind: "invalid", reason: `expected a host, domain, IPv4 address or CIDR, got ${JSON.stringify(raw)}` };
  return { kind: "domain", name, subdomainsOnly, ...(hp.port !== undefined ? { port: hp.port } : {}) };
}

function portMatches(entryPort: number | undefined, targetPort: number | undefined): boolean {
  return entryPort === undefined || entryPort === targetPort;
}

/** Whether one parsed entry covers `target` (a CIDR target needs a CIDR that contains all of it). */
export function entryCovers(entry: NoProxyEntry, target: NoProxyTarget): boolean {
  if (entry.kind === "any") return true;
  switch (target.kind) {
    case "ip":
      if (entry.kind === "ip") return entry.ip === target.ip && portMatches(entry.port, target.port);
      if (entry.kind === "cidr") {
        const r = cidrRange(entry.cidr);
        const v = ipv4ToInt(target.ip);
        return v >= r.first && v <= r.last;
      }
      return false;
    case "cidr": {
      const t = cidrRange(target.cidr);
      if (entry.kind === "cidr") {
        const r = cidrRange(entry.cidr);
        return r.first <= t.first && t.last <= r.last;
      }
      if (entry.kind === "ip" && entry.port === undefined) return t.first === t.last && ipv4ToInt(entry.ip) === t.first;
      return false;
    }
    case "host": {
      if (entry.kind !== "domain" || !portMatches(entry.port, target.port)) return false;
      const name = target.name.toLowerCase().replace(/\.$/, "");
      if (name.endsWith(`.${entry.name}`)) return true;
      return !entry.subdomainsOnly && name === entry.name;
    }
  }
}

/** Whether any entry of a `NO_PROXY` list covers `target`. */
export function noProxyCovers(entries: readonly string[], target: NoProxyTarget): boolean {
  return entries.some((e) => entryCovers(parseNoProxyEntry(e), target));
}

/** The target for a host name or IPv4 address (with an optional port). */
export function hostTarget(host: string, port?: number): NoProxyTarget {
  const p = port !== undefined ? { port } : {};
  return isIpv4(host) ? { kind: "ip", ip: host, ...p } : { kind: "host", name: host, ...p };
}

/**
 * Whether a `NO_PROXY` list already does what the entry `required` would do: an address or CIDR is
 * covered as a target; `.example.com` needs an entry covering every subdomain of example.com; a
 * bare name is covered as a host.
 */
export function noProxyCoversEntry(entries: readonly string[], required: string): boolean {
  const r = parseNoProxyEntry(required);
  switch (r.kind) {
    case "ip":
      return noProxyCovers(entries, { kind: "ip", ip: r.ip, ...(r.port !== undefined ? { port: r.port } : {}) });
    case "cidr":
      return noProxyCovers(entries, { kind: "cidr", cidr: r.cidr });
    case "domain":
      if (!r.subdomainsOnly) return noProxyCovers(entries, { kind: "host", name: r.name, ...(r.port !== undefined ? { port: r.port } : {}) });
      return entries.map(parseNoProxyEntry).some((e) => e.kind === "any" || (e.kind === "domain" && e.port === undefined && (r.name === e.name || r.name.endsWith(`.${e.name}`))));
    default:
      return entries.some((e) => e.trim().toLowerCase() === required.trim().toLowerCase());
  }
}
