/**
 * The PrivateCloudGateway reconciler: nothing written while the host cluster is not ready (the test
 * seed's unowned `pcg-host-default-1` fails the default pool); the install bundle written on success
 * (expected files, 0755 install.sh, no secret values), byte-identical and zero API writes on re-apply;
 * the real free-address count from Prism Central; destroy removes the bundle and says what is left to
 * Palette; --check-reachability through a loopback CONNECT proxy and direct to loopback listeners,
 * refused against the emulator for anything not loopback. Only loopback is ever dialled (guarded).
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { App } from "cdktf";
import { Credentials, NutanixCluster, NutanixStack, PrismCentralAccount, PrivateCloudGateway, Secret } from "../../lib";
import { applyPlan, destroyPlan } from "../../lib/handler";
import { collectPlan } from "../../lib/stack/collect";
import { pcgInstallBundle } from "../../lib/pcg";
import type { Plan } from "../../lib/schema/plan";
import { SMALL_SEED, tempDir } from "../helpers/emulator";
import { withTarget } from "./fixtures";
import { assertLoopbackOnly, ConnectProxy, CountingListener, guardLoopback } from "./loopback";

before(() => guardLoopback());
after(() => assertLoopbackOnly());

const DEFAULT_SEED_PATH = path.join(__dirname, "..", "..", "lib", "emulator", "default-seed.json");
const SENTINELS = { user: "SENTINEL-user-5b1e", password: "SENTINEL-pass-93c7", apiKey: "SENTINEL-apikey-4f0d" };
const PCG = "t-pcg/pcg";

interface PcgPlanParams {
  paletteEndpoint?: string;
  pcEndpoint?: string;
  proxy?: { httpsProxy: string; noProxy: string[] };
}

/** A PCG on a 1 + 1 host cluster `pcg-host` (its worker pool is `default`, as in the example). */
function pcgPlan(p: PcgPlanParams = {}): Plan {
  const app = new App({ outdir: "/nonexistent-never-synthesized" });
  const stack = new NutanixStack(app, "t-pcg");
  const pc = new PrismCentralAccount(stack, "pc", { endpoint: p.pcEndpoint ?? "https://pc.dc1.example.com:9440", credentials: Credentials.fromEnv("NUTANIX_USERNAME", "NUTANIX_PASSWORD") });
  const machine = { vcpuSockets: 2, vcpusPerSocket: 2, memoryGiB: 4, systemDiskGiB: 60, image: "ubuntu-2204-kube-v1.30.5", cluster: "PE-1", subnets: ["vm-net-20"] };
  const host = new NutanixCluster(stack, "pcg-host", {
    account: pc, name: "pcg-host", kubernetesVersion: "1.30.5",
    endpoint: { address: "10.20.0.10" },
    controlPlane: { replicas: 1, machine },
    workers: [{ name: "default", replicas: 1, machine }],
    nodeNetwork: { cidr: "10.20.0.0/24", gateway: "10.20.0.1", ipPool: [{ start: "10.20.0.100", end: "10.20.0.199" }] },
  });
  new PrivateCloudGateway(stack, "pcg", {
    name: "t-pcg-gw", account: pc, hostCluster: host,
    palette: { apiKey: Secret.fromEnv("PALETTE_API_KEY"), project: "Default", ...(p.paletteEndpoint ? { endpoint: p.paletteEndpoint } : {}) },
    ...(p.proxy ? { proxy: p.proxy } : {}),
  });
  const { plan, issues } = collectPlan(stack);
  assert.deepEqual(issues, [], "the test plan is valid");
  return plan;
}

async function writePlan(plan: Plan): Promise<{ dir: string; file: string; bundle: string }> {
  const dir = await tempDir("npc-pcg-");
  const file = path.join(dir, "nutanix-plan.json");
  fs.writeFileSync(file, JSON.stringify(plan, null, 2));
  return { dir, file, bundle: path.join(dir, "pcg", "t-pcg-gw") };
}

function allText(dir: string): string {
  let out = "";
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out += fs.readFileSync(path.join(e.parentPath, e.name), "utf8");
  }
  return out;
}

