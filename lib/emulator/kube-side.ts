/**
 * Wires the emulated Kubernetes side (lib/emulator/kube) into the Prism Central emulator: a VM whose create
 * task succeeded and whose power state is ON "boots" its cloud-init user data into the model of its cluster
 * (`model.vmPoweredOn`); a VM that is deleted or powered off stops its kubelet (`model.vmRemoved`). Clusters
 * are keyed by the control-plane endpoint in the kubeadm documents (`controlPlaneEndpoint` of the init node,
 * `discovery.bootstrapToken.apiServerEndpoint` of the joins), which is what the handler knows. Each cluster's
 * API (and etcd paths) is served on its own loopback port once its init node booted; `GET
 * /_emulator/kube/<vip>:<port>` (or `/_emulator/kube/<cluster name>`) names that port and the cluster CA, so the
 * handler dials loopback instead of the VIP. A cluster whose every machine is deleted is dropped (its API
 * server stopped), so a later `kubeadm init` at the same endpoint is a new cluster with its own CA. The
 * Kubernetes side is in memory only: a restarted emulator boots the VMs it holds again [guess: our simplification].
 */
import { KubeClusterModel, readNodeUserData, serveKubeApi, type NodeUserData, type RunningKubeApi } from "./kube";
import type { EmulatorState } from "./state";

/** Options of the Kubernetes side (`prism-emulator --node-ready-ms`, `--nodes-never-ready`). */
export interface KubeSideOptions {
  /**
   * Milliseconds from a node's boot until it is Ready.
   * @default 0
   */
  readonly nodeReadyMs?: number;
  /**
   * Hold every new node NotReady.
   * @default false
   */
  readonly nodesNeverReady?: boolean;
  /**
   * Where boots and failed joins are logged.
   * @default no logging
   */
  readonly log?: (line: string) => void;
  /**
   * Called before a cluster API request is answered, so the model shows every VM that booted (Emulator:
   * the deferred {@link KubeSide.sync}).
   * @default nothing
   */
  readonly beforeApiRequest?: () => void;
}

interface Cluster {
  readonly model: KubeClusterModel;
  /** The VMs that booted into this cluster and are not deleted (a powered-off VM still holds its disks). */
  readonly members: Set<string>;
  name?: string | undefined;
  api?: Promise<RunningKubeApi>;
}

interface Booted {
  readonly key: string;
  readonly vmName: string;
}

/** What `GET /_emulator/kube/<key>` answers. */
export interface KubeSideInfo {
  readonly endpoint: string;
  readonly clusterName: string | null;
  readonly host: string;
  readonly port: number;
  readonly caPem: string;
  readonly joins: ReadonlyArray<{ vmName: string; joined: boolean; reason?: string }>;
}

