/**
 * Wire types of the Prism Central v3 "intentful" API, as real clients send and receive them
 * (nutanix-cloud-native/prism-go-client, v3/v3_structs.go and v3/swagger.json; nutanix/terraform-provider-nutanix,
 * client/v3). Field names are the wire names. Every object is open:
 * Prism adds fields between releases, so unknown fields are kept as `unknown`.
 */

/** A JSON value. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** `{kind, uuid, name?}`; `name` is read-only and filled in by the server. */
export interface Reference {
  kind: string;
  uuid: string;
  name?: string;
}

/** `execution_context.task_uuid` is a string in 202 answers and an array in GET/list answers. */
export type TaskUuidField = string | string[];

export interface ExecutionContext {
  task_uuid?: TaskUuidField;
  [key: string]: unknown;
}

export interface Metadata {
  kind: string;
  uuid?: string;
  name?: string;
  spec_version?: number;
  spec_hash?: string;
  entity_version?: string;
  creation_time?: string;
  last_update_time?: string;
  categories?: Record<string, string>;
  categories_mapping?: Record<string, string[]>;
  use_categories_mapping?: boolean;
  project_reference?: Reference;
  owner_reference?: Reference;
  should_force_translate?: boolean;
  [key: string]: unknown;
}

export interface MessageResource {
  message: string;
  reason?: string;
  details?: unknown;
}

/** Error body (§7): `{api_version?, code?, kind?, state:"ERROR", message_list}`. */
export interface ErrorBody {
  api_version?: string;
  code?: number;
  kind?: string;
  state?: string;
  message_list?: MessageResource[];
  [key: string]: unknown;
}

/** A generic intentful envelope. */
export interface Entity<Spec = Record<string, unknown>, Status = Record<string, unknown>> {
  api_version?: string;
  metadata: Metadata;
  spec: Spec;
  status?: Status;
}

// ---------- VMs ----------

export interface DiskAddress {
  adapter_type?: "SCSI" | "IDE" | "PCI" | "SATA" | "SPAPR";
  device_index?: number;
}

export interface DeviceProperties {
  device_type?: "DISK" | "CDROM" | "VOLUME_GROUP";
  disk_address?: DiskAddress;
}

export interface DiskSpec {
  uuid?: string;
  disk_size_mib?: number;
  disk_size_bytes?: number;
  data_source_reference?: Reference;
  device_properties?: DeviceProperties;
  storage_config?: { storage_container_reference?: Reference; [key: string]: unknown };
  [key: string]: unknown;
}

export interface IpEndpoint {
  ip: string;
  type?: "ASSIGNED" | "LEARNED";
  [key: string]: unknown;
}

export interface NicSpec {
  uuid?: string;
  subnet_reference?: Reference;
  mac_address?: string;
  nic_type?: "NORMAL_NIC" | "DIRECT_NIC" | "NETWORK_FUNCTION_NIC" | "SPAN_DESTINATION_NIC";
  vlan_mode?: "ACCESS" | "TRUNKED";
  is_connected?: boolean;
  num_queues?: number;
  ip_endpoint_list?: IpEndpoint[];
  [key: string]: unknown;
}

export interface CloudInit {
  user_data?: string;
  meta_data?: string;
  [key: string]: unknown;
}

export interface GuestCustomization {
  is_overridable?: boolean;
  cloud_init?: CloudInit;
  [key: string]: unknown;
}

export interface BootConfig {
  boot_type?: "UEFI" | "LEGACY" | "SECURE_BOOT";
  boot_device_order_list?: Array<"CDROM" | "DISK" | "NETWORK">;
  [key: string]: unknown;
}

export interface VmResources {
  power_state?: "ON" | "OFF" | "PAUSED" | "UNKNOWN";
  num_sockets?: number;
  num_vcpus_per_socket?: number;
  memory_size_mib?: number;
  hardware_clock_timezone?: string;
  machine_type?: "PC" | "PSERIES" | "Q35";
  vga_console_enabled?: boolean;
  hypervisor_type?: string;
  disk_list?: DiskSpec[];
  nic_list?: NicSpec[];
  gpu_list?: Array<{ vendor?: string; mode?: string; device_id?: number; [key: string]: unknown }>;
  guest_customization?: GuestCustomization;
  boot_config?: BootConfig;
  [key: string]: unknown;
}

