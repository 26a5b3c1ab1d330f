/**
 * NutanixCluster: a Kubernetes cluster on Nutanix VMs, with its kube-vip endpoint, control-plane pool
 * and worker pools as child constructs.
 */
import type { Construct, IConstruct } from "constructs";
import type { z } from "zod";
import { CONTROL_PLANE_POOL_NAME, NutanixClusterPropsSchema, RESERVED_POOL_NAMES, type NodeNetwork, type NutanixClusterSpec } from "../schema/cluster";
import { issuesFromZod, ValidationError, type ValidationIssue } from "../schema/validation";
import { DnsLabel } from "../schema/net";
import { checkProps, describeValue, isPropsObject, type AssertTrue, type MutuallyAssignable } from "./internal";
import { KubeVipEndpoint, type KubeVipEndpointOptions } from "./kube-vip-endpoint";
import { NodePool, type NodePoolOptions } from "./node-pool";
import type { PrismCentralAccount } from "./prism-central-account";
import { NutanixResource, resourceProp } from "./resource";
import { capxManifests, capxManifestsYaml, type KubeObject } from "../render/capx";
import type { Plan } from "../schema/plan";
import type { SynthFile } from "./synth-file";
import { findStack } from "./internal";
import { checkPaletteProvisioning, paletteClusterSpec, paletteDependencies, type PaletteProvisioning, type PaletteProvisioningProps } from "./palette-provisioning";
import type { PaletteClusterSpec } from "../schema/palette-cluster";
import type { ResourceKind } from "../schema/plan";

/** The control-plane pool of a cluster (child `cp`, VMs `<cluster>-cp-<n>`): a node pool without autoscaling. */
export interface ControlPlaneProps extends Pick<NodePoolOptions, "machine" | "labels" | "taints" | "sshAuthorizedKeys"> {
  /**
   * Number of control-plane nodes: 1, 3 or 5 (stacked etcd needs an odd quorum).
   * @default 1
   */
  readonly replicas?: number;
}

/** A worker pool of a cluster (child construct with id = name). */
export interface WorkerPoolProps extends NodePoolOptions {
  /** The pool name: an RFC 1123 label other than `cp` and `endpoint`. */
  readonly name: string;
}

/** An IPAM range of the node subnet (inclusive). */
export interface IpRangeProps {
  /** First address. */
  readonly start: string;
  /** Last address. */
  readonly end: string;
}

/** What is known of the node subnet; enables synth-time checks of the VIP and the cluster networks. */
export interface NodeNetworkProps {
  /** The subnet's CIDR block. */
  readonly cidr: string;
  /**
   * The default gateway.
   * @default - unknown
   */
  readonly gateway?: string;
  /**
   * The subnet's IPAM pool ranges (Prism hands these to VMs, so the VIP must lie outside).
   * @default []
   */
  readonly ipPool?: readonly IpRangeProps[];
}

