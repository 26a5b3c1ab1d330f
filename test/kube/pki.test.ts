/**
 * The cluster PKI: kubeadm's file layout and modes, CA and leaf certificate shapes checked with OpenSSL
 * where it is installed (an independent implementation), random keys, the admin group per version, and
 * kubeadm's CA pin.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { X509Certificate, createPrivateKey } from "node:crypto";
import { promises as fsp } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  KubeInputError,
  PKI_DIR,
  adminGroup,
  caCertHash,
  generateCertificateAuthority,
  generateClusterPki,
  isIssuedBy,
  issueAdminCertificate,
  issueCertificate,
  issueEtcdClientCertificate,
  pkiFiles,
} from "../../lib/kube";

const haveOpenssl = spawnSync("openssl", ["version"]).status === 0;

test("generateClusterPki (RSA-2048, kubeadm's default): three CAs and an sa key pair at kubeadm's paths and modes", async () => {
  const now = new Date("2026-03-01T12:00:00Z");
  const pki = await generateClusterPki({ now });
  const files = pkiFiles(pki);
  assert.deepEqual(
    files.map((f) => [f.path, f.permissions]),
    [
      [`${PKI_DIR}/ca.crt`, "0644"],
      [`${PKI_DIR}/ca.key`, "0600"],
      [`${PKI_DIR}/etcd/ca.crt`, "0644"],
      [`${PKI_DIR}/etcd/ca.key`, "0600"],
      [`${PKI_DIR}/front-proxy-ca.crt`, "0644"],
      [`${PKI_DIR}/front-proxy-ca.key`, "0600"],
      [`${PKI_DIR}/sa.key`, "0600"],
      [`${PKI_DIR}/sa.pub`, "0644"],
    ],
  );
  assert.equal(PKI_DIR, "/etc/kubernetes/pki");
  for (const [ca, cn] of [[pki.ca, "kubernetes"], [pki.etcdCa, "etcd-ca"], [pki.frontProxyCa, "front-proxy-ca"]] as const) {
    const x = new X509Certificate(ca.certPem);
    assert.equal(x.subject, `CN=${cn}`);
    assert.equal(x.issuer, `CN=${cn}`);
    assert.equal(x.ca, true);
    assert.match(ca.keyPem, /^-----BEGIN RSA PRIVATE KEY-----/, "PKCS#1, as kubeadm writes RSA keys");
    assert.equal(createPrivateKey(ca.keyPem).asymmetricKeyDetails?.modulusLength, 2048);
    assert.ok(x.checkPrivateKey(createPrivateKey(ca.keyPem)));
    assert.equal(new Date(x.validTo).getTime() - now.getTime(), 3650 * 24 * 3600_000, "ten years, kubeadm's CA validity");
  }
  assert.match(pki.serviceAccount.keyPem, /^-----BEGIN RSA PRIVATE KEY-----/);
  assert.match(pki.serviceAccount.publicKeyPem, /^-----BEGIN PUBLIC KEY-----/);
  const caKeys = new Set([pki.ca.keyPem, pki.etcdCa.keyPem, pki.frontProxyCa.keyPem, pki.serviceAccount.keyPem]);
  assert.equal(caKeys.size, 4, "every key is its own");
});

test("two PKIs never share a key (random, not derived from any input)", async () => {
  const [a, b] = await Promise.all([generateClusterPki({ keyAlgorithm: "ECDSA-P256" }), generateClusterPki({ keyAlgorithm: "ECDSA-P256" })]);
  assert.notEqual(a.ca.keyPem, b.ca.keyPem);
  assert.notEqual(caCertHash(a.ca.certPem), caCertHash(b.ca.certPem));
  assert.match(a.ca.keyPem, /^-----BEGIN EC PRIVATE KEY-----/, "SEC 1, as kubeadm writes ECDSA keys");
});

test("admin certificate: CN kubernetes-admin, O kubeadm:cluster-admins from 1.29 (system:masters before), clientAuth, short validity", async () => {
  const ca = await generateCertificateAuthority("kubernetes", { keyAlgorithm: "ECDSA-P256" });
  const now = new Date("2026-03-01T12:00:00Z");
  const cert = await issueAdminCertificate(ca, { kubernetesVersion: "v1.30.2", validityMs: 3600_000, now });
  const x = new X509Certificate(cert.certPem);
  assert.equal(x.subject, "O=kubeadm:cluster-admins\nCN=kubernetes-admin");
  assert.equal(x.ca, false);
  assert.deepEqual(x.keyUsage, ["1.3.6.1.5.5.7.3.2"], "extKeyUsage clientAuth only");
  assert.equal(new Date(x.validTo).getTime() - now.getTime(), 3600_000);
  assert.equal(isIssuedBy(cert.certPem, ca.certPem, now), true);
  assert.equal(isIssuedBy(cert.certPem, ca.certPem, new Date(now.getTime() + 2 * 3600_000)), false, "expired");
  assert.equal(adminGroup("v1.28.9"), "system:masters");
  assert.equal(adminGroup("1.29.0"), "kubeadm:cluster-admins");
  assert.throws(() => adminGroup("latest"), /kubernetesVersion: expected vMAJOR\.MINOR\.PATCH, got "latest"/);
});

test("leaf certificates never outlive their CA; bad inputs name the field", async () => {
  const now = new Date("2026-03-01T12:00:00Z");
  const ca = await generateCertificateAuthority("etcd-ca", { keyAlgorithm: "ECDSA-P256", validityDays: 1, now });
  const leaf = await issueEtcdClientCertificate(ca, { validityMs: 30 * 24 * 3600_000, now });
  assert.equal(new X509Certificate(leaf.certPem).validTo, new X509Certificate(ca.certPem).validTo);
  await assert.rejects(issueCertificate(ca, { commonName: "x", usage: "client", validityMs: 0 }), /validityMs: expected a positive validity, got 0/);
  await assert.rejects(issueCertificate({ certPem: ca.certPem, keyPem: "nope" }, { commonName: "x", usage: "client", validityMs: 1000 }), KubeInputError);
  assert.throws(() => caCertHash("not a cert"), /caPem: expected a PEM X\.509 certificate/);
});

test("caCertHash is kubeadm's pin: sha256 of the SubjectPublicKeyInfo (checked against OpenSSL)", { skip: haveOpenssl ? false : "openssl not installed" }, async () => {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), "kube-pki-"));
  try {
    const pki = await generateClusterPki({ keyAlgorithm: "ECDSA-P256" });
    const server = await issueCertificate(pki.ca, { commonName: "kube-apiserver", usage: "server", dnsNames: ["kubernetes"], ipAddresses: ["10.0.0.10"], validityMs: 3600_000 });
    await fsp.writeFile(path.join(dir, "ca.crt"), pki.ca.certPem);
    await fsp.writeFile(path.join(dir, "server.crt"), server.certPem);
    const spki = spawnSync("sh", ["-c", `openssl x509 -pubkey -noout -in "${dir}/ca.crt" | openssl pkey -pubin -outform der | openssl dgst -sha256 -hex`], { encoding: "utf8" });
    assert.equal(caCertHash(pki.ca.certPem), `sha256:${/([0-9a-f]{64})/.exec(spki.stdout)![1]}`);
    const verify = spawnSync("openssl", ["verify", "-purpose", "sslserver", "-CAfile", path.join(dir, "ca.crt"), path.join(dir, "server.crt")], { encoding: "utf8" });
    assert.equal(verify.status, 0, verify.stderr);
    const text = spawnSync("openssl", ["x509", "-noout", "-ext", "subjectAltName", "-in", path.join(dir, "server.crt")], { encoding: "utf8" }).stdout;
    assert.match(text, /DNS:kubernetes, IP Address:10\.0\.0\.10/);
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
});
