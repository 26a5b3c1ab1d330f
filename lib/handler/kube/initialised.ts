/**
 * Whether a direct cluster was ever initialised, as Cluster API's KubeadmControlPlane tells it: the
 * `kube-system/kubeadm-config` ConfigMap that `kubeadm init` uploads is readable through the cluster's API
 * (lib/kube/decide/init-role.ts has the sources). Reads only; once per run per cluster. When the API does not
 * answer (or refuses the handler's credential) the answer is "unknown", never a guess.
 */
import type { ClusterInitialised } from "../../kube/decide/init-role";
import { KubeError } from "../../kube/errors";
import type { ResourceOfKind } from "../../schema/plan";
import type { Services } from "../services";
import { clusterAccess } from "./access";
import { clusterPki } from "./cluster-pki";

/** What the cluster's API says about its initialisation (cached for the run). */
export function observeInitialised(s: Services, cluster: ResourceOfKind<"NutanixCluster">): Promise<ClusterInitialised> {
  return s.cache.once(`initialised:${cluster.id}`, async (): Promise<ClusterInitialised> => {
    try {
      const access = await clusterAccess(s, cluster, await clusterPki(s, cluster));
      try {
        const cfg = await access.client.getKubeadmConfig();
        return cfg
          ? { known: true, initialised: true, evidence: `kube-system/kubeadm-config exists at ${access.address.vip}` }
          : { known: true, initialised: false, evidence: `the API at ${access.address.vip} answers but has no kube-system/kubeadm-config: kubeadm init never uploaded it` };
      } finally {
        access.client.close();
      }
    } catch (e) {
      if (e instanceof KubeError) return { known: false, reason: `the cluster's API did not answer: ${e.message}` };
      throw e;
    }
  });
}
