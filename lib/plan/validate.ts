/**
 * The plan layer's own cross-resource rules, checked at synth (and usable on any plan): names unique
 * per account and cluster, one kube-vip address per cluster, the VIP on its node subnet, VM host name
 * length, one control plane and one endpoint per cluster, no cycles. They are registered in the rule
 * engine (./rules.ts) on load; rules owned by other layers (Palette's PCG requirements) are registered
 * by their owners. Pure functions over plan resources; every problem is returned, none thrown.
 */
import { checkVipInNodeNetwork } from "../schema/cluster";
import type { NodePoolSpec } from "../schema/node-pool";
import type { PlanResource, ResourceOfKind } from "../schema/plan";
import type { ValidationIssue } from "../schema/validation";
import { findCycle } from "./load";
import type { PlanIndex } from "./plan-index";
import { planRules, registerPlanRule, runPlanRules, type PlanRule } from "./rules";

/** Longest VM host name (an RFC 1123 label). */
export const MAX_HOSTNAME_LENGTH = 63;

type Rule = PlanRule["check"];

/** Groups items by a key, keeping order. */
function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const t of items) {
    const k = key(t);
    const list = out.get(k);
    if (list) list.push(t);
    else out.set(k, [t]);
  }
  return out;
}

/** Reports every item after the first that shares `key` with an earlier one of its group. */
function duplicates<T extends { id: string }>(items: readonly T[], key: (t: T) => string, issue: (dup: T, first: T) => ValidationIssue): ValidationIssue[] {
  const seen = new Map<string, T>();
  const out: ValidationIssue[] = [];
  for (const t of items) {
    const k = key(t);
    const first = seen.get(k);
    if (first) out.push(issue(t, first));
    else seen.set(k, t);
  }
  return out;
}

const uniqueClusterNames: Rule = (ix) =>
  [...groupBy(ix.all("NutanixCluster"), (c) => c.spec.account).values()].flatMap((group) =>
    duplicates(group, (c) => c.spec.name, (dup, first) => ({
      path: dup.id,
      field: "name",
      message: `expected cluster names unique per account, '${dup.spec.name}' is also used by ${first.id} in account ${dup.spec.account}`,
    })),
  );

const uniqueGatewayNames: Rule = (ix) =>
  [...groupBy(ix.all("PrivateCloudGateway"), (g) => g.spec.account).values()].flatMap((group) =>
    duplicates(group, (g) => g.spec.name, (dup, first) => ({
      path: dup.id,
      field: "name",
      message: `expected gateway names unique per account, '${dup.spec.name}' is also used by ${first.id}`,
    })),
  );

const uniquePoolNames: Rule = (ix) =>
  [...groupBy(ix.all("NodePool"), (p) => p.spec.cluster).values()].flatMap((group) =>
    duplicates(group, (p) => p.spec.name, (dup, first) => ({
      path: dup.id,
      field: "name",
      message: `expected pool names unique per cluster, '${dup.spec.name}' is also used by ${first.id} in cluster ${dup.spec.cluster}`,
    })),
  );

/** The cluster whose endpoint is `endpointId`. */
function clusterOfEndpoint(ix: PlanIndex, endpointId: string): ResourceOfKind<"NutanixCluster"> | undefined {
  return ix.all("NutanixCluster").find((c) => c.spec.endpoint === endpointId);
}

const uniqueVips: Rule = (ix) =>
  [...groupBy(ix.all("KubeVipEndpoint"), (e) => e.spec.account).values()].flatMap((group) =>
    duplicates(group, (e) => e.spec.address, (dup, first) => ({
      path: dup.id,
      field: "address",
      message: `expected a kube-vip address used by one cluster only, ${dup.spec.address} is also claimed by ${first.id} (cluster '${first.spec.clusterName}')`,
    })),
  );

const oneEndpointAndControlPlanePerCluster: Rule = (ix) => {
  const out: ValidationIssue[] = [];
  for (const e of ix.all("KubeVipEndpoint")) {
    if (!clusterOfEndpoint(ix, e.id)) {
      const owner = ix.all("NutanixCluster").find((c) => c.spec.account === e.spec.account && c.spec.name === e.spec.clusterName);
      out.push({
        path: e.id,
        field: "cluster",
        message: `expected one kube-vip endpoint per cluster, cluster '${e.spec.clusterName}' already has ${owner ? owner.spec.endpoint : "its own endpoint"}`,
      });
    }
  }
  for (const p of ix.all("NodePool")) {
    const c = ix.get("NutanixCluster", p.spec.cluster);
    if (c && p.spec.role === "control-plane" && c.spec.controlPlane !== p.id) {
      out.push({ path: p.id, field: "role", message: `expected one control-plane pool per cluster, ${c.id} already has ${c.spec.controlPlane}` });
    }
  }
  return out;
};

const vipOnNodeNetwork: Rule = (ix) =>
  ix.all("KubeVipEndpoint").flatMap((e) => {
    const net = clusterOfEndpoint(ix, e.id)?.spec.nodeNetwork;
    return net ? checkVipInNodeNetwork(e.spec.address, net).map((message) => ({ path: e.id, field: "address", message })) : [];
  });

/** Largest index a VM of the pool may get (VMs are named `<cluster>-<pool>-<n>`). */
function maxNodeIndex(p: NodePoolSpec): number {
  return Math.max(p.replicas, p.autoscaling?.maxReplicas ?? 0, 1);
}

const hostnameLength: Rule = (ix) =>
  ix.all("NodePool").flatMap((p) => {
    const longest = `${p.spec.clusterName}-${p.spec.name}-${maxNodeIndex(p.spec)}`;
    return longest.length > MAX_HOSTNAME_LENGTH
      ? [{ path: p.id, field: "name", message: `expected VM host names <cluster>-<pool>-<n> of at most ${MAX_HOSTNAME_LENGTH} characters, got ${longest.length} in '${longest}': shorten the cluster or pool name` }]
      : [];
  });

const noCycles: Rule = (ix) => {
  const cycle = findCycle(ix.resources);
  return cycle?.[0] !== undefined ? [{ path: cycle[0], field: "dependsOn", message: `expected no dependency cycle, found ${cycle.join(" → ")}` }] : [];
};

/** The plan layer's rules, in the order their issues are reported (`noCycles` runs after every other rule). */
export const PLAN_RULES: readonly PlanRule[] = [
  { name: "uniqueClusterNames", check: uniqueClusterNames },
  { name: "uniquePoolNames", check: uniquePoolNames },
  { name: "uniqueGatewayNames", check: uniqueGatewayNames },
  { name: "uniqueVips", check: uniqueVips },
  { name: "oneEndpointAndControlPlanePerCluster", check: oneEndpointAndControlPlanePerCluster },
  { name: "vipOnNodeNetwork", check: vipOnNodeNetwork },
  { name: "hostnameLength", check: hostnameLength },
  { name: "noCycles", check: noCycles, phase: "last" },
];
PLAN_RULES.forEach(registerPlanRule);

/** Runs every registered cross-resource rule on the resources of a plan; returns all issues. */
export function validateResources(resources: readonly PlanResource[]): ValidationIssue[] {
  return runPlanRules(resources, planRules());
}
