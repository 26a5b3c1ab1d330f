/**
 * Plans for the handler tests, built with the real constructs (no synth): one small cluster on the
 * emulator's default seed (PE-1, vm-net-20 10.20.0.0/24 with IPAM .100–.199, image ubuntu-2204-kube-v1.30.5).
 */
import { App } from "cdktf";
import { Credentials, NutanixCluster, NutanixStack, PrismCentralAccount } from "../../lib";
import { collectPlan } from "../../lib/stack/collect";
import type { Plan } from "../../lib/schema/plan";
import { withEmulator, type EmulatorHarness } from "../helpers/emulator";
import type { EmulatorOptions } from "../../lib/emulator";
import type { VmEntity } from "../../lib/prism/types";

export interface PoolParams {
  name: string;
  replicas: number;
  memoryGiB?: number;
  vcpuSockets?: number;
  image?: string;
  systemDiskGiB?: number;
  gpus?: Array<{ name: string } | { deviceId: number }>;
}

export interface PlanParams {
  stack?: string;
  /** The stack's project (its identity is `<project>/<stack>`); default: the nearest package.json name. */
  project?: string;
  cluster?: string;
  cpReplicas?: 1 | 3 | 5;
  cpMemoryGiB?: number;
  cpImage?: string;
  workers?: PoolParams[];
  vip?: string;
  kubernetesVersion?: string;
  /** Leave out nodeNetwork (so only the handler, against Prism Central, checks the VIP). */
  noNodeNetwork?: boolean;
  /** The cluster's proxy. @default none */
  proxy?: { httpProxy?: string; httpsProxy?: string; noProxy?: string[] };
  /** The cluster's SSH keys. @default none */
  sshAuthorizedKeys?: string[];
}

export const IMAGE_A = "ubuntu-2204-kube-v1.30.5";
export const IMAGE_B = "rockylinux-9-kube-v1.30.5";

/** A plan of one cluster: a control-plane pool and worker pools. */
export function makePlan(p: PlanParams = {}): Plan {
  const app = new App({ outdir: "/nonexistent-never-synthesized" });
  const stack = new NutanixStack(app, p.stack ?? "t1", p.project !== undefined ? { project: p.project } : {});
  const pc = new PrismCentralAccount(stack, "pc", {
    endpoint: "https://pc.dc1.example.com:9440",
    credentials: Credentials.fromEnv("NUTANIX_USERNAME", "NUTANIX_PASSWORD"),
  });
  const machine = (m: { memoryGiB?: number; image?: string; vcpuSockets?: number; systemDiskGiB?: number; gpus?: PoolParams["gpus"] }) => ({
    vcpuSockets: m.vcpuSockets ?? 2,
    vcpusPerSocket: 1,
    memoryGiB: m.memoryGiB ?? 4,
    systemDiskGiB: m.systemDiskGiB ?? 40,
    image: m.image ?? IMAGE_A,
    cluster: "PE-1",
    subnets: ["vm-net-20"],
    ...(m.gpus ? { gpus: m.gpus } : {}),
  });
  new NutanixCluster(stack, p.cluster ?? "web", {
    account: pc,
    name: p.cluster ?? "web",
    kubernetesVersion: p.kubernetesVersion ?? "1.30.5",
    endpoint: { address: p.vip ?? "10.20.0.10" },
    controlPlane: { replicas: p.cpReplicas ?? 3, machine: machine({ memoryGiB: p.cpMemoryGiB ?? 4, image: p.cpImage ?? IMAGE_A }) },
    workers: (p.workers ?? [{ name: "md", replicas: 2 }]).map((w) => ({ name: w.name, replicas: w.replicas, machine: machine(w) })),
    ...(p.proxy ? { proxy: p.proxy } : {}),
    ...(p.sshAuthorizedKeys ? { sshAuthorizedKeys: p.sshAuthorizedKeys } : {}),
    ...(p.noNodeNetwork ? {} : { nodeNetwork: { cidr: "10.20.0.0/24", gateway: "10.20.0.1", ipPool: [{ start: "10.20.0.100", end: "10.20.0.199" }] } }),
  });
  const { plan, issues } = collectPlan(stack);
  if (issues.length > 0) throw new Error(`test plan is invalid:\n${issues.map((i) => `${i.path}: ${i.field}: ${i.message}`).join("\n")}`);
  return plan;
}

/** Runs `fn` with a fresh emulator (fast tasks by default) and the env/options the handler needs. */
export async function withTarget<T>(
  opts: EmulatorOptions,
  fn: (t: { h: EmulatorHarness; env: NodeJS.ProcessEnv; base: { endpoint: string; env: NodeJS.ProcessEnv; retries: { maxAttempts: number; baseDelayMs: number; maxDelayMs: number }; poll: { initialDelayMs: number; maxDelayMs: number } } }) => Promise<T>,
): Promise<T> {
  return withEmulator({ taskMs: 50, ...opts }, async (h) => {
    const env: NodeJS.ProcessEnv = { NUTANIX_USERNAME: h.emu.username, NUTANIX_PASSWORD: h.emu.password };
    return fn({
      h,
      env,
      base: { endpoint: h.emu.url, env, retries: { maxAttempts: 8, baseDelayMs: 5, maxDelayMs: 50 }, poll: { initialDelayMs: 20, maxDelayMs: 100 } },
    });
  });
}

/** Every VM the emulator holds (settled), as the API lists them. */
export async function listVms(h: EmulatorHarness): Promise<VmEntity[]> {
  const c = h.client();
  try {
    return await c.listVms();
  } finally {
    c.close();
  }
}

/** Names of the VMs of a stack (by category), sorted. */
export function stackVmNames(vms: VmEntity[], stack = "t1"): string[] {
  return vms.filter((v) => v.metadata.categories?.NpcStack === stack).map((v) => v.spec.name).sort();
}

/** The spec_version of the unowned seed VMs (they must never change). */
export function unownedVersions(vms: VmEntity[]): Record<string, number | undefined> {
  const out: Record<string, number | undefined> = {};
  for (const v of vms) if (v.spec.name === "legacy-db-01" || v.spec.name === "pcg-host-default-1") out[v.spec.name] = v.metadata.spec_version;
  return out;
}
