/**
 * Private Cloud Gateway support: Palette's PCG requirements checked on a plan (`pcgRules`), the
 * install bundle a user gets once the host cluster is ready (`pcgInstallBundle`), `NO_PROXY`
 * matching, and an opt-in, loopback-only-by-default reachability probe (`probeReachability`, the
 * only part that does I/O).
 */
export { hostNodeCounts, resolvePcg, type HostNodeCounts, type PcgContext } from "./context";
export { isCidrV4, isIpv4 } from "../net/ipv4";
export {
  entryCovers,
  hostTarget,
  noProxyCovers,
  noProxyCoversEntry,
  parseNoProxyEntry,
  type NoProxyEntry,
  type NoProxyTarget,
} from "./no-proxy";
export {
  PCG_REPAVE_ADDRESSES,
  PCG_SUPPORTED_KUBERNETES,
  ipPoolSize,
  isPcgSupportedKubernetes,
  pcgRules,
  recommendedNoProxy,
  requiredNoProxy,
  type RequiredNoProxyItem,
} from "./rules";
export {
  CLOUD_ACCOUNT_KIND,
  NUTANIX_CLOUD_TYPE,
  PCG_INSTALL_KIND,
  pcgInstallBundle,
  secretPlaceholder,
  type BundleFile,
  type PcgInstallBundle,
  type PcgInstallBundleOptions,
} from "./bundle";
export {
  isLoopbackHost,
  parseProbeUrl,
  probeReachability,
  type ProbeOptions,
  type ProbeProxy,
  type ProbeResult,
  type ProbeTarget,
} from "./probe";