/** Props of a {@link NutanixCluster}. */
export interface NutanixClusterProps {
  /** The Prism Central account the cluster's VMs live in. */
  readonly account: PrismCentralAccount;
  /** The cluster name: an RFC 1123 label, unique per account. */
  readonly name: string;
  /** The Kubernetes version, `1.30.5` or `v1.30.5`. */
  readonly kubernetesVersion: string;
  /** The kube-vip endpoint of the API servers (child `endpoint`). */
  readonly endpoint: KubeVipEndpointOptions;
  /** The control-plane pool (child `cp`). */
  readonly controlPlane: ControlPlaneProps;
  /**
   * Worker pools (children named after each pool).
   * @default []
   */
  readonly workers?: readonly WorkerPoolProps[];
  /**
   * The pod network.
   * @default "172.20.0.0/16"
   */
  readonly podCidr?: string;
  /**
   * The service network.
   * @default "172.19.0.0/16"
   */
  readonly serviceCidr?: string;
  /**
   * The node subnet, when known: enables checks of the VIP against it.
   * @default - unknown: the handler checks the VIP against Prism Central at apply
   */
  readonly nodeNetwork?: NodeNetworkProps;
  /**
   * How the CAPX manifests of this cluster are exported at synth (`manifests/<name>.yaml`) and by
   * {@link NutanixCluster.toCapxManifests}; not used by a cluster through Palette.
   * @default - Cluster API v1beta1, namespace "default", with a MachineHealthCheck
   */
  readonly capx?: CapxExportProps;
  /**
   * Provision this cluster through Palette (a PaletteCluster in the plan): Palette builds its VMs with
   * CAPX through the gateway, from the profile and from templates rendered out of these props; the
   * handler builds none of them. `account` must be the gateway's account.
   * @default - the handler builds the cluster directly in Prism Central
   */
  readonly palette?: PaletteProvisioningProps;
  /**
   * The pod network the first control-plane node applies after `kubeadm init`, from the pinned
   * upstream manifest (the node downloads it; Calico `manifests/calico.yaml`, Cilium
   * `install/kubernetes/quick-install.yaml` of the release tag). `none` installs nothing (bring your own).
   * @default { plugin: "calico", version: "3.30.0" }
   */
  readonly cni?: CniProps;
  /**
   * An HTTP(S) proxy for the nodes: written to containerd and the kubelet (systemd drop-ins) and to
   * /etc/environment; `noProxy` is extended with what must never go through it (the pod and service
   * CIDRs, the node subnet when known, the VIP, `localhost`, `127.0.0.1`, `.svc`, `.cluster.local`).
   * @default - no proxy
   */
  readonly proxy?: ClusterProxyProps;
  /**
   * SSH public keys (`ssh-ed25519 AAAA… comment`) for the default user of every node (cloud-init
   * `ssh_authorized_keys`); pools may add their own.
   * @default - none
   */
  readonly sshAuthorizedKeys?: readonly string[];
}

/** The CNI of a cluster. */
export interface CniProps {
  /** `calico`, `cilium`, or `none` to bring your own. */
  readonly plugin: "calico" | "cilium" | "none";
  /**
   * The release to install (not with `none`).
   * @default - "3.30.0" for Calico, "1.17.0" for Cilium
   */
  readonly version?: string;
}

/** Proxy settings of a cluster's nodes. */
export interface ClusterProxyProps {
  /**
   * HTTP proxy URL (no credentials in it).
   * @default - none
   */
  readonly httpProxy?: string;
  /**
   * HTTPS proxy URL (no credentials in it).
   * @default - none
   */
  readonly httpsProxy?: string;
  /**
   * Hosts, domains (`.example.com`), addresses and CIDRs reached directly, on top of the entries
   * the cluster needs (which are always added).
   * @default []
   */
  readonly noProxy?: readonly string[];
  /**
   * The proxy's CA certificate(s), PEM: installed into the nodes' trust store.
   * @default - none
   */
  readonly caCertificate?: string;
}

/** Options of the CAPX manifest export. */
export interface CapxExportProps {
  /**
   * API version of the Cluster API kinds: `v1beta1` (what released CAPX templates v1.4–v1.10 accept,
   * map-style `extraArgs`) or `v1beta2` (list-style `extraArgs`, as CAPX main). CAPX's own kinds stay
   * `v1beta1`. The Cluster API release must support the Kubernetes version (v1.5 up to 1.28; 1.30 needs
   * ≥ v1.7, 1.31 ≥ v1.8): Palette's default v1.5.3 is too old for 1.30/1.31.
   * @default "v1beta1"
   */
  readonly clusterApiVersion?: "v1beta1" | "v1beta2";
  /**
   * Namespace of every exported object.
   * @default "default"
   */
  readonly namespace?: string;
  /**
   * Whether to export a MachineHealthCheck (maxUnhealthy 40%, nodeStartupTimeout 10m).
   * @default true
   */
  readonly machineHealthCheck?: boolean;
}

/** Compile-time check: the Props interface and the schema's input agree. */
export type _NutanixClusterPropsCheck = AssertTrue<MutuallyAssignable<Omit<NutanixClusterProps, "account" | "palette">, z.input<typeof NutanixClusterPropsSchema>>>;

/**
 * A Kubernetes cluster on Nutanix. Builds its kube-vip endpoint (`endpoint`), its control-plane pool
 * (`cp`) and one pool per worker entry; `addNodePool()` adds more worker pools.
 */
export class NutanixCluster extends NutanixResource {
  /** Whether `x` is a NutanixCluster. */
  public static isNutanixCluster(x: unknown): x is NutanixCluster {
    return NutanixResource.isNutanixResource(x) && x.kind === "NutanixCluster";
  }

