/**
 * A {@link PaletteClusterDescription} as the shared context of the CAPX builders (lib/render/capx): each part is
 * checked with the plan's own zod schemas (node pool, kube-vip endpoint, cluster), so the same rules apply as for
 * a directly built cluster, and every problem is reported at once, naming the cluster and the field.
 */
import type { z } from "zod";
import { PrismEndpoint, type PrismCentralAccountSpec } from "../../schema/account";
import { NutanixClusterSpec } from "../../schema/cluster";
import { KubeVipEndpointSpec } from "../../schema/kube-vip";
import { KubernetesVersionInput } from "../../schema/net";
import { NodePoolSpec } from "../../schema/node-pool";
import { ValidationError, type ValidationIssue } from "../../schema/validation";
import { CLUSTER_NAME_LABEL, INFRASTRUCTURE_API_GROUP } from "../capx/api";
import type { CapxContext, ObjectRef } from "../capx/context";
import { failureDomains } from "../capx/failure-domains";
import { capxNames, type CapxNames } from "../capx/names";
import { vPrefixed } from "../kubeadm";
import type { PaletteClusterDescription, PalettePool } from "./types";

const HEADING = "cannot render the Palette templates";
/** CAPX `templates/base/cluster-without-topology.yaml` defaults. */
const DEFAULT_POD_CIDR = "172.20.0.0/16";
const DEFAULT_SERVICE_CIDR = "172.19.0.0/16";
/** Where a description's parts are named in errors (there is no construct path: the reconciler passes the cluster). */
const where = (d: PaletteClusterDescription): string => `palette cluster ${JSON.stringify(d.name)}`;

function parse<S extends z.ZodType>(schema: S, value: unknown, path: string, prefix: string, issues: ValidationIssue[]): z.infer<S> | undefined {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  for (const i of r.error.issues) issues.push({ path, field: [prefix, ...i.path.map(String)].filter((s) => s !== "").join("."), message: i.message });
  return undefined;
}

function poolSpec(d: PaletteClusterDescription, p: PalettePool, role: "control-plane" | "worker", version: string): unknown {
  const m = p.machine;
  return {
    account: "palette",
    cluster: d.name,
    clusterName: d.name,
    kubernetesVersion: version,
    name: p.name,
    role,
    replicas: p.replicas,
    machine: {
      vcpuSockets: m.vcpuSockets,
      vcpusPerSocket: m.vcpusPerSocket,
      memoryMiB: m.memoryMiB,
      systemDiskMiB: m.systemDiskMiB,
      bootType: m.bootType ?? "legacy",
      cluster: m.cluster,
      image: m.image,
      subnets: [...m.subnets],
      ...(m.project ? { project: m.project } : {}),
      additionalCategories: { ...(m.additionalCategories ?? {}) },
      gpus: [...(m.gpus ?? [])],
    },
    labels: { ...(p.labels ?? {}) },
    taints: [...(p.taints ?? [])],
  };
}

/** The names of the objects, with each pool's NutanixMachineTemplate suffix. */
function names(d: PaletteClusterDescription): CapxNames {
  const base = capxNames(d.name);
  const suffix = new Map((d.workers ?? []).map((w) => [w.name, w.templateSuffix ?? "0"]));
  return {
    ...base,
    cpTemplate: `${d.name}-cp-${d.controlPlane.templateSuffix ?? "0"}`,
    workerTemplate: (pool) => `${d.name}-${pool}-mt-${suffix.get(pool) ?? "0"}`,
  };
}

interface Checked {
  cluster: NutanixClusterSpec;
  endpoint: KubeVipEndpointSpec;
  pc: PrismEndpoint;
  cp: NodePoolSpec;
  workers: NodePoolSpec[];
  version: string;
}

