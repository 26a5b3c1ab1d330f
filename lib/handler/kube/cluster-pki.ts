/**
 * The cluster PKI the handler owns (issue 14, item 1), as Cluster API's kubeadm bootstrap provider owns it
 * (`kubernetes-sigs/cluster-api` `bootstrap/kubeadm/internal/controllers/kubeadmconfig_controller.go`: the
 * cluster certificates are generated once, with random keys, and handed to every control-plane machine
 * through its bootstrap data). Here the bootstrap data is the VM's cloud-init user data and the store is
 * Prism Central itself: at a cluster's first apply the CAs and service-account keys are generated; on every
 * later run they are read back from the user data of the cluster's control-plane VMs (pki-readback.ts).
 * Nothing is derived from credentials, and nothing is kept on the machine that runs the handler.
 */
import { caCertHash, generateClusterPki, pkiFiles, type ClusterPki } from "../../kube/pki";
import type { VmEntity } from "../../prism/types";
import type { ResourceOfKind } from "../../schema/plan";
import type { PkiWriteFile } from "../../render/cloud-init";
import { ResourceApplyError } from "../errors";
import { ownedByResource } from "../ownership";
import { isDeleting, nameOf, type Services } from "../services";
import { userDataOf } from "../userdata";
import { decidePkiReadback } from "./pki-readback";

type ClusterResource = ResourceOfKind<"NutanixCluster">;

/** The PKI of a cluster and where it came from. */
export interface OwnedPki {
  readonly pki: ClusterPki;
  /** `generated` at this run (a new cluster) or `prism` (read back from these VMs). */
  readonly source: "generated" | "prism";
  readonly from: readonly string[];
  /** `sha256:<hex>` of the cluster CA's public key: what every join pins (`caCertHashes`). */
  readonly caCertHash: string;
  /** The files every control-plane node gets. */
  readonly files: readonly PkiWriteFile[];
}

/** The control-plane pool of a cluster, or undefined when the plan has none. */
export function controlPlanePoolOf(s: Services, clusterId: string): ResourceOfKind<"NodePool"> | undefined {
  return s.plan.ofKind("NodePool").find((p) => p.spec.cluster === clusterId && p.spec.role === "control-plane");
}

/** A VM's decoded user data (GET when the list left it out). */
export async function withUserData(s: Services, vm: VmEntity): Promise<{ name: string; userData: string | undefined }> {
  let text = userDataOf(vm);
  // A list may leave out guest_customization (guess: the v3 list and GET differ between PC versions); GET it.
  if (text === undefined && vm.metadata.uuid) {
    const fresh = await s.client.getVm(vm.metadata.uuid);
    text = fresh ? userDataOf(fresh) : undefined;
  }
  return { name: nameOf(vm), userData: text };
}

/** Reads the PKI back from Prism Central, or generates it for a cluster without control-plane VMs. */
async function loadOrGenerate(s: Services, cluster: ClusterResource): Promise<OwnedPki> {
  const cp = controlPlanePoolOf(s, cluster.id);
  if (!cp) throw new ResourceApplyError([`cluster ${cluster.spec.name}: the plan has no control-plane pool, so there is no PKI to join to`]);
  const inv = await s.inventory();
  let vms = inv.ownedByResource(s.identity, cp.id).filter((v) => !isDeleting(v));
  // A worker pool applied in its own process (Terraform applies the pools at once) waits, up to
  // --node-ready-timeout, for the control-plane pool's first VM to carry the PKI.
  if (vms.length === 0 && s.writable && !s.inScope(cp.id)) vms = await waitForControlPlaneVm(s, cp.id, cluster.spec.name);
  const read = decidePkiReadback(cluster.spec.name, await Promise.all(vms.map((v) => withUserData(s, v))));
  if (read.kind === "conflict") throw new ResourceApplyError([read.message]);
  if (read.kind === "found") return owned(read.pki, "prism", read.from);
  if (read.without.length > 0) {
    throw new ResourceApplyError([
      `cluster ${cluster.spec.name}: its control-plane VMs (${read.without.join(", ")}) carry no /etc/kubernetes/pki files, so the handler cannot learn the cluster CA ` +
        `(they were built before the handler owned the PKI); rebuild the cluster (destroy, then apply) to have a PKI the handler owns`,
    ]);
  }
  if (!s.writable || !s.inScope(cp.id)) {
    throw new ResourceApplyError([
      `cluster ${cluster.spec.name}: no control-plane VM exists yet, so there is no cluster CA to join to; apply ${cp.id} first (its first VM carries the PKI), then this pool`,
    ]);
  }
  s.progress.action(cluster.id, "generated the cluster PKI (cluster CA, etcd CA, front-proxy CA, service-account keys)");
  return owned(await generateClusterPki(), "generated", []);
}

async function waitForControlPlaneVm(s: Services, cpId: string, clusterName: string): Promise<VmEntity[]> {
  const deadline = Date.now() + s.features.nodeReadyTimeoutMs;
  s.progress.action(cpId, `cluster ${clusterName}: waiting for a control-plane VM of ${cpId} (it carries the cluster CA)`);
  for (;;) {
    const vms = (await s.client.listVms()).filter((v) => ownedByResource(v, s.identity, cpId) && !isDeleting(v));
    if (vms.length > 0 || Date.now() >= deadline) return vms;
    await new Promise((r) => setTimeout(r, Math.min(s.features.kubePollMs, Math.max(1, deadline - Date.now()))));
  }
}

function owned(pki: ClusterPki, source: OwnedPki["source"], from: readonly string[]): OwnedPki {
  return { pki, source, from, caCertHash: caCertHash(pki.ca.certPem), files: pkiFiles(pki) };
}

/**
 * The cluster's PKI, once per run (every pool of the cluster in this run shares it). Refuses (throws a
 * ResourceApplyError) when control-plane VMs carry different PKIs or none, and when a worker pool runs
 * alone before its cluster has a control-plane VM.
 */
export function clusterPki(s: Services, cluster: ClusterResource): Promise<OwnedPki> {
  return s.cache.once(`pki:${cluster.id}`, () => loadOrGenerate(s, cluster));
}