  public readonly kind = "NutanixCluster" as const;
  /** The account of the cluster. */
  public readonly account: PrismCentralAccount;
  /** The validated cluster settings. */
  public readonly data: z.output<typeof NutanixClusterPropsSchema>;
  /** The kube-vip endpoint. */
  public readonly endpoint: KubeVipEndpoint;
  /** The control-plane pool. */
  public readonly controlPlane: NodePool;
  /** The Palette gateway, account and profile, when the cluster is provisioned through Palette. */
  public readonly palette?: PaletteProvisioning;
  private readonly pools: NodePool[] = [];

  constructor(scope: Construct, id: string, props: NutanixClusterProps) {
    super(scope, id);
    const { data, refs, palette } = this.checked(() => checkClusterProps(this.node.path, props));
    this.data = data;
    this.account = refs.account as PrismCentralAccount;
    if (palette) this.palette = palette;
    const { endpoint, controlPlane, workers } = props;
    [this.endpoint, this.controlPlane] = this.checked(() => {
      const ep = new KubeVipEndpoint(this, "endpoint", { ...endpoint, cluster: this });
      const cp = new NodePool(this, CONTROL_PLANE_POOL_NAME, {
        ...controlPlane,
        replicas: data.controlPlane.replicas,
        name: CONTROL_PLANE_POOL_NAME,
        role: "control-plane",
        cluster: this,
      });
      for (const w of workers ?? []) new NodePool(this, w.name, { ...w, role: "worker", cluster: this });
      return [ep, cp] as const;
    });
  }

  /** `palette` when Palette provisions the cluster, `direct` when the handler builds it. */
  public get provisioning(): "direct" | "palette" {
    return this.palette ? "palette" : "direct";
  }

  /** The cluster name. */
  public get clusterName(): string {
    return this.data.name;
  }

  /** The normalized Kubernetes version (`1.30.5`). */
  public get kubernetesVersion(): string {
    return this.data.kubernetesVersion;
  }

  /** The node subnet, when stated. */
  public get nodeNetwork(): NodeNetwork | undefined {
    return this.data.nodeNetwork;
  }

  /** The worker pools, sorted by id. */
  public get workers(): NodePool[] {
    return this.pools.filter((p) => p.role === "worker").sort((a, b) => (a.resourceId < b.resourceId ? -1 : a.resourceId > b.resourceId ? 1 : 0));
  }

  /** Every pool of this cluster (control plane included), in creation order. */
  public get allPools(): readonly NodePool[] {
    return [...this.pools];
  }

  /**
   * Adds a worker pool as the child construct `name`.
   * @throws ValidationError when the name is taken or reserved, or the options are invalid
   */
  public addNodePool(name: string, options: NodePoolOptions): NodePool {
    const issues: ValidationIssue[] = [];
    const path = this.node.path;
    if (typeof name !== "string") issues.push({ path, field: "name", message: `expected a pool name, got ${describeValue(name)}` });
    // A name that cannot even be a construct id is reported here; NodePool reports the rest with its props.
    else if (name === "" || name.includes("/")) issues.push(...issuesFromZod(path, DnsLabel.safeParse(name, { reportInput: true }).error?.issues ?? [], ["name"]));
    else if (RESERVED_POOL_NAMES.includes(name)) issues.push({ path, field: "name", message: `expected a worker pool name other than ${RESERVED_POOL_NAMES.join(" or ")}, got "${name}"` });
    else if (this.node.tryFindChild(name)) issues.push({ path, field: "name", message: `expected unique worker pool names, '${name}' is used twice` });
    if (!isPropsObject(options)) issues.push({ path: `${path}/${typeof name === "string" ? name : describeValue(name)}`, field: "", message: `expected an object of pool options, got ${describeValue(options)}` });
    if (issues.length > 0) {
      throw new ValidationError(issues, `cannot add node pool to ${path}`);
    }
    return new NodePool(this, name, { ...options, name, role: "worker", cluster: this });
  }

