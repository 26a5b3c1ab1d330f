/** The NutanixMachineTemplate of a pool: CAPX `templates/base/nmt.yaml`. */
import type { NodePoolSpec } from "../../schema/node-pool";
import { INFRASTRUCTURE_API_GROUP } from "./api";
import type { CapxContext } from "./context";
import { gpu, quantity, resourceIdentifier } from "./identifiers";
import { templateName } from "./names";
import type { KubeObject } from "./types";

/**
 * The NutanixMachineTemplate of `pool`: sizes, image, Prism Element cluster, subnets, project, categories
 * and GPUs, named `<prefix>-<8 hex of its spec>` so that a changed spec is a new template (see names.ts).
 */
export function nutanixMachineTemplate(c: CapxContext, prefix: string, pool: NodePoolSpec, providerID: string): KubeObject {
  const m = pool.machine;
  const spec: Record<string, unknown> = {
    providerID,
    bootType: m.bootType,
    vcpusPerSocket: m.vcpusPerSocket,
    vcpuSockets: m.vcpuSockets,
    memorySize: quantity(m.memoryMiB, false),
    systemDiskSize: quantity(m.systemDiskMiB, true),
    image: resourceIdentifier(m.image),
    cluster: resourceIdentifier(m.cluster),
    subnet: m.subnets.map(resourceIdentifier),
  };
  if (m.project) spec.project = resourceIdentifier(m.project);
  const categories = Object.keys(m.additionalCategories).sort();
  if (categories.length > 0) spec.additionalCategories = categories.map((key) => ({ key, value: m.additionalCategories[key] }));
  if (m.gpus.length > 0) spec.gpus = m.gpus.map(gpu);
  const body = { template: { spec } };
  return { apiVersion: `${INFRASTRUCTURE_API_GROUP}/v1beta1`, kind: "NutanixMachineTemplate", metadata: c.meta(templateName(prefix, body)), spec: body };
}
