/**
 * A Palette Private Cloud Gateway on a 3 + 2 node Kubernetes cluster on Nutanix, with kube-vip in front
 * of the API servers and a GPU pool. `npx --no-install cdktf synth` runs this file (see cdktf.json).
 */
import { App } from "cdktf";
import { Credentials, NutanixCluster, NutanixStack, PrismCentralAccount, PrivateCloudGateway, Secret } from "../../lib";

/** Builds the example app; synthesizes into `outdir` (default: cdktf's, i.e. CDKTF_OUTDIR or cdktf.out). */
export function buildApp(outdir?: string): { app: App; stack: NutanixStack } {
  const app = new App(outdir ? { outdir } : {});
  const stack = new NutanixStack(app, "dc1");
  const pc = new PrismCentralAccount(stack, "pc", {
    endpoint: "https://pc.dc1.example.com:9440",
    credentials: Credentials.fromEnv("NUTANIX_USERNAME", "NUTANIX_PASSWORD"),
  });
  const machine = {
    vcpuSockets: 2, vcpusPerSocket: 2, memoryGiB: 8, systemDiskGiB: 60,
    image: "ubuntu-2204-kube-v1.30.5",
    cluster: "PE-1", subnets: ["vm-net-20"],
  };
  const host = new NutanixCluster(stack, "pcg-host", {
    account: pc, name: "pcg-host", kubernetesVersion: "1.30.5",
    endpoint: { address: "10.20.0.10" },
    controlPlane: { replicas: 3, machine },
    workers: [{ name: "default", replicas: 2, machine }],
    nodeNetwork: { cidr: "10.20.0.0/24", gateway: "10.20.0.1", ipPool: [{ start: "10.20.0.100", end: "10.20.0.199" }] },
  });
  host.addNodePool("gpu", { replicas: 1, machine: { ...machine, gpus: [{ name: "Tesla T4" }] } });
  new PrivateCloudGateway(stack, "pcg", {
    name: "dc1-pcg", account: pc, hostCluster: host,
    palette: { apiKey: Secret.fromEnv("PALETTE_API_KEY"), project: "Default" },
  });
  return { app, stack };
}

if (require.main === module) buildApp().app.synth();
