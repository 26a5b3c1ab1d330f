/** Bootstrap tokens and their Secret, as kubeadm writes them. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { BOOTSTRAP_TOKEN_PATTERN, bootstrapTokenSecret, generateBootstrapToken, parseBootstrapToken } from "../../lib/kube";

test("generateBootstrapToken: [a-z0-9]{6}.[a-z0-9]{16}, fresh every time", () => {
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const t = generateBootstrapToken();
    assert.match(t.token, BOOTSTRAP_TOKEN_PATTERN);
    assert.equal(t.token, `${t.id}.${t.secret}`);
    seen.add(t.token);
  }
  assert.equal(seen.size, 200);
});

test("bootstrapTokenSecret: kube-system/bootstrap-token-<id>, type, usages, kubeadm's group, RFC 3339 expiration", () => {
  const tok = parseBootstrapToken("abcdef.0123456789abcdef");
  const s = bootstrapTokenSecret(tok, { ttlMs: 2 * 3600_000, now: new Date("2026-03-01T12:00:00.500Z") });
  assert.deepEqual(s, {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "bootstrap-token-abcdef", namespace: "kube-system" },
    type: "bootstrap.kubernetes.io/token",
    stringData: {
      "auth-extra-groups": "system:bootstrappers:kubeadm:default-node-token",
      description: "created by nutanix-palette-cdk for joining nodes",
      expiration: "2026-03-01T14:00:00Z",
      "token-id": "abcdef",
      "token-secret": "0123456789abcdef",
      "usage-bootstrap-authentication": "true",
      "usage-bootstrap-signing": "true",
    },
  });
});

test("bad tokens and groups are refused without echoing the secret", () => {
  assert.throws(() => parseBootstrapToken("ABCDEF.0123456789abcdef"), (e: Error) => /expected \[a-z0-9\]\{6\}/.test(e.message) && !e.message.includes("0123456789abcdef"));
  assert.throws(() => bootstrapTokenSecret(generateBootstrapToken(), { ttlMs: 1000, groups: ["system:masters"] }), /groups: expected system:bootstrappers:<name>/);
  assert.throws(() => bootstrapTokenSecret(generateBootstrapToken(), { ttlMs: -1 }), /ttlMs: expected a positive duration/);
});
