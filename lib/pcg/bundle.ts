/**
 * The Private Cloud Gateway install bundle: the files a user gets once the PCG's host cluster is
 * ready — README.md (the steps and a prerequisites checklist computed from the plan), pcg.yaml (the
 * gateway as Palette needs it), cloud-account.yaml (the five NUTANIX_* keys), install.sh (checks and
 * guidance), proxy.env and proxy-ca.crt when a proxy is set.
 *
 * Secrets are referenced, never copied: the Palette API key and the Prism Central credentials appear
 * as `${ENV}` placeholders or file paths. Output is byte-for-byte deterministic: sorted keys, files
 * sorted by path, no timestamps, no absolute paths of ours. Pure function; no I/O.
 */
import { sortDeep } from "../plan/canonical";
import { toYaml } from "../render/yaml";
import type { CredentialsRef, SecretRef } from "../schema/refs";
import { PLAN_API_VERSION, type Plan, type ResourceOfKind } from "../schema/plan";
import { PCG_MIN_NODE_DISK_GIB, PCG_MIN_NODE_MEMORY_MIB, PCG_MIN_NODE_VCPUS } from "../schema/pcg";
import { formatIssue, ValidationError } from "../schema/validation";
import { hostNodeCounts, resolvePcg, type HostNodeCounts } from "./context";
import { noProxyCoversEntry } from "./no-proxy";
import { ipPoolSize, PCG_REPAVE_ADDRESSES, pcgRules, recommendedNoProxy } from "./rules";

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

/** A shell single-quoted word. */
function sq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A placeholder for a secret: `${ENV}` or a description of the file it is read from. */
export function secretPlaceholder(ref: SecretRef): string | { file: string } {
  return ref.source === "env" ? `\${${ref.env}}` : { file: ref.path };
}

function credentialPlaceholders(ref: CredentialsRef): { user: string; password: string } {
  if (ref.source === "env") return { user: `\${${ref.usernameEnv}}`, password: `\${${ref.passwordEnv}}` };
  return { user: `<"username" of ${ref.path}>`, password: `<"password" of ${ref.path}>` };
}

/** A URL with any user:password replaced by `<redacted>` (the rules refuse them; never copy them). */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (!u.username && !u.password) return url;
    return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, "$1<redacted>@");
  } catch {
    return url;
  }
}

