/**
 * The machine of a node pool: the Nutanix VM every node of the pool runs on.
 */
import type { z } from "zod";
import type { GpuSpec, MachinePropsSchema } from "../schema/node-pool";
import type { Taint } from "../schema/kubernetes";
import type { AssertTrue, MutuallyAssignable } from "./internal";
import type { NameReference, UuidReference } from "./references";

/** A Prism entity: a bare name, `{ name }` (see `Image.fromName()`) or `{ uuid }` (see `Image.fromUuid()`). */
export type EntityReference = string | NameReference | UuidReference;

/** A GPU passed through to the VM, by name (`{ name: "Tesla T4" }`) or PCI device id. */
export type GpuDevice = z.input<typeof GpuSpec>;

/** A Kubernetes node taint. */
export type NodeTaint = z.input<typeof Taint>;

/** The VM of every node in a pool. Memory is given in GiB or MiB (not both); the disk in GiB. */
export interface NutanixMachineProps {
  /**
   * Number of vCPU sockets.
   * @default 2
   */
  readonly vcpuSockets?: number;
  /**
   * vCPUs per socket.
   * @default 1
   */
  readonly vcpusPerSocket?: number;
  /**
   * Memory in GiB (at least 2, CAPX's minimum).
   * @default - 4 GiB when neither memoryGiB nor memoryMiB is set
   */
  readonly memoryGiB?: number;
  /**
   * Memory in MiB (at least 2048).
   * @default - 4096 MiB when neither memoryGiB nor memoryMiB is set
   */
  readonly memoryMiB?: number;
  /**
   * System disk size in GiB (at least 20, CAPX's minimum).
   * @default 40
   */
  readonly systemDiskGiB?: number;
  /**
   * Boot firmware.
   * @default "legacy"
   */
  readonly bootType?: "legacy" | "uefi";
  /** The OS image, by name or UUID (`Image.fromName()`, `Image.fromUuid()`). */
  readonly image: EntityReference;
  /** The Prism Element cluster the VMs run on (`PrismElementCluster.fromName()`). */
  readonly cluster: EntityReference;
  /** One to 32 subnets; the first carries the node IP (and, for the control plane, the kube-vip address). */
  readonly subnets: readonly EntityReference[];
  /**
   * The Prism Central project of the VMs.
   * @default - none
   */
  readonly project?: EntityReference;
  /**
   * Extra Prism categories on the VMs (key → value, each ≤ 64 characters).
   * @default {}
   */
  readonly additionalCategories?: Readonly<Record<string, string>>;
  /**
   * GPUs passed through to each VM.
   * @default []
   */
  readonly gpus?: readonly GpuDevice[];
}

/** Compile-time check: the Props interface and the schema's input agree. */
export type _NutanixMachinePropsCheck = AssertTrue<MutuallyAssignable<NutanixMachineProps, z.input<typeof MachinePropsSchema>>>;