function check(d: PaletteClusterDescription): Checked {
  const path = where(d);
  const issues: ValidationIssue[] = [];
  const version = parse(KubernetesVersionInput, d.kubernetesVersion, path, "kubernetesVersion", issues) ?? "0.0.0";
  const workers = d.workers ?? [];
  const cluster = parse(
    NutanixClusterSpec,
    { account: "palette", name: d.name, kubernetesVersion: version, endpoint: "endpoint", controlPlane: d.controlPlane.name, workers: workers.map((w) => w.name), podCidr: d.podCidr ?? DEFAULT_POD_CIDR, serviceCidr: d.serviceCidr ?? DEFAULT_SERVICE_CIDR },
    path,
    "",
    issues,
  );
  const endpoint = parse(
    KubeVipEndpointSpec,
    { account: "palette", clusterName: d.name, address: d.endpoint.address, port: d.endpoint.port ?? 6443, mode: "arp", interface: "eth0", leaderElection: { leaseDurationSeconds: 15, renewDeadlineSeconds: 10, retryPeriodSeconds: 2 }, loadBalancer: false },
    path,
    "endpoint",
    issues,
  );
  const pc = parse(PrismEndpoint, { host: d.prismCentral.host, port: d.prismCentral.port ?? 9440 }, path, "prismCentral", issues);
  const cp = parse(NodePoolSpec, poolSpec(d, d.controlPlane, "control-plane", version), path, "controlPlane", issues);
  const ws = workers.map((w, i) => parse(NodePoolSpec, poolSpec(d, w, "worker", version), path, `workers[${i}]`, issues));
  // KubeadmControlPlane with stacked etcd: odd replicas (CAPI KCP webhook "cannot be an even number when etcd is stacked").
  if (d.controlPlane.replicas % 2 === 0) issues.push({ path, field: "controlPlane.replicas", message: `expected an odd number (1, 3 or 5: stacked etcd), got ${d.controlPlane.replicas}` });
  const seen = new Set<string>([d.controlPlane.name]);
  workers.forEach((w, i) => {
    if (seen.has(w.name)) issues.push({ path, field: `workers[${i}].name`, message: `expected a pool name unique in the cluster, got ${JSON.stringify(w.name)} twice` });
    seen.add(w.name);
  });
  if (!cluster || !endpoint || !cp || !pc || issues.length > 0) throw new ValidationError(issues, HEADING);
  return { cluster, endpoint, pc, cp, workers: ws.filter((w): w is NodePoolSpec => w !== undefined), version };
}

/**
 * The CAPX builders' context for a Palette cluster: the namespace is empty (Palette provides its own namespace and
 * the objects carry none: librarium `register-nutanix-cloud.md`, "Remove every `${NAMESPACE}`"), v1beta1 (Palette's
 * default CAPI v1.5.3), the MachineHealthCheck kept (the cloud cluster template keeps it).
 * @throws ValidationError naming the cluster and every bad field.
 */
export function paletteContext(d: PaletteClusterDescription): CapxContext {
  const { cluster, endpoint, pc, cp, workers, version } = check(d);
  const account: PrismCentralAccountSpec = {
    endpoint: pc,
    credentials: { source: "env", usernameEnv: "NUTANIX_USER", passwordEnv: "NUTANIX_PASSWORD" },
    insecure: d.prismCentral.insecure ?? false,
    ...(d.prismCentral.trustBundle ? { trustBundle: d.prismCentral.trustBundle } : {}),
  };
  const labels = () => ({ [CLUSTER_NAME_LABEL]: cluster.name });
  const ref = (group: string, kind: string, name: string, groupVersion = "v1beta1"): ObjectRef => ({ apiVersion: `${group}/${groupVersion}`, kind, name });
  return {
    capi: "v1beta1",
    namespace: "",
    machineHealthCheck: true,
    style: "map",
    cluster,
    account,
    endpoint,
    cp,
    workers,
    names: names(d),
    version: vPrefixed(version),
    failureDomains: failureDomains(cp, workers),
    labels,
    meta: (name, extra = {}) => ({ name, namespace: "", labels: { ...labels(), ...extra } }),
    ref,
    infraRef: (kind, name) => ref(INFRASTRUCTURE_API_GROUP, kind, name, "v1beta1"),
  };
}
