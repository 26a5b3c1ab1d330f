/**
 * CAPX manifests for a cluster of a plan: what a Palette custom-cloud user or a `clusterctl` user
 * applies to get from Cluster API Provider Nutanix the same cluster the handler builds directly.
 * One builder per CAPX template (this folder); object shapes follow CAPX's `templates/base/*.yaml`
 * with Palette's naming; credentials are `${NUTANIX_USER}` / `${NUTANIX_PASSWORD}` placeholders,
 * never values.
 */
import type { Plan } from "../../schema/plan";
import { toYamlDocuments } from "../yaml";
import { clusterObject } from "./cluster";
import { trustBundleConfigMap } from "./config-map";
import { capxContext } from "./context";
import { kubeadmConfigTemplate } from "./kubeadm-config-template";
import { kubeadmControlPlane } from "./kubeadm-control-plane";
import { machineDeployment } from "./machine-deployment";
import { machineHealthCheck } from "./machine-health-check";
import { nutanixMachineTemplate } from "./machine-template";
import { nutanixClusterObject } from "./nutanix-cluster";
import { credentialsSecret } from "./secret";
import type { CapxOptions, KubeObject } from "./types";

export {
  BOOTSTRAP_API_GROUP,
  CLUSTER_API_GROUP,
  CLUSTER_NAME_LABEL,
  CONTROL_PLANE_API_GROUP,
  CREDENTIAL_PLACEHOLDERS,
  DEPLOYMENT_NAME_LABEL,
  INFRASTRUCTURE_API_GROUP,
} from "./api";
export { failureDomains } from "./failure-domains";
export { resourceIdentifier } from "./identifiers";
export { capxNames, specHash, templateName, TEMPLATE_HASH_LENGTH } from "./names";
export type { CapxOptions, KubeObject } from "./types";

/**
 * The CAPX and Cluster API objects for the NutanixCluster `clusterId` of `plan`, in apply order:
 * Secret (credential placeholders), ConfigMap (trust bundle, when the account has one), Cluster,
 * NutanixCluster, KubeadmControlPlane, the control-plane NutanixMachineTemplate, then per worker pool
 * a NutanixMachineTemplate, KubeadmConfigTemplate and MachineDeployment, and the MachineHealthCheck.
 * Pure and deterministic; contains no secret value.
 * @throws ValidationError when `clusterId` or one of its references is missing or of another kind.
 */
export function capxManifests(plan: Plan, clusterId: string, options: CapxOptions = {}): KubeObject[] {
  const c = capxContext(plan, clusterId, options);
  const objects: KubeObject[] = [credentialsSecret(c)];
  const cm = trustBundleConfigMap(c);
  if (cm) objects.push(cm);
  const cpTemplate = nutanixMachineTemplate(c, c.names.cpTemplate, c.cp, `nutanix://${c.cluster.name}-m1-cp-0`);
  objects.push(clusterObject(c), nutanixClusterObject(c), kubeadmControlPlane(c, cpTemplate.metadata.name), cpTemplate);
  for (const w of c.workers) {
    const machine = nutanixMachineTemplate(c, c.names.workerTemplate(w.name), w, `nutanix://${c.cluster.name}-m1-${w.name}-mt-0`);
    const bootstrap = kubeadmConfigTemplate(c, w);
    objects.push(machine, bootstrap, machineDeployment(c, w, { machine: machine.metadata.name, bootstrap: bootstrap.metadata.name }));
  }
  if (c.machineHealthCheck) objects.push(machineHealthCheck(c));
  return objects;
}

/** The objects of {@link capxManifests} as one multi-document YAML string (deterministic). */
export function capxManifestsYaml(objects: readonly KubeObject[]): string {
  return toYamlDocuments(objects);
}