const ENDPOINT = /\b(?:controlPlaneEndpoint|apiServerEndpoint):\s*["']?([^\s"']+)/;
/** How long without a new create before user data is read ahead. */
const READ_AHEAD_QUIET_MS = 250;
const CLUSTER_NAME = /\bclusterName:\s*["']?([^\s"']+)/;

/** The emulator's Kubernetes side. */
export class KubeSide {
  private readonly clusters = new Map<string, Cluster>();
  private readonly booted = new Map<string, Booted>();
  private readonly ignored = new Set<string>();
  /** The API servers of dropped clusters, being stopped (`stop` waits for them). */
  private readonly stopping: Array<Promise<void>> = [];

  constructor(private readonly opts: KubeSideOptions = {}) {}

  /**
   * User data of VMs whose create is still running, read ahead once the emulator is quiet (no new create for
   * READ_AHEAD_QUIET_MS; then one per macrotask), so a wave of boots is not a wave of cloud-init parses and a
   * burst of creates is not slowed by them: uuid → the base64 it was read from and what it holds.
   */
  private readonly readAhead = new Map<string, { b64: string; text?: string; parsed?: NodeUserData }>();
  private readAheadQueue: string[] = [];
  private readAheadTimer: NodeJS.Timeout | undefined;

  private queueReadAhead(uuid: string, b64: string): void {
    if (this.readAhead.has(uuid)) return;
    this.readAhead.set(uuid, { b64 });
    this.readAheadQueue.push(uuid);
    if (this.readAheadTimer) clearTimeout(this.readAheadTimer);
    const step = (): void => {
      const next = this.readAheadQueue.shift();
      const e = next !== undefined ? this.readAhead.get(next) : undefined;
      if (e && e.text === undefined) {
        e.text = Buffer.from(e.b64, "base64").toString("utf8");
        if (ENDPOINT.test(e.text)) e.parsed = readNodeUserData(e.text);
      }
      if (this.readAheadQueue.length > 0) setImmediate(step);
    };
    this.readAheadTimer = setTimeout(() => {
      this.readAheadTimer = undefined;
      step();
    }, READ_AHEAD_QUIET_MS);
    this.readAheadTimer.unref();
  }

  /** The decoded user data of a VM (and its parse when it was read ahead from the same base64). */
  private userDataOf(uuid: string, b64: string | undefined): { text: string; parsed?: NodeUserData } {
    const e = this.readAhead.get(uuid);
    this.readAhead.delete(uuid);
    if (e && e.b64 === b64 && e.text !== undefined) return e.parsed ? { text: e.text, parsed: e.parsed } : { text: e.text };
    return { text: typeof b64 === "string" ? Buffer.from(b64, "base64").toString("utf8") : "" };
  }

  /** Boots VMs that just came up and stops the kubelets of VMs that went away (call after `settle`). */
  sync(state: EmulatorState, now: number, vmCreated: (uuid: string) => boolean): void {
    for (const vm of Object.values(state.vms)) {
      if (this.booted.has(vm.uuid) || this.ignored.has(vm.uuid) || vm.deleteTask) continue;
      const res = (vm.spec as { resources?: { power_state?: string; guest_customization?: { cloud_init?: { user_data?: string } } } }).resources;
      const b64 = res?.guest_customization?.cloud_init?.user_data;
      if (!vmCreated(vm.uuid)) {
        if (typeof b64 === "string") this.queueReadAhead(vm.uuid, b64);
        continue;
      }
      if (res?.power_state !== "ON") continue;
      const { text, parsed } = this.userDataOf(vm.uuid, b64);
      const key = ENDPOINT.exec(text)?.[1];
      if (!key) {
        this.ignored.add(vm.uuid);
        continue;
      }
      const vmName = String((vm.spec as { name?: unknown }).name ?? vm.uuid);
      const c = this.cluster(key);
      const r = c.model.vmPoweredOn({ vmName, userData: text, ...(parsed ? { parsed } : {}) });
      if (r.joined && /\bkubeadm\s+init\b/.test(text)) c.name ??= CLUSTER_NAME.exec(text)?.[1];
      this.opts.log?.(`prism-emulator: kube ${key}: ${vmName} ${r.joined ? `joined as ${r.nodeName}` : `did not join: ${r.reason}`} (at ${new Date(now).toISOString()})`);
      this.booted.set(vm.uuid, { key, vmName });
      c.members.add(vm.uuid);
    }
    for (const [uuid, b] of this.booted) {
      const vm = state.vms[uuid];
      const power = (vm?.spec as { resources?: { power_state?: string } } | undefined)?.resources?.power_state;
      if (vm && !vm.deleteTask && power === "ON") continue;
      this.clusters.get(b.key)?.model.vmRemoved(b.vmName);
      this.booted.delete(uuid);
    }
    this.dropDeletedClusters(state);
  }

  /**
   * A cluster whose every machine is deleted is gone: its state lived in the etcd data of its control-plane
   * machines (kubeadm's stacked etcd, kubernetes.io "Options for Highly Available Topology"), so a later
   * `kubeadm init` at the same endpoint starts a new cluster with its own CA. Powered-off machines keep it.
   */
  private dropDeletedClusters(state: EmulatorState): void {
    for (const [key, c] of this.clusters) {
      for (const uuid of c.members) {
        const vm = state.vms[uuid];
        if (!vm || vm.deleteTask) c.members.delete(uuid);
      }
      if (c.members.size > 0) continue;
      this.clusters.delete(key);
      const api = c.api;
      if (api) this.stopping.push(api.then((a) => a.stop()).catch(() => undefined));
    }
  }

  private cluster(key: string): Cluster {
    let c = this.clusters.get(key);
    if (!c) {
      c = { model: new KubeClusterModel({ nodeReadyMs: this.opts.nodeReadyMs ?? 0, nodesNeverReady: this.opts.nodesNeverReady ?? false }), members: new Set() };
      this.clusters.set(key, c);
    }
    return c;
  }

  /** The model of a cluster by endpoint or cluster name (tests add pods and PDBs through it). */
  model(key: string): KubeClusterModel | undefined {
    return this.find(key)?.model;
  }

  private find(key: string): Cluster | undefined {
    return this.clusters.get(key) ?? [...this.clusters.values()].find((c) => c.name === key);
  }

  /** Where a cluster's API listens (started on first ask), or undefined before its init node booted. */
  async info(key: string): Promise<KubeSideInfo | undefined> {
    const c = this.find(key);
    const ca = c?.model.clusterCa;
    if (!c || !ca?.keyPem) return undefined;
    const etcdCa = c.model.etcdCa;
    const before = this.opts.beforeApiRequest;
    c.api ??= serveKubeApi({ model: c.model, ca: { certPem: ca.certPem, keyPem: ca.keyPem }, ...(etcdCa ? { etcdCa: { certPem: etcdCa.certPem } } : {}), ...(before ? { beforeRequest: before } : {}) });
    const api = await c.api;
    const endpoint = [...this.clusters.entries()].find(([, v]) => v === c)![0];
    return {
      endpoint,
      clusterName: c.name ?? null,
      host: api.host,
      port: api.port,
      caPem: api.caPem,
      joins: c.model.joins.map((j) => (j.result.joined ? { vmName: j.vmName, joined: true } : { vmName: j.vmName, joined: false, reason: j.result.reason })),
    };
  }

  /** The requests a cluster's API server answered (`METHOD path` → count), or undefined before it started (tests). */
  async apiCounts(key: string): Promise<ReadonlyMap<string, number> | undefined> {
    const api = this.find(key)?.api;
    return api ? (await api).counts : undefined;
  }

  /** Stops every cluster API server. */
  async stop(): Promise<void> {
    if (this.readAheadTimer) clearTimeout(this.readAheadTimer);
    this.readAheadQueue = [];
    const apis = [...this.clusters.values()].map((c) => c.api).filter((a): a is Promise<RunningKubeApi> => a !== undefined);
    await Promise.all([...apis.map(async (a) => (await a).stop()), ...this.stopping]);
  }
}
