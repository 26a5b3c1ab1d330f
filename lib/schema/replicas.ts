/**
 * Replica rules shared by the cluster's pools (`controlPlane`, `workers[]`) and by `NodePool`: the
 * one place that says what a replica count, autoscaling bounds and a control-plane size may be.
 *
 * - Replicas are whole numbers from 0 (a MachineDeployment may be scaled to 0) to 1000 per pool (our bound).
 * - A control plane has 1, 3 or 5 replicas: stacked etcd needs an odd member count for its quorum
 *   (etcd FAQ "Why an odd number of cluster members?"; Cluster API refuses an even KubeadmControlPlane
 *   size with stacked etcd, "cannot be an even number when etcd is stacked", in
 *   `controlplane/kubeadm/internal/webhooks/kubeadm_control_plane.go`). The upper bound 5 is this
 *   project's choice (etcd advises against large clusters; guess at a useful ceiling).
 * - A control plane does not autoscale: the cluster autoscaler scales MachineDeployments, MachineSets
 *   and MachinePools only (kubernetes/autoscaler `cluster-autoscaler/cloudprovider/clusterapi/README.md`).
 * - With autoscaling, `minReplicas ≤ replicas ≤ maxReplicas` (the node-group min/max-size
 *   annotations of that README bound the replicas the autoscaler sets).
 */
import { z } from "zod";
import { MAX_POOL_REPLICAS } from "./kubeadm-rules";

/** Control-plane sizes stacked etcd accepts. */
export const CONTROL_PLANE_REPLICAS: readonly number[] = [1, 3, 5];

const WHOLE = "expected replicas as a whole number";
const CONTROL_PLANE_SIZE = "expected 1, 3 or 5 control-plane replicas (stacked etcd needs an odd quorum)";

/** A replica count: a whole number from 0 to {@link MAX_POOL_REPLICAS} (the bound is this project's choice). */
export const Replicas = z
  .number({ error: WHOLE })
  .int({ error: WHOLE })
  .min(0, { error: "expected replicas ≥ 0" })
  .max(MAX_POOL_REPLICAS, { error: `expected replicas ≤ ${MAX_POOL_REPLICAS} per pool` });

/** A control-plane replica count: 1, 3 or 5. */
export const ControlPlaneReplicas = z
  .number({ error: WHOLE })
  .int({ error: WHOLE })
  .refine((n) => CONTROL_PLANE_REPLICAS.includes(n), { error: CONTROL_PLANE_SIZE });

/** Autoscaling bounds of a worker pool. */
export const Autoscaling = z.strictObject({ minReplicas: Replicas, maxReplicas: Replicas });

/** What the replica rules look at in a pool. */
export interface PoolReplicas {
  /** The pool's role; a pool without one is a worker pool. */
  readonly role?: "control-plane" | "worker";
  readonly replicas: number;
  readonly autoscaling?: { readonly minReplicas: number; readonly maxReplicas: number } | undefined;
}

/** One broken replica rule: the field of the pool it is about and what was expected. */
export interface ReplicaIssue {
  readonly field: "replicas" | "autoscaling";
  readonly message: string;
}

/** The replica rules across fields of one pool (pure); each field is assumed to have parsed. */
export function replicaIssues(p: PoolReplicas): ReplicaIssue[] {
  const out: ReplicaIssue[] = [];
  if (p.role === "control-plane") {
    if (!CONTROL_PLANE_REPLICAS.includes(p.replicas)) out.push({ field: "replicas", message: `${CONTROL_PLANE_SIZE}, got ${p.replicas}` });
    if (p.autoscaling) out.push({ field: "autoscaling", message: "expected no autoscaling on a control-plane pool (KubeadmControlPlane replicas are fixed)" });
  }
  if (p.autoscaling) {
    const { minReplicas, maxReplicas } = p.autoscaling;
    if (!(minReplicas <= p.replicas && p.replicas <= maxReplicas)) {
      out.push({ field: "autoscaling", message: `expected minReplicas ≤ replicas ≤ maxReplicas, got ${minReplicas} ≤ ${p.replicas} ≤ ${maxReplicas}` });
    }
  }
  return out;
}

/** {@link replicaIssues} as zod issues, for a `superRefine` of a pool schema. */
export function refineReplicas(p: PoolReplicas, ctx: z.RefinementCtx): void {
  for (const i of replicaIssues(p)) ctx.addIssue({ code: "custom", path: [i.field], message: i.message });
}
