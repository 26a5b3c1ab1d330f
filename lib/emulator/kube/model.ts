/**
 * The Kubernetes side of one emulated cluster: Nodes, Pods, PodDisruptionBudgets, Secrets, the
 * kubeadm-config ConfigMap and the etcd member list, driven by the Prism Central emulator ("this VM powered
 * on with this user data" / "this VM is gone") and read and written by the API server in `server.ts`.
 * Which joins succeed follows kubeadm (sources in README.md beside this file); the rest is state.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { caCertHash } from "../../kube/pki";
import { parseKubeVersion } from "../../kube/version";
import type { ConfigMap, Node, Pod, Secret } from "../../kube/types";
import { AppliedObjects } from "./objects";
import { readNodeUserData, type FoundCa, type NodeUserData } from "./user-data";

/** Options of {@link KubeClusterModel}. */
export interface KubeClusterModelOptions {
  /**
   * Milliseconds from a node's power-on until its Ready condition turns True.
   * @default 0
   */
  readonly nodeReadyMs?: number;
  /**
   * Hold every new node NotReady forever (`prism-emulator --nodes-never-ready`).
   * @default false
   */
  readonly nodesNeverReady?: boolean;
  /**
   * Clock in epoch milliseconds.
   * @default Date.now
   */
  readonly now?: () => number;
  /**
   * Kubernetes version of the cluster when the init node's user data names none.
   * @default "v1.30.2"
   */
  readonly defaultKubernetesVersion?: string;
}

/** What happened to a VM that powered on. */
export type PowerOnResult = { joined: true; nodeName: string } | { joined: false; reason: string };

interface NodeRecord {
  node: Node;
  vmName: string;
  poweredOnAt: number;
  neverReady: boolean;
  controlPlane: boolean;
}

/** An etcd member of the emulated stacked etcd. */
export interface EmulatedEtcdMember {
  ID: string;
  name: string;
  peerURLs: string[];
  clientURLs: string[];
}

/** A PodDisruptionBudget with `minAvailable` over pods with these labels. */
export interface EmulatedPdb {
  readonly namespace: string;
  readonly name: string;
  readonly matchLabels: Readonly<Record<string, string>>;
  readonly minAvailable: number;
}

const iso = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.000Z$/, "Z");
const uint64 = (): string => (BigInt(`0x${randomBytes(8).toString("hex")}`) | 1n).toString(10);

/** The model. */
export class KubeClusterModel {
  readonly nodeReadyMs: number;
  /** Holds nodes that power on from now on NotReady (a restarted emulator with `--nodes-never-ready`). */
  nodesNeverReady: boolean;
  /**
   * etcd's health interval (`HealthInterval`, 5 s in etcd): a member added less than this long ago does not count
   * as connected when a member remove is checked for quorum (mayRemoveMember). 0 (the default) turns the check
   * off, so fast tests need not wait; set it to model real etcd right after a membership change.
   */
  etcdHealthIntervalMs = 0;
  /** When each member joined (epoch ms), by ID. */
  private readonly memberAddedAt = new Map<string, number>();
  /** Nodes whose VM is gone (deleted or powered off): their etcd member is down. */
  private readonly vmGone = new Set<string>();
  private readonly now: () => number;
  private readonly defaultVersion: string;
  private readonly nodeRecords = new Map<string, NodeRecord>();
  private readonly pods = new Map<string, Pod>();
  private readonly secrets = new Map<string, Secret>();
  private readonly pdbs: EmulatedPdb[] = [];
  private members: EmulatedEtcdMember[] = [];
  private kubeadmConfig: ConfigMap | undefined;
  private rv = 1;
  /** The cluster CA the init node brought; undefined before init. */
  clusterCa: FoundCa | undefined;
  /** caCertHash of clusterCa (computed once: a join of 100 nodes parses the CA once, not 100 times). */
  private clusterCaHash: { pem: string; hash: string } | undefined;
  /** The etcd CA the init node brought; undefined before init or when it brought none. */
  etcdCa: FoundCa | undefined;
  /** Every power-on and its outcome, in order (for tests and the emulator's log). */
  readonly joins: Array<{ vmName: string; result: PowerOnResult }> = [];
  /** Objects applied through the API (manifests: `kubectl apply --server-side`), with their discovery (objects.ts). */
  readonly objects: AppliedObjects;

