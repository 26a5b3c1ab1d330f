/**
 * Kubernetes upgrades of a direct cluster, rolled like Cluster API (issue 14, item 7):
 * - the control-plane pool, before it rolls an existing control plane, sets `kubernetesVersion` in the
 *   `kube-system/kubeadm-config` ConfigMap's ClusterConfiguration through the cluster's API, as
 *   KubeadmControlPlane does before rolling its machines (`controlplane/kubeadm/internal/workload_cluster.go`
 *   UpdateKubernetesVersionInKubeadmConfigMap). New control-plane nodes then pass `kubeadm join`'s preflight,
 *   which compares their kubelet with the version kubeadm-config names ("the kubelet version is higher than
 *   the control plane version"); the roll itself is the existing one-machine-at-a-time replacement.
 * - a worker pool creates nodes, and resizes them in place, only once kubeadm-config and every control-plane
 *   Node are on the new version
 *   (the pure gate: lib/kube/decide/upgrade-order.ts); until then it waits, and it gives up with a clear
 *   message when the control-plane pool failed in this run or the wait exceeds its bound.
 * Where the cluster's API cannot be reached these steps are refused, never done blindly.
 */
import { KubeUnreachableError } from "../../kube/errors";
import { workerUpgradeGate, type WorkerGate } from "../../kube/decide/upgrade-order";
import { kubeletVersion } from "../../kube/nodes";
import { formatKubeVersion, parseKubeVersion, versionChange } from "../../kube/version";
import type { ResourceOfKind } from "../../schema/plan";
import { errorMessage } from "../errors";
import type { Services } from "../services";
import { clusterAccess, forgetClusterAccess, reachCluster, type ClusterAccess } from "./access";
import { clusterPki } from "./cluster-pki";

type ClusterResource = ResourceOfKind<"NutanixCluster">;

const CONTROL_PLANE_LABEL = "node-role.kubernetes.io/control-plane";

/** `v`-prefixed desired version of the cluster, or an Error naming the field. */
function desiredVersion(cluster: ClusterResource): string {
  const v = parseKubeVersion(cluster.spec.kubernetesVersion);
  if (!v) throw new Error(`${cluster.id}: kubernetesVersion: expected MAJOR.MINOR.PATCH, got ${JSON.stringify(cluster.spec.kubernetesVersion)}`);
  return formatKubeVersion(v);
}

/**
 * Before rolling an existing control plane: moves kubeadm-config to the plan's version when it differs by a
 * patch or one minor (anything else the version guard refused at plan). Throws when the API cannot be reached
 * (bounded by --node-ready-timeout): the roll does not start.
 */
export async function upgradeKubeadmConfig(s: Services, cluster: ClusterResource, poolId: string): Promise<void> {
  const want = desiredVersion(cluster);
  let access: ClusterAccess;
  try {
    access = await reachCluster(s, cluster, await clusterPki(s, cluster), s.features.nodeReadyTimeoutMs, "roll the control plane without checking kubeadm-config's Kubernetes version");
  } catch (e) {
    throw new Error(`upgrade step refused: the control plane's Kubernetes version is read and updated through the cluster's API (kube-system/kubeadm-config): ${errorMessage(e)}`);
  }
  try {
    const cfg = await access.client.getKubeadmConfig();
    // No kubeadm-config: the init node never finished `kubeadm init`; nothing to upgrade, the roll recreates it.
    if (!cfg?.kubernetesVersion) return;
    const change = versionChange(cfg.kubernetesVersion, want);
    if (change.kind === "same") return;
    if (change.kind === "refuse") throw new Error(`cluster ${cluster.spec.name}: kubernetesVersion ${cluster.spec.kubernetesVersion} refused: ${change.reason}`);
    const t0 = Date.now();
    await access.client.setKubernetesVersion(want);
    s.progress.action(poolId, `kubeadm-config: kubernetesVersion ${cfg.kubernetesVersion} → ${want} (${change.kind} upgrade: control plane first, one machine at a time, then the workers)`, Date.now() - t0);
  } catch (e) {
    if (e instanceof KubeUnreachableError) forgetClusterAccess(s, cluster);
    throw e;
  }
}

type GateRead = WorkerGate | { kind: "unreachable"; reason: string };

/** The gate reads in flight, per run and cluster: the pools of a cluster that wait at once share each read. */
const gateReads = new WeakMap<Services, Map<string, Promise<GateRead>>>();

