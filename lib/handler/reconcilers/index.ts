/**
 * The reconcilers, one per kind, in a registry whose type makes a missing (or mistyped) kind a compile
 * error, and the three calls the orchestrator makes through it. Nothing here asks which kind it runs.
 */
import type { PlanResource, ResourceKind, ResourceOfKind } from "../../schema/plan";
import type { Services } from "../services";
import { endpointReconciler, type EndpointPlanned } from "./kube-vip-endpoint";
import { nodePoolReconciler, type PoolPlanned } from "./node-pool";
import { clusterReconciler } from "./nutanix-cluster";
import { paletteAccountReconciler } from "./palette-account";
import { paletteClusterReconciler, type PaletteClusterPlanned } from "./palette-cluster";
import { pcgReconciler, type PcgPlanned } from "./private-cloud-gateway";
import { accountReconciler } from "./prism-central-account";
import type { Applied, DestroyedLocally, Planned, Reconciler } from "./types";

export type { Applied, DestroyedLocally, Planned, Reconciler } from "./types";

/** What each kind's `plan` hands to its `apply`. */
interface PlannedByKind {
  PrismCentralAccount: Planned;
  KubeVipEndpoint: EndpointPlanned;
  NodePool: PoolPlanned;
  NutanixCluster: Planned;
  PrivateCloudGateway: PcgPlanned;
  PaletteAccount: Planned;
  PaletteCluster: PaletteClusterPlanned;
}

export type ReconcilerRegistry = { readonly [K in ResourceKind]: Reconciler<ResourceOfKind<K>, PlannedByKind[K]> };

export const reconcilers: ReconcilerRegistry = {
  PrismCentralAccount: accountReconciler,
  KubeVipEndpoint: endpointReconciler,
  NodePool: nodePoolReconciler,
  NutanixCluster: clusterReconciler,
  PrivateCloudGateway: pcgReconciler,
  PaletteAccount: paletteAccountReconciler,
  PaletteCluster: paletteClusterReconciler,
};

/**
 * The reconciler of a resource, typed for that resource. TypeScript cannot relate `res.kind` to the
 * registry entry of a union-typed `res`, so this one cast stands for the registry's mapped type, which
 * guarantees that `reconcilers[k]` reconciles `ResourceOfKind<k>`.
 */
function reconcilerOf(res: PlanResource): Reconciler<PlanResource, Planned> {
  return reconcilers[res.kind] as unknown as Reconciler<PlanResource, Planned>;
}

/** Plans one resource (reads only). */
export function planResource(s: Services, res: PlanResource): Promise<Planned> {
  return reconcilerOf(res).plan(s, res);
}

/** True when a resource's apply writes only through the (gated) Prism client: Reconciler.writesOnlyThroughPrism. */
export function writesOnlyThroughPrism(res: PlanResource): boolean {
  return reconcilerOf(res).writesOnlyThroughPrism === true;
}

/** Applies what `planResource` found. */
export function applyResource(s: Services, res: PlanResource, planned: Planned): Promise<Applied> {
  return reconcilerOf(res).apply(s, res, planned);
}

/** A resource's local destroy step, when its kind has one. */
export function destroyLocally(s: Services, res: PlanResource): DestroyedLocally | Promise<DestroyedLocally> | undefined {
  return reconcilerOf(res).destroy?.(s, res);
}

/** Whether a resource's local destroy step runs before the stack's VMs are deleted. */
export function destroysBeforeVms(res: PlanResource): boolean {
  return reconcilerOf(res).destroyBeforeVms?.(res) === true;
}

/** Why a resource was skipped, in its kind's words when it has them. */
export function skipReason(res: PlanResource, schedulerReason: string, cause: () => string): string {
  const r = reconcilerOf(res);
  return r.skipReason ? r.skipReason(res, cause()) : schedulerReason;
}
