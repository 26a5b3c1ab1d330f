/**
 * Hand-written types for the Palette operations this library uses, named after the definitions of
 * Palette's Swagger 2.0 spec (spectrocloud/palette-sdk-go `api/spec/palette-apis-spec.json`, "Palette APIs -
 * 4.8"): `V1Overlord` is `#/definitions/v1Overlord`, and so on. Only the fields the flow reads or writes are
 * listed; every field is optional unless the spec marks it `required`.
 */

/** `v1ObjectMeta`. */
export interface V1ObjectMeta {
  uid?: string;
  name?: string;
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
  creationTimestamp?: string;
  lastModifiedTimestamp?: string;
  deletionTimestamp?: string;
}

/** `v1ObjectMetaInputEntity`: the metadata of a create or update body. */
export interface V1ObjectMetaInputEntity {
  name?: string;
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
}

/** `v1ObjectEntity`. */
export interface V1ObjectEntity {
  name?: string;
  uid?: string;
}

/** `v1ObjectReference`. */
export interface V1ObjectReference {
  kind?: string;
  name?: string;
  uid?: string;
}

/** `v1ListMetaData`: an empty or absent `continue` ends a listing. */
export interface V1ListMetaData {
  continue?: string;
  count?: number;
  limit?: number;
  offset?: number;
}

/** `v1Uid`: the answer of a create (201). */
export interface V1Uid {
  uid: string;
}

/** `v1DeletedMsg`. */
export interface V1DeletedMsg {
  msg?: string;
}

/**
 * `models.V1Error` of palette-sdk-go (`api/spec/error_v1.json`); not a definition of the API spec itself but
 * the body of every error answer.
 */
export interface V1Error {
  code?: string;
  message?: string;
  details?: unknown;
  ref?: string;
}

/** `v1SpectroClusterHealthStatus`. */
export interface V1SpectroClusterHealthStatus {
  state?: string;
  agentVersion?: string;
  lastHeartBeatTimestamp?: string;
  conditions?: { type?: string; message?: string }[];
}

// ---- projects and cluster profiles ----

/** `v1ProjectsMetadata` (`GET /v1/dashboard/projects/metadata`). */
export interface V1ProjectsMetadata {
  items: { metadata?: V1ObjectEntity }[];
}

/** `v1ClusterProfileMetadata`. */
export interface V1ClusterProfileMetadata {
  metadata?: V1ObjectEntity;
  spec?: { cloudType?: string; version?: string };
}

/** `v1ClusterProfilesMetadata` (`GET /v1/dashboard/clusterprofiles/metadata`). */
export interface V1ClusterProfilesMetadata {
  items: V1ClusterProfileMetadata[];
}

// ---- custom cloud types ----

/** `v1CustomCloudType`. */
export interface V1CustomCloudType {
  name?: string;
  displayName?: string;
  cloudCategory?: "datacenter" | "cloud" | "edge";
  cloudFamily?: string;
  isCustom?: boolean;
  isManaged?: boolean;
  isVertex?: boolean;
  logo?: string;
}

/** `v1CustomCloudTypes` (`GET /v1/clouds/cloudTypes`). */
export interface V1CustomCloudTypes {
  cloudTypes?: V1CustomCloudType[];
}

/** `v1CustomCloudRequestEntity` (`POST /v1/clouds/cloudTypes/register`). */
export interface V1CustomCloudRequestEntity {
  metadata?: V1ObjectMetaInputEntity;
  spec?: {
    cloudCategory?: "datacenter" | "cloud" | "edge";
    displayName?: string;
    isControlPlaneManaged?: boolean;
    logo?: string;
  };
}

/** `v1CustomCloudTypeCloudAccountKeys`. */
export interface V1CustomCloudTypeCloudAccountKeys {
  keys?: string[];
}

/** `v1CustomCloudTypeContentResponse`. */
export interface V1CustomCloudTypeContentResponse {
  yaml?: string;
}

// ---- PCG (overlords) ----

/** `v1OverloadSpec` (sic: the spec spells it so). */
export interface V1OverloadSpec {
  cloudAccountUid?: string;
  ipAddress?: string;
  isSelfHosted?: boolean;
  isSystem?: boolean;
  spectroClusterUid?: string;
  tenantUid?: string;
}

/** `v1OverloadStatus`. */
export interface V1OverloadStatus {
  state?: string;
  isActive?: boolean;
  isReady?: boolean;
  health?: V1SpectroClusterHealthStatus;
  kubectlCommands?: string[];
  notifications?: { isAvailable?: boolean; isTemplateVariableResolutionPending?: boolean };
}

