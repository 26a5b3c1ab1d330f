/**
 * A small Kubernetes API client over node:https with the cluster CA pinned and a client certificate
 * (the paths and verbs are the Kubernetes API reference's; the operations are the ones Cluster API's
 * controllers perform on a workload cluster: read Nodes, cordon, evict, delete Nodes, create bootstrap
 * tokens, update the kubeadm-config ConfigMap). Host and port come from the caller.
 */
import type * as https from "node:https";
import { parseDocument } from "yaml";
import { KubeApiError, KubeError, KubeInputError } from "./errors";
import { checkEndpoint, makeTlsAgent, tlsRequest, type TlsEndpoint } from "./transport";
import type { BootstrapTokenSecret } from "./bootstrap-token";
import { kubeletVersion } from "./nodes";
import type { ConfigMap, ListOf, Node, Pod, Secret, Status } from "./types";

/** Options of {@link KubeClient}. */
export interface KubeClientOptions {
  /** The API server (host, port) with the cluster CA and the client certificate. */
  readonly endpoint: TlsEndpoint;
  /**
   * Deadline of one request in milliseconds.
   * @default 10000
   */
  readonly timeoutMs?: number;
}

/** The outcome of one eviction request. */
export type EvictionResult = { result: "evicted" } | { result: "gone" } | { result: "blocked"; message: string };

/** The kubeadm-config ConfigMap and its ClusterConfiguration. */
export interface KubeadmConfig {
  readonly configMap: ConfigMap;
  readonly clusterConfiguration: string;
  readonly kubernetesVersion: string | undefined;
}

const enc = encodeURIComponent;

/** The Kubernetes API client. */
export class KubeClient {
  private readonly ep: TlsEndpoint;
  private readonly agent: https.Agent;
  private readonly timeoutMs: number;

  constructor(opts: KubeClientOptions) {
    checkEndpoint(opts.endpoint, "endpoint");
    this.ep = opts.endpoint;
    this.agent = makeTlsAgent(opts.endpoint);
    this.timeoutMs = opts.timeoutMs ?? 10_000;
  }

  /** Closes kept-alive connections. */
  close(): void {
    this.agent.destroy();
  }

