export { canonicalJson, generationOf, sortDeep, stableStringify } from "./canonical";
export type { JsonValue } from "./canonical";
export { parsePlan, loadPlanFile, checkPlanIntegrity, findCycle } from "./load";
export { collectPlan } from "./collect";
export type { CollectedPlan } from "./collect";
export { validateResources, CROSS_RESOURCE_RULES, MAX_HOSTNAME_LENGTH } from "./validate";
export { APPLY_COMMAND, DESTROY_COMMAND, HANDLER_ENV, TRIGGER_KEYS, logicalIds } from "./bridge";
