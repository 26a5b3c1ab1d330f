/** Workers wait for the control plane: the gate's table (lib/kube/decide/upgrade-order.ts). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { workerUpgradeGate, type WorkerGate, type WorkerGateInput } from "../../../lib/kube";

const cp = (...vs: Array<string | undefined>): WorkerGateInput["controlPlaneNodes"] => vs.map((v, i) => ({ name: `web-cp-${i + 1}`, kubeletVersion: v }));

const rows: Array<{ name: string; input: WorkerGateInput; kind: WorkerGate["kind"]; reason?: RegExp }> = [
  { name: "a new cluster (no kubeadm-config yet) proceeds", input: { desiredVersion: "1.31.2", kubeadmConfigVersion: undefined, controlPlaneNodes: [] }, kind: "proceed" },
  { name: "no version change proceeds", input: { desiredVersion: "1.30.5", kubeadmConfigVersion: "v1.30.5", controlPlaneNodes: cp("v1.30.5", "v1.30.5", "v1.30.5") }, kind: "proceed" },
  {
    name: "kubeadm-config not updated yet: wait",
    input: { desiredVersion: "1.31.2", kubeadmConfigVersion: "v1.30.5", controlPlaneNodes: cp("v1.30.5") },
    kind: "wait",
    reason: /upgrade to v1\.31\.2 has not started \(kubeadm-config says v1\.30\.5\)/,
  },
  {
    name: "kubeadm-config updated, one control-plane node still old (mid-roll, surge node up): wait, naming it",
    input: { desiredVersion: "1.31.2", kubeadmConfigVersion: "v1.31.2", controlPlaneNodes: cp("v1.31.2", "v1.30.5", "v1.31.2") },
    kind: "wait",
    reason: /not on v1\.31\.2 yet: web-cp-2 \(v1\.30\.5\)$/,
  },
  { name: "patch upgrade waits too", input: { desiredVersion: "1.30.6", kubeadmConfigVersion: "v1.30.6", controlPlaneNodes: cp("v1.30.5") }, kind: "wait", reason: /web-cp-1 \(v1\.30\.5\)/ },
  { name: "a node without a version counts as behind", input: { desiredVersion: "1.31.2", kubeadmConfigVersion: "v1.31.2", controlPlaneNodes: cp(undefined) }, kind: "wait", reason: /no version/ },
  { name: "every control-plane node upgraded: proceed", input: { desiredVersion: "1.31.2", kubeadmConfigVersion: "v1.31.2", controlPlaneNodes: cp("v1.31.2", "v1.31.2", "v1.31.2") }, kind: "proceed" },
  { name: "control plane newer than the workers' target proceeds (skew allows older kubelets)", input: { desiredVersion: "1.31.2", kubeadmConfigVersion: "v1.31.3", controlPlaneNodes: cp("v1.31.3") }, kind: "proceed" },
  { name: "kubeadm-config at the version but no control-plane Node registered: wait", input: { desiredVersion: "1.31.2", kubeadmConfigVersion: "v1.31.2", controlPlaneNodes: [] }, kind: "wait", reason: /no control-plane Node/ },
  { name: "a desired version that does not parse is refused", input: { desiredVersion: "1.31", kubeadmConfigVersion: "v1.30.5", controlPlaneNodes: cp("v1.30.5") }, kind: "refuse", reason: /not vMAJOR\.MINOR\.PATCH/ },
  { name: "an unparseable kubeadm-config version waits (the control plane must be upgraded first)", input: { desiredVersion: "1.31.2", kubeadmConfigVersion: "latest", controlPlaneNodes: cp("v1.31.2") }, kind: "wait" },
];

for (const row of rows) {
  test(`worker upgrade gate: ${row.name}`, () => {
    const g = workerUpgradeGate(row.input);
    assert.equal(g.kind, row.kind, g.reason);
    if (row.reason) assert.match(g.reason, row.reason);
  });
}

test("worker upgrade gate: the answer does not depend on the order of the nodes", () => {
  const nodes = cp("v1.30.5", "v1.31.2", "v1.30.5");
  const a = workerUpgradeGate({ desiredVersion: "1.31.2", kubeadmConfigVersion: "v1.31.2", controlPlaneNodes: nodes });
  const b = workerUpgradeGate({ desiredVersion: "1.31.2", kubeadmConfigVersion: "v1.31.2", controlPlaneNodes: [...nodes].reverse() });
  assert.deepEqual(a, b);
  assert.match(a.reason, /web-cp-1 \(v1\.30\.5\), web-cp-3 \(v1\.30\.5\)/);
});
