/**
 * Whether a change of a VM's CPU and memory can be applied to a running VM. AHV hot-plugs increases of
 * sockets and memory; a decrease, or a change of cores per socket, needs the VM powered off
 * (terraform-provider-nutanix `nutanix/services/vmm/resource_nutanix_virtual_machine.go` powers off
 * for a `num_vcpus_per_socket` change and for any decrease of `num_sockets` or `memory_size_mib`;
 * nutanix.ansible asks for `force_power_off` for the same; the refusal of a real PC reads "… because
 * the current power state of the VM is 'kOn'", TF PR #1117).
 */
import type { VmResources } from "./types";

export interface CpuMemory {
  num_sockets?: number | undefined;
  num_vcpus_per_socket?: number | undefined;
  memory_size_mib?: number | undefined;
}

export interface ResizeDecision {
  /** "none": nothing changes; "hot-plug": apply to the running VM; "power-off": off, update, on. */
  kind: "none" | "hot-plug" | "power-off";
  /** What needs the power off (empty unless kind is power-off), e.g. "memory_size_mib 8192 → 4096". */
  reasons: string[];
}

/** Pure: how `next` can be applied over `current` (absent fields keep their value; defaults 1 socket, 1 core). */
export function resizeDecision(current: CpuMemory, next: CpuMemory): ResizeDecision {
  const sockets = [current.num_sockets ?? 1, next.num_sockets ?? current.num_sockets ?? 1] as const;
  const cores = [current.num_vcpus_per_socket ?? 1, next.num_vcpus_per_socket ?? current.num_vcpus_per_socket ?? 1] as const;
  const mem = [current.memory_size_mib, next.memory_size_mib ?? current.memory_size_mib] as const;
  const reasons: string[] = [];
  if (cores[1] !== cores[0]) reasons.push(`num_vcpus_per_socket ${cores[0]} → ${cores[1]}`);
  if (sockets[1] < sockets[0]) reasons.push(`num_sockets ${sockets[0]} → ${sockets[1]}`);
  if (mem[0] !== undefined && mem[1] !== undefined && mem[1] < mem[0]) reasons.push(`memory_size_mib ${mem[0]} → ${mem[1]}`);
  if (reasons.length > 0) return { kind: "power-off", reasons };
  const changed = sockets[1] !== sockets[0] || mem[1] !== mem[0];
  return { kind: changed ? "hot-plug" : "none", reasons: [] };
}

/** The CPU/memory fields of VM resources. */
export function cpuMemoryOf(r: VmResources | undefined): CpuMemory {
  return { num_sockets: r?.num_sockets, num_vcpus_per_socket: r?.num_vcpus_per_socket, memory_size_mib: r?.memory_size_mib };
}
