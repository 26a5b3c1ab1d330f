/**
 * PrismCentralAccount: a Prism Central v3 endpoint and where its credentials come from.
 */
import type { Construct, IConstruct } from "constructs";
import type { z } from "zod";
import { PrismCentralAccountPropsSchema, type PrismCentralAccountSpec } from "../schema/account";
import type { CredentialsRef } from "../schema/refs";
import { checkProps, type AssertTrue, type MutuallyAssignable } from "./internal";
import { NutanixResource } from "./resource";

/** Props of a {@link PrismCentralAccount}. */
export interface PrismCentralAccountProps {
  /**
   * The Prism Central endpoint: a host (`pc.example.com`, `10.0.0.5`), `host:port`, or an `https://` URL.
   * No path, no credentials in the URL.
   * @default port 9440 when the endpoint has none
   */
  readonly endpoint: string;
  /** Where the handler reads the username and password: `Credentials.fromEnv()` or `Credentials.fromFile()`. */
  readonly credentials: CredentialsRef;
  /**
   * Skip TLS certificate verification of Prism Central. Use only against test systems.
   * @default false
   */
  readonly insecure?: boolean;
  /**
   * Extra CA certificates (PEM `CERTIFICATE` blocks) trusted for Prism Central's certificate.
   * @default - the system trust store only
   */
  readonly trustBundle?: string;
  /**
   * The Palette project the account is registered in.
   * @default - none: the PCG's project is used
   */
  readonly paletteProject?: string;
}

/** Compile-time check: the Props interface and the schema's input agree. */
export type _PrismCentralAccountPropsCheck = AssertTrue<MutuallyAssignable<PrismCentralAccountProps, z.input<typeof PrismCentralAccountPropsSchema>>>;

/**
 * A Prism Central account: the API endpoint every cluster, pool and gateway of it talks to.
 *
 * @example
 * new PrismCentralAccount(stack, "pc", {
 *   endpoint: "https://pc.dc1.example.com:9440",
 *   credentials: Credentials.fromEnv("NUTANIX_USERNAME", "NUTANIX_PASSWORD"),
 * });
 */
export class PrismCentralAccount extends NutanixResource {
  /** Whether `x` is a PrismCentralAccount. */
  public static isPrismCentralAccount(x: unknown): x is PrismCentralAccount {
    return NutanixResource.isNutanixResource(x) && x.kind === "PrismCentralAccount";
  }

  public readonly kind = "PrismCentralAccount" as const;
  /** The validated account settings, as they appear in the plan. */
  public readonly spec: PrismCentralAccountSpec;

  constructor(scope: Construct, id: string, props: PrismCentralAccountProps) {
    super(scope, id);
    const { data } = this.checked(() => checkProps(this.node.path, props, PrismCentralAccountPropsSchema));
    this.spec = data;
  }

  /** The Prism Central host. */
  public get host(): string {
    return this.spec.endpoint.host;
  }

  /** The Prism Central port. */
  public get port(): number {
    return this.spec.endpoint.port;
  }

  /** @internal */
  public _renderSpec(): PrismCentralAccountSpec {
    return this.spec;
  }

  /** @internal */
  public _propDependencies(): IConstruct[] {
    return [];
  }
}
