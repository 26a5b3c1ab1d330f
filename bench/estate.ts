/**
 * The benchmarks' estate, built with whichever copy of the library it is handed: the TypeScript
 * source (bench/common.ts, for the apply benchmarks) or the built package as a program loads it
 * (bench/synth-child.ts, so the synth benchmark's module loading is what a user's `cdktf synth` pays).
 */
import type { App } from "cdktf";
import type * as Library from "../lib";

/** The constructs the estate uses. */
export type EstateLibrary = Pick<typeof Library, "Credentials" | "NutanixCluster" | "NutanixStack" | "PrismCentralAccount">;

export interface EstateParams {
  /** Stack name (plan metadata.stack). */
  stack: string;
  /** Number of Kubernetes clusters. */
  clusters: number;
  /** Worker pools per cluster. */
  workerPools: number;
  /** VMs per worker pool. */
  replicas: number;
  /** Control-plane replicas per cluster. @default 1 */
  cpReplicas?: 1 | 3 | 5;
  /** Replicas of particular worker pools (`w0`, `w1`…), overriding `replicas`. */
  replicasByPool?: Readonly<Record<string, number>>;
}

/** Image, PE cluster and subnet of the bench seed. */
export const BENCH_IMAGE = "ubuntu-2204-kube-v1.30.5";
export const BENCH_PE = "PE-1";
export const BENCH_SUBNET = "bench-net";

const MACHINE = { vcpuSockets: 2, vcpusPerSocket: 1, memoryGiB: 4, systemDiskGiB: 40, image: BENCH_IMAGE, cluster: BENCH_PE, subnets: [BENCH_SUBNET] };

/** Builds an estate with the constructs of `lib` into `app`: one NutanixStack, one account, N clusters. */
export function buildEstateWith(lib: EstateLibrary, app: App, p: EstateParams): InstanceType<EstateLibrary["NutanixStack"]> {
  const { Credentials, NutanixCluster, NutanixStack, PrismCentralAccount } = lib;
  const stack = new NutanixStack(app, p.stack);
  const pc = new PrismCentralAccount(stack, "pc", {
    endpoint: "https://pc.bench.example.com:9440",
    credentials: Credentials.fromEnv("NUTANIX_USERNAME", "NUTANIX_PASSWORD"),
  });
  for (let c = 0; c < p.clusters; c++) {
    const name = `k${c}`;
    // One /16: VIPs at 10.40.<c/200>.<10 + c%200>, outside the IPAM range 10.40.16.0–10.40.31.255.
    const vip = `10.40.${Math.floor(c / 200)}.${10 + (c % 200)}`;
    const cluster = new NutanixCluster(stack, name, {
      account: pc,
      name,
      kubernetesVersion: "1.30.5",
      endpoint: { address: vip },
      controlPlane: { replicas: p.cpReplicas ?? 1, machine: MACHINE },
      nodeNetwork: { cidr: "10.40.0.0/16", gateway: "10.40.0.1", ipPool: [{ start: "10.40.16.0", end: "10.40.31.255" }] },
    });
    for (let w = 0; w < p.workerPools; w++) cluster.addNodePool(`w${w}`, { replicas: p.replicasByPool?.[`w${w}`] ?? p.replicas, machine: MACHINE });
  }
  return stack;
}
