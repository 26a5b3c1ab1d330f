/**
 * User data of a node VM: the one place the handler calls the renderer (lib/render), the hash of the
 * non-secret inputs (what decides whether a VM must be rebuilt), and the cluster's bootstrap secrets.
 *
 * Secrets (bootstrap token, certificate key) are never in the plan. For a cluster that already has VMs
 * they are read back from the user data of its existing VMs in Prism Central (control-plane VMs
 * first), so every later VM joins the same cluster. For a new cluster they are derived at apply time
 * with HMAC-SHA256 keyed by the Prism Central credentials over (stack, cluster resource id): processes
 * that run in parallel (Terraform applies the control-plane and worker pools at once) get the same
 * values without any shared storage, and nobody without the credentials can compute them.
 */
import { createHmac } from "node:crypto";
import { metaData, nodeUserData, type NodeSecrets, type NodeUserDataInput } from "../render/cloud-init";
import type { VmEntity } from "../prism/types";
import type { NutanixClusterSpec } from "../schema/cluster";
import type { KubeVipEndpointSpec } from "../schema/kube-vip";
import type { NodePoolSpec } from "../schema/node-pool";
import { canonicalJson } from "../plan/canonical";
import { sha256 } from "./ownership";
import type { PrismLogin } from "./target";

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

const TOKEN_RE = /\b([a-z0-9]{6}\.[a-z0-9]{16})\b/;
const CERT_KEY_RE = /certificateKey:\s*["']?([a-f0-9]{64})\b/;

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

/** Secrets found in existing VMs' user data (control-plane VMs should come first in `vms`). */
export function secretsFromVms(vms: readonly VmEntity[]): Partial<Pick<NodeSecrets, "bootstrapToken" | "certificateKey">> {
  const out: { bootstrapToken?: string; certificateKey?: string } = {};
  for (const vm of vms) {
    const text = userDataOf(vm);
    if (!text) continue;
    out.bootstrapToken ??= TOKEN_RE.exec(text)?.[1];
    out.certificateKey ??= CERT_KEY_RE.exec(text)?.[1];
    if (out.bootstrapToken && out.certificateKey) break;
  }
  return out;
}

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

/** Secrets derived from the credentials for a new cluster (see the module comment). */
export function deriveSecrets(credentials: PrismLogin, stack: string, clusterId: string): Pick<NodeSecrets, "bootstrapToken" | "certificateKey"> {
  const mac = (purpose: string): Buffer =>
    createHmac("sha256", `${credentials.username}\u0000${credentials.password}`).update(`nutanix-palette-cdk\u0000${purpose}\u0000${stack}\u0000${clusterId}`).digest();
  const t = mac("bootstrap-token");
  const chars = [...t.subarray(0, 22)].map((b) => ALPHABET[b % ALPHABET.length]!);
  const token = `${chars.slice(0, 6).join("")}.${chars.slice(6, 22).join("")}`;
  return { bootstrapToken: token, certificateKey: mac("certificate-key").toString("hex") };
}
