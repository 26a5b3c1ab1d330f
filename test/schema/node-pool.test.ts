import { MachinePropsSchema, NodePoolPropsSchema } from "../../lib/schema/node-pool";
import { expectSchemaCases } from "./table";

const m = { image: "img", cluster: "PE-1", subnets: ["net"] };

expectSchemaCases("MachinePropsSchema", MachinePropsSchema, [
  {
    name: "defaults (normalized to MiB)",
    input: m,
    output: { vcpuSockets: 2, vcpusPerSocket: 1, memoryMiB: 4096, systemDiskMiB: 40960, bootType: "legacy", image: { name: "img" }, cluster: { name: "PE-1" }, subnets: [{ name: "net" }], additionalCategories: {}, gpus: [] },
  },
  { name: "memory in MiB", input: { ...m, memoryMiB: 2048 } },
  { name: "GPUs by name and id", input: { ...m, gpus: [{ name: "Tesla T4" }, { deviceId: 7864 }] } },
], [
  { name: "memoryGiB and memoryMiB", input: { ...m, memoryGiB: 4, memoryMiB: 4096 }, message: /either memoryGiB or memoryMiB/, field: "memoryMiB" },
  { name: "1 GiB of memory", input: { ...m, memoryGiB: 1 }, message: /at least 2 GiB.*got 1 GiB/, field: "memoryGiB" },
  { name: "a 10 GiB disk", input: { ...m, systemDiskGiB: 10 }, message: /systemDiskGiB ≥ 20/, field: "systemDiskGiB" },
  { name: "no subnets", input: { ...m, subnets: [] }, message: /at least one subnet/, field: "subnets" },
  { name: "33 subnets", input: { ...m, subnets: Array.from({ length: 33 }, (_, i) => `n${i}`) }, message: /at most 32 subnets/, field: "subnets" },
  { name: "a repeated subnet", input: { ...m, subnets: ["a", "a"] }, message: /unique subnets/, field: "subnets[1]" },
  { name: "zero sockets", input: { ...m, vcpuSockets: 0 }, message: /vcpuSockets ≥ 1/, field: "vcpuSockets" },
  { name: "a bad boot type", input: { ...m, bootType: "bios" }, message: /'legacy' or 'uefi'/, field: "bootType" },
  { name: "a long category", input: { ...m, additionalCategories: { k: "v".repeat(65) } }, message: /at most 64/, field: "additionalCategories.k" },
  { name: "a missing image", input: { cluster: "PE-1", subnets: ["n"] }, message: /./, field: "image" },
]);
expectSchemaCases("NodePoolPropsSchema", NodePoolPropsSchema, [
  { name: "a worker pool", input: { name: "w", replicas: 0, machine: m } },
  { name: "a 3-node control plane", input: { name: "cp", role: "control-plane", replicas: 3, machine: m } },
  { name: "autoscaling bounds", input: { name: "w", replicas: 2, autoscaling: { minReplicas: 1, maxReplicas: 5 }, machine: m } },
], [
  { name: "a 2-node control plane", input: { name: "cp", role: "control-plane", replicas: 2, machine: m }, message: /1, 3 or 5 control-plane replicas.*got 2/, field: "replicas" },
  { name: "an autoscaled control plane", input: { name: "cp", role: "control-plane", replicas: 1, autoscaling: { minReplicas: 1, maxReplicas: 3 }, machine: m }, message: /no autoscaling on a control-plane/, field: "autoscaling" },
  { name: "replicas outside the bounds", input: { name: "w", replicas: 9, autoscaling: { minReplicas: 1, maxReplicas: 5 }, machine: m }, message: /minReplicas ≤ replicas ≤ maxReplicas/, field: "autoscaling" },
  { name: "negative replicas", input: { name: "w", replicas: -1, machine: m }, message: /replicas ≥ 0/, field: "replicas" },
  { name: "an unknown role", input: { name: "w", role: "etcd", replicas: 1, machine: m }, message: /'control-plane' or 'worker'/, field: "role" },
]);
