/**
 * What every CAPX builder of one cluster shares: the cluster's resources resolved from the plan, the
 * export options, object names and the metadata/reference helpers. Resolving throws a
 * ValidationError naming the resource, the field and what was expected when a reference is broken.
 */
import type { PrismCentralAccountSpec } from "../../schema/account";
import type { NutanixClusterSpec } from "../../schema/cluster";
import type { KubeVipEndpointSpec } from "../../schema/kube-vip";
import type { NodePoolSpec } from "../../schema/node-pool";
import type { Plan, PlanResource, ResourceKind, ResourceOfKind } from "../../schema/plan";
import { ValidationError, type ValidationIssue } from "../../schema/validation";
import { vPrefixed, type ArgStyle } from "../kubeadm";
import { CLUSTER_NAME_LABEL, INFRASTRUCTURE_API_GROUP } from "./api";
import { failureDomains, type FailureDomain } from "./failure-domains";
import { capxNames, type CapxNames } from "./names";
import type { CapxOptions, KubeObject } from "./types";

/** A reference to another object: `apiVersion` + kind + name (v1beta1) or `apiGroup` + kind + name (v1beta2). */
export type ObjectRef = { apiGroup: string; kind: string; name: string } | { apiVersion: string; kind: string; name: string };

/** The shared inputs of the builders of one cluster. */
export interface CapxContext {
  /** The Cluster API version of the CAPI kinds. */
  readonly capi: "v1beta1" | "v1beta2";
  readonly namespace: string;
  readonly machineHealthCheck: boolean;
  /** The `extraArgs` shape that goes with `capi`. */
  readonly style: ArgStyle;
  readonly cluster: NutanixClusterSpec;
  readonly account: PrismCentralAccountSpec;
  readonly endpoint: KubeVipEndpointSpec;
  readonly cp: NodePoolSpec;
  readonly workers: readonly NodePoolSpec[];
  readonly names: CapxNames;
  /** The Kubernetes version with its leading `v`. */
  readonly version: string;
  readonly failureDomains: ReadonlyMap<string, FailureDomain>;
  /** The labels of every object (the cluster-name label). */
  labels(): Record<string, string>;
  /** Metadata with the cluster-name label and `extra` labels. */
  meta(name: string, extra?: Record<string, string>): KubeObject["metadata"];
  /** A reference to a CAPI object of `group` (served at `groupVersion`, by default `capi`). */
  ref(group: string, kind: string, name: string, groupVersion?: string): ObjectRef;
  /** A reference to a CAPX (infrastructure, v1beta1) object. */
  infraRef(kind: string, name: string): ObjectRef;
}

const HEADING = "cannot render the CAPX manifests";

type Spec<K extends ResourceKind> = ResourceOfKind<K>["spec"];

/** The spec of `id` (wrapped) when it is a `kind`; else records what was expected at `from`'s `field`. */
function lookup<K extends ResourceKind>(plan: Plan, id: string, kind: K, from: string, field: string, issues: ValidationIssue[]): { readonly spec: Spec<K> } | undefined {
  const r = plan.resources.find((x: PlanResource) => x.id === id);
  const wanted: string = kind;
  if (r && r.kind === wanted) return { spec: r.spec as Spec<K> };
  const message = r ? `expected ${JSON.stringify(id)} to be a ${kind}, it is a ${r.kind}` : `expected the id of a ${kind}, got ${JSON.stringify(id)}, which is not in the plan`;
  issues.push({ path: from, field, message });
  return undefined;
}

interface Resolved {
  cluster: NutanixClusterSpec;
  account: PrismCentralAccountSpec;
  endpoint: KubeVipEndpointSpec;
  cp: NodePoolSpec;
  workers: NodePoolSpec[];
}

/** The cluster and the resources it references; every broken reference is reported at once. */
function resolve(plan: Plan, clusterId: string): Resolved {
  const issues: ValidationIssue[] = [];
  const cluster = lookup(plan, clusterId, "NutanixCluster", clusterId, "", issues)?.spec;
  if (!cluster) throw new ValidationError(issues, HEADING);
  const account = lookup(plan, cluster.account, "PrismCentralAccount", clusterId, "account", issues)?.spec;
  const endpoint = lookup(plan, cluster.endpoint, "KubeVipEndpoint", clusterId, "endpoint", issues)?.spec;
  const cp = lookup(plan, cluster.controlPlane, "NodePool", clusterId, "controlPlane", issues)?.spec;
  const workers = cluster.workers.map((id, i) => lookup(plan, id, "NodePool", clusterId, `workers[${i}]`, issues)?.spec);
  if (!account || !endpoint || !cp || issues.length > 0) throw new ValidationError(issues, HEADING);
  return { cluster, account, endpoint, cp, workers: workers.filter((w): w is NodePoolSpec => w !== undefined) };
}

/**
 * Resolves the cluster `clusterId` of `plan` and the options into the builders' context.
 * @throws ValidationError when `clusterId` is not a NutanixCluster of the plan, or one of its
 *   references (account, endpoint, controlPlane, workers[i]) is missing or of another kind.
 */
export function capxContext(plan: Plan, clusterId: string, options: CapxOptions = {}): CapxContext {
  const capi = options.clusterApiVersion ?? "v1beta1";
  const namespace = options.namespace ?? "default";
  const { cluster, account, endpoint, cp, workers } = resolve(plan, clusterId);
  const labels = () => ({ [CLUSTER_NAME_LABEL]: cluster.name });
  const ref = (group: string, kind: string, name: string, groupVersion: string = capi): ObjectRef =>
    capi === "v1beta2" ? { apiGroup: group, kind, name } : { apiVersion: `${group}/${groupVersion}`, kind, name };
  return {
    capi,
    namespace,
    machineHealthCheck: options.machineHealthCheck ?? true,
    style: capi === "v1beta2" ? "list" : "map",
    cluster,
    account,
    endpoint,
    cp,
    workers,
    names: capxNames(cluster.name),
    version: vPrefixed(cluster.kubernetesVersion),
    failureDomains: failureDomains(cp, workers),
    labels,
    meta: (name, extra = {}) => ({ name, namespace, labels: { ...labels(), ...extra } }),
    ref,
    infraRef: (kind, name) => ref(INFRASTRUCTURE_API_GROUP, kind, name, "v1beta1"),
  };
}
