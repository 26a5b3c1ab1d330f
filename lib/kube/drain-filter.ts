/**
 * Which pods a drain evicts, as `kubectl drain --ignore-daemonsets --delete-emptydir-data --force` decides
 * (`k8s.io/kubectl/pkg/drain/filters.go`): mirror pods (annotation `kubernetes.io/config.mirror`) cannot be
 * evicted and are skipped, DaemonSet-managed pods are skipped (their controller would recreate them), pods
 * already terminal (Succeeded/Failed) are deleted rather than waited for, everything else — also pods with
 * emptyDir data and pods without a controller — is evicted. These are the options Cluster API's machine
 * controller drains with (`internal/controllers/machine/machine_controller.go`, drain helper with Force,
 * IgnoreAllDaemonSets and DeleteEmptyDirData).
 */
import type { Pod } from "./types";

/** kubelet's annotation on the API copy of a static pod (`k8s.io/kubernetes/pkg/kubelet/types` ConfigMirrorAnnotationKey). */
export const MIRROR_POD_ANNOTATION = "kubernetes.io/config.mirror";

/** What a drain does with one pod. */
export type DrainAction = { action: "evict" } | { action: "skip"; reason: "mirror" | "daemonset" | "terminating" } | { action: "delete"; reason: "terminal" };

/** The drain action for a pod. */
export function drainAction(pod: Pod): DrainAction {
  if (pod.metadata.annotations?.[MIRROR_POD_ANNOTATION] !== undefined) return { action: "skip", reason: "mirror" };
  const controller = pod.metadata.ownerReferences?.find((r) => r.controller === true);
  if (controller?.kind === "DaemonSet") return { action: "skip", reason: "daemonset" };
  const phase = pod.status?.phase;
  if (phase === "Succeeded" || phase === "Failed") return { action: "delete", reason: "terminal" };
  // A pod already being deleted is only waited for (kubectl's skipDeletedFilter skips pods whose
  // deletionTimestamp is older than the skip-wait timeout; younger ones are waited for).
  if (pod.metadata.deletionTimestamp !== undefined) return { action: "skip", reason: "terminating" };
  return { action: "evict" };
}

/** `namespace/name` of a pod. */
export const podKey = (pod: Pod): string => `${pod.metadata.namespace ?? "default"}/${pod.metadata.name}`;

/** The pods a drain must see gone before the node may be deleted (everything except mirror and DaemonSet pods). */
export function podsToRemove(pods: readonly Pod[]): Pod[] {
  return pods.filter((p) => {
    const a = drainAction(p);
    return a.action !== "skip" || a.reason === "terminating";
  });
}
