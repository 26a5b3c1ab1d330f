/**
 * cloud-init user data that turns the handler's VMs into a kubeadm cluster behind kube-vip: the first
 * control-plane node runs `kubeadm init`, the other control-plane nodes join with the uploaded
 * certificates, workers join with the bootstrap token. The bootstrap token and certificate key are
 * made by the handler at apply time and exist only in this output (and on the VMs): never in the plan
 * or the synth output. Use {@link redactUserData} before logging it.
 */
import type { NutanixClusterSpec } from "../schema/cluster";
import type { KubeVipEndpointSpec } from "../schema/kube-vip";
import type { NodePoolSpec } from "../schema/node-pool";
import {
  apiServerCertSans,
  controlPlaneEndpoint,
  etcHostsCommands,
  extraArgs,
  kubeadmApiVersion,
  kubeletArgs,
  nodeTaints,
  TLS_CIPHER_SUITES,
  vPrefixed,
  type ArgStyle,
} from "./kubeadm";
import { bgpRouterIdCommands, KUBE_VIP_MANIFEST_PATH, KUBEADM_INIT_CONFIG_PATH, kubeVipManifestYaml, superAdminPostKubeadmCommands, superAdminPreKubeadmCommands } from "./kube-vip";
import { cniApplyCommands } from "./cni";
import { proxyCommands, proxyEnvPrefix, proxyWriteFiles, type WriteFile } from "./proxy";
import { toYaml, toYamlDocuments } from "./yaml";

/** Where the join configuration is written (CAPI's path; its absence tells the super-admin swap this is no init node). */
export const KUBEADM_JOIN_CONFIG_PATH = "/run/kubeadm/kubeadm-join-config.yaml";
/** The file written when kubeadm succeeded (CAPI's bootstrap sentinel). */
export const BOOTSTRAP_SUCCESS_PATH = "/run/cluster-api/bootstrap-success.complete";
/** The preflight check that fails a control-plane join when kube-vip's manifest is already in place (CAPI ignores it too). */
export const MANIFESTS_DIR_PREFLIGHT = "DirAvailable--etc-kubernetes-manifests";

/** The role of a node in the bootstrap: the first control-plane node, another control-plane node, or a worker. */
export type NodeRole = "init" | "control-plane-join" | "worker-join";

/** A file of the cluster PKI for a control-plane node (kubeadm's paths under /etc/kubernetes/pki). */
export interface PkiWriteFile {
  readonly path: string;
  readonly content: string;
  readonly permissions: "0600" | "0644";
}

/** Secrets the handler generates at apply time. */
export interface NodeSecrets {
  /** A kubeadm bootstrap token, `[a-z0-9]{6}.[a-z0-9]{16}`. */
  bootstrapToken: string;
  /**
   * The key that encrypts the control-plane certificates kubeadm uploads: 64 hex characters. Only
   * control-plane nodes get it, and only when `pkiFiles` is absent (with the shared PKI in every
   * control-plane node's user data nothing is uploaded, as with Cluster API's bootstrap provider).
   * @default none (requires `pkiFiles` for control-plane nodes)
   */
  certificateKey?: string;
  /**
   * The cluster PKI the handler owns (CAs and service-account keys), written to every control-plane
   * node at kubeadm's paths; `kubeadm init` and `kubeadm join --control-plane` then use these files instead
   * of generating or downloading their own (kubernetes.io "Certificate Management with kubeadm", custom
   * certificates). With it there is no `--upload-certs` and no `certificateKey`.
   * @default none (kubeadm generates the PKI on the init node and uploads it for the joins)
   */
  pkiFiles?: readonly PkiWriteFile[];
  /**
   * `sha256:<hex>` of the cluster CA's public key, when the handler knows it. Without it, joining nodes
   * use `unsafeSkipCAVerification: true` and trust whatever answers on the VIP for discovery: someone
   * who can impersonate the VIP on the node network during the join could feed a node a rogue cluster.
   */
  caCertHash?: string;
  /** Resolved BGP peer passwords by peer index, for peers whose password is a SecretRef (required for those peers). */
  bgpPeerPasswords?: readonly (string | undefined)[];
}

/** Input of {@link nodeUserData}. */
export interface NodeUserDataInput {
  cluster: NutanixClusterSpec;
  endpoint: KubeVipEndpointSpec;
  pool: NodePoolSpec;
  /** The VM name, used as hostname and kubelet node name. */
  vmName: string;
  role: NodeRole;
  secrets: NodeSecrets;
}

const TOKEN = /^[a-z0-9]{6}\.[a-z0-9]{16}$/;
const CERT_KEY = /^[a-f0-9]{64}$/;
const CA_HASH = /^sha256:[a-f0-9]{64}$/;

