// NutanixStack lives in the stack layer (lib/stack); it is re-exported here so every construct is in one list.
export { NutanixStack } from "../stack/nutanix-stack";
export type { NutanixStackProps } from "../stack/nutanix-stack";
export { isSynthFileProducer } from "./synth-file";
export type { SynthFile, SynthFileProducer, ISynthFileProducer } from "./synth-file";
export { NutanixResource } from "./resource";
export { PrismCentralAccount } from "./prism-central-account";
export type { PrismCentralAccountProps } from "./prism-central-account";
export { NutanixCluster } from "./nutanix-cluster";
export type { NutanixClusterProps, ControlPlaneProps, WorkerPoolProps, NodeNetworkProps, IpRangeProps, CapxExportProps, CniProps, ClusterProxyProps } from "./nutanix-cluster";
export { NodePool } from "./node-pool";
export type { NodePoolProps, NodePoolOptions, AutoscalingProps, NodePoolData } from "./node-pool";
export { KubeVipEndpoint } from "./kube-vip-endpoint";
export type { KubeVipEndpointProps, KubeVipEndpointOptions, BgpProps, BgpPeerProps, LeaderElectionProps } from "./kube-vip-endpoint";
export { PrivateCloudGateway } from "./private-cloud-gateway";
export type { PrivateCloudGatewayProps, PaletteProps, ProxyProps, PcgHostPlacement, PcgHostClusterProps, PrivateCloudGatewayWithHostProps } from "./private-cloud-gateway";
export type { NutanixMachineProps, EntityReference, GpuDevice, NodeTaint } from "./machine";
export { Credentials, Secret, Image, Subnet, PrismElementCluster, Project } from "./references";
export type { NameReference, UuidReference } from "./references";
