/**
 * nutanix-palette-cdk: typed cdktf constructs for Kubernetes on Nutanix through Spectro Cloud Palette,
 * a deterministic plan, and the Terraform bridge that runs the handler.
 */
export * from "./schema";
export * from "./constructs";
export * from "./plan";
export { PlanTemplate, Match } from "./testing";
export * from "./render";
export * from "./pcg";
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
} from "./handler";
export { startEmulator, type EmulatorOptions, type RunningEmulator } from "./emulator";
export { PrismClient, type PrismClientOptions } from "./prism";
