/**
 * The plan document: a versioned, sorted, declarative list of resources, one per construct.
 * The JSON Schema in schema/plan.schema.json is generated from `Plan` (npm run schema).
 */
import { z } from "zod";
import { PrismCentralAccountSpec } from "./account";
import { DnsLabel } from "./net";
import { KubeVipEndpointSpec } from "./kube-vip";
import { NodePoolSpec } from "./node-pool";
import { NutanixClusterSpec } from "./cluster";
import { PrivateCloudGatewaySpec } from "./pcg";

/** The plan format version. */
export const PLAN_API_VERSION = "nutanix-palette-cdk/v1alpha1";
/** The plan file name written beside cdk.tf.json. */
export const PLAN_FILE_NAME = "nutanix-plan.json";

/** Resource kinds, in the order a deploy applies them when nothing else orders them. */
export const RESOURCE_KINDS = ["PrismCentralAccount", "KubeVipEndpoint", "NodePool", "NutanixCluster", "PrivateCloudGateway"] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

const ResourceId = z.string().min(1, { error: "expected a resource id (the construct path)" });
const Generation = z.string().regex(/^[0-9a-f]{64}$/, { error: "expected a generation: the SHA-256 hex of the canonical spec" });

const resource = <K extends ResourceKind, S extends z.ZodType>(kind: K, spec: S) =>
  z.strictObject({ id: ResourceId, kind: z.literal(kind), dependsOn: z.array(ResourceId), spec, generation: Generation });

export const PrismCentralAccountResource = resource("PrismCentralAccount", PrismCentralAccountSpec);
export const KubeVipEndpointResource = resource("KubeVipEndpoint", KubeVipEndpointSpec);
export const NodePoolResource = resource("NodePool", NodePoolSpec);
export const NutanixClusterResource = resource("NutanixCluster", NutanixClusterSpec);
export const PrivateCloudGatewayResource = resource("PrivateCloudGateway", PrivateCloudGatewaySpec);

/** One resource of a plan. */
export const PlanResource = z.discriminatedUnion("kind", [
  PrismCentralAccountResource,
  KubeVipEndpointResource,
  NodePoolResource,
  NutanixClusterResource,
  PrivateCloudGatewayResource,
], { error: `expected kind to be one of ${RESOURCE_KINDS.join(", ")}` });
export type PlanResource = z.infer<typeof PlanResource>;

/** Maps each kind to its resource type. */
export type ResourceOfKind<K extends ResourceKind> = Extract<PlanResource, { kind: K }>;

/** A project name: an RFC 1123 label (it reaches category values, lock keys and messages). */
export const ProjectName = DnsLabel;

/** The project of a plan without `metadata.project` (written before projects existed). */
export const LEGACY_PROJECT = "default";

/** The plan document. */
export const Plan = z.strictObject({
  apiVersion: z.literal(PLAN_API_VERSION, { error: `expected apiVersion ${PLAN_API_VERSION}` }),
  kind: z.literal("Plan", { error: "expected kind Plan" }),
  metadata: z.strictObject({
    stack: z.string().min(1),
    /**
     * The program's project: with the stack, the identity `<project>/<stack>` Prism Central entities are
     * owned by. Absent in plans written before it existed: those belong to {@link LEGACY_PROJECT}.
     */
    project: ProjectName.optional(),
  }),
  resources: z.array(PlanResource),
});
export type Plan = z.infer<typeof Plan>;
