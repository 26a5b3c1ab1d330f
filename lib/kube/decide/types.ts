/**
 * Plain inputs and outputs of the KCP-like and MachineDeployment-like decisions. They name no handler
 * type: the caller observes Prism Central (VMs), the cluster's API (Nodes) and etcd (members) and fills
 * these in; the decision returns the next single safe step.
 */

/** The VM of a machine as Prism Central shows it. */
export type VmState =
  /** Create requested, its task not finished (or the VM not powered on yet). */
  | "creating"
  /** Created and powered on. */
  | "running"
  /** The create task failed: the VM never booted, so it holds no Node and no etcd member. */
  | "failed";

/** The machine's Node as the cluster's API shows it. */
export type NodeState = "absent" | "not-ready" | "ready";

/** One observed machine. */
export interface ObservedMachine {
  /** VM name (unique in the pool). */
  readonly name: string;
  readonly vm: VmState;
  /** Hash of the spec it was created from; a differing hash makes it outdated. */
  readonly specHash: string;
  /** The Kubernetes version it was created with (`vX.Y.Z`). */
  readonly kubernetesVersion: string;
  /** Unknown when the API was not reachable. */
  readonly node: NodeState | "unknown";
  /**
   * Marked for deletion by an earlier step (like a Machine's deletionTimestamp); its removal continues
   * whatever else changes. The caller persists the mark (e.g. on the VM) so a crash does not lose it.
   */
  readonly deleting: boolean;
}

/** A control-plane machine, with its etcd member (stacked etcd). */
export interface ObservedControlPlaneMachine extends ObservedMachine {
  /** `kubeadm init` (exactly one per cluster) or `kubeadm join --control-plane`. */
  readonly role: "init" | "join";
  /** Unknown when etcd was not reachable. */
  readonly etcdMember: boolean | "unknown";
}

/** A worker machine. */
export interface ObservedWorkerMachine extends ObservedMachine {
  /** `spec.unschedulable` of its Node. */
  readonly cordoned: boolean;
  /** Pods a drain would still evict or wait for; unknown when not listed. */
  readonly podsToDrain: number | "unknown";
}

/** Whether an API answered. */
export type Reachability = { readonly reachable: true } | { readonly reachable: false; readonly error: string };

/** The desired state of a pool. */
export interface DesiredPool {
  readonly replicas: number;
  readonly specHash: string;
  readonly kubernetesVersion: string;
}

/** The next step. `machine` names the VM it acts on. */
export type Step =
  | { readonly kind: "create"; readonly role: "init" | "join" | "worker"; readonly reason: string }
  | { readonly kind: "wait"; readonly machine?: string; readonly reason: string }
  | { readonly kind: "mark-deleting"; readonly machine: string; readonly reason: string }
  | { readonly kind: "remove-etcd-member"; readonly machine: string; readonly reason: string }
  | { readonly kind: "cordon"; readonly machine: string; readonly reason: string }
  | { readonly kind: "drain"; readonly machine: string; readonly reason: string }
  | { readonly kind: "delete-node"; readonly machine: string; readonly reason: string }
  | { readonly kind: "delete-vm"; readonly machine: string; readonly reason: string }
  | { readonly kind: "update-kubeadm-config"; readonly kubernetesVersion: string; readonly reason: string }
  | { readonly kind: "done"; readonly reason: string }
  | { readonly kind: "refuse"; readonly reason: string };

/** Deterministic order: by name. */
export const byName = <T extends { name: string }>(a: T, b: T): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
