/** IPAM: the addresses in use on a subnet and the allocation of free ones from its pools. */
import type { EmulatorState, StoredSubnet } from "./state";
import { inSubnet, intToIpv4, ipv4ToInt, isIpv4 } from "../net/ipv4";

export function poolAddresses(s: StoredSubnet): Array<{ range: string; first: number; last: number }> {
  return s.pools.map((p) => ({ range: `${p.start} ${p.end}`, first: ipv4ToInt(p.start), last: ipv4ToInt(p.end) }));
}

/** Every address in use on a subnet, with the VM holding it. */
export function usedIps(state: EmulatorState, subnetUuid: string, exceptVm?: string): Map<string, string> {
  const used = new Map<string, string>();
  for (const vm of Object.values(state.vms)) {
    if (vm.uuid === exceptVm) continue;
    for (const nic of Object.values(vm.nics)) if (nic.subnetUuid === subnetUuid && nic.ip) used.set(nic.ip, vm.uuid);
  }
  return used;
}

/**
 * First free address in pool order, or the requested one if it is inside the subnet and free.
 * `reserved` holds addresses taken earlier in the same request.
 */
export function allocateIp(state: EmulatorState, s: StoredSubnet, requested?: string, reserved: Set<string> = new Set(), exceptVm?: string): string | { error: string } {
  const used = usedIps(state, s.uuid, exceptVm);
  if (requested !== undefined) {
    if (!isIpv4(requested)) return { error: `${requested} is not an IPv4 address` };
    if (!inSubnet(requested, s.subnetIp, s.prefixLength)) return { error: `${requested} is outside subnet ${s.name} (${s.subnetIp}/${s.prefixLength})` };
    if (used.has(requested) || reserved.has(requested)) return { error: `${requested} is already in use on subnet ${s.name}` };
    return requested;
  }
  for (const p of poolAddresses(s)) {
    for (let n = p.first; n <= p.last; n++) {
      const ip = intToIpv4(n);
      if (!used.has(ip) && !reserved.has(ip)) return ip;
    }
  }
  return { error: `no free IP address left in the pools of subnet ${s.name}` };
}