/** `v1Overlord`. */
export interface V1Overlord {
  kind?: string;
  metadata?: V1ObjectMeta;
  spec?: V1OverloadSpec;
  status?: V1OverloadStatus;
}

/** `v1Overlords` (`GET /v1/overlords`, not paginated). */
export interface V1Overlords {
  items: V1Overlord[];
}

/** `v1PcgSelfHostedParams` (`POST /v1/pcg/selfHosted`). */
export interface V1PcgSelfHostedParams {
  name?: string;
  cloudType?: string;
}

/** `v1PcgServiceKubectlCommands`: the answer of `POST /v1/pcg/selfHosted`. */
export interface V1PcgServiceKubectlCommands {
  kubectlCommands: string[];
  overlordUid?: string;
}

// ---- cloud accounts ----

/** `v1CustomCloudAccount`: `credentials` is a string map (all values strings). */
export interface V1CustomCloudAccount {
  credentials: Record<string, string>;
}

/** `v1CustomAccountEntity`: body of the create and update of a custom cloud account. */
export interface V1CustomAccountEntity {
  metadata?: V1ObjectMetaInputEntity;
  spec?: V1CustomCloudAccount;
}

/** `v1CloudAccountStatus`. */
export interface V1CloudAccountStatus {
  state?: string;
  tokenExpiry?: string;
  tokenGenerationTime?: string;
}

/** `v1CustomAccount`. */
export interface V1CustomAccount {
  apiVersion?: string;
  kind?: string;
  metadata?: V1ObjectMeta;
  spec?: V1CustomCloudAccount;
  status?: V1CloudAccountStatus;
}

/** `v1CustomAccounts`. */
export interface V1CustomAccounts {
  items: V1CustomAccount[];
  listmeta?: V1ListMetaData;
}

// ---- clusters ----

/** `v1CustomClusterConfig`. */
export interface V1CustomClusterConfig {
  values: string;
}

/** `v1Taint`. */
export interface V1Taint {
  key?: string;
  value?: string;
  effect?: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
  timeAdded?: string;
}

/** `v1CustomMachinePoolBaseConfigEntity`. */
export interface V1CustomMachinePoolBaseConfigEntity {
  isControlPlane?: boolean;
  useControlPlaneAsWorker?: boolean;
  taints?: V1Taint[];
  additionalLabels?: Record<string, string>;
}

/** `v1CustomMachinePoolConfigEntity`: a pool of a create, or the body of a pool create or update. */
export interface V1CustomMachinePoolConfigEntity {
  cloudConfig: { values?: string };
  poolConfig?: V1CustomMachinePoolBaseConfigEntity;
}

/** `v1SpectroClusterProfileEntity`. */
export interface V1SpectroClusterProfileEntity {
  uid?: string;
  packValues?: { name: string; tag?: string; type?: string; values?: string }[];
  variables?: { name: string; value?: string }[];
  replaceWithProfile?: string;
}

/** `v1CustomClusterConfigEntity`. */
export interface V1CustomClusterConfigEntity {
  timezone?: string;
  machineManagementConfig?: { osPatchConfig?: { schedule?: string; patchOnBoot?: boolean; rebootIfRequired?: boolean } };
}

/**
 * `v1SpectroCustomClusterEntity` (`POST /v1/spectroclusters/cloudTypes/{cloudType}` and `…/validate`). Note
 * the lower-case `machinepoolconfig` key of the spec.
 */
export interface V1SpectroCustomClusterEntity {
  metadata?: V1ObjectMetaInputEntity;
  spec?: {
    cloudType: string;
    cloudAccountUid: string;
    cloudConfig: V1CustomClusterConfig;
    clusterConfig?: V1CustomClusterConfigEntity;
    clusterTemplate?: { uid?: string };
    clusterType?: "PureManage" | "PureAttach";
    machinepoolconfig?: V1CustomMachinePoolConfigEntity[];
    profiles?: V1SpectroClusterProfileEntity[];
  };
}

/** `v1ConstraintValidatorResult`. */
export interface V1ConstraintValidatorResult {
  name?: string;
  displayName?: string;
  errors?: { code?: string; message?: string }[];
}

/** `v1SpectroClusterValidatorResponse`. */
export interface V1SpectroClusterValidatorResponse {
  machinePools?: { results?: V1ConstraintValidatorResult[] };
  profiles?: { name?: string; uid?: string; packs?: { results?: V1ConstraintValidatorResult[] } }[];
}

