/**
 * The Kubernetes API client and drain against the emulator's Kubernetes side over loopback mutual TLS:
 * nodes and their Ready condition, cordon, drain (DaemonSet and mirror pods skipped, a PDB that blocks,
 * its timeout), Node deletion, bootstrap-token Secrets that make joins work, kubeadm-config upgrades,
 * and the refusals (foreign CA, non-admin group, unreachable endpoint).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import {
  DrainTimeoutError,
  KubeApiError,
  KubeClient,
  KubeUnreachableError,
  bootstrapTokenSecret,
  drainNode,
  generateBootstrapToken,
  generateCertificateAuthority,
  isNodeReady,
  issueCertificate,
  kubeletVersion,
  isCordoned,
  NodeReadyTimeoutError,
  waitForNodeReady,
} from "../../lib/kube";
import { joinUserData, startCluster } from "../emulator/kube/fixtures";

test("nodes: the init node is listed and turns Ready after nodeReadyMs; kubelet version is read", async () => {
  const c = await startCluster({ nodeReadyMs: 1500, kubernetesVersion: "v1.29.6" });
  try {
    const k = c.client();
    const [first] = await k.listNodes();
    assert.equal(first!.metadata.name, "cp-0");
    assert.equal(isNodeReady(first!), false);
    assert.equal(kubeletVersion(first!), "v1.29.6");
    await sleep(1600);
    assert.equal(isNodeReady((await k.getNode("cp-0"))!), true);
    assert.equal(await k.getNode("nope"), null);
  } finally {
    await c.stop();
  }
});

test("nodesNeverReady: a node exists but never turns Ready", async () => {
  const c = await startCluster({ nodesNeverReady: true });
  try {
    await sleep(50);
    const n = await c.client().getNode("cp-0");
    assert.equal(isNodeReady(n!), false);
    assert.equal(n!.status!.conditions![0]!.reason, "KubeletNotReady");
  } finally {
    await c.stop();
  }
});

test("bootstrap token: a Secret created through the API lets a pinned worker join; a stale or unknown token does not", async () => {
  let now = Date.parse("2026-01-01T00:00:00Z");
  const c = await startCluster({ now: () => now });
  try {
    const k = c.client();
    const tok = generateBootstrapToken();
    const created = await k.createBootstrapTokenSecret(bootstrapTokenSecret(tok, { ttlMs: 3600_000, now: new Date(now) }));
    assert.equal(created.metadata.name, `bootstrap-token-${tok.id}`);
    assert.equal(Buffer.from(created.data!["token-secret"]!, "base64").toString(), tok.secret, "stringData is stored base64 in data");
    await assert.rejects(k.createBootstrapTokenSecret(bootstrapTokenSecret(tok, { ttlMs: 1000 })), (e: unknown) => e instanceof KubeApiError && e.status === 409 && e.reason === "AlreadyExists");

    const ok = c.model.vmPoweredOn({ vmName: "w-0", userData: joinUserData({ hostname: "w-0", token: tok.token, caPem: c.pki.ca.certPem }) });
    assert.deepEqual(ok, { joined: true, nodeName: "w-0" });
    const unknown = generateBootstrapToken();
    const bad = c.model.vmPoweredOn({ vmName: "w-1", userData: joinUserData({ hostname: "w-1", token: unknown.token, caPem: c.pki.ca.certPem }) });
    assert.equal(bad.joined, false);
    assert.match((bad as { reason: string }).reason, /is invalid for this cluster or it has expired/);

    now += 3600_000 + 1000; // past the expiration
    const late = c.model.vmPoweredOn({ vmName: "w-2", userData: joinUserData({ hostname: "w-2", token: tok.token, caPem: c.pki.ca.certPem }) });
    assert.equal(late.joined, false, "an expired token no longer joins");
    assert.equal(await k.getSecret("kube-system", `bootstrap-token-${tok.id}`), null, "the expired token Secret is cleaned up");
    assert.deepEqual((await k.listNodes()).map((n) => n.metadata.name), ["cp-0", "w-0"]);
  } finally {
    await c.stop();
  }
});

test("cordon and drain: DaemonSet and mirror pods stay, others are evicted, then the Node is deleted", async () => {
  const c = await startCluster();
  try {
    const k = c.client();
    const tok = generateBootstrapToken();
    await k.createBootstrapTokenSecret(bootstrapTokenSecret(tok, { ttlMs: 3600_000 }));
    c.model.vmPoweredOn({ vmName: "w-0", userData: joinUserData({ hostname: "w-0", token: tok.token, caPem: c.pki.ca.certPem }) });
    c.model.addPod({ namespace: "default", name: "web-1", nodeName: "w-0", labels: { app: "web" }, owner: { kind: "ReplicaSet", name: "web-7d" } });
    c.model.addPod({ namespace: "default", name: "bare", nodeName: "w-0" });
    c.model.addPod({ namespace: "default", name: "job-done", nodeName: "w-0", phase: "Succeeded", owner: { kind: "Job", name: "j" } });
    c.model.addPod({ namespace: "monitoring", name: "node-exporter-w-0", nodeName: "w-0", owner: { kind: "DaemonSet", name: "node-exporter" } });
    c.model.addPod({ namespace: "kube-system", name: "static-w-0", nodeName: "w-0", mirror: true });

    const lines: string[] = [];
    const r = await drainNode(k, "w-0", { timeoutMs: 5000, retryIntervalMs: 20, log: (l) => lines.push(l) });
    assert.deepEqual(r.evicted, ["default/bare", "default/web-1"]);
    assert.deepEqual(r.deleted, ["default/job-done"]);
    assert.deepEqual(r.skipped, ["kube-system/kube-proxy-w-0", "kube-system/static-w-0", "monitoring/node-exporter-w-0"]);
    assert.equal(isCordoned((await k.getNode("w-0"))!), true);
    assert.deepEqual((await k.listPodsOnNode("w-0")).map((p) => p.metadata.name).sort(), ["kube-proxy-w-0", "node-exporter-w-0", "static-w-0"]);
    assert.ok(lines.includes("cordoned node w-0"));

    await k.cordon("w-0", false);
    assert.equal(isCordoned((await k.getNode("w-0"))!), false, "uncordon clears spec.unschedulable");
    assert.equal(await k.deleteNode("w-0"), true);
    assert.equal(await k.deleteNode("w-0"), false, "a second delete finds nothing");
    assert.equal(await k.getNode("w-0"), null);
  } finally {
    await c.stop();
  }
});

test("drain: a PodDisruptionBudget blocks with 429 until a second replica is up; without it the drain times out", async () => {
  const c = await startCluster();
  try {
    const k = c.client();
    const tok = generateBootstrapToken();
    await k.createBootstrapTokenSecret(bootstrapTokenSecret(tok, { ttlMs: 3600_000 }));
    for (const w of ["w-0", "w-1"]) c.model.vmPoweredOn({ vmName: w, userData: joinUserData({ hostname: w, token: tok.token, caPem: c.pki.ca.certPem }) });
    c.model.addPod({ namespace: "db", name: "pg-0", nodeName: "w-0", labels: { app: "pg" }, owner: { kind: "StatefulSet", name: "pg" } });
    c.model.addPodDisruptionBudget({ namespace: "db", name: "pg-pdb", matchLabels: { app: "pg" }, minAvailable: 1 });

    const blocked = await k.evictPod("db", "pg-0");
    assert.deepEqual(blocked, { result: "blocked", message: "The disruption budget pg-pdb needs 1 healthy pods and has 1 currently" });

    await assert.rejects(drainNode(k, "w-0", { timeoutMs: 150, retryIntervalMs: 20 }), (e: unknown) => {
      assert.ok(e instanceof DrainTimeoutError);
      assert.deepEqual(e.remaining, ["db/pg-0"]);
      assert.match(e.message, /drain of node w-0: 1 pod\(s\) still on it after 150 ms \(db\/pg-0\); last refusal: db\/pg-0: The disruption budget pg-pdb/);
      return true;
    });
    assert.ok(c.model.getPod("db", "pg-0"), "a timed-out drain leaves the pod");

    const drain = drainNode(k, "w-0", { timeoutMs: 5000, retryIntervalMs: 20 });
    await sleep(100);
    c.model.addPod({ namespace: "db", name: "pg-1", nodeName: "w-1", labels: { app: "pg" }, owner: { kind: "StatefulSet", name: "pg" } });
    const r = await drain;
    assert.deepEqual(r.evicted, ["db/pg-0"]);
    assert.deepEqual(await k.evictPod("db", "pg-0"), { result: "gone" });
  } finally {
    await c.stop();
  }
});

test("kubeadm-config: the ClusterConfiguration's kubernetesVersion is read and updated, other fields kept", async () => {
  const c = await startCluster({ kubernetesVersion: "v1.29.6" });
  try {
    const k = c.client();
    const before = await k.getKubeadmConfig();
    assert.equal(before!.kubernetesVersion, "v1.29.6");
    await k.setKubernetesVersion("v1.30.2");
    const after = await k.getKubeadmConfig();
    assert.equal(after!.kubernetesVersion, "v1.30.2");
    assert.match(after!.clusterConfiguration, /clusterName: kubernetes/);
    assert.notEqual(after!.configMap.metadata.resourceVersion, before!.configMap.metadata.resourceVersion);
    // A write with a stale resourceVersion is a 409 Conflict.
    await assert.rejects(
      k.request("PUT", "/api/v1/namespaces/kube-system/configmaps/kubeadm-config", before!.configMap),
      (e: unknown) => e instanceof KubeApiError && e.status === 409 && e.reason === "Conflict",
    );
    await assert.rejects(k.setKubernetesVersion("1.31"), /expected vMAJOR\.MINOR\.PATCH/);
  } finally {
    await c.stop();
  }
});

test("authentication: a certificate from another CA is 401, a non-admin group is 403, the server's CA is pinned", async () => {
  const c = await startCluster();
  try {
    const other = await generateCertificateAuthority("other", { keyAlgorithm: "ECDSA-P256" });
    const stranger = await issueCertificate(other, { commonName: "kubernetes-admin", organizations: ["system:masters"], usage: "client", validityMs: 600_000 });
    await assert.rejects(c.client(stranger).listNodes(), (e: unknown) => e instanceof KubeApiError && e.status === 401 && e.reason === "Unauthorized");
    const viewer = await issueCertificate(c.pki.ca, { commonName: "jane", organizations: ["developers"], usage: "client", validityMs: 600_000 });
    await assert.rejects(c.client(viewer).listNodes(), (e: unknown) => e instanceof KubeApiError && e.status === 403 && /User "jane" cannot get/.test(e.message));
    // The client trusts only the pinned CA: the real cluster CA of another cluster does not verify this server.
    const pinnedWrong = new KubeClient({ endpoint: { host: "127.0.0.1", port: c.api.port, caPem: other.certPem, certPem: c.admin.certPem, keyPem: c.admin.keyPem }, timeoutMs: 2000 });
    await assert.rejects(pinnedWrong.listNodes(), KubeUnreachableError);
    pinnedWrong.close();
    // No key material in any error.
    try {
      await c.client(stranger).listNodes();
    } catch (e) {
      assert.doesNotMatch(String((e as Error).message), /BEGIN|PRIVATE/);
    }
  } finally {
    await c.stop();
  }
});

test("unreachable: a closed loopback port is a KubeUnreachableError naming the endpoint", async () => {
  const c = await startCluster();
  const port = c.api.port;
  await c.stop();
  const k = new KubeClient({ endpoint: { host: "127.0.0.1", port, caPem: c.pki.ca.certPem, certPem: c.admin.certPem, keyPem: c.admin.keyPem }, timeoutMs: 2000 });
  await assert.rejects(k.listNodes(), (e: unknown) => e instanceof KubeUnreachableError && e.code === "ECONNREFUSED" && e.message.includes(`https://127.0.0.1:${port}/api/v1/nodes`));
  k.close();
  assert.throws(() => new KubeClient({ endpoint: { host: "127.0.0.1", port: 0, caPem: "x", certPem: "y", keyPem: "z" } }), /endpoint\.port: expected an integer 1-65535, got 0/);
});

test("waitForNodeReady: returns once Ready; with nodesNeverReady it times out naming the node and its condition", async () => {
  const slow = await startCluster({ nodeReadyMs: 150 });
  try {
    const node = await waitForNodeReady(slow.client(), "cp-0", { timeoutMs: 3000, pollMs: 20 });
    assert.equal(isNodeReady(node), true);
    assert.equal(await slow.client().nodeKubeletVersion("cp-0"), "v1.30.2");
    assert.equal(await slow.client().nodeKubeletVersion("nope"), undefined);
  } finally {
    await slow.stop();
  }
  const never = await startCluster({ nodesNeverReady: true });
  try {
    await assert.rejects(waitForNodeReady(never.client(), "cp-0", { timeoutMs: 100, pollMs: 20 }), (e: unknown) => {
      assert.ok(e instanceof NodeReadyTimeoutError);
      assert.match(e.message, /node cp-0 not Ready after 100 ms \(Ready=False \(KubeletNotReady\)\)/);
      return true;
    });
    await assert.rejects(waitForNodeReady(never.client(), "cp-9", { timeoutMs: 60, pollMs: 20 }), /no Node registered/);
  } finally {
    await never.stop();
  }
});
