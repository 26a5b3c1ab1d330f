/**
 * How the handler reaches a cluster's API (issue 14, item 4): with its own admin credential — a client
 * certificate signed by the cluster CA it owns, valid for one hour — at `https://<VIP>:<port>` against a real
 * Prism Central. Against the Prism Central emulator the VIP is never dialed: `GET /_emulator/kube/<vip>:<port>`
 * names the loopback port where the emulator serves that cluster's API (lib/emulator/kube-side.ts). When the
 * API does not answer, the steps that need it are refused by the caller (never done blindly).
 */
import { KubeClient } from "../../kube/api";
import { KubeUnreachableError } from "../../kube/errors";
import { issueAdminCertificate, issueEtcdClientCertificate, type IssuedCertificate } from "../../kube/pki";
import type { TlsEndpoint } from "../../kube/transport";
import { hostPort } from "../../net/host-port";
import type { ResourceOfKind } from "../../schema/plan";
import { emulatorAdminGet } from "../endpoints";
import type { Services } from "../services";
import type { OwnedPki } from "./cluster-pki";

type ClusterResource = ResourceOfKind<"NutanixCluster">;

/** Validity of the handler's admin and etcd client certificates (short: minted again by every run). */
export const HANDLER_CERT_VALIDITY_MS = 3600_000;

/** Where a cluster's API is and how it is dialed. */
export interface ApiAddress {
  readonly host: string;
  readonly port: number;
  /** `https://<VIP>:<port>` (what a kubeconfig names), also against the emulator. */
  readonly vip: string;
  /** True when `host:port` is the emulator's loopback stand-in for the VIP. */
  readonly emulated: boolean;
}

/** The cluster's API, reached. */
export interface ClusterAccess {
  readonly address: ApiAddress;
  readonly client: KubeClient;
  /** An etcd client endpoint with a certificate from the etcd CA, for etcd at `host:port`. */
  etcdEndpoint(host: string, port: number): Promise<TlsEndpoint>;
}

/** The API address: the VIP, or the emulator's loopback port for it (undefined: the emulator has no API up yet). */
export async function apiAddress(s: Services, cluster: ClusterResource): Promise<ApiAddress | undefined> {
  const ep = s.plan.require(cluster.spec.endpoint, "KubeVipEndpoint", cluster.id).spec;
  const vip = `https://${hostPort(ep.address, ep.port)}`;
  if (!(await s.lookups.isEmulator())) return { host: ep.address, port: ep.port, vip, emulated: false };
  const r = await emulatorAdminGet(s.features.target, `/kube/${encodeURIComponent(hostPort(ep.address, ep.port))}`);
  if (r.status === 404) return undefined;
  const j = r.json as { host?: unknown; port?: unknown } | undefined;
  if (r.status !== 200 || typeof j?.host !== "string" || typeof j.port !== "number") throw new Error(`GET /_emulator/kube/${hostPort(ep.address, ep.port)}: HTTP ${r.status}`);
  return { host: j.host, port: j.port, vip, emulated: true };
}

function adminCert(s: Services, cluster: ClusterResource, pki: OwnedPki): Promise<IssuedCertificate> {
  return s.cache.once(`admin-cert:${cluster.id}`, () =>
    issueAdminCertificate(pki.pki.ca, { kubernetesVersion: cluster.spec.kubernetesVersion, validityMs: HANDLER_CERT_VALIDITY_MS }),
  );
}

/** A client for the cluster's API, or a KubeUnreachableError (the emulator reports no API for it yet). */
export async function clusterAccess(s: Services, cluster: ClusterResource, pki: OwnedPki): Promise<ClusterAccess> {
  const address = await apiAddress(s, cluster);
  if (!address) throw new KubeUnreachableError("NOT_BOOTED", `the emulator serves no API for cluster ${cluster.spec.name} yet (its kubeadm init node has not booted)`);
  const cert = await adminCert(s, cluster, pki);
  const client = new KubeClient({ endpoint: { host: address.host, port: address.port, caPem: pki.pki.ca.certPem, certPem: cert.certPem, keyPem: cert.keyPem } });
  const etcdCert = (): Promise<IssuedCertificate> => s.cache.once(`etcd-cert:${cluster.id}`, () => issueEtcdClientCertificate(pki.pki.etcdCa, { validityMs: HANDLER_CERT_VALIDITY_MS }));
  return {
    address,
    client,
    etcdEndpoint: async (host, port) => {
      const c = await etcdCert();
      return { host, port, caPem: address.emulated ? pki.pki.ca.certPem : pki.pki.etcdCa.certPem, certPem: c.certPem, keyPem: c.keyPem };
    },
  };
}

