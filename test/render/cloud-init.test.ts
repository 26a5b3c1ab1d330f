import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parse, parseAllDocuments } from "yaml";
import { kubeadmConfigDocuments, metaData, nodeUserData, redactUserData, type NodeUserDataInput } from "../../lib/render";
import { BGP_ENDPOINT, CLUSTER, CP_POOL, DEFAULT_POOL, ENDPOINT, EDGE_PLAN, GPU_POOL, SECRETS } from "./fixtures";
import { assertGolden } from "./golden";
import type { NodePoolSpec } from "../../lib/schema/node-pool";
import type { NutanixClusterSpec } from "../../lib/schema/cluster";

interface CloudConfig {
  hostname: string;
  write_files: { path: string; owner: string; permissions: string; content: string }[];
  runcmd: string[];
}

function render(input: Partial<NodeUserDataInput> & Pick<NodeUserDataInput, "role" | "vmName">): { text: string; cc: CloudConfig } {
  const text = nodeUserData({ cluster: CLUSTER, endpoint: ENDPOINT, pool: CP_POOL, secrets: SECRETS, ...input });
  assert.ok(text.startsWith("#cloud-config\n"), "user data must start with the #cloud-config header");
  const cc = parse(text.slice("#cloud-config\n".length)) as CloudConfig;
  return { text, cc };
}

const file = (cc: CloudConfig, path: string) => cc.write_files.find((f) => f.path === path);
const kubeadmDocs = (cc: CloudConfig, path: string) => parseAllDocuments(file(cc, path)!.content).map((d) => d.toJS() as Record<string, any>); // eslint-disable-line @typescript-eslint/no-explicit-any

const INIT = { role: "init" as const, vmName: "pcg-host-cp-0" };
const CP_JOIN = { role: "control-plane-join" as const, vmName: "pcg-host-cp-1" };
const GPU_WORKER = { role: "worker-join" as const, vmName: "pcg-host-gpu-0", pool: GPU_POOL, secrets: { bootstrapToken: SECRETS.bootstrapToken, certificateKey: SECRETS.certificateKey } };

