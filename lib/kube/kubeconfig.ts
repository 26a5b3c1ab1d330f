/**
 * The admin kubeconfig (client-go `tools/clientcmd/api/v1` Config: clusters, contexts, current-context,
 * users; kubernetes.io "Organizing Cluster Access Using kubeconfig Files"). Keys come out in a fixed order,
 * and the YAML is written for YAML 1.1 readers (client-go reads kubeconfig through `sigs.k8s.io/yaml`), so a
 * cluster called `on` stays a string.
 */
import { stringify } from "yaml";
import { KubeInputError } from "./errors";

/** Inputs of {@link renderKubeconfig}. */
export interface KubeconfigInput {
  /** Cluster name in the file (also used for the context: `<user>@<cluster>`, as kubeadm names it). */
  readonly clusterName: string;
  /** API server host: an IP address or a DNS name. */
  readonly host: string;
  /** API server port. */
  readonly port: number;
  /** PEM CA certificate(s) that sign the API server's certificate. */
  readonly caPem: string;
  /** PEM client certificate. */
  readonly certPem: string;
  /** PEM client key. */
  readonly keyPem: string;
  /**
   * User name in the file.
   * @default "kubernetes-admin"
   */
  readonly userName?: string;
}

/** `https://host:port`, with brackets around an IPv6 address. */
export function serverUrl(host: string, port: number): string {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new KubeInputError(`port: expected an integer 1-65535, got ${port}`);
  if (host.trim() === "" || /[\s/@]/.test(host)) throw new KubeInputError(`host: expected an IP address or DNS name, got ${JSON.stringify(host)}`);
  return `https://${host.includes(":") && !host.startsWith("[") ? `[${host}]` : host}:${port}`;
}

const b64 = (pem: string): string => Buffer.from(pem, "utf8").toString("base64");

/** The kubeconfig YAML. Contains a private key: callers write it with mode 0600 and never log it. */
export function renderKubeconfig(input: KubeconfigInput): string {
  if (input.clusterName.trim() === "") throw new KubeInputError("clusterName: expected a non-empty name");
  for (const [field, pem] of [["caPem", input.caPem], ["certPem", input.certPem], ["keyPem", input.keyPem]] as const) {
    if (!/-----BEGIN [A-Z0-9 ]+-----/.test(pem)) throw new KubeInputError(`${field}: expected PEM data`);
  }
  const user = input.userName ?? "kubernetes-admin";
  const context = `${user}@${input.clusterName}`;
  const doc = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: input.clusterName, cluster: { "certificate-authority-data": b64(input.caPem), server: serverUrl(input.host, input.port) } }],
    contexts: [{ name: context, context: { cluster: input.clusterName, user } }],
    "current-context": context,
    preferences: {},
    users: [{ name: user, user: { "client-certificate-data": b64(input.certPem), "client-key-data": b64(input.keyPem) } }],
  };
  return stringify(doc, { version: "1.1", lineWidth: 0 });
}
