/**
 * A VM body checked against the state: its categories must exist, its references (cluster, subnets,
 * images, GPUs) must resolve; NIC and disk uuids and NIC addresses are assigned.
 */
import { randomUUID } from "node:crypto";
import { invalid } from "./errors";
import type { Reply } from "./http";
import { allocateIp } from "./ipam";
import type { EmulatorState, JsonObject, StoredNic, StoredVm, StoredVmMetadata } from "./state";
import { UUID_RE, macFor } from "./util";
import type { VmBody } from "./vm-body";

export interface VmCategories {
  categories: Record<string, string>;
  mapping: Record<string, string[]>;
  useMapping: boolean;
}

export function categoriesFrom(state: EmulatorState, md: VmBody["metadata"], prev?: StoredVmMetadata): VmCategories | Reply {
  let categories: Record<string, string>;
  let mapping: Record<string, string[]>;
  const useMapping = md.use_categories_mapping === true;
  if (useMapping) {
    mapping = md.categories_mapping ?? {};
    categories = Object.fromEntries(Object.entries(mapping).filter(([, v]) => v.length > 0).map(([k, v]) => [k, v[0]!]));
  } else if (md.categories !== undefined) {
    categories = md.categories;
    mapping = Object.fromEntries(Object.entries(categories).map(([k, v]) => [k, [v]]));
  } else if (prev) {
    categories = prev.categories;
    mapping = prev.categories_mapping;
  } else {
    categories = {};
    mapping = {};
  }
  const missing: string[] = [];
  for (const [k, vs] of Object.entries(mapping)) {
    for (const v of vs) {
      if (!state.categories[k]) missing.push(`category key ${k} does not exist`);
      else if (!state.categories[k]!.values[v]) missing.push(`category value ${k}:${v} does not exist`);
    }
  }
  if (missing.length) return invalid({ [useMapping ? "metadata.categories_mapping" : "metadata.categories"]: [...new Set(missing)] });
  return { categories, mapping, useMapping };
}

/** Validates references of a VM spec and assigns NIC/disk uuids and IPs. */
export function materializeSpec(
  state: EmulatorState,
  spec: VmBody["spec"],
  existing: StoredVm | undefined,
): { spec: JsonObject; nics: Record<string, StoredNic>; clusterIsPc: boolean } | Reply {
  const details: Record<string, string[]> = {};
  const add = (k: string, m: string): void => void (details[k] ??= []).push(m);
  const cu = spec.cluster_reference.uuid;
  const pe = state.clusters.find((c) => c.uuid === cu);
  const clusterIsPc = cu === state.prismCentral.uuid;
  if (!pe && !clusterIsPc) add("spec.cluster_reference.uuid", `no cluster with uuid ${cu}`);
  const out = structuredClone(spec) as JsonObject & { resources: JsonObject };
  const nics: Record<string, StoredNic> = {};
  const reserved = new Set<string>();
  const nicList = (spec.resources.nic_list ?? []).map((n, i) => {
    const at = `spec.resources.nic_list[${i}]`;
    const sub = state.subnets.find((s) => s.uuid === n.subnet_reference.uuid);
    const copy = structuredClone(n) as JsonObject;
    if (!sub) {
      add(`${at}.subnet_reference.uuid`, `no subnet with uuid ${n.subnet_reference.uuid}`);
      return copy;
    }
    if (sub.type === "VLAN" && pe && sub.clusterUuid !== pe.uuid) add(`${at}.subnet_reference.uuid`, `VLAN subnet ${sub.name} is not on cluster ${pe.name}`);
    const prev = n.uuid !== undefined ? existing?.nics[n.uuid] : undefined;
    const nicUuid = prev ? n.uuid! : n.uuid !== undefined && UUID_RE.test(n.uuid) && !existing ? n.uuid.toLowerCase() : randomUUID();
    const requested = n.ip_endpoint_list?.[0]?.ip;
    let ip: string | undefined;
    if (prev && prev.subnetUuid === sub.uuid && (requested === undefined || requested === prev.ip)) ip = prev.ip;
    else {
      const r = allocateIp(state, sub, requested, reserved, existing?.uuid);
      if (typeof r !== "string") add(`${at}.ip_endpoint_list`, r.error);
      else ip = r;
    }
    if (ip) reserved.add(ip);
    nics[nicUuid] = { subnetUuid: sub.uuid, mac: prev?.mac ?? macFor(nicUuid), ...(ip ? { ip } : {}) };
    copy.uuid = nicUuid;
    return copy;
  });
  const diskList = (spec.resources.disk_list ?? []).map((d, i) => {
    const at = `spec.resources.disk_list[${i}]`;
    const copy = structuredClone(d) as JsonObject;
    const src = d.data_source_reference;
    if (src && (src.kind === undefined || src.kind === "image") && !state.images.some((im) => im.uuid === src.uuid)) {
      add(`${at}.data_source_reference.uuid`, `no image with uuid ${src.uuid}`);
    }
    if (d.disk_size_mib !== undefined && d.disk_size_bytes !== undefined && Math.ceil(d.disk_size_bytes / 1048576) !== d.disk_size_mib) {
      add(at, "disk_size_mib must equal disk_size_bytes rounded up to MiB");
    }
    const keep = d.uuid !== undefined && existing !== undefined && JSON.stringify(existing.spec).includes(`"${d.uuid}"`);
    copy.uuid = keep ? d.uuid : randomUUID();
    return copy;
  });
  // [I] A real PC places a GPU VM on a host of its PE that has the GPU; a gpu_list item that names no
  // GPU of those hosts (by device_id, and vendor/mode when given) is refused here with 422.
  if (pe) {
    const gpus = state.hosts.filter((h) => h.clusterUuid === pe.uuid).flatMap((h) => h.gpus);
    const known = [...new Set(gpus.map((g) => `${g.name} (${g.vendor}, device_id ${g.deviceId}, ${g.mode})`))].join(", ") || "(none)";
    (spec.resources.gpu_list ?? []).forEach((g, i) => {
      const at = `spec.resources.gpu_list[${i}]`;
      if (g.device_id === undefined) {
        add(`${at}.device_id`, `a GPU is named by its device_id; GPUs on the hosts of cluster ${pe.name}: ${known}`);
        return;
      }
      const hit = gpus.find((x) => x.deviceId === g.device_id && (g.vendor === undefined || g.vendor === x.vendor) && (g.mode === undefined || g.mode === x.mode));
      if (!hit) {
        const what = [`device_id ${g.device_id}`, g.vendor, g.mode].filter(Boolean).join(", ");
        add(at, `no GPU (${what}) on a host of cluster ${pe.name}; GPUs there: ${known}`);
      }
    });
  }
  if (Object.keys(details).length) return invalid(details);
  if (spec.resources.nic_list !== undefined) out.resources.nic_list = nicList;
  if (spec.resources.disk_list !== undefined) out.resources.disk_list = diskList;
  return { spec: out, nics, clusterIsPc };
}
