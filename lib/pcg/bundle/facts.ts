/**
 * What the files of a PCG install bundle are written from: the gateway, its account, host cluster,
 * endpoint and pools resolved from the plan, with the figures the files share. Pure.
 */
import type { Plan, ResourceOfKind } from "../../schema/plan";
import { formatIssue, ValidationError } from "../../schema/validation";
import { hostNodeCounts, resolvePcg, type HostNodeCounts } from "../context";
import { noProxyCoversEntry } from "../no-proxy";
import { pcgRules, recommendedNoProxy } from "../rules";

/** Options of {@link pcgInstallBundle}. */
export interface PcgInstallBundleOptions {
  /**
   * Where install.sh finds the host cluster's kubeconfig when `KUBECONFIG` is not set, relative to
   * the bundle directory (e.g. `../../kubeconfig/pcg-host.yaml`). Absolute paths are refused so the
   * bundle stays the same on every machine.
   * @default - none: install.sh requires KUBECONFIG
   */
  readonly kubeconfigPath?: string;
}

/** The cloud type Palette registers for Nutanix (the built-in nutanix-csi pack needs exactly this name). */
export const NUTANIX_CLOUD_TYPE = "nutanix";
/** Kind of pcg.yaml. */
export const PCG_INSTALL_KIND = "PrivateCloudGatewayInstall";
/** Kind of cloud-account.yaml. */
export const CLOUD_ACCOUNT_KIND = "PaletteCloudAccount";

/** The facts every file of the bundle is written from. */
export interface Facts {
  readonly stack: string;
  readonly pcg: ResourceOfKind<"PrivateCloudGateway">;
  readonly account: ResourceOfKind<"PrismCentralAccount">;
  readonly host: ResourceOfKind<"NutanixCluster">;
  readonly endpoint: ResourceOfKind<"KubeVipEndpoint">;
  readonly pools: readonly ResourceOfKind<"NodePool">[];
  readonly counts: HostNodeCounts;
  readonly paletteHost: string;
  readonly palettePort: number;
  readonly requiredEnv: string[];
  readonly requiredFiles: string[];
  readonly issues: string[];
  readonly missingNoProxy: string[];
  readonly kubeconfigPath?: string;
}

/** The gateway's Palette endpoint as a URL; a plan that bypassed the schema gets a ValidationError, not a TypeError. */
function paletteUrl(pcg: ResourceOfKind<"PrivateCloudGateway">): URL {
  const raw = pcg.spec.palette.endpoint;
  try {
    const url = new URL(raw);
    if (url.protocol === "https:") return url;
  } catch {
    // reported below
  }
  const message = `expected an https:// URL such as https://api.spectrocloud.com, got ${JSON.stringify(raw)}`;
  throw new ValidationError([{ path: pcg.id, field: "palette.endpoint", message }], `cannot build the install bundle of ${pcg.id}`);
}

/**
 * Resolves the facts of the PCG `pcgId`.
 * @throws ValidationError when the plan lacks the PCG, its account, its host cluster or its endpoint, or
 *   the gateway's Palette endpoint is not an https:// URL.
 * @throws RangeError when `opts.kubeconfigPath` is absolute.
 */
export function factsOf(plan: Plan, pcgId: string, opts: PcgInstallBundleOptions): Facts {
  const { ctx: c, issues } = resolvePcg(plan, pcgId);
  if (!c || !c.account || !c.host || !c.endpoint) {
    const extra = c?.host && !c.endpoint ? [{ path: c.host.id, field: "endpoint", message: `expected the id of a KubeVipEndpoint in this plan, got ${JSON.stringify(c.host.spec.endpoint)}` }] : [];
    throw new ValidationError([...issues, ...extra], `cannot build the install bundle of ${pcgId}`);
  }
  if (opts.kubeconfigPath !== undefined && (opts.kubeconfigPath.startsWith("/") || /^[A-Za-z]:[\\/]/.test(opts.kubeconfigPath))) {
    throw new RangeError(`kubeconfigPath must be relative to the bundle directory, got ${JSON.stringify(opts.kubeconfigPath)}`);
  }
  const url = paletteUrl(c.pcg);
  const apiKey = c.pcg.spec.palette.apiKey;
  const creds = c.account.spec.credentials;
  const requiredEnv = [...(apiKey.source === "env" ? [apiKey.env] : []), ...(creds.source === "env" ? [creds.usernameEnv, creds.passwordEnv] : [])];
  const requiredFiles = [...(apiKey.source === "file" ? [apiKey.path] : []), ...(creds.source === "file" ? [creds.path] : [])];
  return {
    stack: plan.metadata.stack,
    pcg: c.pcg,
    account: c.account,
    host: c.host,
    endpoint: c.endpoint,
    pools: c.pools,
    counts: hostNodeCounts(c.pools),
    paletteHost: url.hostname,
    palettePort: url.port ? Number(url.port) : 443,
    requiredEnv: [...new Set(requiredEnv)],
    requiredFiles: [...new Set(requiredFiles)],
    issues: pcgRules(plan, pcgId).map(formatIssue),
    missingNoProxy: c.pcg.spec.proxy ? recommendedNoProxy(plan, pcgId).filter((entry) => !noProxyCoversEntry(c.pcg.spec.proxy!.noProxy, entry)) : [],
    ...(opts.kubeconfigPath !== undefined ? { kubeconfigPath: opts.kubeconfigPath } : {}),
  };
}
