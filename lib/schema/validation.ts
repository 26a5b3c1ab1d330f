/**
 * ValidationError: every problem with a construct's props or a plan, listed at once as
 * `<construct path>: <field path>: <what was expected, what was given>`.
 */
import type { z } from "zod";

/** One validation problem. */
export interface ValidationIssue {
  /** The construct path or plan resource id. */
  readonly path: string;
  /** The dotted field path inside the props or spec (empty for the whole object). */
  readonly field: string;
  /** What was expected and what was given. */
  readonly message: string;
}

/**
 * The brand of every ValidationError, shared by every copy of this package in a process (`Symbol.for`
 * is process-wide): as aws-cdk-lib brands its errors (aws-cdk-lib, core/lib/errors.ts,
 * `Symbol.for('@aws-cdk/core.ValidationError')`), because `instanceof` fails across two copies.
 */
const VALIDATION_ERROR_BRAND = Symbol.for("nutanix-palette-cdk.ValidationError");

/** Thrown when props, a plan or a program break a rule. Lists every issue. */
export class ValidationError extends Error {
  /**
   * Whether `x` is a ValidationError of any copy of this package (`instanceof` sees only this copy's).
   */
  public static isValidationError(x: unknown): x is ValidationError {
    return typeof x === "object" && x !== null && VALIDATION_ERROR_BRAND in x;
  }

  /** Every issue found. */
  public readonly issues: readonly ValidationIssue[];

  constructor(issues: readonly ValidationIssue[], heading = "validation failed") {
    super(`${heading}:\n${issues.map((i) => `  ${formatIssue(i)}`).join("\n")}`);
    this.name = "ValidationError";
    this.issues = issues;
    Object.defineProperty(this, VALIDATION_ERROR_BRAND, { value: true });
  }
}

/** Renders one issue as `<path>: <field>: <message>`. */
export function formatIssue(i: ValidationIssue): string {
  return i.field ? `${i.path}: ${i.field}: ${i.message}` : `${i.path}: ${i.message}`;
}

/** Renders a zod path (`["machine", "subnets", 0]`) as `machine.subnets[0]`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out;
}

function describeGiven(input: unknown): string {
  if (input === undefined) return "nothing";
  let s: string;
  try {
    s = typeof input === "string" ? JSON.stringify(input) : JSON.stringify(input) ?? String(input);
  } catch {
    s = String(input);
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** Fields whose given values are never echoed: a literal secret put where a reference belongs. */
const SECRET_FIELD = /password|secret|apikey|token|credential/i;

function describeHidden(input: unknown): string {
  if (input === undefined) return "nothing";
  return `${Array.isArray(input) ? "an array" : input === null ? "null" : typeof input === "object" ? "an object" : `a ${typeof input}`} (not shown: it may be a secret)`;
}

function isScalar(v: unknown): boolean {
  return v === null || ["string", "number", "boolean"].includes(typeof v);
}

/** Turns zod issues into ValidationIssues for the given construct path or resource id. */
export function issuesFromZod(path: string, error: z.ZodError | readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = []): ValidationIssue[] {
  const list = Array.isArray(error) ? (error as readonly z.core.$ZodIssue[]) : (error as z.ZodError).issues;
  return list.map((issue) => {
    let message = issue.message;
    if (issue.code === "unrecognized_keys") {
      message = `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `'${k}'`).join(", ")} (check the spelling)`;
    } else if (!/\bgot\b/.test(message) && "input" in issue && (issue.code !== "custom" || isScalar(issue.input))) {
      const secretish = [...prefix, ...issue.path].some((seg) => typeof seg === "string" && SECRET_FIELD.test(seg));
      message = `${message}, got ${secretish ? describeHidden(issue.input) : describeGiven(issue.input)}`;
    }
    return { path, field: fieldPath([...prefix, ...issue.path]), message };
  });
}

/**
 * Parses `input` with `schema`; on failure throws a ValidationError naming `path`.
 * Never throws anything else for any input.
 */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, path: string, prefix: readonly PropertyKey[] = []): z.output<S> {
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  throw new ValidationError(issuesFromZod(path, result.error, prefix), `invalid props for ${path}`);
}
