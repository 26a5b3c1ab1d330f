/**
 * The Private Cloud Gateway install bundle: the files a user gets once the PCG's host cluster is
 * ready — README.md (the steps and a prerequisites checklist computed from the plan), pcg.yaml (the
 * gateway as Palette needs it), cloud-account.yaml (the five NUTANIX_* keys), install.sh (checks and
 * guidance), proxy.env and proxy-ca.crt when a proxy is set.
 *
 * Secrets are referenced, never copied: the Palette API key and the Prism Central credentials appear
 * as `${ENV}` placeholders or file paths. Output is byte-for-byte deterministic: sorted keys, files
 * sorted by path, no timestamps, no absolute paths of ours. Pure apart from reading the packaged
 * install.sh body (assets/install.sh) once.
 */
import type { Plan } from "../../schema/plan";
import { factsOf, type PcgInstallBundleOptions } from "./facts";
import { installSh } from "./install-sh";
import { proxyEnv } from "./proxy-env";
import { readme } from "./readme";
import { cloudAccountYaml, pcgYaml } from "./yaml";

export { CLOUD_ACCOUNT_KIND, NUTANIX_CLOUD_TYPE, PCG_INSTALL_KIND, type PcgInstallBundleOptions } from "./facts";
export { secretPlaceholder } from "./text";

/** One file of the bundle; `path` is relative to the bundle directory. */
export interface BundleFile {
  /** Relative path, `/`-separated. */
  readonly path: string;
  /** UTF-8 text. */
  readonly content: string;
  /** File mode (e.g. 0o755 for install.sh); absent means the writer's default (0o644). */
  readonly mode?: number;
}

/** The install bundle of one PCG. */
export interface PcgInstallBundle {
  /** The files, sorted by path. */
  readonly files: BundleFile[];
}

/**
 * The install bundle of the PrivateCloudGateway `pcgId`: what a user needs, once the host cluster
 * is ready, to create the gateway in Palette, install it on the host cluster and bind a cloud
 * account to it. Files, sorted by path: `README.md`, `cloud-account.yaml`, `install.sh` (mode
 * 0o755), `pcg.yaml`, and with a proxy `proxy.env` (+ `proxy-ca.crt` with a proxy CA).
 *
 * Same plan, byte-identical files. No secret value is read or written: secrets appear as `${ENV}`
 * placeholders or file paths. Rule problems (see {@link pcgRules}) do not stop the bundle; README.md
 * lists them.
 *
 * @throws ValidationError when the plan lacks the PCG, its account, its host cluster or that
 *   cluster's kube-vip endpoint, or the gateway's Palette endpoint is not an https:// URL.
 * @throws RangeError when `opts.kubeconfigPath` is absolute.
 */
export function pcgInstallBundle(plan: Plan, pcgId: string, opts: PcgInstallBundleOptions = {}): PcgInstallBundle {
  const f = factsOf(plan, pcgId, opts);
  const files: BundleFile[] = [
    { path: "cloud-account.yaml", content: cloudAccountYaml(f) },
    { path: "install.sh", content: installSh(f), mode: 0o755 },
    { path: "pcg.yaml", content: pcgYaml(f) },
  ];
  const env = proxyEnv(f);
  if (env) files.push({ path: "proxy.env", content: env });
  const ca = f.pcg.spec.proxy?.caCertificate;
  if (ca) files.push({ path: "proxy-ca.crt", content: ca.endsWith("\n") ? ca : `${ca}\n` });
  const names = ["README.md", ...files.map((x) => x.path)].sort();
  files.push({ path: "README.md", content: readme(f, names) });
  files.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
  return { files };
}
