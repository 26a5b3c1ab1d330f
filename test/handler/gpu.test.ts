/**
 * GPU pools: the handler resolves `{name}`/`{deviceId}` GPUs on the hosts of the pool's PE (as CAPX) and
 * sends `gpu_list` items `{vendor, mode, device_id}`; an unknown GPU fails the account's preflight with
 * the other missing references, before any write.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { applyPlan } from "../../lib/handler";
import type { Counters } from "../../lib/emulator";
import { listVms, makePlan, withTarget } from "./fixtures";

test("a GPU pool's VMs carry the resolved gpu_list; a re-apply makes zero writes", async () => {
  await withTarget({}, async ({ h, base }) => {
    const plan = makePlan({ cpReplicas: 1, workers: [{ name: "gpu", replicas: 2, gpus: [{ name: "tesla t4" }] }, { name: "byid", replicas: 1, gpus: [{ deviceId: 7864 }] }] });
    const r = await applyPlan({ ...base, plan });
    assert.equal(r.exitCode, 0, JSON.stringify(r.resources, null, 2));
    const vms = await listVms(h);
    const want = [{ vendor: "NVIDIA", mode: "PASSTHROUGH_COMPUTE", device_id: 7864 }];
    for (const name of ["web-gpu-1", "web-gpu-2", "web-byid-1"]) {
      const vm = vms.find((v) => v.spec.name === name);
      assert.ok(vm, name);
      assert.deepEqual(vm.spec.resources.gpu_list, want, name);
    }
    assert.equal(vms.find((v) => v.spec.name === "web-cp-1")?.spec.resources.gpu_list, undefined, "no GPUs on a pool without them");
    const before = await h.admin<Counters>("GET", "/counters");
    const again = await applyPlan({ ...base, plan });
    const after = await h.admin<Counters>("GET", "/counters");
    assert.equal(again.exitCode, 0);
    assert.equal(after.writes - before.writes, 0, "the resolved gpu_list round-trips: nothing to roll");
  });
});

test("an unknown GPU name fails the preflight with the other missing references and writes nothing", async () => {
  await withTarget({}, async ({ h, base }) => {
    const plan = makePlan({ cpReplicas: 1, workers: [{ name: "gpu", replicas: 1, gpus: [{ name: "Tesla V100" }] }, { name: "md", replicas: 1, image: "no-such-image" }] });
    const c0 = await h.admin<Counters>("GET", "/counters");
    const r = await applyPlan({ ...base, plan });
    const c1 = await h.admin<Counters>("GET", "/counters");
    assert.equal(r.exitCode, 1);
    assert.equal(c1.writes - c0.writes, 0, "nothing written");
    const account = r.resources.find((x) => x.kind === "PrismCentralAccount")!;
    assert.equal(account.result, "failed", JSON.stringify(account));
    assert.match(account.error ?? "", /no GPU named Tesla V100 on the hosts of cluster PE-1; known: Tesla T4 \(device_id 7864, NVIDIA, PASSTHROUGH_COMPUTE\)/);
    assert.match(account.error ?? "", /no image named no-such-image/);
    assert.ok(r.resources.filter((x) => x.kind === "NodePool").every((x) => x.result === "skipped"), JSON.stringify(r.resources.map((x) => [x.id, x.result])));
  });
});
