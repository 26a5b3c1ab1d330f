/**
 * The Kubernetes day-2 steps slotted into a pool's decision (pure). Cluster API is the reference
 * (`kubernetes-sigs/cluster-api`):
 * - Control plane like KubeadmControlPlane (`controlplane/kubeadm/internal/controllers/scale.go`): the init
 *   machine first and alone until its node is Ready, then one join at a time, each waiting for its node to be
 *   Ready (`KCP` scales up one machine at a time and waits for the control plane to be healthy); a
 *   replacement creates the new machine, waits until its node is Ready, then removes the old machine's etcd
 *   member (`RemoveEtcdMemberForMachine`), deletes its Node, then its VM; a scale-down removes the etcd
 *   member, the Node, then the VM, one machine at a time. Each old control-plane node is cordoned and drained
 *   first (the machine controller drains every Machine, control planes included). Every stage is serial and stops at the first
 *   failure, so a node that never turns Ready deletes nothing old and leaves at most one replacement in flight.
 *   A join at a missing ordinal first clears what a VM of that name deleted outside the handler left behind: its
 *   NotReady Node and its etcd member, as KCP removes etcd members whose machine is gone
 *   (`controlplane/kubeadm/internal/controllers/controller.go` reconcileEtcdMembers →
 *   `internal/workload_cluster_etcd.go` ReconcileEtcdMembersAndControlPlaneNodes, v1.9), so the dead member no
 *   longer counts against quorum and the new node can register under its name.
 * - Workers like a MachineDeployment with maxSurge 1 / maxUnavailable 0 (`internal/controllers/machinedeployment/
 *   mdutil`): one replacement at a time, each new node Ready before the old one is cordoned and drained
 *   (evictions honour PodDisruptionBudgets; `internal/controllers/machine/machine_controller.go` drainNode),
 *   its Node deleted, then its VM. Scale-up creates run in parallel and each waits for its node.
 */
import type { PoolDecision, PoolSequence, PoolStage, PoolStep, VmRef } from "./decide";

function expand(step: PoolStep, controlPlane: boolean): PoolStep[] {
  if (step.op === "create") {
    const vm: VmRef = { uuid: step.uuid, name: step.name };
    return [...(step.clearStale ? [{ op: "clear-stale", vm } as const] : []), step, { op: "wait-ready", vm }];
  }
  if (step.op === "await-create") return [step, { op: "wait-ready", vm: step.vm }];
  if (step.op === "delete") {
    const vm: VmRef = step.vm;
    // Every machine is drained before it goes (Cluster API's machine controller drains control-plane machines
    // too: CoreDNS and other pods that tolerate the control-plane taint move first); a control-plane node's
    // etcd member is removed after its drain, while its API server still has its etcd.
    const before: PoolStep[] = [{ op: "drain", vm }, ...(controlPlane ? [{ op: "remove-etcd-member", vm } as const] : [])];
    return [...before, { op: "delete-node", vm }, step];
  }
  return [step];
}

function stageMode(stage: PoolStage, controlPlane: boolean): PoolStage["mode"] {
  if (controlPlane) return "serial";
  return stage.name === "roll" ? "serial" : stage.mode;
}

/** The decision with the steps that go through the cluster's API; control-plane stages become serial. */
export function withKubeSteps(decision: PoolDecision, role: "control-plane" | "worker"): PoolDecision {
  const controlPlane = role === "control-plane";
  const stages = decision.stages.map(
    (stage): PoolStage => ({
      ...stage,
      mode: stageMode(stage, controlPlane),
      sequences: stage.sequences.map((q): PoolSequence => ({ ...q, steps: q.steps.flatMap((st) => expand(st, controlPlane)) })),
    }),
  );
  return { ...decision, stages };
}

/** True when a step needs the cluster's API. */
export function needsApi(step: PoolStep): boolean {
  return step.op === "wait-ready" || step.op === "clear-stale" || step.op === "remove-etcd-member" || step.op === "drain" || step.op === "delete-node";
}

/**
 * True when a worker pool's decision must wait for its cluster's control plane to run the plan's Kubernetes
 * version first (kube/upgrade.ts awaitControlPlaneVersion): it creates nodes (scale-up, a roll's surge) or
 * changes nodes in place (a CPU/memory resize, possibly with an ACPI power cycle). Cluster API holds every
 * MachineDeployment change while the control plane is not stable (`computeMachineDeploymentVersion`,
 * `isControlPlaneStable`: lib/kube/decide/upgrade-order.ts); a worker taken down for a resize while control-plane
 * machines are replaced one by one costs capacity just when evicted pods need it. Deletions are not held:
 * they only remove workers the plan no longer wants, drained first. Control-plane pools are never held here.
 */
export function heldForControlPlaneUpgrade(decision: PoolDecision, role: "control-plane" | "worker"): boolean {
  if (role !== "worker") return false;
  return decision.stages.some((st) => st.sequences.some((q) => q.steps.some((x) => x.op === "create" || x.op === "update")));
}
