/**
 * The plan layer: plan data only. Canonical JSON and generations, loading and checking a plan file,
 * and the cross-resource rule engine (rules are registered by their owners; this layer's own rules are
 * in ./validate.ts). Nothing here imports constructs, the stack, render, pcg or the handler.
 */
export { canonicalJson, generationOf, sortDeep, stableStringify } from "./canonical";
export type { JsonValue } from "./canonical";
export { parsePlan, loadPlanFile, checkPlanIntegrity, findCycle, invalidUtf8Offset, jsonDepth } from "./load";
export { mapFilePaths, planReferences, recordedPath, resolveFilePaths, unresolvedReferences, type PlanReference } from "./references";
export { PlanIndex } from "./plan-index";
export { planRules, registerPlanRule, runPlanRules, type PlanRule } from "./rules";
export { validateResources, PLAN_RULES, MAX_HOSTNAME_LENGTH } from "./validate";
