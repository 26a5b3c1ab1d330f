/**
 * Palette's Private Cloud Gateway requirements (lib/pcg/rules.ts) as a cross-resource plan rule, for
 * every gateway of the plan. The stack owns this registration: the plan layer below it does not know
 * about the PCG, and the rule runs wherever a construct tree is collected into a plan.
 */
import { pcgRules } from "../pcg/rules";
import type { PlanRule } from "../plan/rules";
import { PLAN_API_VERSION, type Plan } from "../schema/plan";

/** Every PrivateCloudGateway of the plan checked against Palette's PCG requirements. */
export const PCG_PLAN_RULE: PlanRule = {
  name: "pcg.gatewayRequirements",
  check: (ix) => {
    const plan: Plan = { apiVersion: PLAN_API_VERSION, kind: "Plan", metadata: { stack: "" }, resources: [...ix.resources] };
    return ix.all("PrivateCloudGateway").flatMap((g) => pcgRules(plan, g.id));
  },
};
