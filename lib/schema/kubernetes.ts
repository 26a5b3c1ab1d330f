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
  if (name === undefined || name.length === 0 || name.length > 63 || !NAME_PART.test(name)) return false;
  if (parts.length === 2) {
    const prefix = parts[0];
    if (prefix === undefined || prefix.length === 0 || prefix.length > 253 || !PREFIX.test(prefix)) return false;
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

/**
 * The `kubernetes.io` / `k8s.io` labels a kubelet may set on its own Node (kubernetes
 * `pkg/kubelet/apis/well_known_labels.go`, `kubeletLabels`; KEP-279 "Restrict node self-labeling").
 */
export const KUBELET_ALLOWED_LABELS: readonly string[] = [
  "kubernetes.io/hostname",
  "kubernetes.io/os",
  "kubernetes.io/arch",
  "beta.kubernetes.io/os",
  "beta.kubernetes.io/arch",
  "beta.kubernetes.io/instance-type",
  "node.kubernetes.io/instance-type",
  "topology.kubernetes.io/zone",
  "topology.kubernetes.io/region",
  "failure-domain.beta.kubernetes.io/zone",
  "failure-domain.beta.kubernetes.io/region",
];
/** Label namespaces (and their subdomains) a kubelet may use (`kubeletLabelNamespaces` of the same file). */
export const KUBELET_ALLOWED_LABEL_NAMESPACES: readonly string[] = ["kubelet.kubernetes.io", "node.kubernetes.io"];

const inNamespace = (ns: string, suffix: string) => ns === suffix || ns.endsWith(`.${suffix}`);

/**
 * Whether the kubelet refuses `key` in `--node-labels`: a key in the `kubernetes.io` or `k8s.io`
 * namespaces (or their subdomains, so `node-role.kubernetes.io/*` too) that is neither an allowed
 * well-known key nor under an allowed namespace (kubernetes `cmd/kubelet/app/options/options.go`,
 * `ValidateKubeletFlags`; `pkg/kubelet/apis/well_known_labels.go`, `IsKubeletLabel`).
 */
export function isReservedNodeLabel(key: string): boolean {
  const slash = key.indexOf("/");
  if (slash < 0) return false;
  const ns = key.slice(0, slash).toLowerCase();
  if (!inNamespace(ns, "kubernetes.io") && !inNamespace(ns, "k8s.io")) return false;
  if (KUBELET_ALLOWED_LABELS.includes(key)) return false;
  return !KUBELET_ALLOWED_LABEL_NAMESPACES.some((allowed) => inNamespace(ns, allowed));
}

/** Node labels: valid keys and values, none that the kubelet refuses to set on its own Node. */
export const Labels = z.record(z.string(), LabelValue).superRefine((labels, ctx) => {
  // Keys are checked here rather than by the record's key schema, whose message zod replaces.
  for (const key of Object.keys(labels)) {
    if (!isQualifiedName(key)) {
      ctx.addIssue({ code: "custom", path: [key], message: `expected a Kubernetes key [prefix/]name: name ≤ 63 characters of a-z, A-Z, 0-9, '-', '_', '.', prefix a DNS subdomain, got ${JSON.stringify(key)}` });
    } else if (isReservedNodeLabel(key)) {
      ctx.addIssue({
        code: "custom",
        path: [key],
        message: `expected a node label the kubelet may set on itself: keys in the kubernetes.io and k8s.io namespaces must be under ${KUBELET_ALLOWED_LABEL_NAMESPACES.join(" or ")} or one of the well-known keys (node-role.kubernetes.io/* cannot be self-assigned), got ${JSON.stringify(key)}`,
      });
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
