/**
 * The `palette` prop of a NutanixCluster: the cluster is provisioned through Palette (via a Private
 * Cloud Gateway and Cluster API Provider Nutanix) instead of by the handler. Its props, the check of
 * the prop, and the PaletteCluster spec rendered from a cluster and its pools.
 */
import type { IConstruct } from "constructs";
import type { z } from "zod";
import type { NutanixClusterSpec } from "../schema/cluster";
import type { PaletteClusterSpec, PalettePoolSpec } from "../schema/palette-cluster";
import { PaletteProvisioningPropsSchema } from "../schema/palette-cluster";
import { issuesFromZod, type ValidationIssue } from "../schema/validation";
import { describeValue, isPropsObject, type AssertTrue, type MutuallyAssignable } from "./internal";
import type { KubeVipEndpoint } from "./kube-vip-endpoint";
import type { NodePool } from "./node-pool";
import { PaletteAccount } from "./palette-account";
import type { PrismCentralAccount } from "./prism-central-account";
import type { PrivateCloudGateway } from "./private-cloud-gateway";
import { resourceProp } from "./resource";

/** A Palette cluster profile pinned to a version. */
export interface PaletteProfileProps {
  /** The profile name. */
  readonly name: string;
  /**
   * The profile version.
   * @default - the profile of that name (the handler fails when Palette has several versions)
   */
  readonly version?: string;
}

/** How a NutanixCluster is provisioned through Palette. */
export interface PaletteProvisioningProps {
  /** The gateway through which Palette reaches Prism Central; its account must be the cluster's. */
  readonly gateway: PrivateCloudGateway;
  /** The cluster profile (cloud type `nutanix`): its name, or `{ name, version }`. */
  readonly profile: string | PaletteProfileProps;
  /**
   * The Palette account; must be the gateway's.
   * @default - the gateway's PaletteAccount
   */
  readonly account?: PaletteAccount;
  /**
   * Let the control-plane nodes run workloads too (Palette's `useControlPlaneAsWorker`).
   * @default false
   */
  readonly controlPlaneAsWorker?: boolean;
}

/** Compile-time check: the Props interface (its data part) and the schema's input agree. */
export type _PaletteProvisioningPropsCheck = AssertTrue<MutuallyAssignable<Omit<PaletteProvisioningProps, "gateway" | "account">, z.input<typeof PaletteProvisioningPropsSchema>>>;

/** A checked `palette` prop. */
export interface PaletteProvisioning {
  readonly gateway: PrivateCloudGateway;
  readonly account: PaletteAccount;
  readonly data: z.output<typeof PaletteProvisioningPropsSchema>;
}

/** Checks a cluster's `palette` prop; every problem is returned (field `palette.…`), none thrown. */
export function checkPaletteProvisioning(path: string, value: unknown): { palette?: PaletteProvisioning; issues: ValidationIssue[] } {
  if (value === undefined) return { issues: [] };
  if (!isPropsObject(value)) {
    return { issues: [{ path, field: "palette", message: `expected { gateway: <PrivateCloudGateway>, profile: "<cluster profile name>" }, got ${describeValue(value)}` }] };
  }
  const { gateway, account, ...rest } = value;
  const issues: ValidationIssue[] = [];
  const gatewayProblem = resourceProp("PrivateCloudGateway")(gateway);
  if (gatewayProblem) issues.push({ path, field: "palette.gateway", message: gatewayProblem });
  if (account !== undefined && !PaletteAccount.isPaletteAccount(account)) {
    issues.push({ path, field: "palette.account", message: `expected a PaletteAccount construct, got ${describeValue(account)}` });
  }
  const parsed = PaletteProvisioningPropsSchema.safeParse(rest, { reportInput: true });
  if (!parsed.success) issues.push(...issuesFromZod(path, parsed.error, ["palette"]));
  const pcg = gatewayProblem ? undefined : (gateway as PrivateCloudGateway);
  const resolved = PaletteAccount.isPaletteAccount(account) ? account : pcg?.paletteAccount;
  if (pcg && account === undefined && !resolved) {
    issues.push({
      path,
      field: "palette.account",
      message: `expected a PaletteAccount: gateway ${pcg.node.path} has inline Palette settings, so build it with palette: <PaletteAccount> (or set palette.account to the account it registers with)`,
    });
  }
  if (issues.length > 0 || !parsed.success || !pcg || !resolved) return { issues };
  return { palette: { gateway: pcg, account: resolved, data: parsed.data }, issues };
}

/** What a PaletteCluster spec is rendered from. */
export interface PaletteClusterParts {
  readonly account: PrismCentralAccount;
  readonly palette: PaletteProvisioning;
  readonly cluster: Omit<NutanixClusterSpec, "account" | "endpoint" | "controlPlane" | "workers">;
  readonly endpoint: KubeVipEndpoint;
  readonly controlPlane: NodePool;
  readonly workers: readonly NodePool[];
}

function poolSpec(p: NodePool): PalettePoolSpec {
  const d = p.data;
  return { name: d.name, replicas: d.replicas, ...(d.autoscaling ? { autoscaling: d.autoscaling } : {}), machine: d.machine, labels: d.labels, taints: d.taints };
}

const byName = (a: PalettePoolSpec, b: PalettePoolSpec) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** The PaletteCluster spec of a cluster through Palette. */
export function paletteClusterSpec(parts: PaletteClusterParts): PaletteClusterSpec {
  const { account: _account, clusterName: _clusterName, ...endpoint } = parts.endpoint._renderSpec();
  const c = parts.cluster;
  return {
    account: parts.account.resourceId,
    paletteAccount: parts.palette.account.resourceId,
    gateway: parts.palette.gateway.resourceId,
    profile: parts.palette.data.profile,
    name: c.name,
    kubernetesVersion: c.kubernetesVersion,
    endpoint,
    controlPlane: poolSpec(parts.controlPlane),
    controlPlaneAsWorker: parts.palette.data.controlPlaneAsWorker,
    workers: parts.workers.map(poolSpec).sort(byName),
    podCidr: c.podCidr,
    serviceCidr: c.serviceCidr,
    ...(c.nodeNetwork ? { nodeNetwork: c.nodeNetwork } : {}),
  };
}

/** The constructs a cluster through Palette depends on: the Prism account, the gateway and the Palette account. */
export function paletteDependencies(account: PrismCentralAccount, palette: PaletteProvisioning): IConstruct[] {
  return [account, palette.gateway, palette.account];
}
