/**
 * Which role a new control-plane machine at an ordinal gets (issue 14, item 5): `kubeadm init` or
 * `kubeadm join --control-plane`. Exactly one `kubeadm init` may ever run per cluster: a second one makes a
 * separate cluster with its own etcd, while a join into a cluster that was never initialised never gets
 * through discovery (the reference's "The kubeadm init node must exist exactly once per cluster").
 *
 * The observable is the one Cluster API's KubeadmControlPlane uses: the `kube-system/kubeadm-config`
 * ConfigMap, which `kubeadm init` uploads (its `upload-config` phase) once the API server is up. KCP marks a
 * control plane initialised as soon as that ConfigMap is readable and never un-marks it
 * (`kubernetes-sigs/cluster-api` v1.5–v1.11 `controlplane/kubeadm/internal/controllers/status.go`:
 * "This only gets initialized once and does not change if the kubeadm config map goes away", fed by
 * `internal/workload_cluster.go` `ClusterStatus().HasKubeadmConfig`; on main `controlplane/kubeadm/
 * reconcilers/kubeadmcontrolplane/status.go` setControlPlaneInitialized over `pkg/workload_cluster.go`
 * HasKubeadmConfig), and only then lets the kubeadm bootstrap
 * provider give further machines a join configuration. A Ready node or an etcd member would do too, but
 * both need more than the API (etcd) or miss an init whose node is still NotReady (no CNI yet), so
 * kubeadm-config it is.
 *
 * When the cluster's API does not answer, the handler cannot tell an uninitialised cluster (nothing serves
 * the VIP) from an initialised one whose API is down, so a create whose role depends on it is refused.
 * Pure: no I/O.
 */

/** What the handler knows about whether the cluster was ever initialised. */
export type ClusterInitialised =
  | { readonly known: true; readonly initialised: boolean; readonly evidence: string }
  | { readonly known: false; readonly reason: string };

/** Input of {@link controlPlaneCreateRole}. */
export interface CreateRoleInput {
  /** The cluster's name, for messages. */
  readonly cluster: string;
  /** The VM name of the machine to create. */
  readonly name: string;
  /** Its ordinal in the control-plane pool (1 is the init ordinal). */
  readonly ordinal: number;
  /** Control-plane VMs of the pool that exist (listed, or whose create is still running), this ordinal's old VM included. */
  readonly existing: readonly string[];
  readonly initialised: ClusterInitialised;
}

/** The role, or the refusal. */
export type CreateRole =
  | { readonly kind: "init"; readonly reason: string }
  | { readonly kind: "join"; readonly reason: string }
  | { readonly kind: "refuse"; readonly reason: string };

/** The role of a new control-plane machine (pure: same inputs, same answer). */
export function controlPlaneCreateRole(input: CreateRoleInput): CreateRole {
  const { cluster, name, ordinal, existing, initialised } = input;
  if (ordinal !== 1) return { kind: "join", reason: `only ordinal 1 runs kubeadm init; ${name} joins` };
  if (existing.length === 0) return { kind: "init", reason: `cluster ${cluster} has no control-plane VM: ${name} runs kubeadm init` };
  if (!initialised.known) {
    return {
      kind: "refuse",
      reason:
        `cannot create ${name}: cluster ${cluster} has control-plane VMs (${existing.join(", ")}) and whether it was ever initialised is unknown ` +
        `(${initialised.reason}); as kubeadm init it would split an initialised cluster in two, as a join it could never join an uninitialised one. ` +
        `Apply again once the cluster's API answers; if the cluster never came up, delete those VMs so ${name} is created as the kubeadm init node`,
    };
  }
  return initialised.initialised
    ? { kind: "join", reason: `cluster ${cluster} is initialised (${initialised.evidence}): ${name} joins` }
    : { kind: "init", reason: `cluster ${cluster} was never initialised (${initialised.evidence}): ${name} runs kubeadm init` };
}
