/**
 * PrivateCloudGateway: Palette's agent on a self-hosted Kubernetes cluster inside Nutanix.
 */
import type { Construct, IConstruct } from "constructs";
import type { z } from "zod";
import { PCG_HOST_SIZES, PrivateCloudGatewayPropsSchema, type PaletteSettings, type PcgHostSize, type PrivateCloudGatewaySpec } from "../schema/pcg";
import { ValidationError } from "../schema/validation";
import type { KubeVipEndpointOptions } from "./kube-vip-endpoint";
import type { EntityReference } from "./machine";
import { NutanixCluster as NutanixClusterClass, type NodeNetworkProps } from "./nutanix-cluster";
import type { SecretRef } from "../schema/refs";
import { checkProps, isPropsObject, type AssertTrue, type ConstructPropCheck, type MutuallyAssignable } from "./internal";
import { PaletteAccount } from "./palette-account";
import type { NutanixCluster } from "./nutanix-cluster";
import type { PrismCentralAccount } from "./prism-central-account";
import { NutanixResource, resourceProp } from "./resource";

/** How the PCG reaches Palette, written inline (a {@link PaletteAccount} construct is the other way). */
export interface PaletteProps {
  /**
   * The Palette API endpoint.
   * @default "https://api.spectrocloud.com"
   */
  readonly endpoint?: string;
  /**
   * The Palette project.
   * @default "Default"
   */
  readonly project?: string;
  /** The Palette API key (`Secret.fromEnv()` / `Secret.fromFile()`). */
  readonly apiKey: SecretRef;
}

/** Proxy settings of the PCG. */
export interface ProxyProps {
  /**
   * HTTP proxy URL.
   * @default - none
   */
  readonly httpProxy?: string;
  /**
   * HTTPS proxy URL.
   * @default - none
   */
  readonly httpsProxy?: string;
  /**
   * Hosts and CIDRs reached directly (add Prism Central here).
   * @default []
   */
  readonly noProxy?: readonly string[];
  /**
   * The proxy's CA certificate (PEM).
   * @default - none
   */
  readonly caCertificate?: string;
}

/** Props of a {@link PrivateCloudGateway}. */
export interface PrivateCloudGatewayProps {
  /** The gateway name (RFC 1123 label). */
  readonly name: string;
  /** The Prism Central account the gateway serves; must be the host cluster's account. */
  readonly account: PrismCentralAccount;
  /** The cluster the gateway is installed on (≥ 4 vCPU, 4 GiB, 60 GiB per node; a control plane and a worker). */
  readonly hostCluster: NutanixCluster;
  /**
   * The Palette the gateway registers with: a {@link PaletteAccount} (needed by clusters through
   * Palette, which use the gateway's account), or inline settings.
   */
  readonly palette: PaletteAccount | PaletteProps;
  /**
   * Proxy settings.
   * @default - no proxy
   */
  readonly proxy?: ProxyProps;
}

/** Where the VMs of a PCG host cluster are placed. */
export interface PcgHostPlacement {
  /** The OS image with Kubernetes (a CAPI image), by name or UUID. */
  readonly image: EntityReference;
  /** The Prism Element cluster. */
  readonly cluster: EntityReference;
  /** The subnets; the first carries the node IPs and the kube-vip address. */
  readonly subnets: readonly EntityReference[];
  /**
   * The Prism Central project of the VMs.
   * @default - none
   */
  readonly project?: EntityReference;
  /**
   * Boot firmware; must match the image.
   * @default "legacy"
   */
  readonly bootType?: "legacy" | "uefi";
}

