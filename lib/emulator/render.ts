/** The rendering of stored records into v3 envelopes (entities, tasks, the current user). */
import { API_VERSION } from "./api";
import { gpuStatuses } from "./gpu-usage";
import { actualPowerState } from "./hot-remove";
import { poolAddresses, usedIps } from "./ipam";
import { isFinal, taskPhase, vmState } from "./lifecycle";
import type { EmulatorState, JsonObject, StoredHost, StoredImage, StoredNic, StoredSubnet, StoredTask, StoredVm } from "./state";
import { intToIpv4, ipv4ToInt } from "../net/ipv4";
import { deterministicUuid, isoTime } from "./util";
import { withResourceDefaults } from "./vm-defaults";

function usecs(ms: number): number {
  return ms * 1000;
}

/** GET /tasks/{uuid} body (§5 fields). */
export function renderTask(state: EmulatorState, t: StoredTask, now: number): JsonObject {
  const phase = taskPhase(t, now);
  const startedAt = t.createdAt + Math.round(t.durationMs * 0.2);
  const endedAt = t.createdAt + t.durationMs;
  const pct = phase === "QUEUED" ? 0 : isFinal(phase) ? 100 : Math.min(99, Math.floor(((now - t.createdAt) / Math.max(1, t.durationMs)) * 100));
  const lastUpdate = isFinal(phase) ? endedAt : phase === "RUNNING" ? startedAt : t.createdAt;
  const out: JsonObject = {
    api_version: API_VERSION,
    uuid: t.uuid,
    status: phase,
    operation_type: t.operation,
    percentage_complete: pct,
    // Real traces carry the operation type as the progress message (TF out.txt).
    progress_message: t.operation,
    entity_reference_list: [t.entity.name !== undefined ? { kind: t.entity.kind, uuid: t.entity.uuid, name: t.entity.name } : { kind: t.entity.kind, uuid: t.entity.uuid }],
    subtask_reference_list: [],
    creation_time: isoTime(t.createdAt),
    creation_time_usecs: usecs(t.createdAt),
    last_update_time: isoTime(lastUpdate),
    last_update_time_usecs: usecs(lastUpdate),
    logical_timestamp: phase === "QUEUED" ? 1 : phase === "RUNNING" ? 2 : 3,
    requested_status: "SUCCEEDED",
  };
  if (phase !== "QUEUED") {
    out.start_time = isoTime(startedAt);
    out.start_time_usecs = usecs(startedAt);
  }
  if (isFinal(phase)) {
    out.completion_time = isoTime(endedAt);
    out.completion_time_usecs = usecs(endedAt);
  }
  if (phase === "FAILED" && t.fail) {
    out.error_detail = t.fail.detail;
    out.error_code = t.fail.code;
  }
  if (t.clusterUuid) {
    const c = state.clusters.find((x) => x.uuid === t.clusterUuid);
    out.cluster_reference = c ? { kind: "cluster", uuid: c.uuid, name: c.name } : { kind: "cluster", uuid: t.clusterUuid };
  }
  return out;
}

export function clusterRef(state: EmulatorState, uuid: string | undefined): JsonObject | undefined {
  if (!uuid) return undefined;
  const c = state.clusters.find((x) => x.uuid === uuid);
  if (c) return { kind: "cluster", uuid, name: c.name };
  if (state.prismCentral.uuid === uuid) return { kind: "cluster", uuid, name: state.prismCentral.name };
  return { kind: "cluster", uuid };
}

export function baseMetadata(kind: string, uuid: string, creation: string, extra: JsonObject = {}): JsonObject {
  return {
    kind,
    uuid,
    spec_version: 0,
    spec_hash: "0".repeat(50),
    entity_version: "1",
    categories: {},
    categories_mapping: {},
    creation_time: creation,
    last_update_time: creation,
    ...extra,
  };
}

/**
 * A host as `POST /hosts/list` shows it. The reference names only `status.resources.gpu_list[]`
 * items `{vendor, mode, device_id}` (CAPX reads them there); `name` is added because CAPX matches GPUs
 * by name. The host's `status.cluster_reference` (how CAPX tells the PE of a host) is inferred [I].
 */
