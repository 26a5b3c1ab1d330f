/**
 * nutanix-palette-cdk: typed cdktf constructs for Kubernetes on Nutanix through Spectro Cloud Palette,
 * a deterministic plan, and the handler API that applies it. This root is what a program and its tests
 * use (at most 60 names); everything else is in a subpath: `nutanix-palette-cdk/stack`, `/constructs`,
 * `/plan`, `/schema`, `/render`, `/pcg`, `/handler`, `/prism`, `/emulator`, `/testing`.
 *
 * Importing the root loads neither the handler nor the Prism Central client nor the emulator: the
 * handler functions below load lib/handler on their first call.
 */
// SynthFileProducer and NodePoolData live in the /stack and /constructs subpaths (the root holds ≤ 60 names).
export { NutanixStack, type NutanixStackProps, type SynthFile, type ISynthFileProducer } from "./stack";
export {
  NutanixResource,
  PrismCentralAccount,
  NutanixCluster,
  NodePool,
  KubeVipEndpoint,
  PrivateCloudGateway,
  PaletteAccount,
  Credentials,
  Secret,
  Image,
  Subnet,
  PrismElementCluster,
  Project,
} from "./constructs";
export type {
  PrismCentralAccountProps,
  NutanixClusterProps,
  ControlPlaneProps,
  WorkerPoolProps,
  NodeNetworkProps,
  IpRangeProps,
  CapxExportProps,
  NodePoolProps,
  NodePoolOptions,
  AutoscalingProps,
  KubeVipEndpointProps,
  KubeVipEndpointOptions,
  BgpProps,
  BgpPeerProps,
  LeaderElectionProps,
  PrivateCloudGatewayProps,
  PaletteAccountProps,
  PaletteProps,
  ProxyProps,
  PcgHostPlacement,
  PcgHostClusterProps,
  PrivateCloudGatewayWithHostProps,
  NutanixMachineProps,
  EntityReference,
  GpuDevice,
  NodeTaint,
} from "./constructs";
export { ValidationError, type ValidationIssue } from "./schema/validation";
export type { Plan } from "./schema/plan";
export { PlanTemplate, Match } from "./testing";
export {
  applyPlan,
  planDiff,
  destroyPlan,
  validatePlan,
  HandlerInputError,
  type HandlerOptions,
  type ApplyOptions,
  type DestroyOptions,
  type PlanResult,
  type RunResult,
  type ResourceResult,
  type ResourceDiff,
} from "./handler-api";
