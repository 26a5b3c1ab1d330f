/**
 * What the emulated cluster reads from a node's cloud-init user data: the role kubeadm plays on it, the
 * join credentials it carries, the Kubernetes version, and the PKI files it writes. Reads the cloud-config
 * (`write_files`, `hostname`/`fqdn`) with the `yaml` package and the kubeadm settings by pattern, so it
 * works whatever renderer produced the documents.
 */
import { parse } from "yaml";

/** A CA pair found in user data. */
export interface FoundCa {
  readonly certPem: string;
  readonly keyPem?: string;
}

/** What one node's user data says. */
export interface NodeUserData {
  /** `hostname` or `fqdn` of the cloud-config; undefined when absent. */
  readonly hostname?: string;
  /** `kubeadm init`, `kubeadm join` (worker) or `kubeadm join --control-plane`; undefined when neither runs. */
  readonly role?: "init" | "join" | "control-plane-join";
  /** The bootstrap token of the join (`--token` or `discovery.bootstrapToken.token` / `token:`). */
  readonly token?: string;
  /** `sha256:<hex>` pins found (`caCertHashes`, `--discovery-token-ca-cert-hash`). */
  readonly caCertHashes: readonly string[];
  /** `unsafeSkipCAVerification: true` or `--discovery-token-unsafe-skip-ca-verification`. */
  readonly unsafeSkipCaVerification: boolean;
  /** `kubernetesVersion: vX.Y.Z` of a ClusterConfiguration in the user data. */
  readonly kubernetesVersion?: string;
  /** `/etc/kubernetes/pki/ca.{crt,key}` written by `write_files`. */
  readonly clusterCa?: FoundCa;
  /** `/etc/kubernetes/pki/etcd/ca.{crt,key}` written by `write_files`. */
  readonly etcdCa?: FoundCa;
}

interface WriteFile {
  path?: unknown;
  content?: unknown;
  encoding?: unknown;
}

/** cloud-init `write_files` content with its `encoding` (b64/base64, gzip is not decoded). */
function fileContent(f: WriteFile): string | undefined {
  if (typeof f.content !== "string") return undefined;
  const enc = typeof f.encoding === "string" ? f.encoding.toLowerCase() : "";
  return enc === "b64" || enc === "base64" ? Buffer.from(f.content, "base64").toString("utf8") : f.content;
}

/** Reads the decoded (plain-text) user data of one VM. */
export function readNodeUserData(userData: string): NodeUserData {
  let doc: Record<string, unknown> = {};
  try {
    const parsed: unknown = parse(userData, { version: "1.1" });
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) doc = parsed as Record<string, unknown>;
  } catch {
    doc = {};
  }
  const files = new Map<string, string>();
  for (const f of Array.isArray(doc.write_files) ? (doc.write_files as WriteFile[]) : []) {
    const c = fileContent(f);
    if (typeof f.path === "string" && c !== undefined) files.set(f.path, c);
  }
  // kubeadm's own files and the commands: all text that kubeadm would read.
  const text = [userData, ...files.values()].join("\n");
  const init = /\bkubeadm\s+init\b/.test(text);
  const join = /\bkubeadm\s+join\b/.test(text);
  const cpJoin = join && (/--control-plane\b/.test(text) || /^\s*controlPlane:\s*$/m.test(text) || /^\s*controlPlane:\s*\{/m.test(text));
  const token = /--token[= ]+([a-z0-9]{6}\.[a-z0-9]{16})\b/.exec(text)?.[1] ?? /\btoken:\s*["']?([a-z0-9]{6}\.[a-z0-9]{16})["']?/.exec(text)?.[1];
  const hashes = [...new Set([...text.matchAll(/sha256:[0-9a-f]{64}/g)].map((m) => m[0]))].sort();
  const ca = (base: string): FoundCa | undefined => {
    const certPem = files.get(`/etc/kubernetes/pki/${base}.crt`);
    if (!certPem) return undefined;
    const keyPem = files.get(`/etc/kubernetes/pki/${base}.key`);
    return keyPem ? { certPem, keyPem } : { certPem };
  };
  const hostname = typeof doc.hostname === "string" ? doc.hostname : typeof doc.fqdn === "string" ? doc.fqdn.split(".")[0] : undefined;
  const version = /\bkubernetesVersion:\s*["']?(v\d+\.\d+\.\d+)/.exec(text)?.[1];
  const clusterCa = ca("ca");
  const etcdCa = ca("etcd/ca");
  return {
    ...(hostname ? { hostname } : {}),
    ...(init ? { role: "init" as const } : cpJoin ? { role: "control-plane-join" as const } : join ? { role: "join" as const } : {}),
    ...(token ? { token } : {}),
    caCertHashes: hashes,
    unsafeSkipCaVerification: /unsafeSkipCAVerification:\s*true\b/.test(text) || /--discovery-token-unsafe-skip-ca-verification\b/.test(text),
    ...(version ? { kubernetesVersion: version } : {}),
    ...(clusterCa ? { clusterCa } : {}),
    ...(etcdCa ? { etcdCa } : {}),
  };
}
