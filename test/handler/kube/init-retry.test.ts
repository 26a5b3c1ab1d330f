/**
 * The kubeadm init node exists exactly once (issue 14, item 5): when the first control-plane VM's create
 * fails, no other control-plane VM is created in that run (nothing could join), and the next apply creates
 * it again as the `kubeadm init` node, then the joins.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { applyPlan } from "../../../lib/handler";
import { listVms, makePlan, withTarget } from "../fixtures";
import type { VmEntity } from "../../../lib/prism/types";

const mine = (vms: VmEntity[]): string[] => vms.filter((v) => v.metadata.categories?.NpcStack === "t1").map((v) => v.spec.name).sort();

test("a failed init VM create: no join is attempted, and the re-run creates it again as the init node", async () => {
  await withTarget({}, async ({ h, base }) => {
    await h.admin("PUT", "/faults", { failNextTasks: 1 });
    const plan = makePlan({ cpReplicas: 3, workers: [] });
    const lines: string[] = [];
    const r = await applyPlan({ ...base, plan, kubePollMs: 20, nodeReadyTimeoutMs: 2000 });
    assert.equal(r.exitCode, 1);
    assert.match(JSON.stringify(r.resources), /create web-cp-1: task [0-9a-f-]+ FAILED/);
    assert.deepEqual(mine(await listVms(h)), [], "no control-plane join without an init node");

    const r2 = await applyPlan({ ...base, plan, kubePollMs: 20, log: (l: string) => lines.push(l) });
    assert.equal(r2.exitCode, 0, JSON.stringify(r2.resources, null, 2));
    assert.deepEqual(mine(await listVms(h)), ["web-cp-1", "web-cp-2", "web-cp-3"]);
    const joins = h.emu.kube.model("10.20.0.10:6443")!.joins;
    assert.equal(joins[0]?.vmName, "web-cp-1");
    assert.ok(joins.every((j) => j.result.joined), JSON.stringify(joins));
    assert.equal(h.emu.kube.model("10.20.0.10:6443")!.etcdMembers().length, 3);
  });
});
