/** Reading a VM as a real Prism Central returns it: the system disk, the actual power state, an ERROR state. */
import type { DiskSpec, VmEntity, VmResources } from "./types";

/** A disk that is a disk (not a CD-ROM or volume group): `device_type` DISK, or none given. */
function isDisk(d: DiskSpec): boolean {
  const t = (d.device_properties as { device_type?: unknown } | undefined)?.device_type;
  return t === undefined || t === "DISK";
}

/** True when the disk is cloned from an image (`data_source_reference.kind` image, or a source without kind). */
function fromImage(d: DiskSpec): boolean {
  const src = d.data_source_reference as { kind?: unknown; uuid?: unknown } | undefined;
  return !!src && typeof src.uuid === "string" && (src.kind === undefined || src.kind === "image");
}

/**
 * Index of the system disk in a disk list: the first `device_type == "DISK"` with an image source,
 * else the first DISK; -1 when there is none. A VM with guest customization has a cloud-init CD-ROM in
 * its disk list whose position is not guaranteed (TF `structure.go` cloud_init_cdrom_uuid, nutanix.ansible #621).
 */
export function systemDiskIndex(disks: readonly DiskSpec[] | undefined): number {
  const list = disks ?? [];
  const withImage = list.findIndex((d) => isDisk(d) && fromImage(d));
  return withImage >= 0 ? withImage : list.findIndex(isDisk);
}

/** The system disk of a VM's spec (or of `resources`), or undefined. */
export function systemDiskOf(resources: VmResources | undefined): DiskSpec | undefined {
  const i = systemDiskIndex(resources?.disk_list);
  return i >= 0 ? resources!.disk_list![i] : undefined;
}

/** The power state the VM is in: `status.resources.power_state` (the spec is only the intent); undefined when unknown. */
export function actualPowerState(vm: VmEntity): string | undefined {
  const p = vm.status?.resources?.power_state;
  return typeof p === "string" ? p : undefined;
}

/** The power state as the VM is (`status`), the spec's intent only when status has none; undefined when neither says. */
export function observedPowerState(vm: VmEntity): string | undefined {
  return actualPowerState(vm) ?? vm.spec?.resources?.power_state;
}

/** True for an entity whose async create failed: a 2xx with `status.state` ERROR (PGC and TF return it as a success). */
export function isErrorEntity(vm: VmEntity): boolean {
  return vm.status?.state === "ERROR";
}
