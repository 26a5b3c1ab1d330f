/**
 * The stack layer: NutanixStack (a cdktf TerraformStack), the construct-tree collection into a plan,
 * and the cdktf bridge (one null_resource per plan resource running `nutanix-handler`).
 */
export { NutanixStack } from "./nutanix-stack";
export type { NutanixStackProps } from "./nutanix-stack";
export { isSynthFileProducer } from "../constructs/synth-file";
export type { SynthFile, SynthFileProducer, ISynthFileProducer } from "../constructs/synth-file";
export { collectPlan } from "./collect";
export type { CollectedPlan } from "./collect";
export { PCG_PLAN_RULE } from "./pcg-rule";
export { PALETTE_PLAN_RULES } from "./palette-rules";
export {
  APPLY_COMMAND,
  BRIDGE_CONSTRUCT_ID,
  DESTROY_COMMAND,
  HANDLER_ENV,
  HANDLER_SCRIPT,
  PACKAGE_NAME,
  TRIGGER_KEYS,
  configureStack,
  defaultHandlerPath,
  emitBridge,
  logicalIds,
  packageRoot,
  stackOutdir,
} from "./bridge";
export type { BridgeOptions, TriggerKey } from "./bridge";
