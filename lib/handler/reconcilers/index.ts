/**
 * Dispatch by kind: `diffResource` (reads only) and `applyResource` (carries a diff out).
 */
import type { PlanResource } from "../../schema/plan";
import type { RunContext } from "../context";
import type { ResourceDiff } from "../types";
import { applyEndpoint, planEndpoint } from "./kube-vip-endpoint";
import { applyNodePool, planNodePool, type PoolOutcome, type PoolPlan } from "./node-pool";
import { applyCluster, planCluster } from "./nutanix-cluster";
import { applyPcg, planPcg } from "./private-cloud-gateway";
import { applyAccount, planAccount } from "./prism-central-account";

/** A resource's diff plus what apply needs (node pools carry their step list). */
export interface PlannedResource {
  diff: ResourceDiff;
  pool?: PoolPlan;
}

/** What applying a resource did. */
export interface AppliedResource {
  detail: string;
  outcome?: PoolOutcome;
}

/**
 * The Palette kinds have their reconcilers in the Palette handler work; until they are wired in, a plan
 * that holds one fails here with a message rather than doing something else.
 */
function notWired(res: PlanResource): never {
  throw new Error(`${res.id}: this handler build has no reconciler for kind ${res.kind} (clusters through Palette)`);
}

export async function diffResource(ctx: RunContext, res: PlanResource): Promise<PlannedResource> {
  switch (res.kind) {
    case "PrismCentralAccount":
      return { diff: await planAccount(ctx, res) };
    case "KubeVipEndpoint":
      return { diff: await planEndpoint(ctx, res) };
    case "NodePool": {
      const pool = await planNodePool(ctx, res);
      return { diff: pool.diff, pool };
    }
    case "NutanixCluster":
      return { diff: await planCluster(ctx, res) };
    case "PrivateCloudGateway":
      return { diff: await planPcg(ctx, res) };
    case "PaletteAccount":
    case "PaletteCluster":
      return notWired(res);
  }
}

export async function applyResource(ctx: RunContext, res: PlanResource, planned: PlannedResource): Promise<AppliedResource> {
  switch (res.kind) {
    case "PrismCentralAccount":
      return { detail: applyAccount(planned.diff) };
    case "KubeVipEndpoint":
      return { detail: applyEndpoint(planned.diff, res) };
    case "NodePool": {
      const outcome = await applyNodePool(ctx, res, planned.pool!);
      const parts = [
        outcome.created.length ? `created ${outcome.created.length}` : "",
        outcome.updated.length ? `updated ${outcome.updated.length}` : "",
        outcome.deleted.length ? `deleted ${outcome.deleted.length}` : "",
      ].filter(Boolean);
      return { detail: parts.length ? `${parts.join(", ")} VM(s); ${res.spec.replicas} running` : `${res.spec.replicas} VM(s), no change`, outcome };
    }
    case "NutanixCluster":
      return { detail: await applyCluster(ctx, res, planned.diff) };
    case "PrivateCloudGateway":
      return { detail: await applyPcg(ctx, res, planned.diff) };
    case "PaletteAccount":
    case "PaletteCluster":
      return notWired(res);
  }
}