/** The host cluster that {@link PrivateCloudGateway.withHostCluster} builds. */
export interface PcgHostClusterProps {
  /**
   * Name of the host cluster.
   * @default - `<gateway name>-host`
   */
  readonly name?: string;
  /** Kubernetes version of the host cluster (Palette's supported range is checked at synth). */
  readonly kubernetesVersion: string;
  /** The kube-vip endpoint of the host cluster's API servers. */
  readonly endpoint: KubeVipEndpointOptions;
  /** Where the VMs go. */
  readonly placement: PcgHostPlacement;
  /**
   * Worker placement, when workers go elsewhere than the control plane.
   * @default - the same as `placement`
   */
  readonly workerPlacement?: PcgHostPlacement;
  /**
   * Node size from Palette's PCG sizing table: small 4 vCPU / 4 GiB / 60 GiB (1–3 concurrent
   * deployments on one node), medium 8 / 8 / 100, large 16 / 16 / 120.
   * @default "small"
   */
  readonly size?: PcgHostSize;
  /**
   * Three control-plane nodes (Palette recommends three nodes for production) instead of one.
   * @default true
   */
  readonly highAvailability?: boolean;
  /**
   * Worker nodes (Palette requires at least one).
   * @default 1
   */
  readonly workers?: number;
  /**
   * The node subnet, when known: enables synth-time checks of the VIP and of the free IP addresses.
   * @default - unknown
   */
  readonly nodeNetwork?: NodeNetworkProps;
}

/** Props of {@link PrivateCloudGateway.withHostCluster}. */
export interface PrivateCloudGatewayWithHostProps extends Omit<PrivateCloudGatewayProps, "hostCluster"> {
  /** The host cluster to build. */
  readonly host: PcgHostClusterProps;
}

/** Compile-time check: the Props interface and the schema's input agree. */
export type _PrivateCloudGatewayPropsCheck = AssertTrue<MutuallyAssignable<Omit<PrivateCloudGatewayProps, "account" | "hostCluster" | "palette">, Omit<z.input<typeof PrivateCloudGatewayPropsSchema>, "palette">>>;
/** Compile-time check: the inline Palette settings and their schema's input agree. */
export type _PalettePropsCheck = AssertTrue<MutuallyAssignable<PaletteProps, z.input<typeof PaletteSettings>>>;

/**
 * The host cluster check: a NutanixCluster the handler builds directly. Palette's PCG guide says the
 * host cluster must not be managed by Palette ("installation will fail due to resource naming
 * conflicts", spectrocloud/librarium, docs/docs-content/clusters/pcg/deploy-pcg-k8s.md).
 */
const directCluster: ConstructPropCheck = (value) =>
  resourceProp("NutanixCluster")(value) ??
  ((value as NutanixCluster).provisioning === "palette"
    ? `expected a cluster the handler builds directly, got ${(value as NutanixCluster).node.path}, a cluster through Palette (Palette: a PCG's host cluster must not be managed by Palette)`
    : undefined);

/**
 * A self-hosted Palette Private Cloud Gateway on a NutanixCluster. Host sizing and account
 * consistency are checked at synth.
 */
export class PrivateCloudGateway extends NutanixResource {
  /** Whether `x` is a PrivateCloudGateway. */
  public static isPrivateCloudGateway(x: unknown): x is PrivateCloudGateway {
    return NutanixResource.isNutanixResource(x) && x.kind === "PrivateCloudGateway";
  }

