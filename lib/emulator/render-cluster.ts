/**
 * Clusters and the Prism Central itself as a real PC renders them: the Prism Central's own cluster
 * first, then the Prism Elements, with the fields pc.2024.1 returned (prism-go-client
 * `v3/mocks/TestOperations_{GetCluster,ListCluster,GetPrismCentral}.yaml`). Values the seed does not
 * give (software versions, SSL key, NTP and DNS servers, subnets) are fixed placeholders [guess: values].
 */

import { baseMetadata } from "./render";
import type { EmulatorState, JsonObject, StoredCluster } from "./state";
import { deterministicUuid, isoTime } from "./util";

const NTP = ["0.pool.ntp.org", "1.pool.ntp.org"];
const DNS = ["10.0.0.53"];

function softwareMap(nos: string): JsonObject {
  return { NOS: { software_type: "NOS", status: "INSTALLED", version: nos }, NCC: { software_type: "NCC", status: "INSTALLED", version: "ncc-5.0.0" } };
}

function network(externalIp: string, extra: JsonObject = {}): JsonObject {
  return {
    external_ip: externalIp,
    ntp_server_ip_list: NTP,
    external_subnet: `${externalIp.split(".").slice(0, 3).join(".")}.0/255.255.255.0`,
    name_server_ip_list: DNS,
    internal_subnet: "192.168.5.0/255.255.255.128",
    ...extra,
  };
}

function sslKey(): JsonObject {
  return {
    key_type: "RSA_4096",
    expire_datetime: "2034-01-01T00:00:00Z",
    signing_info: { country_code: "", state: "", city: "", organization: "", common_name: "", email_address: "" },
  };
}

function build(version: string): JsonObject {
  const commit = deterministicUuid("build", version).replace(/-/g, "").padEnd(40, "0").slice(0, 40);
  return { build_type: "release", version, full_version: `el8-release-${version}-stable-${commit}`, commit_id: commit, short_commit_id: commit.slice(0, 6), is_long_term_support: false };
}

/** Fields a PE and the PC share in `resources.config`. */
function commonConfig(version: string): JsonObject {
  return {
    software_map: softwareMap(version),
    encryption_status: "NOT_SUPPORTED",
    redundancy_factor: 2,
    domain_awareness_level: "NODE",
    enabled_feature_list: ["PASSWORD_REMOTE_LOGIN_ENABLED", "SHADOW_CLONES_ENABLED"],
    timezone: "UTC",
    operation_mode: "NORMAL",
  };
}

const KEYS = [{ name: "emulator", key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEmulatorPlaceholderKeyNotARealKey000000 emulator" }];

function renderPe(c: StoredCluster): JsonObject {
  const specConfig = { ...commonConfig(c.version), authorized_public_key_list: KEYS, supported_information_verbosity: "BASIC_PLUS_CORE_DUMP" };
  const extIp = c.externalIp;
  return {
    metadata: baseMetadata("cluster", c.uuid, c.creationTime),
    spec: { name: c.name, resources: { config: specConfig, network: network(extIp, { external_data_services_ip: extIp }) } },
    status: {
      name: c.name,
      state: "COMPLETE",
      resources: {
        config: { ...specConfig, ssl_key: sslKey(), service_list: ["AOS"], is_available: true, cluster_arch: "X86_64", build: build(c.version) },
        nodes: { hypervisor_server_list: c.hypervisorIps.map((ip) => ({ ip, type: "AHV", version: "el8.nutanix.20230302.101026" })) },
        network: network(extIp, { external_data_services_ip: extIp }),
      },
    },
  };
}

/** clusters/list entities: the Prism Central's cluster (service_list PRISM_CENTRAL), then the PEs. */
export function renderClusters(state: EmulatorState): JsonObject[] {
  const pc = state.prismCentral;
  const pcNet = network(pc.virtualIp, { fully_qualified_domain_name: `${pc.name}.emulator.local` });
  const pcEntity: JsonObject = {
    metadata: baseMetadata("cluster", pc.uuid, isoTime(0)),
    spec: { name: pc.name, resources: { config: commonConfig(pc.version), network: pcNet } },
    status: {
      name: pc.name,
      state: "COMPLETE",
      resources: {
        config: { ...commonConfig(pc.version), ssl_key: sslKey(), service_list: ["PRISM_CENTRAL"], is_available: true, cluster_arch: "X86_64", build: build(pc.version) },
        network: pcNet,
        runtime_status_list: ["SSP_CONFIG_OWNER"],
      },
    },
  };
  return [pcEntity, ...state.clusters.map(renderPe)];
}

/** GET /prism_central (no envelope), with the fields pc.2024.1 returned; one PC VM on the first PE. */
export function renderPrismCentral(state: EmulatorState): JsonObject {
  const pc = state.prismCentral;
  const pe = state.clusters[0];
  const net = state.subnets.find((s) => s.clusterUuid === pe?.uuid);
  const vm: JsonObject = {
    vm_name: `${pc.name}-pc-vm-1`,
    data_disk_size_bytes: 536_870_912_000,
    dns_server_ip_list: DNS,
    container_uuid: deterministicUuid("storage_container", "default-container"),
    nic_list: [{ network_configuration: { subnet_mask: "255.255.255.0", network_uuid: net?.uuid ?? deterministicUuid("subnet", "pc"), default_gateway: net?.gateway ?? pc.virtualIp }, ip_list: [pc.virtualIp] }],
    num_sockets: 10,
    memory_size_bytes: 70_866_960_384,
    status: "NORMAL",
    power_state: "ON",
    vm_uuid: deterministicUuid("pc_vm", pc.name),
    ntp_server_list: NTP,
    cluster_reference: { kind: "cluster", uuid: pe?.uuid ?? pc.uuid },
  };
  return {
    resources: {
      should_auto_register: false,
      is_registered_to_hosting_pe: true,
      cmsp_config: {
        platform_ip_block_list: ["192.168.6.2 192.168.6.25"],
        platform_network_configuration: { subnet_mask: "255.255.255.0", type: "kPrivateNetwork", default_gateway: "192.168.6.1" },
        pc_domain_name: "msp.cluster.local",
        cmsp_args: JSON.stringify({ cmsp_service_ip_network: "10.200.32.0/24", cmsp_pod_network: "10.100.0.0/16" }),
      },
      pc_size: "kSmall",
      version: pc.version,
      pc_vm_list: [vm],
      cluster_uuid: pc.uuid,
      type: "PC",
      virtual_ip: pc.virtualIp,
    },
  };
}