test("host cluster not ready (unowned pcg-host-default-1): the PCG says why and writes nothing", { timeout: 60_000 }, async () => {
  await withTarget({}, async ({ h, base }) => {
    const plan = pcgPlan();
    const { file, bundle } = await writePlan(plan);
    const lines: string[] = [];
    const r = await applyPlan({ ...base, plan: file, env: { ...base.env, PALETTE_API_KEY: SENTINELS.apiKey }, log: (l) => lines.push(l) });
    assert.equal(r.exitCode, 1);
    const row = (id: string) => r.resources.find((x) => x.id === id)!;
    assert.equal(row("t-pcg/pcg-host/default").result, "failed");
    assert.equal(row(PCG).result, "skipped");
    assert.match(row(PCG).error ?? "", /^waiting for host cluster t-pcg\/pcg-host: t-pcg\/pcg-host\/default failed: .*pcg-host-default-1 is taken by VM .*; nothing written \(no install bundle\) until it is ready$/);
    assert.equal(fs.existsSync(bundle), false, "no bundle");
    assert.equal(fs.existsSync(path.dirname(bundle)), false, "no pcg/ directory");

    // The PCG alone (as Terraform's local-exec runs it): fails with the reason, zero API writes.
    const one = await applyPlan({ ...base, plan: file, resource: PCG });
    assert.equal(one.exitCode, 1);
    assert.equal(one.resources[0]!.result, "failed");
    assert.match(one.resources[0]!.error ?? "", /^waiting for host cluster t-pcg\/pcg-host: pool t-pcg\/pcg-host\/default has 0 of 1 VMs; nothing written/);
    assert.equal(one.api.writes, 0, "no API write");
    assert.equal(fs.existsSync(bundle), false);
    const cat = await h.raw("GET", "/api/nutanix/v3/categories/NpcPcg/t-pcg-gw");
    assert.equal(cat.status, 404, "no NpcPcg category value was created");
  });
});

