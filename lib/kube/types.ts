/**
 * The parts of Kubernetes API objects this library reads and writes (Kubernetes API reference v1.30:
 * core/v1 Node, Pod, Secret, ConfigMap, meta/v1 Status, policy/v1 Eviction). Unknown fields are kept as
 * they come; only the fields named here are relied on.
 */

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: Array<{ apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }>;
}

export interface NodeCondition {
  type: string;
  status: "True" | "False" | "Unknown";
  reason?: string;
  message?: string;
  lastHeartbeatTime?: string;
  lastTransitionTime?: string;
}

export interface Node {
  apiVersion?: "v1";
  kind?: "Node";
  metadata: ObjectMeta;
  spec?: { unschedulable?: boolean; taints?: Array<{ key: string; value?: string; effect: string }>; providerID?: string };
  status?: {
    conditions?: NodeCondition[];
    nodeInfo?: { kubeletVersion?: string; kubeProxyVersion?: string };
    addresses?: Array<{ type: string; address: string }>;
  };
}

export interface Pod {
  apiVersion?: "v1";
  kind?: "Pod";
  metadata: ObjectMeta;
  spec?: { nodeName?: string; volumes?: Array<{ name: string; emptyDir?: object }> };
  status?: { phase?: "Pending" | "Running" | "Succeeded" | "Failed" | "Unknown" };
}

export interface ListOf<T> {
  apiVersion?: string;
  kind?: string;
  metadata?: { resourceVersion?: string; continue?: string };
  items: T[];
}

export interface ConfigMap {
  apiVersion?: "v1";
  kind?: "ConfigMap";
  metadata: ObjectMeta;
  data?: Record<string, string>;
}

export interface Secret {
  apiVersion?: "v1";
  kind?: "Secret";
  metadata: ObjectMeta;
  type?: string;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

/** meta/v1 Status, the body of every API error. */
export interface Status {
  kind: "Status";
  apiVersion: "v1";
  metadata: Record<string, never> | { resourceVersion?: string };
  status: "Success" | "Failure";
  message?: string;
  reason?: string;
  details?: { name?: string; group?: string; kind?: string; causes?: Array<{ reason?: string; message?: string; field?: string }> };
  code: number;
}
