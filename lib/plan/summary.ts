/**
 * A small, flat, human-readable summary of a plan resource's spec, carried in the Terraform triggers
 * beside the generation so that `cdktf diff` / `terraform plan` show `replicas = "2" -> "4"` instead of
 * only a changed hash. Pure: derived from the spec alone, so it changes only when the spec (and with it
 * the generation) changes; the generation still decides. Values are strings (null_resource's `triggers`
 * is a `map(string)`, see the hashicorp/null provider's docs of `null_resource`). Secrets cannot reach
 * it: a plan holds only references (environment variable names, file paths), and none is summarized.
 */
import type { PlanResource, ResourceOfKind } from "../schema/plan";

/** One flat summary: snake_case key → string value, keys sorted. */
export type SpecSummary = Readonly<Record<string, string>>;

type EntityRef = { readonly name: string } | { readonly uuid: string };
type Machine = ResourceOfKind<"NodePool">["spec"]["machine"];

/** `{ name }` → the name, `{ uuid }` → `uuid:<uuid>`. */
function ref(r: EntityRef): string {
  return "name" in r ? r.name : `uuid:${r.uuid}`;
}

function machineSummary(m: Machine): Record<string, string> {
  return {
    vcpus: String(m.vcpuSockets * m.vcpusPerSocket),
    vcpu_sockets: String(m.vcpuSockets),
    vcpus_per_socket: String(m.vcpusPerSocket),
    memory_mib: String(m.memoryMiB),
    system_disk_mib: String(m.systemDiskMiB),
    image: ref(m.image),
    pe_cluster: ref(m.cluster),
    subnets: m.subnets.map(ref).join(","),
    gpus: String(m.gpus.length),
  };
}

function summaryOf(r: PlanResource): Record<string, string> {
  switch (r.kind) {
    case "PrismCentralAccount":
      return { endpoint: `${r.spec.endpoint.host}:${r.spec.endpoint.port}`, insecure: String(r.spec.insecure) };
    case "KubeVipEndpoint":
      return { cluster_name: r.spec.clusterName, address: `${r.spec.address}:${r.spec.port}`, mode: r.spec.mode };
    case "NodePool":
      return {
        cluster_name: r.spec.clusterName,
        pool: r.spec.name,
        role: r.spec.role,
        replicas: String(r.spec.replicas),
        ...(r.spec.autoscaling ? { autoscaling: `${r.spec.autoscaling.minReplicas}-${r.spec.autoscaling.maxReplicas}` } : {}),
        kubernetes_version: r.spec.kubernetesVersion,
        ...machineSummary(r.spec.machine),
      };
    case "NutanixCluster":
      return {
        name: r.spec.name,
        kubernetes_version: r.spec.kubernetesVersion,
        worker_pools: String(r.spec.workers.length),
        pod_cidr: r.spec.podCidr,
        service_cidr: r.spec.serviceCidr,
      };
    case "PrivateCloudGateway":
      return { name: r.spec.name, palette_endpoint: r.spec.palette.endpoint, palette_project: r.spec.palette.project };
    case "PaletteAccount":
      return { endpoint: r.spec.endpoint, project: r.spec.project, insecure: String(r.spec.insecure) };
    case "PaletteCluster":
      return {
        name: r.spec.name,
        kubernetes_version: r.spec.kubernetesVersion,
        profile: r.spec.profile.version ? `${r.spec.profile.name}@${r.spec.profile.version}` : r.spec.profile.name,
        control_plane_replicas: String(r.spec.controlPlane.replicas),
        worker_pools: r.spec.workers.map((w) => `${w.name}=${w.replicas}`).join(","),
      };
  }
}

/**
 * The summary of `r`'s spec, keys sorted (deterministic output).
 * @param reserved keys the caller uses itself (e.g. the bridge's fixed trigger keys): a clash is a bug of this library
 */
export function specSummary(r: PlanResource, reserved: readonly string[] = []): SpecSummary {
  const s = summaryOf(r);
  const clash = Object.keys(s).find((k) => reserved.includes(k));
  if (clash !== undefined) throw new Error(`internal error: the summary key ${clash} of ${r.kind} ${r.id} clashes with a reserved trigger key`);
  return Object.fromEntries(Object.keys(s).sort().map((k) => [k, s[k] as string]));
}
