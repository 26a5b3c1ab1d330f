/**
 * The fields a real Prism Central fills into a VM's `spec.resources` (and `status.resources`), with
 * the values pc.2024.3 returned for a VM created without them (prism-go-client
 * `v3/mocks/TestOperations_GetVM.yaml`), and the guest-customization CD-ROM.
 */
import type { JsonObject } from "./state";
import { deterministicUuid } from "./util";

/** Top-level `resources` defaults as recorded (GetVM, pc.2024.3.0.1). */
function resourceDefaults(): JsonObject {
  return {
    apc_config: { enabled: false },
    num_sockets: 1,
    num_vcpus_per_socket: 1,
    num_threads_per_core: 1,
    memory_overcommit_enabled: false,
    gpu_console_enabled: false,
    is_vcpu_hard_pinned: false,
    power_state: "OFF",
    power_state_mechanism: { mechanism: "HARD", guest_transition_config: { enable_script_exec: false, should_fail_on_script_failure: false } },
    hardware_clock_timezone: "UTC",
    is_agent_vm: false,
    disable_branding: false,
    enable_cpu_passthrough: false,
    machine_type: "PC",
    hardware_virtualization_enabled: false,
    vtpm_config: { vtpm_enabled: false },
    gpu_list: [],
    vga_console_enabled: true,
    vnuma_config: { num_vnuma_nodes: 0 },
    serial_port_list: [],
    cpu_hotplug_enabled: true,
    scsi_controller_enabled: true,
  };
}

/** `resources` with every recorded server-filled field present (values sent win; objects merged one level). */
export function withResourceDefaults(resources: JsonObject): JsonObject {
  const out: JsonObject = { ...resourceDefaults() };
  for (const [k, v] of Object.entries(resources)) {
    const d = out[k];
    out[k] = d && v && typeof d === "object" && typeof v === "object" && !Array.isArray(d) && !Array.isArray(v) ? { ...(d as JsonObject), ...(v as JsonObject) } : v;
  }
  const boot = { ...((out.boot_config as JsonObject | undefined) ?? {}) };
  boot.boot_device_order_list ??= ["CDROM", "DISK", "NETWORK"];
  out.boot_config = boot;
  return out;
}

/** Size of the cloud-init CD-ROM as seen on real VMs (≈ 374 KiB; nutanix.ansible issue #621). */
const CLOUD_INIT_ISO_BYTES = 382_976;

/**
 * A VM created with guest customization gets a cloud-init CD-ROM in its disk list (IDE; TF
 * `structure.go` `cloud_init_cdrom_uuid`, nutanix.ansible issue #621, TF issues #497 and #285). Its
 * position is not guaranteed on a real PC; the emulator appends it after the disks sent, or puts it first
 * (`first`, the emulator's `cdromFirst` option).
 */
export function addGuestCustomizationCdrom(spec: JsonObject, vmUuid: string, first = false): void {
  const resources = (spec.resources ??= {}) as JsonObject;
  const disks = ((resources.disk_list as JsonObject[] | undefined) ?? []).slice();
  if (disks.some((d) => (d.device_properties as JsonObject | undefined)?.device_type === "CDROM")) return;
  const ide = disks.filter((d) => ((d.device_properties as JsonObject | undefined)?.disk_address as JsonObject | undefined)?.adapter_type === "IDE").length;
  const cdrom: JsonObject = {
    uuid: deterministicUuid("cloud-init-cdrom", vmUuid),
    device_properties: { device_type: "CDROM", disk_address: { adapter_type: "IDE", device_index: ide } },
    disk_size_bytes: CLOUD_INIT_ISO_BYTES,
    disk_size_mib: Math.ceil(CLOUD_INIT_ISO_BYTES / 1048576),
  };
  if (first) disks.unshift(cdrom);
  else disks.push(cdrom);
  resources.disk_list = disks;
}
