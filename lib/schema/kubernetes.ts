/**
 * Kubernetes syntax rules for node labels and taints.
 */
import { z } from "zod";

const NAME_PART = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Whether `key` is a valid Kubernetes label or taint key (`[prefix/]name`). */
export function isQualifiedName(key: string): boolean {
  const parts = key.split("/");
  if (parts.length > 2) return false;
  const name = parts[parts.length - 1];
  if (name.length === 0 || name.length > 63 || !NAME_PART.test(name)) return false;
  if (parts.length === 2) {
    const prefix = parts[0];
    if (prefix.length === 0 || prefix.length > 253 || !PREFIX.test(prefix)) return false;
  }
  return true;
}

/** Whether `value` is a valid Kubernetes label value (empty, or ≤ 63 characters of the name alphabet). */
export function isLabelValue(value: string): boolean {
  return value === "" || (value.length <= 63 && NAME_PART.test(value));
}

/** A label or taint key such as `node-role.kubernetes.io/gpu`. */
export const QualifiedName = z.string().refine(isQualifiedName, {
  error: "expected a Kubernetes key [prefix/]name: name ≤ 63 characters of a-z, A-Z, 0-9, '-', '_', '.', prefix a DNS subdomain",
});

/** A label value. */
export const LabelValue = z.string().refine(isLabelValue, {
  error: "expected a Kubernetes label value: empty, or ≤ 63 characters of a-z, A-Z, 0-9, '-', '_', '.' starting and ending alphanumeric",
});

/** Node labels. */
export const Labels = z.record(z.string(), LabelValue).superRefine((labels, ctx) => {
  // Keys are checked here rather than by the record's key schema, whose message zod replaces.
  for (const key of Object.keys(labels)) {
    if (!isQualifiedName(key)) {
      ctx.addIssue({ code: "custom", path: [key], message: `expected a Kubernetes key [prefix/]name: name ≤ 63 characters of a-z, A-Z, 0-9, '-', '_', '.', prefix a DNS subdomain, got ${JSON.stringify(key)}` });
    }
  }
});

/** A node taint. */
export const Taint = z.strictObject({
  key: QualifiedName,
  value: LabelValue.optional(),
  effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"], { error: "expected effect NoSchedule, PreferNoSchedule or NoExecute" }),
});
export type Taint = z.infer<typeof Taint>;