function check(input: NodeUserDataInput): void {
  const { pool, role, secrets, endpoint } = input;
  const where = `user data for ${input.vmName}`;
  if (role === "worker-join" ? pool.role !== "worker" : pool.role !== "control-plane") {
    throw new Error(`${where}: role '${role}' does not fit the ${pool.role} pool '${pool.name}'`);
  }
  if (!TOKEN.test(secrets.bootstrapToken)) throw new Error(`${where}: expected a bootstrap token [a-z0-9]{6}.[a-z0-9]{16}`);
  if (role !== "worker-join" && !secrets.pkiFiles && !CERT_KEY.test(secrets.certificateKey ?? "")) throw new Error(`${where}: expected a certificate key of 64 lowercase hex characters`);
  if (secrets.caCertHash !== undefined && !CA_HASH.test(secrets.caCertHash)) throw new Error(`${where}: expected caCertHash as sha256:<64 hex characters>`);
  if (role !== "worker-join" && endpoint.mode === "bgp") {
    endpoint.bgp?.peers.forEach((p, i) => {
      if (p.password && secrets.bgpPeerPasswords?.[i] === undefined) {
        throw new Error(`${where}: BGP peer ${p.address} has a password reference; pass its value in secrets.bgpPeerPasswords[${i}]`);
      }
    });
  }
}

function argStyle(version: string): ArgStyle {
  return kubeadmApiVersion(version) === "kubeadm.k8s.io/v1beta4" ? "list" : "map";
}

function nodeRegistration(input: NodeUserDataInput, style: ArgStyle, ignorePreflight: string[] = []): Record<string, unknown> {
  const reg: Record<string, unknown> = { name: input.vmName, kubeletExtraArgs: extraArgs(kubeletArgs(input.pool), style) };
  const taints = nodeTaints(input.pool);
  if (taints) reg.taints = taints;
  if (ignorePreflight.length > 0) reg.ignorePreflightErrors = ignorePreflight;
  return reg;
}

/**
 * The kubeadm configuration documents of a node: InitConfiguration + ClusterConfiguration for the
 * init node, JoinConfiguration for the others. `kubeadm.k8s.io/v1beta3` up to Kubernetes 1.30,
 * `v1beta4` (list-style `extraArgs`) from 1.31.
 */
export function kubeadmConfigDocuments(input: NodeUserDataInput): Record<string, unknown>[] {
  check(input);
  const { cluster, endpoint, secrets, role } = input;
  const apiVersion = kubeadmApiVersion(cluster.kubernetesVersion);
  const style = argStyle(cluster.kubernetesVersion);
  const cpEndpoint = controlPlaneEndpoint(endpoint);
  if (role === "init") {
    const tls = extraArgs({ "tls-cipher-suites": TLS_CIPHER_SUITES }, style);
    return [
      {
        apiVersion,
        kind: "InitConfiguration",
        bootstrapTokens: [
          {
            token: secrets.bootstrapToken,
            description: "nutanix-palette-cdk: joins the nodes of this cluster",
            ttl: "24h0m0s",
            usages: ["signing", "authentication"],
            groups: ["system:bootstrappers:kubeadm:default-node-token"],
          },
        ],
        ...(secrets.pkiFiles ? {} : { certificateKey: secrets.certificateKey }),
        // The API server listens on the endpoint's port, which kube-vip forwards to (kubeadm's default is 6443).
        localAPIEndpoint: { bindPort: endpoint.port },
        nodeRegistration: nodeRegistration(input, style),
      },
      {
        apiVersion,
        kind: "ClusterConfiguration",
        clusterName: cluster.name,
        kubernetesVersion: vPrefixed(cluster.kubernetesVersion),
        controlPlaneEndpoint: cpEndpoint,
        networking: { dnsDomain: "cluster.local", podSubnet: cluster.podCidr, serviceSubnet: cluster.serviceCidr },
        apiServer: { certSANs: apiServerCertSans(endpoint), extraArgs: tls },
        controllerManager: { extraArgs: tls },
        scheduler: { extraArgs: tls },
      },
    ];
  }
  const bootstrapToken: Record<string, unknown> = { apiServerEndpoint: cpEndpoint, token: secrets.bootstrapToken };
  if (secrets.caCertHash) bootstrapToken.caCertHashes = [secrets.caCertHash];
  else bootstrapToken.unsafeSkipCAVerification = true;
  const join: Record<string, unknown> = {
    apiVersion,
    kind: "JoinConfiguration",
    discovery: { bootstrapToken },
    nodeRegistration: nodeRegistration(input, style, role === "control-plane-join" ? [MANIFESTS_DIR_PREFLIGHT] : []),
  };
  if (role === "control-plane-join") join.controlPlane = { ...(secrets.pkiFiles ? {} : { certificateKey: secrets.certificateKey }), localAPIEndpoint: { bindPort: endpoint.port } };
  return [join];
}

/** The SSH keys of a node: the cluster's, then the pool's that are not among them. */
export function nodeSshKeys(cluster: NutanixClusterSpec, pool: NodePoolSpec): string[] {
  return [...new Set([...(cluster.sshAuthorizedKeys ?? []), ...(pool.sshAuthorizedKeys ?? [])])];
}

