/**
 * withKubeSteps and heldForControlPlaneUpgrade from tables (issue 14, items 5–6): the steps through the cluster's
 * API slotted into a pool's decision, KCP-like for control planes, MachineDeployment-like for workers. Pure.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { decide, type DesiredPool, type ObservedMachine, type PoolDecision } from "../../../lib/handler/reconcilers/node-pool/decide";
import { heldForControlPlaneUpgrade, needsApi, withKubeSteps } from "../../../lib/handler/reconcilers/node-pool/kube-steps";
import type { ClusterInitialised } from "../../../lib/kube/decide/init-role";

const SPEC = "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789";
const H = SPEC.slice(0, 6);
const YES: ClusterInitialised = { known: true, initialised: true, evidence: "kube-system/kubeadm-config exists" };

const pool = (role: DesiredPool["role"], replicas: number): DesiredPool => {
  const name = role === "worker" ? "md" : "cp";
  return { stack: "t1", resourceId: `t1/web/${name}`, clusterName: "web", pool: name, role, replicas, specHash: SPEC };
};
function vm(pool: "md" | "cp", n: number, o: { stale?: boolean; resize?: boolean } = {}): ObservedMachine {
  const name = `web-${pool}-${n}`;
  return {
    uuid: `uuid-${name}`,
    name,
    ordinal: n,
    listed: true,
    pending: false,
    unhealthy: false,
    rollChanges: o.stale ? [{ field: "image", from: "a", to: "b" }] : [],
    inPlaceChanges: o.resize ? [{ field: "memory_size_mib", from: 4096, to: 8192 }] : [],
  };
}
const lines = (d: PoolDecision): string[] =>
  d.stages.map((s) => `${s.name}/${s.mode}: ${s.sequences.map((q) => q.steps.map((st) => `${st.op} ${"vm" in st ? st.vm.name : st.name}`).join(" → ")).join("; ")}`);

const rows: Array<{ name: string; desired: DesiredPool; observed: ObservedMachine[]; expect: string[]; held: boolean }> = [
  {
    name: "a new control plane: each create waits for its node, one machine at a time",
    desired: pool("control-plane", 3),
    observed: [],
    expect: ["converge/serial: create web-cp-1 → wait-ready web-cp-1; create web-cp-2 → wait-ready web-cp-2; create web-cp-3 → wait-ready web-cp-3"],
    held: false,
  },
  {
    name: "control-plane scale-up: a join at a missing ordinal clears a predecessor's Node and etcd member first",
    desired: pool("control-plane", 3),
    observed: [vm("cp", 1)],
    expect: ["converge/serial: clear-stale web-cp-2 → create web-cp-2 → wait-ready web-cp-2; clear-stale web-cp-3 → create web-cp-3 → wait-ready web-cp-3"],
    held: false,
  },
  {
    name: "control-plane roll: new node Ready, old node drained, its etcd member removed, its Node deleted, its VM deleted",
    desired: pool("control-plane", 1),
    observed: [vm("cp", 1, { stale: true })],
    expect: [`roll/serial: create web-cp-1-${H} → wait-ready web-cp-1-${H} → drain web-cp-1 → remove-etcd-member web-cp-1 → delete-node web-cp-1 → delete web-cp-1`],
    held: false,
  },
  {
    name: "a re-run after a kill mid-roll: the old member goes only once the new node is Ready",
    desired: pool("control-plane", 1),
    observed: [vm("cp", 1, { stale: true }), { ...vm("cp", 1), uuid: `uuid-web-cp-1-${H}`, name: `web-cp-1-${H}` }],
    expect: [`remove/serial: wait-ready web-cp-1-${H} → drain web-cp-1 → remove-etcd-member web-cp-1 → delete-node web-cp-1 → delete web-cp-1`],
    held: false,
  },
  {
    name: "control-plane scale-down: drain, etcd member, Node, VM, one machine at a time",
    desired: pool("control-plane", 1),
    observed: [vm("cp", 1), vm("cp", 2), vm("cp", 3)],
    expect: ["remove/serial: drain web-cp-3 → remove-etcd-member web-cp-3 → delete-node web-cp-3 → delete web-cp-3; drain web-cp-2 → remove-etcd-member web-cp-2 → delete-node web-cp-2 → delete web-cp-2"],
    held: false,
  },
  {
    name: "worker roll: surge one, Ready, drain the old, delete its Node, then its VM; one at a time",
    desired: pool("worker", 2),
    observed: [vm("md", 1, { stale: true }), vm("md", 2, { stale: true })],
    expect: [
      `roll/serial: create web-md-1-${H} → wait-ready web-md-1-${H} → drain web-md-1 → delete-node web-md-1 → delete web-md-1; create web-md-2-${H} → wait-ready web-md-2-${H} → drain web-md-2 → delete-node web-md-2 → delete web-md-2`,
    ],
    held: true,
  },
  {
    name: "worker scale-up: creates in parallel, each waits for its node; held during a control-plane upgrade",
    desired: pool("worker", 3),
    observed: [vm("md", 1)],
    expect: ["converge/parallel: create web-md-2 → wait-ready web-md-2; create web-md-3 → wait-ready web-md-3"],
    held: true,
  },
  {
    name: "worker in-place resize: no API step, but held during a control-plane upgrade",
    desired: pool("worker", 2),
    observed: [vm("md", 1, { resize: true }), vm("md", 2)],
    expect: ["converge/parallel: update web-md-1"],
    held: true,
  },
  {
    name: "worker scale-down: drained removals are not held",
    desired: pool("worker", 1),
    observed: [vm("md", 1), vm("md", 2)],
    expect: ["remove/parallel: drain web-md-2 → delete-node web-md-2 → delete web-md-2"],
    held: false,
  },
  {
    name: "control-plane in-place resize: never held by the workers' gate",
    desired: pool("control-plane", 1),
    observed: [vm("cp", 1, { resize: true })],
    expect: ["converge/serial: update web-cp-1"],
    held: false,
  },
];

for (const row of rows) {
  test(`withKubeSteps: ${row.name}`, () => {
    const d = withKubeSteps(decide(row.desired, row.observed, { parallelism: 10 }, new Set(), YES), row.desired.role);
    assert.deepEqual(lines(d), row.expect);
    assert.equal(heldForControlPlaneUpgrade(d, row.desired.role), row.held);
    for (const st of d.stages.flatMap((s) => s.sequences.flatMap((q) => q.steps))) {
      assert.equal(needsApi(st), ["wait-ready", "clear-stale", "remove-etcd-member", "drain", "delete-node"].includes(st.op), st.op);
    }
  });
}
