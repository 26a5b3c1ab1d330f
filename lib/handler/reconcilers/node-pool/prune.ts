/**
 * Pools removed from the plan (prune), and renames (issue 14, item 6). A pool renamed in the program has a new
 * construct path, so it is a new pool: it is created in the graph (each node Ready before the run goes on),
 * and the old pool is pruned after the graph — as a MachineDeployment replaced by another: each old machine's
 * node cordoned and drained (evictions honouring PodDisruptionBudgets), a control-plane node's etcd member
 * removed, its Node deleted, then its VM (`kubernetes-sigs/cluster-api` `internal/controllers/machine/
 * machine_controller.go` reconcileDelete: drain, then delete the Node, then the infrastructure).
 * When the pool's cluster is still in the plan its API must answer; otherwise the VM is not deleted (never
 * blindly). When the cluster itself left the plan, nothing is left to protect and the VMs are deleted as before.
 */
import type { VmEntity } from "../../../prism/types";
import { drainNode } from "../../../kube/drain";
import type { ResourceOfKind } from "../../../schema/plan";
import { KubeUnreachableError } from "../../../kube/errors";
import { errorMessage } from "../../errors";
import { forgetClusterAccess, reachCluster } from "../../kube/access";
import { clusterPki } from "../../kube/cluster-pki";
import { CATEGORY_KEYS, categoriesOf, categoryValue } from "../../ownership";
import { nameOf, type Services } from "../../services";
import { etcdFor, removeMember } from "./act-kube";

const CONTROL_PLANE_LABEL = "node-role.kubernetes.io/control-plane";

/** The plan's cluster a pruned VM belongs to (by its NpcCluster category), if the cluster is still in the plan. */
export function prunedClusterOf(s: Services, vm: VmEntity): ResourceOfKind<"NutanixCluster"> | undefined {
  const name = categoriesOf(vm)[CATEGORY_KEYS.cluster];
  return name === undefined ? undefined : s.plan.ofKind("NutanixCluster").find((c) => categoryValue(c.spec.name) === name);
}

/**
 * The pools that replace a removed pool (pure): the plan's pools of the same cluster that own no VM yet (they
 * are being created in this run), sorted. `hasVms` says whether a resource id owns VMs.
 */
export function replacementPools(clusterId: string, pools: readonly ResourceOfKind<"NodePool">[], hasVms: (id: string) => boolean): string[] {
  return pools.filter((p) => p.spec.cluster === clusterId && !hasVms(p.id)).map((p) => p.id).sort();
}

/** The reason `plan` shows on a pruned group's VMs: "replaced by <new pool>" for a rename, drained first while its cluster lives. */
export async function pruneReason(s: Services, vms: readonly VmEntity[]): Promise<string> {
  const cluster = vms[0] ? prunedClusterOf(s, vms[0]) : undefined;
  if (!cluster) return "prune: resource no longer in the plan";
  const inv = await s.inventory();
  const by = replacementPools(cluster.id, s.plan.ofKind("NodePool"), (id) => inv.ownedByResource(s.identity, id).length > 0);
  const replaced = by.length > 0 ? `pool removed from the plan, replaced by ${by.join(", ")}` : "pool removed from the plan";
  return `prune: ${replaced}; its node is drained and its Node deleted before the VM (cluster ${cluster.spec.name} stays)`;
}

/**
 * Before prune deletes a VM whose cluster is still in the plan: cordon and drain its node (a control-plane node:
 * then remove its etcd member), then delete the Node. Throws when the cluster's API cannot be reached
 * (bounded by --node-ready-timeout): the VM is then not deleted.
 */
export async function drainBeforePrune(s: Services, resourceId: string, vm: VmEntity): Promise<void> {
  const cluster = prunedClusterOf(s, vm);
  if (!cluster) return;
  const name = nameOf(vm);
  const t0 = Date.now();
  let access;
  try {
    access = await reachCluster(s, cluster, await clusterPki(s, cluster), s.features.nodeReadyTimeoutMs, `delete ${name} without draining it`);
  } catch (e) {
    throw new Error(`not deleting ${name}: its node must be drained first through the API of cluster ${cluster.spec.name}: ${errorMessage(e)}`);
  }
  try {
    const node = await access.client.getNode(name);
    if (!node) return;
    // Every node is drained first (control planes too, as Cluster API's machine controller does); a
    // control-plane node's etcd member is removed after it.
    const r = await drainNode(access.client, name, { timeoutMs: s.features.drainTimeoutMs, retryIntervalMs: s.features.kubePollMs, log: (l) => s.progress.action(resourceId, `drain ${name}: ${l}`) });
    s.progress.action(resourceId, `drained ${name} (${r.evicted.length} evicted, ${r.deleted.length} deleted)`, Date.now() - t0);
    if (node.metadata.labels?.[CONTROL_PLANE_LABEL] !== undefined) {
      const etcd = await etcdFor(access, name);
      try {
        const member = (await etcd.memberList()).find((m) => m.name === name);
        if (member) {
          await removeMember(s, resourceId, etcd, member);
          s.progress.action(resourceId, `removed etcd member ${name} (${member.ID})`, Date.now() - t0);
        }
      } finally {
        etcd.close();
      }
    }
    await access.client.deleteNode(name);
    s.progress.action(resourceId, `deleted Node ${name}`, Date.now() - t0);
  } catch (e) {
    if (e instanceof KubeUnreachableError) forgetClusterAccess(s, cluster);
    throw e;
  }
}
