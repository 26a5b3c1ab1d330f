/**
 * Cross-resource rules at synth: each rule alone, then all together in one ValidationError, and a
 * failed synth writes nothing.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { App } from "cdktf";
import { KubeVipEndpoint, NodePool, NutanixCluster, ValidationError, type NutanixStack } from "../../lib";
import { validateResources } from "../../lib/plan";
import { addCluster, addGateway, clusterProps, listFiles, MACHINE, stackWithAccount, tempDir } from "../helpers/nutanix-fixtures";

/** The issues of a stack's plan as lines. */
function planLines(stack: NutanixStack): string[] {
  try {
    stack.toPlan();
  } catch (e) {
    assert.ok(e instanceof ValidationError, String(e));
    return e.issues.map((i) => (i.field ? `${i.path}: ${i.field}: ${i.message}` : `${i.path}: ${i.message}`));
  }
  return [];
}

test("a valid stack has no issues", () => {
  const { stack, pc } = stackWithAccount();
  addGateway(stack, pc, addCluster(stack, pc, "c1"));
  assert.deepEqual(planLines(stack), []);
});

test("fails on two clusters with one name in an account", () => {
  const { stack, pc } = stackWithAccount();
  addCluster(stack, pc, "a", { name: "same" });
  addCluster(stack, pc, "b", { name: "same", endpoint: { address: "10.20.0.11" } });
  assert.deepEqual(planLines(stack), ["dc1/b: name: expected cluster names unique per account, 'same' is also used by dc1/a in account dc1/pc"]);
});

test("fails on two pools with one name in a cluster", () => {
  const { stack, pc } = stackWithAccount();
  const c = addCluster(stack, pc, "c1");
  new NodePool(stack, "dup", { cluster: c, name: "default", replicas: 1, machine: MACHINE });
  assert.deepEqual(planLines(stack), ["dc1/dup: name: expected pool names unique per cluster, 'default' is also used by dc1/c1/default in cluster dc1/c1"]);
});

test("fails on two clusters claiming one kube-vip address", () => {
  const { stack, pc } = stackWithAccount();
  addCluster(stack, pc, "a");
  addCluster(stack, pc, "b");
  assert.deepEqual(planLines(stack), ["dc1/b/endpoint: address: expected a kube-vip address used by one cluster only, 10.20.0.10 is also claimed by dc1/a/endpoint (cluster 'a')"]);
});

test("the same VIP in two accounts (two Prism Centrals) is allowed", async () => {
  const { stack, pc } = stackWithAccount();
  const { PrismCentralAccount, Credentials } = await import("../../lib");
  const pc2 = new PrismCentralAccount(stack, "pc2", { endpoint: "pc2.example.com", credentials: Credentials.fromEnv("U", "P") });
  addCluster(stack, pc, "a");
  addCluster(stack, pc2, "b");
  assert.deepEqual(planLines(stack), []);
});

test("fails on a second control-plane pool or a second endpoint for a cluster", () => {
  const { stack, pc } = stackWithAccount();
  const c = addCluster(stack, pc, "c1");
  new NodePool(stack, "cp2", { cluster: c, role: "control-plane", replicas: 1, machine: MACHINE });
  new KubeVipEndpoint(stack, "vip2", { cluster: c, address: "10.20.0.12" });
  const lines = planLines(stack);
  assert.ok(lines.includes("dc1/cp2: role: expected one control-plane pool per cluster, dc1/c1 already has dc1/c1/cp"), lines.join("\n"));
  assert.ok(lines.includes("dc1/vip2: cluster: expected one kube-vip endpoint per cluster, cluster 'c1' already has dc1/c1/endpoint"), lines.join("\n"));
});

test("fails on a VIP at the gateway or IPAM start of a known node network (rule over plan resources)", () => {
  const { stack, pc } = stackWithAccount();
  addCluster(stack, pc, "c1", { nodeNetwork: { cidr: "10.20.0.0/24", gateway: "10.20.0.1", ipPool: [{ start: "10.20.0.100", end: "10.20.0.199" }] } });
  const plan = stack.toPlan();
  const edited = plan.resources.map((r) => (r.kind === "KubeVipEndpoint" ? { ...r, spec: { ...r.spec, address: "10.20.0.100" } } : r));
  const issues = validateResources(edited);
  assert.deepEqual(issues.map((i) => `${i.path}: ${i.field}: ${i.message}`), ["dc1/c1/endpoint: address: expected the kube-vip address 10.20.0.100 outside the IPAM pool 10.20.0.100–10.20.0.199 (Prism would hand it to a VM)"]);
  const gw = plan.resources.map((r) => (r.kind === "KubeVipEndpoint" ? { ...r, spec: { ...r.spec, address: "10.20.0.1" } } : r));
  assert.match(validateResources(gw)[0]!.message, /not to be the subnet gateway/);
});

