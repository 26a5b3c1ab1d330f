/**
 * README.md of the install bundle: the gateway at a glance, the files, a prerequisites checklist
 * computed from the plan, the plan's problems, and the steps in Palette and on the host cluster. Pure.
 */
import { hostPort, hostPortUrl } from "../../net/host-port";
import { PCG_MIN_NODE_DISK_GIB, PCG_MIN_NODE_MEMORY_MIB, PCG_MIN_NODE_VCPUS } from "../../schema/pcg";
import { ipPoolSize, PCG_REPAVE_ADDRESSES } from "../rules";
import { NUTANIX_CLOUD_TYPE, type Facts } from "./facts";
import { redactUrl } from "./text";

const mark = (ok: boolean) => (ok ? "[x]" : "[ ]");

/** The text of README.md; `files` are the bundle's file names, sorted. */
export function readme(f: Facts, files: readonly string[]): string {
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
  L.push(`| Prism Central | ${hostPort(a.endpoint.host, a.endpoint.port)}${a.insecure ? " (TLS not verified: insecure)" : ""} |`);
  L.push(`| Host cluster | \`${f.host.spec.name}\`, Kubernetes ${f.host.spec.kubernetesVersion}, API ${hostPortUrl("https", e.address, e.port)} |`);
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

  if (p.paletteAccount !== undefined) return `${[...L, ...registeredByHandler(f.pcg.id, p.name, p.palette.project, p.paletteAccount)].join("\n")}\n`;

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

/**
 * Steps 3–6 when the gateway's `palette` is a PaletteAccount: `nutanix-handler apply` does them (lib/handler/palette/
 * gateway.ts), so the README says what it does and what is left to a person.
 */
function registeredByHandler(id: string, name: string, project: string, account: string): string[] {
  return [
    "",
    "## 3. What `nutanix-handler apply` does in Palette",
    "",
    `The gateway's \`palette\` is the PaletteAccount \`${account}\`, so once the host cluster is ready the apply of \`${id}\`:`,
    "",
    `1. creates the self-hosted gateway \`${name}\` (cloud type \`${NUTANIX_CLOUD_TYPE}\`) unless Palette lists one of that name;`,
    "2. downloads its Jet and Ally manifests with the API key and applies them to the host cluster through its",
    "   Kubernetes API (server-side apply, with the handler's own admin certificate), Jet first;",
    "3. waits until Palette reports the gateway `Running` and `Healthy` (`--gateway-timeout`, default 30m);",
    `4. creates (or updates) the \`${NUTANIX_CLOUD_TYPE}\` cloud account \`${name}\` in project \`${project}\`, bound to the gateway,`,
    "   with the five keys of `cloud-account.yaml` filled from the Prism Central account's references.",
    "",
    "A re-apply of a converged gateway writes nothing to Palette. `./install.sh check` and `./install.sh status`",
    "still help when the gateway does not turn Running: they check the host cluster and list the pods not running.",
    "What is left to a person: registering the cloud type (step 2, or `nutanix-handler palette register-cloud`),",
    "and Palette's own settings of the gateway (IP pools, DNS maps) if you need them.",
    "",
    "## What `destroy` does",
    "",
    `\`nutanix-handler destroy\` of \`${id}\` deletes the cloud account \`${name}\`, then the gateway, in Palette (the clusters`,
    "through Palette go first), then removes this bundle directory. Destroying the host cluster removes its VMs.",
  ];
}