/** `v1ClusterRepaveState`. */
export type V1ClusterRepaveState = "Pending" | "Approved" | "Reverted";

/** `v1SpectroClusterStatus` (the fields read). */
export interface V1SpectroClusterStatus {
  state?: string;
  apiEndpoints?: { host: string; port: number }[];
  conditions?: { type: string; status: string; reason?: string; message?: string }[];
  repave?: { state?: V1ClusterRepaveState };
}

/** `v1SpectroCluster`. */
export interface V1SpectroCluster {
  apiVersion?: string;
  kind?: string;
  metadata?: V1ObjectMeta;
  spec?: {
    cloudType?: string;
    cloudConfigRef?: V1ObjectReference;
    clusterType?: string;
  };
  status?: V1SpectroClusterStatus;
}

/** `v1KubeMeta`. */
export interface V1KubeMeta {
  hasKubeConfig?: boolean;
  hasKubeConfigClient?: boolean;
  hasManifest?: boolean;
  kubernetesVersion?: string;
}

/** `v1MachinePoolMeta`. */
export interface V1MachinePoolMeta {
  cloudType?: string;
  isControlPlane?: boolean;
  size?: number;
  healthy?: number;
  labels?: string[];
}

/** `v1SpectroClusterUidSummary` (`GET /v1/dashboard/spectroclusters/{uid}/overview`). */
export interface V1SpectroClusterUidSummary {
  metadata?: V1ObjectMeta;
  spec?: {
    cloudConfig?: { cloudType?: string; uid?: string; machinePools?: V1MachinePoolMeta[] };
    cloudaccount?: V1ObjectEntity;
  };
  status?: {
    state?: string;
    health?: V1SpectroClusterHealthStatus;
    kubeMeta?: V1KubeMeta;
  };
}

/** `v1SearchFilterItem` (string and bool conditions only: what a lookup by name needs). */
export interface V1SearchFilterItem {
  property?: string;
  type?: "string" | "int" | "float" | "bool" | "date" | "keyValue";
  condition?: {
    string?: {
      ignoreCase?: boolean;
      negation?: boolean;
      operator?: "eq" | "contains" | "beginsWith";
      match?: { conjunction?: "and" | "or" | null; values?: string[] };
    };
    bool?: { value?: boolean };
  };
}

/** `v1SearchFilterSummarySpec` (`POST /v1/dashboard/spectroclusters/search`). */
export interface V1SearchFilterSummarySpec {
  filter?: {
    conjunction?: "and" | "or" | null;
    filterGroups?: { conjunction?: "and" | "or" | null; filters?: V1SearchFilterItem[] }[];
  };
  sort?: { field?: string | null; order?: "asc" | "desc" }[];
}

/** `v1SpectroClusterSummary`. */
export interface V1SpectroClusterSummary {
  metadata?: V1ObjectMeta;
  status?: { state?: string; health?: V1SpectroClusterHealthStatus };
}

/** `v1SpectroClustersSummary`. */
export interface V1SpectroClustersSummary {
  items: V1SpectroClusterSummary[];
  listmeta?: V1ListMetaData;
}

/** `v1CustomMachinePoolConfig`: a pool as the cloud config reports it (name and size derived from its YAML). */
export interface V1CustomMachinePoolConfig {
  name?: string;
  size?: number;
  isControlPlane: boolean;
  useControlPlaneAsWorker?: boolean;
  values?: string;
  taints?: V1Taint[];
  additionalLabels?: Record<string, string>;
  additionalAnnotations?: Record<string, string>;
  overrideKubeadmConfiguration?: string;
}

/** `v1CustomCloudConfig` (`GET /v1/cloudconfigs/cloudTypes/{cloudType}/{configUid}`). */
export interface V1CustomCloudConfig {
  kind?: string;
  metadata?: V1ObjectMeta;
  spec?: {
    cloudAccountRef?: V1ObjectReference;
    clusterConfig?: V1CustomClusterConfig;
    machinePoolConfig?: V1CustomMachinePoolConfig[];
  };
}

/** `v1SpectroClusterRepave` (`GET /v1/spectroclusters/{uid}/repave/status`). */
export interface V1SpectroClusterRepave {
  metadata?: V1ObjectMeta;
  spec?: { spectroClusterUid?: string; reasons?: { code?: string; message?: string }[] };
  status?: { state?: V1ClusterRepaveState; message?: string; repaveTransitionTime?: string };
}
