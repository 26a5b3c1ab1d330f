/**
 * Two workload clusters on two Prism Element clusters of one Prism Central; the second has a GPU pool.
 */
import { App } from "cdktf";
import { Credentials, Image, NutanixCluster, NutanixStack, PrismCentralAccount, PrismElementCluster, Subnet } from "../../lib";

/** Builds the example app; synthesizes into `outdir` (default: cdktf's, i.e. CDKTF_OUTDIR or cdktf.out). */
export function buildApp(outdir?: string): { app: App; stack: NutanixStack } {
  const app = new App(outdir ? { outdir } : {});
  const stack = new NutanixStack(app, "workloads");
  const pc = new PrismCentralAccount(stack, "pc", {
    endpoint: "https://pc.dc1.example.com:9440",
    credentials: Credentials.fromEnv("NUTANIX_USERNAME", "NUTANIX_PASSWORD"),
  });

  const web = {
    vcpuSockets: 2, vcpusPerSocket: 1, memoryGiB: 8, systemDiskGiB: 60,
    image: Image.fromName("ubuntu-2204-kube-v1.30.5"),
    cluster: PrismElementCluster.fromName("PE-1"), subnets: [Subnet.fromName("vm-net-20")],
  };
  new NutanixCluster(stack, "web", {
    account: pc, name: "web", kubernetesVersion: "v1.30.5",
    endpoint: { address: "10.20.0.11" },
    controlPlane: { replicas: 3, machine: web },
    workers: [{ name: "default", replicas: 3, machine: web, autoscaling: { minReplicas: 2, maxReplicas: 6 } }],
    nodeNetwork: { cidr: "10.20.0.0/24", gateway: "10.20.0.1", ipPool: [{ start: "10.20.0.100", end: "10.20.0.199" }] },
  });

  const ml = {
    vcpuSockets: 2, vcpusPerSocket: 2, memoryGiB: 16, systemDiskGiB: 80, bootType: "uefi" as const,
    image: Image.fromName("ubuntu-2204-kube-v1.31.2"),
    cluster: PrismElementCluster.fromName("PE-2"), subnets: [Subnet.fromName("vm-net-30")],
  };
  const mlCluster = new NutanixCluster(stack, "ml", {
    account: pc, name: "ml", kubernetesVersion: "1.31.2",
    endpoint: { address: "10.30.0.10" },
    controlPlane: { replicas: 1, machine: ml },
    workers: [{ name: "cpu", replicas: 2, machine: ml }],
    nodeNetwork: { cidr: "10.30.0.0/24", gateway: "10.30.0.1", ipPool: [{ start: "10.30.0.100", end: "10.30.0.199" }] },
  });
  mlCluster.addNodePool("gpu", {
    replicas: 1,
    machine: { ...ml, memoryGiB: 32, gpus: [{ name: "Tesla T4" }] },
    labels: { "nvidia.com/gpu.present": "true" },
    taints: [{ key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" }],
  });
  return { app, stack };
}

if (require.main === module) buildApp().app.synth();
