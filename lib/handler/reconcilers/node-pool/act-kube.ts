/**
 * Act, the steps that go through the cluster's API (kube-steps.ts says which and why). Each step reaches the
 * API first (--node-ready-timeout bounds the wait while the init node's API server starts); when it cannot,
 * the step is refused with the reason, and the serial stages stop there, so nothing old is deleted blindly.
 */
import { drainNode } from "../../../kube/drain";
import { EtcdClient } from "../../../kube/etcd";
import { KubeApiError, KubeUnreachableError } from "../../../kube/errors";
import { isNodeReady } from "../../../kube/nodes";
import { waitForNodeReady } from "../../../kube/wait";
import { errorMessage } from "../../errors";
import { forgetClusterAccess, reachCluster, type ClusterAccess } from "../../kube/access";
import { clusterPki } from "../../kube/cluster-pki";
import type { Services } from "../../services";
import type { ActInput } from "./act";
import type { KubeStep } from "./decide";

const ETCD_CLIENT_PORT = 2379;

async function withAccess<T>(s: Services, a: ActInput, why: string, fn: (access: ClusterAccess) => Promise<T>): Promise<T> {
  const cluster = a.target.parents.cluster;
  const access = await reachCluster(s, cluster, await clusterPki(s, cluster), s.features.nodeReadyTimeoutMs, why);
  try {
    return await fn(access);
  } catch (e) {
    if (e instanceof KubeUnreachableError) forgetClusterAccess(s, cluster);
    throw e;
  }
}

/**
 * Where etcd is reached: against the emulator, its loopback API port (it serves the etcd paths there);
 * against a real cluster, the InternalIP of a Ready control-plane node other than the one leaving, on 2379
 * (guess: KCP dials etcd through a port-forward to the etcd pod, `controlplane/kubeadm/internal/proxy`; this
 * needs the node network to be reachable from where the handler runs).
 */
export async function etcdFor(access: ClusterAccess, leaving: string): Promise<EtcdClient> {
  if (access.address.emulated) return new EtcdClient({ endpoints: [await access.etcdEndpoint(access.address.host, access.address.port)] });
  const nodes = await access.client.listNodes();
  const hosts = nodes
    .filter((n) => n.metadata.name !== leaving && n.metadata.labels?.["node-role.kubernetes.io/control-plane"] !== undefined && isNodeReady(n))
    .map((n) => n.status?.addresses?.find((x) => x.type === "InternalIP")?.address)
    .filter((x): x is string => x !== undefined);
  if (hosts.length === 0) throw new Error(`no other Ready control-plane node with an InternalIP to reach etcd through; refusing to remove ${leaving}'s member`);
  return new EtcdClient({ endpoints: await Promise.all(hosts.map((h) => access.etcdEndpoint(h, ETCD_CLIENT_PORT))) });
}

/**
 * etcd's answers to a member remove that mean "not now": 503 "etcdserver: unhealthy cluster" while a member
 * that just joined has not been connected for etcd's health interval, and "not enough started members" while a
 * new member has not started (`etcd-io/etcd` `server/etcdserver/server.go` mayRemoveMember, with
 * `--strict-reconfig-check` on by default; observed against etcd 3.4 in test/kube/etcd.test.ts).
 */
export function etcdRemoveRetryable(e: unknown): boolean {
  return e instanceof KubeApiError && (e.status === 503 || e.status === 412 || e.status === 400) && /unhealthy cluster|not enough started members/.test(e.message);
}

/**
 * etcd's answer to a remove of a member that is no longer in the cluster (`etcdserver: member not found`,
 * 404 through the gateway; observed against etcd 3.4 in test/kube/etcd.test.ts). The member was listed just
 * before, so it means an earlier attempt's removal landed while its answer was lost (the member answering
 * may be the one removed): the goal, the member gone, is reached.
 */
export function etcdMemberGone(e: unknown): boolean {
  return e instanceof KubeApiError && e.status === 404 && /member not found/.test(e.message);
}

/**
 * Removes a member, waiting out etcd's "not now" answers up to --node-ready-timeout; never skips it. "member
 * not found" counts as removed ({@link etcdMemberGone}). Used by the pool's steps and by prune (prune.ts).
 */
