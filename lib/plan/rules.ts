/**
 * The cross-resource rule engine: a registry of named rules over a plan's resources. The plan layer
 * registers its own rules (names, addresses, cycles); a layer above registers the rules it owns (the
 * stack registers Palette's PCG requirements), so this layer never imports them. Rules are pure, return
 * every issue and throw none; they run in a fixed order, so issues come out in a deterministic order.
 */
import type { PlanResource } from "../schema/plan";
import type { ValidationIssue } from "../schema/validation";
import { PlanIndex } from "./plan-index";

/** One cross-resource rule: a name (unique in the registry) and a pure check. */
export interface PlanRule {
  /** A unique name, e.g. `uniqueClusterNames` or `pcg.gatewayRequirements`. */
  readonly name: string;
  /** Every problem the rule finds in the plan, each naming the resource id and field. */
  readonly check: (ix: PlanIndex) => ValidationIssue[];
  /**
   * `last`: runs after every other rule (the cycle check, whose message is the least specific).
   * @default "normal"
   */
  readonly phase?: "normal" | "last";
}

const registry = new Map<string, PlanRule>();

/**
 * Registers a rule; registering the same rule object again is a no-op, so a module can register on
 * load. Rules run in registration order, `last` rules after every other.
 * @throws Error when another rule already has this name (two owners of one name is a bug)
 */
export function registerPlanRule(rule: PlanRule): void {
  const existing = registry.get(rule.name);
  if (existing === rule) return;
  if (existing) throw new Error(`plan rule ${JSON.stringify(rule.name)} is registered twice`);
  registry.set(rule.name, rule);
}

/** The registered rules, in the order they run. */
export function planRules(): readonly PlanRule[] {
  const all = [...registry.values()];
  return [...all.filter((r) => r.phase !== "last"), ...all.filter((r) => r.phase === "last")];
}

/** Runs `rules` (every registered rule by default) on the resources of a plan; returns all issues. */
export function runPlanRules(resources: readonly PlanResource[], rules: readonly PlanRule[] = planRules()): ValidationIssue[] {
  const ix = new PlanIndex(resources);
  return rules.flatMap((rule) => rule.check(ix));
}
