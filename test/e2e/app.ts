/**
 * A parameterized cdktf app for the end-to-end tests: one cluster on the emulator's default seed,
 * synthesized for real (cdk.tf.json + nutanix-plan.json) so the Terraform-path runner can drive it.
 */
import * as path from "node:path";
import { App } from "cdktf";
import { Credentials, NutanixCluster, NutanixStack, PrismCentralAccount } from "../../lib";

export interface E2eParams {
  cpImage?: string;
  workers: Array<{ name: string; replicas: number; memoryGiB?: number }>;
}

/** Synthesizes the app into `outdir`; returns the stack directory (Terraform's working directory). */
export function synthE2e(outdir: string, p: E2eParams): string {
  const app = new App({ outdir });
  const stack = new NutanixStack(app, "e2e");
  const pc = new PrismCentralAccount(stack, "pc", {
    endpoint: "https://pc.dc1.example.com:9440",
    credentials: Credentials.fromEnv("NUTANIX_USERNAME", "NUTANIX_PASSWORD"),
  });
  const machine = (memoryGiB: number, image: string) => ({
    vcpuSockets: 2, vcpusPerSocket: 1, memoryGiB, systemDiskGiB: 40, image, cluster: "PE-1", subnets: ["vm-net-20"],
  });
  new NutanixCluster(stack, "edge", {
    account: pc, name: "edge", kubernetesVersion: "1.30.5",
    endpoint: { address: "10.20.0.12" },
    controlPlane: { replicas: 3, machine: machine(4, p.cpImage ?? "ubuntu-2204-kube-v1.30.5") },
    workers: p.workers.map((w) => ({ name: w.name, replicas: w.replicas, machine: machine(w.memoryGiB ?? 4, "ubuntu-2204-kube-v1.30.5") })),
    nodeNetwork: { cidr: "10.20.0.0/24", gateway: "10.20.0.1", ipPool: [{ start: "10.20.0.100", end: "10.20.0.199" }] },
  });
  app.synth();
  return path.join(outdir, "stacks", "e2e");
}
