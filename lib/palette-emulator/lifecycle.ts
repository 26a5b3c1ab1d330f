/**
 * Status lifecycles as pure functions of the stored timestamps and the clock.
 *
 * PCG (librarium `clusters/pcg/deploy-pcg-k8s.md`): `Pending` while nothing is deployed; "Download manifest: the
 * cluster status transitions to Importing"; once the Jet and Ally agents run "your Cluster Status transitions to
 * Running. Within a few minutes, your cluster's Health status changes to Healthy". The emulator cannot see the
 * manifests being applied, so it models that as a timed transition (a guess): Running one step after both
 * manifests were downloaded, Healthy one step later.
 *
 * Cluster (terraform-provider-spectrocloud `cluster_common_crud.go` and palette-sdk-go `client/cluster.go`): the GET
 * may answer 404 just after the create, then a cluster without `status`, then `Pending`, `Provisioning`,
 * `Running`; the overview's `health.state` becomes `Healthy` after that. Deletion: `Deleting`, then gone (404).
 * One step each; the step length is an option (the real durations are minutes: guess).
 */
import type { StoredCluster, StoredOverlord } from "./state";

export interface OverlordView {
  state: "Pending" | "Importing" | "Running";
  healthy: boolean;
  /** When it became Running (for `spectroClusterUid` and timestamps). */
  runningAt?: number;
}

export function overlordView(o: StoredOverlord, now: number, stepMs: number): OverlordView {
  if (o.jetAt === undefined && o.allyAt === undefined) return { state: "Pending", healthy: false };
  if (o.jetAt === undefined || o.allyAt === undefined) return { state: "Importing", healthy: false };
  const runningAt = Math.max(o.jetAt, o.allyAt) + stepMs;
  if (now < runningAt) return { state: "Importing", healthy: false };
  return { state: "Running", healthy: now >= runningAt + stepMs, runningAt };
}

export type ClusterPhase = "absent" | "no-status" | "Pending" | "Provisioning" | "Running" | "Deleting" | "gone";

export interface ClusterView {
  phase: ClusterPhase;
  healthy: boolean;
}

export function clusterView(c: StoredCluster, now: number, stepMs: number): ClusterView {
  if (c.deleteAt !== undefined) return now < c.deleteAt + stepMs ? { phase: "Deleting", healthy: false } : { phase: "gone", healthy: false };
  const t = now - c.createdAt;
  if (t < stepMs) return { phase: "absent", healthy: false };
  if (t < 2 * stepMs) return { phase: "no-status", healthy: false };
  if (t < 3 * stepMs) return { phase: "Pending", healthy: false };
  if (t < 4 * stepMs) return { phase: "Provisioning", healthy: false };
  return { phase: "Running", healthy: t >= 5 * stepMs };
}

/** Whether a GET by uid should answer 404. */
export function clusterHidden(v: ClusterView): boolean {
  return v.phase === "absent" || v.phase === "gone";
}
