/**
 * The cloud config and the pool templates Palette's custom cloud `nutanix` takes, rendered with the CAPX builders
 * (lib/render/capx, one per CAPX template) and Palette's edits. Sources: librarium
 * `clusters/data-center/nutanix/register-nutanix-cloud.md` (which objects each template keeps; no namespace;
 * `${CLUSTER_NAME}-cp-0`; providerID `nutanix://${CLUSTER_NAME}-m1-cp-0`; `systemctl enable --now iscsid` for
 * nutanix-csi) and terraform-provider-spectrocloud `examples/resources/spectrocloud_cluster_custom_cloud/config_templates`
 * (`cloud_config.yaml`, `cp_pool_config.yaml`, `worker_pool_config.yaml`: every variable rendered client-side but the
 * credentials, sent as literal `${NUTANIX_USER}` / `${NUTANIX_PASSWORD}` for Palette to fill from the account).
 */
import { clusterObject } from "../capx/cluster";
import { trustBundleConfigMap } from "../capx/config-map";
import type { CapxContext } from "../capx/context";
import { kubeadmConfigTemplate } from "../capx/kubeadm-config-template";
import { kubeadmControlPlane } from "../capx/kubeadm-control-plane";
import { machineDeployment } from "../capx/machine-deployment";
import { machineHealthCheck } from "../capx/machine-health-check";
import { nutanixMachineTemplate } from "../capx/machine-template";
import { nutanixClusterObject } from "../capx/nutanix-cluster";
import { credentialsSecret } from "../capx/secret";
import type { KubeObject } from "../capx/types";
import { toYamlDocuments } from "../yaml";
import { paletteContext } from "./context";
import type { PaletteClusterDescription, PalettePoolTemplate, PaletteTemplates } from "./types";

/** An object as Palette takes it: no `metadata.namespace` (Palette provides its own namespace). */
export type PaletteObject = Omit<KubeObject, "metadata"> & { metadata: Omit<KubeObject["metadata"], "namespace"> };

/** `o` without its namespace. */
export function withoutNamespace(o: KubeObject): PaletteObject {
  const { namespace: _namespace, ...metadata } = o.metadata;
  return { ...o, metadata };
}

/** The objects of the cloud cluster template, in the terraform example's order: ConfigMap (trust bundle), Secret, Cluster, NutanixCluster, MachineHealthCheck. */
export function cloudConfigObjects(c: CapxContext): PaletteObject[] {
  const objects: KubeObject[] = [];
  const cm = trustBundleConfigMap(c);
  if (cm) objects.push(cm);
  objects.push(credentialsSecret(c), clusterObject(c), nutanixClusterObject(c), machineHealthCheck(c));
  return objects.map(withoutNamespace);
}

/**
 * The control-plane pool: the KubeadmControlPlane first, then its NutanixMachineTemplate. Order matters:
 * terraform-provider-spectrocloud's `extractMachinePoolNameFromYAML` names the pool after the first document with
 * `spec.replicas` or `spec.template`, and a NutanixMachineTemplate has `spec.template`.
 */
export function controlPlaneObjects(c: CapxContext): PaletteObject[] {
  const nmt = named(nutanixMachineTemplate(c, c.names.cpTemplate, c.cp, `nutanix://${c.cluster.name}-m1-cp-0`), c.names.cpTemplate);
  return [kubeadmControlPlane(c, nmt.metadata.name), nmt].map(withoutNamespace);
}

/**
 * `o` under an exact name. Palette names templates itself (`${CLUSTER_NAME}-cp-0`) and a machine change
 * renames the NutanixMachineTemplate through the pool's `templateSuffix` (then the repave is approved),
 * so these templates take the names of the context rather than the CAPX export's spec-hash names.
 */
function named(o: KubeObject, name: string): KubeObject {
  return { ...o, metadata: { ...o.metadata, name } };
}

/** A worker pool: the MachineDeployment first (see {@link controlPlaneObjects}), its NutanixMachineTemplate and KubeadmConfigTemplate (the terraform example's order). */
export function workerObjects(c: CapxContext, pool: string): PaletteObject[] {
  const w = c.workers.find((x) => x.name === pool);
  if (!w) throw new Error(`cannot render the Palette templates: cluster ${JSON.stringify(c.cluster.name)} has no worker pool ${JSON.stringify(pool)}`);
  const machine = named(nutanixMachineTemplate(c, c.names.workerTemplate(w.name), w, `nutanix://${c.cluster.name}-m1-${w.name}-mt-0`), c.names.workerTemplate(w.name));
  const bootstrap = named(kubeadmConfigTemplate(c, w), `${c.names.kubeadmConfigTemplate(w.name)}-0`);
  return [machineDeployment(c, w, { machine: machine.metadata.name, bootstrap: bootstrap.metadata.name }), machine, bootstrap].map(withoutNamespace);
}

/**
 * The rendered cloud config and pool templates of a cluster: what `POST /v1/spectroclusters/cloudTypes/nutanix`
 * (and `…/validate`) carries in `cloudConfig.values` and `machinepoolconfig[].cloudConfig.values`, and what a pool
 * PUT sends. Pure and deterministic; contains no secret (credentials are placeholders).
 * @throws ValidationError naming the cluster and every bad field of the description.
 */
export function paletteTemplates(d: PaletteClusterDescription): PaletteTemplates {
  const c = paletteContext(d);
  const controlPlane: PalettePoolTemplate = { name: c.names.kcp, pool: c.cp.name, isControlPlane: true, replicas: c.cp.replicas, values: toYamlDocuments(controlPlaneObjects(c)) };
  const workers = c.workers.map((w): PalettePoolTemplate => ({ name: c.names.machineDeployment(w.name), pool: w.name, isControlPlane: false, replicas: w.replicas, values: toYamlDocuments(workerObjects(c, w.name)) }));
  return { cloudConfig: toYamlDocuments(cloudConfigObjects(c)), controlPlane, workers };
}
