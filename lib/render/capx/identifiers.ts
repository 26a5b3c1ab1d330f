/** Plan values in CAPX's forms: NutanixResourceIdentifiers, GPUs and resource quantities. */
import type { z } from "zod";
import type { GpuSpec } from "../../schema/node-pool";
import type { EntityRef } from "../../schema/refs";

/** A NutanixResourceIdentifier from a plan entity reference. */
export function resourceIdentifier(ref: EntityRef): { type: "name"; name: string } | { type: "uuid"; uuid: string } {
  return "uuid" in ref ? { type: "uuid", uuid: ref.uuid } : { type: "name", name: ref.name };
}

/** A NutanixGPU from a plan GPU. */
export function gpu(g: z.infer<typeof GpuSpec>): { type: "name"; name: string } | { type: "deviceID"; deviceID: number } {
  return "name" in g ? { type: "name", name: g.name } : { type: "deviceID", deviceID: g.deviceId };
}

/** `8192Mi` for memory; disks in whole `Gi` when they divide evenly, else `Mi`. */
export function quantity(mib: number, preferGi: boolean): string {
  return preferGi && mib % 1024 === 0 ? `${mib / 1024}Gi` : `${mib}Mi`;
}