describe("nodeUserData", () => {
  it("makes the first control-plane node run kubeadm init behind the VIP", () => {
    const { text, cc } = render(INIT);
    assert.equal(cc.hostname, "pcg-host-cp-0");
    const vip = file(cc, "/etc/kubernetes/manifests/kube-vip.yaml");
    assert.ok(vip, "kube-vip static pod in write_files");
    const pod = parse(vip.content);
    assert.equal(pod.kind, "Pod");
    assert.ok(pod.spec.containers[0].env.some((e: { name: string; value: string }) => e.name === "address" && e.value === "10.20.0.10"));
    const [init, clusterCfg] = kubeadmDocs(cc, "/run/kubeadm/kubeadm.yaml");
    assert.equal(init!.apiVersion, "kubeadm.k8s.io/v1beta3");
    assert.equal(init!.kind, "InitConfiguration");
    assert.equal(init!.bootstrapTokens[0].token, SECRETS.bootstrapToken);
    assert.equal(init!.certificateKey, SECRETS.certificateKey);
    assert.equal(init!.nodeRegistration.name, "pcg-host-cp-0");
    assert.equal(init!.nodeRegistration.taints, undefined, "kubeadm keeps its control-plane taint");
    assert.equal(clusterCfg!.kind, "ClusterConfiguration");
    assert.equal(clusterCfg!.controlPlaneEndpoint, "10.20.0.10:6443");
    assert.equal(clusterCfg!.kubernetesVersion, "v1.30.5");
    assert.deepEqual(clusterCfg!.networking, { dnsDomain: "cluster.local", podSubnet: "172.20.0.0/16", serviceSubnet: "172.19.0.0/16" });
    assert.ok(clusterCfg!.apiServer.certSANs.includes("10.20.0.10"));
    const i = cc.runcmd.indexOf("kubeadm init --config /run/kubeadm/kubeadm.yaml --upload-certs && echo success > /run/cluster-api/bootstrap-success.complete");
    assert.ok(i > 0, "runs kubeadm init");
    assert.ok(cc.runcmd.includes('echo "127.0.0.1   kubernetes" >>/etc/hosts'));
    const pre = cc.runcmd.findIndex((c) => c.includes("path: /etc/kubernetes/super-admin.conf#' "));
    const post = cc.runcmd.findIndex((c) => c.includes("#path: /etc/kubernetes/admin.conf#' "));
    assert.ok(pre >= 0 && pre < i && post > i, "super-admin swap wraps kubeadm init for 1.30.5");
    assert.ok(!text.includes("kubeadm join"));
    assertGolden("cloud-init-init.yaml", text);
  });

  it("makes other control-plane nodes join with the certificate key and the kube-vip manifest", () => {
    const { text, cc } = render(CP_JOIN);
    assert.ok(file(cc, "/etc/kubernetes/manifests/kube-vip.yaml")?.content.includes("10.20.0.10"));
    const [join] = kubeadmDocs(cc, "/run/kubeadm/kubeadm-join-config.yaml");
    assert.equal(join!.kind, "JoinConfiguration");
    assert.deepEqual(join!.controlPlane, { certificateKey: SECRETS.certificateKey, localAPIEndpoint: { bindPort: 6443 } });
    assert.deepEqual(join!.discovery.bootstrapToken, { apiServerEndpoint: "10.20.0.10:6443", token: SECRETS.bootstrapToken, caCertHashes: [SECRETS.caCertHash] });
    assert.deepEqual(join!.nodeRegistration.ignorePreflightErrors, ["DirAvailable--etc-kubernetes-manifests"]);
    assert.ok(cc.runcmd.includes("kubeadm join --config /run/kubeadm/kubeadm-join-config.yaml && echo success > /run/cluster-api/bootstrap-success.complete"));
    assert.ok(!text.includes("kubeadm init"));
    assert.ok(!text.includes("super-admin"), "only the init node swaps kubeconfigs");
    assert.equal(file(cc, "/run/kubeadm/kubeadm.yaml"), undefined);
    assertGolden("cloud-init-cp-join.yaml", text);
  });

  it("makes workers join with labels and taints, without kube-vip or the certificate key", () => {
    const { text, cc } = render(GPU_WORKER);
    assert.equal(file(cc, "/etc/kubernetes/manifests/kube-vip.yaml"), undefined);
    assert.ok(!text.includes("kube-vip"));
    assert.ok(!text.includes(SECRETS.certificateKey), "workers never receive the certificate key");
    const [join] = kubeadmDocs(cc, "/run/kubeadm/kubeadm-join-config.yaml");
    assert.equal(join!.controlPlane, undefined);
    assert.equal(join!.discovery.bootstrapToken.unsafeSkipCAVerification, true);
    assert.equal(join!.discovery.bootstrapToken.caCertHashes, undefined);
    assert.equal(join!.nodeRegistration.kubeletExtraArgs["node-labels"], "node.kubernetes.io/pool=gpu,nvidia.com/gpu.present=true");
    assert.deepEqual(join!.nodeRegistration.taints, [{ key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" }]);
    assert.equal(join!.nodeRegistration.ignorePreflightErrors, undefined);
    assert.ok(!cc.runcmd.some((c) => c.includes("/etc/hosts")));
    assertGolden("cloud-init-worker-gpu.yaml", text);
  });

  it("swaps super-admin.conf for exactly 1.29.0, keeps the control-plane taint beside pool taints, and needs BGP passwords", () => {
    const byId = Object.fromEntries(EDGE_PLAN.resources.map((r) => [r.id, r.spec]));
    const cluster = byId["dc2/edge"] as NutanixClusterSpec;
    const pool = byId["dc2/edge/cp"] as NodePoolSpec;
    const base = { cluster, endpoint: BGP_ENDPOINT, pool, vmName: "edge-cp-0", role: "init" as const };
    assert.throws(() => nodeUserData({ ...base, secrets: SECRETS }), /bgpPeerPasswords\[0\]/);
    const text = nodeUserData({ ...base, secrets: { ...SECRETS, bgpPeerPasswords: ["peerpass1"] } });
    assert.ok(text.includes("super-admin"), "1.29.0 is patched too (kube-vip #684)");
    const cc = parse(text.slice(14)) as CloudConfig;
    const pod = parse(file(cc, "/etc/kubernetes/manifests/kube-vip.yaml")!.content);
    const env = Object.fromEntries(pod.spec.containers[0].env.map((e: { name: string; value: string }) => [e.name, e.value]));
    assert.equal(env.bgp_peers, "192.0.2.1:65000:peerpass1:false,192.0.2.2:65000::true");
    const [init, clusterCfg] = kubeadmDocs(cc, "/run/kubeadm/kubeadm.yaml");
    assert.deepEqual(init!.nodeRegistration.taints, [
      { key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" },
      { key: "dedicated", value: "edge", effect: "PreferNoSchedule" },
    ]);
    assert.equal(clusterCfg!.controlPlaneEndpoint, "192.0.2.10:8443");
    assert.equal(clusterCfg!.kubernetesVersion, "v1.29.0");
    assertGolden("cloud-init-edge-init.yaml", redactUserData(text, ["peerpass1"]));
  });

  it("uses kubeadm v1beta4 with list-style kubelet arguments from Kubernetes 1.31", () => {
    const cluster = { ...CLUSTER, kubernetesVersion: "1.31.2" };
    const [init, clusterCfg] = kubeadmConfigDocuments({ cluster, endpoint: ENDPOINT, pool: { ...CP_POOL, labels: { "node.kubernetes.io/role": "cp" } }, vmName: "cp-0", role: "init", secrets: SECRETS }) as Record<string, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
    assert.equal(init!.apiVersion, "kubeadm.k8s.io/v1beta4");
    assert.equal(clusterCfg!.apiVersion, "kubeadm.k8s.io/v1beta4");
    assert.ok(Array.isArray(init!.nodeRegistration.kubeletExtraArgs));
    assert.deepEqual(init!.nodeRegistration.kubeletExtraArgs.find((a: { name: string }) => a.name === "node-labels"), { name: "node-labels", value: "node.kubernetes.io/role=cp" });
    assert.deepEqual(clusterCfg!.apiServer.extraArgs.map((a: { name: string }) => a.name), ["tls-cipher-suites"]);
    const [join] = kubeadmConfigDocuments({ cluster, endpoint: ENDPOINT, pool: DEFAULT_POOL, vmName: "w-0", role: "worker-join", secrets: SECRETS }) as Record<string, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
    assert.equal(join!.apiVersion, "kubeadm.k8s.io/v1beta4");
    assert.ok(Array.isArray(join!.nodeRegistration.kubeletExtraArgs));
  });

  it("rejects a role that does not fit the pool and malformed secrets", () => {
    assert.throws(() => render({ role: "worker-join", vmName: "x" }), /does not fit the control-plane pool/);
    assert.throws(() => render({ role: "init", vmName: "x", pool: DEFAULT_POOL }), /does not fit the worker pool/);
    assert.throws(() => render({ ...INIT, secrets: { ...SECRETS, bootstrapToken: "ABCDEF.0123456789abcdef" } }), /bootstrap token/);
    assert.throws(() => render({ ...INIT, secrets: { ...SECRETS, certificateKey: "abc" } }), /certificate key/);
    assert.throws(() => render({ ...CP_JOIN, secrets: { ...SECRETS, caCertHash: "md5:00" } }), /caCertHash/);
  });

  it("is deterministic", () => {
    for (const input of [INIT, CP_JOIN, GPU_WORKER]) assert.equal(render(input).text, render(structuredClone(input)).text);
  });
});

describe("redactUserData", () => {
  it("removes the token, the certificate key and BGP passwords but keeps the CA hash", () => {
    for (const input of [INIT, CP_JOIN]) {
      const out = redactUserData(render(input).text);
      assert.ok(!out.includes(SECRETS.bootstrapToken));
      assert.ok(!out.includes(SECRETS.certificateKey));
      assert.ok(out.includes("<redacted>"));
      if (input === CP_JOIN) assert.ok(out.includes(SECRETS.caCertHash));
    }
    assert.equal(redactUserData("value: 192.0.2.1:65000:hunter2:false,192.0.2.2:65000::true"), "value: 192.0.2.1:65000:<redacted>:false,192.0.2.2:65000::true");
    assert.equal(redactUserData("192.0.2.1:65000:${BGP_PEER_PASSWORD}:false"), "192.0.2.1:65000:${BGP_PEER_PASSWORD}:false");
    assert.equal(redactUserData("pw=xyzzy", ["xyzzy"]), "pw=<redacted>");
  });
});

describe("metaData", () => {
  it("is the guest-customization meta_data JSON", () => {
    const text = metaData("pcg-host-cp-0", "0005a0f1-8d4c-4d5e-9a3f-1f2e3d4c5b6a");
    assert.equal(text, '{"hostname":"pcg-host-cp-0","uuid":"0005a0f1-8d4c-4d5e-9a3f-1f2e3d4c5b6a"}');
    assert.deepEqual(JSON.parse(text), { hostname: "pcg-host-cp-0", uuid: "0005a0f1-8d4c-4d5e-9a3f-1f2e3d4c5b6a" });
  });
});
