/**
 * GPU usage: each physical GPU of a host is UNUSED or USED (by a VM that lists its device id).
 * CAPX takes only host GPUs whose `status` is `UNUSED` (`controllers/helpers.go`, "no available GPU
 * found in Prism Element that matches required GPU inputs"); a VM asking for more GPUs than are free
 * is refused through its task (placement errors come through tasks on pc ≥ 2022.1) [guess: wording].
 */
import type { EmulatorState, StoredHost } from "./state";

interface GpuAsk {
  device_id?: number | undefined;
}

/** device_id → how many GPUs of it the VMs on a PE use (`except` a VM uuid, e.g. the one being updated). */
function usedByDevice(state: EmulatorState, peUuid: string, except?: string): Map<number, number> {
  const used = new Map<number, number>();
  for (const vm of Object.values(state.vms)) {
    if (vm.uuid === except) continue;
    const spec = vm.spec as { cluster_reference?: { uuid?: string }; resources?: { gpu_list?: GpuAsk[] } };
    if (spec.cluster_reference?.uuid !== peUuid) continue;
    for (const g of spec.resources?.gpu_list ?? []) if (typeof g.device_id === "number") used.set(g.device_id, (used.get(g.device_id) ?? 0) + 1);
  }
  return used;
}

/** Per GPU of each host of the PE, in order: "USED" for the first n of a device id that VMs use, else "UNUSED". */
export function gpuStatuses(state: EmulatorState, host: StoredHost): string[] {
  const used = usedByDevice(state, host.clusterUuid);
  // Earlier hosts of the same PE take their share first.
  for (const h of state.hosts) {
    if (h === host) break;
    if (h.clusterUuid !== host.clusterUuid) continue;
    for (const g of h.gpus) {
      const n = used.get(g.deviceId) ?? 0;
      if (n > 0) used.set(g.deviceId, n - 1);
    }
  }
  return host.gpus.map((g) => {
    const n = used.get(g.deviceId) ?? 0;
    if (n > 0) {
      used.set(g.deviceId, n - 1);
      return "USED";
    }
    return "UNUSED";
  });
}

/** Why a VM's gpu_list cannot be placed on the PE (not enough UNUSED GPUs), or undefined. */
export function gpuShortage(state: EmulatorState, peUuid: string, asks: GpuAsk[], vmUuid: string | undefined): string | undefined {
  if (asks.length === 0) return undefined;
  const used = usedByDevice(state, peUuid, vmUuid);
  const total = new Map<number, number>();
  for (const h of state.hosts) if (h.clusterUuid === peUuid) for (const g of h.gpus) total.set(g.deviceId, (total.get(g.deviceId) ?? 0) + 1);
  const want = new Map<number, number>();
  for (const a of asks) if (typeof a.device_id === "number") want.set(a.device_id, (want.get(a.device_id) ?? 0) + 1);
  for (const [id, n] of want) {
    const free = (total.get(id) ?? 0) - (used.get(id) ?? 0);
    if (n > free) return `NO_GPU_AVAILABLE: no available GPU (device_id ${id}) on the hosts of the cluster: ${n} asked, ${Math.max(0, free)} UNUSED`;
  }
  return undefined;
}
