/** A Palette cluster description (3 control-plane nodes, two worker pools) shared by the tests of lib/render/palette. */
import type { PaletteClusterDescription, PaletteMachine } from "../../../lib/render/palette";

export const MACHINE: PaletteMachine = {
  cluster: { name: "pe-1" },
  subnets: [{ name: "vlan-100" }],
  image: { name: "ubuntu-2204-kube-v1.30.4" },
  vcpuSockets: 2,
  vcpusPerSocket: 1,
  memoryMiB: 8192,
  systemDiskMiB: 40960,
};

export const WL1: PaletteClusterDescription = {
  name: "wl-1",
  kubernetesVersion: "1.30.4",
  endpoint: { address: "10.0.0.50", port: 6443 },
  prismCentral: { host: "pc.example.test", port: 9440, insecure: false },
  controlPlane: { name: "cp", replicas: 3, machine: { ...MACHINE, memoryMiB: 4096 } },
  workers: [
    { name: "workers-a", replicas: 2, machine: MACHINE, labels: { pool: "a" } },
    { name: "workers-b", replicas: 1, machine: { ...MACHINE, vcpuSockets: 4 }, taints: [{ key: "dedicated", value: "batch", effect: "NoSchedule" }] },
  ],
};
