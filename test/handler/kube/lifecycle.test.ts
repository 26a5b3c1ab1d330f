/**
 * Day 2 against the emulator's Kubernetes side over loopback: the kubeconfig command's CA and client
 * certificate, fresh join tokens per apply, and --nodes-never-ready with --node-ready-timeout (a new
 * control plane stops at its first VM; a control-plane image change deletes no old VM).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { parse } from "yaml";
import { applyPlan, planDiff } from "../../../lib/handler";
import { clusterKubeconfig } from "../../../lib/handler/kube/kubeconfig";
import { isIssuedBy } from "../../../lib/kube/pki";
import { IMAGE_B, listVms, makePlan, withTarget } from "../fixtures";
import type { VmEntity } from "../../../lib/prism/types";

const userData = (vm: VmEntity): string => Buffer.from(vm.spec.resources.guest_customization!.cloud_init!.user_data!, "base64").toString("utf8");
const caOf = (vm: VmEntity): string =>
  (parse(userData(vm), { version: "1.1" }) as { write_files: Array<{ path: string; content: string }> }).write_files.find((f) => f.path === "/etc/kubernetes/pki/ca.crt")!.content;
const tokenOf = (vm: VmEntity): string => /\btoken: ["']?([a-z0-9]{6}\.[a-z0-9]{16})/.exec(userData(vm))![1]!;
const mine = (vms: VmEntity[]): VmEntity[] => vms.filter((v) => v.metadata.categories?.NpcStack === "t1");

test("kubeconfig: its CA is the one the control-plane nodes carry and it signed the client certificate; a later scale-up gets a fresh token", async () => {
  await withTarget({}, async ({ h, base }) => {
    const r = await applyPlan({ ...base, plan: makePlan({ cpReplicas: 1, workers: [{ name: "md", replicas: 1 }] }), kubePollMs: 20 });
    assert.equal(r.exitCode, 0, JSON.stringify(r.resources, null, 2));
    const cp1 = (await listVms(h)).find((v) => v.spec.name === "web-cp-1")!;
    const ca = caOf(cp1);
    const kc = parse(await clusterKubeconfig({ ...base, plan: makePlan({ cpReplicas: 1, workers: [{ name: "md", replicas: 1 }] }), cluster: "t1/web" })) as {
      clusters: Array<{ cluster: { server: string; "certificate-authority-data": string } }>;
      users: Array<{ user: { "client-certificate-data": string } }>;
    };
    const kcCa = Buffer.from(kc.clusters[0]!.cluster["certificate-authority-data"], "base64").toString();
    assert.equal(kcCa.trim(), ca.trim());
    assert.equal(kc.clusters[0]!.cluster.server, "https://10.20.0.10:6443");
    assert.ok(isIssuedBy(Buffer.from(kc.users[0]!.user["client-certificate-data"], "base64").toString(), ca));

    const md1 = (await listVms(h)).find((v) => v.spec.name === "web-md-1")!;
    const r2 = await applyPlan({ ...base, plan: makePlan({ cpReplicas: 1, workers: [{ name: "md", replicas: 2 }] }), kubePollMs: 20 });
    assert.equal(r2.exitCode, 0, JSON.stringify(r2.resources, null, 2));
    const md2 = (await listVms(h)).find((v) => v.spec.name === "web-md-2")!;
    assert.notEqual(tokenOf(md2), tokenOf(md1), "a later apply does not reuse the first apply's token");
    const joins = h.emu.kube.model("10.20.0.10:6443")!.joins;
    assert.ok(joins.every((j) => j.result.joined), JSON.stringify(joins));
  });
});

test("--nodes-never-ready: a new 3-node control plane stops at its first VM and exits non-zero after --node-ready-timeout", async () => {
  await withTarget({ nodesNeverReady: true }, async ({ h, base }) => {
    const r = await applyPlan({ ...base, plan: makePlan({ cpReplicas: 3, workers: [] }), nodeReadyTimeoutMs: 400, kubePollMs: 50 });
    assert.equal(r.exitCode, 1);
    assert.match(JSON.stringify(r.resources), /node web-cp-1 not Ready/);
    assert.deepEqual(mine(await listVms(h)).map((v) => v.spec.name), ["web-cp-1"]);
  });
});

test("--nodes-never-ready: a control-plane image change deletes no old VM, with at most one replacement in flight", async () => {
  await withTarget({}, async ({ h, base }) => {
    const r = await applyPlan({ ...base, plan: makePlan({ cpReplicas: 3, workers: [] }), kubePollMs: 20 });
    assert.equal(r.exitCode, 0, JSON.stringify(r.resources, null, 2));
    for (const key of ["10.20.0.10:6443"]) h.emu.kube.model(key)!.nodesNeverReady = true;
    const r2 = await applyPlan({ ...base, plan: makePlan({ cpReplicas: 3, workers: [], cpImage: IMAGE_B }), nodeReadyTimeoutMs: 400, kubePollMs: 50 });
    assert.equal(r2.exitCode, 1);
    const names = mine(await listVms(h)).map((v) => v.spec.name).sort();
    for (const old of ["web-cp-1", "web-cp-2", "web-cp-3"]) assert.ok(names.includes(old), `${old} kept: ${names.join(", ")}`);
    assert.equal(names.length, 4, `one replacement in flight: ${names.join(", ")}`);
  });
});

test("a downgrade and a skipped minor are refused by plan and apply with 0 writes", async () => {
  await withTarget({}, async ({ h, base }) => {
    const r = await applyPlan({ ...base, plan: makePlan({ cpReplicas: 1, workers: [] }), kubePollMs: 20 });
    assert.equal(r.exitCode, 0, JSON.stringify(r.resources, null, 2));
    for (const [version, why] of [["1.29.8", /downgrade from v1\.30\.5 to v1\.29\.8/], ["1.32.1", /skips 1 minor version/]] as const) {
      const p = await planDiff({ ...base, plan: makePlan({ cpReplicas: 1, workers: [], kubernetesVersion: version }) });
      assert.match(JSON.stringify(p.diffs), why);
      const before = (await h.admin<{ writes?: number }>("GET", "/counters")) as Record<string, unknown>;
      const a = await applyPlan({ ...base, plan: makePlan({ cpReplicas: 1, workers: [], kubernetesVersion: version }), kubePollMs: 20 });
      assert.equal(a.exitCode, 1);
      assert.match(JSON.stringify(a.resources), why);
      const after = (await h.admin<{ writes?: number }>("GET", "/counters")) as Record<string, unknown>;
      assert.deepEqual(after.writes, before.writes, "0 writes");
    }
  });
});
