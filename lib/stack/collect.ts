/**
 * Building the plan of a stack from its construct tree: one resource per NutanixResource, ids are
 * construct paths, dependencies come from props and `node.addDependency()`, everything sorted, each
 * spec hashed into its generation; then every cross-resource rule runs and all issues are returned.
 * A resource another one absorbs (the pools and endpoint of a cluster through Palette, which its
 * PaletteCluster spec carries) is no resource of its own. The PCG and Palette rules are registered
 * here, where the tree is collected (the plan layer does not know them).
 */
import type { IConstruct } from "constructs";
import { findStack } from "../constructs/internal";
import { NutanixResource } from "../constructs/resource";
import { generationOf, sortDeep } from "../plan/canonical";
import { checkPlanIntegrity } from "../plan/load";
import { registerPlanRule } from "../plan/rules";
import { validateResources } from "../plan/validate";
import { Plan, PLAN_API_VERSION, type PlanResource } from "../schema/plan";
import { issuesFromZod, type ValidationIssue } from "../schema/validation";
import { PALETTE_PLAN_RULES } from "./palette-rules";
import { PCG_PLAN_RULE } from "./pcg-rule";

registerPlanRule(PCG_PLAN_RULE);
PALETTE_PLAN_RULES.forEach(registerPlanRule);

/** The result of collecting a stack: the plan, and every problem found (the plan is unusable if any). */
export interface CollectedPlan {
  readonly plan: Plan;
  readonly issues: readonly ValidationIssue[];
}

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Maps a resource absorbed into another's spec (a Palette cluster's pools) to the resource that carries it. */
type Absorbers = ReadonlyMap<NutanixResource, NutanixResource>;

function absorbersOf(members: readonly NutanixResource[]): Absorbers {
  const out = new Map<NutanixResource, NutanixResource>();
  for (const r of members) for (const a of r._absorbedResources()) if (a !== r) out.set(a, r);
  return out;
}

/** The plan resources a dependency construct stands for: itself (or what absorbs it), or every resource under it. */
function resourcesOf(c: IConstruct, absorbers: Absorbers): NutanixResource[] {
  const all = NutanixResource.isNutanixResource(c) ? [c] : c.node.findAll().filter(NutanixResource.isNutanixResource);
  return [...new Set(all.map((r) => absorbers.get(r) ?? r))];
}

/** The id of a stack-like construct for messages. */
function stackName(c: IConstruct | undefined): string {
  return c ? JSON.stringify(c.node.path) : "(none)";
}

/** Collects the plan of `stack` (a NutanixStack) and checks it; never throws for bad programs. */
export function collectPlan(stack: IConstruct): CollectedPlan {
  const issues: ValidationIssue[] = [];
  const members = stack.node
    .findAll()
    .filter(NutanixResource.isNutanixResource)
    .filter((r) => findStack(r) === stack);
  const absorbers = absorbersOf(members);
  const resources = members.filter((r) => !absorbers.has(r)).map((r) => toResource(stack, r, absorbers, issues));
  resources.sort((a, b) => byString(a.id, b.id));
  const plan = { apiVersion: PLAN_API_VERSION, kind: "Plan", metadata: { stack: stack.node.id }, resources } as Plan;
  issues.push(...validateResources(resources));
  if (issues.length === 0) issues.push(...selfCheck(plan));
  return { plan, issues };
}

function toResource(stack: IConstruct, r: NutanixResource, absorbers: Absorbers, issues: ValidationIssue[]): PlanResource {
  const deps = new Set<string>();
  const direct = [...r._propDependencies(), ...r.node.dependencies, ...r._absorbedResources().flatMap((a) => a.node.dependencies)];
  for (const dep of direct.flatMap((c) => resourcesOf(c, absorbers))) {
    if (dep === r) continue;
    const depStack = findStack(dep);
    if (depStack !== stack) {
      issues.push({
        path: r.node.path,
        field: "",
        message: `expected ${dep._planKind()} ${dep.node.path} in this stack ${stackName(stack)}, but it belongs to stack ${stackName(depStack)}: a stack's resources may only use accounts, clusters and pools of the same stack`,
      });
      continue;
    }
    deps.add(dep.resourceId);
  }
  const spec = sortDeep(r._renderSpec());
  return { id: r.resourceId, kind: r._planKind(), dependsOn: [...deps].sort(byString), spec, generation: generationOf(spec) } as PlanResource;
}

/** The plan must parse against its own schema; a failure here is a bug of this library, reported as such. */
function selfCheck(plan: Plan): ValidationIssue[] {
  const parsed = Plan.safeParse(plan);
  if (!parsed.success) {
    return issuesFromZod(plan.metadata.stack, parsed.error).map((i) => ({ ...i, message: `internal error, the plan does not match its schema: ${i.message}` }));
  }
  return checkPlanIntegrity(plan);
}