export interface VmSpec {
  name: string;
  description?: string;
  cluster_reference?: Reference;
  resources: VmResources;
  [key: string]: unknown;
}

export interface VmStatus {
  name?: string;
  description?: string;
  state?: string;
  cluster_reference?: Reference;
  resources?: VmResources;
  execution_context?: ExecutionContext;
  message_list?: MessageResource[];
  [key: string]: unknown;
}

export type VmEntity = Entity<VmSpec, VmStatus>;

/** Body of `POST /vms` and `PUT /vms/{uuid}`. */
export interface VmIntentInput {
  api_version?: string;
  metadata: Metadata;
  spec: VmSpec;
}

// ---------- Subnets, images, clusters ----------

export interface IpPool {
  range: string;
}

export interface IpConfig {
  subnet_ip?: string;
  prefix_length?: number;
  default_gateway_ip?: string;
  pool_list?: IpPool[];
  dhcp_options?: { domain_name_server_list?: string[]; [key: string]: unknown };
  dhcp_server_address?: { ip?: string };
  [key: string]: unknown;
}

export interface SubnetResources {
  subnet_type?: "VLAN" | "OVERLAY";
  vlan_id?: number;
  vswitch_name?: string;
  ip_config?: IpConfig;
  vpc_reference?: Reference;
  ip_usage_stats?: {
    num_free_ips?: number;
    num_macs?: number;
    num_assigned_ips?: number;
    ip_pools_stats?: Array<{ range: string; num_total_ips: number; num_free_ips: number }>;
  };
  [key: string]: unknown;
}

export interface SubnetSpec {
  name: string;
  cluster_reference?: Reference;
  resources: SubnetResources;
  [key: string]: unknown;
}

export interface SubnetStatus {
  name?: string;
  state?: string;
  cluster_reference?: Reference;
  resources?: SubnetResources;
  [key: string]: unknown;
}

export type SubnetEntity = Entity<SubnetSpec, SubnetStatus>;

export interface ImageResources {
  image_type?: "DISK_IMAGE" | "ISO_IMAGE";
  source_uri?: string;
  architecture?: string;
  size_bytes?: number;
  retrieval_uri_list?: string[];
  current_cluster_reference_list?: Reference[];
  [key: string]: unknown;
}

export interface ImageSpec {
  name: string;
  description?: string;
  resources: ImageResources;
  [key: string]: unknown;
}

export interface ImageStatus {
  name?: string;
  state?: string;
  resources?: ImageResources;
  [key: string]: unknown;
}

export type ImageEntity = Entity<ImageSpec, ImageStatus>;

export interface ClusterResources {
  config?: {
    service_list?: string[];
    build?: { version?: string; [key: string]: unknown };
    [key: string]: unknown;
  };
  nodes?: { hypervisor_server_list?: Array<{ ip?: string; type?: string }> };
  network?: { external_ip?: string; [key: string]: unknown };
  [key: string]: unknown;
}

export interface ClusterStatus {
  name?: string;
  state?: string;
  resources?: ClusterResources;
  [key: string]: unknown;
}

export interface ClusterSpec {
  name?: string;
  resources?: ClusterResources;
  [key: string]: unknown;
}

export type ClusterEntity = Entity<ClusterSpec, ClusterStatus>;

// ---------- hosts ----------

export type GpuVendor = "NVIDIA" | "INTEL" | "AMD";
export type GpuMode = "PASSTHROUGH_GRAPHICS" | "PASSTHROUGH_COMPUTE" | "VIRTUAL";

/** A GPU as `hosts/list` shows it in `status.resources.gpu_list` (reference §4; `name` is what CAPX matches on). */
export interface HostGpu {
  vendor?: GpuVendor | string;
  mode?: GpuMode | string;
  device_id?: number;
  name?: string;
  [key: string]: unknown;
}

