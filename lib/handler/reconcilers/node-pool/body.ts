/**
 * What a new VM is made of: its v3 intent body (machine, NICs, cloud-init) and the cluster's bootstrap
 * secrets its user data carries.
 */
import type { Metadata, VmIntentInput, VmSpec } from "../../../prism/types";
import type { NodeSecrets } from "../../../render/cloud-init";
import { CATEGORY_KEYS, categoriesOf, categoryValue, vmDescription } from "../../ownership";
import { isDeleting, type Services } from "../../services";
import { readSecret } from "../../target";
import { deriveSecrets, renderMetaData, renderUserData, secretsFromVms } from "../../userdata";
import type { PoolStep } from "./decide";
import type { NodePoolResource } from "./machine";
import type { PoolTarget } from "./observe";

export type CreateStep = Extract<PoolStep, { op: "create" }>;

/** The VM body of a create. */
export function vmBody(s: Services, res: NodePoolResource, t: PoolTarget, step: CreateStep, secrets: NodeSecrets): VmIntentInput {
  const r = t.resolved;
  const m = res.spec.machine;
  const { cluster, endpoint } = t.parents;
  const userData = renderUserData({ cluster: cluster.spec, endpoint: endpoint.spec, pool: res.spec, vmName: step.name, role: step.role, secrets });
  const metadata: Metadata = { kind: "vm", uuid: step.uuid, categories: t.categories };
  if (r.projectUuid) metadata.project_reference = { kind: "project", uuid: r.projectUuid };
  const spec: VmSpec = {
    name: step.name,
    description: vmDescription({ stack: s.stack, resourceId: res.id, specHash: t.specHash, bootHash: t.bootHash }),
    cluster_reference: { kind: "cluster", uuid: r.clusterUuid },
    resources: {
      power_state: "ON",
      num_sockets: m.vcpuSockets,
      num_vcpus_per_socket: m.vcpusPerSocket,
      memory_size_mib: m.memoryMiB,
      disk_list: [
        {
          data_source_reference: { kind: "image", uuid: r.imageUuid },
          disk_size_mib: m.systemDiskMiB,
          device_properties: { device_type: "DISK", disk_address: { adapter_type: "SCSI", device_index: 0 } },
        },
      ],
      nic_list: r.subnets.map((sn) => ({ subnet_reference: { kind: "subnet", uuid: sn.uuid } })),
      guest_customization: {
        is_overridable: false,
        cloud_init: {
          user_data: Buffer.from(userData, "utf8").toString("base64"),
          meta_data: Buffer.from(renderMetaData(step.name, step.uuid), "utf8").toString("base64"),
        },
      },
      ...(m.bootType === "uefi" ? { boot_config: { boot_type: "UEFI" as const } } : {}),
      ...(r.gpuList.length > 0 ? { gpu_list: r.gpuList } : {}),
    },
  };
  return { api_version: "3.1", metadata, spec };
}

/** The cluster's bootstrap secrets: read back from its VMs, else derived (see userdata.ts); once per run. */
export function clusterSecrets(s: Services, res: NodePoolResource, t: PoolTarget): Promise<NodeSecrets> {
  const clusterId = res.spec.cluster;
  return s.cache.once(`secrets:${clusterId}`, async () => {
    const { cluster, endpoint } = t.parents;
    const inv = await s.inventory();
    const clusterValue = categoryValue(cluster.spec.name);
    const mine = inv.ownedByStack(s.identity).filter((v) => categoriesOf(v)[CATEGORY_KEYS.cluster] === clusterValue && !isDeleting(v));
    const cpValue = categoryValue("cp");
    const ordered = [...mine.filter((v) => categoriesOf(v)[CATEGORY_KEYS.pool] === cpValue), ...mine.filter((v) => categoriesOf(v)[CATEGORY_KEYS.pool] !== cpValue)];
    const found = secretsFromVms(ordered);
    const derived = deriveSecrets(s.login, s.stack, clusterId);
    const secrets: NodeSecrets = {
      bootstrapToken: found.bootstrapToken ?? derived.bootstrapToken,
      certificateKey: found.certificateKey ?? derived.certificateKey,
    };
    const peers = endpoint.spec.bgp?.peers ?? [];
    if (peers.some((p) => p.password)) {
      secrets.bgpPeerPasswords = peers.map((p, i) => (p.password ? readSecret(p.password, s.env, `${endpoint.id}: bgp.peers[${i}].password`) : undefined));
    }
    return secrets;
  });
}
