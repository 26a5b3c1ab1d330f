/**
 * Upgrades one minor at a time, never down (issue 14, item 7): before any write, `plan` and `apply` compare
 * the plan's Kubernetes version with the control plane's, as kubeadm's `upgrade plan` reads it from the
 * `kube-system/kubeadm-config` ConfigMap (`ClusterConfiguration.kubernetesVersion`), and refuse a downgrade
 * or a skipped minor (Kubernetes version skew policy; lib/kube/version.ts). When the API does not answer the
 * guard cannot judge and says so in a note (the steps that need the API are refused at apply anyway). A patch or
 * one-minor change is noted with the order it rolls in (kube/upgrade.ts).
 */
import { KubeError } from "../../kube/errors";
import { versionChange } from "../../kube/version";
import type { ResourceOfKind } from "../../schema/plan";
import type { Services } from "../services";
import { clusterAccess } from "./access";
import { clusterPki } from "./cluster-pki";

/** What the guard found: an error to refuse with, or a note. */
export type VersionGuard = { readonly error: string } | { readonly note: string } | Record<string, never>;

/** The guard for a cluster that already has control-plane VMs, once per run. */
export function versionGuard(s: Services, cluster: ResourceOfKind<"NutanixCluster">): Promise<VersionGuard> {
  return s.cache.once(`version-guard:${cluster.id}`, async (): Promise<VersionGuard> => {
    let current: string | undefined;
    try {
      const access = await clusterAccess(s, cluster, await clusterPki(s, cluster));
      try {
        current = (await access.client.getKubeadmConfig())?.kubernetesVersion;
      } finally {
        access.client.close();
      }
    } catch (e) {
      if (e instanceof KubeError) return { note: `could not read the control plane's Kubernetes version (${e.message}); version change not checked` };
      throw e;
    }
    if (current === undefined) return {};
    const change = versionChange(current, cluster.spec.kubernetesVersion);
    if (change.kind === "refuse") return { error: `cluster ${cluster.spec.name}: kubernetesVersion ${cluster.spec.kubernetesVersion} refused: ${change.reason}` };
    if (change.kind === "same") return {};
    const to = `v${cluster.spec.kubernetesVersion.replace(/^v/, "")}`;
    return {
      note: `Kubernetes ${change.kind} upgrade ${current} → ${to}: kubeadm-config first, then the control-plane machines one at a time; the workers roll only when every control-plane node runs ${to} (kube/upgrade.ts)`,
    };
  });
}