export interface HostStatus {
  name?: string;
  state?: string;
  cluster_reference?: Reference;
  resources?: { gpu_list?: HostGpu[]; [key: string]: unknown };
  [key: string]: unknown;
}

export type HostEntity = Entity<{ name?: string; [key: string]: unknown }, HostStatus>;

/** A `gpu_list` item of a VM spec, as CAPX sends it. */
export type VmGpu = {
  vendor: string;
  mode: string;
  device_id: number;
};

// ---------- Tasks ----------

export type TaskStatus = "QUEUED" | "RUNNING" | "SUCCEEDED" | "ABORTED" | "SUSPENDED" | "FAILED" | "INVALID_UUID";

export interface TaskEntity {
  uuid: string;
  status: TaskStatus | string;
  api_version?: string;
  percentage_complete?: number;
  progress_message?: string;
  error_detail?: string;
  error_code?: string;
  operation_type?: string;
  entity_reference_list?: Reference[];
  cluster_reference?: Reference;
  subtask_reference_list?: Reference[];
  parent_task_reference?: Reference;
  creation_time?: string;
  start_time?: string;
  completion_time?: string;
  last_update_time?: string;
  creation_time_usecs?: number;
  start_time_usecs?: number;
  completion_time_usecs?: number;
  last_update_time_usecs?: number;
  logical_timestamp?: number;
  [key: string]: unknown;
}

// ---------- Lists ----------

/** Body of `POST /{kind}/list` (DSMetadata). Every field is optional. */
export interface ListRequest {
  kind?: string;
  filter?: string;
  length?: number;
  offset?: number;
  sort_attribute?: string;
  sort_order?: "ASCENDING" | "DESCENDING";
}

/** List response metadata; `length` and `offset` are missing in `clusters/list` answers. */
export interface ListMetadata {
  kind: string;
  total_matches?: number;
  length?: number;
  offset?: number;
  filter?: string;
  sort_attribute?: string;
  sort_order?: string;
  [key: string]: unknown;
}

export interface ListResponse<E> {
  api_version?: string;
  metadata: ListMetadata;
  entities?: E[];
}

// ---------- Categories, users, prism_central ----------

export interface CategoryKey {
  name: string;
  description?: string;
  system_defined?: boolean;
  [key: string]: unknown;
}

export interface CategoryValue {
  name: string;
  value: string;
  description?: string;
  system_defined?: boolean;
  [key: string]: unknown;
}

export interface UserEntity {
  api_version?: string;
  metadata: Metadata;
  spec?: Record<string, unknown>;
  status?: {
    name?: string;
    state?: string;
    resources?: { display_name?: string; user_type?: string; [key: string]: unknown };
    [key: string]: unknown;
  };
}

export interface PrismCentralInfo {
  resources: {
    type?: string;
    version?: string;
    cluster_uuid?: string;
    virtual_ip?: string;
    pc_vm_list?: unknown[];
    [key: string]: unknown;
  };
}

/** `DELETE` 202 answer: `spec` is the empty string. */
export interface DeleteResponse {
  api_version?: string;
  metadata: Metadata;
  spec?: unknown;
  status: { state: string; execution_context?: ExecutionContext; [key: string]: unknown };
}

/** A project (`POST /projects/list`); only its name and uuid are read. */
export type ProjectEntity = Entity;

/** Collection names usable with `listAll` / `listPage`. */
export type ListableKind = "vms" | "subnets" | "images" | "clusters" | "categories" | "projects" | "hosts" | "tasks";

/** Entity type returned by `listAll(kind)`. */
export interface KindEntityMap {
  vms: VmEntity;
  subnets: SubnetEntity;
  images: ImageEntity;
  clusters: ClusterEntity;
  categories: CategoryKey;
  projects: ProjectEntity;
  hosts: HostEntity;
  tasks: TaskEntity;
}

/** Singular `kind` sent in list bodies. */
export const KIND_OF: Record<ListableKind, string> = {
  vms: "vm",
  subnets: "subnet",
  images: "image",
  clusters: "cluster",
  categories: "category",
  projects: "project",
  hosts: "host",
  tasks: "task",
};
