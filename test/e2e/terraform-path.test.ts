/**
 * End to end through Terraform's path: synthesize a real cdktf app, then let the Terraform-path runner
 * run the synthesized local-exec provisioners (real `node bin/nutanix-handler.js` child processes, cwd =
 * the stack directory, environment from self.triggers) against the emulator: first apply, no-op
 * re-apply (zero writes), scale up, in-place resize, rolling image change, removal of a pool, full
 * destroy. And the two examples: workload-clusters converges; pcg-on-nutanix fails only for the pool
 * whose first VM name is taken by an unowned VM, which survives.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import type { Counters } from "../../lib/emulator";
import { withEmulator, tempDir, type EmulatorHarness } from "../helpers/emulator";
import { terraformApply, terraformDestroy, type TfResult } from "../helpers/terraform";
import { synthE2e } from "./app";
import { buildApp as buildWorkloads } from "../../examples/workload-clusters/main";
import { buildApp as buildPcg } from "../../examples/pcg-on-nutanix/main";
import type { VmEntity } from "../../lib/prism/types";

async function vmsOf(h: EmulatorHarness, stack: string): Promise<VmEntity[]> {
  const c = h.client();
  try {
    return (await c.listVms()).filter((v) => v.metadata.categories?.NpcStack === stack);
  } finally {
    c.close();
  }
}

const names = (vms: VmEntity[]): string[] => vms.map((v) => v.spec.name).sort();

function failures(r: TfResult): string {
  return r.steps.filter((s) => s.code !== 0).map((s) => `${s.resource} ${s.phase} exit ${s.code}:\n${s.stderr}`).join("\n");
}

async function unownedSurvive(h: EmulatorHarness): Promise<void> {
  const c = h.client();
  try {
    const all = await c.listVms();
    for (const n of ["legacy-db-01", "pcg-host-default-1"]) {
      const v = all.filter((x) => x.spec.name === n);
      assert.equal(v.length, 1, `${n} exists once`);
      assert.equal(v[0]!.metadata.spec_version, 0, `${n} untouched`);
    }
  } finally {
    c.close();
  }
}

test("Terraform path: apply, no-op, scale up, resize, roll, pool removal, destroy", { timeout: 300_000 }, async () => {
  await withEmulator({ taskMs: 100 }, async (h) => {
    const out = await tempDir("npc-e2e-");
    const state = path.join(await tempDir("npc-e2e-state-"), "state.json");
    const env = { NUTANIX_ENDPOINT: h.emu.url, NUTANIX_USERNAME: h.emu.username, NUTANIX_PASSWORD: h.emu.password };
    const tf = async (params: Parameters<typeof synthE2e>[1]): Promise<TfResult> => {
      const stackDir = synthE2e(out, params);
      return terraformApply({ stackDir, statePath: state, env });
    };
    const counters = () => h.admin<Counters>("GET", "/counters");

    // 1. First apply.
    let r = await tf({ workers: [{ name: "md", replicas: 2 }, { name: "extra", replicas: 1 }] });
    assert.ok(r.ok, failures(r));
    assert.equal(r.steps.length, 6, "one create provisioner per resource");
    assert.deepEqual(names(await vmsOf(h, "e2e")), ["edge-cp-1", "edge-cp-2", "edge-cp-3", "edge-extra-1", "edge-md-1", "edge-md-2"]);

    // 2. No-op re-apply: Terraform runs nothing; and the handler run by hand on the whole plan writes nothing.
    let c0 = await counters();
    r = await tf({ workers: [{ name: "md", replicas: 2 }, { name: "extra", replicas: 1 }] });
    assert.ok(r.ok);
    assert.equal(r.steps.length, 0);
    assert.equal((await counters()).writes, c0.writes, "zero writes");

    // 3. Scale up md: only md's null_resource changes (create the new generation; the old one is deposed and,
    //    as with real Terraform, destroyed without its destroy provisioner — changed with issue 13).
    c0 = await counters();
    r = await tf({ workers: [{ name: "md", replicas: 3 }, { name: "extra", replicas: 1 }] });
    assert.ok(r.ok, failures(r));
    assert.deepEqual(r.steps.map((s) => `${s.resource}:${s.phase}`), ["edge_md:create"]);
    assert.deepEqual(names(await vmsOf(h, "e2e")), ["edge-cp-1", "edge-cp-2", "edge-cp-3", "edge-extra-1", "edge-md-1", "edge-md-2", "edge-md-3"]);
    assert.equal((await counters()).byRoute["DELETE /vms/{uuid}"] ?? 0, c0.byRoute["DELETE /vms/{uuid}"] ?? 0, "the old generation's destroy deleted nothing");

    // 4. In-place resize of md.
    const before = new Map((await vmsOf(h, "e2e")).map((v) => [v.spec.name, v.metadata.uuid]));
    r = await tf({ workers: [{ name: "md", replicas: 3, memoryGiB: 8 }, { name: "extra", replicas: 1 }] });
    assert.ok(r.ok, failures(r));
    for (const v of (await vmsOf(h, "e2e")).filter((x) => x.spec.name.startsWith("edge-md-"))) {
      assert.equal(v.spec.resources.memory_size_mib, 8192);
      assert.equal(v.metadata.uuid, before.get(v.spec.name), "same VM");
    }

    // 5. Rolling image change of the control plane.
    r = await tf({ cpImage: "ubuntu-2204-kube-v1.31.2", workers: [{ name: "md", replicas: 3, memoryGiB: 8 }, { name: "extra", replicas: 1 }] });
    assert.ok(r.ok, failures(r));
    const cps = (await vmsOf(h, "e2e")).filter((v) => v.spec.name.startsWith("edge-cp-"));
    assert.equal(cps.length, 3);
    assert.ok(cps.every((v) => /^edge-cp-[123]-[0-9a-f]{6}$/.test(v.spec.name)), names(cps).join(","));

    // 6. Remove the "extra" pool: its block disappears (no destroy provisioner); the changed cluster's apply prunes it.
    r = await tf({ cpImage: "ubuntu-2204-kube-v1.31.2", workers: [{ name: "md", replicas: 3, memoryGiB: 8 }] });
    assert.ok(r.ok, failures(r));
    assert.equal(r.actions.edge_extra, "forgotten");
    assert.ok(!names(await vmsOf(h, "e2e")).some((n) => n.startsWith("edge-extra")), "pruned");
    assert.equal((await vmsOf(h, "e2e")).length, 6);

    // 7. Full destroy.
    r = await terraformDestroy({ stackDir: path.join(out, "stacks", "e2e"), statePath: state, env });
    assert.ok(r.ok, failures(r));
    assert.deepEqual(names(await vmsOf(h, "e2e")), []);
    await unownedSurvive(h);
  });
});

test("examples through Terraform's path: workload-clusters converges, then destroys; pcg-on-nutanix fails only the colliding pool", { timeout: 300_000 }, async () => {
  await withEmulator({ taskMs: 100 }, async (h) => {
    const env = { NUTANIX_ENDPOINT: h.emu.url, NUTANIX_USERNAME: h.emu.username, NUTANIX_PASSWORD: h.emu.password, PALETTE_API_KEY: "test-key" };
    const out = await tempDir("npc-e2e-ex-");
    const w = buildWorkloads(path.join(out, "w"));
    w.app.synth();
    const wDir = path.join(out, "w", "stacks", w.stack.node.id);
    let r = await terraformApply({ stackDir: wDir, env });
    assert.ok(r.ok, failures(r));
    assert.equal((await vmsOf(h, "workloads")).length, 10);
    const c0 = await h.admin<Counters>("GET", "/counters");
    r = await terraformApply({ stackDir: wDir, env });
    assert.equal(r.steps.length, 0);
    assert.equal((await h.admin<Counters>("GET", "/counters")).writes, c0.writes);

    const p = buildPcg(path.join(out, "p"));
    p.app.synth();
    const pDir = path.join(out, "p", "stacks", p.stack.node.id);
    r = await terraformApply({ stackDir: pDir, env });
    assert.equal(r.ok, false);
    assert.equal(r.actions["pcg-host_default"], "failed");
    const step = r.steps.find((s) => s.resource === "pcg-host_default")!;
    assert.match(step.stderr, /pcg-host-default-1 is taken by VM [0-9a-f-]{36}.*refusing to adopt, modify or delete it/);
    assert.equal(r.actions["pcg-host"], "skipped");
    assert.equal(r.actions.pcg, "skipped");
    assert.equal(r.actions["pcg-host_cp"], "created");
    await unownedSurvive(h);

    r = await terraformDestroy({ stackDir: wDir, env });
    assert.ok(r.ok, failures(r));
    assert.equal((await vmsOf(h, "workloads")).length, 0);
    r = await terraformDestroy({ stackDir: pDir, env });
    assert.ok(r.ok, failures(r));
    assert.equal((await vmsOf(h, "dc1")).length, 0);
    await unownedSurvive(h);
  });
});
