/**
 * Pure renderers: the kube-vip static pod, cloud-init user data for kubeadm nodes, and CAPX manifests.
 * String/object in, string/object out; no I/O; the same input gives byte-identical output.
 */
export {
  ADMIN_KUBECONFIG,
  SUPER_ADMIN_KUBECONFIG,
  KUBE_VIP_MANIFEST_PATH,
  KUBEADM_INIT_CONFIG_PATH,
  BGP_ROUTER_ID_PLACEHOLDER,
  bgpPeerPasswordPlaceholder,
  bgpRouterIdCommands,
  bgpPeersValue,
  kubeVipEnv,
  kubeVipPod,
  kubeVipManifestYaml,
  needsSuperAdminSwap,
  superAdminPreKubeadmCommands,
  superAdminPostKubeadmCommands,
  type EnvVar,
  type KubeVipPod,
  type KubeVipPodOptions,
} from "./kube-vip";
export {
  BOOTSTRAP_SUCCESS_PATH,
  KUBEADM_JOIN_CONFIG_PATH,
  MANIFESTS_DIR_PREFLIGHT,
  kubeadmConfigDocuments,
  metaData,
  nodeSshKeys,
  nodeUserData,
  redactUserData,
  type NodeRole,
  type NodeSecrets,
  type NodeUserDataInput,
} from "./cloud-init";
export {
  BOOTSTRAP_API_GROUP,
  CLUSTER_API_GROUP,
  CLUSTER_NAME_LABEL,
  CONTROL_PLANE_API_GROUP,
  CREDENTIAL_PLACEHOLDERS,
  DEPLOYMENT_NAME_LABEL,
  INFRASTRUCTURE_API_GROUP,
  capxManifests,
  capxManifestsYaml,
  capxNames,
  failureDomains,
  resourceIdentifier,
  type CapxOptions,
  type KubeObject,
} from "./capx";
export {
  CONTROL_PLANE_TAINT,
  EVICTION_HARD,
  TLS_CIPHER_SUITES,
  kubeadmApiVersion,
  type ArgStyle,
  type NamedArg,
} from "./kubeadm";
export { cniApplyCommands, cniManifestUrl } from "./cni";
export {
  BUILTIN_NO_PROXY,
  CONTAINERD_PROXY_DROPIN,
  KUBELET_PROXY_DROPIN,
  PROXY_CA_PATH,
  effectiveNoProxy,
  proxyCommands,
  proxyEnvPrefix,
  proxyVariables,
  proxyWriteFiles,
  type WriteFile,
} from "./proxy";
export { toYaml, toYamlDocuments } from "./yaml";