test("fails on a PCG whose account differs from its host cluster's", async () => {
  const { stack, pc } = stackWithAccount();
  const { PrismCentralAccount, Credentials } = await import("../../lib");
  const other = new PrismCentralAccount(stack, "pc2", { endpoint: "pc2.example.com", credentials: Credentials.fromEnv("U", "P") });
  addGateway(stack, other, addCluster(stack, pc, "c1"));
  assert.deepEqual(planLines(stack), ["dc1/pcg: account: expected the host cluster's account dc1/pc, got dc1/pc2: a gateway serves the Prism Central its host cluster runs in"]);
});

test("fails on a PCG host below Palette's minimums, every shortfall listed", () => {
  const { stack, pc } = stackWithAccount();
  const { memoryGiB: _memoryGiB, ...rest } = MACHINE;
  const small = { ...rest, vcpusPerSocket: 1, memoryMiB: 2048, systemDiskGiB: 40 };
  const host = addCluster(stack, pc, "c1", { controlPlane: { replicas: 1, machine: small }, workers: [{ name: "default", replicas: 0, machine: MACHINE }] });
  addGateway(stack, pc, host);
  assert.deepEqual(planLines(stack), [
    "dc1/c1: workers: expected ≥ 1 worker node on the host cluster of Private Cloud Gateway 'pcg' (Palette minimum), got 0",
    "dc1/c1/cp: machine: expected ≥ 4 vCPUs (vcpuSockets × vcpusPerSocket) on every node of a Private Cloud Gateway host cluster (gateway 'pcg', Palette minimum), got 2 (2 × 1)",
    "dc1/c1/cp: machine.memoryMiB: expected ≥ 4096 MiB of memory on every node of a Private Cloud Gateway host cluster (gateway 'pcg', Palette minimum), got 2048 MiB",
    "dc1/c1/cp: machine.systemDiskMiB: expected a system disk ≥ 60 GiB on every node of a Private Cloud Gateway host cluster (gateway 'pcg', Palette minimum), got 40 GiB",
  ]);
});

test("fails on VM host names longer than 63 characters", () => {
  const { stack, pc } = stackWithAccount();
  const c = addCluster(stack, pc, "c1", { name: "a".repeat(40) });
  c.addNodePool("b".repeat(20), { replicas: 10, machine: MACHINE });
  const lines = planLines(stack);
  assert.deepEqual(lines, [`dc1/c1/${"b".repeat(20)}: name: expected VM host names <cluster>-<pool>-<n> of at most 63 characters, got 64 in '${"a".repeat(40)}-${"b".repeat(20)}-10': shorten the cluster or pool name`]);
});

test("fails on a cluster using an account of another stack", () => {
  const app = new App({ outdir: path.join(tempDir(), "out") });
  const { pc } = stackWithAccount("dc1", app);
  const { stack: dc2 } = stackWithAccount("dc2", app);
  new NutanixCluster(dc2, "c1", { account: pc, ...clusterProps() });
  const lines = planLines(dc2);
  assert.ok(lines.includes('dc2/c1: expected PrismCentralAccount dc1/pc in this stack "dc2", but it belongs to stack "dc1": a stack\'s resources may only use accounts, clusters and pools of the same stack'), lines.join("\n"));
  assert.ok(lines.every((l) => /belongs to stack "dc1"/.test(l)), lines.join("\n"));
});

test("fails on a dependency cycle made with node.addDependency", () => {
  const { stack, pc } = stackWithAccount();
  const c = addCluster(stack, pc, "c1");
  const g = addGateway(stack, pc, c);
  c.node.addDependency(g);
  assert.deepEqual(planLines(stack), ["dc1/c1: dependsOn: expected no dependency cycle, found dc1/c1 → dc1/pcg → dc1/c1"]);
});

test("node.addDependency on a plain construct adds every resource under it", async () => {
  const { Construct } = await import("constructs");
  const { stack, pc } = stackWithAccount();
  const group = new Construct(stack, "group");
  addCluster(group as never, pc, "a");
  const b = addCluster(stack, pc, "b", { endpoint: { address: "10.20.0.11" } });
  b.node.addDependency(group);
  const deps = stack.toPlan().resources.find((r) => r.id === "dc1/b")?.dependsOn ?? [];
  for (const id of ["dc1/group/a", "dc1/group/a/cp", "dc1/group/a/endpoint", "dc1/group/a/default"]) assert.ok(deps.includes(id), deps.join(", "));
});

test("every problem is reported together, and a failed app.synth() writes no file", () => {
  const outdir = path.join(tempDir(), "out");
  fs.mkdirSync(outdir);
  const app = new App({ outdir });
  const { stack, pc } = stackWithAccount("dc1", app);
  addCluster(stack, pc, "a", { name: "same" });
  addCluster(stack, pc, "b", { name: "same" });
  addGateway(stack, pc, addCluster(stack, pc, "c", { endpoint: { address: "10.20.0.12" }, controlPlane: { replicas: 1, machine: { ...MACHINE, vcpusPerSocket: 1 } } }));
  let err: unknown;
  try {
    app.synth();
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof ValidationError, String(err));
  const text = err.message;
  assert.match(text, /^cannot synthesize stack dc1:/);
  assert.match(text, /cluster names unique per account/);
  assert.match(text, /kube-vip address used by one cluster only/);
  assert.match(text, /≥ 4 vCPUs/);
  assert.deepEqual(listFiles(outdir), []);
});
