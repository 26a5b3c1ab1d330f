/**
 * Valid props and small stacks for construct and plan tests.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App } from "cdktf";
import {
  Credentials,
  NutanixCluster,
  NutanixStack,
  PrismCentralAccount,
  PrivateCloudGateway,
  Secret,
  type NutanixClusterProps,
  type NutanixMachineProps,
  type PrivateCloudGatewayProps,
  ValidationError,
} from "../../lib";

/** A fresh temporary directory (removed by the caller or the OS). */
export function tempDir(prefix = "npc-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** An App writing into a fresh temporary directory. */
export function tempApp(): { app: App; outdir: string } {
  const outdir = path.join(tempDir(), "out");
  fs.mkdirSync(outdir);
  return { app: new App({ outdir }), outdir };
}

/** A machine big enough for a PCG host. */
export const MACHINE: NutanixMachineProps = {
  vcpuSockets: 2,
  vcpusPerSocket: 2,
  memoryGiB: 8,
  systemDiskGiB: 60,
  image: "ubuntu-2204-kube-v1.30.5",
  cluster: "PE-1",
  subnets: ["vm-net-20"],
};

/** Cluster props without the account. */
export function clusterProps(over: Partial<Omit<NutanixClusterProps, "account">> = {}): Omit<NutanixClusterProps, "account"> {
  return {
    name: "c1",
    kubernetesVersion: "1.30.5",
    endpoint: { address: "10.20.0.10" },
    controlPlane: { replicas: 1, machine: MACHINE },
    workers: [{ name: "default", replicas: 1, machine: MACHINE }],
    ...over,
  };
}

/** A stack with one account. */
export function stackWithAccount(id = "dc1", app = new App({ outdir: path.join(tempDir(), "out") })): { app: App; stack: NutanixStack; pc: PrismCentralAccount } {
  const stack = new NutanixStack(app, id);
  const pc = new PrismCentralAccount(stack, "pc", { endpoint: "pc.example.com", credentials: Credentials.fromEnv("NUTANIX_USERNAME", "NUTANIX_PASSWORD") });
  return { app, stack, pc };
}

/** Adds a cluster to the stack. */
export function addCluster(stack: NutanixStack, pc: PrismCentralAccount, id: string, over: Partial<Omit<NutanixClusterProps, "account">> = {}): NutanixCluster {
  return new NutanixCluster(stack, id, { account: pc, ...clusterProps({ name: id, ...over }) });
}

/** Adds a PCG on `host`. */
export function addGateway(stack: NutanixStack, pc: PrismCentralAccount, host: NutanixCluster, over: Partial<PrivateCloudGatewayProps> = {}): PrivateCloudGateway {
  return new PrivateCloudGateway(stack, "pcg", { name: "pcg", account: pc, hostCluster: host, palette: { apiKey: Secret.fromEnv("PALETTE_API_KEY") }, ...over });
}

/** Runs `fn`, expects a ValidationError, returns its issues rendered as `path: field: message` lines. */
export function validationLines(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationError) return e.issues.map((i) => (i.field ? `${i.path}: ${i.field}: ${i.message}` : `${i.path}: ${i.message}`));
    throw e;
  }
  throw new Error("expected a ValidationError, nothing was thrown");
}

/** Every file (relative path) under `dir`. */
export function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.relative(dir, path.join(d.parentPath ?? (d as unknown as { path: string }).path, d.name)))
    .sort();
}
