/**
 * Workers wait for the control plane (issue 14, item 7). Cluster API upgrades the control plane first —
 * KubeadmControlPlane updates `kubernetesVersion` in the kubeadm-config ConfigMap
 * (`controlplane/kubeadm/internal/workload_cluster.go` UpdateKubernetesVersionInKubeadmConfigMap), then
 * rolls its machines one at a time — and only then the workers (cluster-api book, "Upgrading workload clusters":
 * first upgrade the control plane, then the worker machines; with ClusterClass the topology controller keeps a
 * MachineDeployment at its current version until the control plane is stable, i.e. neither upgrading, scaling nor
 * about to upgrade: `computeMachineDeploymentVersion` and `isControlPlaneStable` in
 * `internal/controllers/topology/cluster/desired_state.go` up to v1.6, moved to
 * `exp/topology/desiredstate/desired_state.go` from v1.7).
 * The version skew policy (kubernetes.io "Version Skew Policy") is the reason: a kubelet must never be newer
 * than kube-apiserver. This module decides, from what the cluster's API shows, whether a worker pool may
 * create nodes at the desired version now. Pure: no I/O.
 */
import { compareKubeVersions, formatKubeVersion, parseKubeVersion } from "../version";

/** A control-plane Node as the API shows it. */
export interface ControlPlaneNodeView {
  readonly name: string;
  /** `status.nodeInfo.kubeletVersion`; undefined when the Node does not report one yet. */
  readonly kubeletVersion: string | undefined;
}

/** What the gate reads. */
export interface WorkerGateInput {
  /** The cluster's desired Kubernetes version (the plan's, with or without the `v`). */
  readonly desiredVersion: string;
  /** `kubernetesVersion` of kubeadm-config's ClusterConfiguration; undefined: the cluster is not initialised. */
  readonly kubeadmConfigVersion: string | undefined;
  /** Nodes labelled `node-role.kubernetes.io/control-plane`. */
  readonly controlPlaneNodes: readonly ControlPlaneNodeView[];
}

/** The gate's answer. */
export type WorkerGate =
  | { readonly kind: "proceed"; readonly reason: string }
  | { readonly kind: "wait"; readonly reason: string }
  | { readonly kind: "refuse"; readonly reason: string };

/**
 * May the workers create nodes at `desiredVersion` now? `proceed` when the cluster is not initialised yet (a
 * new cluster: its control plane is created at the desired version) or when kubeadm-config and every
 * control-plane Node are at (or above) it; `wait` while the control plane is still upgrading; `refuse` on a
 * version that does not parse.
 */
export function workerUpgradeGate(input: WorkerGateInput): WorkerGate {
  const want = parseKubeVersion(input.desiredVersion);
  if (!want) return { kind: "refuse", reason: `desired version ${JSON.stringify(input.desiredVersion)} is not vMAJOR.MINOR.PATCH` };
  const v = formatKubeVersion(want);
  if (input.kubeadmConfigVersion === undefined) return { kind: "proceed", reason: "the cluster is not initialised yet: its control plane is created at the desired version" };
  const cfg = parseKubeVersion(input.kubeadmConfigVersion);
  if (!cfg || compareKubeVersions(cfg, want) < 0) {
    return { kind: "wait", reason: `the control plane's upgrade to ${v} has not started (kubeadm-config says ${input.kubeadmConfigVersion})` };
  }
  const behind = [...input.controlPlaneNodes]
    .filter((n) => {
      const k = n.kubeletVersion === undefined ? undefined : parseKubeVersion(n.kubeletVersion);
      return !k || compareKubeVersions(k, want) < 0;
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (behind.length > 0) {
    return { kind: "wait", reason: `control-plane node(s) not on ${v} yet: ${behind.map((n) => `${n.name} (${n.kubeletVersion ?? "no version"})`).join(", ")}` };
  }
  if (input.controlPlaneNodes.length === 0) return { kind: "wait", reason: `kubeadm-config says ${input.kubeadmConfigVersion} but no control-plane Node is registered yet` };
  return { kind: "proceed", reason: `every control-plane node runs ${v} or newer` };
}
