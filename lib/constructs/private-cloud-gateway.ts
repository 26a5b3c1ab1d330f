/**
 * PrivateCloudGateway: Palette's agent on a self-hosted Kubernetes cluster inside Nutanix.
 */
import type { Construct, IConstruct } from "constructs";
import type { z } from "zod";
import { PrivateCloudGatewayPropsSchema, type PrivateCloudGatewaySpec } from "../schema/pcg";
import type { SecretRef } from "../schema/refs";
import { checkProps, type AssertTrue, type MutuallyAssignable } from "./internal";
import { checkClusterProp } from "./node-pool";
import type { NutanixCluster } from "./nutanix-cluster";
import { checkAccountProp, type PrismCentralAccount } from "./prism-central-account";
import { NutanixResource } from "./resource";

/** How the PCG reaches Palette. */
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
  /** How the gateway reaches Palette. */
  readonly palette: PaletteProps;
  /**
   * Proxy settings.
   * @default - no proxy
   */
  readonly proxy?: ProxyProps;
}

/** Compile-time check: the Props interface and the schema's input agree. */
export type _PrivateCloudGatewayPropsCheck = AssertTrue<MutuallyAssignable<Omit<PrivateCloudGatewayProps, "account" | "hostCluster">, z.input<typeof PrivateCloudGatewayPropsSchema>>>;

/**
 * A self-hosted Palette Private Cloud Gateway on a NutanixCluster. Host sizing and account
 * consistency are checked at synth.
 */
export class PrivateCloudGateway extends NutanixResource {
  /** Whether `x` is a PrivateCloudGateway. */
  public static isPrivateCloudGateway(x: unknown): x is PrivateCloudGateway {
    return NutanixResource.isNutanixResource(x) && x.kind === "PrivateCloudGateway";
  }

  public readonly kind = "PrivateCloudGateway" as const;
  /** The account the gateway serves. */
  public readonly account: PrismCentralAccount;
  /** The cluster the gateway runs on. */
  public readonly hostCluster: NutanixCluster;
  /** The validated settings. */
  public readonly data: z.output<typeof PrivateCloudGatewayPropsSchema>;

  constructor(scope: Construct, id: string, props: PrivateCloudGatewayProps) {
    super(scope, id);
    const { data, refs } = this.checked(() =>
      checkProps(this.node.path, props, PrivateCloudGatewayPropsSchema, { account: checkAccountProp, hostCluster: checkClusterProp }),
    );
    this.data = data;
    this.account = refs.account as PrismCentralAccount;
    this.hostCluster = refs.hostCluster as NutanixCluster;
  }

  /** @internal */
  public _renderSpec(): PrivateCloudGatewaySpec {
    const d = this.data;
    return {
      account: this.account.resourceId,
      hostCluster: this.hostCluster.resourceId,
      name: d.name,
      palette: d.palette,
      ...(d.proxy ? { proxy: d.proxy } : {}),
    };
  }

  /** @internal */
  public _propDependencies(): IConstruct[] {
    return [this.account, this.hostCluster];
  }
}
