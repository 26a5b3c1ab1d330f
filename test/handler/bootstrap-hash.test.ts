/**
 * bootstrapInputsHash (issue 14, items 8–9): what a node reads from its user data only at first boot rolls the
 * pool when it changes — proxy, SSH keys, as well as version, endpoint, labels, taints; the CNI does not (only
 * the init node applies it, once), and a changed CNI of a live cluster is noted instead. Tables, then one
 * emulator run: a proxy added to a live cluster rolls its nodes and reaches their user data.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { applyPlan, planDiff } from "../../lib/handler";
import { bootstrapInputsHash, cniAppliedBy, cniChangeNote, userDataOf } from "../../lib/handler/userdata";
import { nodeUserData } from "../../lib/render/cloud-init";
import type { NutanixClusterSpec } from "../../lib/schema/cluster";
import type { NodePoolSpec } from "../../lib/schema/node-pool";
import { CLUSTER, CP_POOL, DEFAULT_POOL, ENDPOINT, SECRETS } from "../render/fixtures";
import { ed25519KeyLine } from "../helpers/ssh-key";
import { listVms, makePlan, withTarget } from "./fixtures";

const PROXY = { httpProxy: "http://proxy.example.com:3128", httpsProxy: "http://proxy.example.com:3128", noProxy: [".example.com"] };
const base = bootstrapInputsHash(CLUSTER, ENDPOINT, DEFAULT_POOL);
const rows: Array<{ name: string; cluster?: Partial<NutanixClusterSpec>; pool?: Partial<NodePoolSpec>; rolls: boolean }> = [
  { name: "nothing changed", rolls: false },
  { name: "a proxy added", cluster: { proxy: PROXY }, rolls: true },
  { name: "the proxy's noProxy changed", cluster: { proxy: { ...PROXY, noProxy: [".corp"] } }, rolls: true },
  { name: "the proxy's CA added", cluster: { proxy: { ...PROXY, caCertificate: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----" } }, rolls: true },
  { name: "cluster SSH keys added", cluster: { sshAuthorizedKeys: [ed25519KeyLine(1)] }, rolls: true },
  { name: "pool SSH keys added", pool: { sshAuthorizedKeys: [ed25519KeyLine(2)] }, rolls: true },
  { name: "empty SSH key lists are no keys", cluster: { sshAuthorizedKeys: [] }, pool: { sshAuthorizedKeys: [] }, rolls: false },
  { name: "the node subnet changed without a proxy (not in the user data)", cluster: { nodeNetwork: { cidr: "10.99.0.0/24", ipPool: [] } }, rolls: false },
  { name: "the CNI changed (applied once by the init node, never by a roll)", cluster: { cni: { plugin: "cilium", version: "1.16.1" } }, rolls: false },
  { name: "the Kubernetes version changed", cluster: { kubernetesVersion: "1.31.2" }, rolls: true },
  { name: "a taint added", pool: { taints: [{ key: "gpu", value: "yes", effect: "NoSchedule" }] }, rolls: true },
];
for (const row of rows) {
  test(`bootstrapInputsHash: ${row.name} → ${row.rolls ? "roll" : "no roll"}`, () => {
    const h = bootstrapInputsHash({ ...CLUSTER, ...row.cluster }, ENDPOINT, { ...DEFAULT_POOL, ...row.pool });
    assert.equal(h !== base, row.rolls);
  });
}

test("bootstrapInputsHash: with a proxy, the node subnet is in NO_PROXY, so a change of it rolls", () => {
  const withProxy = { ...CLUSTER, proxy: PROXY };
  const moved = { ...withProxy, nodeNetwork: { cidr: "10.99.0.0/24", ipPool: [] } };
  assert.notEqual(bootstrapInputsHash(withProxy, ENDPOINT, DEFAULT_POOL), bootstrapInputsHash(moved, ENDPOINT, DEFAULT_POOL));
});

test("cniAppliedBy reads the init node's manifest URL; cniChangeNote notes a change and only then", () => {
  const calico = { ...CLUSTER, cni: { plugin: "calico" as const, version: "3.28.1" } };
  const init = nodeUserData({ cluster: calico, endpoint: ENDPOINT, pool: CP_POOL, vmName: "pcg-host-cp-1", role: "init", secrets: SECRETS });
  const join = nodeUserData({ cluster: calico, endpoint: ENDPOINT, pool: CP_POOL, vmName: "pcg-host-cp-2", role: "control-plane-join", secrets: SECRETS });
  const none = nodeUserData({ cluster: { ...CLUSTER, cni: { plugin: "none" } }, endpoint: ENDPOINT, pool: CP_POOL, vmName: "pcg-host-cp-1", role: "init", secrets: SECRETS });
  const url = "https://raw.githubusercontent.com/projectcalico/calico/v3.28.1/manifests/calico.yaml";
  assert.equal(cniAppliedBy(init), url);
  assert.equal(cniAppliedBy(join), null, "a join applies no CNI and says nothing about it");
  assert.equal(cniAppliedBy(none), undefined);
  assert.equal(cniChangeNote("web", new Set([url]), url), undefined);
  assert.equal(cniChangeNote("web", new Set(), url), undefined, "no init VM left: nothing known");
  const note = cniChangeNote("web", new Set([url]), "https://raw.githubusercontent.com/cilium/cilium/v1.16.1/install/kubernetes/quick-install.yaml");
  assert.match(note ?? "", /^cni of cluster web: the init node applied https:\/\/raw\.githubusercontent\.com\/projectcalico\/calico\/v3\.28\.1\/manifests\/calico\.yaml, the plan says https:\/\/raw\.githubusercontent\.com\/cilium\/cilium\/v1\.16\.1\/.*no node rolls/);
  assert.match(cniChangeNote("web", new Set([undefined]), url) ?? "", /the init node applied none, the plan says https/);
});

test("a proxy added to a live cluster rolls its nodes; the new nodes' user data carry it", async () => {
  await withTarget({}, async ({ h, base: target }) => {
    const r = await applyPlan({ ...target, plan: makePlan({ cpReplicas: 1, workers: [{ name: "md", replicas: 1 }] }), kubePollMs: 20 });
    assert.equal(r.exitCode, 0, JSON.stringify(r.resources, null, 2));
    const proxied = makePlan({ cpReplicas: 1, workers: [{ name: "md", replicas: 1 }], proxy: { httpsProxy: "http://proxy.example.com:3128" } });
    const p = await planDiff({ ...target, plan: proxied });
    for (const id of ["t1/web/cp", "t1/web/md"]) {
      const d = p.diffs.find((x) => x.id === id)!;
      assert.equal(d.action, "replace", id);
      assert.ok(d.vms.every((v) => v.op === "replace" && v.changes.some((c) => c.field.startsWith("bootstrap inputs"))), JSON.stringify(d.vms));
    }
    const r2 = await applyPlan({ ...target, plan: proxied, kubePollMs: 20 });
    assert.equal(r2.exitCode, 0, JSON.stringify(r2.resources, null, 2));
    const vms = (await listVms(h)).filter((v) => v.metadata.categories?.NpcStack === "t1");
    assert.deepEqual(vms.map((v) => v.spec.name.replace(/-[0-9a-f]{6}$/, "")).sort(), ["web-cp-1", "web-md-1"]);
    for (const v of vms) {
      assert.match(v.spec.name, /-[0-9a-f]{6}$/, "a replacement");
      assert.match(userDataOf(v) ?? "", /HTTPS_PROXY=http:\/\/proxy\.example\.com:3128/, v.spec.name);
    }
    const again = await planDiff({ ...target, plan: proxied });
    assert.deepEqual(again.diffs.filter((d) => d.action !== "no-change").map((d) => d.id), [], "converged");
  });
});
