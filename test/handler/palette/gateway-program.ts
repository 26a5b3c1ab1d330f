/**
 * The start of the Palette-path test programs: a stack with a Prism Central account, a Palette account, a
 * directly built host cluster and its gateway through Palette (test/handler/palette-path.test.ts adds a
 * workload cluster; gateway-unreachable.test.ts uses it as it is).
 */
import type { App } from "cdktf";
import { Credentials, NutanixCluster, NutanixStack, PaletteAccount, PrismCentralAccount, PrivateCloudGateway, Secret } from "../../../lib";

export const MACHINE = { vcpuSockets: 2, vcpusPerSocket: 2, memoryGiB: 8, systemDiskGiB: 60, image: "ubuntu-2204-kube-v1.30.5", cluster: "PE-1", subnets: ["vm-net-20"] };

/** Stack `stackName` with accounts `pc` and `palette`, host cluster `gw-host` (1 + 1 nodes) and gateway `gw`. */
export function gatewayProgram(app: App, stackName: string): { stack: NutanixStack; pc: PrismCentralAccount; gateway: PrivateCloudGateway } {
  const stack = new NutanixStack(app, stackName);
  const pc = new PrismCentralAccount(stack, "pc", { endpoint: "https://pc.dc1.example.com:9440", credentials: Credentials.fromEnv("NUTANIX_USERNAME", "NUTANIX_PASSWORD") });
  const palette = new PaletteAccount(stack, "palette", { endpoint: "https://palette.example.com", apiKey: Secret.fromEnv("PALETTE_API_KEY") });
  const host = new NutanixCluster(stack, "gw-host", {
    account: pc, name: "gw-host", kubernetesVersion: "1.30.5", endpoint: { address: "10.20.0.10" },
    controlPlane: { replicas: 1, machine: MACHINE }, workers: [{ name: "default", replicas: 1, machine: MACHINE }],
    nodeNetwork: { cidr: "10.20.0.0/24", gateway: "10.20.0.1", ipPool: [{ start: "10.20.0.100", end: "10.20.0.199" }] },
  });
  const gateway = new PrivateCloudGateway(stack, "gw", { name: "gw", account: pc, hostCluster: host, palette });
  return { stack, pc, gateway };
}
