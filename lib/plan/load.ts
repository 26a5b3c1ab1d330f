/**
 * Reading a plan: parse against the schema, then check what the schema cannot (unique sorted ids,
 * known dependencies, generations that match their specs, no cycles). Every problem is reported at once
 * and nothing is sent to Prism Central for a plan that fails here.
 */
import { readFileSync } from "node:fs";
import { MAX_PLAN_DEPTH, Plan, type PlanResource } from "../schema/plan";
import { issuesFromZod, ValidationError, type ValidationIssue } from "../schema/validation";
import { generationOf } from "./canonical";

/** Checks the rules between resources of a parsed plan; returns the issues found. */
export function checkPlanIntegrity(plan: Plan): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const ids = new Set<string>();
  let previous = "";
  for (const r of plan.resources) {
    if (ids.has(r.id)) issues.push({ path: r.id, field: "id", message: "expected unique resource ids, this one is repeated" });
    if (r.id < previous) issues.push({ path: r.id, field: "id", message: `expected resources sorted by id, found after ${previous}` });
    ids.add(r.id);
    previous = r.id;
    const g = generationOf(r.spec);
    if (g !== r.generation) issues.push({ path: r.id, field: "generation", message: `expected ${g} (SHA-256 of the canonical spec), got ${r.generation}: the plan was edited by hand` });
  }
  for (const r of plan.resources) {
    r.dependsOn.forEach((d, i) => {
      if (!ids.has(d)) issues.push({ path: r.id, field: `dependsOn[${i}]`, message: `expected the id of a resource in this plan, got ${JSON.stringify(d)}` });
    });
  }
  const cycle = findCycle(plan.resources);
  if (cycle?.[0] !== undefined) issues.push({ path: cycle[0], field: "dependsOn", message: `expected no dependency cycle, found ${cycle.join(" → ")}` });
  return issues;
}

/** Finds one dependency cycle, as the list of ids around it, or undefined. */
export function findCycle(resources: readonly Pick<PlanResource, "id" | "dependsOn">[]): string[] | undefined {
  const deps = new Map(resources.map((r) => [r.id, r.dependsOn]));
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    const s = state.get(id);
    if (s === 2) return undefined;
    if (s === 1) return [...stack.slice(stack.indexOf(id)), id];
    state.set(id, 1);
    stack.push(id);
    for (const d of deps.get(id) ?? []) {
      if (!deps.has(d)) continue;
      const c = visit(d);
      if (c) return c;
    }
    stack.pop();
    state.set(id, 2);
    return undefined;
  };
  for (const id of [...deps.keys()].sort()) {
    const c = visit(id);
    if (c) return c;
  }
  return undefined;
}

/** Parses and checks a plan object; throws ValidationError listing every problem. */
export function parsePlan(data: unknown, source = "plan"): Plan {
  const result = Plan.safeParse(data, { reportInput: true });
  if (!result.success) {
    const issues = result.error.issues.flatMap((issue) => {
      const [first, index] = issue.path;
      const resources = (data as { resources?: { id?: unknown }[] } | null)?.resources;
      const id = first === "resources" && typeof index === "number" && Array.isArray(resources) && typeof resources[index]?.id === "string" ? String(resources[index].id) : source;
      const prefix = first === "resources" && typeof index === "number" ? issue.path.slice(2) : issue.path;
      return issuesFromZod(id, [{ ...issue, path: prefix }]);
    });
    throw new ValidationError(issues, `${source} does not match the plan schema`);
  }
  const issues = checkPlanIntegrity(result.data);
  if (issues.length > 0) throw new ValidationError(issues, `${source} is inconsistent`);
  return result.data;
}

/**
 * The deepest nesting of arrays and objects in JSON text (brackets inside strings do not count); stops
 * counting once past `limit`, so a hostile file costs one pass and no recursion.
 */
export function jsonDepth(text: string, limit: number = Number.MAX_SAFE_INTEGER): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > max) max = depth;
      if (max > limit) return max;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}

/** The byte offset of the first byte sequence that is not UTF-8, or -1 when all of it is. */
export function invalidUtf8Offset(bytes: Uint8Array): number {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return -1;
  } catch {
    const again = Buffer.from(Buffer.from(bytes).toString("utf8"), "utf8");
    let i = 0;
    while (i < bytes.length && i < again.length && bytes[i] === again[i]) i++;
    return i;
  }
}

/** Decodes a plan file's bytes: UTF-8 (a BOM is dropped), at most MAX_PLAN_DEPTH levels deep. */
function planText(file: string, bytes: Buffer): string {
  const bad = invalidUtf8Offset(bytes);
  if (bad >= 0) throw new ValidationError([{ path: file, field: "", message: `expected UTF-8 text, found an invalid byte sequence at byte ${bad}` }], `${file} is not UTF-8`);
  const text = bytes.toString("utf8").replace(/^\uFEFF/, "");
  const depth = jsonDepth(text, MAX_PLAN_DEPTH);
  if (depth > MAX_PLAN_DEPTH) throw new ValidationError([{ path: file, field: "", message: `expected JSON nested at most ${MAX_PLAN_DEPTH} levels deep, found more than ${MAX_PLAN_DEPTH}` }], `${file} is nested too deeply`);
  return text;
}

/** Reads and checks a plan file; errors name the file. */
export function loadPlanFile(file: string): Plan {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new ValidationError([{ path: file, field: "", message: `cannot read the plan file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` }], "no plan");
  }
  const text = planText(file, bytes);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new ValidationError([{ path: file, field: "", message: `expected JSON: ${(e as Error).message}` }], `${file} is not JSON`);
  }
  return parsePlan(data, file);
}
