/**
 * The emulated cluster's join rules (what kubeadm accepts), node readiness timing, and the etcd member
 * paths served beside the API (read through the real etcd client).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { EtcdClient, KubeApiError, KubeUnreachableError, bootstrapTokenSecret, generateBootstrapToken, generateClusterPki, issueEtcdClientCertificate, isNodeReady } from "../../../lib/kube";
import { KubeClusterModel, readNodeUserData, serveKubeApi } from "../../../lib/emulator/kube";
import { initUserData, joinUserData, startCluster, testPki } from "./fixtures";

test("readNodeUserData: role, token, CA pins, version and the PKI files of the cloud-config", async () => {
  const pki = await testPki();
  const init = readNodeUserData(initUserData(pki, { hostname: "cp-0", kubernetesVersion: "v1.29.6" }));
  assert.equal(init.role, "init");
  assert.equal(init.hostname, "cp-0");
  assert.equal(init.kubernetesVersion, "v1.29.6");
  assert.equal(init.clusterCa?.certPem, pki.ca.certPem, "b64 write_files are decoded");
  assert.equal(init.etcdCa?.keyPem, pki.etcdCa.keyPem);
  const tok = generateBootstrapToken();
  const cp = readNodeUserData(joinUserData({ hostname: "cp-1", token: tok.token, caPem: pki.ca.certPem, controlPlane: pki }));
  assert.equal(cp.role, "control-plane-join");
  assert.equal(cp.token, tok.token);
  assert.equal(cp.caCertHashes.length, 1);
  assert.equal(cp.unsafeSkipCaVerification, false);
  assert.equal(readNodeUserData(joinUserData({ hostname: "w", token: tok.token })).role, "join");
  assert.equal(readNodeUserData("#cloud-config\nhostname: x\n").role, undefined);
});

test("join rules: no cluster before init; one init only; pins must match; kubeadm refuses no pin without unsafeSkip; kubelet newer than the control plane fails", async () => {
  const pki = await testPki();
  const model = new KubeClusterModel();
  const tok = generateBootstrapToken();
  const early = model.vmPoweredOn({ vmName: "w-0", userData: joinUserData({ hostname: "w-0", token: tok.token, caPem: pki.ca.certPem }) });
  assert.deepEqual(early, { joined: false, reason: "no initialised cluster answers at the endpoint: discovery never succeeds" });
  assert.equal(model.vmPoweredOn({ vmName: "cp-0", userData: initUserData(pki, { hostname: "cp-0" }) }).joined, true);
  assert.match((model.vmPoweredOn({ vmName: "cp-9", userData: initUserData(pki, { hostname: "cp-9" }) }) as { reason: string }).reason, /separate cluster/);
  model.createSecret(bootstrapTokenSecret(tok, { ttlMs: 3600_000 }));
  const otherPki = await generateClusterPki({ keyAlgorithm: "ECDSA-P256" });
  const wrongPin = model.vmPoweredOn({ vmName: "w-1", userData: joinUserData({ hostname: "w-1", token: tok.token, caPem: otherPki.ca.certPem }) });
  assert.match((wrongPin as { reason: string }).reason, /caCertHashes matches/);
  const noPin = model.vmPoweredOn({ vmName: "w-2", userData: joinUserData({ hostname: "w-2", token: tok.token }) });
  assert.match((noPin as { reason: string }).reason, /without caCertHashes needs unsafeSkipCAVerification/);
  assert.equal(model.vmPoweredOn({ vmName: "w-3", userData: joinUserData({ hostname: "w-3", token: tok.token, unsafeSkipCaVerification: true }) }).joined, true);
  const newer = model.vmPoweredOn({ vmName: "w-4", userData: joinUserData({ hostname: "w-4", token: tok.token, caPem: pki.ca.certPem, kubernetesVersion: "v1.31.0" }) });
  assert.match((newer as { reason: string }).reason, /kubelet version v1\.31\.0 is higher than the control plane version v1\.30\.2/);
  const cpNoCa = model.vmPoweredOn({ vmName: "cp-1", userData: joinUserData({ hostname: "cp-1", token: tok.token, caPem: pki.ca.certPem, controlPlane: otherPki }) });
  assert.match((cpNoCa as { reason: string }).reason, /needs the cluster's CA files/);
  assert.equal(model.vmPoweredOn({ vmName: "cp-2", userData: joinUserData({ hostname: "cp-2", token: tok.token, caPem: pki.ca.certPem, controlPlane: pki }) }).joined, true);
  assert.deepEqual(model.listNodes().map((n) => n.metadata.name), ["cp-0", "cp-2", "w-3"]);
  assert.deepEqual(model.etcdMembers().map((m) => m.name), ["cp-0", "cp-2"], "control-plane nodes bring an etcd member");
  assert.equal(model.joins.length, 9);
});

test("readiness: Ready after nodeReadyMs; a VM that is gone leaves its Node NotReady", async () => {
  const pki = await testPki();
  const model = new KubeClusterModel({ nodeReadyMs: 100 });
  model.vmPoweredOn({ vmName: "cp-0", userData: initUserData(pki, { hostname: "cp-0" }) });
  assert.equal(isNodeReady(model.getNode("cp-0")!), false);
  await sleep(120);
  assert.equal(isNodeReady(model.getNode("cp-0")!), true);
  model.vmRemoved("cp-0");
  assert.equal(isNodeReady(model.getNode("cp-0")!), false);
});

test("etcd paths beside the API: member list and remove through EtcdClient; the last member cannot be removed; foreign certificates are cut off", async () => {
  const c = await startCluster();
  try {
    const k = c.client();
    const tok = generateBootstrapToken();
    await k.createBootstrapTokenSecret(bootstrapTokenSecret(tok, { ttlMs: 3600_000 }));
    c.model.vmPoweredOn({ vmName: "cp-1", userData: joinUserData({ hostname: "cp-1", token: tok.token, caPem: c.pki.ca.certPem, controlPlane: c.pki }) });
    const cred = await issueEtcdClientCertificate(c.pki.etcdCa, { validityMs: 600_000 });
    const etcd = new EtcdClient({ endpoints: [{ host: "127.0.0.1", port: c.api.port, caPem: c.pki.ca.certPem, certPem: cred.certPem, keyPem: cred.keyPem }], timeoutMs: 3000 });
    try {
      assert.equal(await etcd.healthy(), true);
      const members = await etcd.memberList();
      assert.deepEqual(members.map((m) => m.name), ["cp-0", "cp-1"]);
      assert.match(members[0]!.ID, /^\d+$/);
      const left = await etcd.memberRemove(members[0]!.ID);
      assert.deepEqual(left.map((m) => m.name), ["cp-1"]);
      await assert.rejects(etcd.memberRemove(members[0]!.ID), (e: unknown) => e instanceof KubeApiError && e.status === 404 && /member not found/.test(e.message));
      await assert.rejects(etcd.memberRemove(members[1]!.ID), (e: unknown) => e instanceof KubeApiError && /not enough started members/.test(e.message));
    } finally {
      etcd.close();
    }
    // A cluster-CA admin certificate is not an etcd client certificate.
    const wrong = new EtcdClient({ endpoints: [{ host: "127.0.0.1", port: c.api.port, caPem: c.pki.ca.certPem, certPem: c.admin.certPem, keyPem: c.admin.keyPem }], timeoutMs: 3000 });
    await assert.rejects(wrong.memberList(), KubeUnreachableError);
    wrong.close();
  } finally {
    await c.stop();
  }
});

test("serveKubeApi listens on loopback only", async () => {
  const pki = await testPki();
  await assert.rejects(serveKubeApi({ model: new KubeClusterModel(), ca: pki.ca, host: "0.0.0.0" }), /loopback only/);
});
