/**
 * Test fixtures for the emulated cluster: cloud-config user data for `kubeadm init` / `kubeadm join` nodes
 * (the shapes a renderer would produce), and a started cluster (model + API server on loopback) with an
 * admin client.
 */
import { stringify } from "yaml";
import { KubeClient, caCertHash, generateClusterPki, issueAdminCertificate, pkiFiles, type ClusterPki, type IssuedCertificate } from "../../../lib/kube";
import { KubeClusterModel, serveKubeApi, type KubeClusterModelOptions, type RunningKubeApi } from "../../../lib/emulator/kube";

let shared: Promise<ClusterPki> | undefined;
/** One PKI for the whole test file (RSA generation is the slow part). */
export function testPki(): Promise<ClusterPki> {
  shared ??= generateClusterPki({ keyAlgorithm: "ECDSA-P256" });
  return shared;
}

/** User data of the `kubeadm init` node: the PKI files, a ClusterConfiguration, the command. */
export function initUserData(pki: ClusterPki, opts: { hostname: string; kubernetesVersion?: string; controlPlaneEndpoint?: string }): string {
  const endpoint = opts.controlPlaneEndpoint ? `controlPlaneEndpoint: ${opts.controlPlaneEndpoint}\n` : "";
  const kubeadm = `apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\nkubernetesVersion: ${opts.kubernetesVersion ?? "v1.30.2"}\n${endpoint}`;
  return `#cloud-config\n${stringify({
    hostname: opts.hostname,
    write_files: [
      ...pkiFiles(pki).map((f) => ({ path: f.path, permissions: f.permissions, encoding: "b64", content: Buffer.from(f.content).toString("base64") })),
      { path: "/run/kubeadm/kubeadm.yaml", permissions: "0600", content: kubeadm },
    ],
    runcmd: ["kubeadm init --config /run/kubeadm/kubeadm.yaml"],
  })}`;
}

/** User data of a joining node (worker, or control plane with the PKI files). */
export function joinUserData(opts: {
  hostname: string;
  token: string;
  caPem?: string;
  unsafeSkipCaVerification?: boolean;
  controlPlane?: ClusterPki;
  kubernetesVersion?: string;
}): string {
  const discovery = [
    "apiVersion: kubeadm.k8s.io/v1beta3",
    "kind: JoinConfiguration",
    "discovery:",
    "  bootstrapToken:",
    "    apiServerEndpoint: 10.0.0.10:6443",
    `    token: ${opts.token}`,
    ...(opts.caPem ? ["    caCertHashes:", `      - ${caCertHash(opts.caPem)}`] : []),
    ...(opts.unsafeSkipCaVerification ? ["    unsafeSkipCAVerification: true"] : []),
    ...(opts.controlPlane ? ["controlPlane:", "  localAPIEndpoint:", "    bindPort: 6443"] : []),
    "---",
    "apiVersion: kubeadm.k8s.io/v1beta3",
    "kind: ClusterConfiguration",
    `kubernetesVersion: ${opts.kubernetesVersion ?? "v1.30.2"}`,
    "",
  ].join("\n");
  return `#cloud-config\n${stringify({
    hostname: opts.hostname,
    write_files: [
      ...(opts.controlPlane ? pkiFiles(opts.controlPlane).map((f) => ({ path: f.path, permissions: f.permissions, content: f.content })) : []),
      { path: "/run/kubeadm/kubeadm-join.yaml", permissions: "0600", content: discovery },
    ],
    runcmd: ["kubeadm join --config /run/kubeadm/kubeadm-join.yaml"],
  })}`;
}

/** A started emulated cluster whose init node has powered on. */
export interface TestCluster {
  pki: ClusterPki;
  model: KubeClusterModel;
  api: RunningKubeApi;
  admin: IssuedCertificate;
  client(cred?: { certPem: string; keyPem: string }): KubeClient;
  stop(): Promise<void>;
}

/** Model + server + init node `cp-0`, and admin clients that are closed by `stop`. */
export async function startCluster(opts: KubeClusterModelOptions & { kubernetesVersion?: string } = {}): Promise<TestCluster> {
  const pki = await testPki();
  const model = new KubeClusterModel(opts);
  const r = model.vmPoweredOn({ vmName: "cp-0", userData: initUserData(pki, { hostname: "cp-0", ...(opts.kubernetesVersion ? { kubernetesVersion: opts.kubernetesVersion } : {}) }) });
  if (!r.joined) throw new Error(`init did not join: ${r.reason}`);
  const api = await serveKubeApi({ model, ca: pki.ca, etcdCa: pki.etcdCa });
  const admin = await issueAdminCertificate(pki.ca, { kubernetesVersion: "v1.30.2", validityMs: 3600_000 });
  const clients: KubeClient[] = [];
  return {
    pki,
    model,
    api,
    admin,
    client(cred = admin) {
      const c = new KubeClient({ endpoint: { host: "127.0.0.1", port: api.port, caPem: pki.ca.certPem, certPem: cred.certPem, keyPem: cred.keyPem }, timeoutMs: 5000 });
      clients.push(c);
      return c;
    },
    async stop() {
      for (const c of clients) c.close();
      await api.stop();
    },
  };
}