test("host cluster ready: bundle written (files, 0755, no secrets), byte-identical re-apply with zero writes, destroy removes it", { timeout: 60_000 }, async () => {
  await withTarget({ seedPath: DEFAULT_SEED_PATH, users: [{ username: SENTINELS.user, password: SENTINELS.password }] }, async ({ base }) => {
    const env = { NUTANIX_USERNAME: SENTINELS.user, NUTANIX_PASSWORD: SENTINELS.password, PALETTE_API_KEY: SENTINELS.apiKey };
    const plan = pcgPlan();
    const { file, bundle } = await writePlan(plan);
    const lines: string[] = [];
    const r = await applyPlan({ ...base, env, plan: file, log: (l) => lines.push(l) });
    assert.equal(r.exitCode, 0, JSON.stringify(r.resources.filter((x) => x.result !== "ok")));
    const pcgRow = r.resources.find((x) => x.id === PCG)!;
    assert.match(pcgRow.detail ?? "", new RegExp(`install bundle written \\(4 file\\(s\\)\\) at ${bundle.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}`));
    assert.match(lines.join("\n"), /PCG rules: subnet vm-net-20: \d+ free addresses in its pool \+ 2 held by the host cluster's nodes/);
    const expected = pcgInstallBundle(plan, PCG).files;
    assert.deepEqual(fs.readdirSync(bundle).sort(), ["README.md", "cloud-account.yaml", "install.sh", "pcg.yaml"]);
    for (const f of expected) {
      assert.equal(fs.readFileSync(path.join(bundle, f.path), "utf8"), f.content, f.path);
      assert.equal(fs.statSync(path.join(bundle, f.path)).mode & 0o777, f.mode ?? 0o644, `${f.path} mode`);
    }
    assert.equal(fs.statSync(path.join(bundle, "install.sh")).mode & 0o777, 0o755);
    const text = allText(path.dirname(file));
    for (const s of Object.values(SENTINELS)) assert.ok(!text.includes(s), `secret ${s} is not in the output directory`);
    assert.ok(!JSON.stringify(r).includes(SENTINELS.password), "nor in the result");

    // Re-apply: zero API writes, files untouched.
    const mtimes = expected.map((f) => fs.statSync(path.join(bundle, f.path)).mtimeMs);
    const again = await applyPlan({ ...base, env, plan: file });
    assert.equal(again.exitCode, 0);
    assert.equal(again.api.writes, 0, "zero writes");
    assert.match(again.resources.find((x) => x.id === PCG)!.detail ?? "", /install bundle up to date at/);
    assert.deepEqual(expected.map((f) => fs.statSync(path.join(bundle, f.path)).mtimeMs), mtimes, "byte-identical, not rewritten");

    // A user's own file in the bundle directory survives destroy (with the directory).
    const d = await destroyPlan({ ...base, env, plan: file, resource: PCG });
    assert.equal(d.exitCode, 0);
    const detail = d.resources.find((x) => x.id === PCG)!.detail ?? "";
    assert.match(detail, /install bundle removed: .*pcg\/t-pcg-gw/);
    assert.match(detail, /left to Palette.*Cloud Accounts.*Private Cloud Gateways → t-pcg-gw → Delete/);
    assert.equal(fs.existsSync(bundle), false);
    assert.equal(fs.existsSync(path.dirname(bundle)), false, "the empty pcg/ directory goes too");

    // outputDir instead of the plan's directory; a Plan object without outputDir writes nothing.
    const out = await tempDir("npc-pcg-out-");
    const o = await applyPlan({ ...base, env, plan, outputDir: out });
    assert.equal(o.exitCode, 0);
    assert.ok(fs.existsSync(path.join(out, "pcg", "t-pcg-gw", "install.sh")));
    const n = await applyPlan({ ...base, env, plan });
    assert.match(n.resources.find((x) => x.id === PCG)!.detail ?? "", /install bundle not written \(no plan file and no outputDir\)/);
    const all = await destroyPlan({ ...base, env, plan, outputDir: out, yes: true });
    assert.equal(all.exitCode, 0);
    assert.equal(fs.existsSync(path.join(out, "pcg")), false, "destroy --yes removes the bundles too");
  });
});

test("PCG rules with the real free addresses from Prism Central: a pool too small in reality is reported", { timeout: 60_000 }, async () => {
  // Prism's pool has 3 addresses (the plan claims 100) and an unowned VM holds one: after the apply,
  // 0 free + 2 held by the nodes = 2 < 2 nodes + 1 for a repave.
  const seed = { ...SMALL_SEED, vms: [{ name: "other-vm", cluster: "PE-1", subnet: "vm-net-20" }] };
  await withTarget({ seed }, async ({ base }) => {
    const { file } = await writePlan(pcgPlan());
    const lines: string[] = [];
    const r = await applyPlan({ ...base, env: { ...base.env, PALETTE_API_KEY: "x" }, plan: file, log: (l) => lines.push(l) });
    assert.equal(r.exitCode, 0, "a rule warning does not fail the apply");
    assert.match(r.resources.find((x) => x.id === PCG)!.detail ?? "", /1 PCG rule warning\(s\)/);
    assert.match(lines.join("\n"), /PCG rules: subnet vm-net-20: 0 free addresses in its pool \+ 2 held by the host cluster's nodes/);
    assert.match(lines.join("\n"), /warning: PCG rule: t-pcg\/pcg-host: nodeNetwork\.ipPool: .*/);
  });
});

test("--check-reachability: Palette through a loopback CONNECT proxy, Prism Central direct; failures; refused against the emulator for non-loopback", { timeout: 60_000 }, async () => {
  const palette = new CountingListener();
  const pcListener = new CountingListener();
  const proxy = new ConnectProxy();
  await palette.start();
  await pcListener.start();
  await proxy.start();
  try {
    await withTarget({ seedPath: DEFAULT_SEED_PATH }, async ({ base }) => {
      const env = { ...base.env, PALETTE_API_KEY: "x" };
      const plan = pcgPlan({
        paletteEndpoint: `https://127.0.0.1:${palette.port}`,
        pcEndpoint: `https://localhost:${pcListener.port}`,
        proxy: { httpsProxy: proxy.url, noProxy: ["localhost", "10.20.0.10", "172.16.0.0/12", "192.168.0.0/16", "10.96.0.0/12", "10.244.0.0/16", "100.64.0.0/10"] },
      });
      const { file } = await writePlan(plan);
      const lines: string[] = [];
      const r = await applyPlan({ ...base, env, plan: file, checkReachability: true, log: (l) => lines.push(l) });
      assert.equal(r.exitCode, 0, JSON.stringify(r.resources.filter((x) => x.result !== "ok")));
      assert.match(r.resources.find((x) => x.id === PCG)!.detail ?? "", /Palette and Prism Central reachable/);
      assert.deepEqual(proxy.connects, [`127.0.0.1:${palette.port}`], "Palette through the proxy only");
      assert.ok(palette.accepted >= 1 && pcListener.accepted >= 1);
      const text = lines.join("\n");
      assert.match(text, new RegExp(`reachability: palette https://127\\.0\\.0\\.1:${palette.port}: reachable \\(proxy: connected to 127\\.0\\.0\\.1:${palette.port} through proxy 127\\.0\\.0\\.1:${proxy.port}\\)`));
      assert.match(text, new RegExp(`reachability: prism-central https://localhost:${pcListener.port}: reachable \\(direct:`));

      // Palette down: the PCG fails, naming it; the bundle is still there.
      await palette.stop();
      const down = await applyPlan({ ...base, env, plan: file, checkReachability: true });
      assert.equal(down.exitCode, 1);
      const err = down.resources.find((x) => x.id === PCG)!.error ?? "";
      assert.match(err, /reachability check failed:\n {2}- palette https:\/\/127\.0\.0\.1:\d+: NOT reachable \(proxy: proxy 127\.0\.0\.1:\d+ refused CONNECT/);
      assert.match(err, /the install bundle is at .*pcg\/t-pcg-gw/);
      assert.equal(down.api.writes, 0);
    });

    // The default Palette endpoint (api.spectrocloud.com) and pc.dc1.example.com against the emulator:
    // refused, nothing dialled, even with allowExternalProbes.
    await withTarget({ seedPath: DEFAULT_SEED_PATH }, async ({ base }) => {
      const { file } = await writePlan(pcgPlan());
      const r = await applyPlan({ ...base, env: { ...base.env, PALETTE_API_KEY: "x" }, plan: file, checkReachability: true, allowExternalProbes: true });
      assert.equal(r.exitCode, 1);
      assert.match(r.resources.find((x) => x.id === PCG)!.error ?? "", /reachability check refused: the target is the Prism Central emulator and api\.spectrocloud\.com, pc\.dc1\.example\.com are not loopback; nothing was dialled/);
    });
  } finally {
    await pcListener.stop();
    await proxy.stop();
    await palette.stop().catch(() => undefined);
  }
});
