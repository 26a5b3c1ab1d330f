/**
 * End to end: the pcg-on-nutanix example synthesized for real and applied through Terraform's path
 * (test/helpers/terraform.ts runs the synthesized local-exec commands as child processes) against the
 * emulator with the shipped default seed (no colliding VM). Issue 6: the control-plane VMs carry
 * cloud-init user data — `#cloud-config`, the kube-vip static pod with the cluster's VIP, `kubeadm init`
 * on the first node and control-plane joins on the others — and the workers a JoinConfiguration without
 * controlPlane. Issue 7: every resource converges, the PCG's install bundle is in the stack directory, a
 * no-op re-apply makes zero writes (and leaves the bundle byte-identical), destroy removes the VMs and
 * the bundle. No secret of the environment (sentinels for NUTANIX_USERNAME / NUTANIX_PASSWORD /
 * PALETTE_API_KEY) appears anywhere under the synth output directory.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse, parseAllDocuments } from "yaml";
import type { Counters } from "../../lib/emulator";
import { applyPlan } from "../../lib/handler";
import type { VmEntity } from "../../lib/prism/types";
import { buildApp as buildPcg } from "../../examples/pcg-on-nutanix/main";
import { tempDir, withEmulator, type EmulatorHarness } from "../helpers/emulator";
import { terraformApply, terraformDestroy, type TfResult } from "../helpers/terraform";

const DEFAULT_SEED_PATH = path.join(__dirname, "..", "..", "lib", "emulator", "default-seed.json");
const SENTINELS = { NUTANIX_USERNAME: "SENTINEL-user-e2e-71a2", NUTANIX_PASSWORD: "SENTINEL-pass-e2e-0c9f", PALETTE_API_KEY: "SENTINEL-apikey-e2e-d3b8" };
const VIP = "10.20.0.10";

async function stackVms(h: EmulatorHarness): Promise<VmEntity[]> {
  const c = h.client();
  try {
    return (await c.listVms()).filter((v) => v.metadata.categories?.NpcStack === "dc1");
  } finally {
    c.close();
  }
}

function failures(r: TfResult): string {
  return r.steps.filter((s) => s.code !== 0).map((s) => `${s.resource} ${s.phase} exit ${s.code}:\n${s.stderr}`).join("\n");
}

function userDataOf(vm: VmEntity): string {
  const b64 = (vm.spec.resources as { guest_customization?: { cloud_init?: { user_data?: string } } }).guest_customization?.cloud_init?.user_data;
  assert.ok(b64, `${vm.spec.name} has cloud-init user data`);
  return Buffer.from(b64, "base64").toString("utf8");
}

interface CloudConfig {
  write_files: Array<{ path: string; content: string }>;
  runcmd: string[];
}

/** The kubeadm documents and the kube-vip pod (if any) of a node's user data. */
function nodeOf(ud: string): { kubeadm: Array<Record<string, unknown>>; kubeVip?: Record<string, unknown>; runcmd: string[] } {
  assert.ok(ud.startsWith("#cloud-config\n"), "starts with #cloud-config");
  const cc = parse(ud) as CloudConfig;
  const kv = cc.write_files.find((f) => f.path === "/etc/kubernetes/manifests/kube-vip.yaml");
  const kubeadmFile = cc.write_files.find((f) => f.path.startsWith("/run/kubeadm/"));
  assert.ok(kubeadmFile, "a kubeadm config file");
  return {
    kubeadm: parseAllDocuments(kubeadmFile.content).map((d) => d.toJS() as Record<string, unknown>),
    ...(kv ? { kubeVip: parse(kv.content) as Record<string, unknown> } : {}),
    runcmd: cc.runcmd,
  };
}

