/**
 * A cluster provisioned through Palette: Palette drives Cluster API Provider Nutanix (CAPX) through a
 * Private Cloud Gateway, from a cluster profile and from the cloud config and machine pool templates
 * the handler renders out of this spec. The handler creates none of its VMs.
 *
 * Sources: the custom-cloud cluster API of Palette (palette-sdk-go api/spec/palette-apis-spec.json,
 * `v1SpectroCustomClusterEntity`, `v1CustomMachinePoolBaseConfigEntity`) and Spectro Cloud's Terraform
 * provider (terraform-provider-spectrocloud, `resource_cluster_custom_cloud.go`, whose `machine_pool`
 * has `control_plane_as_worker`).
 */
import { z } from "zod";
import { KubeVipEndpointSpec } from "./kube-vip";
import { Labels, Taint } from "./kubernetes";
import { CidrV4, DnsLabel, IPv4, KubernetesVersion } from "./net";
import { MachineSpec } from "./node-pool";
import { IpRange } from "./cluster";

/** A Palette cluster profile as it appears in a plan: by name, and a version when one is pinned. */
export const PaletteProfile = z.strictObject({
  name: z.string().min(1).max(256),
  version: z.string().min(1).max(64).optional(),
});
export type PaletteProfile = z.infer<typeof PaletteProfile>;

/**
 * What a user writes for the profile: its name, or `{ name, version }`. Palette's profiles carry a
 * name and a version (`v1ClusterProfileMetadata.spec.version`, listed by
 * `GET /v1/dashboard/clusterprofiles/metadata`); without a version the handler picks by name alone.
 */
export const PaletteProfileInput = z
  .union([
    z.string().min(1, { error: "expected a cluster profile name" }).max(256, { error: "expected a cluster profile name of at most 256 characters" }),
    z.strictObject({
      name: z.string().min(1, { error: "expected a cluster profile name" }).max(256, { error: "expected a cluster profile name of at most 256 characters" }),
      version: z.string().min(1, { error: "expected a profile version such as 1.0.0" }).max(64, { error: "expected a profile version of at most 64 characters" }).optional(),
    }),
  ], { error: "expected a cluster profile name, or { name, version }" })
  .transform((v): PaletteProfile => (typeof v === "string" ? { name: v } : v));

/** The data part of a cluster's `palette` prop (the gateway and the account are constructs). */
export const PaletteProvisioningPropsSchema = z.strictObject({
  profile: PaletteProfileInput,
  controlPlaneAsWorker: z.boolean({ error: "expected true or false" }).default(false),
});

const Replicas = z.number().int().min(0);

/** A machine pool of a Palette cluster: what its pool template is rendered from. */
export const PalettePoolSpec = z.strictObject({
  name: DnsLabel,
  replicas: Replicas,
  autoscaling: z.strictObject({ minReplicas: Replicas, maxReplicas: Replicas }).optional(),
  machine: MachineSpec,
  labels: Labels,
  taints: z.array(Taint),
});
export type PalettePoolSpec = z.infer<typeof PalettePoolSpec>;

/** The kube-vip endpoint of a Palette cluster: a KubeVipEndpoint spec without its account and cluster name. */
export const PaletteEndpointSpec = KubeVipEndpointSpec.omit({ account: true, clusterName: true });
export type PaletteEndpointSpec = z.infer<typeof PaletteEndpointSpec>;

/** A cluster through Palette in a plan (kind `PaletteCluster`). */
export const PaletteClusterSpec = z.strictObject({
  /** The PrismCentralAccount resource the VMs go in: the gateway's, whose cloud account Palette uses. */
  account: z.string(),
  /** The PaletteAccount resource (endpoint, project, API key). */
  paletteAccount: z.string(),
  /** The PrivateCloudGateway resource through which Palette reaches Prism Central. */
  gateway: z.string(),
  /** The cluster profile. */
  profile: PaletteProfile,
  /** The cluster name in Palette (and the `${CLUSTER_NAME}` of the templates). */
  name: DnsLabel,
  kubernetesVersion: KubernetesVersion,
  endpoint: PaletteEndpointSpec,
  /** The control-plane pool (`isControlPlane: true`). */
  controlPlane: PalettePoolSpec,
  /** Palette's `useControlPlaneAsWorker`: the control-plane nodes also run workloads. */
  controlPlaneAsWorker: z.boolean(),
  /** Worker pools, sorted by name. */
  workers: z.array(PalettePoolSpec),
  podCidr: CidrV4,
  serviceCidr: CidrV4,
  nodeNetwork: z.strictObject({ cidr: CidrV4, gateway: IPv4.optional(), ipPool: z.array(IpRange) }).optional(),
});
export type PaletteClusterSpec = z.infer<typeof PaletteClusterSpec>;
