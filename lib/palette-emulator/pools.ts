/**
 * What Palette derives from a machine pool's YAML (terraform-provider-spectrocloud
 * `extractMachinePoolNameFromYAML`: the `metadata.name` of the first document that has `spec.replicas` or
 * `spec.template`; control plane when the YAML contains `kind: KubeadmControlPlane`; the size is `spec.replicas`,
 * which librarium `create-manage-nutanix-cluster.md` says the node count "corresponds to"), and the control-plane
 * endpoint of the cloud config's NutanixCluster (CAPX `spec.controlPlaneEndpoint`).
 */
import { parseAllDocuments } from "yaml";

export interface DerivedPool {
  name: string;
  size: number;
  isControlPlane: boolean;
  machineTemplate: string;
}

type Doc = { kind?: unknown; metadata?: { name?: unknown }; spec?: Record<string, unknown> };

function docs(values: string): Doc[] | string {
  const out: Doc[] = [];
  for (const d of parseAllDocuments(values)) {
    if (d.errors.length > 0) return `YAML error: ${d.errors[0]!.message}`;
    const j = d.toJS() as unknown;
    if (j && typeof j === "object" && !Array.isArray(j)) out.push(j as Doc);
  }
  return out;
}

/** The pool's name, size, role and machine template, or an error message. */
export function derivePool(values: string): DerivedPool | string {
  const all = docs(values);
  if (typeof all === "string") return all;
  const main = all.find((d) => d.spec && ("replicas" in d.spec || "template" in d.spec));
  if (!main || typeof main.metadata?.name !== "string" || main.metadata.name === "") {
    return "no document with spec.replicas or spec.template and a metadata.name (expected a KubeadmControlPlane or MachineDeployment)";
  }
  const replicas = main.spec!.replicas;
  if (typeof replicas !== "number" || !Number.isInteger(replicas) || replicas < 0) return `${String(main.kind)} ${main.metadata.name}: spec.replicas must be a whole number, got ${JSON.stringify(replicas)}`;
  const nmt = all.find((d) => d.kind === "NutanixMachineTemplate");
  return {
    name: main.metadata.name,
    size: replicas,
    isControlPlane: /kind:\s*KubeadmControlPlane\b/.test(values),
    machineTemplate: typeof nmt?.metadata?.name === "string" ? nmt.metadata.name : "",
  };
}

/** `spec.controlPlaneEndpoint` of the NutanixCluster in a cloud config; a placeholder when absent. */
export function controlPlaneEndpoint(values: string): { host: string; port: number } {
  const all = docs(values);
  if (typeof all !== "string") {
    const nc = all.find((d) => d.kind === "NutanixCluster");
    const ep = nc?.spec?.controlPlaneEndpoint as { host?: unknown; port?: unknown } | undefined;
    if (ep && typeof ep.host === "string" && ep.host !== "") return { host: ep.host, port: typeof ep.port === "number" ? ep.port : 6443 };
  }
  return { host: "127.0.0.1", port: 6443 };
}
