/**
 * A pool's machine resolved against Prism Central, and how an existing VM compares with it: the inputs
 * that need a new VM (immutable: image, disk shrink, subnets, PE cluster, boot type, GPUs, bootstrap
 * inputs) and those Prism Central updates in place (CPU, memory, disk growth, power, categories).
 */
import type { VmEntity, VmGpu } from "../../../prism/types";
import { observedPowerState, systemDiskOf } from "../../../prism/vm-read";
import type { ResourceOfKind } from "../../../schema/plan";
import { canonicalJson } from "../../../plan/canonical";
import { CATEGORY_KEYS, categoriesOf, sha256 } from "../../ownership";
import type { MachineLookups, Services } from "../../services";
import type { FieldChange } from "../../types";

export type NodePoolResource = ResourceOfKind<"NodePool">;

/** The machine with every reference resolved to a uuid. */
export interface ResolvedMachine extends MachineLookups {
  /** `gpu_list` items `{vendor, mode, device_id}` of GPUs found on the PE's hosts (as CAPX sends them). */
  gpuList: VmGpu[];
}

/** Resolves the pool's PE cluster, image, subnets and GPUs; every missing one in one PrismLookupError. */
export async function resolveMachine(s: Services, res: NodePoolResource): Promise<ResolvedMachine> {
  // The lookups are shared by pools on the same PE/image/subnets/project; the GPU list is the pool's own
  // (memoizing it with the lookups gave a GPU pool the GPU-less list of a pool resolved first in the run).
  // GPUs are found by name or device id on the PE's hosts (one hosts/list per client), as CAPX does: a
  // real Prism Central needs the device_id, vendor and mode of a GPU that exists there.
  const lookups = await s.lookups.machine(res.spec.machine);
  const gpus = res.spec.machine.gpus;
  const gpuList = gpus.length > 0 ? await s.client.resolveGpus(lookups.clusterUuid, gpus, lookups.clusterName) : [];
  return { ...lookups, gpuList };
}

/** The hash of the immutable inputs a VM is built from (resolved uuids + disk size + bootstrap inputs). */
export function specHashOf(r: ResolvedMachine, res: NodePoolResource, bootHash: string): string {
  const m = res.spec.machine;
  return sha256(
    canonicalJson({
      cluster: r.clusterUuid,
      image: r.imageUuid,
      subnets: r.subnets.map((s) => s.uuid),
      bootType: m.bootType,
      gpus: r.gpuList,
      project: r.projectUuid ?? null,
      diskMiB: m.systemDiskMiB,
      boot: bootHash.slice(0, 12),
    }),
  );
}

interface ActualVm {
  clusterUuid?: string | undefined;
  imageUuid?: string | undefined;
  imageName?: string | undefined;
  subnets: string[];
  bootType: "uefi" | "legacy";
  gpus: string;
  diskMiB?: number | undefined;
  sockets?: number | undefined;
  vcpus?: number | undefined;
  memory?: number | undefined;
  power?: string | undefined;
}

function actualOf(vm: VmEntity): ActualVm {
  const r = vm.spec?.resources ?? {};
  // The system disk by device type and image source (a cloud-init CD-ROM's position in the list is not
  // guaranteed); the power state as the VM is (status), the spec's intent only when status has none.
  const disk = systemDiskOf(r);
  const statusDisk = systemDiskOf(vm.status?.resources);
  return {
    clusterUuid: vm.spec?.cluster_reference?.uuid,
    imageUuid: disk?.data_source_reference?.uuid,
    imageName: disk?.data_source_reference?.name ?? statusDisk?.data_source_reference?.name,
    subnets: (r.nic_list ?? []).map((n) => n.subnet_reference?.uuid ?? ""),
    bootType: r.boot_config?.boot_type === "UEFI" ? "uefi" : "legacy",
    gpus: canonicalJson(r.gpu_list ?? []),
    diskMiB: disk?.disk_size_mib ?? (typeof disk?.disk_size_bytes === "number" ? Math.ceil(disk.disk_size_bytes / 1048576) : statusDisk?.disk_size_mib),
    sockets: r.num_sockets,
    vcpus: r.num_vcpus_per_socket,
    memory: r.memory_size_mib,
    power: observedPowerState(vm),
  };
}

/** Changes that need a new VM. */
export function immutableChanges(vm: VmEntity, r: ResolvedMachine, res: NodePoolResource, bootHash: string): FieldChange[] {
  const a = actualOf(vm);
  const m = res.spec.machine;
  const out: FieldChange[] = [];
  if (a.clusterUuid !== r.clusterUuid) out.push({ field: "cluster_reference (PE cluster)", from: a.clusterUuid ?? "none", to: `${r.clusterName} (${r.clusterUuid})` });
  if (a.imageUuid !== r.imageUuid) out.push({ field: "image", from: a.imageName ?? a.imageUuid ?? "none", to: r.imageName });
  const want = r.subnets.map((s) => s.uuid);
  if (canonicalJson(a.subnets) !== canonicalJson(want)) out.push({ field: "subnets", from: a.subnets.join(",") || "none", to: r.subnets.map((s) => s.name).join(",") });
  if (a.bootType !== m.bootType) out.push({ field: "boot_type", from: a.bootType, to: m.bootType });
  if (a.gpus !== canonicalJson(r.gpuList)) out.push({ field: "gpu_list", from: a.gpus, to: canonicalJson(r.gpuList) });
  if (a.diskMiB !== undefined && a.diskMiB > m.systemDiskMiB) out.push({ field: "disk_size_mib (shrink)", from: a.diskMiB, to: m.systemDiskMiB });
  const boot = categoriesOf(vm)[CATEGORY_KEYS.boot];
  if (boot !== bootHash.slice(0, 12)) out.push({ field: "bootstrap inputs (kubernetes version, endpoint, labels, taints, proxy, SSH keys)", from: boot ?? "unknown", to: bootHash.slice(0, 12) });
  return out;
}

/** Changes that can be made in place. */
export function mutableChanges(vm: VmEntity, res: NodePoolResource, categories: Record<string, string>): FieldChange[] {
  const a = actualOf(vm);
  const m = res.spec.machine;
  const out: FieldChange[] = [];
  if (a.sockets !== m.vcpuSockets) out.push({ field: "num_sockets", from: a.sockets, to: m.vcpuSockets });
  if (a.vcpus !== m.vcpusPerSocket) out.push({ field: "num_vcpus_per_socket", from: a.vcpus, to: m.vcpusPerSocket });
  if (a.memory !== m.memoryMiB) out.push({ field: "memory_size_mib", from: a.memory, to: m.memoryMiB });
  if (a.diskMiB !== undefined && a.diskMiB < m.systemDiskMiB) out.push({ field: "disk_size_mib (grow)", from: a.diskMiB, to: m.systemDiskMiB });
  if (a.power !== "ON") out.push({ field: "power_state", from: a.power ?? "unknown", to: "ON" });
  const have = categoriesOf(vm);
  for (const [k, v] of Object.entries(categories)) {
    if (have[k] !== v) out.push({ field: `categories.${k}`, from: have[k] ?? "none", to: v });
  }
  return out;
}
