/** The request body of POST /vms and PUT /vms/{uuid}: its schema, with the reference's messages. */
import { z } from "zod";

const Ref = z.looseObject({ kind: z.string().optional(), uuid: z.string({ error: "expected a uuid" }), name: z.string().optional() });
const PosInt = (what: string) => z.number({ error: `expected ${what} (an integer ≥ 1)` }).int({ error: `expected ${what} (an integer ≥ 1)` }).min(1, { error: `expected ${what} (an integer ≥ 1)` });

const VmResourcesSchema = z.looseObject({
  power_state: z.enum(["ON", "OFF"], { error: "expected ON or OFF" }).optional(),
  num_sockets: PosInt("num_sockets").optional(),
  num_vcpus_per_socket: PosInt("num_vcpus_per_socket").optional(),
  memory_size_mib: PosInt("memory_size_mib").optional(),
  machine_type: z.enum(["PC", "PSERIES", "Q35"], { error: "expected PC, PSERIES or Q35" }).optional(),
  disk_list: z
    .array(
      z.looseObject({
        uuid: z.string().optional(),
        disk_size_mib: PosInt("disk_size_mib").optional(),
        disk_size_bytes: PosInt("disk_size_bytes").optional(),
        data_source_reference: Ref.optional(),
        device_properties: z
          .looseObject({
            device_type: z.enum(["DISK", "CDROM", "VOLUME_GROUP"], { error: "expected DISK, CDROM or VOLUME_GROUP" }).optional(),
            disk_address: z
              .looseObject({
                adapter_type: z.enum(["SCSI", "IDE", "PCI", "SATA", "SPAPR"], { error: "expected SCSI, IDE, PCI, SATA or SPAPR" }).optional(),
                device_index: z.number().int().min(0).optional(),
              })
              .optional(),
          })
          .optional(),
      }),
      { error: "expected a list of disks" },
    )
    .optional(),
  nic_list: z
    .array(
      z.looseObject({
        uuid: z.string().optional(),
        subnet_reference: Ref,
        ip_endpoint_list: z.array(z.looseObject({ ip: z.string(), type: z.enum(["ASSIGNED"], { error: "only ASSIGNED in a spec" }).optional() })).optional(),
      }),
      { error: "expected a list of NICs" },
    )
    .optional(),
  guest_customization: z
    .looseObject({ cloud_init: z.looseObject({ user_data: z.string().optional(), meta_data: z.string().optional() }).optional() })
    .optional(),
  gpu_list: z
    .array(
      z.looseObject({
        vendor: z.enum(["NVIDIA", "INTEL", "AMD"], { error: "expected NVIDIA, INTEL or AMD" }).optional(),
        mode: z.enum(["PASSTHROUGH_GRAPHICS", "PASSTHROUGH_COMPUTE", "VIRTUAL"], { error: "expected PASSTHROUGH_GRAPHICS, PASSTHROUGH_COMPUTE or VIRTUAL" }).optional(),
        device_id: z.number({ error: "expected a device_id (integer)" }).int({ error: "expected a device_id (integer)" }).min(0).optional(),
      }),
      { error: "expected a list of GPUs" },
    )
    .optional(),
  boot_config: z.looseObject({ boot_type: z.enum(["UEFI", "LEGACY", "SECURE_BOOT"], { error: "expected UEFI, LEGACY or SECURE_BOOT" }).optional() }).optional(),
});

export const VmBodySchema = z.looseObject({
  api_version: z.string().optional(),
  metadata: z.looseObject(
    {
      kind: z.literal("vm", { error: 'expected kind "vm"' }),
      uuid: z.string().optional(),
      spec_version: z.number().int().min(0).optional(),
      categories: z.record(z.string(), z.string(), { error: "expected {key: value}" }).optional(),
      categories_mapping: z.record(z.string(), z.array(z.string()), { error: "expected {key: [values]}" }).optional(),
      use_categories_mapping: z.boolean().optional(),
      project_reference: Ref.optional(),
      owner_reference: Ref.optional(),
    },
    { error: "'metadata' is a required property" },
  ),
  spec: z.looseObject(
    {
      name: z.string({ error: "expected a VM name" }).min(1, { error: "expected a non-empty VM name" }).max(256, { error: "expected at most 256 characters" }),
      description: z.string().max(1000).optional(),
      cluster_reference: Ref,
      resources: VmResourcesSchema,
    },
    { error: "'spec' is a required property" },
  ),
});
export type VmBody = z.infer<typeof VmBodySchema>;
