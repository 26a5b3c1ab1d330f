/**
 * Constructs: ids and specs, props errors (construct path, field path, expected, given, all at once),
 * construct-typed props, addNodePool, and a failed constructor leaving the tree as it was.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  Credentials,
  Image,
  KubeVipEndpoint,
  NodePool,
  NutanixCluster,
  NutanixStack,
  PrismCentralAccount,
  PrismElementCluster,
  Secret,
  Subnet,
  type NutanixClusterProps,
} from "../../lib";
import * as path from "node:path";
import { addCluster, clusterProps, MACHINE, stackWithAccount, tempDir, validationLines } from "../helpers/nutanix-fixtures";

test("references: factories return references, never values", () => {
  assert.deepEqual(Credentials.fromEnv("U", "P"), { source: "env", usernameEnv: "U", passwordEnv: "P" });
  assert.deepEqual(Credentials.fromFile("/etc/pc.json"), { source: "file", path: "/etc/pc.json" });
  assert.deepEqual(Secret.fromEnv("K"), { source: "env", env: "K" });
  assert.deepEqual(Secret.fromFile("/k"), { source: "file", path: "/k" });
  assert.deepEqual(Image.fromName("img"), { name: "img" });
  assert.deepEqual(Subnet.fromUuid("u"), { uuid: "u" });
  assert.deepEqual(PrismElementCluster.fromName("PE-1"), { name: "PE-1" });
});

test("cluster: builds endpoint, cp and worker pools as children with path ids", () => {
  const { stack, pc } = stackWithAccount();
  const c = addCluster(stack, pc, "c1");
  const gpu = c.addNodePool("gpu", { replicas: 1, machine: { ...MACHINE, gpus: [{ name: "Tesla T4" }] } });
  assert.equal(c.endpoint.resourceId, "dc1/c1/endpoint");
  assert.equal(c.controlPlane.resourceId, "dc1/c1/cp");
  assert.equal(gpu.resourceId, "dc1/c1/gpu");
  assert.deepEqual(c.workers.map((w) => w.poolName), ["default", "gpu"]);
  const plan = stack.toPlan();
  assert.deepEqual(plan.resources.map((r) => r.id), ["dc1/c1", "dc1/c1/cp", "dc1/c1/default", "dc1/c1/endpoint", "dc1/c1/gpu", "dc1/pc"]);
  const cluster = plan.resources.find((r) => r.id === "dc1/c1");
  assert.deepEqual(cluster?.dependsOn, ["dc1/c1/cp", "dc1/c1/default", "dc1/c1/endpoint", "dc1/c1/gpu", "dc1/pc"]);
  assert.deepEqual(cluster?.spec, {
    account: "dc1/pc", name: "c1", kubernetesVersion: "1.30.5", endpoint: "dc1/c1/endpoint", controlPlane: "dc1/c1/cp",
    workers: ["dc1/c1/default", "dc1/c1/gpu"], podCidr: "172.20.0.0/16", serviceCidr: "172.19.0.0/16",
    cni: { plugin: "calico", version: "3.30.0" },
  });
  const ep = plan.resources.find((r) => r.id === "dc1/c1/endpoint");
  assert.deepEqual(ep?.dependsOn, ["dc1/pc"]);
  assert.deepEqual(ep?.spec, {
    account: "dc1/pc", clusterName: "c1", address: "10.20.0.10", port: 6443, mode: "arp",
    leaderElection: { leaseDurationSeconds: 15, renewDeadlineSeconds: 10, retryPeriodSeconds: 2 }, loadBalancer: false,
    subnet: { name: "vm-net-20" }, peCluster: { name: "PE-1" },
  });
  const cp = plan.resources.find((r) => r.id === "dc1/c1/cp");
  assert.deepEqual(cp?.dependsOn, ["dc1/c1/endpoint", "dc1/pc"]);
  assert.equal((cp?.spec as { role: string }).role, "control-plane");
  assert.equal((cp?.spec as { name: string }).name, "cp");
});

test("account: port 9440 by default; the spec holds only references", () => {
  const { stack } = stackWithAccount();
  const pc = stack.toPlan().resources.find((r) => r.kind === "PrismCentralAccount");
  assert.deepEqual(pc?.spec, { endpoint: { host: "pc.example.com", port: 9440 }, credentials: { source: "env", usernameEnv: "NUTANIX_USERNAME", passwordEnv: "NUTANIX_PASSWORD" }, insecure: false });
});

test("fails with every props problem at once: construct path, field path, expected and given", () => {
  const { stack, pc } = stackWithAccount();
  const lines = validationLines(() => new NutanixCluster(stack, "bad", {
    account: pc,
    ...clusterProps({ name: "Bad_Name", kubernetesVersion: "1.30", endpoint: { address: "10.20.0.300" }, controlPlane: { replicas: 2, machine: { ...MACHINE, memoryGiB: 1 } } }),
  }));
  assert.deepEqual(lines.filter((l) => l.startsWith("dc1/bad: ")).length, lines.length);
  for (const re of [/^dc1\/bad: name: .*RFC 1123.*got "Bad_Name"/, /^dc1\/bad: kubernetesVersion: .*got "1\.30"/, /^dc1\/bad: endpoint\.address: expected an IPv4 address.*got "10\.20\.0\.300"/, /^dc1\/bad: controlPlane\.replicas: expected 1, 3 or 5.*got 2/, /^dc1\/bad: controlPlane\.machine\.memoryGiB: expected at least 2 GiB.*got 1 GiB/]) {
    assert.ok(lines.some((l) => re.test(l)), `${re} not in\n${lines.join("\n")}`);
  }
});

test("fails when a construct-typed prop is not a construct of the right kind", () => {
  const { stack, pc } = stackWithAccount();
  const c = addCluster(stack, pc, "c1");
  const lines = validationLines(() => new NutanixCluster(stack, "c2", { ...clusterProps({ name: "c2" }), account: c as unknown as PrismCentralAccount }));
  assert.deepEqual(lines, ['dc1/c2: account: expected a PrismCentralAccount construct, got NutanixCluster at "dc1/c1"']);
  const lines2 = validationLines(() => new NodePool(stack, "p", { cluster: "c1" as unknown as NutanixCluster, replicas: 1, machine: MACHINE }));
  assert.deepEqual(lines2, ['dc1/p: cluster: expected a NutanixCluster construct, got "c1"']);
});

test("fails on props that are not an object, and on unknown fields", () => {
  const { stack } = stackWithAccount();
  assert.deepEqual(validationLines(() => new PrismCentralAccount(stack, "x", null as never)), ["dc1/x: expected an object of props, got null"]);
  const lines = validationLines(() => new PrismCentralAccount(stack, "y", { endpoint: "pc", credentials: Credentials.fromEnv("U", "P"), pasword: "x" } as never));
  assert.deepEqual(lines, ["dc1/y: unknown field 'pasword' (check the spelling)"]);
});

test("a failed constructor leaves the tree as it was; the stack still synthesizes", () => {
  const { stack, pc } = stackWithAccount();
  addCluster(stack, pc, "c1");
  assert.throws(() => addCluster(stack, pc, "c2", { endpoint: { address: "nope" } }));
  assert.equal(stack.node.tryFindChild("c2"), undefined);
  assert.throws(() => new PrismCentralAccount(stack, "pc2", { endpoint: "http://pc", credentials: Credentials.fromEnv("U", "P") }));
  assert.equal(stack.node.tryFindChild("pc2"), undefined);
  assert.equal(stack.toPlan().resources.length, 5);
});

test("addNodePool: fails on reserved, repeated or invalid names and options", () => {
  const { stack, pc } = stackWithAccount();
  const c = addCluster(stack, pc, "c1");
  assert.deepEqual(validationLines(() => c.addNodePool("cp", { replicas: 1, machine: MACHINE })), ['dc1/c1: name: expected a worker pool name other than cp or endpoint, got "cp"']);
  assert.deepEqual(validationLines(() => c.addNodePool("default", { replicas: 1, machine: MACHINE })), ["dc1/c1: name: expected unique worker pool names, 'default' is used twice"]);
  assert.deepEqual(validationLines(() => c.addNodePool("w2", 3 as never)), ["dc1/c1/w2: expected an object of pool options, got 3"]);
  const lines = validationLines(() => c.addNodePool("GPU", { replicas: -1, machine: MACHINE }));
  assert.ok(lines.some((l) => /^dc1\/c1\/GPU: name: .*RFC 1123/.test(l)), lines.join("\n"));
  assert.ok(lines.some((l) => /^dc1\/c1\/GPU: replicas: expected replicas ≥ 0, got -1/.test(l)), lines.join("\n"));
  assert.equal(c.workers.length, 1);
});

test("a standalone NodePool joins its cluster's workers", () => {
  const { stack, pc } = stackWithAccount();
  const c = addCluster(stack, pc, "c1");
  new NodePool(stack, "extra", { cluster: c, replicas: 2, machine: MACHINE });
  const spec = stack.toPlan().resources.find((r) => r.id === "dc1/c1")?.spec as { workers: string[] };
  assert.deepEqual(spec.workers, ["dc1/c1/default", "dc1/extra"]);
});

test("constructs outside a NutanixStack fail with a ValidationError", async () => {
  const { App } = await import("cdktf");
  const app = new App({ outdir: path.join(tempDir(), "out") });
  assert.deepEqual(validationLines(() => new PrismCentralAccount(app, "pc", { endpoint: "pc", credentials: Credentials.fromEnv("U", "P") })), [
    "pc: expected to be created inside a NutanixStack (pass the stack, or a construct inside it, as scope)",
  ]);
});

test("kube-vip endpoint options reach the plan; bgp with a secret password reference", () => {
  const { stack, pc } = stackWithAccount();
  const props: Partial<NutanixClusterProps> = {
    endpoint: { address: "10.20.0.10", mode: "bgp", bgp: { routerId: "10.20.0.2", peers: [{ address: "10.20.0.1", asn: 65001, password: Secret.fromEnv("BGP_PW") }] }, loadBalancer: true },
  };
  const c = addCluster(stack, pc, "c1", props);
  assert.ok(KubeVipEndpoint.isKubeVipEndpoint(c.endpoint));
  const ep = stack.toPlan().resources.find((r) => r.id === "dc1/c1/endpoint")?.spec as Record<string, unknown>;
  assert.deepEqual(ep.bgp, { routerId: "10.20.0.2", localAsn: 65000, peers: [{ address: "10.20.0.1", asn: 65001, password: { source: "env", env: "BGP_PW" }, multihop: false }] });
  assert.equal(ep.loadBalancer, true);
});

test("NutanixStack: bad props fail with a ValidationError", async () => {
  const { App } = await import("cdktf");
  const app = new App({ outdir: path.join(tempDir(), "out") });
  assert.deepEqual(validationLines(() => new NutanixStack(app, "s", { handlerCommand: "" })), ['s: handlerCommand: expected a non-empty handler script path, got ""']);
  assert.equal(app.node.tryFindChild("s"), undefined);
});
