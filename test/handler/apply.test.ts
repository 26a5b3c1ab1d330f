/**
 * The programmatic API against the real emulator on a loopback port: first apply, no-op re-apply with
 * zero writes, scale up/down, in-place resize, rolling image change with the control plane never below
 * quorum, pruning of a removed pool, full destroy, and the unowned seed VMs surviving all of it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { applyPlan, destroyPlan, planDiff } from "../../lib/handler";
import { ownedByResource, stackIdentity } from "../../lib/handler/ownership";
import { IMAGE_B, listVms, makePlan, stackVmNames, unownedVersions, withTarget } from "./fixtures";
import type { Counters } from "../../lib/emulator";

const seedUnowned = { "legacy-db-01": 0, "pcg-host-default-1": 0 };

test("first apply creates the cluster's VMs with ownership categories; a re-apply makes zero writes", async () => {
  await withTarget({}, async ({ h, base }) => {
    const plan = makePlan();
    const r = await applyPlan({ ...base, plan });
    assert.equal(r.exitCode, 0, JSON.stringify(r.resources, null, 2));
    let vms = await listVms(h);
    assert.deepEqual(stackVmNames(vms), ["web-cp-1", "web-cp-2", "web-cp-3", "web-md-1", "web-md-2"]);
    const cp1 = vms.find((v) => v.spec.name === "web-cp-1")!;
    assert.ok(ownedByResource(cp1, stackIdentity(plan), "t1/web/cp"));
    assert.equal(cp1.metadata.categories?.NpcIdentity, "nutanix-palette-cdk/t1", "the project is the nearest package.json's name");
    assert.equal(cp1.metadata.categories?.NpcCluster, "web");
    assert.equal(cp1.metadata.categories?.NpcPool, "cp");
    assert.equal(cp1.spec.resources.power_state, "ON");
    assert.equal(cp1.spec.resources.memory_size_mib, 4096);
    assert.equal(cp1.spec.resources.disk_list?.[0]?.disk_size_mib, 40 * 1024);
    const ud = Buffer.from(cp1.spec.resources.guest_customization!.cloud_init!.user_data!, "base64").toString("utf8");
    assert.match(ud, /^#cloud-config/);
    assert.match(ud, /kubeadm init/);
    assert.deepEqual(unownedVersions(vms), seedUnowned);

    // Workers got the same join token as the joining control-plane nodes (this apply's token, created
    // through the cluster's API); the init node has its own random token (issue 14, item 2).
    const md1 = vms.find((v) => v.spec.name === "web-md-1")!;
    const cp2 = vms.find((v) => v.spec.name === "web-cp-2")!;
    const token = (vm: typeof md1) => /\b([a-z0-9]{6}\.[a-z0-9]{16})\b/.exec(Buffer.from(vm.spec.resources.guest_customization!.cloud_init!.user_data!, "base64").toString())![1];
    assert.equal(token(md1), token(cp2));
    assert.notEqual(token(md1), token(cp1));

    const before = await h.admin<Counters>("GET", "/counters");
    const again = await applyPlan({ ...base, plan });
    const after = await h.admin<Counters>("GET", "/counters");
    assert.equal(again.exitCode, 0);
    assert.equal(after.writes - before.writes, 0, "a no-op re-apply must make zero writes");
    assert.equal(again.api.writes, 0);
    assert.ok(again.resources.every((x) => x.action === "no-change"), JSON.stringify(again.resources.map((x) => [x.id, x.action])));

    const p = await planDiff({ ...base, plan });
    assert.ok(p.diffs.every((d) => d.action === "no-change"));
    vms = await listVms(h);
    assert.equal(stackVmNames(vms).length, 5);
  });
});

test("API cost of a first apply: one task list, no GET per VM to create, each category key listed once, only missing keys and values PUT", async () => {
  await withTarget({}, async ({ h, base }) => {
    const route = (c: Counters, r: string): number => c.byRoute[r] ?? 0;
    const c0 = await h.admin<Counters>("GET", "/counters");
    const plan = makePlan();
    const r = await applyPlan({ ...base, plan });
    assert.equal(r.exitCode, 0, JSON.stringify(r.resources, null, 2));
    const c1 = await h.admin<Counters>("GET", "/counters");
    const d = (k: string): number => route(c1, k) - route(c0, k);
    // A run that is going to write reads twice: the read-only check without the Prism Central lock record
    // (write-check.ts), then the apply proper in a fresh session under the record (index.ts applyPlan).
    assert.equal(d("POST /tasks/list"), 2, "one list of running creates per session: the check's and the apply's");
    assert.equal(d("GET /vms/{uuid}"), 0, "no GET of the uuids to create");
    // The stack lock and the applied-generation records (lock/remote.ts, applied.ts) are single reads: the
    // lock reads its key once and its value four times on this first run on a fresh Prism Central (look, sent
    // with the key's check; look again, the key having just been created; read back; release: lock/remote.ts,
    // lock/run.ts; three once the key exists); each
    // resource's record is read once by the apply and its key once; the check reads the record of the one
    // resource it plans as "no-change" (the account). The kube-vip address claim (NpcVip) is read right before its write and
    // read back after it (vip-claims-store.ts). Ownership categories are listed, not read one by one.
    const R = plan.resources.length;
    assert.equal(d("GET /categories/{key}/{value}"), 4 + R + 2 + 1, "lock: 4 reads; records: one per resource; the claim: 2; the check: 1");
    const keys = ["NpcIdentity", "NpcStack", "NpcResource", "NpcCluster", "NpcPool", "NpcSpec", "NpcBoot", "NpcVip"];
    // Key existence is asked with GET /categories/{key} (a missing key's list answer is undocumented): the
    // NpcLock and NpcApplied keys, and each key whose list named no value (all of them on a fresh PC), once each.
    assert.equal(d("GET /categories/{key}"), 2 + keys.length, "the NpcLock and NpcApplied keys and each key listed empty, once each");
    assert.ok(d("POST /categories/{key}/list") <= 2 * keys.length, `each key listed at most once per session (${d("POST /categories/{key}/list")})`);
    const state = await h.admin<{ categories: Record<string, { values: Record<string, unknown> }> }>("GET", "/state");
    const created = keys.reduce((n, k) => n + 1 + Object.keys(state.categories[k]?.values ?? {}).length, 0);
    // Besides: the lock's key, its record and the record's DELETE at release; the records' key and one record per resource.
    const bookkeeping = 2 + 1 + R;
    assert.equal(d("PUT /categories/{key}") + d("PUT /categories/{key}/{value}"), created + bookkeeping, "every missing key and value PUT exactly once, plus the lock and records");
    assert.equal(d("DELETE /categories/{key}/{value}"), 1, "the lock record, at release");
    assert.equal(c1.writes - c0.writes, created + bookkeeping + 1 + 5, "5 POST /vms + the category PUTs + the lock's DELETE");
  });
});

test("scale up, scale down (highest ordinals go), in-place resize keeps the VMs", async () => {
  await withTarget({}, async ({ h, base }) => {
    assert.equal((await applyPlan({ ...base, plan: makePlan() })).exitCode, 0);
    const up = makePlan({ workers: [{ name: "md", replicas: 4 }] });
    const planUp = await planDiff({ ...base, plan: up });
    const md = planUp.diffs.find((d) => d.id === "t1/web/md")!;
    assert.equal(md.action, "update");
    assert.deepEqual(md.vms.map((v) => [v.op, v.name]), [["create", "web-md-3"], ["create", "web-md-4"]]);
    assert.equal(planUp.api.writes, 0);
    assert.equal((await applyPlan({ ...base, plan: up })).exitCode, 0);
    let vms = await listVms(h);
    assert.deepEqual(stackVmNames(vms).filter((n) => n.includes("-md-")), ["web-md-1", "web-md-2", "web-md-3", "web-md-4"]);
    const uuidsBefore = new Map(vms.map((v) => [v.spec.name, v.metadata.uuid]));

    const down = makePlan({ workers: [{ name: "md", replicas: 1 }] });
    assert.equal((await applyPlan({ ...base, plan: down })).exitCode, 0);
    vms = await listVms(h);
    assert.deepEqual(stackVmNames(vms).filter((n) => n.includes("-md-")), ["web-md-1"]);
    assert.equal(vms.find((v) => v.spec.name === "web-md-1")!.metadata.uuid, uuidsBefore.get("web-md-1"));

    const resized = makePlan({ workers: [{ name: "md", replicas: 1, memoryGiB: 8, vcpuSockets: 4 }] });
    const pr = await planDiff({ ...base, plan: resized });
    const mdr = pr.diffs.find((d) => d.id === "t1/web/md")!;
    assert.equal(mdr.action, "update");
    assert.deepEqual(mdr.vms[0]!.changes.map((c) => c.field).filter((f) => !f.startsWith("categories")), ["num_sockets", "memory_size_mib"]);
    assert.match(pr.text, /memory_size_mib: 4096 → 8192/);
    const r = await applyPlan({ ...base, plan: resized });
    assert.equal(r.exitCode, 0);
    vms = await listVms(h);
    const md1 = vms.find((v) => v.spec.name === "web-md-1")!;
    assert.equal(md1.metadata.uuid, uuidsBefore.get("web-md-1"), "in place: same VM");
    assert.equal(md1.spec.resources.memory_size_mib, 8192);
    assert.equal(md1.spec.resources.num_sockets, 4);
    assert.ok((md1.metadata.spec_version ?? 0) >= 1);
    const c0 = await h.admin<Counters>("GET", "/counters");
    assert.equal((await applyPlan({ ...base, plan: resized })).api.writes, 0);
    assert.equal((await h.admin<Counters>("GET", "/counters")).writes, c0.writes);
    assert.deepEqual(unownedVersions(vms), seedUnowned);
  });
});

test("rolling image change: new VM up before the old goes; the control plane never drops below 3", async () => {
  await withTarget({ taskMs: 120 }, async ({ h, base }) => {
    assert.equal((await applyPlan({ ...base, plan: makePlan() })).exitCode, 0);
    const rolled = makePlan({ cpImage: IMAGE_B });
    const p = await planDiff({ ...base, plan: rolled });
    const cp = p.diffs.find((d) => d.id === "t1/web/cp")!;
    assert.equal(cp.action, "replace");
    assert.equal(cp.vms.filter((v) => v.op === "replace").length, 3);
    assert.match(p.text, /image: ubuntu-2204-kube-v1\.30\.5 → rockylinux-9-kube-v1\.30\.5/);

    // Watch the emulator's state during the roll: running (COMPLETE, not deleting) cp VMs ≥ 3.
    let min = Infinity;
    let samples = 0;
    let stop = false;
    const watcher = (async () => {
      while (!stop) {
        const s = await h.admin<{ vms: Record<string, { spec: { name: string }; deleteTask?: string; createTask: string }>; tasks: Record<string, { createdAt: number; durationMs: number; fail?: unknown }> }>("GET", "/state");
        const now = Date.now();
        const done = (t: string) => {
          const task = s.tasks[t];
          return !task || now - task.createdAt >= task.durationMs;
        };
        const running = Object.values(s.vms).filter((v) => v.spec.name.startsWith("web-cp-") && done(v.createTask) && !v.deleteTask).length;
        min = Math.min(min, running);
        samples++;
        await new Promise((r) => setTimeout(r, 15));
      }
    })();
    const r = await applyPlan({ ...base, plan: rolled });
    stop = true;
    await watcher;
    assert.equal(r.exitCode, 0, JSON.stringify(r.resources, null, 2));
    assert.ok(samples > 5, `sampled ${samples} times`);
    assert.ok(min >= 3, `control plane dropped to ${min} running members during the roll`);
    const vms = await listVms(h);
    const cps = vms.filter((v) => v.spec.name.startsWith("web-cp-"));
    assert.equal(cps.length, 3);
    for (const v of cps) {
      assert.match(v.spec.name, /^web-cp-[123]-[0-9a-f]{6}$/);
      assert.equal(v.spec.resources.disk_list?.[0]?.data_source_reference?.name ?? v.status?.resources?.disk_list?.[0]?.data_source_reference?.name, IMAGE_B);
    }
    // Order of operations: each old VM was deleted only after its replacement finished.
    assert.deepEqual(stackVmNames(vms).filter((n) => n.startsWith("web-md")), ["web-md-1", "web-md-2"]);
    assert.equal((await applyPlan({ ...base, plan: rolled })).api.writes, 0);
    assert.deepEqual(unownedVersions(vms), seedUnowned);
  });
});

test("removing a pool from the plan prunes its VMs (unless --no-prune); destroy --yes removes the stack", async () => {
  await withTarget({}, async ({ h, base }) => {
    const two = makePlan({ workers: [{ name: "md", replicas: 2 }, { name: "big", replicas: 1, memoryGiB: 8 }] });
    assert.equal((await applyPlan({ ...base, plan: two })).exitCode, 0);
    assert.ok(stackVmNames(await listVms(h)).includes("web-big-1"));
    const one = makePlan({ workers: [{ name: "md", replicas: 2 }] });

    const p = await planDiff({ ...base, plan: one });
    const pruned = p.diffs.find((d) => d.id === "t1/web/big")!;
    assert.equal(pruned.action, "delete");
    assert.deepEqual(pruned.vms.map((v) => v.name), ["web-big-1"]);

    const keep = await applyPlan({ ...base, plan: one, prune: false });
    assert.equal(keep.exitCode, 0);
    assert.ok(stackVmNames(await listVms(h)).includes("web-big-1"), "--no-prune keeps them");

    // With --resource, only resources absent from the plan are pruned.
    const r = await applyPlan({ ...base, plan: one, resource: "t1/pc" });
    assert.equal(r.exitCode, 0);
    assert.deepEqual(stackVmNames(await listVms(h)), ["web-cp-1", "web-cp-2", "web-cp-3", "web-md-1", "web-md-2"]);

    await assert.rejects(destroyPlan({ ...base, plan: one }), /--yes/);
    const d = await destroyPlan({ ...base, plan: one, yes: true });
    assert.equal(d.exitCode, 0);
    const vms = await listVms(h);
    assert.deepEqual(stackVmNames(vms), []);
    assert.deepEqual(unownedVersions(vms), seedUnowned);
  });
});

test("destroy --resource: a superseded generation whose successor was applied is a no-op with no write but the lock's; the current one deletes the pool", async () => {
  await withTarget({}, async ({ h, base }) => {
    const plan = makePlan();
    assert.equal((await applyPlan({ ...base, plan })).exitCode, 0);
    const md = plan.resources.find((r) => r.id === "t1/web/md")!;
    const c0 = await h.admin<Counters>("GET", "/counters");
    const noop = await destroyPlan({ ...base, plan, resource: md.id, generation: "0".repeat(64) });
    assert.equal(noop.exitCode, 0);
    assert.ok(noop.noop);
    const c1 = await h.admin<Counters>("GET", "/counters");
    assert.equal(c1.writes, c0.writes, "nothing written");
    assert.equal(c1.byRoute["DELETE /vms/{uuid}"] ?? 0, c0.byRoute["DELETE /vms/{uuid}"] ?? 0);
    assert.equal(stackVmNames(await listVms(h)).length, 5);

    const d = await destroyPlan({ ...base, plan, resource: md.id, generation: md.generation });
    assert.equal(d.exitCode, 0);
    assert.deepEqual(stackVmNames(await listVms(h)), ["web-cp-1", "web-cp-2", "web-cp-3"]);
  });
});