  /** One call; a non-2xx answer throws {@link KubeApiError} carrying the Status reason and message. */
  async request<T>(method: string, path: string, body?: unknown, contentType = "application/json"): Promise<T> {
    const res = await tlsRequest(this.ep, this.agent, {
      method,
      path,
      timeoutMs: this.timeoutMs,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "content-type": contentType } }),
    });
    let json: unknown = undefined;
    try {
      json = res.text === "" ? undefined : JSON.parse(res.text);
    } catch {
      json = res.text;
    }
    if (res.status < 200 || res.status > 299) {
      const st = isStatus(json) ? json : undefined;
      throw new KubeApiError({
        status: res.status,
        method,
        path,
        ...(st?.reason ? { reason: st.reason } : {}),
        message: st?.message ?? (typeof json === "string" ? json.slice(0, 200) : ""),
        body: json,
      });
    }
    return json as T;
  }

  private async orNull<T>(p: Promise<T>): Promise<T | null> {
    try {
      return await p;
    } catch (e) {
      if (e instanceof KubeApiError && e.status === 404) return null;
      throw e;
    }
  }

  /** `GET /api/v1/nodes`. */
  async listNodes(): Promise<Node[]> {
    return (await this.request<ListOf<Node>>("GET", "/api/v1/nodes")).items;
  }

  /** `GET /api/v1/nodes/{name}`; null when there is no such Node. */
  getNode(name: string): Promise<Node | null> {
    return this.orNull(this.request<Node>("GET", `/api/v1/nodes/${enc(nonEmpty(name, "node name"))}`));
  }

  /**
   * Cordons (or uncordons) a node: a strategic merge patch of `spec.unschedulable`, as kubectl's cordon
   * helper sends it (`k8s.io/kubectl/pkg/drain/cordon.go` PatchOrReplaceWithContext).
   */
  cordon(name: string, unschedulable = true): Promise<Node> {
    return this.request<Node>("PATCH", `/api/v1/nodes/${enc(nonEmpty(name, "node name"))}`, { spec: { unschedulable } }, "application/strategic-merge-patch+json");
  }

  /** The pods scheduled to a node: `GET /api/v1/pods?fieldSelector=spec.nodeName=<node>` (as kubectl drain lists them). */
  async listPodsOnNode(nodeName: string): Promise<Pod[]> {
    const sel = enc(`spec.nodeName=${nonEmpty(nodeName, "node name")}`);
    return (await this.request<ListOf<Pod>>("GET", `/api/v1/pods?fieldSelector=${sel}`)).items;
  }

  /** `GET /api/v1/namespaces/{ns}/pods/{name}`; null when gone. */
  getPod(namespace: string, name: string): Promise<Pod | null> {
    return this.orNull(this.request<Pod>("GET", `/api/v1/namespaces/${enc(namespace)}/pods/${enc(name)}`));
  }

  /** `DELETE /api/v1/namespaces/{ns}/pods/{name}`; false when it was already gone. */
  async deletePod(namespace: string, name: string): Promise<boolean> {
    return (await this.orNull(this.request<unknown>("DELETE", `/api/v1/namespaces/${enc(namespace)}/pods/${enc(name)}`))) !== null;
  }

  /**
   * Evicts a pod through the policy/v1 Eviction subresource
   * (`POST /api/v1/namespaces/{ns}/pods/{name}/eviction`). 429 TooManyRequests means a PodDisruptionBudget
   * does not allow it now (kubernetes.io "API-initiated Eviction": "the API server returns 429 ... retry
   * later"); 404 means the pod is already gone.
   */
  async evictPod(namespace: string, name: string): Promise<EvictionResult> {
    const body = { apiVersion: "policy/v1", kind: "Eviction", metadata: { name, namespace } };
    try {
      await this.request<unknown>("POST", `/api/v1/namespaces/${enc(namespace)}/pods/${enc(name)}/eviction`, body);
      return { result: "evicted" };
    } catch (e) {
      if (e instanceof KubeApiError && e.status === 404) return { result: "gone" };
      if (e instanceof KubeApiError && e.status === 429) {
        const st = isStatus(e.body) ? e.body : undefined;
        const cause = st?.details?.causes?.find((c) => c.reason === "DisruptionBudget")?.message;
        return { result: "blocked", message: cause ?? st?.message ?? "eviction refused with 429" };
      }
      throw e;
    }
  }

  /** The kubelet version a node reports; undefined when there is no such Node. */
  async nodeKubeletVersion(name: string): Promise<string | undefined> {
    const node = await this.getNode(name);
    return node ? kubeletVersion(node) : undefined;
  }

  /** `DELETE /api/v1/nodes/{name}`; false when it was already gone. */
  async deleteNode(name: string): Promise<boolean> {
    return (await this.orNull(this.request<unknown>("DELETE", `/api/v1/nodes/${enc(nonEmpty(name, "node name"))}`))) !== null;
  }

  /** Creates the bootstrap-token Secret in kube-system (`POST /api/v1/namespaces/kube-system/secrets`). */
  createBootstrapTokenSecret(secret: BootstrapTokenSecret): Promise<Secret> {
    return this.request<Secret>("POST", "/api/v1/namespaces/kube-system/secrets", secret);
  }

  /** `GET /api/v1/namespaces/kube-system/secrets/{name}`; null when absent (e.g. an expired token cleaned up). */
  getSecret(namespace: string, name: string): Promise<Secret | null> {
    return this.orNull(this.request<Secret>("GET", `/api/v1/namespaces/${enc(namespace)}/secrets/${enc(name)}`));
  }

  /**
   * The `kube-system/kubeadm-config` ConfigMap that `kubeadm init` uploads (kubeadm constants
   * `KubeadmConfigConfigMap`, key `ClusterConfiguration`); null before the cluster exists.
   */
  async getKubeadmConfig(): Promise<KubeadmConfig | null> {
    const cm = await this.orNull(this.request<ConfigMap>("GET", "/api/v1/namespaces/kube-system/configmaps/kubeadm-config"));
    if (cm === null) return null;
    const text = cm.data?.ClusterConfiguration;
    if (typeof text !== "string") throw new KubeError("kube-system/kubeadm-config: data.ClusterConfiguration is missing");
    return { configMap: cm, clusterConfiguration: text, kubernetesVersion: kubernetesVersionOf(text) };
  }

  /**
   * Sets `kubernetesVersion` in the ClusterConfiguration of kubeadm-config, the first step of a KCP upgrade
   * (`controlplane/kubeadm/internal/workload_cluster.go` UpdateKubernetesVersionInKubeadmConfigMap). A PUT
   * with the read resourceVersion; a 409 Conflict re-reads and tries again (at most 5 times).
   */
  async setKubernetesVersion(version: string): Promise<void> {
    if (!/^v\d+\.\d+\.\d+$/.test(version)) throw new KubeInputError(`kubernetesVersion: expected vMAJOR.MINOR.PATCH, got ${JSON.stringify(version)}`);
    for (let attempt = 1; ; attempt++) {
      const current = await this.getKubeadmConfig();
      if (current === null) throw new KubeError("kube-system/kubeadm-config: not found (the cluster has not been initialised)");
      if (current.kubernetesVersion === version) return;
      const updated: ConfigMap = {
        ...current.configMap,
        data: { ...current.configMap.data, ClusterConfiguration: withKubernetesVersion(current.clusterConfiguration, version) },
      };
      try {
        await this.request<ConfigMap>("PUT", "/api/v1/namespaces/kube-system/configmaps/kubeadm-config", updated);
        return;
      } catch (e) {
        if (!(e instanceof KubeApiError && e.status === 409) || attempt >= 5) throw e;
      }
    }
  }
}

/** The `kubernetesVersion` of a ClusterConfiguration YAML document. */
export function kubernetesVersionOf(clusterConfiguration: string): string | undefined {
  const v: unknown = parseDocument(clusterConfiguration, { version: "1.1" }).get("kubernetesVersion");
  return typeof v === "string" ? v : undefined;
}

/** The ClusterConfiguration YAML with `kubernetesVersion` replaced; everything else is kept as it was. */
export function withKubernetesVersion(clusterConfiguration: string, version: string): string {
  const doc = parseDocument(clusterConfiguration, { version: "1.1" });
  if (doc.errors.length > 0) throw new KubeError(`kubeadm-config: ClusterConfiguration is not valid YAML: ${doc.errors[0]!.message}`);
  doc.set("kubernetesVersion", version);
  return doc.toString({ lineWidth: 0 });
}

function isStatus(v: unknown): v is Status {
  return typeof v === "object" && v !== null && (v as { kind?: unknown }).kind === "Status";
}

function nonEmpty(v: string, what: string): string {
  if (typeof v !== "string" || v === "") throw new KubeInputError(`${what}: expected a non-empty string`);
  return v;
}
