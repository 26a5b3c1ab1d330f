/**
 * Server-side apply of a manifest against the emulator's Kubernetes side over loopback mutual TLS: discovery maps
 * kinds to paths (core, groups, a CRD applied in the same manifest), `-n` fills the namespace of namespaced objects,
 * a second apply configures what the first created, and the API's refusals (unknown kind, missing namespace, bad
 * YAML) name the manifest and the object.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { applyManifest, applyOrder, discoveryPath, parseManifest, KubeError, KubeInputError } from "../../lib/kube";
import { startCluster } from "../emulator/kube/fixtures";

const MANIFEST = `
apiVersion: v1
kind: ConfigMap
metadata:
  name: agent-config
data:
  overlordUid: "abc"
---
apiVersion: example.com/v1
kind: Widget
metadata:
  name: w1
spec:
  size: 2
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: { plural: widgets, kind: Widget }
  versions: [{ name: v1, served: true, storage: true }]
---
apiVersion: v1
kind: Namespace
metadata:
  name: agents
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: agent
rules: []
---
`;

test("parseManifest / applyOrder / discoveryPath: documents, Lists, namespaces and CRDs first", () => {
  const objs = parseManifest(MANIFEST, "m");
  assert.deepEqual(objs.map((o) => o.kind), ["ConfigMap", "Widget", "CustomResourceDefinition", "Namespace", "ClusterRole"]);
  assert.deepEqual(applyOrder(objs).map((o) => o.kind), ["Namespace", "CustomResourceDefinition", "ConfigMap", "Widget", "ClusterRole"]);
  const list = parseManifest("apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: b}}\n", "l");
  assert.deepEqual(list.map((o) => o.metadata.name), ["a", "b"]);
  assert.equal(discoveryPath("v1"), "/api/v1");
  assert.equal(discoveryPath("apps/v1"), "/apis/apps/v1");
  assert.throws(() => parseManifest("apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n", "the Jet manifest"), (e: unknown) => e instanceof KubeInputError && /the Jet manifest: document 1 \(ConfigMap\): metadata.name/.test(e.message));
  assert.throws(() => parseManifest("a: [\n", "x"), /x: document 1 is not valid YAML/);
});

test("applyManifest: creates through discovery (a CRD's kind included), fills -n, and a second apply configures", async () => {
  const c = await startCluster({});
  try {
    const k = c.client();
    const first = await applyManifest(k, MANIFEST, { fieldManager: "nutanix-handler", namespace: "agents", what: "test manifest" });
    assert.deepEqual(first.map((o) => `${o.kind} ${o.namespace ?? "-"}/${o.name} ${o.result}`), [
      "Namespace -/agents created",
      "CustomResourceDefinition -/widgets.example.com created",
      "ConfigMap agents/agent-config created",
      "Widget agents/w1 created",
      "ClusterRole -/agent created",
    ]);
    const cm = await k.request<{ data: Record<string, string>; metadata: { namespace: string; uid: string } }>("GET", "/api/v1/namespaces/agents/configmaps/agent-config");
    assert.equal(cm.data.overlordUid, "abc");
    const w = await k.request<{ spec: { size: number } }>("GET", "/apis/example.com/v1/namespaces/agents/widgets/w1");
    assert.equal(w.spec.size, 2);
    const again = await applyManifest(k, MANIFEST.replace('overlordUid: "abc"', 'overlordUid: "def"'), { fieldManager: "nutanix-handler", namespace: "agents", what: "test manifest" });
    assert.ok(again.every((o) => o.result === "configured"), JSON.stringify(again));
    const cm2 = await k.request<{ data: Record<string, string>; metadata: { uid: string } }>("GET", "/api/v1/namespaces/agents/configmaps/agent-config");
    assert.equal(cm2.data.overlordUid, "def");
    assert.equal(cm2.metadata.uid, cm.metadata.uid, "the same object, configured");
    assert.equal(c.api.counts.get("PATCH /api/v1/namespaces/agents/configmaps/agent-config"), 2);
  } finally {
    await c.stop();
  }
});

test("applyManifest: an unknown kind, a missing namespace and a non-apply PATCH are refused with the object named", async () => {
  const c = await startCluster({});
  try {
    const k = c.client();
    await assert.rejects(applyManifest(k, "apiVersion: nope.io/v1\nkind: Gadget\nmetadata: {name: g}\n", { fieldManager: "h", what: "the Ally manifest" }), (e: unknown) => e instanceof KubeError && /the Ally manifest: Gadget g: the cluster serves no Gadget in nope.io\/v1/.test(e.message));
    await assert.rejects(applyManifest(k, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: missing}\n", { fieldManager: "h", what: "m" }), /m: ConfigMap missing\/x: the API refused the apply: .*404 NotFound: namespaces "missing" not found/);
    await assert.rejects(k.request("PATCH", "/api/v1/namespaces/default/configmaps/x?fieldManager=h", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" } }, "application/merge-patch+json"), /415/);
    await assert.rejects(k.request("PATCH", "/api/v1/namespaces/default/configmaps/x", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" } }, "application/apply-patch+yaml"), /400 BadRequest: .*fieldManager is required/);
  } finally {
    await c.stop();
  }
});
