/** Which pods a drain evicts, skips or deletes (kubectl drain with --ignore-daemonsets --delete-emptydir-data --force). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { drainAction, podsToRemove, type Pod } from "../../lib/kube";

const pod = (name: string, over: Partial<Pod["metadata"]> = {}, phase: NonNullable<Pod["status"]>["phase"] = "Running"): Pod => ({
  metadata: { name, namespace: "default", ...over },
  spec: { nodeName: "w-0", volumes: [{ name: "scratch", emptyDir: {} }] },
  status: { phase },
});
const owner = (kind: string) => [{ apiVersion: "apps/v1", kind, name: "x", uid: "u", controller: true }];

test("drainAction table", () => {
  const rows: Array<[Pod, ReturnType<typeof drainAction>]> = [
    [pod("mirror", { annotations: { "kubernetes.io/config.mirror": "abc" } }), { action: "skip", reason: "mirror" }],
    [pod("ds", { ownerReferences: owner("DaemonSet") }), { action: "skip", reason: "daemonset" }],
    [pod("rs", { ownerReferences: owner("ReplicaSet") }), { action: "evict" }],
    [pod("bare-with-emptydir"), { action: "evict" }],
    [pod("done", { ownerReferences: owner("Job") }, "Succeeded"), { action: "delete", reason: "terminal" }],
    [pod("failed", {}, "Failed"), { action: "delete", reason: "terminal" }],
    [pod("going", { deletionTimestamp: "2026-01-01T00:00:00Z" }), { action: "skip", reason: "terminating" }],
    [pod("ds-not-controller", { ownerReferences: [{ apiVersion: "apps/v1", kind: "DaemonSet", name: "x", uid: "u" }] }), { action: "evict" }],
  ];
  for (const [p, want] of rows) assert.deepEqual(drainAction(p), want, p.metadata.name);
});

test("podsToRemove waits for terminating pods and ignores mirror and DaemonSet pods", () => {
  const names = podsToRemove([
    pod("mirror", { annotations: { "kubernetes.io/config.mirror": "abc" } }),
    pod("ds", { ownerReferences: owner("DaemonSet") }),
    pod("going", { deletionTimestamp: "2026-01-01T00:00:00Z" }),
    pod("web"),
  ]).map((p) => p.metadata.name);
  assert.deepEqual(names, ["going", "web"]);
});
