/** The rendering of stored records into v3 envelopes (entities, tasks, the current user). */
import { API_VERSION } from "./api";
import { poolAddresses, usedIps } from "./ipam";
import { isFinal, taskPhase, vmState } from "./lifecycle";
import type { EmulatorState, JsonObject, StoredHost, StoredImage, StoredNic, StoredSubnet, StoredTask, StoredVm } from "./state";
import { ipv4ToInt } from "../net/ipv4";
import { deterministicUuid, isoTime } from "./util";

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
    progress_message: phase === "QUEUED" ? "Queued" : phase === "RUNNING" ? "Running" : phase === "SUCCEEDED" ? "Completed" : "Failed",
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

function clusterRef(state: EmulatorState, uuid: string | undefined): JsonObject | undefined {
  if (!uuid) return undefined;
  const c = state.clusters.find((x) => x.uuid === uuid);
  if (c) return { kind: "cluster", uuid, name: c.name };
  if (state.prismCentral.uuid === uuid) return { kind: "cluster", uuid, name: state.prismCentral.name };
  return { kind: "cluster", uuid };
}

function baseMetadata(kind: string, uuid: string, creation: string, extra: JsonObject = {}): JsonObject {
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

export function renderClusters(state: EmulatorState): JsonObject[] {
  const pc = state.prismCentral;
  const pcEntity: JsonObject = {
    metadata: baseMetadata("cluster", pc.uuid, isoTime(0)),
    spec: { name: pc.name, resources: { config: { service_list: ["PRISM_CENTRAL"] } } },
    status: {
      name: pc.name,
      state: "COMPLETE",
      resources: {
        config: { service_list: ["PRISM_CENTRAL"], build: { version: pc.version } },
        network: { external_ip: pc.virtualIp },
        runtime_status_list: ["SSP_CONFIG_OWNER"],
      },
    },
  };
  const pes = state.clusters.map((c) => ({
    metadata: baseMetadata("cluster", c.uuid, c.creationTime),
    spec: { name: c.name, resources: { config: { service_list: ["AOS"] }, network: { external_ip: c.externalIp } } },
    status: {
      name: c.name,
      state: "COMPLETE",
      resources: {
        config: { service_list: ["AOS"], build: { version: c.version } },
        nodes: { hypervisor_server_list: c.hypervisorIps.map((ip) => ({ ip, type: "AHV" })) },
        network: { external_ip: c.externalIp },
      },
    },
  }));
  return [pcEntity, ...pes];
}

/**
 * A host as `POST /hosts/list` shows it. The reference names only `status.resources.gpu_list[]`
 * items `{vendor, mode, device_id}` (CAPX reads them there); `name` is added because CAPX matches GPUs
 * by name. The host's `status.cluster_reference` (how CAPX tells the PE of a host) is inferred [I].
 */
export function renderHost(state: EmulatorState, h: StoredHost): JsonObject {
  const gpuList = h.gpus.map((g) => ({ vendor: g.vendor, mode: g.mode, device_id: g.deviceId, name: g.name }));
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
  const r: JsonObject = { subnet_type: s.type, ip_config: ipConfig };
  if (s.type === "VLAN") {
    r.vlan_id = s.vlanId;
    r.vswitch_name = "br0";
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
  const status: JsonObject = { name: s.name, state: "COMPLETE", resources: subnetResources(state, s, true) };
  if (s.type === "VLAN") {
    spec.cluster_reference = clusterRef(state, s.clusterUuid);
    status.cluster_reference = clusterRef(state, s.clusterUuid);
  }
  return { metadata: baseMetadata("subnet", s.uuid, s.creationTime), spec, status };
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

/** status.resources: the spec with the §4 server defaults filled in. */
function vmStatusResources(state: EmulatorState, vm: StoredVm): JsonObject {
  const spec = vm.spec as { resources?: JsonObject };
  const r = structuredClone(spec.resources ?? {}) as JsonObject;
  delete r.guest_customization;
  r.power_state = (r.power_state as string | undefined) ?? "OFF";
  r.num_vcpus_per_socket = (r.num_vcpus_per_socket as number | undefined) ?? 1;
  r.num_sockets = (r.num_sockets as number | undefined) ?? 1;
  r.machine_type = (r.machine_type as string | undefined) ?? "PC";
  r.vga_console_enabled = (r.vga_console_enabled as boolean | undefined) ?? true;
  r.hypervisor_type = "AHV";
  const boot = { ...((r.boot_config as JsonObject | undefined) ?? {}) };
  boot.boot_device_order_list ??= ["CDROM", "DISK", "NETWORK"];
  r.boot_config = boot;
  const perAdapter = new Map<string, number>();
  r.disk_list = ((r.disk_list as JsonObject[] | undefined) ?? []).map((d) => {
    const dp = (d.device_properties as JsonObject | undefined) ?? {};
    const addr = (dp.disk_address as JsonObject | undefined) ?? {};
    const adapter = (addr.adapter_type as string | undefined) ?? "SCSI";
    const idx = (addr.device_index as number | undefined) ?? perAdapter.get(adapter) ?? 0;
    perAdapter.set(adapter, Math.max(perAdapter.get(adapter) ?? 0, idx + 1));
    let mib = d.disk_size_mib as number | undefined;
    const src = d.data_source_reference as { uuid?: string } | undefined;
    if (mib === undefined && typeof d.disk_size_bytes === "number") mib = Math.ceil(d.disk_size_bytes / 1048576);
    if (mib === undefined && src?.uuid) {
      const im = state.images.find((x) => x.uuid === src.uuid);
      if (im) mib = Math.ceil(im.sizeBytes / 1048576);
    }
    const out: JsonObject = {
      ...d,
      device_properties: { device_type: (dp.device_type as string | undefined) ?? "DISK", disk_address: { adapter_type: adapter, device_index: idx } },
      storage_config: { storage_container_reference: { kind: "storage_container", uuid: deterministicUuid("storage_container", "default-container"), name: "default-container" } },
    };
    if (mib !== undefined) {
      out.disk_size_mib = mib;
      out.disk_size_bytes = mib * 1048576;
    }
    if (src?.uuid) {
      const im = state.images.find((x) => x.uuid === src.uuid);
      out.data_source_reference = im ? { kind: "image", uuid: im.uuid, name: im.name } : src;
    }
    return out;
  });
  r.nic_list = ((r.nic_list as JsonObject[] | undefined) ?? []).map((n) => {
    const stored: StoredNic | undefined = typeof n.uuid === "string" ? vm.nics[n.uuid] : undefined;
    const sub = stored ? state.subnets.find((s) => s.uuid === stored.subnetUuid) : undefined;
    const out: JsonObject = {
      ...n,
      nic_type: (n.nic_type as string | undefined) ?? "NORMAL_NIC",
      vlan_mode: (n.vlan_mode as string | undefined) ?? "ACCESS",
      is_connected: (n.is_connected as boolean | undefined) ?? true,
      num_queues: (n.num_queues as number | undefined) ?? 1,
    };
    if (stored) {
      out.mac_address = (n.mac_address as string | undefined) ?? stored.mac;
      out.ip_endpoint_list = stored.ip ? [{ ip: stored.ip, type: "ASSIGNED" }] : [];
      if (sub) out.subnet_reference = { kind: "subnet", uuid: sub.uuid, name: sub.name };
    }
    return out;
  });
  return r;
}

export function renderVm(state: EmulatorState, vm: StoredVm, now: number): JsonObject {
  const spec = vm.spec as { name?: string; description?: string; cluster_reference?: { uuid?: string } };
  const status: JsonObject = {
    name: spec.name,
    state: vmState(state, vm, now),
    resources: vmStatusResources(state, vm),
    execution_context: { task_uuid: [...vm.taskUuids] },
  };
  if (spec.description !== undefined) status.description = spec.description;
  const cr = clusterRef(state, spec.cluster_reference?.uuid);
  if (cr) status.cluster_reference = cr;
  return { api_version: API_VERSION, metadata: vmMetadata(vm), spec: vm.spec, status };
}

/** The 202 answer to POST/PUT: entity with status PENDING and a string task_uuid. */
export function renderVmAccepted(vm: StoredVm, taskUuid: string): JsonObject {
  return {
    api_version: API_VERSION,
    metadata: vmMetadata(vm),
    spec: vm.spec,
    status: { state: "PENDING", execution_context: { task_uuid: taskUuid } },
  };
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
