/**
 * User data of a node VM: the one place the handler calls the renderer (lib/render), the hash of the
 * non-secret inputs (what decides whether a VM must be rebuilt), and reading user data back.
 *
 * Secrets (the cluster PKI, bootstrap tokens) are never in the plan. The PKI is generated at a cluster's
 * first apply and read back from its control-plane VMs on later runs (kube/cluster-pki.ts); join tokens
 * are fresh random values (kube/join-token.ts). Nothing is derived from the Prism Central credentials.
 */
import { metaData, nodeUserData, type NodeUserDataInput } from "../render/cloud-init";
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
 * networks, the kube-vip endpoint (without the account and subnet references), the pool's role, name,
 * labels and taints. The VM name and the role of each VM (init/join) are per VM and left out; the
 * secrets differ per run and are left out. A change here means the pool's VMs must be rebuilt
 * (cloud-init runs once), exactly like a change of the KubeadmConfigTemplate in Cluster API.
 */
export function bootstrapInputsHash(cluster: NutanixClusterSpec, endpoint: KubeVipEndpointSpec, pool: NodePoolSpec): string {
  const { account: _a, subnet: _s, peCluster: _p, ...ep } = endpoint;
  return sha256(
    canonicalJson({
      cluster: { name: cluster.name, kubernetesVersion: cluster.kubernetesVersion, podCidr: cluster.podCidr, serviceCidr: cluster.serviceCidr },
      endpoint: ep,
      pool: { name: pool.name, role: pool.role, labels: pool.labels, taints: pool.taints },
    }),
  );
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
