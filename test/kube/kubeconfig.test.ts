/** The admin kubeconfig: fixed key order, YAML 1.1-safe strings, the CA and client certificate round-trip. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { parse } from "yaml";
import { generateCertificateAuthority, isIssuedBy, issueAdminCertificate, renderKubeconfig, serverUrl } from "../../lib/kube";

interface Kubeconfig {
  clusters: Array<{ name: string; cluster: { server: string; "certificate-authority-data": string } }>;
  users: Array<{ name: string; user: { "client-certificate-data": string; "client-key-data": string } }>;
  contexts: Array<{ name: string; context: { cluster: string; user: string } }>;
  "current-context": string;
}

test("renderKubeconfig: server, CA and client credential; deterministic; a cluster named `on` stays a string for YAML 1.1 readers", async () => {
  const ca = await generateCertificateAuthority("kubernetes", { keyAlgorithm: "ECDSA-P256" });
  const cred = await issueAdminCertificate(ca, { kubernetesVersion: "v1.30.2", validityMs: 3600_000 });
  const input = { clusterName: "on", host: "10.0.0.10", port: 8443, caPem: ca.certPem, certPem: cred.certPem, keyPem: cred.keyPem };
  const text = renderKubeconfig(input);
  assert.equal(renderKubeconfig(input), text, "same input, same bytes");
  assert.deepEqual(
    text.split("\n").filter((l) => /^\S/.test(l)).map((l) => l.split(":")[0]),
    ["apiVersion", "kind", "clusters", "contexts", "current-context", "preferences", "users"],
  );
  const doc = parse(text, { version: "1.1" }) as Kubeconfig;
  assert.equal(doc.clusters[0]!.name, "on", "YAML 1.1 would read an unquoted on as true");
  assert.equal(doc.clusters[0]!.cluster.server, "https://10.0.0.10:8443");
  const caBack = Buffer.from(doc.clusters[0]!.cluster["certificate-authority-data"], "base64").toString();
  const certBack = Buffer.from(doc.users[0]!.user["client-certificate-data"], "base64").toString();
  assert.equal(caBack, ca.certPem);
  assert.equal(isIssuedBy(certBack, caBack), true);
  assert.equal(doc["current-context"], "kubernetes-admin@on");
  assert.deepEqual(doc.contexts[0]!.context, { cluster: "on", user: "kubernetes-admin" });
});

test("serverUrl brackets IPv6 and refuses bad ports and hosts", () => {
  assert.equal(serverUrl("fd00::10", 6443), "https://[fd00::10]:6443");
  assert.throws(() => serverUrl("10.0.0.1", 70000), /port: expected an integer 1-65535, got 70000/);
  assert.throws(() => serverUrl("a b", 6443), /host: expected an IP address or DNS name/);
  assert.throws(() => renderKubeconfig({ clusterName: "c", host: "h", port: 1, caPem: "x", certPem: "y", keyPem: "z" }), /caPem: expected PEM data/);
});