  /**
   * A PCG together with a right-sized host cluster for the common case: the host cluster is the
   * construct `<id>-host` beside the gateway, sized from Palette's PCG table, with kube-vip; the
   * gateway's `proxy` becomes the host cluster's `proxy`, so its nodes use it too.
   * @throws ValidationError naming every problem of the props
   */
  public static withHostCluster(scope: Construct, id: string, props: PrivateCloudGatewayWithHostProps): PrivateCloudGateway {
    const host = props?.host;
    const issues = [];
    if (typeof host !== "object" || host === null) {
      issues.push({ path: `${scope.node.path}/${id}`, field: "host", message: "expected the host cluster props { kubernetesVersion, endpoint, placement }" });
    } else if (host.size !== undefined && !(host.size in PCG_HOST_SIZES)) {
      issues.push({ path: `${scope.node.path}/${id}`, field: "host.size", message: `expected one of ${Object.keys(PCG_HOST_SIZES).join(", ")}, got ${JSON.stringify(host.size)}` });
    }
    if (issues.length > 0) throw new ValidationError(issues, `invalid props for ${scope.node.path}/${id}`);
    const size = PCG_HOST_SIZES[host.size ?? "small"];
    const machineAt = (p: PcgHostPlacement) => ({
      vcpuSockets: 1, vcpusPerSocket: size.vcpus, memoryGiB: size.memoryGiB, systemDiskGiB: size.diskGiB,
      image: p.image, cluster: p.cluster, subnets: p.subnets, bootType: p.bootType ?? "legacy",
      ...(p.project ? { project: p.project } : {}),
    });
    const name = typeof props.name === "string" ? props.name : id;
    const hostCluster = new NutanixClusterClass(scope, `${id}-host`, {
      account: props.account,
      name: host.name ?? `${name}-host`,
      kubernetesVersion: host.kubernetesVersion,
      endpoint: host.endpoint,
      controlPlane: { replicas: host.highAvailability === false ? 1 : 3, machine: machineAt(host.placement) },
      workers: [{ name: "worker", replicas: host.workers ?? 1, machine: machineAt(host.workerPlacement ?? host.placement) }],
      ...(host.nodeNetwork ? { nodeNetwork: host.nodeNetwork } : {}),
      // The gateway's proxy is its host cluster's: containerd pulls images and the PCG reaches Palette
      // through it. Without a proxy URL the PCG rule reports the settings; the nodes get none.
      ...(props.proxy && (props.proxy.httpProxy || props.proxy.httpsProxy) ? { proxy: props.proxy } : {}),
    });
    const { host: _host, ...rest } = props;
    return new PrivateCloudGateway(scope, id, { ...rest, hostCluster });
  }

  public readonly kind = "PrivateCloudGateway" as const;
  /** The account the gateway serves. */
  public readonly account: PrismCentralAccount;
  /** The cluster the gateway runs on. */
  public readonly hostCluster: NutanixCluster;
  /** The Palette account, when the `palette` prop is one. */
  public readonly paletteAccount?: PaletteAccount;
  /** The validated settings (with a PaletteAccount, `palette` holds its endpoint, project and API key). */
  public readonly data: z.output<typeof PrivateCloudGatewayPropsSchema>;

  constructor(scope: Construct, id: string, props: PrivateCloudGatewayProps) {
    super(scope, id);
    const given: unknown = isPropsObject(props) ? props.palette : undefined;
    const paletteAccount = PaletteAccount.isPaletteAccount(given) ? given : undefined;
    const input = paletteAccount ? { ...props, palette: { endpoint: paletteAccount.spec.endpoint, project: paletteAccount.spec.project, apiKey: paletteAccount.spec.apiKey } } : props;
    const { data, refs } = this.checked(() =>
      checkProps(this.node.path, input, PrivateCloudGatewayPropsSchema, { account: resourceProp("PrismCentralAccount"), hostCluster: directCluster }),
    );
    this.data = data;
    this.account = refs.account as PrismCentralAccount;
    this.hostCluster = refs.hostCluster as NutanixCluster;
    if (paletteAccount) this.paletteAccount = paletteAccount;
  }

  /** @internal */
  public _renderSpec(): PrivateCloudGatewaySpec {
    const d = this.data;
    return {
      account: this.account.resourceId,
      hostCluster: this.hostCluster.resourceId,
      name: d.name,
      ...(this.paletteAccount ? { paletteAccount: this.paletteAccount.resourceId } : {}),
      palette: d.palette,
      ...(d.proxy ? { proxy: d.proxy } : {}),
    };
  }

  /** @internal */
  public _propDependencies(): IConstruct[] {
    return [this.account, this.hostCluster, ...(this.paletteAccount ? [this.paletteAccount] : [])];
  }
}
