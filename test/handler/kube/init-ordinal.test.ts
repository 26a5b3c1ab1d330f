/**
 * The init ordinal against the emulator (issue 14, item 5): a missing `<cluster>-cp-1` while other control-plane
 * VMs exist is created as a join when the cluster is initialised (kube-system/kubeadm-config readable), after the
 * Node and etcd member its predecessor left are cleared; when the cluster's API does not answer, the create is
 * refused with 0 VM writes.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { applyPlan, planDiff } from "../../../lib/handler";
import { listVms, makePlan, withTarget } from "../fixtures";
import type { EmulatorHarness } from "../../helpers/emulator";
import type { VmEntity } from "../../../lib/prism/types";

const mine = (vms: VmEntity[]): string[] => vms.filter((v) => v.metadata.categories?.NpcStack === "t1").map((v) => v.spec.name).sort();

async function deleteVmNamed(h: EmulatorHarness, name: string): Promise<void> {
  const c = h.client();
  try {
    const vm = (await c.listVms()).find((v) => v.spec.name === name)!;
    const task = await c.deleteVm(vm.metadata.uuid!);
    if (task) await c.waitForTasks(task);
  } finally {
    c.close();
  }
}

test("an initialised cluster that lost web-cp-1: it comes back as a join, never a second kubeadm init", async () => {
  await withTarget({}, async ({ h, base }) => {
    const plan = makePlan({ cpReplicas: 3, workers: [] });
    const r = await applyPlan({ ...base, plan, kubePollMs: 20 });
    assert.equal(r.exitCode, 0, JSON.stringify(r.resources, null, 2));
    const model = h.emu.kube.model("10.20.0.10:6443")!;
    const oldMember = model.etcdMembers().find((m) => m.name === "web-cp-1")!;
    await deleteVmNamed(h, "web-cp-1");
    assert.deepEqual(mine(await listVms(h)), ["web-cp-2", "web-cp-3"]);

    const p = await planDiff({ ...base, plan });
    const cp = p.diffs.find((d) => d.id === "t1/web/cp")!;
    assert.ok(cp.notes.some((n) => /ordinal 1's role: kube-system\/kubeadm-config exists/.test(n)), cp.notes.join("\n"));

    const lines: string[] = [];
    const before = model.joins.length;
    const r2 = await applyPlan({ ...base, plan, kubePollMs: 20, log: (l: string) => lines.push(l) });
    assert.equal(r2.exitCode, 0, JSON.stringify(r2.resources, null, 2));
    const joins = model.joins.slice(before);
    assert.deepEqual(joins.map((j) => [j.vmName, j.result.joined]), [["web-cp-1", true]], JSON.stringify(joins));
    assert.ok(!lines.some((l) => /web-cp-1.*\[kubeadm init\]/.test(l)), lines.join("\n"));
    assert.ok(lines.some((l) => /removed the etcd member web-cp-1 .* left by a VM that is gone/.test(l)), lines.join("\n"));
    const members = model.etcdMembers();
    assert.equal(members.length, 3, JSON.stringify(members));
    assert.ok(!members.some((m) => m.ID === oldMember.ID), "the dead member was removed");
    assert.deepEqual(mine(await listVms(h)), ["web-cp-1", "web-cp-2", "web-cp-3"]);
  });
});

test("web-cp-1 missing and the cluster's API down: the create is refused, no VM is written", async () => {
  await withTarget({}, async ({ h, base }) => {
    const plan = makePlan({ cpReplicas: 3, workers: [] });
    const r = await applyPlan({ ...base, plan, kubePollMs: 20 });
    assert.equal(r.exitCode, 0, JSON.stringify(r.resources, null, 2));
    await deleteVmNamed(h, "web-cp-1");
    await h.emu.kube.stop();
    const before = (await listVms(h)).map((v) => `${v.spec.name}@${v.metadata.spec_version}`).sort();

    const p = await planDiff({ ...base, plan });
    const line = p.diffs.find((d) => d.id === "t1/web/cp")!.vms.find((v) => v.name === "web-cp-1")!;
    assert.match(line.reason ?? "", /^refused: cannot create web-cp-1: cluster web has control-plane VMs \(web-cp-2, web-cp-3\) and whether it was ever initialised is unknown/);

    const r2 = await applyPlan({ ...base, plan, kubePollMs: 20, nodeReadyTimeoutMs: 300 });
    assert.equal(r2.exitCode, 1);
    // Refused before any write: by the create itself, or first by the upgrade check that runs before any create (both need the API).
    assert.match(JSON.stringify(r2.resources), /create web-cp-1: cannot create web-cp-1: cluster web has control-plane VMs \(web-cp-2, web-cp-3\) and whether it was ever initialised is unknown|upgrade step refused: .*refusing to roll the control plane without checking kubeadm-config's Kubernetes version blindly/);
    assert.deepEqual((await listVms(h)).map((v) => `${v.spec.name}@${v.metadata.spec_version}`).sort(), before, "no VM created or changed");
  });
});
