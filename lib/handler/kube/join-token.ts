/**
 * Join credentials valid whenever a node joins (issue 14, item 2). The init node gets a fresh random token
 * in its InitConfiguration (kubeadm creates its Secret during `kubeadm init`). Every other node created by an
 * apply gets a fresh bootstrap token that this apply creates through the cluster's API, as the
 * `kube-system/bootstrap-token-<id>` Secret kubeadm itself writes (lib/kube/bootstrap-token.ts; kubernetes.io
 * "Authenticating with Bootstrap Tokens"), with a short TTL; Cluster API's bootstrap provider does the same
 * (`bootstrap/kubeadm/internal/controllers/token.go`: one token per machine's bootstrap data, refreshed while
 * the machine has not joined, left to expire afterwards). A token is used once, at `kubeadm join`; after that
 * the kubelet holds its own certificate, so nothing a node needs expires mid-life.
 */
import { bootstrapTokenSecret, generateBootstrapToken } from "../../kube/bootstrap-token";
import { KubeUnreachableError } from "../../kube/errors";
import type { ResourceOfKind } from "../../schema/plan";
import type { Services } from "../services";
import { forgetClusterAccess, reachCluster } from "./access";
import type { OwnedPki } from "./cluster-pki";

/** How long a join token of an apply is valid: a node boots and joins within minutes; an apply's waits are bounded by --node-ready-timeout. */
export function joinTokenTtlMs(nodeReadyTimeoutMs: number): number {
  return Math.max(3600_000, 2 * nodeReadyTimeoutMs);
}

/** A token for `kubeadm init` (random; kubeadm writes its Secret). */
export function initToken(): string {
  return generateBootstrapToken().token;
}

/**
 * The join token of this apply for a cluster: created through the cluster's API once per run (the API must
 * answer within --node-ready-timeout, else the creates that need it are refused).
 */
export function joinToken(s: Services, cluster: ResourceOfKind<"NutanixCluster">, pki: OwnedPki): Promise<string> {
  return s.cache.once(`join-token:${cluster.id}`, async () => {
    const access = await reachCluster(s, cluster, pki, s.features.nodeReadyTimeoutMs, "create VMs that join the cluster");
    try {
      const t = generateBootstrapToken();
      await access.client.createBootstrapTokenSecret(bootstrapTokenSecret(t, { ttlMs: joinTokenTtlMs(s.features.nodeReadyTimeoutMs), description: "nutanix-palette-cdk: joins the nodes this apply creates" }));
      s.progress.action(cluster.id, `created a join token (bootstrap-token-${t.id}) through ${access.address.vip}`);
      return t.token;
    } catch (e) {
      if (e instanceof KubeUnreachableError) forgetClusterAccess(s, cluster);
      throw e;
    }
  });
}
