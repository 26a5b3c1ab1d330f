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
