/**
 * The plan document: a versioned, sorted, declarative list of resources, one per construct.
 * The JSON Schema in schema/plan.schema.json is generated from `Plan` (npm run schema).
 */
import { z } from "zod";
import { PrismCentralAccountSpec } from "./account";
import { KubeVipEndpointSpec } from "./kube-vip";
import { Labels } from "./kubernetes";
import { DnsLabel, PrismUuid } from "./net";
import { MachineSpec, MAX_CATEGORY_LENGTH, NodePoolSpec } from "./node-pool";
import { NutanixClusterSpec } from "./cluster";
import { PaletteAccountSpec } from "./palette-account";
import { PaletteClusterSpec, PalettePoolSpec } from "./palette-cluster";
import { MAX_POOL_REPLICAS } from "./kubeadm-rules";
export { MAX_POOL_REPLICAS };
import { PrivateCloudGatewaySpec } from "./pcg";
import { EnvSecret, EnvCredentials } from "./refs";

/** The plan format version. */
export const PLAN_API_VERSION = "nutanix-palette-cdk/v1alpha1";
/** The plan file name written beside cdk.tf.json. */
export const PLAN_FILE_NAME = "nutanix-plan.json";

/** Resource kinds, in the order a deploy applies them when nothing else orders them. */
export const RESOURCE_KINDS = ["PrismCentralAccount", "PaletteAccount", "KubeVipEndpoint", "NodePool", "NutanixCluster", "PrivateCloudGateway", "PaletteCluster"] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

/*
 * A plan file is input the handler did not write: someone may have edited it. Every string that reaches
 * a shell (the bridge's local-exec, install.sh), YAML (cloud-init, manifests) or a path is held here to
 * the rules the props hold it to (the same zod primitives), and free text to one line; numbers that size
 * work (replicas) have the upper bounds below. The spec schemas of each kind stay the structure; the plan
 * narrows their fields.
 */

/** Deepest nesting of arrays and objects a plan file may have. */
export const MAX_PLAN_DEPTH = 64;