function nodeWriteFiles(input: NodeUserDataInput, configPath: string, docs: readonly Record<string, unknown>[]): WriteFile[] {
  const { endpoint, cluster, role } = input;
  const files: WriteFile[] = [...proxyWriteFiles(cluster, endpoint)];
  if (role !== "worker-join") {
    const passwords = input.secrets.bgpPeerPasswords;
    // A manifest holding a BGP password is root-only; the kubelet reads static pods as root.
    const secret = endpoint.mode === "bgp" && (passwords ?? []).some((p) => p !== undefined && p !== "");
    files.push({ path: KUBE_VIP_MANIFEST_PATH, owner: "root:root", permissions: secret ? "0600" : "0644", content: kubeVipManifestYaml(endpoint, { bgpPeerPasswords: passwords }) });
    // The cluster's CAs and service-account keys (the handler owns them), at kubeadm's paths.
    for (const f of input.secrets.pkiFiles ?? []) files.push({ path: f.path, owner: "root:root", permissions: f.permissions, content: f.content });
  }
  // The kubeadm configuration holds the bootstrap token (and the certificate key): root-only.
  files.push({ path: configPath, owner: "root:root", permissions: "0600", content: toYamlDocuments(docs) });
  return files;
}

/**
 * The cloud-init user data of one node, starting `#cloud-config\n`. Control-plane nodes get the
 * kube-vip static pod in `write_files`, CAPX's /etc/hosts lines and, for BGP without a fixed router
 * id, the boot-time router id; the init node runs `kubeadm init --config /run/kubeadm/kubeadm.yaml
 * --upload-certs` wrapped in the super-admin swap (Kubernetes ≥ 1.29.0) and then applies the CNI; the
 * others run `kubeadm join`. With a proxy, every node gets it before kubeadm runs. SSH keys go to
 * cloud-init's `ssh_authorized_keys` (the default user; cloud-init docs, module "SSH"). Secret-bearing
 * files are 0600. Pure and deterministic; it contains secrets.
 */
export function nodeUserData(input: NodeUserDataInput): string {
  const docs = kubeadmConfigDocuments(input);
  const { role, vmName, endpoint, cluster } = input;
  const controlPlane = role !== "worker-join";
  const configPath = role === "init" ? KUBEADM_INIT_CONFIG_PATH : KUBEADM_JOIN_CONFIG_PATH;
  const writeFiles = nodeWriteFiles(input, configPath, docs);

  const upload = input.secrets.pkiFiles ? "" : " --upload-certs";
  const kubeadm = role === "init" ? `kubeadm init --config ${configPath}${upload}` : `kubeadm join --config ${configPath}`;
  const runcmd: string[] = [`hostnamectl set-hostname "${vmName}"`];
  runcmd.push(...proxyCommands(cluster));
  if (controlPlane) runcmd.push(...etcHostsCommands(vmName), ...bgpRouterIdCommands(endpoint));
  if (role === "init") runcmd.push(...superAdminPreKubeadmCommands(cluster.kubernetesVersion));
  runcmd.push("mkdir -p /run/cluster-api", `${kubeadm} && echo success > ${BOOTSTRAP_SUCCESS_PATH}`);
  if (role === "init") {
    runcmd.push(...superAdminPostKubeadmCommands(cluster.kubernetesVersion));
    runcmd.push(...cniApplyCommands(cluster.cni, BOOTSTRAP_SUCCESS_PATH, proxyEnvPrefix(cluster, endpoint)));
  }
  if (controlPlane) runcmd.push("echo export KUBECONFIG=/etc/kubernetes/admin.conf >> /root/.bashrc");

  const keys = nodeSshKeys(cluster, input.pool);
  const config: Record<string, unknown> = { hostname: vmName, preserve_hostname: false };
  if (keys.length > 0) config.ssh_authorized_keys = keys;
  config.write_files = writeFiles;
  config.runcmd = runcmd;
  return `#cloud-config\n${toYaml(config)}`;
}

/** The guest-customization `meta_data` of a VM: `{"hostname":…,"uuid":…}`. */
export function metaData(vmName: string, uuid: string): string {
  return JSON.stringify({ hostname: vmName, uuid });
}

/**
 * `text` with bootstrap tokens, certificate keys (64 hex characters not preceded by `sha256:`),
 * BGP peer passwords in `bgp_peers` values and any `extra` literal strings replaced by `<redacted>`:
 * for logs and error messages. The CA certificate hash is public and kept.
 */
export function redactUserData(text: string, extra: readonly string[] = []): string {
  let out = text
    .replace(/-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?-----END \1PRIVATE KEY-----/g, "<redacted private key>")
    .replace(/\b[a-z0-9]{6}\.[a-z0-9]{16}\b/g, "<redacted>")
    .replace(/(?<!sha256:)\b[a-fA-F0-9]{64}\b/g, "<redacted>")
    .replace(/(\b(?:\d{1,3}\.){3}\d{1,3}:\d+:)(?!\$\{)([^:,\s]+)(?=:(?:true|false)\b)/g, "$1<redacted>");
  for (const s of extra) if (s.length > 0) out = out.split(s).join("<redacted>");
  return out;
}
