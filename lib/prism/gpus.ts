/** GPUs as a machine names them, found among the hosts of a Prism Element cluster (as CAPX does). */
import { PrismLookupError, type LookupIssue } from "./errors";
import type { HostEntity, HostGpu, VmGpu } from "./types";

/** A GPU as a machine names it (CAPX `gpus[]`: `type: name` or `type: deviceID`). */
export type GpuRef = { name: string } | { deviceId: number };

/**
 * Each GPU by name (case-insensitive) or device id among the hosts of one PE cluster, as the
 * `gpu_list` item `{vendor, mode, device_id}` a VM spec needs, or the lookup issue (with the GPUs that
 * PE has). `hosts` is every host; only those of the cluster count.
 */
export function matchGpus(
  hosts: HostEntity[],
  peClusterUuid: string,
  gpus: GpuRef[],
  peName?: string
): Array<VmGpu | LookupIssue> {
  const usable = hosts
    .filter((h) => h.status?.cluster_reference?.uuid === peClusterUuid)
    .flatMap((h) => h.status?.resources?.gpu_list ?? [])
    .filter(
      (g): g is HostGpu & { device_id: number; vendor: string; mode: string } =>
        typeof g.device_id === "number" &&
        typeof g.vendor === "string" &&
        typeof g.mode === "string"
    );
  const seen = new Set<string>();
  const candidates: Array<{ name: string; uuid: string }> = [];
  for (const g of usable) {
    const label = `${g.name ?? "(unnamed)"} (device_id ${g.device_id}, ${
      g.vendor
    }, ${g.mode})`;
    if (seen.has(label)) continue;
    seen.add(label);
    candidates.push({ name: label, uuid: String(g.device_id) });
  }
  const scope = `on the hosts of cluster ${peName ?? peClusterUuid}`;
  // Free GPUs first, as CAPX takes only `status == "UNUSED"` (controllers/helpers.go); a GPU every copy
  // of which is USED still resolves (a re-apply of the VMs that hold it must find the same item), and
  // placing one more VM on it is then refused by Prism Central through the task. No status = free [guess].
  const free = (g: object): boolean => {
    const st = (g as { status?: unknown }).status;
    return st === undefined || st === "UNUSED";
  };
  const pick = (
    match: (g: (typeof usable)[number]) => boolean
  ): (typeof usable)[number] | undefined =>
    usable.find((g) => match(g) && free(g)) ?? usable.find(match);
  return gpus.map((want): VmGpu | LookupIssue => {
    const hit =
      "deviceId" in want
        ? pick((g) => g.device_id === want.deviceId)
        : pick(
            (g) =>
              typeof g.name === "string" &&
              g.name.toLowerCase() === want.name.toLowerCase()
          );
    if (hit)
      return { vendor: hit.vendor, mode: hit.mode, device_id: hit.device_id };
    if ("name" in want)
      return PrismLookupError.issue({
        kind: "GPU",
        name: want.name,
        problem: "missing",
        candidates,
        scope,
      });
    const known = candidates.map((c) => c.name).join(", ") || "(none)";
    return {
      kind: "GPU",
      name: String(want.deviceId),
      problem: "missing",
      candidates,
      scope,
      message: `no GPU with device_id ${want.deviceId} ${scope}; known: ${known}`,
    };
  });
}
