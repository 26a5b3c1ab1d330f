/**
 * A NutanixCluster with `palette: { gateway, profile }`: one PaletteCluster resource that carries its
 * endpoint and pools (no NodePool or KubeVipEndpoint resource for the handler to build VMs from), its
 * dependencies, the prop checks, and the synth rules (same account and stack as the gateway; names,
 * VIPs and host names across both kinds of cluster).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { NutanixCluster, PaletteAccount, PlanTemplate, PrismCentralAccount, PrivateCloudGateway, Credentials, Secret, ValidationError } from "../../lib";
import { MACHINE, addCluster, addGateway, listFiles, stackWithAccount, tempApp, validationLines } from "../helpers/nutanix-fixtures";
import { addPaletteCluster, paletteClusterProps, paletteStack } from "../helpers/palette-fixtures";
import { NutanixStack } from "../../lib";

const machineSpec = {
  vcpuSockets: 2, vcpusPerSocket: 2, memoryMiB: 8192, systemDiskMiB: 60 * 1024, bootType: "legacy",
  image: { name: "ubuntu-2204-kube-v1.30.5" }, cluster: { name: "PE-1" }, subnets: [{ name: "vm-net-20" }], additionalCategories: {}, gpus: [],
};

test("palette cluster: one PaletteCluster resource with its endpoint, 3 control-plane nodes and two worker pools; no NodePool or endpoint of its own", () => {
  const s = paletteStack();
  const web = addPaletteCluster(s);
  assert.equal(web.provisioning, "palette");
  assert.equal(s.host.provisioning, "direct");
  const t = PlanTemplate.fromStack(s.stack);
  t.resourceCountIs("PaletteCluster", 1);
  t.resourceCountIs("NutanixCluster", 1);
  assert.deepEqual(t.findResources("NodePool").map((r) => r.id), ["dc1/pcg-host/cp", "dc1/pcg-host/default"]);
  assert.deepEqual(t.findResources("KubeVipEndpoint").map((r) => r.id), ["dc1/pcg-host/endpoint"]);
  const r = t.getResource("dc1/web");
  assert.equal(r.kind, "PaletteCluster");
  assert.deepEqual(r.dependsOn, ["dc1/palette", "dc1/pc", "dc1/pcg"]);
  assert.deepEqual(r.spec, {
    account: "dc1/pc",
    paletteAccount: "dc1/palette",
    gateway: "dc1/pcg",
    profile: { name: "nutanix-k8s-1.30" },
    name: "web",
    kubernetesVersion: "1.30.5",
    endpoint: {
      address: "10.20.0.20", port: 6443, mode: "arp", loadBalancer: false,
      leaderElection: { leaseDurationSeconds: 15, renewDeadlineSeconds: 10, retryPeriodSeconds: 2 },
      subnet: { name: "vm-net-20" }, peCluster: { name: "PE-1" },
    },
    controlPlane: { name: "cp", replicas: 3, machine: machineSpec, labels: {}, taints: [] },
    controlPlaneAsWorker: false,
    workers: [
      { name: "big", replicas: 1, machine: { ...machineSpec, vcpusPerSocket: 4, memoryMiB: 16384 }, labels: {}, taints: [] },
      { name: "general", replicas: 2, machine: machineSpec, labels: {}, taints: [] },
    ],
    podCidr: "172.20.0.0/16",
    serviceCidr: "172.19.0.0/16",
  });
});

test("palette cluster: addNodePool, a pinned profile version, controlPlaneAsWorker and autoscaling reach the spec", () => {
  const s = paletteStack();
  const web = addPaletteCluster(s, "web", { palette: { gateway: s.pcg, profile: { name: "nutanix-k8s", version: "1.2.0" }, controlPlaneAsWorker: true } });
  web.addNodePool("gpu", { replicas: 1, autoscaling: { minReplicas: 1, maxReplicas: 4 }, machine: { ...MACHINE, gpus: [{ name: "Tesla T4" }] }, labels: { gpu: "t4" } });
  const t = PlanTemplate.fromStack(s.stack);
  t.hasResource("PaletteCluster", { profile: { name: "nutanix-k8s", version: "1.2.0" }, controlPlaneAsWorker: true });
  const spec = t.findResources("PaletteCluster")[0]!.spec;
  assert.deepEqual(spec.workers.map((w) => w.name), ["big", "general", "gpu"]);
  assert.deepEqual(spec.workers[2], { name: "gpu", replicas: 1, autoscaling: { minReplicas: 1, maxReplicas: 4 }, machine: { ...machineSpec, gpus: [{ name: "Tesla T4" }] }, labels: { gpu: "t4" }, taints: [] });
  t.resourceCountIs("NodePool", 2);
});

test("palette cluster: an explicit palette.account equal to the gateway's is accepted; a dependency on one of its pools is a dependency on the cluster", () => {
  const s = paletteStack();
  const web = addPaletteCluster(s, "web", { palette: { gateway: s.pcg, profile: "p", account: s.palette } });
  const other = addCluster(s.stack, s.pc, "other", { endpoint: { address: "10.20.0.30" } });
  other.node.addDependency(web.controlPlane);
  web.workers[0]!.node.addDependency(s.host);
  const t = PlanTemplate.fromStack(s.stack);
  assert.deepEqual(t.getResource("dc1/other").dependsOn, ["dc1/other/cp", "dc1/other/default", "dc1/other/endpoint", "dc1/pc", "dc1/web"]);
  assert.deepEqual(t.getResource("dc1/web").dependsOn, ["dc1/palette", "dc1/pc", "dc1/pcg", "dc1/pcg-host"]);
});

test("palette cluster: synth writes no CAPX manifest for it; toCapxManifests says why", () => {
  const { app, outdir } = tempApp();
  const { stack, pc } = stackWithAccount("dc1", app);
  const palette = new PaletteAccount(stack, "palette", { apiKey: Secret.fromEnv("PALETTE_API_KEY") });
  const host = addCluster(stack, pc, "pcg-host", { endpoint: { address: "10.20.0.10" } });
  const pcg = new PrivateCloudGateway(stack, "pcg", { name: "pcg", account: pc, hostCluster: host, palette });
  const web = new NutanixCluster(stack, "web", paletteClusterProps({ pc, pcg }));
  app.synth();
  const files = listFiles(outdir);
  assert.ok(files.some((f) => f.endsWith("manifests/pcg-host.yaml")), files.join(", "));
  assert.ok(!files.some((f) => f.endsWith("manifests/web.yaml")), files.join(", "));
  const plan = JSON.parse(fs.readFileSync(path.join(outdir, files.find((f) => f.endsWith("nutanix-plan.json"))!), "utf8")) as { resources: { kind: string }[] };
  assert.deepEqual(plan.resources.map((r) => r.kind).sort(), ["KubeVipEndpoint", "NodePool", "NodePool", "NutanixCluster", "PaletteAccount", "PaletteCluster", "PrismCentralAccount", "PrivateCloudGateway"]);
  assert.throws(() => web.toCapxManifests(), /dc1\/web: palette: expected a cluster the handler builds directly/);
});

test("palette cluster: bad palette props are named by field, together with the cluster's other problems", () => {
  const s = paletteStack();
  const lines = validationLines(() => new NutanixCluster(s.stack, "bad", { ...paletteClusterProps(s), name: "Bad_Name", palette: { gateway: s.host as never, profile: "", extra: 1 } as never }));
  assert.match(lines.join("\n"), /dc1\/bad: name: expected a lowercase RFC 1123 label/);
  assert.match(lines.join("\n"), /dc1\/bad: palette\.gateway: expected a PrivateCloudGateway construct, got NutanixCluster at "dc1\/pcg-host"/);
  assert.match(lines.join("\n"), /dc1\/bad: palette\.profile: expected a cluster profile name/);
  assert.match(lines.join("\n"), /dc1\/bad: palette: unknown field 'extra'/);
  assert.equal(s.stack.node.tryFindChild("bad"), undefined);
  assert.deepEqual(validationLines(() => new NutanixCluster(s.stack, "b2", { ...paletteClusterProps(s), palette: "pcg" as never })), [
    'dc1/b2: palette: expected { gateway: <PrivateCloudGateway>, profile: "<cluster profile name>" }, got "pcg"',
  ]);
  assert.match(validationLines(() => new NutanixCluster(s.stack, "b3", { ...paletteClusterProps(s), palette: { gateway: s.pcg, profile: "p", account: s.pc as never } })).join("\n"), /dc1\/b3: palette\.account: expected a PaletteAccount construct, got PrismCentralAccount at "dc1\/pc"/);
});

test("palette cluster: a gateway with inline Palette settings and no palette.account is refused with what to do", () => {
  const { stack, pc } = stackWithAccount();
  const pcg = addGateway(stack, pc, addCluster(stack, pc, "host"));
  assert.deepEqual(validationLines(() => new NutanixCluster(stack, "web", paletteClusterProps({ pc, pcg }))), [
    "dc1/web: palette.account: expected a PaletteAccount: gateway dc1/pcg has inline Palette settings, so build it with palette: <PaletteAccount> (or set palette.account to the account it registers with)",
  ]);
});

test("palette cluster: the existing cluster rules still apply (VIP in the node subnet, control-plane quorum, machine sizes, pool names)", () => {
  const s = paletteStack();
  const lines = validationLines(() => addPaletteCluster(s, "web", {
    endpoint: { address: "10.30.0.5" },
    nodeNetwork: { cidr: "10.20.0.0/24" },
    controlPlane: { replicas: 2, machine: { ...MACHINE, memoryGiB: 1 } },
    workers: [{ name: "cp", replicas: 1, machine: MACHINE }],
  }));
  const text = lines.join("\n");
  assert.match(text, /dc1\/web: endpoint\.address: expected the kube-vip address 10\.30\.0\.5 inside the node subnet 10\.20\.0\.0\/24/);
  assert.match(text, /dc1\/web: controlPlane\.replicas: expected 1, 3 or 5 control-plane replicas/);
  assert.match(text, /dc1\/web: controlPlane\.machine\.memoryGiB: expected at least 2 GiB of memory/);
  assert.match(text, /dc1\/web: workers\[0\]\.name: expected a worker pool name other than cp or endpoint/);
});

test("palette cluster at synth: the gateway's PaletteAccount and Prism Central account must be the cluster's", () => {
  const s = paletteStack();
  const other = new PaletteAccount(s.stack, "palette-2", { endpoint: "https://palette.example.com", apiKey: Secret.fromEnv("K2") });
  const pc2 = new PrismCentralAccount(s.stack, "pc2", { endpoint: "pc2.example.com", credentials: Credentials.fromEnv("U", "P") });
  addPaletteCluster(s, "web", { account: pc2, palette: { gateway: s.pcg, profile: "p", account: other } });
  assert.throws(() => s.stack.toPlan(), (e: unknown) => {
    assert.ok(e instanceof ValidationError);
    const text = e.issues.map((i) => `${i.path}: ${i.field}: ${i.message}`).join("\n");
    assert.match(text, /dc1\/web: account: expected the account of gateway dc1\/pcg, dc1\/pc, got dc1\/pc2: Palette builds the cluster's VMs in the Prism Central its gateway's cloud account names/);
    assert.match(text, /dc1\/web: paletteAccount: expected the PaletteAccount of gateway dc1\/pcg, got dc1\/palette-2: the gateway registers with dc1\/palette/);
    return true;
  });
});

test("palette cluster at synth: names and VIPs are unique across direct and Palette clusters of an account; host names stay ≤ 63", () => {
  const s = paletteStack();
  new NutanixCluster(s.stack, "dup", paletteClusterProps(s, { name: "pcg-host", endpoint: { address: "10.20.0.10" } }));
  const long = "a".repeat(55);
  addPaletteCluster(s, "long", { name: long, endpoint: { address: "10.20.0.21" }, workers: [{ name: "general", replicas: 2, machine: MACHINE }] });
  assert.throws(() => s.stack.toPlan(), (e: unknown) => {
    assert.ok(e instanceof ValidationError);
    const text = e.issues.map((i) => `${i.path}: ${i.field}: ${i.message}`).join("\n");
    assert.match(text, /dc1\/dup: name: expected cluster names unique per account, 'pcg-host' is also used by dc1\/pcg-host in account dc1\/pc/);
    assert.match(text, /dc1\/dup: endpoint\.address: expected a kube-vip address used by one cluster only, 10\.20\.0\.10 is also claimed by dc1\/pcg-host\/endpoint/);
    assert.match(text, new RegExp(`dc1/long: workers.general: expected VM host names <cluster>-<pool>-<n> of at most 63 characters, got 65 in '${long}-general-2'`));
    return true;
  });
});

test("palette cluster at synth: a gateway of another stack is reported", () => {
  const a = paletteStack("dc1");
  const { stack, pc } = stackWithAccount("dc2");
  new NutanixCluster(stack, "web", paletteClusterProps({ pc, pcg: a.pcg }));
  assert.throws(() => stack.toPlan(), /dc2\/web: expected PrivateCloudGateway dc1\/pcg in this stack "dc2", but it belongs to stack "dc1"/);
  assert.ok(NutanixStack.isStack(stack));
});

test("PrivateCloudGateway: a host cluster through Palette is refused (Palette: the host cluster must not be managed by Palette)", () => {
  const s = paletteStack();
  const web = addPaletteCluster(s);
  assert.match(validationLines(() => new PrivateCloudGateway(s.stack, "pcg2", { name: "pcg2", account: s.pc, hostCluster: web, palette: s.palette })).join("\n"), /dc1\/pcg2: hostCluster: expected a cluster the handler builds directly, got dc1\/web, a cluster through Palette/);
});
