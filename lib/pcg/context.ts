/**
 * Finds a Private Cloud Gateway and everything around it in a plan: its Prism Central account, its
 * host cluster, that cluster's kube-vip endpoint and node pools. Shared by the rules and the bundle.
 * Pure functions.
 */
import type { Plan, PlanResource, ResourceKind, ResourceOfKind } from "../schema/plan";
import type { ValidationIssue } from "../schema/validation";

/** A PCG with the resources it depends on (those the plan holds). */
export interface PcgContext {
  /** The gateway. */
  readonly pcg: ResourceOfKind<"PrivateCloudGateway">;
  /** Its Prism Central account, when the plan holds it. */
  readonly account?: ResourceOfKind<"PrismCentralAccount">;
  /** Its host cluster, when the plan holds it. */
  readonly host?: ResourceOfKind<"NutanixCluster">;
  /** The host cluster's kube-vip endpoint, when the plan holds it. */
  readonly endpoint?: ResourceOfKind<"KubeVipEndpoint">;
  /** The host cluster's node pools (listed by the cluster or pointing at it), sorted by id. */
  readonly pools: readonly ResourceOfKind<"NodePool">[];
}

function find<K extends ResourceKind>(plan: Plan, kind: K, id: string): ResourceOfKind<K> | undefined {
  const r = plan.resources.find((x: PlanResource) => x.id === id);
  return r && r.kind === kind ? (r as ResourceOfKind<K>) : undefined;
}

/**
 * Resolves the PCG `pcgId` of `plan`. Returns the context, or issues when the PCG itself is
 * missing; a missing account or host cluster is reported as an issue and left undefined.
 */
export function resolvePcg(plan: Plan, pcgId: string): { ctx?: PcgContext; issues: ValidationIssue[] } {
  const pcg = find(plan, "PrivateCloudGateway", pcgId);
  if (!pcg) {
    const other = plan.resources.find((r) => r.id === pcgId);
    const got = other ? `a ${other.kind}` : "no resource with that id";
    return { issues: [{ path: pcgId, field: "", message: `expected the id of a PrivateCloudGateway in this plan, got ${got}` }] };
  }
  const issues: ValidationIssue[] = [];
  const account = find(plan, "PrismCentralAccount", pcg.spec.account);
  if (!account) issues.push({ path: pcgId, field: "account", message: `expected the id of a PrismCentralAccount in this plan, got ${JSON.stringify(pcg.spec.account)}` });
  const host = find(plan, "NutanixCluster", pcg.spec.hostCluster);
  if (!host) {
    issues.push({ path: pcgId, field: "hostCluster", message: `expected the id of a NutanixCluster in this plan, got ${JSON.stringify(pcg.spec.hostCluster)}` });
    return { ctx: { pcg, ...(account ? { account } : {}), pools: [] }, issues };
  }
  const endpoint = find(plan, "KubeVipEndpoint", host.spec.endpoint);
  const poolIds = new Set([host.spec.controlPlane, ...host.spec.workers]);
  const pools = plan.resources
    .filter((r): r is ResourceOfKind<"NodePool"> => r.kind === "NodePool" && (poolIds.has(r.id) || r.spec.cluster === host.id))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { ctx: { pcg, ...(account ? { account } : {}), host, ...(endpoint ? { endpoint } : {}), pools }, issues };
}

/** Node counts of a host cluster: control-plane nodes, and worker nodes at their floor and ceiling. */
export interface HostNodeCounts {
  /** Control-plane nodes (fixed: KubeadmControlPlane replicas do not autoscale). */
  readonly controlPlane: number;
  /** Worker nodes now (sum of replicas). */
  readonly workers: number;
  /** Worker nodes the autoscaler may go down to (autoscaling minReplicas, else replicas). */
  readonly workersMin: number;
  /** Worker nodes the autoscaler may go up to (autoscaling maxReplicas, else replicas). */
  readonly workersMax: number;
}

/** Counts the nodes of the host cluster's pools. */
export function hostNodeCounts(pools: readonly ResourceOfKind<"NodePool">[]): HostNodeCounts {
  let controlPlane = 0;
  let workers = 0;
  let workersMin = 0;
  let workersMax = 0;
  for (const p of pools) {
    if (p.spec.role === "control-plane") {
      controlPlane += p.spec.replicas;
      continue;
    }
    workers += p.spec.replicas;
    workersMin += p.spec.autoscaling ? Math.min(p.spec.autoscaling.minReplicas, p.spec.replicas) : p.spec.replicas;
    workersMax += p.spec.autoscaling ? Math.max(p.spec.autoscaling.maxReplicas, p.spec.replicas) : p.spec.replicas;
  }
  return { controlPlane, workers, workersMin, workersMax };
}
