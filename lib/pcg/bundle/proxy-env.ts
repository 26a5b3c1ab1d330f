/**
 * proxy.env of the install bundle: `HTTP(S)_PROXY` / `NO_PROXY` (upper and lower case, as curl and Go
 * read both) in shell syntax, proxy credentials redacted. Pure.
 */
import type { Facts } from "./facts";
import { redactUrl, sq } from "./text";

/** The text of proxy.env, or undefined when the gateway has no proxy settings. */
export function proxyEnv(f: Facts): string | undefined {
  const p = f.pcg.spec.proxy;
  if (!p) return undefined;
  const lines = [
    `# Proxy settings of Private Cloud Gateway '${f.pcg.spec.name}' (plan resource ${f.pcg.id}).`,
    "# A PCG on an existing cluster inherits the cluster's proxy settings: the host cluster's nodes",
    "# (containerd, kubelet) and Palette's pods need these. Shell syntax: `set -a; . ./proxy.env; set +a`.",
  ];
  const add = (k: string, v: string) => lines.push(`${k}=${sq(v)}`, `${k.toLowerCase()}=${sq(v)}`);
  if (p.httpProxy) add("HTTP_PROXY", redactUrl(p.httpProxy));
  if (p.httpsProxy) add("HTTPS_PROXY", redactUrl(p.httpsProxy));
  add("NO_PROXY", p.noProxy.join(","));
  return `${lines.join("\n")}\n`;
}