/** What one reach of a cluster's API ended with: the access, or the failure each caller words with its own step. */
type Reached = { readonly access: ClusterAccess } | { readonly failure: (why: string) => Error };

/** The API of each cluster as this run reached it: one client (keep-alive connections) shared by every step. */
const reached = new WeakMap<Services, Map<string, Promise<Reached>>>();

/**
 * The cluster's API once it answers: polls (`kubePollMs`) until `/api/v1/nodes` answers or `timeoutMs` passes;
 * then throws an Error naming the address and the last failure, for the caller to refuse its step with.
 *
 * Reached once per run and cluster: the steps of a run share the access (one keep-alive agent, so 100 node
 * waits cost a handful of TLS handshakes, not 100), concurrent callers share one reach, and a failed reach is
 * forgotten so the next step tries again. The shared client is closed by {@link closeKubeConnections} when the
 * run ends; callers must not close it. A step that finds the API gone calls {@link forgetClusterAccess}.
 */
export async function reachCluster(s: Services, cluster: ClusterResource, pki: OwnedPki, timeoutMs: number, why: string): Promise<ClusterAccess> {
  let byCluster = reached.get(s);
  if (!byCluster) reached.set(s, (byCluster = new Map()));
  let p = byCluster.get(cluster.id);
  if (!p) {
    const mine = reach(s, cluster, pki, timeoutMs);
    byCluster.set(cluster.id, (p = mine));
    void mine.then((r) => {
      if ("failure" in r && byCluster.get(cluster.id) === mine) byCluster.delete(cluster.id);
    });
  }
  const r = await p;
  if ("failure" in r) throw r.failure(why);
  return r.access;
}

/** Forgets the run's access to a cluster (its API stopped answering): the next step reaches it again. */
export function forgetClusterAccess(s: Services, cluster: Pick<ClusterResource, "id">): void {
  const p = reached.get(s)?.get(cluster.id);
  if (!p) return;
  reached.get(s)!.delete(cluster.id);
  void p.then((r) => {
    if ("access" in r) r.access.client.close();
  });
}

/** Closes the clients of the clusters this run reached (their keep-alive sockets). */
export function closeKubeConnections(s: Services): void {
  const byCluster = reached.get(s);
  reached.delete(s);
  for (const p of byCluster?.values() ?? []) {
    void p.then((r) => {
      if ("access" in r) r.access.client.close();
    });
  }
}

async function reach(s: Services, cluster: ClusterResource, pki: OwnedPki, timeoutMs: number): Promise<Reached> {
  const deadline = Date.now() + timeoutMs;
  let last = "not tried";
  for (;;) {
    try {
      const a = await clusterAccess(s, cluster, pki);
      try {
        await a.client.listNodes();
        return { access: a };
      } catch (e) {
        a.client.close();
        throw e;
      }
    } catch (e) {
      if (!(e instanceof KubeUnreachableError)) return { failure: () => (e instanceof Error ? e : new Error(String(e))) };
      last = e.message;
    }
    const failed = s.cache.peek<string>(`control-plane-failed:${cluster.id}`);
    if (failed) {
      const reason = await failed;
      return { failure: (why) => new Error(`cluster ${cluster.spec.name}: ${reason}; refusing to ${why} blindly`) };
    }
    if (Date.now() >= deadline) {
      const ep = s.plan.require(cluster.spec.endpoint, "KubeVipEndpoint", cluster.id).spec;
      const lastSeen = last;
      return { failure: (why) => new Error(`cannot reach the API of cluster ${cluster.spec.name} at https://${hostPort(ep.address, ep.port)} within ${Math.round(timeoutMs / 1000)}s (last: ${lastSeen}); refusing to ${why} blindly`) };
    }
    await new Promise((r) => setTimeout(r, Math.min(s.features.kubePollMs, Math.max(1, deadline - Date.now()))));
  }
}