  /**
   * The CAPX / Cluster API objects that build this cluster through Cluster API Provider Nutanix
   * (credentials as `${NUTANIX_USER}` / `${NUTANIX_PASSWORD}` placeholders, never values).
   * Validates the whole stack first.
   * @param options overrides of the `capx` props for this call
   * @throws ValidationError when the stack has problems
   */
  public toCapxManifests(options: CapxExportProps = {}): KubeObject[] {
    const stack = findStack(this) as (IConstruct & { toPlan(): Plan }) | undefined;
    if (!stack) {
      throw new ValidationError([{ path: this.node.path, field: "", message: "expected the cluster inside a NutanixStack" }], "cannot export CAPX manifests");
    }
    if (this.palette) {
      throw new ValidationError([{ path: this.node.path, field: "palette", message: "expected a cluster the handler builds directly: a cluster through Palette gets its templates from the handler's Palette renderer" }], "cannot export CAPX manifests");
    }
    return capxManifests(stack.toPlan(), this.resourceId, { ...this.data.capx, ...options });
  }

  /**
   * Files this cluster adds to the stack's synth output: `manifests/<cluster name>.yaml`.
   * @internal
   */
  public synthFiles(plan: Plan): readonly SynthFile[] {
    if (this.palette) return [];
    return [{ path: `manifests/${this.data.name}.yaml`, contents: capxManifestsYaml(capxManifests(plan, this.resourceId, this.data.capx)) }];
  }

  /**
   * Called by a NodePool of this cluster when it is created.
   * @internal
   */
  public _registerPool(pool: NodePool): void {
    this.pools.push(pool);
  }

  /** @internal */
  public override _planKind(): ResourceKind {
    return this.palette ? "PaletteCluster" : this.kind;
  }

  /**
   * Through Palette, the endpoint and the pools are part of the PaletteCluster spec.
   * @internal
   */
  public override _absorbedResources(): readonly NutanixResource[] {
    return this.palette ? [this.endpoint, ...this.pools] : [];
  }

  /** @internal */
  public _renderSpec(): NutanixClusterSpec | PaletteClusterSpec {
    if (this.palette) {
      const { account: _a, endpoint: _e, controlPlane: _c, workers: _w, ...cluster } = this.directSpec();
      return paletteClusterSpec({ account: this.account, palette: this.palette, cluster, endpoint: this.endpoint, controlPlane: this.controlPlane, workers: this.workers });
    }
    return this.directSpec();
  }

  private directSpec(): NutanixClusterSpec {
    const d = this.data;
    return {
      account: this.account.resourceId,
      name: d.name,
      kubernetesVersion: d.kubernetesVersion,
      endpoint: this.endpoint.resourceId,
      controlPlane: this.controlPlane.resourceId,
      workers: this.workers.map((w) => w.resourceId),
      podCidr: d.podCidr,
      serviceCidr: d.serviceCidr,
      ...(d.nodeNetwork ? { nodeNetwork: d.nodeNetwork } : {}),
      cni: d.cni,
      ...(d.proxy ? { proxy: d.proxy } : {}),
      ...(d.sshAuthorizedKeys && d.sshAuthorizedKeys.length > 0 ? { sshAuthorizedKeys: d.sshAuthorizedKeys } : {}),
    };
  }

  /** @internal */
  public _propDependencies(): IConstruct[] {
    if (this.palette) return paletteDependencies(this.account, this.palette);
    return [this.account, this.endpoint, this.controlPlane, ...this.workers];
  }
}

/**
 * The props check of a cluster: the construct-typed `account`, the `palette` prop, and the schema for
 * the rest; every problem of all three is thrown together.
 */
function checkClusterProps(path: string, props: NutanixClusterProps): ReturnType<typeof checkProps<typeof NutanixClusterPropsSchema>> & { palette?: PaletteProvisioning } {
  const { palette: given, ...rest } = isPropsObject(props) ? props : { palette: undefined };
  const pal = checkPaletteProvisioning(path, given);
  let base: ReturnType<typeof checkProps<typeof NutanixClusterPropsSchema>> | undefined;
  const issues: ValidationIssue[] = [];
  try {
    base = checkProps(path, isPropsObject(props) ? rest : props, NutanixClusterPropsSchema, { account: resourceProp("PrismCentralAccount") });
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    issues.push(...e.issues);
  }
  issues.push(...pal.issues);
  if (issues.length > 0 || !base) throw new ValidationError(issues, `invalid props for ${path}`);
  return pal.palette ? { ...base, palette: pal.palette } : base;
}
