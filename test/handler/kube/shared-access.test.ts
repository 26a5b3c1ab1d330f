/**
 * One run reaches a cluster's API once: the steps of a scale-up (the join token, each new node's wait for
 * Ready) share one keep-alive client, instead of one reach (a TLS handshake and a node list) per step.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { applyPlan } from "../../../lib/handler";
import { makePlan, withTarget } from "../fixtures";

test("a scale-up of 6 workers reaches the cluster's API once: one node list to reach it for the whole run, a Ready wait per new node", async () => {
  await withTarget({}, async ({ h, base }) => {
    const first = await applyPlan({ ...base, plan: makePlan({ cpReplicas: 1, workers: [{ name: "md", replicas: 1 }] }), kubePollMs: 20 });
    assert.equal(first.exitCode, 0, JSON.stringify(first.resources, null, 2));
    const counts = await h.emu.kube.apiCounts("10.20.0.10:6443");
    assert.ok(counts, "the cluster's API is served");
    const before = new Map(counts);
    const delta = (k: string): number => (counts.get(k) ?? 0) - (before.get(k) ?? 0);

    const r = await applyPlan({ ...base, plan: makePlan({ cpReplicas: 1, workers: [{ name: "md", replicas: 7 }] }), kubePollMs: 20 });
    assert.equal(r.exitCode, 0, JSON.stringify(r.resources, null, 2));
    assert.equal(delta("GET /api/v1/nodes"), 2, "one reach of the API for the whole run, and the workers' gate reading the control plane's kubelets");
    for (let i = 2; i <= 7; i++) assert.ok(delta(`GET /api/v1/nodes/web-md-${i}`) >= 1, `web-md-${i} was waited for`);
    assert.equal(delta("POST /api/v1/namespaces/kube-system/secrets"), 1, "one join token for the run");
  });
});
