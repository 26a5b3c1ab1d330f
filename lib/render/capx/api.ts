/** API groups, labels and placeholders of the CAPX and Cluster API objects (CAPX `templates/base/*.yaml`). */

/** The Cluster API group of Cluster, MachineDeployment and MachineHealthCheck. */
export const CLUSTER_API_GROUP = "cluster.x-k8s.io";
/** The group of KubeadmControlPlane. */
export const CONTROL_PLANE_API_GROUP = "controlplane.cluster.x-k8s.io";
/** The group of KubeadmConfigTemplate. */
export const BOOTSTRAP_API_GROUP = "bootstrap.cluster.x-k8s.io";
/** The group of the CAPX kinds, always served as v1beta1. */
export const INFRASTRUCTURE_API_GROUP = "infrastructure.cluster.x-k8s.io";
/** The label that ties every object to its cluster. */
export const CLUSTER_NAME_LABEL = "cluster.x-k8s.io/cluster-name";
/** The label CAPI puts on the Machines of a MachineDeployment. */
export const DEPLOYMENT_NAME_LABEL = "cluster.x-k8s.io/deployment-name";
/** Placeholders of the credentials Secret, substituted by clusterctl or Palette (cloud account keys). */
export const CREDENTIAL_PLACEHOLDERS = { username: "${NUTANIX_USER}", password: "${NUTANIX_PASSWORD}" } as const;
/** The hostname cloud-init gives a CAPX machine (CAPX templates' `{{ ds.meta_data.hostname }}`). */
export const CAPX_HOSTNAME = "{{ ds.meta_data.hostname }}";
