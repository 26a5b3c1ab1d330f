/** The apply summary's kubeconfig hints: one per ready cluster, directly built or through Palette; none for a failed one. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { kubeconfigHints } from "../../../lib/handler/kube/kubeconfig";

test("kubeconfigHints: NutanixCluster and PaletteCluster rows that are ok, nothing else", () => {
  const rows = [
    { id: "dc1/host", kind: "NutanixCluster", action: "create", result: "ok", ms: 1 },
    { id: "dc1/web", kind: "PaletteCluster", action: "create", result: "ok", ms: 1 },
    { id: "dc1/db", kind: "PaletteCluster", action: "create", result: "failed", ms: 1 },
    { id: "dc1/gw", kind: "PrivateCloudGateway", action: "create", result: "ok", ms: 1 },
  ] as const;
  assert.deepEqual(kubeconfigHints({ resources: rows.map((r) => ({ ...r })) }, "out/nutanix-plan.json"), [
    "kubeconfig of dc1/host: nutanix-handler kubeconfig --plan out/nutanix-plan.json --cluster dc1/host",
    "kubeconfig of dc1/web (from Palette): nutanix-handler kubeconfig --plan out/nutanix-plan.json --cluster dc1/web",
  ]);
});
