/**
 * etcd right after a membership change (issue 14, item 4): the emulated etcd refuses a member remove with 503
 * "etcdserver: unhealthy cluster" while the member that just joined has not been connected for etcd's health
 * interval, as etcd's mayRemoveMember does; the handler waits and retries, never skips the removal.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { applyPlan } from "../../../lib/handler";
import { IMAGE_B, listVms, makePlan, withTarget } from "../fixtures";

test("a 1-node control-plane roll: etcd says 'unhealthy cluster' right after the new member joined; the handler waits, then removes the old member", async () => {
  await withTarget({}, async ({ h, base }) => {
    const r = await applyPlan({ ...base, plan: makePlan({ cpReplicas: 1, workers: [] }), kubePollMs: 20 });
    assert.equal(r.exitCode, 0, JSON.stringify(r.resources, null, 2));
    const model = h.emu.kube.model("10.20.0.10:6443")!;
    model.etcdHealthIntervalMs = 600;
    const lines: string[] = [];
    const r2 = await applyPlan({ ...base, plan: makePlan({ cpReplicas: 1, workers: [], cpImage: IMAGE_B }), kubePollMs: 20, log: (l: string) => lines.push(l) });
    assert.equal(r2.exitCode, 0, JSON.stringify(r2.resources, null, 2));
    const refused = lines.findIndex((l) => /etcd refuses to remove member web-cp-1 for now \(.*503.*etcdserver: unhealthy cluster\); waiting for the new member to settle/.test(l));
    const removed = lines.findIndex((l) => /removed etcd member web-cp-1 /.test(l));
    assert.ok(refused >= 0 && removed > refused, lines.join("\n"));
    assert.deepEqual(model.etcdMembers().map((x) => x.name).filter((n) => n === "web-cp-1"), [], "the old member is gone");
    assert.equal(model.etcdMembers().length, 1);
    const names = (await listVms(h)).filter((v) => v.metadata.categories?.NpcStack === "t1").map((v) => v.spec.name);
    assert.equal(names.length, 1);
    assert.match(names[0]!, /^web-cp-1-[0-9a-f]{6}$/);
  });
});

test("etcd keeps refusing: the removal fails after --node-ready-timeout and the old VM stays", async () => {
  await withTarget({}, async ({ h, base }) => {
    const r = await applyPlan({ ...base, plan: makePlan({ cpReplicas: 1, workers: [] }), kubePollMs: 20 });
    assert.equal(r.exitCode, 0, JSON.stringify(r.resources, null, 2));
    const model = h.emu.kube.model("10.20.0.10:6443")!;
    model.etcdHealthIntervalMs = 3_600_000;
    const r2 = await applyPlan({ ...base, plan: makePlan({ cpReplicas: 1, workers: [], cpImage: IMAGE_B }), kubePollMs: 20, nodeReadyTimeoutMs: 1500 });
    assert.equal(r2.exitCode, 1);
    assert.match(JSON.stringify(r2.resources), /etcd kept refusing to remove member web-cp-1 \(\d+\) for \d+s \(.*unhealthy cluster.*\); nothing after it is done/);
    const names = (await listVms(h)).filter((v) => v.metadata.categories?.NpcStack === "t1").map((v) => v.spec.name).sort();
    assert.ok(names.includes("web-cp-1"), `the old VM is not deleted: ${names.join(", ")}`);
    assert.ok(model.etcdMembers().some((x) => x.name === "web-cp-1"), "its member is still there");
  });
});
