/**
 * Worker in-place updates wait for the control plane's upgrade (issue 14, item 7), as worker creates and rolls do:
 * while a control-plane Node is not on the plan's version, a worker CPU/memory resize is held; it goes ahead once
 * the control plane is there, and gives up (nothing resized) after the bound.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { applyPlan } from "../../../lib/handler";
import { listVms, makePlan, withTarget } from "../fixtures";
import type { EmulatorHarness } from "../../helpers/emulator";

async function memoryOf(h: EmulatorHarness, name: string): Promise<number | undefined> {
  return (await listVms(h)).find((v) => v.spec.name === name)?.spec.resources.memory_size_mib;
}

test("a worker resize is held while a control-plane node is not on the plan's version, then goes ahead", async () => {
  await withTarget({}, async ({ h, base }) => {
    const r = await applyPlan({ ...base, plan: makePlan({ cpReplicas: 1, workers: [{ name: "md", replicas: 1 }] }), kubePollMs: 20 });
    assert.equal(r.exitCode, 0, JSON.stringify(r.resources, null, 2));
    const model = h.emu.kube.model("10.20.0.10:6443")!;
    // Midway through an upgrade to v1.30.5: kubeadm-config says v1.30.5, web-cp-1's kubelet is still older.
    assert.ok(model.setKubeletVersion("web-cp-1", "v1.30.4"));
    const bigger = makePlan({ cpReplicas: 1, workers: [{ name: "md", replicas: 1, memoryGiB: 8 }] });

    const r2 = await applyPlan({ ...base, plan: bigger, resource: "t1/web/md", kubePollMs: 20, nodeReadyTimeoutMs: 300 });
    assert.equal(r2.exitCode, 1);
    assert.match(JSON.stringify(r2.resources), /workers wait for the control plane: control-plane node\(s\) not on v1\.30\.5 yet: web-cp-1 \(v1\.30\.4\); gave up after \d+s; no worker is created or replaced \(nor resized\)/);
    assert.equal(await memoryOf(h, "web-md-1"), 4096, "not resized while the control plane is behind");

    // The control plane catches up while the worker pool waits: the resize goes ahead in the same run.
    const lines: string[] = [];
    const log = (l: string): void => {
      lines.push(l);
      if (/workers wait for the control plane/.test(l)) setTimeout(() => model.setKubeletVersion("web-cp-1", "v1.30.5"), 100);
    };
    const r3 = await applyPlan({ ...base, plan: bigger, resource: "t1/web/md", kubePollMs: 20, nodeReadyTimeoutMs: 10_000, log });
    assert.equal(r3.exitCode, 0, JSON.stringify(r3.resources, null, 2));
    const waited = lines.findIndex((l) => /workers wait for the control plane: control-plane node\(s\) not on v1\.30\.5 yet/.test(l));
    const resized = lines.findIndex((l) => /updated web-md-1 in place: memory_size_mib 4096 → 8192/.test(l));
    assert.ok(waited >= 0 && resized > waited, lines.join("\n"));
    assert.equal(await memoryOf(h, "web-md-1"), 8192);
  });
});
