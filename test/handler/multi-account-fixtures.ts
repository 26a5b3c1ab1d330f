/**
 * A plan of two Prism Central accounts (issue 12, item 6), built with the real constructs: account
 * `t2/pca` (credentials A_USER/A_PASS) with cluster `web`, account `t2/pcb` (B_USER/B_PASS) with cluster
 * `api`; one control-plane node and one worker each, on the emulator's default seed.
 */
import { App } from "cdktf";
import { Credentials, NutanixCluster, NutanixStack, PrismCentralAccount } from "../../lib";
import { collectPlan } from "../../lib/stack/collect";
import type { Plan } from "../../lib/schema/plan";
import { IMAGE_A } from "./fixtures";

/** Options of {@link twoAccountPlan}. */
export interface TwoAccountParams {
  /** Worker replicas of cluster `api` (account B). @default 1 */
  apiWorkers?: number;
  /** Leave cluster `api` out (account B keeps no cluster). @default false */
  noApi?: boolean;
}

export function twoAccountPlan(p: TwoAccountParams = {}): Plan {
  const app = new App({ outdir: "/nonexistent-never-synthesized" });
  const stack = new NutanixStack(app, "t2");
  const pca = new PrismCentralAccount(stack, "pca", { endpoint: "https://pc-a.example.com:9440", credentials: Credentials.fromEnv("A_USER", "A_PASS") });
  const pcb = new PrismCentralAccount(stack, "pcb", { endpoint: "https://pc-b.example.com:9440", credentials: Credentials.fromEnv("B_USER", "B_PASS") });
  const machine = { vcpuSockets: 2, vcpusPerSocket: 1, memoryGiB: 4, systemDiskGiB: 40, image: IMAGE_A, cluster: "PE-1", subnets: ["vm-net-20"] };
  const cluster = (account: PrismCentralAccount, name: string, vip: string, workers: number): NutanixCluster =>
    new NutanixCluster(stack, name, {
      account,
      name,
      kubernetesVersion: "1.30.5",
      endpoint: { address: vip },
      controlPlane: { replicas: 1, machine },
      workers: [{ name: "md", replicas: workers, machine }],
      nodeNetwork: { cidr: "10.20.0.0/24", gateway: "10.20.0.1", ipPool: [{ start: "10.20.0.100", end: "10.20.0.199" }] },
    });
  cluster(pca, "web", "10.20.0.10", 1);
  if (!p.noApi) cluster(pcb, "api", "10.20.0.11", p.apiWorkers ?? 1);
  const { plan, issues } = collectPlan(stack);
  if (issues.length > 0) throw new Error(`test plan is invalid:\n${issues.map((i) => `${i.path}: ${i.field}: ${i.message}`).join("\n")}`);
  return plan;
}
