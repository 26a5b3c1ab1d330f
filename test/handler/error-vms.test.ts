/**
 * A VM whose create failed may stay in Prism Central in state ERROR (a real PC "can answer 2xx with
 * `status.state: ERROR`" for such an entity; PGC and TF return it): the emulator's `keepFailedCreates` keeps
 * it. The next apply replaces it like any VM that needs a new one (a new VM first, then the ERROR one
 * deleted), never counts it as the pool's machine, and a converged re-apply makes zero writes.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { applyPlan } from "../../lib/handler";
import type { Counters } from "../../lib/emulator";
import { listVms, makePlan, withTarget } from "./fixtures";

test("a VM left in state ERROR by a failed create is replaced by the next apply", { timeout: 90_000 }, async () => {
  await withTarget({ keepFailedCreates: true }, async ({ h, base }) => {
    const one = makePlan({ cpReplicas: 1, workers: [{ name: "md", replicas: 1 }] });
    assert.equal((await applyPlan({ ...base, plan: one, kubePollMs: 20 })).exitCode, 0);

    const two = makePlan({ cpReplicas: 1, workers: [{ name: "md", replicas: 2 }] });
    h.emu.faults.apply({ taskFailureRate: 1 });
    const failed = await applyPlan({ ...base, plan: two, kubePollMs: 20 });
    h.emu.faults.apply({ taskFailureRate: 0 });
    assert.equal(failed.exitCode, 1, "the create's task failed");
    const errored = (await listVms(h)).filter((v) => v.status?.state === "ERROR");
    assert.deepEqual(errored.map((v) => v.spec.name), ["web-md-2"], "the failed create stays, in state ERROR");

    const lines: string[] = [];
    const r = await applyPlan({ ...base, plan: two, kubePollMs: 20, log: (l: string) => lines.push(l) });
    assert.equal(r.exitCode, 0, JSON.stringify(r.resources, null, 2));
    const vms = (await listVms(h)).filter((v) => v.metadata.categories?.NpcStack === "t1");
    assert.equal(vms.filter((v) => v.status?.state === "ERROR").length, 0, "the ERROR VM is gone");
    assert.equal(vms.find((v) => v.metadata.uuid === errored[0]!.metadata.uuid), undefined);
    const md = vms.filter((v) => v.metadata.categories?.NpcPool === "md").map((v) => v.spec.name).sort();
    assert.equal(md.length, 2, md.join(", "));
    assert.ok(lines.some((l) => /state \(its create failed\) ERROR → COMPLETE/.test(l)), lines.join("\n"));

    const before = await h.admin<Counters>("GET", "/counters");
    assert.equal((await applyPlan({ ...base, plan: two, kubePollMs: 20 })).exitCode, 0);
    const after = await h.admin<Counters>("GET", "/counters");
    assert.equal(after.writes - before.writes, 0);
  });
});
