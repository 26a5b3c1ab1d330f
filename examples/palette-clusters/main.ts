/**
 * Clusters through Palette: a Private Cloud Gateway on a host cluster the handler builds directly in
 * Prism Central, and a workload cluster that Palette provisions through that gateway (3 control-plane
 * nodes, two worker pools) from the cluster profile `nutanix-k8s-1.30`. The handler creates none of the
 * workload cluster's VMs. `npx cdktf synth` runs this file when cdktf.json points at it.
 */
import { App } from "cdktf";
import { Credentials, NutanixCluster, NutanixStack, PaletteAccount, PrismCentralAccount, PrivateCloudGateway, Secret } from "../../lib";

/** Builds the example app; synthesizes into `outdir` (default: cdktf's, i.e. CDKTF_OUTDIR or cdktf.out). */
export function buildApp(outdir?: string): { app: App; stack: NutanixStack } {
  const app = new App(outdir ? { outdir } : {});
  const stack = new NutanixStack(app, "dc1");
  const pc = new PrismCentralAccount(stack, "pc", {
    endpoint: "https://pc.dc1.example.com:9440",
    credentials: Credentials.fromEnv("NUTANIX_USERNAME", "NUTANIX_PASSWORD"),
  });
  const palette = new PaletteAccount(stack, "palette", {
    apiKey: Secret.fromEnv("PALETTE_API_KEY"),
    project: "Default",
  });
  const nodeNetwork = { cidr: "10.20.0.0/24", gateway: "10.20.0.1", ipPool: [{ start: "10.20.0.100", end: "10.20.0.199" }] };
  const pcg = PrivateCloudGateway.withHostCluster(stack, "pcg", {
    name: "dc1-pcg", account: pc, palette,
    host: {
      kubernetesVersion: "1.30.5",
      endpoint: { address: "10.20.0.10" },
      placement: { image: "ubuntu-2204-kube-v1.30.5", cluster: "PE-1", subnets: ["vm-net-20"] },
      nodeNetwork,
    },
  });
  const machine = {
    vcpuSockets: 2, vcpusPerSocket: 2, memoryGiB: 8, systemDiskGiB: 60,
    image: "ubuntu-2204-kube-v1.30.5",
    cluster: "PE-1", subnets: ["vm-net-20"],
  };
  new NutanixCluster(stack, "web", {
    account: pc, name: "web", kubernetesVersion: "1.30.5",
    endpoint: { address: "10.20.0.20" },
    controlPlane: { replicas: 3, machine },
    workers: [
      { name: "general", replicas: 3, machine },
      { name: "memory", replicas: 2, machine: { ...machine, memoryGiB: 32 }, labels: { "node.example.com/class": "memory" } },
    ],
    nodeNetwork,
    palette: { gateway: pcg, profile: "nutanix-k8s-1.30" },
  });
  return { app, stack };
}

if (require.main === module) buildApp().app.synth();
