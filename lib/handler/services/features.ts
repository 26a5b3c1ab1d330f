/**
 * Opt-in behaviours of a run (flags of apply) and where local files go.
 */
import { DEFAULT_ENDPOINT_POLL, DEFAULT_ENDPOINT_TIMEOUT_S, type AdminTarget, type EndpointPoll, type EndpointReadinessMode } from "../endpoints";

export interface RunFeatures {
  /** `--wait-endpoints`: the NutanixCluster reconciler waits until the kube-vip address answers. */
  waitEndpoints: boolean;
  /** `--endpoint-timeout` (in ms here). */
  endpointTimeoutMs: number;
  /** `--endpoint-readiness`. */
  endpointReadiness: EndpointReadinessMode;
  endpointPoll: EndpointPoll;
  /** `--check-reachability`: the PCG reconciler probes Palette and Prism Central. */
  checkReachability: boolean;
  /** `--allow-external-probes`: let the probe dial non-loopback addresses (never against the emulator). */
  allowExternalProbes: boolean;
  /** Per-target timeout of the reachability probe. */
  probeTimeoutMs: number;
  /** Base directory of local output: PCG bundles go to `<outputDir>/pcg/<pcg name>/`. Undefined: not written. */
  outputDir?: string;
  /** `--node-ready-timeout` (ms): how long a new node may take to turn Ready. */
  nodeReadyTimeoutMs: number;
  /** `--drain-timeout` (ms). */
  drainTimeoutMs: number;
  /** Pause between polls of a cluster's API (ms). */
  kubePollMs: number;
  /** `--gateway-timeout` (ms): how long a PCG may take to turn Running and Healthy in Palette. */
  gatewayTimeoutMs: number;
  /** Pause between polls of Palette (ms); no faster than terraform-provider-spectrocloud's 10 s by default. */
  palettePollMs: number;
  /** `--approve-repave`: approve the repave a machine change of a cluster through Palette starts. */
  approveRepave: boolean;
  /** The target, for the emulator's admin paths. */
  target: AdminTarget;
}

/** Features with everything off. */
export function defaultFeatures(target: AdminTarget): RunFeatures {
  return {
    waitEndpoints: false,
    endpointTimeoutMs: DEFAULT_ENDPOINT_TIMEOUT_S * 1000,
    endpointReadiness: "auto",
    endpointPoll: DEFAULT_ENDPOINT_POLL,
    checkReachability: false,
    allowExternalProbes: false,
    probeTimeoutMs: 5000,
    nodeReadyTimeoutMs: 20 * 60_000,
    drainTimeoutMs: 10 * 60_000,
    kubePollMs: 500,
    gatewayTimeoutMs: 30 * 60_000,
    palettePollMs: 10_000,
    approveRepave: false,
    target,
  };
}
