/** The Kubernetes side of the emulator: a per-cluster model driven by VM power-ons, and its API server. */
export * from "./user-data";
export * from "./model";
export * from "./server";
