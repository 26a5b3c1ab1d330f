/** Pure readings of Node objects. */
import type { Node } from "./types";

/**
 * True when the node's `Ready` condition is `"True"` — the condition kubectl and Cluster API read
 * (`internal/controllers/machine` NodeHealthy uses the node's Ready condition).
 */
export function isNodeReady(node: Node): boolean {
  return (node.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
}

/** The kubelet version the node reports (`status.nodeInfo.kubeletVersion`, e.g. "v1.30.2"). */
export function kubeletVersion(node: Node): string | undefined {
  return node.status?.nodeInfo?.kubeletVersion;
}

/** True when the node is cordoned (`spec.unschedulable`). */
export function isCordoned(node: Node): boolean {
  return node.spec?.unschedulable === true;
}
