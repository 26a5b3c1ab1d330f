/**
 * Building the plan of a stack from its construct tree: one resource per NutanixResource, ids are
 * construct paths, dependencies come from props and `node.addDependency()`, everything sorted, each
 * spec hashed into its generation; then every cross-resource rule runs and all issues are returned.
 * A resource another one absorbs (the pools and endpoint of a cluster through Palette, which its
 * PaletteCluster spec carries) is no resource of its own. The PCG and Palette rules are registered
 * here, where the tree is collected (the plan layer does not know them).
 */
import * as path from "node:path";
import { App } from "cdktf";
import type { IConstruct } from "constructs";
import { findStack } from "../constructs/internal";
import { NutanixResource } from "../constructs/resource";
import { generationOf, sortDeep } from "../plan/canonical";
import { parsePlan } from "../plan/load";
import { mapFilePaths, recordedPath } from "../plan/references";
import { registerPlanRule } from "../plan/rules";
import { validateResources } from "../plan/validate";
import { PLAN_API_VERSION, type Plan, type PlanResource } from "../schema/plan";
import { ValidationError, type ValidationIssue } from "../schema/validation";
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

/** The `project` of a NutanixStack (read structurally: the stack module imports this one). */
function projectOf(stack: IConstruct): string | undefined {
  const p: unknown = (stack as { project?: unknown }).project;
  return typeof p === "string" ? p : undefined;
}

/** Collects the plan of `stack` (a NutanixStack, of `project` when given) and checks it; never throws for bad programs. */
export function collectPlan(stack: IConstruct, project: string | undefined = projectOf(stack)): CollectedPlan {
  const issues: ValidationIssue[] = [];
  const members = stack.node
    .findAll()
    .filter(NutanixResource.isNutanixResource)
    .filter((r) => findStack(r) === stack);
  const absorbers = absorbersOf(members);
  const resources = members.filter((r) => !absorbers.has(r)).map((r) => toResource(stack, r, absorbers, issues));
  resources.sort((a, b) => byString(a.id, b.id));
  const plan = { apiVersion: PLAN_API_VERSION, kind: "Plan", metadata: { stack: stack.node.id, ...(project !== undefined ? { project } : {}) }, resources } as Plan;
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
  const spec = sortDeep(recordFilePaths(stack, r._renderSpec()));
  return { id: r.resourceId, kind: r._planKind(), dependsOn: [...deps].sort(byString), spec, generation: generationOf(spec) } as PlanResource;
}

/**
 * File references as the plan records them: a relative path the program wrote (relative to its working
 * directory, where cdktf runs it) becomes relative to the stack's synth directory, where the plan file
 * lies and Terraform runs the handler; the handler resolves it from the plan file's directory.
 */
function recordFilePaths<T>(stack: IConstruct, spec: T): T {
  let planDir: string;
  try {
    planDir = path.resolve(App.of(stack).outdir, "stacks", stack.node.id);
  } catch {
    return spec;
  }
  return mapFilePaths(spec, (p) => recordedPath(p, process.cwd(), planDir));
}

/**
 * The plan must parse against its own schema, which holds a plan file as untrusted input: construct ids
 * with whitespace or shell metacharacters (the props do not see ids) are refused here, at synth, with the
 * rule a plan file is held to.
 */
function selfCheck(plan: Plan): ValidationIssue[] {
  try {
    parsePlan(plan, plan.metadata.stack);
    return [];
  } catch (e) {
    if (!ValidationError.isValidationError(e)) throw e;
    return e.issues.map((i) => ({ ...i, message: `the plan would not pass the checks a plan file is held to: ${i.message}` }));
  }
}
