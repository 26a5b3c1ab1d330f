/**
 * Kubernetes upgrades against the emulator's Kubernetes side over loopback (issue 14, item 7): kubeadm-config
 * first, the control plane one machine at a time, the workers only after every control-plane node; the
 * upgrade step refused when the cluster's API does not answer.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { applyPlan, planDiff } from "../../../lib/handler";
import { kubeletVersion } from "../../../lib/kube/nodes";
import { listVms, makePlan, withTarget } from "../fixtures";
import type { VmEntity } from "../../../lib/prism/types";

const IMAGE_131 = "ubuntu-2204-kube-v1.31.2";
const mine = (vms: VmEntity[]): string[] => vms.filter((v) => v.metadata.categories?.NpcStack === "t1").map((v) => v.spec.name).sort();
const v131 = { kubernetesVersion: "1.31.2", cpImage: IMAGE_131, workers: [{ name: "md", replicas: 1, image: IMAGE_131 }] };

test("a minor upgrade: kubeadm-config first, every control-plane machine on the new version before any worker is replaced", async () => {
  await withTarget({}, async ({ h, base }) => {
    const r = await applyPlan({ ...base, plan: makePlan({ cpReplicas: 3, workers: [{ name: "md", replicas: 1 }] }), kubePollMs: 20 });
    assert.equal(r.exitCode, 0, JSON.stringify(r.resources, null, 2));
    const model = h.emu.kube.model("10.20.0.10:6443")!;
    const before = model.joins.length;

    const p = await planDiff({ ...base, plan: makePlan({ cpReplicas: 3, ...v131 }) });
    assert.match(JSON.stringify(p.diffs), /Kubernetes minor upgrade v1\.30\.5 → v1\.31\.2: kubeadm-config first/);

    const lines: string[] = [];
    const r2 = await applyPlan({ ...base, plan: makePlan({ cpReplicas: 3, ...v131 }), kubePollMs: 20, log: (l: string) => lines.push(l) });
    assert.equal(r2.exitCode, 0, JSON.stringify(r2.resources, null, 2));
    assert.match(model.getKubeadmConfig()!.data!.ClusterConfiguration!, /kubernetesVersion: v1\.31\.2/);
    const joins = model.joins.slice(before);
    assert.ok(joins.every((j) => j.result.joined), JSON.stringify(joins));
    const order = joins.map((j) => j.vmName);
    const cp = order.filter((n) => n.startsWith("web-cp-"));
    const md = order.filter((n) => n.startsWith("web-md-"));
    assert.equal(cp.length, 3, order.join(", "));
    assert.equal(md.length, 1, order.join(", "));
    assert.ok(order.indexOf(md[0]!) > Math.max(...cp.map((n) => order.indexOf(n))), `workers after every control-plane node: ${order.join(", ")}`);
    const nodes = model.listNodes();
    assert.deepEqual([...new Set(nodes.map((n) => kubeletVersion(n)))], ["v1.31.2"], nodes.map((n) => `${n.metadata.name} ${kubeletVersion(n)}`).join(", "));
    assert.equal(nodes.length, 4);
    const names = mine(await listVms(h));
    assert.equal(names.length, 4, names.join(", "));
    for (const old of ["web-cp-1", "web-cp-2", "web-cp-3", "web-md-1"]) assert.ok(!names.includes(old), `${old} replaced: ${names.join(", ")}`);
  });
});

test("upgrade step refused when the cluster's API does not answer: no VM is created or deleted", async () => {
  await withTarget({}, async ({ h, base }) => {
    const r = await applyPlan({ ...base, plan: makePlan({ cpReplicas: 1, workers: [{ name: "md", replicas: 1 }] }), kubePollMs: 20 });
    assert.equal(r.exitCode, 0, JSON.stringify(r.resources, null, 2));
    const vms = mine(await listVms(h));
    await h.emu.kube.stop();
    const r2 = await applyPlan({ ...base, plan: makePlan({ cpReplicas: 1, ...v131 }), kubePollMs: 20, nodeReadyTimeoutMs: 300 });
    assert.equal(r2.exitCode, 1);
    const text = JSON.stringify(r2.resources);
    assert.match(text, /upgrade step refused: the control plane's Kubernetes version is read and updated through the cluster's API \(kube-system\/kubeadm-config\)/);
    assert.match(text, /no worker is created or replaced/);
    assert.deepEqual(mine(await listVms(h)), vms);
  });
});
