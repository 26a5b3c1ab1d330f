/** Day-2 Kubernetes: the cluster PKI, kubeconfig, the Kubernetes API and etcd clients, and pure KCP-like decisions. */
export * from "./errors";
export * from "./keys";
export * from "./pki";
export * from "./bootstrap-token";
export * from "./kubeconfig";
export * from "./transport";
export * from "./types";
export * from "./nodes";
export * from "./drain-filter";
export * from "./api";
export * from "./drain";
export * from "./wait";
export * from "./etcd";
export * from "./version";
export * from "./decide";
export * from "./apply";
