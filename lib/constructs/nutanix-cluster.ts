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

/** The control-plane pool of a cluster (child `cp`, VMs `<cluster>-cp-<n>`): a node pool without autoscaling. */
export interface ControlPlaneProps extends Pick<NodePoolOptions, "machine" | "labels" | "taints"> {
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
   * {@link NutanixCluster.toCapxManifests}.
   * @default - Cluster API v1beta1, namespace "default", with a MachineHealthCheck
   */
  readonly capx?: CapxExportProps;
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
export type _NutanixClusterPropsCheck = AssertTrue<MutuallyAssignable<Omit<NutanixClusterProps, "account">, z.input<typeof NutanixClusterPropsSchema>>>;

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
  private readonly pools: NodePool[] = [];

  constructor(scope: Construct, id: string, props: NutanixClusterProps) {
    super(scope, id);
    const { data, refs } = this.checked(() => checkProps(this.node.path, props, NutanixClusterPropsSchema, { account: resourceProp("PrismCentralAccount") }));
    this.data = data;
    this.account = refs.account as PrismCentralAccount;
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
    if (!isPropsObject(options)) issues.push({ path: `${path}/${String(name)}`, field: "", message: `expected an object of pool options, got ${describeValue(options)}` });
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
    return capxManifests(stack.toPlan(), this.resourceId, { ...this.data.capx, ...options });
  }

  /**
   * Files this cluster adds to the stack's synth output: `manifests/<cluster name>.yaml`.
   * @internal
   */
  public synthFiles(plan: Plan): readonly SynthFile[] {
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
  public _renderSpec(): NutanixClusterSpec {
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
    };
  }

  /** @internal */
  public _propDependencies(): IConstruct[] {
    return [this.account, this.endpoint, this.controlPlane, ...this.workers];
  }
}
