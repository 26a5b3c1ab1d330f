/**
 * The references of a plan: where the handler reads a secret or credentials at apply time, an
 * environment variable (`{ source: "env", … }`) or a file (`{ source: "file", path }`). Found by shape
 * anywhere in a spec, so a new kind's references are covered without a list to keep. Pure functions:
 * listing, checking against an environment and a file test, and mapping file paths (synth records them
 * relative to the plan file's directory; the handler resolves them from there).
 */
import * as path from "node:path";
import type { Plan, PlanResource } from "../schema/plan";
import type { ValidationIssue } from "../schema/validation";

/** One reference: an environment variable's name or a file's path, never a value. */
export interface PlanReference {
  readonly resource: string;
  /** Where in the spec, e.g. `palette.apiKey` or `credentials.passwordEnv`. */
  readonly field: string;
  readonly kind: "env" | "file";
  /** The variable name, or the path as the plan holds it. */
  readonly name: string;
}

type Json = unknown;

const isObject = (v: Json): v is Record<string, Json> => typeof v === "object" && v !== null && !Array.isArray(v);

function walk(v: Json, at: string, visit: (obj: Record<string, Json>, at: string) => void): void {
  if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${at}[${i}]`, visit));
  else if (isObject(v)) {
    visit(v, at);
    for (const [k, x] of Object.entries(v)) walk(x, at ? `${at}.${k}` : k, visit);
  }
}

/** Every reference of the given resources (default: all), in plan order. */
export function planReferences(resources: readonly PlanResource[]): PlanReference[] {
  const out: PlanReference[] = [];
  for (const r of resources) {
    walk(r.spec, "", (o, at) => {
      if (o.source === "file" && typeof o.path === "string") out.push({ resource: r.id, field: at, kind: "file", name: o.path });
      if (o.source !== "env") return;
      for (const [k, v] of Object.entries(o)) if (k !== "source" && typeof v === "string") out.push({ resource: r.id, field: at ? `${at}.${k}` : k, kind: "env", name: v });
    });
  }
  return out;
}

/**
 * The references that do not resolve: an unset (or empty) variable, a file that cannot be read. Messages
 * name the variable or path, never a value. `baseDir` is where relative paths resolve from.
 */
export function unresolvedReferences(refs: readonly PlanReference[], env: NodeJS.ProcessEnv, readable: (file: string) => boolean, baseDir: string): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  for (const r of refs) {
    if (r.kind === "env" && !env[r.name]) out.push({ path: r.resource, field: r.field, message: `expected the environment variable ${r.name} to be set (the plan reads it at apply time), it is not` });
    if (r.kind === "file") {
      const file = path.resolve(baseDir, r.name);
      if (!readable(file)) out.push({ path: r.resource, field: r.field, message: `expected a readable file ${r.name}${path.isAbsolute(r.name) ? "" : ` (resolved from the plan file's directory to ${file})`}, it is not` });
    }
  }
  return out;
}

/** A copy of `spec` with every file reference's path mapped through `fn` (nothing else changes). */
export function mapFilePaths<T>(spec: T, fn: (p: string) => string): T {
  const map = (v: Json): Json => {
    if (Array.isArray(v)) return v.map(map);
    if (!isObject(v)) return v;
    const out: Record<string, Json> = {};
    for (const [k, x] of Object.entries(v)) out[k] = map(x);
    if (v.source === "file" && typeof v.path === "string") out.path = fn(v.path);
    return out;
  };
  return map(spec) as T;
}

/**
 * The path a plan records for a file reference: relative paths (as the program wrote them, from its
 * working directory `programDir`) become relative to the plan file's directory `planDir`, with `/`
 * separators, so the text is the same on every machine with the same layout; absolute paths stay.
 */
export function recordedPath(p: string, programDir: string, planDir: string): string {
  if (path.isAbsolute(p)) return p;
  const rel = path.relative(planDir, path.resolve(programDir, p)).split(path.sep).join("/");
  return rel === "" ? "." : rel;
}

/** The plan with every relative file reference resolved from `planDir` (what the handler reads). */
export function resolveFilePaths(plan: Plan, planDir: string): Plan {
  return { ...plan, resources: plan.resources.map((r) => ({ ...r, spec: mapFilePaths(r.spec, (p) => path.resolve(planDir, p)) }) as PlanResource) };
}
