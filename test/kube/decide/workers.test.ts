/** MachineDeployment-like worker decisions as a table, and a simulated roll (surge one, drain before delete). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { decideWorkers, type DesiredPool, type ObservedWorkerMachine, type Step, type WorkerObservation } from "../../../lib/kube";

const UP = { reachable: true } as const;
const desired = (over: Partial<DesiredPool> = {}): DesiredPool => ({ replicas: 2, specHash: "new", kubernetesVersion: "v1.30.2", ...over });
const w = (name: string, over: Partial<ObservedWorkerMachine> = {}): ObservedWorkerMachine => ({
  name,
  vm: "running",
  specHash: "new",
  kubernetesVersion: "v1.30.2",
  node: "ready",
  deleting: false,
  cordoned: false,
  podsToDrain: 3,
  ...over,
});
const obs = (machines: ObservedWorkerMachine[], over: Partial<WorkerObservation> = {}): WorkerObservation => ({ machines, api: UP, controlPlaneVersion: "v1.30.2", ...over });

const rows: Array<{ name: string; observed: WorkerObservation; desired: DesiredPool; expect: Partial<Step> & { kind: Step["kind"] }; reason?: RegExp }> = [
  { name: "empty pool: create one", observed: obs([]), desired: desired(), expect: { kind: "create", role: "worker" } },
  { name: "one joining: wait (surge is one)", observed: obs([w("w-0", { vm: "creating", node: "absent" })]), desired: desired(), expect: { kind: "wait", machine: "w-0" } },
  { name: "all Ready: done", observed: obs([w("w-0"), w("w-1")]), desired: desired(), expect: { kind: "done" } },
  { name: "roll: surge one", observed: obs([w("w-0", { specHash: "old" }), w("w-1", { specHash: "old" })]), desired: desired(), expect: { kind: "create" }, reason: /surge/ },
  {
    name: "roll: surged one Ready, mark an outdated one",
    observed: obs([w("w-0", { specHash: "old" }), w("w-1", { specHash: "old" }), w("w-2")]),
    desired: desired(),
    expect: { kind: "mark-deleting", machine: "w-0" },
  },
  { name: "removal: cordon first", observed: obs([w("w-0", { deleting: true }), w("w-1"), w("w-2")]), desired: desired(), expect: { kind: "cordon", machine: "w-0" } },
  { name: "removal: then drain", observed: obs([w("w-0", { deleting: true, cordoned: true }), w("w-1"), w("w-2")]), desired: desired(), expect: { kind: "drain", machine: "w-0" } },
  {
    name: "removal: pods not listed yet count as not drained",
    observed: obs([w("w-0", { deleting: true, cordoned: true, podsToDrain: "unknown" }), w("w-1")]),
    desired: desired(),
    expect: { kind: "drain", machine: "w-0" },
  },
  {
    name: "removal: drained, delete the Node",
    observed: obs([w("w-0", { deleting: true, cordoned: true, podsToDrain: 0 }), w("w-1"), w("w-2")]),
    desired: desired(),
    expect: { kind: "delete-node", machine: "w-0" },
  },
  { name: "removal: Node gone, delete the VM", observed: obs([w("w-0", { deleting: true, node: "absent" }), w("w-1"), w("w-2")]), desired: desired(), expect: { kind: "delete-vm", machine: "w-0" } },
  { name: "scale to zero (a renamed pool's old half): remove the last by name", observed: obs([w("w-0"), w("w-1")]), desired: desired({ replicas: 0 }), expect: { kind: "mark-deleting", machine: "w-1" } },
  { name: "failed create: delete its VM", observed: obs([w("w-0", { vm: "failed", node: "absent" })]), desired: desired(), expect: { kind: "delete-vm", machine: "w-0" } },
  {
    name: "API unreachable: refuse",
    observed: obs([w("w-0", { node: "unknown" })], { api: { reachable: false, error: "timeout" } }),
    desired: desired(),
    expect: { kind: "refuse" },
    reason: /cluster API unreachable \(timeout\)/,
  },
  { name: "workers newer than the control plane: refuse", observed: obs([w("w-0")], { controlPlaneVersion: "v1.29.6" }), desired: desired(), expect: { kind: "refuse" }, reason: /upgrade the control plane first/ },
  { name: "worker downgrade: refuse", observed: obs([w("w-0", { kubernetesVersion: "v1.31.0" })], { controlPlaneVersion: "v1.31.0" }), desired: desired(), expect: { kind: "refuse" }, reason: /downgrade/ },
  {
    name: "workers four minors behind: refuse",
    observed: obs([], { controlPlaneVersion: "v1.30.2" }),
    desired: desired({ kubernetesVersion: "v1.26.0" }),
    expect: { kind: "refuse" },
    reason: /more than 3 minor/,
  },
  {
    name: "version upgrade after the control plane: a roll",
    observed: obs([w("w-0", { kubernetesVersion: "v1.29.6" }), w("w-1", { kubernetesVersion: "v1.29.6" })]),
    desired: desired(),
    expect: { kind: "create" },
  },
];

for (const row of rows) {
  test(`workers: ${row.name}`, () => {
    const step = decideWorkers(row.observed, row.desired);
    assert.deepEqual(Object.fromEntries(Object.keys(row.expect).map((k) => [k, (step as Record<string, unknown>)[k]])), row.expect, JSON.stringify(step));
    if (row.reason) assert.match(step.reason, row.reason);
  });
}

test("workers: a simulated roll of 3 never has fewer than 3 Ready workers and drains every removed one", () => {
  let machines = [w("w-0", { specHash: "old" }), w("w-1", { specHash: "old" }), w("w-2", { specHash: "old" })];
  let next = 3;
  const drained: string[] = [];
  const deletedVms: string[] = [];
  for (let i = 0; i < 80; i++) {
    const ready = machines.filter((x) => x.node === "ready" && !x.deleting).length;
    assert.ok(ready >= 3, `only ${ready} Ready workers at step ${i}`);
    const step = decideWorkers(obs(machines), desired({ replicas: 3 }));
    const set = (name: string, over: Partial<ObservedWorkerMachine>): void => {
      machines = machines.map((x) => (x.name === name ? { ...x, ...over } : x));
    };
    if (step.kind === "done") break;
    if (step.kind === "create") machines.push(w(`w-${next++}`, { vm: "creating", node: "absent" }));
    else if (step.kind === "wait") set(step.machine!, { vm: "running", node: "ready" });
    else if (step.kind === "mark-deleting") set(step.machine, { deleting: true });
    else if (step.kind === "cordon") set(step.machine, { cordoned: true });
    else if (step.kind === "drain") {
      drained.push(step.machine);
      set(step.machine, { podsToDrain: 0 });
    } else if (step.kind === "delete-node") {
      assert.ok(drained.includes(step.machine), `${step.machine} deleted before its drain`);
      set(step.machine, { node: "absent" });
    } else if (step.kind === "delete-vm") {
      deletedVms.push(step.machine);
      machines = machines.filter((x) => x.name !== step.machine);
    } else throw new Error(`unexpected ${JSON.stringify(step)}`);
  }
  assert.deepEqual(deletedVms, ["w-0", "w-1", "w-2"]);
  assert.deepEqual(drained, ["w-0", "w-1", "w-2"]);
  assert.deepEqual(machines.map((x) => x.name), ["w-3", "w-4", "w-5"]);
});
