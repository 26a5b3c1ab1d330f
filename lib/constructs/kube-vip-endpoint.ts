/**
 * KubeVipEndpoint: the virtual IP in front of a cluster's Kubernetes API servers.
 */
import type { Construct, IConstruct } from "constructs";
import type { z } from "zod";
import { KubeVipEndpointPropsSchema, type KubeVipEndpointSpec } from "../schema/kube-vip";
import type { SecretRef } from "../schema/refs";
import { bgpPasswordIssues, readSecret } from "./bgp-passwords";
import { checkProps, type AssertTrue, type MutuallyAssignable } from "./internal";
import type { NutanixCluster } from "./nutanix-cluster";
import { NutanixResource, resourceProp } from "./resource";

/** One BGP peer of kube-vip. */
export interface BgpPeerProps {
  /** The peer's address. */
  readonly address: string;
  /** The peer's AS number. */
  readonly asn: number;
  /**
   * The BGP session password (`Secret.fromEnv()` / `Secret.fromFile()`).
   * @default - no password
   */
  readonly password?: SecretRef;
  /**
   * Enable eBGP multihop.
   * @default false
   */
  readonly multihop?: boolean;
}

/** BGP settings of kube-vip (mode `bgp`). */
export interface BgpProps {
  /**
   * One BGP router id for every control-plane node; allowed only with a single control-plane node,
   * since each BGP speaker needs its own (RFC 4271 §4.2).
   * @default - each node's own IPv4 address towards the first peer, found at boot (`ip -4 route get`)
   */
  readonly routerId?: string;
  /**
   * The local AS number.
   * @default 65000
   */
  readonly localAsn?: number;
  /** At least one peer. */
  readonly peers: readonly BgpPeerProps[];
}

/** client-go leader election timings (lease > renew > 1.2 × retry). */
export interface LeaderElectionProps {
  /**
   * Lease duration in seconds.
   * @default 15
   */
  readonly leaseDurationSeconds?: number;
  /**
   * Renew deadline in seconds.
   * @default 10
   */
  readonly renewDeadlineSeconds?: number;
  /**
   * Retry period in seconds.
   * @default 2
   */
  readonly retryPeriodSeconds?: number;
}

/** The kube-vip settings of a cluster (the `endpoint` prop of a NutanixCluster). */
export interface KubeVipEndpointOptions {
  /** The virtual IP: free, inside the control-plane subnet, outside its IPAM pool. */
  readonly address: string;
  /**
   * The API server port behind the VIP.
   * @default 6443
   */
  readonly port?: number;
  /**
   * How the VIP is announced.
   * @default "arp"
   */
  readonly mode?: "arp" | "bgp";
  /**
   * The node network interface that carries the VIP (kube-vip `vip_interface`).
   * @default - kube-vip's choice: the interface of the default route
   */
  readonly interface?: string;
  /**
   * BGP settings; required with mode `bgp`, refused with `arp`.
   * @default - none
   */
  readonly bgp?: BgpProps;
  /**
   * Leader election timings.
   * @default { leaseDurationSeconds: 15, renewDeadlineSeconds: 10, retryPeriodSeconds: 2 }
   */
  readonly leaderElection?: LeaderElectionProps;
  /**
   * Also load-balance API traffic across control-plane nodes (kube-vip `lb_enable`).
   * @default false
   */
  readonly loadBalancer?: boolean;
}

/** Compile-time check: the options interface and the schema's input agree. */
export type _KubeVipEndpointOptionsCheck = AssertTrue<MutuallyAssignable<KubeVipEndpointOptions, z.input<typeof KubeVipEndpointPropsSchema>>>;

/** Props of a {@link KubeVipEndpoint}. */
export interface KubeVipEndpointProps extends KubeVipEndpointOptions {
  /** The cluster whose API servers the VIP fronts. */
  readonly cluster: NutanixCluster;
}

/**
 * The kube-vip endpoint of a cluster. A NutanixCluster creates its own as the child `endpoint`; its
 * subnet and Prism Element cluster are those of the control-plane machine's first subnet.
 */
export class KubeVipEndpoint extends NutanixResource {
  /** Whether `x` is a KubeVipEndpoint. */
  public static isKubeVipEndpoint(x: unknown): x is KubeVipEndpoint {
    return NutanixResource.isNutanixResource(x) && x.kind === "KubeVipEndpoint";
  }

  public readonly kind = "KubeVipEndpoint" as const;
  /** The cluster of this endpoint. */
  public readonly cluster: NutanixCluster;
  /** The validated settings. */
  public readonly data: z.output<typeof KubeVipEndpointPropsSchema>;

  constructor(scope: Construct, id: string, props: KubeVipEndpointProps) {
    super(scope, id);
    const { data, refs } = this.checked(() => checkProps(this.node.path, props, KubeVipEndpointPropsSchema, { cluster: resourceProp("NutanixCluster") }));
    this.data = data;
    this.cluster = refs.cluster as NutanixCluster;
    this.node.addValidation({ validate: () => bgpPasswordIssues(this.data, readSecret) });
  }

  /** The virtual IP. */
  public get address(): string {
    return this.data.address;
  }

  /** The API server port. */
  public get port(): number {
    return this.data.port;
  }

  /** @internal */
  public _renderSpec(): KubeVipEndpointSpec {
    const d = this.data;
    const machine = this.cluster.controlPlane.data.machine;
    return {
      account: this.cluster.account.resourceId,
      clusterName: this.cluster.clusterName,
      address: d.address,
      port: d.port,
      mode: d.mode,
      ...(d.interface !== undefined ? { interface: d.interface } : {}),
      ...(d.bgp ? { bgp: d.bgp } : {}),
      leaderElection: d.leaderElection,
      loadBalancer: d.loadBalancer,
      subnet: machine.subnets[0],
      peCluster: machine.cluster,
    };
  }

  /** @internal */
  public _propDependencies(): IConstruct[] {
    return [this.cluster.account];
  }
}
