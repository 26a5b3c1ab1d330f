/**
 * PaletteAccount: a Palette API endpoint (SaaS or self-hosted), the project, and where the API key
 * comes from. Gateways register with it and clusters through Palette are created in its project.
 */
import type { Construct, IConstruct } from "constructs";
import type { z } from "zod";
import { PaletteAccountPropsSchema, type PaletteAccountSpec } from "../schema/palette-account";
import type { SecretRef } from "../schema/refs";
import { checkProps, type AssertTrue, type MutuallyAssignable } from "./internal";
import { NutanixResource } from "./resource";

/** Props of a {@link PaletteAccount}. */
export interface PaletteAccountProps {
  /**
   * The Palette API endpoint: an `https://` origin, no path.
   * @default "https://api.spectrocloud.com"
   */
  readonly endpoint?: string;
  /** The Palette API key (`Secret.fromEnv()` / `Secret.fromFile()`), sent as the `ApiKey` header. */
  readonly apiKey: SecretRef;
  /**
   * The Palette project clusters and cloud accounts are created in (sent as its `ProjectUid`).
   * @default "Default"
   */
  readonly project?: string;
  /**
   * Skip TLS certificate verification of the Palette endpoint (a self-hosted Palette with a
   * self-signed certificate, test systems only).
   * @default false
   */
  readonly insecure?: boolean;
  /**
   * Extra CA certificates (PEM `CERTIFICATE` blocks) trusted for the Palette endpoint.
   * @default - the system trust store only
   */
  readonly trustBundle?: string;
}

/** Compile-time check: the Props interface and the schema's input agree. */
export type _PaletteAccountPropsCheck = AssertTrue<MutuallyAssignable<PaletteAccountProps, z.input<typeof PaletteAccountPropsSchema>>>;

/**
 * A Palette account: the API every gateway and cluster through Palette of a stack talks to.
 *
 * @example
 * new PaletteAccount(stack, "palette", {
 *   apiKey: Secret.fromEnv("PALETTE_API_KEY"),
 *   project: "Default",
 * });
 */
export class PaletteAccount extends NutanixResource {
  /** Whether `x` is a PaletteAccount. */
  public static isPaletteAccount(x: unknown): x is PaletteAccount {
    return NutanixResource.isNutanixResource(x) && x.kind === "PaletteAccount";
  }

  public readonly kind = "PaletteAccount" as const;
  /** The validated account settings, as they appear in the plan. */
  public readonly spec: PaletteAccountSpec;

  constructor(scope: Construct, id: string, props: PaletteAccountProps) {
    super(scope, id);
    const { data } = this.checked(() => checkProps(this.node.path, props, PaletteAccountPropsSchema));
    this.spec = data;
  }

  /** The Palette endpoint (`https://host[:port]`). */
  public get endpoint(): string {
    return this.spec.endpoint;
  }

  /** The Palette project. */
  public get project(): string {
    return this.spec.project;
  }

  /** @internal */
  public _renderSpec(): PaletteAccountSpec {
    return this.spec;
  }

  /** @internal */
  public _propDependencies(): IConstruct[] {
    return [];
  }
}