export function renderHost(state: EmulatorState, h: StoredHost): JsonObject {
  const statuses = gpuStatuses(state, h);
  const gpuList = h.gpus.map((g, i) => ({ vendor: g.vendor, mode: g.mode, device_id: g.deviceId, name: g.name, status: statuses[i] }));
  return {
    metadata: baseMetadata("host", h.uuid, h.creationTime),
    spec: { name: h.name },
    status: {
      name: h.name,
      state: "COMPLETE",
      cluster_reference: clusterRef(state, h.clusterUuid),
      resources: { gpu_list: gpuList },
    },
  };
}

function subnetResources(state: EmulatorState, s: StoredSubnet, withStats: boolean): JsonObject {
  const ipConfig: JsonObject = {
    subnet_ip: s.subnetIp,
    prefix_length: s.prefixLength,
    default_gateway_ip: s.gateway,
    pool_list: s.pools.map((p) => ({ range: `${p.start} ${p.end}` })),
  };
  if (s.dnsServers.length) ipConfig.dhcp_options = { domain_name_server_list: s.dnsServers };
  // The PE's DHCP server for a managed subnet, as recorded (GetSubnet): the pool's network, address .254 [guess: which address].
  ipConfig.dhcp_server_address = { ip: intToIpv4((ipv4ToInt(s.subnetIp) | ((2 ** (32 - s.prefixLength)) - 1)) - 1) };
  const r: JsonObject = { subnet_type: s.type, ip_config: ipConfig };
  if (s.type === "VLAN") {
    r.vlan_id = s.vlanId;
    r.vswitch_name = "br0";
    r.virtual_switch_uuid = deterministicUuid("virtual_switch", `${s.clusterUuid ?? ""}/br0`);
  } else {
    r.vpc_reference = { kind: "vpc", uuid: deterministicUuid("vpc", s.name) };
  }
  if (withStats) {
    const used = usedIps(state, s.uuid);
    let macs = 0;
    for (const vm of Object.values(state.vms)) for (const n of Object.values(vm.nics)) if (n.subnetUuid === s.uuid) macs++;
    const pools = poolAddresses(s).map((p) => {
      const total = p.last - p.first + 1;
      let inUse = 0;
      for (const ip of used.keys()) {
        const n = ipv4ToInt(ip);
        if (n >= p.first && n <= p.last) inUse++;
      }
      return { range: p.range, num_total_ips: total, num_free_ips: total - inUse };
    });
    r.ip_usage_stats = {
      num_free_ips: pools.reduce((a, p) => a + p.num_free_ips, 0),
      num_macs: macs,
      num_assigned_ips: used.size,
      ip_pools_stats: pools,
    };
  }
  return r;
}

export function renderSubnet(state: EmulatorState, s: StoredSubnet): JsonObject {
  const spec: JsonObject = { name: s.name, resources: subnetResources(state, s, false) };
  const status: JsonObject = { name: s.name, state: "COMPLETE", resources: subnetResources(state, s, true), execution_context: { task_uuid: [deterministicUuid("task", `subnet:${s.uuid}`)] } };
  if (s.type === "VLAN") {
    spec.cluster_reference = clusterRef(state, s.clusterUuid);
    status.cluster_reference = clusterRef(state, s.clusterUuid);
  }
  // Owner as recorded on pc.2024.1 (GetSubnet): the admin user with the nil uuid.
  const md = baseMetadata("subnet", s.uuid, s.creationTime, { owner_reference: { kind: "user", uuid: "00000000-0000-0000-0000-000000000000", name: "admin" } });
  return { metadata: md, spec, status };
}

export function renderImage(state: EmulatorState, im: StoredImage, baseUrl: string): JsonObject {
  const res: JsonObject = { image_type: im.imageType, architecture: "X86_64" };
  if (im.sourceUri) res.source_uri = im.sourceUri;
  return {
    metadata: baseMetadata("image", im.uuid, im.creationTime),
    spec: { name: im.name, resources: res },
    status: {
      name: im.name,
      state: "COMPLETE",
      resources: {
        ...res,
        source_uri: im.sourceUri ?? `file://${im.uuid}`,
        size_bytes: im.sizeBytes,
        retrieval_uri_list: [`${baseUrl}/api/nutanix/v3/images/${im.uuid}/file`],
        current_cluster_reference_list: state.clusters.map((c) => ({ kind: "cluster", uuid: c.uuid, name: c.name })),
      },
    },
  };
}