/** Characters a shell gives meaning to, and whitespace; none may appear in an id. */
const SHELL_SPECIAL = /[\s`$\\"'";&|<>(){}[\]*?!#~^%]/;
/** C0 and C1 control characters (newline, carriage return, escape, …). */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** One line of text: no newline or other control character. */
const OneLine = (max: number, what: string) =>
  z
    .string({ error: `expected ${what}` })
    .min(1, { error: `expected ${what}, got an empty string` })
    .max(max, { error: `expected ${what} of at most ${max} characters` })
    .refine((v) => !CONTROL.test(v), { error: `expected ${what} on one line, without newline or control characters` });

/** A construct id: one line, no shell metacharacter, no `/`. */
const IdSegment = OneLine(255, "a construct id").refine((v) => !SHELL_SPECIAL.test(v) && !v.includes("/"), {
  error: "expected a construct id without whitespace, '/' or shell metacharacters (letters, digits, . _ - : @ + = ,)",
});

const ResourceId = OneLine(1024, "a resource id (the construct path)").refine((v) => !SHELL_SPECIAL.test(v) && v.split("/").every((p) => p !== ""), {
  error: "expected a resource id: construct ids joined by '/', without whitespace or shell metacharacters",
});

/** A file path of a reference (Credentials.fromFile, Secret.fromFile): one line, no NUL. */
const FilePath = OneLine(4096, "a file path");

/** A Prism entity by name (one line) or UUID. */
const PlanEntityRef = z.union([z.strictObject({ name: OneLine(256, "a Prism entity name") }), z.strictObject({ uuid: PrismUuid })], { error: "expected { name } or { uuid }" });

const PlanCredentials = z.discriminatedUnion("source", [EnvCredentials, z.strictObject({ source: z.literal("file"), path: FilePath })], {
  error: "expected Credentials.fromEnv(…) or Credentials.fromFile(…)",
});
const PlanSecret = z.discriminatedUnion("source", [EnvSecret, z.strictObject({ source: z.literal("file"), path: FilePath })], {
  error: "expected Secret.fromEnv(…) or Secret.fromFile(…)",
});

const PlanReplicas = z
  .number({ error: "expected replicas as a whole number" })
  .int({ error: "expected replicas as a whole number" })
  .min(0, { error: "expected replicas ≥ 0" })
  .max(MAX_POOL_REPLICAS, { error: `expected at most ${MAX_POOL_REPLICAS} replicas in one pool` });

const CategoryText = OneLine(MAX_CATEGORY_LENGTH, "a Prism category key or value");

const PlanMachine = MachineSpec.extend({
  image: PlanEntityRef,
  cluster: PlanEntityRef,
  subnets: z.array(PlanEntityRef).min(1).max(32),
  project: PlanEntityRef.optional(),
  additionalCategories: z.record(CategoryText, CategoryText),
});

const PlanNodePoolSpec = NodePoolSpec.extend({
  account: ResourceId,
  cluster: ResourceId,
  clusterName: DnsLabel,
  replicas: PlanReplicas,
  autoscaling: z.strictObject({ minReplicas: PlanReplicas, maxReplicas: PlanReplicas }).optional(),
  machine: PlanMachine,
  labels: Labels,
});

const PlanClusterSpec = NutanixClusterSpec.extend({
  account: ResourceId,
  endpoint: ResourceId,
  controlPlane: ResourceId,
  workers: z.array(ResourceId),
});

const PlanKubeVipSpec = KubeVipEndpointSpec.extend({
  account: ResourceId,
  clusterName: DnsLabel,
  interface: z.string().min(1).max(15, { error: "expected a network interface name of at most 15 characters" }).regex(/^[A-Za-z0-9_.:-]+$/, { error: "expected a network interface name such as eth0 or ens3" }).optional(),
  bgp: KubeVipEndpointSpec.shape.bgp.unwrap().extend({
    peers: z.array(KubeVipEndpointSpec.shape.bgp.unwrap().shape.peers.element.extend({ password: PlanSecret.optional() })),
  }).optional(),
  subnet: PlanEntityRef.optional(),
  peCluster: PlanEntityRef.optional(),
});

const PlanAccountSpec = PrismCentralAccountSpec.extend({
  credentials: PlanCredentials,
  paletteProject: OneLine(256, "a Palette project name").optional(),
});

const PlanGatewaySpec = PrivateCloudGatewaySpec.extend({
  account: ResourceId,
  hostCluster: ResourceId,
  palette: PrivateCloudGatewaySpec.shape.palette.extend({ project: OneLine(256, "a Palette project name"), apiKey: PlanSecret }),
  proxy: PrivateCloudGatewaySpec.shape.proxy.unwrap().extend({
    // One line each; what an entry may be (one host, domain or CIDR) is the PCG rule's to report.
    noProxy: z.array(OneLine(253, "a no-proxy entry")),
  }).optional(),
});
const PlanPaletteAccountSpec = PaletteAccountSpec.extend({ apiKey: PlanSecret });

const PlanPalettePool = PalettePoolSpec.extend({ replicas: PlanReplicas, autoscaling: z.strictObject({ minReplicas: PlanReplicas, maxReplicas: PlanReplicas }).optional(), machine: PlanMachine });

const PlanPaletteClusterSpec = PaletteClusterSpec.extend({
  account: ResourceId,
  paletteAccount: ResourceId,
  gateway: ResourceId,
  controlPlane: PlanPalettePool,
  workers: z.array(PlanPalettePool),
});

const Generation = z.string().regex(/^[0-9a-f]{64}$/, { error: "expected a generation: the SHA-256 hex of the canonical spec" });

const resource = <K extends ResourceKind, S extends z.ZodType>(kind: K, spec: S) =>
  z.strictObject({ id: ResourceId, kind: z.literal(kind), dependsOn: z.array(ResourceId), spec, generation: Generation });

export const PrismCentralAccountResource = resource("PrismCentralAccount", PlanAccountSpec);
export const KubeVipEndpointResource = resource("KubeVipEndpoint", PlanKubeVipSpec);
export const NodePoolResource = resource("NodePool", PlanNodePoolSpec);
export const NutanixClusterResource = resource("NutanixCluster", PlanClusterSpec);
export const PrivateCloudGatewayResource = resource("PrivateCloudGateway", PlanGatewaySpec);
export const PaletteAccountResource = resource("PaletteAccount", PlanPaletteAccountSpec);
export const PaletteClusterResource = resource("PaletteCluster", PlanPaletteClusterSpec);

/** One resource of a plan. */
export const PlanResource = z.discriminatedUnion("kind", [
  PrismCentralAccountResource,
  KubeVipEndpointResource,
  NodePoolResource,
  NutanixClusterResource,
  PrivateCloudGatewayResource,
  PaletteAccountResource,
  PaletteClusterResource,
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
    stack: IdSegment,
    /**
     * The program's project: with the stack, the identity `<project>/<stack>` Prism Central entities are
     * owned by. Absent in plans written before it existed: those belong to {@link LEGACY_PROJECT}.
     */
    project: ProjectName.optional(),
  }),
  resources: z.array(PlanResource),
});
export type Plan = z.infer<typeof Plan>;
