/**
 * Node pools: a group of identical Nutanix VMs with one role in a cluster, and the machine they run on.
 */
import { z } from "zod";
import { EntityRef, EntityRefInput } from "./refs";
import { DnsLabel, KubernetesVersion } from "./net";
import { Labels, Taint } from "./kubernetes";
import { Autoscaling, refineReplicas, Replicas } from "./replicas";
import { controlPlaneMachineIssues } from "./kubeadm-rules";
import { SshAuthorizedKeys } from "./ssh";

/** CAPX rejects machines with less memory than this (`memorySize` ≥ 2Gi). */
export const MIN_MEMORY_MIB = 2048;
/** CAPX rejects machines with a smaller system disk (`systemDiskSize` ≥ 20Gi). */
export const MIN_SYSTEM_DISK_GIB = 20;
/**
 * Upper bounds we set so sizes stay exact integers and plausible for one AHV VM (the reference gives
 * no maximum): 4 TiB of memory, a 64 TiB system disk, 128 sockets × 128 vCPUs per socket.
 */
export const MAX_MEMORY_GIB = 4096;
export const MAX_SYSTEM_DISK_GIB = 65536;
export const MAX_VCPU_SOCKETS = 128;
export const MAX_VCPUS_PER_SOCKET = 128;
/** Prism category keys and values are at most 64 characters. */
export const MAX_CATEGORY_LENGTH = 64;

const PositiveInt = (what: string, max: number) =>
  z
    .number({ error: `expected ${what} as a whole number ≥ 1` })
    .int({ error: `expected ${what} as a whole number ≥ 1` })
    .min(1, { error: `expected ${what} ≥ 1` })
    .max(max, { error: `expected ${what} ≤ ${max}` });

/** A GPU by name (e.g. `Tesla T4`) or by PCI device id. */
export const GpuSpec = z.union([
  z.strictObject({ name: z.string().min(1) }),
  z.strictObject({ deviceId: z.number().int().min(0) }),
], { error: "expected a GPU as { name: \"Tesla T4\" } or { deviceId: 7864 }" });

const CategoryKey = z.string().min(1).max(MAX_CATEGORY_LENGTH, { error: `expected a Prism category key of at most ${MAX_CATEGORY_LENGTH} characters` });
const CategoryValue = z.string().min(1).max(MAX_CATEGORY_LENGTH, { error: `expected a Prism category value of at most ${MAX_CATEGORY_LENGTH} characters` });

/** The machine of a node pool as it appears in a plan (sizes normalized to MiB). */
export const MachineSpec = z.strictObject({
  vcpuSockets: z.number().int().min(1).max(MAX_VCPU_SOCKETS),
  vcpusPerSocket: z.number().int().min(1).max(MAX_VCPUS_PER_SOCKET),
  memoryMiB: z.number().int().min(MIN_MEMORY_MIB).max(MAX_MEMORY_GIB * 1024),
  systemDiskMiB: z.number().int().min(MIN_SYSTEM_DISK_GIB * 1024).max(MAX_SYSTEM_DISK_GIB * 1024),
  bootType: z.enum(["legacy", "uefi"]),
  image: EntityRef,
  cluster: EntityRef,
  subnets: z.array(EntityRef).min(1).max(32),
  project: EntityRef.optional(),
  additionalCategories: z.record(CategoryKey, CategoryValue),
  gpus: z.array(GpuSpec),
});
export type MachineSpec = z.infer<typeof MachineSpec>;