function vmMetadata(vm: StoredVm): JsonObject {
  const m = vm.metadata;
  const out: JsonObject = {
    kind: "vm",
    uuid: vm.uuid,
    spec_version: m.spec_version,
    spec_hash: "0".repeat(50),
    entity_version: String(m.entity_version),
    categories: m.categories,
    categories_mapping: m.categories_mapping,
    project_reference: m.project_reference ?? { kind: "project", name: "_internal", uuid: deterministicUuid("project", "_internal") },
    owner_reference: m.owner_reference,
    creation_time: m.creation_time,
    last_update_time: m.last_update_time,
  };
  if (m.use_categories_mapping) out.use_categories_mapping = true;
  return out;
}

/** One disk with the fields a real PC fills in (GetVM, pc.2024.3). */
function filledDisk(state: EmulatorState, d: JsonObject, perAdapter: Map<string, number>, forStatus: boolean): JsonObject {
  const dp = (d.device_properties as JsonObject | undefined) ?? {};
  const addr = (dp.disk_address as JsonObject | undefined) ?? {};
  const type = (dp.device_type as string | undefined) ?? "DISK";
  const adapter = (addr.adapter_type as string | undefined) ?? (type === "CDROM" ? "IDE" : "SCSI");
  const idx = (addr.device_index as number | undefined) ?? perAdapter.get(adapter) ?? 0;
  perAdapter.set(adapter, Math.max(perAdapter.get(adapter) ?? 0, idx + 1));
  let mib = d.disk_size_mib as number | undefined;
  const src = d.data_source_reference as { uuid?: string } | undefined;
  if (mib === undefined && typeof d.disk_size_bytes === "number") mib = Math.ceil(d.disk_size_bytes / 1048576);
  if (mib === undefined && src?.uuid) {
    const im = state.images.find((x) => x.uuid === src.uuid);
    if (im) mib = Math.ceil(im.sizeBytes / 1048576);
  }
  const out: JsonObject = { ...d, device_properties: { ...dp, device_type: type, disk_address: { ...addr, adapter_type: adapter, device_index: idx } } };
  if (mib !== undefined) {
    out.disk_size_mib = mib;
    out.disk_size_bytes = typeof d.disk_size_bytes === "number" && Math.ceil(d.disk_size_bytes / 1048576) === mib ? d.disk_size_bytes : mib * 1048576;
  }
  const src2 = out.data_source_reference as { kind?: string; uuid?: string; name?: string } | undefined;
  if (src2?.uuid && (src2.kind === undefined || src2.kind === "image") && src2.name === undefined) {
    // Not in the pc.2024.3 recording (it shows {kind, uuid}); kept for the current handler's messages.
    const im = state.images.find((x) => x.uuid === src2.uuid);
    if (im) out.data_source_reference = { ...src2, name: im.name };
  }
  if (type === "DISK") {
    out.storage_config ??= { storage_container_reference: { kind: "storage_container", uuid: deterministicUuid("storage_container", "default-container"), name: "default-container" } };
  }
  if (forStatus) out.is_migration_in_progress = false;
  return out;
}

/** One NIC with the fields a real PC fills in (GetVM, pc.2024.3): MAC, type, VLAN mode, address. */
function filledNic(state: EmulatorState, vm: StoredVm, n: JsonObject): JsonObject {
  const stored: StoredNic | undefined = typeof n.uuid === "string" ? vm.nics[n.uuid] : undefined;
  const sub = stored ? state.subnets.find((s) => s.uuid === stored.subnetUuid) : undefined;
  const out: JsonObject = {
    ...n,
    nic_type: (n.nic_type as string | undefined) ?? "NORMAL_NIC",
    vlan_mode: (n.vlan_mode as string | undefined) ?? "ACCESS",
    trunked_vlan_list: (n.trunked_vlan_list as unknown[] | undefined) ?? [],
    num_queues: (n.num_queues as number | undefined) ?? 1,
    is_connected: (n.is_connected as boolean | undefined) ?? true,
  };
  if (stored) {
    out.mac_address = (n.mac_address as string | undefined) ?? stored.mac;
    out.ip_endpoint_list = stored.ip ? [{ type: "ASSIGNED", ip: stored.ip }] : [];
    if (sub) out.subnet_reference = { kind: "subnet", name: sub.name, uuid: sub.uuid };
  }
  return out;
}

