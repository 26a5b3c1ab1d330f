/**
 * The examples: assertions with the testing helpers, a snapshot of each plan, two synths give identical
 * bytes, and no secret from the environment reaches the output.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { PlanTemplate } from "../../lib";
import { stableStringify } from "../../lib/plan";
import { buildApp as buildPcg } from "../../examples/pcg-on-nutanix/main";
import { buildApp as buildWorkloads } from "../../examples/workload-clusters/main";
import { buildApp as buildPalette } from "../../examples/palette-clusters/main";
import { listFiles, tempDir } from "../helpers/nutanix-fixtures";
import { matchSnapshot } from "../helpers/snapshot";

const EXAMPLES = { "pcg-on-nutanix": buildPcg, "workload-clusters": buildWorkloads, "palette-clusters": buildPalette } as const;
const SENTINELS = { NUTANIX_USERNAME: "sentinel-user-0c1d", NUTANIX_PASSWORD: "sentinel-pass-9e8f", PALETTE_API_KEY: "sentinel-key-5a6b" };

/** Synthesizes into `<base>/<name>/out`, so two runs have paths of one shape (the handler path is relative). */
function synth(name: keyof typeof EXAMPLES, base: string): string {
  const outdir = path.join(base, "out");
  fs.mkdirSync(outdir, { recursive: true });
  EXAMPLES[name](outdir).app.synth();
  return outdir;
}

test("pcg-on-nutanix: account, 3 + 2 (+ gpu) host cluster with kube-vip, PCG", () => {
  const t = PlanTemplate.fromStack(buildPcg(tempDir()).stack);
  t.resourceCountIs("PrismCentralAccount", 1);
  t.hasResource("PrismCentralAccount", { endpoint: { host: "pc.dc1.example.com", port: 9440 }, credentials: { source: "env", usernameEnv: "NUTANIX_USERNAME", passwordEnv: "NUTANIX_PASSWORD" } });
  t.hasResource("NutanixCluster", { name: "pcg-host", kubernetesVersion: "1.30.5", workers: ["dc1/pcg-host/default", "dc1/pcg-host/gpu"], nodeNetwork: { cidr: "10.20.0.0/24" } });
  t.hasResource("KubeVipEndpoint", { address: "10.20.0.10", port: 6443, mode: "arp", subnet: { name: "vm-net-20" }, peCluster: { name: "PE-1" } });
  t.hasResource("NodePool", { name: "cp", role: "control-plane", replicas: 3 });
  t.hasResource("NodePool", { name: "default", role: "worker", replicas: 2, machine: { image: { name: "ubuntu-2204-kube-v1.30.5" } } });
  t.hasResource("NodePool", { name: "gpu", replicas: 1, machine: { gpus: [{ name: "Tesla T4" }] } });
  t.hasResource("PrivateCloudGateway", { name: "dc1-pcg", account: "dc1/pc", hostCluster: "dc1/pcg-host", palette: { apiKey: { source: "env", env: "PALETTE_API_KEY" }, project: "Default" } });
  assert.deepEqual(t.getResource("dc1/pcg").dependsOn, ["dc1/pc", "dc1/pcg-host"]);
});

test("workload-clusters: two clusters on two PE clusters, a GPU pool", () => {
  const t = PlanTemplate.fromStack(buildWorkloads(tempDir()).stack);
  t.resourceCountIs("NutanixCluster", 2);
  t.hasResource("KubeVipEndpoint", { clusterName: "web", peCluster: { name: "PE-1" }, subnet: { name: "vm-net-20" } });
  t.hasResource("KubeVipEndpoint", { clusterName: "ml", peCluster: { name: "PE-2" }, subnet: { name: "vm-net-30" } });
  t.hasResource("NodePool", { clusterName: "ml", name: "gpu", machine: { gpus: [{ name: "Tesla T4" }], cluster: { name: "PE-2" } }, taints: [{ key: "nvidia.com/gpu", effect: "NoSchedule" }] });
  t.hasResource("NodePool", { clusterName: "web", name: "default", autoscaling: { minReplicas: 2, maxReplicas: 6 } });
});

test("palette-clusters: a PCG on a direct host cluster, a workload cluster through Palette with 3 control-plane nodes and two worker pools", () => {
  const t = PlanTemplate.fromStack(buildPalette(tempDir()).stack);
  t.resourceCountIs("PaletteAccount", 1);
  t.hasResource("PaletteAccount", { endpoint: "https://api.spectrocloud.com", project: "Default", apiKey: { source: "env", env: "PALETTE_API_KEY" } });
  t.hasResource("PrivateCloudGateway", { name: "dc1-pcg", hostCluster: "dc1/pcg-host", paletteAccount: "dc1/palette" });
  t.resourceCountIs("NutanixCluster", 1);
  t.resourceCountIs("PaletteCluster", 1);
  t.hasResource("PaletteCluster", { name: "web", gateway: "dc1/pcg", paletteAccount: "dc1/palette", account: "dc1/pc", profile: { name: "nutanix-k8s-1.30" }, controlPlane: { replicas: 3 }, endpoint: { address: "10.20.0.20" } });
  const web = t.findResources("PaletteCluster")[0]!;
  assert.deepEqual(web.spec.workers.map((w) => [w.name, w.replicas, w.machine.memoryMiB]), [["general", 3, 8192], ["memory", 2, 32768]]);
  assert.deepEqual(web.dependsOn, ["dc1/palette", "dc1/pc", "dc1/pcg"]);
  assert.ok(t.findResources("NodePool").every((p) => p.spec.cluster === "dc1/pcg-host"), "only the host cluster has node pools");
});

for (const name of Object.keys(EXAMPLES) as (keyof typeof EXAMPLES)[]) {
  test(`${name}: plan snapshot`, () => {
    matchSnapshot(`examples/${name}.plan.json`, stableStringify(EXAMPLES[name](tempDir()).stack.toPlan()));
  });

  test(`${name}: two synths are byte-identical and hold no secret from the environment`, () => {
    const saved = { ...process.env };
    Object.assign(process.env, SENTINELS);
    try {
      const base = tempDir();
      const a = synth(name, path.join(base, "a"));
      const b = synth(name, path.join(base, "b"));
      const files = listFiles(a);
      assert.deepEqual(files, listFiles(b));
      assert.ok(files.some((f) => f.endsWith("cdk.tf.json")) && files.some((f) => f.endsWith("nutanix-plan.json")), files.join(", "));
      for (const f of files) {
        const text = fs.readFileSync(path.join(a, f), "utf8");
        assert.equal(text, fs.readFileSync(path.join(b, f), "utf8"), `${f} differs between two synths`);
        for (const secret of Object.values(SENTINELS)) assert.ok(!text.includes(secret), `${f} contains a secret value`);
      }
    } finally {
      for (const k of Object.keys(SENTINELS)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
    }
  });
}