function vipEnv(pod: Record<string, unknown>): Record<string, string> {
  const c = (pod.spec as { containers: Array<{ env: Array<{ name: string; value?: string }> }> }).containers[0]!;
  return Object.fromEntries(c.env.map((e) => [e.name, e.value ?? ""]));
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

test("pcg-on-nutanix through Terraform's path on the default seed: user data, bundle, no secrets, zero-write re-apply, destroy", { timeout: 120_000 }, async () => {
  await withEmulator({ taskMs: 100, seedPath: DEFAULT_SEED_PATH, users: [{ username: SENTINELS.NUTANIX_USERNAME, password: SENTINELS.NUTANIX_PASSWORD }] }, async (h) => {
    const out = await tempDir("npc-e2e-pcg-");
    // Synthesize with the secrets in this process's environment: none of them may reach the output.
    const saved = { ...process.env };
    Object.assign(process.env, SENTINELS);
    let stackDir: string;
    try {
      const p = buildPcg(out);
      p.app.synth();
      stackDir = path.join(out, "stacks", p.stack.node.id);
    } finally {
      for (const k of Object.keys(SENTINELS)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
    }
    const env = { NUTANIX_ENDPOINT: h.emu.url, ...SENTINELS };

    // 1. Apply: every resource converges.
    let r = await terraformApply({ stackDir, env });
    assert.ok(r.ok, failures(r));
    for (const [name, action] of Object.entries(r.actions)) assert.equal(action, "created", name);
    const vms = await stackVms(h);
    assert.deepEqual(vms.map((v) => v.spec.name).sort(), ["pcg-host-cp-1", "pcg-host-cp-2", "pcg-host-cp-3", "pcg-host-default-1", "pcg-host-default-2", "pcg-host-gpu-1"]);

    // 2. User data (issue 6).
    const byName = new Map(vms.map((v) => [v.spec.name, nodeOf(userDataOf(v))]));
    const cps = ["pcg-host-cp-1", "pcg-host-cp-2", "pcg-host-cp-3"].map((n) => [n, byName.get(n)!] as const);
    for (const [name, n] of cps) {
      assert.ok(n.kubeVip, `${name} carries the kube-vip static pod`);
      assert.equal(n.kubeVip.kind, "Pod");
      const e = vipEnv(n.kubeVip);
      assert.equal(e.address, VIP, `${name}: kube-vip address`);
      assert.equal(e.port, "6443");
      assert.equal(e.cp_enable, "true");
    }
    const inits = cps.filter(([, n]) => n.runcmd.some((c) => c.includes("kubeadm init")));
    assert.deepEqual(inits.map(([name]) => name), ["pcg-host-cp-1"], "exactly the first control-plane node runs kubeadm init");
    const init = inits[0]![1];
    const cc = init.kubeadm.find((d) => d.kind === "ClusterConfiguration")!;
    assert.equal(cc.controlPlaneEndpoint, `${VIP}:6443`);
    assert.ok(init.kubeadm.some((d) => d.kind === "InitConfiguration"));
    for (const [name, n] of cps.filter(([nm]) => nm !== "pcg-host-cp-1")) {
      assert.ok(n.runcmd.some((c) => /kubeadm join --config/.test(c)), `${name} joins`);
      const join = n.kubeadm.find((d) => d.kind === "JoinConfiguration") as { controlPlane?: { certificateKey?: string }; discovery: { bootstrapToken: { apiServerEndpoint: string } } };
      // The handler owns the PKI (issue 14, item 1): a control-plane join carries `controlPlane` and no certificate key.
      assert.ok(join.controlPlane && join.controlPlane.certificateKey === undefined, `${name} joins as control plane`);
      assert.equal(join.discovery.bootstrapToken.apiServerEndpoint, `${VIP}:6443`);
    }
    for (const name of ["pcg-host-default-1", "pcg-host-default-2", "pcg-host-gpu-1"]) {
      const n = byName.get(name)!;
      assert.equal(n.kubeVip, undefined, `${name}: no kube-vip on a worker`);
      const join = n.kubeadm.find((d) => d.kind === "JoinConfiguration") as { controlPlane?: unknown; discovery: { bootstrapToken: { apiServerEndpoint: string } } } | undefined;
      assert.ok(join, `${name} carries a JoinConfiguration`);
      assert.equal(join.controlPlane, undefined, `${name} joins as a worker`);
      assert.equal(join.discovery.bootstrapToken.apiServerEndpoint, `${VIP}:6443`);
      assert.ok(!n.runcmd.some((c) => c.includes("kubeadm init")));
    }
    for (const v of vms) for (const s of Object.values(SENTINELS)) assert.ok(!userDataOf(v).includes(s), `${v.spec.name}: no secret in the user data`);

    // 3. The install bundle (issue 7) in the stack directory.
    const bundle = path.join(stackDir, "pcg", "dc1-pcg");
    assert.deepEqual(fs.readdirSync(bundle).sort(), ["README.md", "cloud-account.yaml", "install.sh", "pcg.yaml"]);
    assert.equal(fs.statSync(path.join(bundle, "install.sh")).mode & 0o777, 0o755);
    const pcgStep = r.steps.find((s) => s.resource === "pcg")!;
    assert.match(pcgStep.stderr, /install bundle written \(4 file\(s\)\): .*pcg\/dc1-pcg/);

    // 4. No secret anywhere under the synth output (plan, cdk.tf.json, manifests, bundle, runner state).
    for (const f of filesUnder(out)) {
      const text = fs.readFileSync(f, "utf8");
      for (const s of Object.values(SENTINELS)) assert.ok(!text.includes(s), `${path.relative(out, f)} contains a secret`);
    }

    // 5. No-op re-apply: Terraform runs nothing; the handler run on the whole plan writes nothing; the bundle is untouched.
    const mtimes = fs.readdirSync(bundle).map((f) => fs.statSync(path.join(bundle, f)).mtimeMs);
    const c0 = await h.admin<Counters>("GET", "/counters");
    r = await terraformApply({ stackDir, env });
    assert.ok(r.ok);
    assert.equal(r.steps.length, 0);
    const whole = await applyPlan({ plan: path.join(stackDir, "nutanix-plan.json"), endpoint: h.emu.url, env, retries: { maxAttempts: 6, baseDelayMs: 5, maxDelayMs: 50 } });
    assert.equal(whole.exitCode, 0);
    assert.equal(whole.api.writes, 0, JSON.stringify(whole.resources.filter((x) => x.action !== "no-change").map((x) => x.diff?.vms)));
    assert.equal((await h.admin<Counters>("GET", "/counters")).writes, c0.writes, "zero writes");
    assert.deepEqual(fs.readdirSync(bundle).map((f) => fs.statSync(path.join(bundle, f)).mtimeMs), mtimes, "bundle byte-identical, not rewritten");

    // 6. Destroy: VMs and bundle gone; Palette's records are left to Palette, and it says so.
    r = await terraformDestroy({ stackDir, env });
    assert.ok(r.ok, failures(r));
    assert.deepEqual(await stackVms(h), []);
    assert.equal(fs.existsSync(bundle), false, "bundle removed");
    const d = r.steps.find((s) => s.resource === "pcg" && s.phase === "destroy")!;
    assert.match(d.stderr, /install bundle removed: .*pcg\/dc1-pcg/);
    assert.match(d.stderr, /left to Palette/);
    const legacy = (await h.client().listVms()).filter((v) => v.spec.name === "legacy-db-01");
    assert.equal(legacy.length, 1, "the unowned seed VM survives");
  });
});
