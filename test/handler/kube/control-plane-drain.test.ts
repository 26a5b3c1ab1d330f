/**
 * An old control-plane node is drained before it goes (Cluster API's machine controller drains every Machine,
 * control planes included): a pod that tolerates the control-plane taint (CoreDNS on a young cluster) is
 * evicted, then the node's etcd member is removed, its Node deleted, then its VM.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { applyPlan } from "../../../lib/handler";
import { IMAGE_B, makePlan, withTarget } from "../fixtures";

test("a control-plane roll drains the old node (its pods evicted) before its etcd member is removed", async () => {
  await withTarget({}, async ({ h, base }) => {
    const r = await applyPlan({ ...base, plan: makePlan({ cpReplicas: 1, workers: [] }), kubePollMs: 20 });
    assert.equal(r.exitCode, 0, JSON.stringify(r.resources, null, 2));
    const model = h.emu.kube.model("10.20.0.10:6443")!;
    model.addPod({ namespace: "kube-system", name: "coredns-1", nodeName: "web-cp-1", owner: { kind: "ReplicaSet", name: "coredns" } });
    const lines: string[] = [];
    const r2 = await applyPlan({ ...base, plan: makePlan({ cpReplicas: 1, workers: [], cpImage: IMAGE_B }), kubePollMs: 20, log: (l: string) => lines.push(l) });
    assert.equal(r2.exitCode, 0, JSON.stringify(r2.resources, null, 2));
    assert.equal(model.getPod("kube-system", "coredns-1"), undefined, "the pod on the old control-plane node was evicted");
    const drained = lines.findIndex((l) => /drained web-cp-1 \(1 evicted/.test(l));
    const removed = lines.findIndex((l) => /removed etcd member web-cp-1 /.test(l));
    assert.ok(drained >= 0 && removed > drained, lines.join("\n"));
    assert.equal(model.getNode("web-cp-1"), undefined);
  });
});
