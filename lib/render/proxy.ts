/**
 * A cluster's HTTP(S) proxy on its nodes: systemd drop-ins for containerd (image pulls: containerd's
 * registry client uses Go's `net/http.ProxyFromEnvironment`) and the kubelet, the system environment
 * (/etc/environment, read by pam_env for logins), and the proxy's CA in the system trust store
 * (Debian/Ubuntu `update-ca-certificates` reads /usr/local/share/ca-certificates/*.crt). Pure.
 *
 * `NO_PROXY` always holds what must never go through the proxy: kubeadm's preflight warns when the
 * API server, the pod or the service subnet would (kubernetes `cmd/kubeadm/app/preflight/checks.go`,
 * `HTTPProxyCheck`, `HTTPProxyCIDRCheck`), and in-cluster names (`.svc`, `.cluster.local`) and
 * loopback are reached directly (kubernetes.io, kubeadm "Installing kubeadm" proxy notes).
 */
import type { NutanixClusterSpec } from "../schema/cluster";
import type { KubeVipEndpointSpec } from "../schema/kube-vip";
import type { ClusterProxySpec } from "../schema/proxy";

/** containerd's drop-in (systemd.unit(5): `<unit>.d/*.conf` extends the unit). */
export const CONTAINERD_PROXY_DROPIN = "/etc/systemd/system/containerd.service.d/http-proxy.conf";
/** The kubelet's drop-in. */
export const KUBELET_PROXY_DROPIN = "/etc/systemd/system/kubelet.service.d/http-proxy.conf";
/** Where the proxy CA is installed (`update-ca-certificates` needs the `.crt` suffix). */
export const PROXY_CA_PATH = "/usr/local/share/ca-certificates/nutanix-palette-cdk-proxy-ca.crt";
/** The entries every cluster's `NO_PROXY` holds besides its networks and VIP. */
export const BUILTIN_NO_PROXY: readonly string[] = ["localhost", "127.0.0.1", ".svc", ".cluster.local"];

/** A cloud-init `write_files` entry. */
export interface WriteFile {
  path: string;
  owner: string;
  permissions: string;
  content: string;
  append?: boolean;
}

/**
 * The cluster's `NO_PROXY` list: the user's entries in their order, then those the cluster needs
 * (pod CIDR, service CIDR, node subnet when known, the VIP, {@link BUILTIN_NO_PROXY}) that are not
 * already listed verbatim. Deterministic.
 */
export function effectiveNoProxy(cluster: NutanixClusterSpec, endpoint: KubeVipEndpointSpec): string[] {
  const own = cluster.proxy?.noProxy ?? [];
  const required = [cluster.podCidr, cluster.serviceCidr, ...(cluster.nodeNetwork ? [cluster.nodeNetwork.cidr] : []), endpoint.address, ...BUILTIN_NO_PROXY];
  const seen = new Set<string>();
  const out: string[] = [];
  for (const e of [...own, ...required]) {
    const k = e.toLowerCase();
    if (!seen.has(k)) {
      seen.add(k);
      out.push(e);
    }
  }
  return out;
}

/** The proxy variables, upper and lower case (Go reads either; curl and others only lower case). */
export function proxyVariables(proxy: ClusterProxySpec, noProxy: readonly string[]): [string, string][] {
  const vars: [string, string][] = [];
  if (proxy.httpProxy) vars.push(["HTTP_PROXY", proxy.httpProxy], ["http_proxy", proxy.httpProxy]);
  if (proxy.httpsProxy) vars.push(["HTTPS_PROXY", proxy.httpsProxy], ["https_proxy", proxy.httpsProxy]);
  const list = noProxy.join(",");
  vars.push(["NO_PROXY", list], ["no_proxy", list]);
  return vars;
}

function dropIn(vars: readonly [string, string][]): string {
  // systemd.exec(5) Environment=: one quoted assignment per line; values hold no quotes, spaces, '\' or '%' (schema).
  return `[Service]\n${vars.map(([k, v]) => `Environment="${k}=${v}"`).join("\n")}\n`;
}

/** The files that carry the proxy to containerd, the kubelet, the environment and the trust store. */
export function proxyWriteFiles(cluster: NutanixClusterSpec, endpoint: KubeVipEndpointSpec): WriteFile[] {
  const proxy = cluster.proxy;
  if (!proxy) return [];
  const vars = proxyVariables(proxy, effectiveNoProxy(cluster, endpoint));
  const files: WriteFile[] = [
    { path: CONTAINERD_PROXY_DROPIN, owner: "root:root", permissions: "0644", content: dropIn(vars) },
    { path: KUBELET_PROXY_DROPIN, owner: "root:root", permissions: "0644", content: dropIn(vars) },
    { path: "/etc/environment", owner: "root:root", permissions: "0644", content: vars.map(([k, v]) => `${k}="${v}"`).join("\n") + "\n", append: true },
  ];
  if (proxy.caCertificate) files.push({ path: PROXY_CA_PATH, owner: "root:root", permissions: "0644", content: proxy.caCertificate.endsWith("\n") ? proxy.caCertificate : `${proxy.caCertificate}\n` });
  return files;
}

/** Commands run before kubeadm so the proxy applies: trust the CA, reload systemd, restart containerd. */
export function proxyCommands(cluster: NutanixClusterSpec): string[] {
  if (!cluster.proxy) return [];
  return [...(cluster.proxy.caCertificate ? ["update-ca-certificates"] : []), "systemctl daemon-reload", "systemctl restart containerd"];
}

/** `env 'K=v' …` that runs a command with the proxy variables (for the CNI download), or "" without a proxy. */
export function proxyEnvPrefix(cluster: NutanixClusterSpec, endpoint: KubeVipEndpointSpec): string {
  if (!cluster.proxy) return "";
  return `env ${proxyVariables(cluster.proxy, effectiveNoProxy(cluster, endpoint)).map(([k, v]) => `'${k}=${v}'`).join(" ")} `;
}
