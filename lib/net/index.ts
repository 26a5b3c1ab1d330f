/**
 * Network text and arithmetic shared by every layer: IPv4/CIDR helpers and `host:port` formatting.
 * Imports nothing, so any module may use it.
 */
export { cidrContains, cidrRange, cidrsOverlap, intToIpv4, ipv4ToInt, isCidrV4, inSubnet, isIpv4, type Ipv4Range } from "./ipv4";
export { hostPort, hostPortUrl } from "./host-port";
