/**
 * IPv4 and CIDR arithmetic: the one home of these helpers for every layer (schema rules, renderers,
 * the PCG rules, the handler and the emulator). A leaf module: it imports nothing.
 *
 * Addresses are dotted quads of decimal octets without leading zeros (RFC 791 text form, as Go's
 * `net.ParseIP` and zod's `z.ipv4()` accept them); CIDR blocks are `address/prefix` (RFC 4632).
 * The arithmetic functions expect well-formed input (check it with {@link isIpv4} / {@link isCidrV4}
 * first); they never throw.
 */

const OCTET = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
const IPV4 = new RegExp(`^${OCTET}(\\.${OCTET}){3}$`);
const PREFIX = /^(3[0-2]|[12]?\d)$/;

/** Whether `s` is a dotted-quad IPv4 address such as `10.20.0.10`. */
export function isIpv4(s: string): boolean {
  return IPV4.test(s);
}

/** Whether `s` is an IPv4 CIDR block such as `10.0.0.0/8`. */
export function isCidrV4(s: string): boolean {
  const [ip, bits, ...rest] = s.split("/");
  return rest.length === 0 && ip !== undefined && bits !== undefined && isIpv4(ip) && PREFIX.test(bits);
}

/** The 32-bit value of a dotted-quad IPv4 address. */
export function ipv4ToInt(ip: string): number {
  return ip.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
}

/** The dotted-quad form of a 32-bit value. */
export function intToIpv4(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".");
}

/** A CIDR block as a numeric range. */
export interface Ipv4Range {
  /** The network address (the first address of the block). */
  readonly first: number;
  /** The broadcast address (the last address of the block). */
  readonly last: number;
}

/** The address range of a CIDR block, network and broadcast included. */
export function cidrRange(cidr: string): Ipv4Range {
  const [ip = "", bits = "32"] = cidr.split("/");
  const size = 2 ** (32 - Number(bits));
  const first = Math.floor(ipv4ToInt(ip) / size) * size;
  return { first, last: first + size - 1 };
}


/** Whether `ip` lies inside `cidr`. */
export function cidrContains(cidr: string, ip: string): boolean {
  const r = cidrRange(cidr);
  const v = ipv4ToInt(ip);
  return v >= r.first && v <= r.last;
}

/** Whether `ip` lies inside `network/prefix` given as two values (Prism's `subnet_ip` and `prefix_length`). */
export function inSubnet(ip: string, network: string, prefix: number): boolean {
  return cidrContains(`${network}/${prefix}`, ip);
}

/** Whether two CIDR blocks share any address. */
export function cidrsOverlap(a: string, b: string): boolean {
  const x = cidrRange(a);
  const y = cidrRange(b);
  return x.first <= y.last && y.first <= x.last;
}