export async function removeMember(s: Services, resourceId: string, etcd: EtcdClient, member: { ID: string; name: string }): Promise<void> {
  const deadline = Date.now() + s.features.nodeReadyTimeoutMs;
  let said = false;
  for (;;) {
    try {
      await etcd.memberRemove(member.ID);
      return;
    } catch (e) {
      if (etcdMemberGone(e)) return;
      if (!etcdRemoveRetryable(e)) throw e;
      if (Date.now() >= deadline) {
        throw new Error(`etcd kept refusing to remove member ${member.name} (${member.ID}) for ${Math.round(s.features.nodeReadyTimeoutMs / 1000)}s (${errorMessage(e)}); nothing after it is done`);
      }
      if (!said) s.progress.action(resourceId, `etcd refuses to remove member ${member.name} for now (${errorMessage(e)}); waiting for the new member to settle`);
      said = true;
      await new Promise((r) => setTimeout(r, Math.min(Math.max(s.features.kubePollMs, 50), Math.max(1, deadline - Date.now()))));
    }
  }
}

/** Runs one step through the cluster's API; throws with a message naming the node and what failed. */
export async function runKubeStep(s: Services, a: ActInput, step: KubeStep): Promise<void> {
  const name = step.vm.name;
  const t0 = Date.now();
  switch (step.op) {
    case "wait-ready":
      await withAccess(s, a, `wait for node ${name}`, async (access) => {
        s.progress.action(a.res.id, `waiting for node ${name} to be Ready (timeout ${Math.round(s.features.nodeReadyTimeoutMs / 1000)}s)`);
        try {
          await waitForNodeReady(access.client, name, { timeoutMs: s.features.nodeReadyTimeoutMs, pollMs: s.features.kubePollMs });
        } catch (e) {
          throw new Error(`${errorMessage(e)}; nothing old is deleted and no further node is created (--node-ready-timeout)`);
        }
      });
      s.progress.action(a.res.id, `node ${name} is Ready`, Date.now() - t0);
      return;
    case "clear-stale":
      await withAccess(s, a, `clear what an earlier ${name} left in the cluster`, async (access) => {
        const node = await access.client.getNode(name);
        if (node && isNodeReady(node)) {
          throw new Error(`a Ready Node ${name} exists while no VM of that name does; refusing to create another ${name} or to remove its etcd member (is another machine using the name?)`);
        }
        if (node) {
          await access.client.deleteNode(name);
          s.progress.action(a.res.id, `deleted the NotReady Node ${name} left by a VM that is gone`);
        }
        const etcd = await etcdFor(access, name);
        try {
          const member = (await etcd.memberList()).find((m) => m.name === name);
          if (member) {
            await removeMember(s, a.res.id, etcd, member);
            s.progress.action(a.res.id, `removed the etcd member ${name} (${member.ID}) left by a VM that is gone`, Date.now() - t0);
          }
        } finally {
          etcd.close();
        }
      });
      return;
    case "remove-etcd-member":
      await withAccess(s, a, `remove the etcd member of ${name}`, async (access) => {
        const etcd = await etcdFor(access, name);
        try {
          const member = (await etcd.memberList()).find((m) => m.name === name);
          if (!member) {
            s.progress.action(a.res.id, `etcd has no member ${name}; nothing to remove`);
            return;
          }
          await removeMember(s, a.res.id, etcd, member);
          s.progress.action(a.res.id, `removed etcd member ${name} (${member.ID})`, Date.now() - t0);
        } finally {
          etcd.close();
        }
      });
      return;
    case "drain":
      await withAccess(s, a, `drain node ${name}`, async (access) => {
        if (!(await access.client.getNode(name))) return;
        const r = await drainNode(access.client, name, { timeoutMs: s.features.drainTimeoutMs, retryIntervalMs: s.features.kubePollMs, log: (l) => s.progress.action(a.res.id, `drain ${name}: ${l}`) });
        s.progress.action(a.res.id, `drained ${name} (${r.evicted.length} evicted, ${r.deleted.length} deleted)`, Date.now() - t0);
      });
      return;
    case "delete-node":
      await withAccess(s, a, `delete node ${name}`, async (access) => {
        const gone = await access.client.deleteNode(name);
        s.progress.action(a.res.id, `${gone ? "deleted" : "no"} Node ${name}`, Date.now() - t0);
      });
      return;
  }
}