  constructor(opts: KubeClusterModelOptions = {}) {
    this.nodeReadyMs = opts.nodeReadyMs ?? 0;
    this.nodesNeverReady = opts.nodesNeverReady ?? false;
    this.now = opts.now ?? Date.now;
    this.defaultVersion = opts.defaultKubernetesVersion ?? "v1.30.2";
    this.objects = new AppliedObjects(() => this.nextResourceVersion(), this.now);
  }

  /** A fresh resourceVersion (one counter for all objects, as etcd's revision). */
  nextResourceVersion(): string {
    return String(++this.rv);
  }

  get initialized(): boolean {
    return this.kubeadmConfig !== undefined;
  }

  /** A VM powered on with this (decoded) user data: kubeadm runs on it; its node joins or never appears. */
  vmPoweredOn(input: { vmName: string; userData: string; parsed?: NodeUserData }): PowerOnResult {
    const ud = input.parsed ?? readNodeUserData(input.userData);
    const result = this.tryJoin(input.vmName, ud);
    this.joins.push({ vmName: input.vmName, result });
    return result;
  }

  private tryJoin(vmName: string, ud: NodeUserData): PowerOnResult {
    const nodeName = ud.hostname ?? vmName;
    if (!ud.role) return { joined: false, reason: "no kubeadm init or join in the user data" };
    if (this.nodeRecords.has(nodeName)) return { joined: false, reason: `a node named ${nodeName} already exists (kubeadm preflight: node name in use)` };
    if (ud.role === "init") {
      if (this.initialized) return { joined: false, reason: "kubeadm init on a second node makes a separate cluster; it does not join this one" };
      if (!ud.clusterCa?.keyPem) return { joined: false, reason: "the init node carries no /etc/kubernetes/pki/ca.{crt,key}; the emulator needs the cluster CA the handler owns" };
      this.clusterCa = ud.clusterCa;
      if (ud.etcdCa) this.etcdCa = ud.etcdCa;
      const version = ud.kubernetesVersion ?? this.defaultVersion;
      this.kubeadmConfig = {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "kubeadm-config", namespace: "kube-system", uid: randomUUID(), resourceVersion: this.nextResourceVersion(), creationTimestamp: iso(this.now()) },
        data: { ClusterConfiguration: `apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\nkubernetesVersion: ${version}\nclusterName: kubernetes\n` },
      };
      this.addNode(vmName, nodeName, version, true);
      return { joined: true, nodeName };
    }
    if (!this.initialized) return { joined: false, reason: "no initialised cluster answers at the endpoint: discovery never succeeds" };
    if (!ud.token) return { joined: false, reason: "no bootstrap token in the join configuration" };
    const [id, secretPart] = ud.token.split(".");
    const secret = this.secrets.get(`kube-system/bootstrap-token-${id}`);
    const data = secret ? decodeSecret(secret) : undefined;
    const exp = data?.expiration ? Date.parse(data.expiration) : undefined;
    if (!data || data["token-secret"] !== secretPart || data["usage-bootstrap-authentication"] !== "true" || (exp !== undefined && exp <= this.now())) {
      return { joined: false, reason: `token id "${id}" is invalid for this cluster or it has expired` };
    }
    const pem = this.clusterCa!.certPem;
    if (this.clusterCaHash?.pem !== pem) this.clusterCaHash = { pem, hash: caCertHash(pem) };
    const hash = this.clusterCaHash.hash;
    if (ud.caCertHashes.length > 0) {
      if (!ud.caCertHashes.includes(hash)) return { joined: false, reason: "none of the public keys in caCertHashes matches the cluster CA" };
    } else if (!ud.unsafeSkipCaVerification) {
      return { joined: false, reason: "token-based discovery without caCertHashes needs unsafeSkipCAVerification: kubeadm refuses the configuration" };
    }
    const cpVersion = this.controlPlaneVersion();
    const version = ud.kubernetesVersion ?? cpVersion;
    const v = parseKubeVersion(version);
    const c = parseKubeVersion(cpVersion);
    if (v && c && (v.major > c.major || (v.major === c.major && v.minor > c.minor))) {
      return { joined: false, reason: `the kubelet version ${version} is higher than the control plane version ${cpVersion} (kubeadm preflight)` };
    }
    if (ud.role === "control-plane-join") {
      if (!ud.clusterCa || ud.clusterCa.certPem.trim() !== this.clusterCa!.certPem.trim()) {
        return { joined: false, reason: "a control-plane join needs the cluster's CA files in /etc/kubernetes/pki (uploaded certificates are not modelled)" };
      }
    }
    this.addNode(vmName, nodeName, version, ud.role === "control-plane-join");
    return { joined: true, nodeName };
  }

  private addNode(vmName: string, nodeName: string, version: string, controlPlane: boolean): void {
    const at = this.now();
    const labels: Record<string, string> = { "kubernetes.io/hostname": nodeName, "kubernetes.io/os": "linux" };
    if (controlPlane) labels["node-role.kubernetes.io/control-plane"] = "";
    const node: Node = {
      apiVersion: "v1",
      kind: "Node",
      metadata: { name: nodeName, uid: randomUUID(), resourceVersion: this.nextResourceVersion(), creationTimestamp: iso(at), labels },
      spec: controlPlane ? { taints: [{ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" }] } : {},
      status: { nodeInfo: { kubeletVersion: version, kubeProxyVersion: version } },
    };
    this.nodeRecords.set(nodeName, { node, vmName, poweredOnAt: at, neverReady: this.nodesNeverReady, controlPlane });
    this.vmGone.delete(nodeName);
    this.addPod({ namespace: "kube-system", name: `kube-proxy-${nodeName}`, nodeName, owner: { kind: "DaemonSet", name: "kube-proxy" } });
    if (controlPlane) {
      for (const c of ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler"]) {
        this.addPod({ namespace: "kube-system", name: `${c}-${nodeName}`, nodeName, mirror: true });
      }
      const id = uint64();
      this.members.push({ ID: id, name: nodeName, peerURLs: [`https://${nodeName}:2380`], clientURLs: [`https://${nodeName}:2379`] });
      this.memberAddedAt.set(id, this.now());
    }
  }

  /** The VM is gone (deleted or powered off): its kubelet stops; the Node stays until deleted, NotReady. */
  vmRemoved(vmName: string): void {
    for (const [name, r] of this.nodeRecords) {
      if (r.vmName !== vmName) continue;
      r.neverReady = true;
      this.vmGone.add(name);
    }
    for (const [k, p] of this.pods) {
      const r = this.nodeRecords.get(p.spec?.nodeName ?? "");
      if (r?.vmName === vmName && p.metadata.annotations?.["kubernetes.io/config.mirror"] !== undefined) this.pods.delete(k);
    }
  }

  /** The control plane's version as `kubeadm join` preflight reads it: kubeadm-config's kubernetesVersion. */
  controlPlaneVersion(): string {
    const fromConfig = /kubernetesVersion:\s*(v\d+\.\d+\.\d+)/.exec(this.kubeadmConfig?.data?.ClusterConfiguration ?? "")?.[1];
    return fromConfig ?? this.defaultVersion;
  }

  /** A Node as the API shows it now, with its Ready condition computed from the clock. */
  private render(r: NodeRecord): Node {
    const now = this.now();
    const ready = !r.neverReady && now - r.poweredOnAt >= this.nodeReadyMs;
    const since = ready ? r.poweredOnAt + this.nodeReadyMs : r.poweredOnAt;
    return {
      ...r.node,
      status: {
        ...r.node.status,
        conditions: [
          {
            type: "Ready",
            status: ready ? "True" : "False",
            reason: ready ? "KubeletReady" : "KubeletNotReady",
            message: ready ? "kubelet is posting ready status" : "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady",
            lastHeartbeatTime: iso(now),
            lastTransitionTime: iso(since),
          },
        ],
      },
    };
  }

  listNodes(): Node[] {
    return [...this.nodeRecords.values()].map((r) => this.render(r)).sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
  }

  getNode(name: string): Node | undefined {
    const r = this.nodeRecords.get(name);
    return r ? this.render(r) : undefined;
  }

  /**
   * The node's kubelet now reports `version` (`status.nodeInfo.kubeletVersion`), as after an operator's
   * in-place `kubeadm upgrade node` and kubelet package change, or midway through one; false when no such Node.
   */
  setKubeletVersion(name: string, version: string): boolean {
    const r = this.nodeRecords.get(name);
    if (!r) return false;
    r.node = { ...r.node, status: { ...r.node.status, nodeInfo: { ...r.node.status?.nodeInfo, kubeletVersion: version, kubeProxyVersion: version } } };
    return true;
  }

  setUnschedulable(name: string, unschedulable: boolean): Node | undefined {
    const r = this.nodeRecords.get(name);
    if (!r) return undefined;
    r.node = { ...r.node, metadata: { ...r.node.metadata, resourceVersion: this.nextResourceVersion() }, spec: { ...r.node.spec, unschedulable } };
    if (!unschedulable) delete r.node.spec!.unschedulable;
    return this.render(r);
  }

  /** Deletes a Node and the pods bound to it (the pod GC controller removes orphaned pods). */
  deleteNode(name: string): boolean {
    if (!this.nodeRecords.delete(name)) return false;
    for (const [k, p] of this.pods) if (p.spec?.nodeName === name) this.pods.delete(k);
    return true;
  }

  /** Adds a pod (tests and node start-up). */
  addPod(p: { namespace: string; name: string; nodeName: string; labels?: Record<string, string>; owner?: { kind: string; name: string }; mirror?: boolean; phase?: "Running" | "Succeeded" | "Failed" }): Pod {
    const pod: Pod = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        name: p.name,
        namespace: p.namespace,
        uid: randomUUID(),
        resourceVersion: this.nextResourceVersion(),
        ...(p.labels ? { labels: { ...p.labels } } : {}),
        ...(p.mirror ? { annotations: { "kubernetes.io/config.mirror": randomBytes(16).toString("hex") } } : {}),
        ...(p.owner ? { ownerReferences: [{ apiVersion: "apps/v1", kind: p.owner.kind, name: p.owner.name, uid: randomUUID(), controller: true }] } : {}),
      },
      spec: { nodeName: p.nodeName },
      status: { phase: p.phase ?? "Running" },
    };
    this.pods.set(`${p.namespace}/${p.name}`, pod);
    return pod;
  }

  /** Adds a PodDisruptionBudget (`minAvailable`, selector by labels). */
  addPodDisruptionBudget(pdb: EmulatedPdb): void {
    this.pdbs.push({ ...pdb, matchLabels: { ...pdb.matchLabels } });
  }

  podsOnNode(nodeName: string | undefined): Pod[] {
    return [...this.pods.values()].filter((p) => nodeName === undefined || p.spec?.nodeName === nodeName).sort((a, b) => (podId(a) < podId(b) ? -1 : 1));
  }

  getPod(namespace: string, name: string): Pod | undefined {
    return this.pods.get(`${namespace}/${name}`);
  }

  deletePod(namespace: string, name: string): boolean {
    return this.pods.delete(`${namespace}/${name}`);
  }

  /**
   * The Eviction subresource: refused while a matching PDB would drop below `minAvailable` Running pods
   * (policy/v1 semantics of `status.disruptionsAllowed`), else the pod is deleted.
   */
  evict(namespace: string, name: string): { result: "evicted" } | { result: "not-found" } | { result: "blocked"; pdb: string; message: string } {
    const pod = this.pods.get(`${namespace}/${name}`);
    if (!pod) return { result: "not-found" };
    for (const pdb of this.pdbs) {
      if (pdb.namespace !== namespace || !matches(pod, pdb.matchLabels)) continue;
      const healthy = [...this.pods.values()].filter((p) => p.metadata.namespace === namespace && p.status?.phase === "Running" && matches(p, pdb.matchLabels)).length;
      if (pod.status?.phase === "Running" && healthy - 1 < pdb.minAvailable) {
        return { result: "blocked", pdb: pdb.name, message: `The disruption budget ${pdb.name} needs ${pdb.minAvailable} healthy pods and has ${healthy} currently` };
      }
    }
    this.pods.delete(`${namespace}/${name}`);
    return { result: "evicted" };
  }

  /** Creates a Secret; `stringData` is folded into base64 `data` as the API server does. False when it exists. */
  createSecret(secret: Secret): Secret | undefined {
    const ns = secret.metadata.namespace ?? "default";
    const key = `${ns}/${secret.metadata.name}`;
    if (this.secrets.has(key)) return undefined;
    const data: Record<string, string> = { ...(secret.data ?? {}) };
    for (const [k, v] of Object.entries(secret.stringData ?? {})) data[k] = Buffer.from(v, "utf8").toString("base64");
    const stored: Secret = {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { ...secret.metadata, namespace: ns, uid: randomUUID(), resourceVersion: this.nextResourceVersion(), creationTimestamp: iso(this.now()) },
      ...(secret.type ? { type: secret.type } : {}),
      data,
    };
    this.secrets.set(key, stored);
    return stored;
  }

  /** A Secret; an expired bootstrap token is gone, as the tokencleaner controller deletes it. */
  getSecret(namespace: string, name: string): Secret | undefined {
    const s = this.secrets.get(`${namespace}/${name}`);
    if (s?.type === "bootstrap.kubernetes.io/token") {
      const exp = decodeSecret(s).expiration;
      if (exp && Date.parse(exp) <= this.now()) {
        this.secrets.delete(`${namespace}/${name}`);
        return undefined;
      }
    }
    return s;
  }

  getKubeadmConfig(): ConfigMap | undefined {
    return this.kubeadmConfig;
  }

  /** PUT of kubeadm-config: a stale resourceVersion is a conflict, as for every object. */
  putKubeadmConfig(cm: ConfigMap): { result: "ok"; configMap: ConfigMap } | { result: "conflict" } | { result: "not-found" } {
    if (!this.kubeadmConfig) return { result: "not-found" };
    if (cm.metadata.resourceVersion !== undefined && cm.metadata.resourceVersion !== this.kubeadmConfig.metadata.resourceVersion) return { result: "conflict" };
    this.kubeadmConfig = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { ...this.kubeadmConfig.metadata, resourceVersion: this.nextResourceVersion() },
      data: { ...(cm.data ?? {}) },
    };
    return { result: "ok", configMap: this.kubeadmConfig };
  }

  etcdMembers(): EmulatedEtcdMember[] {
    return this.members.map((m) => ({ ...m, peerURLs: [...m.peerURLs], clientURLs: [...m.clientURLs] }));
  }

  /**
   * Removes an etcd member as etcd's `mayRemoveMember` (`server/etcdserver/server.go`, `--strict-reconfig-check`
   * on by default) allows it: never the last one ("not enough started members"); a member whose machine is down
   * at once ("downed member is safe to remove"); otherwise only when the members connected for at least the
   * health interval, less the one leaving, still make a quorum of the current membership — right after a member
   * joined it does not count yet, so removing the old member of a 1-node control plane is refused as
   * "unhealthy cluster" for that interval ("reconfigure breaks active quorum").
   */
  removeEtcdMember(id: string): "removed" | "not-found" | "last-member" | "unhealthy" {
    const i = this.members.findIndex((m) => m.ID === id);
    if (i < 0) return "not-found";
    if (this.members.length === 1) return "last-member";
    const down = (m: EmulatedEtcdMember): boolean => this.vmGone.has(m.name);
    if (!down(this.members[i]!) && this.etcdHealthIntervalMs > 0) {
      const since = this.now() - this.etcdHealthIntervalMs;
      const active = this.members.filter((m) => !down(m) && (this.memberAddedAt.get(m.ID) ?? 0) <= since).length;
      if (active - 1 < 1 + Math.floor((this.members.length - 1) / 2)) return "unhealthy";
    }
    this.members.splice(i, 1);
    this.memberAddedAt.delete(id);
    return "removed";
  }
}

const podId = (p: Pod): string => `${p.metadata.namespace}/${p.metadata.name}`;

function matches(pod: Pod, labels: Readonly<Record<string, string>>): boolean {
  return Object.entries(labels).every(([k, v]) => pod.metadata.labels?.[k] === v);
}

function decodeSecret(s: Secret): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(s.data ?? {})) out[k] = Buffer.from(v, "base64").toString("utf8");
  return out;
}
