/**
 * The handler owns the cluster PKI (issue 14, item 1), against the emulator over loopback: one kubeadm init
 * node per cluster, every join pins the CA that the control-plane nodes carry at /etc/kubernetes/pki/ca.crt,
 * no unsafeSkipCAVerification, no --upload-certs, and later runs read the same PKI back from Prism Central.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { parse } from "yaml";
import { applyPlan } from "../../../lib/handler";
import { caCertHash, generateClusterPki, pkiFiles } from "../../../lib/kube/pki";
import { decidePkiReadback, pkiFromUserData } from "../../../lib/handler/kube/pki-readback";
import { listVms, makePlan, withTarget } from "../fixtures";
import type { VmEntity } from "../../../lib/prism/types";

const userData = (vm: VmEntity): string => Buffer.from(vm.spec.resources.guest_customization!.cloud_init!.user_data!, "base64").toString("utf8");
const files = (ud: string): Map<string, string> =>
  new Map(((parse(ud, { version: "1.1" }) as { write_files: Array<{ path: string; content: string }> }).write_files ?? []).map((f) => [f.path, f.content]));
const kubeadmDocs = (ud: string): Array<Record<string, unknown>> => {
  const f = files(ud);
  const text = f.get("/run/kubeadm/kubeadm.yaml") ?? f.get("/run/kubeadm/kubeadm-join-config.yaml") ?? "";
  return text.split(/^---$/m).map((d) => parse(d) as Record<string, unknown>).filter(Boolean);
};

test("first apply: one kubeadm init node, every control-plane node carries the same PKI, every join pins its CA", async () => {
  await withTarget({}, async ({ h, base }) => {
    const r = await applyPlan({ ...base, plan: makePlan({ cpReplicas: 3 }) });
    assert.equal(r.exitCode, 0, JSON.stringify(r.resources, null, 2));
    const vms = (await listVms(h)).filter((v) => v.metadata.categories?.NpcStack === "t1");
    assert.equal(vms.length, 5);
    const inits = vms.filter((v) => /\bkubeadm init\b/.test(userData(v)));
    assert.deepEqual(inits.map((v) => v.spec.name), ["web-cp-1"]);
    const cas = new Set(vms.filter((v) => v.metadata.categories?.NpcPool === "cp").map((v) => files(userData(v)).get("/etc/kubernetes/pki/ca.crt")));
    assert.equal(cas.size, 1);
    const ca = [...cas][0]!;
    assert.match(ca, /BEGIN CERTIFICATE/);
    const pin = caCertHash(ca);
    for (const vm of vms) {
      const ud = userData(vm);
      assert.ok(!/unsafeSkipCAVerification/.test(ud), `${vm.spec.name} skips CA verification`);
      assert.ok(!/--upload-certs|certificateKey/.test(ud), `${vm.spec.name} uploads certificates`);
      if (vm.spec.name === "web-cp-1") continue;
      const join = kubeadmDocs(ud).find((d) => d.kind === "JoinConfiguration") as { discovery: { bootstrapToken: { caCertHashes: string[] } } };
      assert.deepEqual(join.discovery.bootstrapToken.caCertHashes, [pin], vm.spec.name);
      if (vm.metadata.categories?.NpcPool !== "cp") assert.ok(!files(ud).has("/etc/kubernetes/pki/ca.key"), "workers never get the CA key");
    }

    // A later scale-up reads the same PKI back from Prism Central.
    const r2 = await applyPlan({ ...base, plan: makePlan({ cpReplicas: 3, workers: [{ name: "md", replicas: 3 }] }) });
    assert.equal(r2.exitCode, 0, JSON.stringify(r2.resources, null, 2));
    const md3 = (await listVms(h)).find((v) => v.spec.name === "web-md-3")!;
    const join = kubeadmDocs(userData(md3)).find((d) => d.kind === "JoinConfiguration") as { discovery: { bootstrapToken: { caCertHashes: string[] } } };
    assert.deepEqual(join.discovery.bootstrapToken.caCertHashes, [pin]);
  });
});

test("a worker pool applied alone before its control plane exists is refused, with nothing written", async () => {
  await withTarget({}, async ({ h, base }) => {
    const r = await applyPlan({ ...base, plan: makePlan(), resource: "t1/web/md", nodeReadyTimeoutMs: 300, kubePollMs: 50 });
    assert.equal(r.exitCode, 1);
    assert.match(JSON.stringify(r.resources), /no control-plane VM exists yet, so there is no cluster CA to join to; apply t1\/web\/cp first/);
    assert.equal((await listVms(h)).filter((v) => v.metadata.categories?.NpcStack === "t1").length, 0);
  });
});

test("read-back: the PKI in user data round-trips; two different PKIs are refused; VMs without one are listed", async () => {
  const a = await generateClusterPki({ keyAlgorithm: "ECDSA-P256" });
  const b = await generateClusterPki({ keyAlgorithm: "ECDSA-P256" });
  const ud = (p: typeof a): string =>
    `#cloud-config\nwrite_files:\n${pkiFiles(p).map((f) => `- path: ${f.path}\n  permissions: "${f.permissions}"\n  content: |\n${f.content.trimEnd().split("\n").map((l) => `    ${l}`).join("\n")}\n`).join("")}`;
  assert.equal(pkiFromUserData(ud(a))?.ca.certPem.trim(), a.ca.certPem.trim());
  assert.equal(pkiFromUserData("#cloud-config\nwrite_files: []\n"), undefined);
  const found = decidePkiReadback("web", [{ name: "web-cp-2", userData: ud(a) }, { name: "web-cp-1", userData: ud(a) }]);
  assert.equal(found.kind, "found");
  assert.deepEqual(found.kind === "found" ? found.from : [], ["web-cp-1", "web-cp-2"]);
  const conflict = decidePkiReadback("web", [{ name: "web-cp-1", userData: ud(a) }, { name: "web-cp-2", userData: ud(b) }]);
  assert.equal(conflict.kind, "conflict");
  assert.match(conflict.kind === "conflict" ? conflict.message : "", /cluster web: control-plane VMs carry different PKIs .*web-cp-1 vs web-cp-2/);
  assert.deepEqual(decidePkiReadback("web", [{ name: "web-cp-1", userData: "#cloud-config\n" }]), { kind: "none", without: ["web-cp-1"] });
});