/** Resources with every server-filled field (the same for spec and status, pc.2024.3 GetVM). */
function filledResources(state: EmulatorState, vm: StoredVm, resources: JsonObject, forStatus: boolean): JsonObject {
  const r = withResourceDefaults(resources);
  const perAdapter = new Map<string, number>();
  r.disk_list = ((r.disk_list as JsonObject[] | undefined) ?? []).map((d) => filledDisk(state, d, perAdapter, forStatus));
  r.nic_list = ((r.nic_list as JsonObject[] | undefined) ?? []).map((n) => filledNic(state, vm, n));
  return r;
}

/** spec.resources as GET returns it: what was sent, plus the server-filled fields (reference §4). */
function vmSpecResources(state: EmulatorState, vm: StoredVm): JsonObject {
  const sent = ((vm.spec as { resources?: JsonObject }).resources ?? {}) as JsonObject;
  const r = filledResources(state, vm, sent, false);
  // pc.2024.3 shows `gpu_list: []` in the spec of a VM without GPUs; the emulator shows it only in
  // status until the handler reads an empty list as "no GPUs" (a known deviation).
  if (sent.gpu_list === undefined) delete r.gpu_list;
  return r;
}

/** status.resources: the settled state (the actual power state, guest customization not shown). */
function vmStatusResources(state: EmulatorState, vm: StoredVm, now: number): JsonObject {
  const r = filledResources(state, vm, structuredClone((vm.spec as { resources?: JsonObject }).resources ?? {}) as JsonObject, true);
  delete r.guest_customization;
  r.power_state = actualPowerState(state, vm, now);
  r.hypervisor_type = "AHV";
  r.protection_type = "UNPROTECTED";
  r.generation_uuid = deterministicUuid("generation", `${vm.uuid}:${vm.metadata.entity_version}`);
  r.bios_uuid = vm.uuid;
  r.vtpm_config = { version: "", ...(r.vtpm_config as JsonObject) };
  return r;
}

export function renderVm(state: EmulatorState, vm: StoredVm, now: number): JsonObject {
  const spec = vm.spec as { name?: string; description?: string; cluster_reference?: { uuid?: string } };
  const status: JsonObject = { name: spec.name };
  if (spec.description !== undefined) status.description = spec.description;
  status.state = vmState(state, vm, now);
  status.resources = vmStatusResources(state, vm, now);
  const cr = clusterRef(state, spec.cluster_reference?.uuid);
  if (cr) status.cluster_reference = cr;
  // One task: the latest (CAPX errors when the list length is not 1).
  status.execution_context = { task_uuid: vm.taskUuids.slice(-1) };
  const outSpec: JsonObject = { ...vm.spec, resources: vmSpecResources(state, vm) };
  if (cr) outSpec.cluster_reference = cr;
  return { api_version: API_VERSION, metadata: vmMetadata(vm), spec: outSpec, status };
}

/** The 202 body of a VM write: metadata limited to kind, uuid, spec_version, use_categories_mapping (pc.2024.3 CreateVM). */
export function acceptedBody(uuid: string, specVersion: number, useMapping: boolean, spec: JsonObject, taskUuid: string): JsonObject {
  return {
    metadata: { use_categories_mapping: useMapping, kind: "vm", spec_version: specVersion, uuid },
    api_version: API_VERSION,
    spec,
    status: { state: "PENDING", execution_context: { task_uuid: taskUuid } },
  };
}

/** The 202 answer to POST/PUT: the spec as sent, status PENDING and a string task_uuid (as recorded). */
export function renderVmAccepted(vm: StoredVm, taskUuid: string, sentSpec: JsonObject): JsonObject {
  // pc.2024.3 UpdateVM answered the spec_version of the request's GET (0), not the new one [recorded].
  return acceptedBody(vm.uuid, Math.max(0, vm.metadata.spec_version - 1), vm.metadata.use_categories_mapping, sentSpec, taskUuid);
}

export function renderUser(username: string): JsonObject {
  return {
    api_version: API_VERSION,
    metadata: { kind: "user", uuid: deterministicUuid("user", username) },
    spec: {},
    status: {
      name: username,
      state: "COMPLETE",
      resources: {
        display_name: username,
        user_type: "LOCAL",
        projects_reference_list: [],
        access_control_policy_reference_list: [],
      },
    },
  };
}
