/**
 * PlanTemplate: assertions over a synthesized plan, in the style of aws-cdk-lib's `Template`.
 * Failures name the closest candidates and show the fields that differ.
 */
import type { IConstruct } from "constructs";
import { stableStringify } from "../plan/canonical";
import { parsePlan } from "../plan/load";
import type { Plan, PlanResource, ResourceKind, ResourceOfKind } from "../schema/plan";
import { matchPartial, show, type MatchResult } from "./match";

/** Anything with a `toPlan()`, such as a NutanixStack. */
export interface IPlanSource extends IConstruct {
  toPlan(): Plan;
}

/** How many candidates a failure message shows. */
const CANDIDATES_SHOWN = 3;

/** Assertions over a plan. */
export class PlanTemplate {
  /** The plan of a stack (runs every validation; throws ValidationError when the stack is invalid). */
  public static fromStack(stack: IPlanSource): PlanTemplate {
    return new PlanTemplate(stack.toPlan());
  }

  /** A plan object or parsed `nutanix-plan.json` (checked against the schema). */
  public static fromPlan(plan: unknown): PlanTemplate {
    return new PlanTemplate(parsePlan(plan, "plan"));
  }

  private constructor(private readonly plan: Plan) {}

  /** Every resource of `kind` whose spec matches `partialSpec` (all of them without it). */
  public findResources<K extends ResourceKind>(kind: K, partialSpec?: unknown): ResourceOfKind<K>[] {
    return this.ofKind(kind).filter((r) => partialSpec === undefined || matchPartial(partialSpec, r.spec).mismatches.length === 0);
  }

  /** Asserts that some resource of `kind` has a spec matching `partialSpec`. */
  public hasResource(kind: ResourceKind, partialSpec: unknown): void {
    const candidates = this.ofKind(kind);
    const results = candidates.map((r) => ({ r, m: matchPartial(partialSpec, r.spec) }));
    if (results.some((x) => x.m.mismatches.length === 0)) return;
    throw new Error(failureMessage(kind, partialSpec, results));
  }

  /** Asserts that the plan has exactly `count` resources of `kind`. */
  public resourceCountIs(kind: ResourceKind, count: number): void {
    const found = this.ofKind(kind);
    if (found.length !== count) {
      const ids = found.map((r) => r.id);
      throw new Error(`Expected ${count} ${kind} resource${count === 1 ? "" : "s"} but found ${found.length}${ids.length ? `: ${ids.join(", ")}` : ""}`);
    }
  }

  /** Asserts that a resource with this id exists and returns it. */
  public getResource(id: string): PlanResource {
    const r = this.plan.resources.find((x) => x.id === id);
    if (!r) throw new Error(`Expected a resource with id ${JSON.stringify(id)}; the plan has ${this.plan.resources.map((x) => x.id).join(", ") || "no resources"}`);
    return r;
  }

  /** The plan, for snapshots. */
  public toJSON(): Plan {
    return JSON.parse(stableStringify(this.plan)) as Plan;
  }

  private ofKind<K extends ResourceKind>(kind: K): ResourceOfKind<K>[] {
    return this.plan.resources.filter((r): r is ResourceOfKind<K> => r.kind === kind);
  }
}

function failureMessage(kind: ResourceKind, expected: unknown, results: { r: PlanResource; m: MatchResult }[]): string {
  const head = `Expected a ${kind} resource with a spec matching\n  ${show(expected)}\n`;
  if (results.length === 0) return `${head}but the plan has no ${kind} resources`;
  const closest = [...results].sort((a, b) => b.m.matched - a.m.matched || a.m.mismatches.length - b.m.mismatches.length || (a.r.id < b.r.id ? -1 : 1)).slice(0, CANDIDATES_SHOWN);
  const lines = closest.map(({ r, m }) => {
    const diff = m.mismatches.map((d) => `      ${d.path || "(spec)"}: expected ${d.expected}, got ${d.actual}`).join("\n");
    return `  ${r.id} (${m.matched} of ${m.total} fields match)\n${diff}`;
  });
  return `${head}but none of the ${results.length} ${kind} resource${results.length === 1 ? "" : "s"} matches. Closest:\n${lines.join("\n")}`;
}
