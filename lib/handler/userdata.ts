/**
 * User data of a node VM: the one place the handler calls the renderer (lib/render), the hash of the
 * non-secret inputs (what decides whether a VM must be rebuilt), and reading user data back.
 *
 * Secrets (the cluster PKI, bootstrap tokens) are never in the plan. The PKI is generated at a cluster's
 * first apply and read back from its control-plane VMs on later runs (kube/cluster-pki.ts); join tokens
 * are fresh random values (kube/join-token.ts). Nothing is derived from the Prism Central credentials.
 */
import { metaData, nodeSshKeys, nodeUserData, type NodeUserDataInput } from "../render/cloud-init";
import { effectiveNoProxy } from "../render/proxy";
import type { VmEntity } from "../prism/types";
import type { NutanixClusterSpec } from "../schema/cluster";
import type { KubeVipEndpointSpec } from "../schema/kube-vip";
import type { NodePoolSpec } from "../schema/node-pool";
import { canonicalJson } from "../plan/canonical";
import { sha256 } from "./ownership";

/** Everything the renderer needs for one VM. */
export type UserDataInput = NodeUserDataInput;

/** Renders the cloud-init user data (the single call site of the renderer). */
export function renderUserData(input: UserDataInput): string {
  return nodeUserData(input);
}

/** The guest-customization meta data of a VM. */
export function renderMetaData(vmName: string, uuid: string): string {
  return metaData(vmName, uuid);
}

/**
 * SHA-256 of the non-secret inputs of a pool's user data: cluster name, Kubernetes version and
 * networks, the kube-vip endpoint (without the account and subnet references), the proxy as the nodes
 * get it (its URLs, CA and effective `NO_PROXY`, which also holds the node subnet), the node's SSH keys
 * (the cluster's and the pool's), and the pool's role, name, labels and taints. The VM name and the role
 * of each VM (init/join) are per VM and left out; the secrets differ per run and are left out. A change
 * here means the pool's VMs must be rebuilt, exactly like a change of the KubeadmConfigTemplate in Cluster
 * API: cloud-init processes user data on an instance's first boot only — `write_files` (the proxy's
 * systemd drop-ins, /etc/environment, its CA), `runcmd` and the `ssh` module's `ssh_authorized_keys` all
 * run once per instance (cloud-init docs, "Module reference": each module's "Frequency: once-per-instance";
 * "First boot determination") — so a changed proxy or key never reaches a running node.
 *
 * The CNI is left out on purpose: only the `kubeadm init` node applies it, once, after init
 * (render/cni.ts); joins never do, so a roll would not change it either. A CNI is cluster state in the API
 * (its DaemonSets), not node configuration: the control-plane pool's plan notes a changed CNI of a live
 * cluster (cniChangeNote) and the user applies it through the cluster's API (`nutanix-handler kubeconfig`).
 */
export function bootstrapInputsHash(cluster: NutanixClusterSpec, endpoint: KubeVipEndpointSpec, pool: NodePoolSpec): string {
  const { account: _a, subnet: _s, peCluster: _p, ...ep } = endpoint;
  const proxy = cluster.proxy ? { ...cluster.proxy, noProxy: effectiveNoProxy(cluster, endpoint) } : undefined;
  const sshKeys = nodeSshKeys(cluster, pool);
  return sha256(
    canonicalJson({
      cluster: { name: cluster.name, kubernetesVersion: cluster.kubernetesVersion, podCidr: cluster.podCidr, serviceCidr: cluster.serviceCidr },
      endpoint: ep,
      pool: { name: pool.name, role: pool.role, labels: pool.labels, taints: pool.taints },
      // Absent when unset, so the hash of a node without proxy or keys is what it was before they existed (no roll on upgrade).
      ...(proxy ? { proxy } : {}),
      ...(sshKeys.length > 0 ? { sshKeys } : {}),
    }),
  );
}

/**
 * The note for a live cluster whose CNI the plan changes (pure): `applied` is the manifest URL (or
 * undefined) that the init node's user data applied, as found on the control-plane VMs; undefined when no
 * VM says (the init VM was replaced: its successors are joins) or nothing changed.
 */
export function cniChangeNote(clusterName: string, applied: ReadonlySet<string | undefined> | undefined, desired: string | undefined): string | undefined {
  if (!applied || applied.size === 0 || applied.has(desired)) return undefined;
  const was = [...applied].map((u) => u ?? "none").sort().join(", ");
  return (
    `cni of cluster ${clusterName}: the init node applied ${was}, the plan says ${desired ?? "none"}; the CNI is applied once, by the kubeadm init node, ` +
    `so no node rolls and the handler does not change it: apply it through the cluster's API (nutanix-handler kubeconfig), e.g. kubectl apply -f ${desired ?? "<your CNI>"}`
  );
}

/** The CNI manifest URL the init node's user data applies (render/cni.ts), undefined for none, null when the text is no init node's. */
export function cniAppliedBy(userData: string): string | undefined | null {
  if (!userData.includes("kubeadm init")) return null;
  return /kubectl --kubeconfig \S+ apply -f (https:\/\/\S+)/.exec(userData)?.[1];
}

/** The user data of a VM, decoded, or undefined. */
export function userDataOf(vm: VmEntity): string | undefined {
  const b64 = vm.spec?.resources?.guest_customization?.cloud_init?.user_data;
  if (typeof b64 !== "string" || b64 === "") return undefined;
  try {
    return Buffer.from(b64, "base64").toString("utf8");
  } catch {
    return undefined;
  }
}
