/**
 * A changed CNI on a live cluster (issue 14, item 8): the init node's user data applies the CNI once after
 * `kubeadm init` (render/cni.ts), so the handler reads back which manifest it applied from the control-plane
 * VMs' user data and notes a difference; nothing rolls (userdata.ts bootstrapInputsHash says why).
 */
import { cniManifestUrl } from "../../render/cni";
import type { ResourceOfKind } from "../../schema/plan";
import { isDeleting, type Services } from "../services";
import { cniAppliedBy, cniChangeNote } from "../userdata";
import { controlPlanePoolOf, withUserData } from "./cluster-pki";

/** The note for the cluster, once per run; undefined when nothing changed or no VM tells. */
export function cniNote(s: Services, cluster: ResourceOfKind<"NutanixCluster">): Promise<string | undefined> {
  return s.cache.once(`cni-note:${cluster.id}`, async () => {
    const cp = controlPlanePoolOf(s, cluster.id);
    if (!cp) return undefined;
    const vms = (await s.inventory()).ownedByResource(s.identity, cp.id).filter((v) => !isDeleting(v));
    const applied = new Set<string | undefined>();
    for (const v of vms) {
      const u = (await withUserData(s, v)).userData;
      const url = u === undefined ? null : cniAppliedBy(u);
      if (url !== null) applied.add(url);
    }
    return cniChangeNote(cluster.spec.name, applied, cluster.spec.cni ? cniManifestUrl(cluster.spec.cni) : undefined);
  });
}