/** What a user writes for a machine. Memory is given in GiB or MiB, the disk in GiB. */
export const MachinePropsSchema = z
  .strictObject({
    vcpuSockets: PositiveInt("vcpuSockets", MAX_VCPU_SOCKETS).default(2),
    vcpusPerSocket: PositiveInt("vcpusPerSocket", MAX_VCPUS_PER_SOCKET).default(1),
    memoryGiB: z
      .number({ error: "expected memoryGiB as a number" })
      .positive({ error: "expected memoryGiB > 0" })
      .max(MAX_MEMORY_GIB, { error: `expected memoryGiB ≤ ${MAX_MEMORY_GIB}` })
      .optional(),
    memoryMiB: z
      .number({ error: "expected memoryMiB as a whole number" })
      .int({ error: "expected memoryMiB as a whole number" })
      .positive({ error: "expected memoryMiB > 0" })
      .max(MAX_MEMORY_GIB * 1024, { error: `expected memoryMiB ≤ ${MAX_MEMORY_GIB * 1024}` })
      .optional(),
    systemDiskGiB: z
      .number({ error: "expected systemDiskGiB as a whole number" })
      .int({ error: "expected systemDiskGiB as a whole number" })
      .max(MAX_SYSTEM_DISK_GIB, { error: `expected systemDiskGiB ≤ ${MAX_SYSTEM_DISK_GIB}` })
      .default(40),
    bootType: z.enum(["legacy", "uefi"], { error: "expected bootType 'legacy' or 'uefi'" }).default("legacy"),
    image: EntityRefInput,
    cluster: EntityRefInput,
    subnets: z.array(EntityRefInput).min(1, { error: "expected at least one subnet" }).max(32, { error: "expected at most 32 subnets (CAPX limit)" }),
    project: EntityRefInput.optional(),
    additionalCategories: z.record(CategoryKey, CategoryValue).default({}),
    gpus: z.array(GpuSpec).default([]),
  })
  .superRefine((m, ctx) => {
    if (m.memoryGiB !== undefined && m.memoryMiB !== undefined) {
      ctx.addIssue({ code: "custom", path: ["memoryMiB"], message: "expected either memoryGiB or memoryMiB, not both" });
    }
    const mib = m.memoryMiB ?? (m.memoryGiB !== undefined ? Math.round(m.memoryGiB * 1024) : 4096);
    if (mib < MIN_MEMORY_MIB) {
      const given = m.memoryMiB !== undefined ? `${m.memoryMiB} MiB` : `${m.memoryGiB} GiB`;
      ctx.addIssue({ code: "custom", path: [m.memoryMiB !== undefined ? "memoryMiB" : "memoryGiB"], message: `expected at least 2 GiB of memory (CAPX requires memorySize ≥ 2Gi), got ${given}` });
    }
    if (m.systemDiskGiB < MIN_SYSTEM_DISK_GIB) {
      ctx.addIssue({ code: "custom", path: ["systemDiskGiB"], message: `expected systemDiskGiB ≥ ${MIN_SYSTEM_DISK_GIB} (CAPX requires systemDiskSize ≥ 20Gi), got ${m.systemDiskGiB}` });
    }
    const seen = new Set<string>();
    m.subnets.forEach((s, i) => {
      const k = JSON.stringify(s);
      if (seen.has(k)) ctx.addIssue({ code: "custom", path: ["subnets", i], message: `expected unique subnets, ${k} is listed twice` });
      seen.add(k);
    });
  })
  .transform((m): MachineSpec => ({
    vcpuSockets: m.vcpuSockets,
    vcpusPerSocket: m.vcpusPerSocket,
    memoryMiB: m.memoryMiB ?? (m.memoryGiB !== undefined ? Math.round(m.memoryGiB * 1024) : 4096),
    systemDiskMiB: m.systemDiskGiB * 1024,
    bootType: m.bootType,
    image: m.image,
    cluster: m.cluster,
    subnets: m.subnets,
    ...(m.project ? { project: m.project } : {}),
    additionalCategories: m.additionalCategories,
    gpus: m.gpus,
  }));
export type MachineProps = z.input<typeof MachinePropsSchema>;

/** Node pool roles. */
export const NodePoolRole = z.enum(["control-plane", "worker"], { error: "expected role 'control-plane' or 'worker'" });
export type NodePoolRole = z.infer<typeof NodePoolRole>;

/** The data props of a node pool. */
export const NodePoolPropsSchema = z
  .strictObject({
    name: DnsLabel,
    role: NodePoolRole.default("worker"),
    replicas: Replicas,
    autoscaling: Autoscaling.optional(),
    machine: MachinePropsSchema,
    labels: Labels.default({}),
    taints: z.array(Taint).default([]),
    sshAuthorizedKeys: SshAuthorizedKeys.optional(),
  })
  .superRefine((p, ctx) => {
    refineReplicas(p, ctx);
    if (p.role === "control-plane") {
      for (const i of controlPlaneMachineIssues(p.machine)) ctx.addIssue({ code: "custom", path: ["machine", ...i.path], message: i.message });
    }
  });

/** A node pool in a plan. */
export const NodePoolSpec = z.strictObject({
  account: z.string(),
  cluster: z.string(),
  clusterName: z.string(),
  kubernetesVersion: KubernetesVersion,
  name: DnsLabel,
  role: NodePoolRole,
  replicas: z.number().int().min(0),
  autoscaling: z.strictObject({ minReplicas: z.number().int(), maxReplicas: z.number().int() }).optional(),
  machine: MachineSpec,
  labels: z.record(z.string(), z.string()),
  taints: z.array(Taint),
  /** SSH keys of this pool's nodes, added to the cluster's. */
  sshAuthorizedKeys: z.array(z.string()).optional(),
});
export type NodePoolSpec = z.infer<typeof NodePoolSpec>;
