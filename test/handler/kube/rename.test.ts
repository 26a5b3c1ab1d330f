/**
 * A worker pool renamed in the program (issue 14, item 6): `plan` shows a new pool plus the old one's removal
 * "replaced by" the new; apply creates the new pool, then drains the old pool's nodes (pods evicted), deletes
 * their Node objects, then their VMs; with the cluster's API down, the old VMs are not deleted.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { applyPlan, planDiff } from "../../../lib/handler";
import { listVms, makePlan, withTarget } from "../fixtures";
import type { VmEntity } from "../../../lib/prism/types";

const mine = (vms: VmEntity[]): string[] => vms.filter((v) => v.metadata.categories?.NpcStack === "t1").map((v) => v.spec.name).sort();

test("rename: plan shows a new pool plus a drained removal of the old; apply drains, deletes the Node, then the VM", async () => {
  await withTarget({}, async ({ h, base }) => {
    const r = await applyPlan({ ...base, plan: makePlan({ cpReplicas: 1, workers: [{ name: "md", replicas: 1 }] }), kubePollMs: 20 });
    assert.equal(r.exitCode, 0, JSON.stringify(r.resources, null, 2));
    const model = h.emu.kube.model("10.20.0.10:6443")!;
    model.addPod({ namespace: "default", name: "app-1", nodeName: "web-md-1", owner: { kind: "ReplicaSet", name: "app" } });

    const renamed = makePlan({ cpReplicas: 1, workers: [{ name: "pool-b", replicas: 1 }] });
    const p = await planDiff({ ...base, plan: renamed });
    assert.equal(p.diffs.find((d) => d.id === "t1/web/pool-b")?.action, "create");
    const old = p.diffs.find((d) => d.id === "t1/web/md")!;
    assert.equal(old.action, "delete");
    assert.match(old.vms[0]!.reason ?? "", /replaced by t1\/web\/pool-b; its node is drained and its Node deleted before the VM/);
    assert.match(p.text, /web-md-1.*delete \(prune: pool removed from the plan, replaced by t1\/web\/pool-b/);

    const r2 = await applyPlan({ ...base, plan: renamed, kubePollMs: 20 });
    assert.equal(r2.exitCode, 0, JSON.stringify(r2.resources, null, 2));
    assert.deepEqual(mine(await listVms(h)), ["web-cp-1", "web-pool-b-1"]);
    assert.equal(model.getPod("default", "app-1"), undefined, "the old node's pod was evicted");
    assert.equal(model.getNode("web-md-1"), undefined, "the old Node was deleted");
    assert.ok(model.getNode("web-pool-b-1"), "the new pool's node joined");
  });
});

test("rename with the cluster's API down: the old pool's VM is not deleted blindly", async () => {
  await withTarget({}, async ({ h, base }) => {
    const r = await applyPlan({ ...base, plan: makePlan({ cpReplicas: 1, workers: [{ name: "md", replicas: 1 }] }), kubePollMs: 20 });
    assert.equal(r.exitCode, 0, JSON.stringify(r.resources, null, 2));
    await h.emu.kube.stop();
    const r2 = await applyPlan({ ...base, plan: makePlan({ cpReplicas: 1, workers: [] }), kubePollMs: 20, nodeReadyTimeoutMs: 300 });
    assert.equal(r2.exitCode, 1);
    assert.match(JSON.stringify(r2.resources), /not deleting web-md-1: its node must be drained first through the API of cluster web/);
    assert.ok(mine(await listVms(h)).includes("web-md-1"));
  });
});
