/**
 * The kube-vip endpoint of a live cluster cannot move (issue 14): `controlPlaneEndpoint` is fixed when
 * `kubeadm init` runs — it is a SAN of the API server's certificate and the `server` of every kubeconfig
 * kubeadm writes on every node (admin.conf, kubelet.conf, controller-manager.conf, scheduler.conf; kubeadm
 * `cmd/kubeadm/app/phases/kubeconfig`), and each join's discovery dials it. Cluster API makes it immutable too:
 * KubeadmControlPlane's validating webhook lets an update change only listed paths of
 * `spec.kubeadmConfigSpec.clusterConfiguration` (etcd, dns, imageRepository, featureGates, apiServer,
 * controllerManager, scheduler, ...), and `controlPlaneEndpoint` is not one of them
 * (`kubernetes-sigs/cluster-api` `controlplane/kubeadm/webhooks/admission/kubeadmcontrolplane.go` allowedPaths,
 * formerly `controlplane/kubeadm/api/v1beta1/kubeadm_control_plane_webhook.go`).
 *
 * The live endpoint is read back from Prism Central, like the PKI: the kubeadm configuration in the cloud-init
 * user data of the cluster's control-plane VMs (`controlPlaneEndpoint` of the init node's ClusterConfiguration,
 * `discovery.bootstrapToken.apiServerEndpoint` of a join). `plan` and `apply` of the endpoint and of every pool
 * of the cluster refuse a different address or port before any write.
 */
import { parseAllDocuments } from "yaml";
import { KUBEADM_JOIN_CONFIG_PATH } from "../../render/cloud-init";
import { hostPort } from "../../net/host-port";
import { KUBEADM_INIT_CONFIG_PATH } from "../../render/kube-vip";
import type { ResourceOfKind } from "../../schema/plan";
import { isDeleting, type Services } from "../services";
import { controlPlanePoolOf, withUserData } from "./cluster-pki";

/** The endpoint (`host:port`) the kubeadm configuration in one VM's user data names, or undefined. */
export function endpointFromUserData(userData: string): string | undefined {
  let root: unknown;
  try {
    root = parseAllDocuments(userData, { version: "1.1" })[0]?.toJS();
  } catch {
    return undefined;
  }
  const files = root && typeof root === "object" ? (root as { write_files?: unknown }).write_files : undefined;
  if (!Array.isArray(files)) return undefined;
  for (const f of files as Array<{ path?: unknown; content?: unknown; encoding?: unknown }>) {
    if ((f.path !== KUBEADM_INIT_CONFIG_PATH && f.path !== KUBEADM_JOIN_CONFIG_PATH) || typeof f.content !== "string") continue;
    const enc = typeof f.encoding === "string" ? f.encoding.toLowerCase() : "";
    const text = enc === "b64" || enc === "base64" ? Buffer.from(f.content, "base64").toString("utf8") : f.content;
    try {
      for (const doc of parseAllDocuments(text, { version: "1.1" })) {
        const d = doc.toJS() as { kind?: unknown; controlPlaneEndpoint?: unknown; discovery?: { bootstrapToken?: { apiServerEndpoint?: unknown } } } | null;
        if (d?.kind === "ClusterConfiguration" && typeof d.controlPlaneEndpoint === "string") return d.controlPlaneEndpoint;
        const join = d?.kind === "JoinConfiguration" ? d.discovery?.bootstrapToken?.apiServerEndpoint : undefined;
        if (typeof join === "string") return join;
      }
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** `host:port` (render/kubeadm.ts controlPlaneEndpoint's form) split at the last colon. */
function split(ep: string): { host: string; port: string } {
  const i = ep.lastIndexOf(":");
  return i < 0 ? { host: ep, port: "6443" } : { host: ep.slice(0, i).replace(/^\[(.*)\]$/, "$1"), port: ep.slice(i + 1) };
}

/**
 * The refusal, if any, of a plan whose endpoint differs from the one the cluster's VMs were built with (pure).
 * `live`: control-plane VM name → the endpoint its user data names (undefined: none found, ignored).
 */
export function endpointChangeRefusal(
  where: { readonly endpointId: string; readonly cluster: string },
  desired: { readonly address: string; readonly port: number },
  live: ReadonlyArray<{ readonly vm: string; readonly endpoint: string | undefined }>,
): string | undefined {
  const want = hostPort(desired.address, desired.port);
  const byEndpoint = new Map<string, string[]>();
  for (const l of [...live].sort((a, b) => a.vm.localeCompare(b.vm, "en", { numeric: true }))) {
    if (l.endpoint === undefined || l.endpoint === want) continue;
    byEndpoint.set(l.endpoint, [...(byEndpoint.get(l.endpoint) ?? []), l.vm]);
  }
  if (byEndpoint.size === 0) return undefined;
  const parts = [...byEndpoint].map(([ep, vms]) => {
    const old = split(ep);
    const fields = [
      ...(old.host !== desired.address ? [`address ${old.host} → ${desired.address}`] : []),
      ...(old.port !== String(desired.port) ? [`port ${old.port} → ${desired.port}`] : []),
    ];
    return `${fields.join(", ")} (the kubeadm configuration of ${vms.join(", ")} names ${ep})`;
  });
  return (
    `${where.endpointId}: ${parts.join("; ")}: cluster ${where.cluster} is built with that endpoint, and a control-plane endpoint cannot change once ` +
    `kubeadm init ran (it is in the API server's certificate and every node's kubeconfig; Cluster API's KubeadmControlPlane refuses the change too). ` +
    `Refused before any write: keep the old address and port, or destroy the cluster and build it again at the new endpoint`
  );
}

/** The refusal for a cluster of the plan, read once per run from its control-plane VMs' user data. */
export function endpointGuard(s: Services, cluster: ResourceOfKind<"NutanixCluster">): Promise<string | undefined> {
  return s.cache.once(`endpoint-guard:${cluster.id}`, async () => {
    const ep = s.plan.find(cluster.spec.endpoint, "KubeVipEndpoint");
    const cp = controlPlanePoolOf(s, cluster.id);
    if (!ep || !cp) return undefined;
    const vms = (await s.inventory()).ownedByResource(s.identity, cp.id).filter((v) => !isDeleting(v));
    const live = await Promise.all(vms.map(async (v) => {
      const u = await withUserData(s, v);
      return { vm: u.name, endpoint: u.userData === undefined ? undefined : endpointFromUserData(u.userData) };
    }));
    return endpointChangeRefusal({ endpointId: ep.id, cluster: cluster.spec.name }, ep.spec, live);
  });
}
