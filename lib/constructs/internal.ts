/**
 * Internal plumbing shared by the constructs: markers that let a construct find its NutanixStack and
 * recognise other constructs without importing cdktf or each other (no import cycles), the props
 * checking helper, and a compile-time check that a hand-written Props interface matches its schema.
 */
import type { IConstruct } from "constructs";
import type { z } from "zod";
import { issuesFromZod, ValidationError, type ValidationIssue } from "../schema/validation";

/** Marks NutanixStack instances (set by NutanixStack, read here so constructs need no cdktf import). */
export const STACK_MARKER = Symbol.for("nutanix-palette-cdk.NutanixStack");
/** Marks plan resource constructs. */
export const RESOURCE_MARKER = Symbol.for("nutanix-palette-cdk.NutanixResource");

/** The nearest enclosing NutanixStack of `c` (itself included), or undefined. */
export function findStack(c: IConstruct): IConstruct | undefined {
  let cur: IConstruct | undefined = c;
  while (cur) {
    if (Object.prototype.hasOwnProperty.call(cur, STACK_MARKER)) return cur;
    cur = cur.node.scope;
  }
  return undefined;
}

/** A short, never-throwing description of any value for error messages. */
export function describeValue(v: unknown): string {
  if (v === undefined) return "nothing";
  if (v === null) return "null";
  if (typeof v === "object" || typeof v === "function") {
    try {
      const path = (v as { node?: { path?: unknown } }).node?.path;
      if (typeof path === "string") {
        const ctor = Object.getPrototypeOf(v)?.constructor?.name;
        return `${typeof ctor === "string" ? ctor : "a construct"} at ${JSON.stringify(path)}`;
      }
    } catch {
      // fall through
    }
    if (Array.isArray(v)) return "an array";
    return typeof v === "function" ? "a function" : "an object";
  }
  let s: string;
  try {
    s = typeof v === "bigint" ? `${v}n` : typeof v === "symbol" ? v.toString() : JSON.stringify(v) ?? String(v);
  } catch {
    s = typeof v;
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** Whether `v` is a plain props object (not null, not an array, not a construct). */
export function isPropsObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A check of one construct-typed prop: returns a message when the value is wrong. */
export type ConstructPropCheck = (value: unknown) => string | undefined;

/**
 * Validates `props`: construct-typed fields with their checks, everything else with `schema`. All
 * problems are thrown together as one ValidationError naming `path`. Never throws anything else.
 */
export function checkProps<S extends z.ZodType>(
  path: string,
  props: unknown,
  schema: S,
  constructFields: Record<string, ConstructPropCheck> = {},
  defaults: Record<string, unknown> = {},
): { data: z.output<S>; refs: Record<string, unknown> } {
  if (!isPropsObject(props)) {
    throw new ValidationError([{ path, field: "", message: `expected an object of props, got ${describeValue(props)}` }], `invalid props for ${path}`);
  }
  const issues: ValidationIssue[] = [];
  const refs: Record<string, unknown> = {};
  const data: Record<string, unknown> = { ...defaults };
  for (const key of Object.keys(props)) {
    const value = props[key];
    if (key in constructFields) refs[key] = value;
    else if (value !== undefined || !(key in defaults)) data[key] = value;
  }
  for (const [key, check] of Object.entries(constructFields)) {
    const message = check(refs[key]);
    if (message) issues.push({ path, field: key, message });
  }
  const result = schema.safeParse(data, { reportInput: true });
  if (!result.success) issues.push(...issuesFromZod(path, result.error));
  if (issues.length > 0 || !result.success) throw new ValidationError(issues, `invalid props for ${path}`);
  return { data: result.data, refs };
}

/**
 * T with every array and property readonly and every optional property also accepting `undefined`, at every depth
 * (so neither `readonly` nor zod's `?: T | undefined` inputs count as a difference under `exactOptionalPropertyTypes`).
 */
export type DeepReadonly<T> = T extends (infer E)[] | readonly (infer E)[]
  ? readonly DeepReadonly<E>[]
  : T extends object
    ? { readonly [K in keyof T]: Pick<T, K> extends Required<Pick<T, K>> ? DeepReadonly<T[K]> : DeepReadonly<Exclude<T[K], undefined>> | undefined }
    : T;

/** `true` when A and B are assignable to each other, readonly aside (keeps Props interfaces and schemas in step). */
export type MutuallyAssignable<A, B> = [DeepReadonly<A>] extends [DeepReadonly<B>] ? ([DeepReadonly<B>] extends [DeepReadonly<A>] ? SameKeys<A, B> : false) : false;

/** `true` when A and B have the same property names at every depth (an optional field cannot go missing). */
export type SameKeys<A, B> = [A] extends [readonly (infer EA)[]]
  ? [B] extends [readonly (infer EB)[]]
    ? SameKeys<EA, EB>
    : false
  : [A] extends [object]
    ? [B] extends [object]
      ? [Exclude<KeysOf<A>, KeysOf<B>> | Exclude<KeysOf<B>, KeysOf<A>>] extends [never]
        ? AllTrue<{ [K in KeysOf<A> & KeysOf<B>]: SameKeys<ValueOf<A, K>, ValueOf<B, K>> }>
        : false
      : true
    : true;
type KeysOf<T> = T extends object ? keyof T : never;
type ValueOf<T, K extends PropertyKey> = T extends object ? (K extends keyof T ? Exclude<T[K], undefined> : never) : never;
type AllTrue<T> = false extends T[keyof T] ? false : true;
/** Fails to compile unless T is `true`. */
export type AssertTrue<T extends true> = T;