interface Facts {
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

function factsOf(plan: Plan, pcgId: string, opts: PcgInstallBundleOptions): Facts {
  const { ctx: c, issues } = resolvePcg(plan, pcgId);
  if (!c || !c.account || !c.host || !c.endpoint) {
    const extra = c?.host && !c.endpoint ? [{ path: c.host.id, field: "endpoint", message: `expected the id of a KubeVipEndpoint in this plan, got ${JSON.stringify(c.host.spec.endpoint)}` }] : [];
    throw new ValidationError([...issues, ...extra], `cannot build the install bundle of ${pcgId}`);
  }
  if (opts.kubeconfigPath !== undefined && (opts.kubeconfigPath.startsWith("/") || /^[A-Za-z]:[\\/]/.test(opts.kubeconfigPath))) {
    throw new RangeError(`kubeconfigPath must be relative to the bundle directory, got ${JSON.stringify(opts.kubeconfigPath)}`);
  }
  const url = new URL(c.pcg.spec.palette.endpoint);
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

function yamlFile(header: readonly string[], value: unknown): string {
  return `${header.map((l) => `# ${l}`.trimEnd()).join("\n")}\n${toYaml(sortDeep(value))}`;
}

function pcgYaml(f: Facts): string {
  const p = f.pcg.spec;
  const proxy = p.proxy
    ? {
        ...(p.proxy.httpProxy ? { httpProxy: redactUrl(p.proxy.httpProxy) } : {}),
        ...(p.proxy.httpsProxy ? { httpsProxy: redactUrl(p.proxy.httpsProxy) } : {}),
        noProxy: p.proxy.noProxy,
        ...(p.proxy.caCertificate ? { caCertificateFile: "proxy-ca.crt" } : {}),
      }
    : undefined;
  const n = f.counts;
  const doc = {
    apiVersion: PLAN_API_VERSION,
    kind: PCG_INSTALL_KIND,
    name: p.name,
    cloudType: NUTANIX_CLOUD_TYPE,
    palette: { endpoint: p.palette.endpoint, project: p.palette.project, apiKey: secretPlaceholder(p.palette.apiKey) },
    prismCentral: { host: f.account.spec.endpoint.host, port: f.account.spec.endpoint.port, insecure: f.account.spec.insecure },
    ...(proxy ? { proxy } : {}),
    hostCluster: {
      name: f.host.spec.name,
      kubernetesVersion: f.host.spec.kubernetesVersion,
      controlPlaneEndpoint: `${f.endpoint.spec.address}:${f.endpoint.spec.port}`,
      nodes: n.controlPlane + n.workers,
      controlPlaneNodes: n.controlPlane,
      workerNodes: n.workers,
      maxNodes: n.controlPlane + n.workersMax,
      podCidr: f.host.spec.podCidr,
      serviceCidr: f.host.spec.serviceCidr,
    },
    source: { stack: f.stack, resource: f.pcg.id, generation: f.pcg.generation },
  };
  return yamlFile([
    `Private Cloud Gateway '${p.name}' for Palette, from plan resource ${f.pcg.id} (stack ${f.stack}).`,
    "Generated by nutanix-palette-cdk; regenerate rather than edit. Holds no secret: ${VAR} names an",
    "environment variable, { file } a file, read when you need the value.",
    "This is not a Palette CLI file: the Palette CLI's `pcg install` does not support Nutanix. Enter these",
    "values in Palette (Tenant Settings → Private Cloud Gateways → Add → Self Hosted); see README.md.",
  ], doc);
}

function cloudAccountYaml(f: Facts): string {
  const a = f.account.spec;
  const ph = credentialPlaceholders(a.credentials);
  const where = a.credentials.source === "env"
    ? { NUTANIX_USER: `environment variable ${a.credentials.usernameEnv}`, NUTANIX_PASSWORD: `environment variable ${a.credentials.passwordEnv}` }
    : { NUTANIX_USER: `"username" in the JSON file ${a.credentials.path}`, NUTANIX_PASSWORD: `"password" in the JSON file ${a.credentials.path}` };
  const doc = {
    apiVersion: PLAN_API_VERSION,
    kind: CLOUD_ACCOUNT_KIND,
    name: f.pcg.spec.name,
    cloudType: NUTANIX_CLOUD_TYPE,
    context: "project",
    project: f.pcg.spec.palette.project,
    privateCloudGateway: f.pcg.spec.name,
    credentials: {
      NUTANIX_USER: ph.user,
      NUTANIX_PASSWORD: ph.password,
      NUTANIX_ENDPOINT: a.endpoint.host,
      NUTANIX_PORT: String(a.endpoint.port),
      NUTANIX_INSECURE: a.insecure ? "true" : "false",
    },
    credentialSources: where,
    source: { stack: f.stack, resource: f.account.id, generation: f.account.generation },
  };
  return yamlFile([
    `Palette cloud account for Prism Central ${a.endpoint.host}:${a.endpoint.port}, bound to Private Cloud Gateway '${f.pcg.spec.name}'.`,
    "The five keys Palette's nutanix cloud type defines. NUTANIX_USER and NUTANIX_PASSWORD are placeholders:",
    "credentialSources says where each value comes from. Never commit this file with the values filled in.",
  ], doc);
}

function proxyEnv(f: Facts): string | undefined {
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

const mark = (ok: boolean) => (ok ? "[x]" : "[ ]");

function readme(f: Facts, files: readonly string[]): string {
  const p = f.pcg.spec;
  const a = f.account.spec;
  const e = f.endpoint.spec;
  const n = f.counts;
  const maxNodes = n.controlPlane + n.workersMax;
  const net = f.host.spec.nodeNetwork;
  const poolSize = net && net.ipPool.length > 0 ? ipPoolSize(net, [e.address]) : undefined;
  const L: string[] = [];
  L.push(`# Private Cloud Gateway \`${p.name}\``, "");
  L.push(`Install bundle for the PrivateCloudGateway \`${f.pcg.id}\` of stack \`${f.stack}\`, written by`);
  L.push("nutanix-palette-cdk once the host cluster is ready. It holds no secret: the Palette API key and the");
  L.push("Prism Central credentials are named by where they come from, never copied.", "");
  L.push("| | |", "|---|---|");
  L.push(`| Palette endpoint | ${p.palette.endpoint} (DNS name \`${f.paletteHost}\`, port ${f.palettePort}) |`);
  L.push(`| Palette project | ${p.palette.project} |`);
  L.push(`| Palette API key | ${p.palette.apiKey.source === "env" ? `environment variable \`${p.palette.apiKey.env}\`` : `file \`${p.palette.apiKey.path}\``} |`);
  L.push(`| Cloud type | \`${NUTANIX_CLOUD_TYPE}\` |`);
  L.push(`| Prism Central | ${a.endpoint.host}:${a.endpoint.port}${a.insecure ? " (TLS not verified: insecure)" : ""} |`);
  L.push(`| Host cluster | \`${f.host.spec.name}\`, Kubernetes ${f.host.spec.kubernetesVersion}, API https://${e.address}:${e.port} |`);
  L.push(`| Nodes | ${n.controlPlane} control-plane + ${n.workers} worker node${n.controlPlane + n.workers === 1 ? "" : "s"}${n.workersMax !== n.workers ? ` (up to ${n.workersMax} workers with autoscaling)` : ""} |`);
  L.push(`| Proxy | ${p.proxy ? [p.proxy.httpsProxy && `HTTPS ${redactUrl(p.proxy.httpsProxy)}`, p.proxy.httpProxy && `HTTP ${redactUrl(p.proxy.httpProxy)}`].filter(Boolean).join(", ") || "settings without a proxy URL" : "none"} |`);
  L.push("", "## Files", "");
  const about: Record<string, string> = {
    "README.md": "this file",
    "cloud-account.yaml": "the Palette cloud account: the five `NUTANIX_*` keys, credentials as placeholders",
    "install.sh": "`check` verifies the prerequisites, `run` runs the kubectl commands Palette shows, `status` lists pods not running",
    "pcg.yaml": "the gateway as Palette needs it: name, cloud type, endpoint, project, API key reference, proxy, host cluster",
    "proxy-ca.crt": "the proxy's CA certificate (public)",
    "proxy.env": "`HTTP(S)_PROXY` / `NO_PROXY` for the host cluster's nodes and for your shell",
  };
  for (const file of files) L.push(`- \`${file}\`: ${about[file]}`);

  L.push("", "## 1. Prerequisites", "");
  L.push("Checked from the plan where possible (`[x]`); run `./install.sh check` to verify on the live cluster.", "");
  const sizing = f.pools.map((pool) => {
    const m = pool.spec.machine;
    const cpus = m.vcpuSockets * m.vcpusPerSocket;
    const ok = cpus >= PCG_MIN_NODE_VCPUS && m.memoryMiB >= PCG_MIN_NODE_MEMORY_MIB && m.systemDiskMiB >= PCG_MIN_NODE_DISK_GIB * 1024;
    return { ok, line: `  - ${mark(ok)} \`${pool.spec.name}\` (${pool.spec.role}, ${pool.spec.replicas} node${pool.spec.replicas === 1 ? "" : "s"}): ${cpus} vCPU, ${m.memoryMiB} MiB, ${m.systemDiskMiB / 1024} GiB disk` };
  });
  L.push(`- ${mark(sizing.every((s) => s.ok))} Every node has ≥ ${PCG_MIN_NODE_VCPUS} vCPU, ≥ ${PCG_MIN_NODE_MEMORY_MIB} MiB memory and a ≥ ${PCG_MIN_NODE_DISK_GIB} GiB disk:`);
  L.push(...sizing.map((s) => s.line));
  L.push(`- ${mark(n.controlPlane >= 1 && n.workersMin >= 1)} At least 1 control-plane node and 1 worker node (${n.controlPlane} + ${n.workers}); Palette recommends 3 nodes or more for production.`);
  const needed = maxNodes + PCG_REPAVE_ADDRESSES;
  if (poolSize !== undefined) {
    L.push(`- ${mark(poolSize >= needed)} IP addresses: ${maxNodes} node${maxNodes === 1 ? "" : "s"} + ${PCG_REPAVE_ADDRESSES} for repave = ${needed} from the IPAM pool of ${net!.cidr} (the plan's ranges give ${poolSize}), + 1 VIP ${e.address} outside the pool.`);
  } else {
    L.push(`- [ ] IP addresses: ${maxNodes} node${maxNodes === 1 ? "" : "s"} + ${PCG_REPAVE_ADDRESSES} for repave = ${needed} free in the node subnet's IPAM pool, + 1 VIP ${e.address} outside it (the plan does not state the pool).`);
  }
  L.push(`- [ ] DNS: the nodes resolve \`${f.paletteHost}\`.`);
  L.push("- [ ] Network, outbound from the host cluster's nodes and pods" + (p.proxy ? " (through the proxy unless listed in noProxy):" : ":"));
  L.push(`  - ${f.palettePort} → Palette \`${f.paletteHost}\` (HTTPS and gRPC; the PCG polls Palette, nothing comes in)`);
  L.push(`  - 443 → \`ghcr.io\` (images)`);
  L.push(`  - ${a.endpoint.port} → Prism Central \`${a.endpoint.host}\``);
  L.push(`  - ${e.port} → the VIP ${e.address} of this cluster, and of every workload cluster the PCG creates`);
  L.push("- [ ] A CNI and a CSI driver are installed (nodes Ready, a default StorageClass).");
  L.push("- [ ] Your kubeconfig has `cluster-admin` (or `admin`) rights on the host cluster.");
  L.push(`- [ ] A self-hosted Palette or VerteX: registering the \`${NUTANIX_CLOUD_TYPE}\` cloud uses system APIs (Operations Administrator).`);
  if (p.proxy) {
    const missing = f.missingNoProxy;
    L.push(`- ${mark(missing.length === 0)} noProxy covers Prism Central, the VIP, the pod and service CIDRs${net ? ", the node subnet" : ""}, loopback and in-cluster names${missing.length ? `; add: \`${missing.join(",")}\`` : ""}.`);
  }

  L.push("", "## Problems found in the plan", "");
  if (f.issues.length === 0) L.push("None: every PCG rule that the plan can show passes.");
  else L.push("Fix these in your stack and deploy again:", "", ...f.issues.map((i) => `- ${i}`));

  L.push("", `## 2. Register the \`${NUTANIX_CLOUD_TYPE}\` cloud in Palette (once per Palette)`, "");
  L.push(`Skip this if Palette already lists the \`${NUTANIX_CLOUD_TYPE}\` cloud. Otherwise an Operations Administrator of a`);
  L.push(`self-hosted Palette or VerteX registers it under the name \`${NUTANIX_CLOUD_TYPE}\` exactly (the built-in nutanix-csi`);
  L.push("pack depends on it), uploads the edited CAPX templates and defines the cloud account keys `NUTANIX_USER`,");
  L.push("`NUTANIX_PASSWORD`, `NUTANIX_ENDPOINT`, `NUTANIX_PORT`, `NUTANIX_INSECURE`. See Palette's \"Register and Manage");
  L.push("Nutanix Cloud\" page.");

  L.push("", "## 3. Create the self-hosted PCG in Palette", "");
  L.push("The Palette CLI's `pcg install` does not support Nutanix, so the gateway is created in Palette:", "");
  L.push("1. Tenant Settings → Private Cloud Gateways → Add → **Self Hosted**.");
  L.push(`2. Name: \`${p.name}\`. Infrastructure provider: \`${NUTANIX_CLOUD_TYPE}\`. Use it from project \`${p.palette.project}\`.`);
  if (p.proxy) L.push("3. The gateway inherits the host cluster's proxy settings (`proxy.env`); make sure the nodes use them.");
  L.push("", "Palette then shows two `kubectl` commands for this gateway.");

  L.push("", "## 4. Run Palette's kubectl commands against the host cluster", "");
  L.push("```sh");
  L.push(f.kubeconfigPath !== undefined ? `export KUBECONFIG=${f.kubeconfigPath}   # the host cluster's admin kubeconfig, relative to this directory` : "export KUBECONFIG=<the host cluster's admin kubeconfig>");
  L.push("./install.sh check     # prerequisites on the live cluster; prints no secret");
  L.push("./install.sh run       # paste Palette's kubectl commands, then an empty line");
  L.push("```", "");
  L.push("`run` accepts plain `kubectl …` lines only (no pipes, redirections or `$`), runs them with your");
  L.push("KUBECONFIG and does not echo them: Palette's URLs may carry a token.");

  L.push("", "## 5. Wait until the gateway is Running", "");
  L.push("Palette shows the gateway's status under Tenant Settings → Private Cloud Gateways. `./install.sh status`");
  L.push("lists the host cluster's pods that are not running yet.");

  L.push("", "## 6. Create the cloud account bound to the gateway", "");
  L.push(`In project \`${p.palette.project}\`, add a \`${NUTANIX_CLOUD_TYPE}\` cloud account named \`${p.name}\`, select the gateway`);
  L.push(`\`${p.name}\` and enter the keys of \`cloud-account.yaml\`: \`NUTANIX_ENDPOINT\`=${a.endpoint.host}, \`NUTANIX_PORT\`=${a.endpoint.port},`);
  L.push(`\`NUTANIX_INSECURE\`=${a.insecure ? "true" : "false"}, and the user and password from ${a.credentials.source === "env" ? `the environment variables \`${a.credentials.usernameEnv}\` / \`${a.credentials.passwordEnv}\`` : `the JSON file \`${a.credentials.path}\``}.`);
  if (a.trustBundle && !a.insecure) L.push("Prism Central's CA (the account's trust bundle) goes into each cluster's trust-bundle macro, not the account.");

  L.push("", "## What `destroy` does", "");
  L.push(`\`nutanix-handler destroy\` of \`${f.pcg.id}\` removes this bundle directory only. The gateway's record,`);
  L.push("its cloud account and the Palette pods on the host cluster are Palette's: delete the cloud account and");
  L.push("then the gateway in Palette before you destroy the host cluster. Destroying the host cluster removes its VMs.");
  return `${L.join("\n")}\n`;
}

function installSh(f: Facts): string {
  const p = f.pcg.spec;
  const a = f.account.spec;
  const e = f.endpoint.spec;
  const n = f.counts;
  const arr = (xs: readonly string[]) => `(${xs.map(sq).join(" ")})`;
  const kubeconfigDefault = f.kubeconfigPath !== undefined
    ? [
        "# KUBECONFIG defaults to the host cluster's admin kubeconfig written beside this bundle.",
        `if [ -z "\${KUBECONFIG:-}" ]; then`,
        `  KUBECONFIG="$(cd "$(dirname "\${BASH_SOURCE[0]}")" && pwd)/"${sq(f.kubeconfigPath)}`,
        "  export KUBECONFIG",
        "fi",
      ].join("\n")
    : "# KUBECONFIG must point at the host cluster's admin kubeconfig.";
  return `#!/usr/bin/env bash
# Private Cloud Gateway ${sq(p.name)} on host cluster ${sq(f.host.spec.name)} (plan resource ${f.pcg.id}).
# Generated by nutanix-palette-cdk; regenerate rather than edit.
#
# Palette's API for registering a self-hosted PCG is not documented for Nutanix, so this script never
# calls the Palette API with your key. It verifies what it can and guides you (see README.md):
#   ./install.sh check    environment, kubectl access, nodes, CNI/CSI, DNS and reachability
#   ./install.sh steps    print the steps (default)
#   ./install.sh run      paste the kubectl commands Palette shows, then an empty line
#   ./install.sh status   list the host cluster's pods that are not running
# Secrets are never printed: environment variables are checked for presence only.
set -euo pipefail

readonly PCG_NAME=${sq(p.name)}
readonly PALETTE_ENDPOINT=${sq(p.palette.endpoint)}
readonly PALETTE_HOST=${sq(f.paletteHost)}
readonly PALETTE_PROJECT=${sq(p.palette.project)}
readonly PC_HOST=${sq(a.endpoint.host)}
readonly PC_PORT=${a.endpoint.port}
readonly VIP=${sq(e.address)}
readonly VIP_PORT=${e.port}
readonly PLANNED_NODES=${n.controlPlane + n.workers}
readonly MIN_VCPUS=${PCG_MIN_NODE_VCPUS}
readonly MIN_MEMORY_MIB=${PCG_MIN_NODE_MEMORY_MIB}
readonly MIN_DISK_GIB=${PCG_MIN_NODE_DISK_GIB}
readonly REQUIRED_ENV=${arr(f.requiredEnv)}
readonly REQUIRED_FILES=${arr(f.requiredFiles)}

${kubeconfigDefault}

failures=0
ok()   { printf '  ok    %s\\n' "$*"; }
bad()  { printf '  FAIL  %s\\n' "$*"; failures=$((failures + 1)); }
note() { printf '  note  %s\\n' "$*"; }

# A Kubernetes quantity (8148112Ki, 64Gi, 4000M, 63278891008) in MiB, rounded down.
to_mib() {
  local q="$1" num unit
  num="\${q%%[!0-9]*}"
  unit="\${q#"$num"}"
  [ -n "$num" ] || { echo 0; return; }
  case "$unit" in
    Ki) echo $((num / 1024)) ;;
    Mi) echo "$num" ;;
    Gi) echo $((num * 1024)) ;;
    Ti) echo $((num * 1048576)) ;;
    k) echo $((num * 1000 / 1048576)) ;;
    M) echo $((num * 1000000 / 1048576)) ;;
    G) echo $((num * 1000000000 / 1048576)) ;;
    T) echo $((num * 1000000000000 / 1048576)) ;;
    "") echo $((num / 1048576)) ;;
    *) echo 0 ;;
  esac
}

# A CPU quantity (4 or 4000m) in whole CPUs.
to_cpus() {
  local q="$1"
  case "$q" in
    *m) echo $((\${q%m} / 1000)) ;;
    *) echo "\${q%%.*}" ;;
  esac
}

check_env() {
  echo "Credentials (presence only; values are never printed)"
  local v f
  for v in \${REQUIRED_ENV[@]+"\${REQUIRED_ENV[@]}"}; do
    if [ -n "\${!v:-}" ]; then ok "environment variable $v is set"; else bad "environment variable $v is not set"; fi
  done
  for f in \${REQUIRED_FILES[@]+"\${REQUIRED_FILES[@]}"}; do
    if [ -r "$f" ]; then ok "file $f is readable"; else bad "file $f is not readable"; fi
  done
}

check_cluster() {
  echo "Host cluster"
  if ! command -v kubectl >/dev/null 2>&1; then bad "kubectl is not on PATH"; return; fi
  if [ -z "\${KUBECONFIG:-}" ]; then bad "KUBECONFIG is not set (the host cluster's admin kubeconfig)"; return; fi
  if ! kubectl get --raw=/readyz --request-timeout=15s >/dev/null 2>&1; then
    bad "kubectl cannot reach the host cluster with KUBECONFIG=$KUBECONFIG"
    return
  fi
  ok "kubectl reaches the host cluster"
  local server
  server="$(kubectl config view --minify -o jsonpath='{.clusters[0].cluster.server}' 2>/dev/null || true)"
  case "$server" in
    "https://$VIP:$VIP_PORT" | "https://$VIP:$VIP_PORT/") ok "the kubeconfig uses the VIP $VIP:$VIP_PORT" ;;
    *) note "the kubeconfig uses $server, not the VIP https://$VIP:$VIP_PORT" ;;
  esac
  if [ "$(kubectl auth can-i '*' '*' --all-namespaces 2>/dev/null || true)" = yes ]; then
    ok "cluster-admin rights"
  else
    bad "the kubeconfig lacks cluster-admin rights (Palette needs cluster-admin or admin)"
  fi
  local cps total=0 notready=0 name cpu mem disk ready
  cps="$(kubectl get nodes -l node-role.kubernetes.io/control-plane -o name | wc -l | tr -d ' ')"
  # Capacity is a little below the VM size (kernel, partitions): memory and disk get 1/8 slack.
  while IFS=$'\\t' read -r name cpu mem disk ready; do
    [ -n "$name" ] || continue
    total=$((total + 1))
    [ "$ready" = True ] || notready=$((notready + 1))
    if [ "$(to_cpus "$cpu")" -ge "$MIN_VCPUS" ] && [ "$(to_mib "$mem")" -ge $((MIN_MEMORY_MIB * 7 / 8)) ] && [ "$(to_mib "$disk")" -ge $((MIN_DISK_GIB * 1024 * 7 / 8)) ]; then
      ok "node $name: $cpu CPU, $mem memory, $disk disk"
    else
      bad "node $name: $cpu CPU, $mem memory, $disk disk (needs $MIN_VCPUS vCPU, $MIN_MEMORY_MIB MiB, $MIN_DISK_GIB GiB)"
    fi
  done < <(kubectl get nodes -o jsonpath='{range .items[*]}{.metadata.name}{"\\t"}{.status.capacity.cpu}{"\\t"}{.status.capacity.memory}{"\\t"}{.status.capacity.ephemeral-storage}{"\\t"}{.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}')
  if [ "$cps" -ge 1 ] && [ $((total - cps)) -ge 1 ]; then ok "$cps control-plane + $((total - cps)) worker nodes"; else bad "$cps control-plane + $((total - cps)) worker nodes (needs at least 1 + 1)"; fi
  [ "$total" -ge "$PLANNED_NODES" ] || note "$total nodes, the plan has $PLANNED_NODES"
  if [ "$notready" -eq 0 ]; then ok "every node is Ready (a CNI is installed)"; else bad "$notready node(s) not Ready: is a CNI installed?"; fi
  if kubectl get storageclass -o jsonpath='{range .items[*]}{.metadata.annotations.storageclass\\.kubernetes\\.io/is-default-class}{"\\n"}{end}' 2>/dev/null | grep -qx true; then
    ok "a default StorageClass exists (a CSI driver is installed)"
  else
    bad "no default StorageClass: install a CSI driver (e.g. nutanix-csi) and mark a class default"
  fi
}

resolves() {
  if command -v getent >/dev/null 2>&1; then getent hosts "$1" >/dev/null 2>&1
  elif command -v nslookup >/dev/null 2>&1; then nslookup "$1" >/dev/null 2>&1
  else return 2; fi
}

# Any HTTP answer (even 401 or 404) proves reachability; no credentials are sent.
reaches() {
  local code
  code="$(curl -k -sS -o /dev/null --max-time 10 -w '%{http_code}' "$2" 2>/dev/null || true)"
  if [ -n "$code" ] && [ "$code" != 000 ]; then ok "$1 answers (HTTP $code)"; else bad "$1 does not answer at $2"; fi
}

check_network() {
  echo "DNS and reachability, from this machine (the nodes need the same; proxy variables apply)"
  local rc=0
  resolves "$PALETTE_HOST" || rc=$?
  case "$rc" in
    0) ok "$PALETTE_HOST resolves" ;;
    2) note "neither getent nor nslookup is available: resolve $PALETTE_HOST yourself" ;;
    *) bad "$PALETTE_HOST does not resolve" ;;
  esac
  if command -v curl >/dev/null 2>&1; then
    reaches "Palette" "$PALETTE_ENDPOINT"
    reaches "Prism Central" "https://$PC_HOST:$PC_PORT/"
    reaches "the host cluster VIP" "https://$VIP:$VIP_PORT/readyz"
  else
    note "curl is not available: check Palette, Prism Central and the VIP yourself"
  fi
}

# Splits a line into words, honouring '…' and "…" quotes, with no expansion at all. Refuses
# unquoted shell operators and any \`$\` or backquote. Fills WORDS.
split_words() {
  local s="$1" c q="" w="" have=0 i
  WORDS=()
  for ((i = 0; i < \${#s}; i++)); do
    c="\${s:i:1}"
    if [ -n "$q" ]; then
      case "$q$c" in
        '""' | "''") q="" ;;
        '"$' | '"\`' | '"\\') return 1 ;;
        *) w+="$c" ;;
      esac
      continue
    fi
    case "$c" in
      "'" | '"') q="$c"; have=1 ;;
      ' ' | $'\\t') if [ "$have" = 1 ]; then WORDS+=("$w"); w=""; have=0; fi ;;
      ';' | '&' | '|' | '<' | '>' | '$' | '\`' | '(' | ')' | '\\') return 1 ;;
      *) w+="$c"; have=1 ;;
    esac
  done
  [ -z "$q" ] || return 1
  if [ "$have" = 1 ]; then WORDS+=("$w"); fi
}

run_commands() {
  command -v kubectl >/dev/null 2>&1 || { echo "install.sh: kubectl is not on PATH" >&2; exit 2; }
  [ -n "\${KUBECONFIG:-}" ] || { echo "install.sh: set KUBECONFIG to the host cluster's admin kubeconfig" >&2; exit 2; }
  echo "Paste the kubectl commands Palette shows for gateway '$PCG_NAME', then an empty line:"
  local line i
  local -a lines=()
  while IFS= read -r line; do
    [ -n "\${line//[[:space:]]/}" ] || break
    lines+=("$line")
  done
  [ "\${#lines[@]}" -gt 0 ] || { echo "install.sh: no command given" >&2; exit 2; }
  for i in "\${!lines[@]}"; do
    if ! split_words "\${lines[$i]}" || [ "\${#WORDS[@]}" -lt 2 ] || [ "\${WORDS[0]}" != kubectl ]; then
      echo "install.sh: line $((i + 1)) is not a plain kubectl command; nothing was run" >&2
      exit 2
    fi
  done
  for i in "\${!lines[@]}"; do
    split_words "\${lines[$i]}"
    echo "[$((i + 1))/\${#lines[@]}] kubectl \${WORDS[1]} … (arguments not shown: they may carry a token)"
    kubectl "\${WORDS[@]:1}" </dev/null
  done
  echo "Done. Wait until Palette shows gateway '$PCG_NAME' as Running, then create the cloud account (README.md, step 6)."
}

print_steps() {
  cat <<STEPS
Private Cloud Gateway '$PCG_NAME' (cloud type nutanix, Palette $PALETTE_ENDPOINT, project $PALETTE_PROJECT)
  1. ./install.sh check  (prerequisites; fix every FAIL)
  2. Palette: register the 'nutanix' cloud if it is not there yet (Operations Administrator, self-hosted Palette).
  3. Palette: Tenant Settings → Private Cloud Gateways → Add → Self Hosted; name '$PCG_NAME', provider 'nutanix'.
  4. ./install.sh run    (paste the two kubectl commands Palette shows)
  5. Wait until Palette shows the gateway as Running (./install.sh status lists pods not running).
  6. Palette, project '$PALETTE_PROJECT': add a nutanix cloud account bound to '$PCG_NAME' with the keys of cloud-account.yaml.
STEPS
}

case "\${1:-steps}" in
  check)
    check_env
    check_cluster
    check_network
    if [ "$failures" -eq 0 ]; then echo "All checks passed."; else echo "$failures check(s) failed."; exit 1; fi
    ;;
  run) run_commands ;;
  status)
    [ -n "\${KUBECONFIG:-}" ] || { echo "install.sh: set KUBECONFIG to the host cluster's admin kubeconfig" >&2; exit 2; }
    kubectl get pods --all-namespaces --field-selector=status.phase!=Running,status.phase!=Succeeded
    ;;
  steps) print_steps ;;
  *) echo "usage: $0 [check|steps|run|status]" >&2; exit 2 ;;
esac
`;
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
 *   cluster's kube-vip endpoint.
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