/** What the cluster's API shows the gate, or the unreachability; concurrent callers share one read. */
function readGate(s: Services, cluster: ClusterResource, want: string): Promise<GateRead> {
  let inFlight = gateReads.get(s);
  if (!inFlight) gateReads.set(s, (inFlight = new Map()));
  const key = `${cluster.id}\u0000${want}`;
  const running = inFlight.get(key);
  if (running) return running;
  const p = readGateOnce(s, cluster, want).finally(() => inFlight.delete(key));
  inFlight.set(key, p);
  return p;
}

async function readGateOnce(s: Services, cluster: ClusterResource, want: string): Promise<GateRead> {
  let access: ClusterAccess;
  try {
    access = await clusterAccess(s, cluster, await clusterPki(s, cluster));
  } catch (e) {
    if (e instanceof KubeUnreachableError) return { kind: "unreachable", reason: e.message };
    throw e;
  }
  try {
    const cfg = await access.client.getKubeadmConfig();
    const nodes = (await access.client.listNodes()).filter((n) => n.metadata.labels?.[CONTROL_PLANE_LABEL] !== undefined);
    return workerUpgradeGate({
      desiredVersion: want,
      kubeadmConfigVersion: cfg?.kubernetesVersion,
      controlPlaneNodes: nodes.map((n) => ({ name: n.metadata.name, kubeletVersion: kubeletVersion(n) })),
    });
  } catch (e) {
    if (e instanceof KubeUnreachableError) return { kind: "unreachable", reason: e.message };
    throw e;
  } finally {
    access.client.close();
  }
}

/** The control-plane pool of a cluster in the plan (its replicas bound the wait). */
function controlPlaneReplicas(s: Services, cluster: ClusterResource): number {
  return s.plan.ofKind("NodePool").find((p) => p.spec.cluster === cluster.id && p.spec.role === "control-plane")?.spec.replicas ?? 1;
}

/**
 * Before a worker pool creates or resizes nodes: waits until the control plane runs the plan's version. A pool with no
 * VM yet whose cluster's API does not answer goes ahead (a new cluster: its control plane is created at the
 * plan's version). The wait is bounded by --node-ready-timeout per control-plane machine plus one, and ends
 * early when the control-plane pool failed in this run; then it throws, and the pool creates nothing.
 */
export async function awaitControlPlaneVersion(s: Services, cluster: ClusterResource, poolId: string, existing: boolean): Promise<void> {
  const want = desiredVersion(cluster);
  const t0 = Date.now();
  const deadline = t0 + s.features.nodeReadyTimeoutMs * (controlPlaneReplicas(s, cluster) + 1);
  let unreachableSince: number | undefined;
  let said = "";
  for (;;) {
    const g = await readGate(s, cluster, want);
    if (g.kind === "proceed") {
      if (said) s.progress.action(poolId, `workers go ahead: ${g.reason}`, Date.now() - t0);
      return;
    }
    if (g.kind === "refuse") throw new Error(`workers of cluster ${cluster.spec.name}: ${g.reason}`);
    if (g.kind === "unreachable") {
      if (!existing) return;
      unreachableSince ??= Date.now();
    } else {
      unreachableSince = undefined;
    }
    const why = g.kind === "unreachable" ? `the cluster's API does not answer (${g.reason})` : g.reason;
    if (why !== said) {
      s.progress.action(poolId, `workers wait for the control plane: ${why}`);
      said = why;
    }
    const failed = s.cache.peek<string>(`control-plane-failed:${cluster.id}`);
    if (failed) throw new Error(`workers wait for the control plane (${why}), and ${await failed}; no worker is created or replaced (nor resized)`);
    const now = Date.now();
    if (now >= deadline || (unreachableSince !== undefined && now - unreachableSince >= s.features.nodeReadyTimeoutMs)) {
      const what = g.kind === "unreachable" ? "upgrade step refused: the workers' gate reads the control plane's version through the cluster's API" : "workers wait for the control plane";
      throw new Error(`${what}: ${why}; gave up after ${Math.round((now - t0) / 1000)}s; no worker is created or replaced (nor resized) (apply the control-plane pool first)`);
    }
    await new Promise((r) => setTimeout(r, Math.min(s.features.kubePollMs, Math.max(1, deadline - now))));
  }
}
