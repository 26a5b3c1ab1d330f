/** KCP-like control-plane decisions as a table, and a simulated roll that checks the etcd quorum at every step. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { decideControlPlane, type ControlPlaneObservation, type DesiredPool, type ObservedControlPlaneMachine, type Step } from "../../../lib/kube";

const UP = { reachable: true } as const;
const DOWN = { reachable: false, error: "connect ECONNREFUSED 127.0.0.1:6443" } as const;
const desired = (over: Partial<DesiredPool> = {}): DesiredPool => ({ replicas: 3, specHash: "new", kubernetesVersion: "v1.30.2", ...over });
const m = (name: string, over: Partial<ObservedControlPlaneMachine> = {}): ObservedControlPlaneMachine => ({
  name,
  vm: "running",
  specHash: "new",
  kubernetesVersion: "v1.30.2",
  node: "ready",
  deleting: false,
  role: "join",
  etcdMember: true,
  ...over,
});
const obs = (machines: ObservedControlPlaneMachine[], over: Partial<ControlPlaneObservation> = {}): ControlPlaneObservation => ({
  machines,
  api: UP,
  etcd: UP,
  kubeadmConfigVersion: "v1.30.2",
  ...over,
});

interface Row {
  name: string;
  observed: ControlPlaneObservation;
  desired: DesiredPool;
  expect: Partial<Step> & { kind: Step["kind"] };
  reason?: RegExp;
}

const rows: Row[] = [
  { name: "empty: the init machine first", observed: obs([], { api: DOWN, etcd: DOWN, kubeadmConfigVersion: undefined }), desired: desired(), expect: { kind: "create", role: "init" } },
  {
    name: "init booting, API not up yet: wait for it alone",
    observed: obs([m("cp-0", { role: "init", node: "unknown", etcdMember: "unknown" })], { api: DOWN, etcd: DOWN, kubeadmConfigVersion: undefined }),
    desired: desired(),
    expect: { kind: "wait", machine: "cp-0" },
  },
  {
    name: "init VM create failed: delete it, then (next step) create init again",
    observed: obs([m("cp-0", { role: "init", vm: "failed", node: "unknown", etcdMember: "unknown" })], { api: DOWN, etcd: DOWN, kubeadmConfigVersion: undefined }),
    desired: desired(),
    expect: { kind: "delete-vm", machine: "cp-0" },
  },
  {
    name: "init Ready: the first join, one only",
    observed: obs([m("cp-0", { role: "init" })]),
    desired: desired(),
    expect: { kind: "create", role: "join" },
  },
  {
    name: "a join in flight: wait, never a second join at the same time",
    observed: obs([m("cp-0", { role: "init" }), m("cp-1", { vm: "creating", node: "absent", etcdMember: false })]),
    desired: desired(),
    expect: { kind: "wait", machine: "cp-1" },
  },
  {
    name: "Ready node but no etcd member yet: wait",
    observed: obs([m("cp-0", { role: "init" }), m("cp-1", { etcdMember: false })]),
    desired: desired(),
    expect: { kind: "wait", machine: "cp-1" },
  },
  { name: "three healthy up-to-date: done", observed: obs([m("cp-0", { role: "init" }), m("cp-1"), m("cp-2")]), desired: desired(), expect: { kind: "done" } },
  {
    name: "roll: surge one up-to-date machine first",
    observed: obs([m("cp-0", { role: "init", specHash: "old" }), m("cp-1", { specHash: "old" }), m("cp-2", { specHash: "old" })]),
    desired: desired(),
    expect: { kind: "create", role: "join" },
    reason: /surge/,
  },
  {
    name: "roll: surged machine not Ready: delete nothing old",
    observed: obs([m("cp-0", { role: "init", specHash: "old" }), m("cp-1", { specHash: "old" }), m("cp-2", { specHash: "old" }), m("cp-3", { node: "not-ready", etcdMember: false })]),
    desired: desired(),
    expect: { kind: "wait", machine: "cp-3" },
  },
  {
    name: "roll: surged machine Ready: mark the first outdated one",
    observed: obs([m("cp-0", { role: "init", specHash: "old" }), m("cp-1", { specHash: "old" }), m("cp-2", { specHash: "old" }), m("cp-3")]),
    desired: desired(),
    expect: { kind: "mark-deleting", machine: "cp-0" },
  },
  {
    name: "removal: etcd member first",
    observed: obs([m("cp-0", { role: "init", specHash: "old", deleting: true }), m("cp-1", { specHash: "old" }), m("cp-2", { specHash: "old" }), m("cp-3")]),
    desired: desired(),
    expect: { kind: "remove-etcd-member", machine: "cp-0" },
  },
  {
    name: "removal: member gone, delete the Node",
    observed: obs([m("cp-0", { role: "init", specHash: "old", deleting: true, etcdMember: false, node: "not-ready" }), m("cp-1"), m("cp-2"), m("cp-3")]),
    desired: desired(),
    expect: { kind: "delete-node", machine: "cp-0" },
  },
  {
    name: "removal: Node gone, delete the VM",
    observed: obs([m("cp-0", { role: "init", specHash: "old", deleting: true, etcdMember: false, node: "absent" }), m("cp-1"), m("cp-2"), m("cp-3")]),
    desired: desired(),
    expect: { kind: "delete-vm", machine: "cp-0" },
  },
  {
    name: "removal while another member is unhealthy: wait (quorum)",
    observed: obs([m("cp-0", { deleting: true, specHash: "old" }), m("cp-1", { node: "not-ready" }), m("cp-2"), m("cp-3")]),
    desired: desired(),
    expect: { kind: "wait", machine: "cp-1" },
  },
  {
    name: "1-node roll: a second member first",
    observed: obs([m("cp-0", { role: "init", specHash: "old" })]),
    desired: desired({ replicas: 1 }),
    expect: { kind: "create", role: "join" },
  },
  {
    name: "1-node roll: second Ready, then the first is marked",
    observed: obs([m("cp-0", { role: "init", specHash: "old" }), m("cp-1")]),
    desired: desired({ replicas: 1 }),
    expect: { kind: "mark-deleting", machine: "cp-0" },
  },
  {
    name: "scale down 3 -> 1 of up-to-date machines: remove a join machine, by name",
    observed: obs([m("cp-0", { role: "init" }), m("cp-1"), m("cp-2")]),
    desired: desired({ replicas: 1 }),
    expect: { kind: "mark-deleting", machine: "cp-1" },
  },
  {
    name: "upgrade one minor: kubeadm-config first",
    observed: obs([m("cp-0", { role: "init", kubernetesVersion: "v1.29.6" })], { kubeadmConfigVersion: "v1.29.6" }),
    desired: desired({ replicas: 1 }),
    expect: { kind: "update-kubeadm-config", kubernetesVersion: "v1.30.2" },
  },
  {
    name: "upgrade: kubeadm-config done, roll the machine (surge)",
    observed: obs([m("cp-0", { role: "init", kubernetesVersion: "v1.29.6" })], { kubeadmConfigVersion: "v1.30.2" }),
    desired: desired({ replicas: 1 }),
    expect: { kind: "create", role: "join" },
  },
  {
    name: "patch change is free",
    observed: obs([m("cp-0", { role: "init", kubernetesVersion: "v1.30.0" })], { kubeadmConfigVersion: "v1.30.0" }),
    desired: desired({ replicas: 1 }),
    expect: { kind: "update-kubeadm-config" },
  },
  {
    name: "skipped minor refused",
    observed: obs([m("cp-0", { role: "init", kubernetesVersion: "v1.28.9" })], { kubeadmConfigVersion: "v1.28.9" }),
    desired: desired({ replicas: 1 }),
    expect: { kind: "refuse" },
    reason: /skips 1 minor version.*next: v1\.29\.x/,
  },
  {
    name: "downgrade refused",
    observed: obs([m("cp-0", { role: "init", kubernetesVersion: "v1.31.1" })], { kubeadmConfigVersion: "v1.31.1" }),
    desired: desired({ replicas: 1 }),
    expect: { kind: "refuse" },
    reason: /downgrade from v1\.31\.1 to v1\.30\.2/,
  },
  {
    name: "downgrade below kubeadm-config mid-upgrade refused",
    observed: obs([m("cp-0", { role: "init", kubernetesVersion: "v1.30.2" })], { kubeadmConfigVersion: "v1.31.0" }),
    desired: desired({ replicas: 1 }),
    expect: { kind: "refuse" },
    reason: /downgrade/,
  },
  {
    name: "jump of two minors mid-upgrade (nodes still on the old minor) refused",
    observed: obs([m("cp-0", { role: "init", kubernetesVersion: "v1.29.0" })], { kubeadmConfigVersion: "v1.30.2" }),
    desired: desired({ replicas: 1, kubernetesVersion: "v1.31.0" }),
    expect: { kind: "refuse" },
    reason: /skips/,
  },
  {
    name: "API unreachable on an established cluster: refuse, never a blind step",
    observed: obs([m("cp-0", { role: "init", specHash: "old", node: "unknown", etcdMember: "unknown" }), m("cp-1", { node: "unknown", etcdMember: "unknown" })], { api: DOWN, etcd: DOWN }),
    desired: desired({ replicas: 1 }),
    expect: { kind: "refuse" },
    reason: /cluster API unreachable \(connect ECONNREFUSED/,
  },
  {
    name: "etcd unreachable: refuse",
    observed: obs([m("cp-0", { role: "init", etcdMember: "unknown" }), m("cp-1", { etcdMember: "unknown" }), m("cp-2", { etcdMember: "unknown" })], { etcd: DOWN }),
    desired: desired({ replicas: 1 }),
    expect: { kind: "refuse" },
    reason: /etcd unreachable/,
  },
  {
    name: "no init machine and API down (an init that was lost): refuse and say why",
    observed: obs([m("cp-1", { node: "unknown", etcdMember: "unknown" })], { api: DOWN, etcd: DOWN }),
    desired: desired(),
    expect: { kind: "refuse" },
    reason: /no kubeadm init machine exists/,
  },
  {
    name: "a failed join create is deleted before anything else",
    observed: obs([m("cp-0", { role: "init" }), m("cp-1", { vm: "failed", node: "absent", etcdMember: false })]),
    desired: desired(),
    expect: { kind: "delete-vm", machine: "cp-1" },
  },
  { name: "even replicas refused", observed: obs([]), desired: desired({ replicas: 2 }), expect: { kind: "refuse" }, reason: /even/ },
  { name: "zero replicas refused", observed: obs([]), desired: desired({ replicas: 0 }), expect: { kind: "refuse" }, reason: />= 1/ },
];

for (const row of rows) {
  test(`control plane: ${row.name}`, () => {
    const step = decideControlPlane(row.observed, row.desired);
    assert.deepEqual(Object.fromEntries(Object.keys(row.expect).map((k) => [k, (step as Record<string, unknown>)[k]])), row.expect, JSON.stringify(step));
    assert.ok(step.reason.length > 0);
    if (row.reason) assert.match(step.reason, row.reason);
  });
}

test("control plane: the decision is deterministic whatever the input order", () => {
  const machines = [m("cp-2", { specHash: "old" }), m("cp-0", { role: "init", specHash: "old" }), m("cp-3"), m("cp-1", { specHash: "old" })];
  const a = decideControlPlane(obs(machines), desired());
  const b = decideControlPlane(obs([...machines].reverse()), desired());
  assert.deepEqual(a, b);
});

/** A world where every step takes effect at once and new machines come up healthy on the next observation. */
function simulate(start: ObservedControlPlaneMachine[], want: DesiredPool, limit = 60): { steps: Step[]; machines: ObservedControlPlaneMachine[] } {
  let machines = [...start];
  let next = machines.length;
  let kubeadmConfigVersion = "v1.30.2";
  const steps: Step[] = [];
  for (let i = 0; i < limit; i++) {
    const step = decideControlPlane(obs(machines, { kubeadmConfigVersion }), want);
    steps.push(step);
    const members = machines.filter((x) => x.etcdMember === true).length;
    const voters = machines.filter((x) => x.etcdMember === true && x.node === "ready").length;
    if (members > 0) assert.ok(voters > members / 2, `quorum lost before step ${i}: ${JSON.stringify(machines)}`);
    const inFlight = machines.filter((x) => x.node !== "ready" && !x.deleting).length;
    assert.ok(inFlight <= 1, `more than one machine joining at step ${i}`);
    const set = (name: string, over: Partial<ObservedControlPlaneMachine>): void => {
      machines = machines.map((x) => (x.name === name ? { ...x, ...over } : x));
    };
    switch (step.kind) {
      case "done":
        return { steps, machines };
      case "refuse":
        throw new Error(step.reason);
      case "create":
        machines.push(m(`cp-${next++}`, { role: step.role === "init" ? "init" : "join", vm: "creating", node: "absent", etcdMember: false, specHash: want.specHash, kubernetesVersion: want.kubernetesVersion }));
        break;
      case "wait":
        set(step.machine!, { vm: "running", node: "ready", etcdMember: true });
        break;
      case "mark-deleting":
        set(step.machine, { deleting: true });
        break;
      case "remove-etcd-member":
        set(step.machine, { etcdMember: false, node: "not-ready" });
        break;
      case "delete-node":
        set(step.machine, { node: "absent" });
        break;
      case "delete-vm":
        machines = machines.filter((x) => x.name !== step.machine);
        break;
      case "update-kubeadm-config":
        kubeadmConfigVersion = step.kubernetesVersion;
        break;
      default:
        throw new Error(`unexpected step ${step.kind}`);
    }
  }
  throw new Error(`no convergence in ${limit} steps: ${steps.map((s) => s.kind).join(",")}`);
}

test("control plane: a simulated 3-node roll keeps quorum, one machine in flight, and ends with 3 new machines", () => {
  const { steps, machines } = simulate([m("cp-0", { role: "init", specHash: "old" }), m("cp-1", { specHash: "old" }), m("cp-2", { specHash: "old" })], desired());
  assert.deepEqual(machines.map((x) => x.name), ["cp-3", "cp-4", "cp-5"]);
  assert.ok(machines.every((x) => x.specHash === "new"));
  assert.equal(steps.filter((s) => s.kind === "create").length, 3);
  assert.equal(steps.filter((s) => s.kind === "remove-etcd-member").length, 3);
});

test("control plane: a new 3-node cluster is built init first, then one join at a time", () => {
  const { steps } = simulate([], desired());
  const creates = steps.filter((s) => s.kind === "create").map((s) => (s as { role: string }).role);
  assert.deepEqual(creates, ["init", "join", "join"]);
  assert.deepEqual(steps.slice(0, 4).map((s) => s.kind), ["create", "wait", "create", "wait"]);
});
