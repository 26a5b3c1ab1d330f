/**
 * Rules kubeadm and the kubelet enforce, refused by the schemas (issue 14, item 10), and the
 * synth-time checks of the new cluster props (CNI, proxy, SSH keys, BGP router id).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { NutanixClusterPropsSchema } from "../../lib/schema/cluster";
import { NodePoolPropsSchema } from "../../lib/schema/node-pool";
import { controlPlaneMachineIssues, podCidrIssues, serviceCidrIssues } from "../../lib/schema/kubeadm-rules";
import { isReservedNodeLabel } from "../../lib/schema/kubernetes";
import { bgpPasswordProblem } from "../../lib/schema/kube-vip";
import { sshPublicKeyProblem } from "../../lib/schema/ssh";
import { ed25519KeyLine } from "../helpers/ssh-key";
import { expectSchemaCases } from "./table";

const machine = { image: "img", cluster: "PE-1", subnets: ["net"] };
const base = { name: "c1", kubernetesVersion: "v1.30.5", endpoint: { address: "10.20.0.10" }, controlPlane: { machine } };
const bgp = { routerId: "10.20.0.2", peers: [{ address: "10.20.0.1", asn: 65001 }] };

expectSchemaCases("NutanixClusterPropsSchema (kubeadm rules and day-2 props)", NutanixClusterPropsSchema, [
  { name: "a /12 service CIDR and a /23 pod CIDR", input: { ...base, serviceCidr: "10.96.0.0/12", podCidr: "192.168.0.0/23" } },
  { name: "allowed kubelet labels", input: { ...base, controlPlane: { machine, labels: { "node.kubernetes.io/pool": "cp", "kubelet.kubernetes.io/x": "y", "topology.kubernetes.io/zone": "a", "example.com/role": "cp" } } } },
  { name: "cni none, cilium, a proxy and SSH keys", input: { ...base, cni: { plugin: "cilium" }, proxy: { httpsProxy: "http://proxy:3128", noProxy: [".example.com", "10.0.0.0/8"] }, sshAuthorizedKeys: [ed25519KeyLine(3)] } },
  { name: "a fixed BGP router id with one control-plane node", input: { ...base, endpoint: { address: "10.20.0.10", mode: "bgp", bgp } } },
  { name: "1000 worker replicas", input: { ...base, workers: [{ name: "w", replicas: 1000, machine }] } },
], [
  { name: "a /8 service CIDR", input: { ...base, serviceCidr: "10.0.0.0/8", podCidr: "192.168.0.0/16" }, message: /service CIDR of \/12 or smaller.*got 10\.0\.0\.0\/8/, field: "serviceCidr" },
  { name: "a /25 pod CIDR", input: { ...base, podCidr: "192.168.0.0/25" }, message: /larger than the per-node \/24.*got 192\.168\.0\.0\/25/, field: "podCidr" },
  { name: "a /24 pod CIDR (one node only)", input: { ...base, podCidr: "192.168.0.0/24" }, message: /larger than the per-node \/24/, field: "podCidr" },
  { name: "a /7 pod CIDR", input: { ...base, podCidr: "0.0.0.0/7", endpoint: { address: "192.168.0.10" } }, message: /pod CIDR of \/8 or smaller/, field: "podCidr" },
  { name: "a node-role label", input: { ...base, controlPlane: { machine, labels: { "node-role.kubernetes.io/worker": "" } } }, message: /node-role\.kubernetes\.io\/\* cannot be self-assigned.*got "node-role\.kubernetes\.io\/worker"/, field: "controlPlane.labels.node-role.kubernetes.io/worker" },
  { name: "a k8s.io label", input: { ...base, workers: [{ name: "w", replicas: 1, machine, labels: { "foo.k8s.io/bar": "x" } }] }, message: /kubelet may set on itself/, field: "workers[0].labels.foo.k8s.io/bar" },
  { name: "a 1-vCPU control plane", input: { ...base, controlPlane: { machine: { ...machine, vcpuSockets: 1, vcpusPerSocket: 1 } } }, message: /at least 2 vCPUs.*kubeadm preflight.*got 1/, field: "controlPlane.machine.vcpuSockets" },
  { name: "1001 worker replicas", input: { ...base, workers: [{ name: "w", replicas: 1001, machine }] }, message: /replicas ≤ 1000/, field: "workers[0].replicas" },
  { name: "an autoscaling ceiling of 5000", input: { ...base, workers: [{ name: "w", replicas: 1, autoscaling: { minReplicas: 1, maxReplicas: 5000 }, machine }] }, message: /≤ 1000/, field: "workers[0].autoscaling.maxReplicas" },
  { name: "7 control-plane replicas", input: { ...base, controlPlane: { replicas: 7, machine } }, message: /1, 3 or 5/, field: "controlPlane.replicas" },
  { name: "a fixed BGP router id with three control-plane nodes", input: { ...base, controlPlane: { replicas: 3, machine }, endpoint: { address: "10.20.0.10", mode: "bgp", bgp } }, message: /no routerId with 3 control-plane nodes/, field: "endpoint.bgp.routerId" },
  { name: "a CNI version with none", input: { ...base, cni: { plugin: "none", version: "1.0.0" } }, message: /no version with plugin 'none'/, field: "cni.version" },
  { name: "an unknown CNI", input: { ...base, cni: { plugin: "flannel" } }, message: /'calico', 'cilium' or 'none'/, field: "cni.plugin" },
  { name: "a proxy without a URL", input: { ...base, proxy: { noProxy: ["x"] } }, message: /httpProxy or httpsProxy/, field: "proxy" },
  { name: "a proxy URL with credentials", input: { ...base, proxy: { httpProxy: "http://u:p@proxy:3128" } }, message: /without user:password/, field: "proxy.httpProxy" },
  { name: "a noProxy entry with a comma", input: { ...base, proxy: { httpProxy: "http://proxy:3128", noProxy: ["a.example.com,b.example.com"] } }, message: /one host, domain/, field: "proxy.noProxy[0]" },
  { name: "a malformed SSH key", input: { ...base, sshAuthorizedKeys: ["ssh-ed25519 not-base64!"] }, message: /'<type> <base64 key> \[comment\]'/, field: "sshAuthorizedKeys[0]" },
  { name: "a pool SSH key of an unknown type", input: { ...base, workers: [{ name: "w", replicas: 1, machine, sshAuthorizedKeys: ["ssh-foo AAAA"] }] }, message: /key type of/, field: "workers[0].sshAuthorizedKeys[0]" },
]);

expectSchemaCases("NodePoolPropsSchema (control-plane minimums)", NodePoolPropsSchema, [], [
  { name: "a 1-vCPU control-plane pool", input: { name: "cp", role: "control-plane", replicas: 1, machine: { ...machine, vcpuSockets: 1, vcpusPerSocket: 1 } }, message: /at least 2 vCPUs/, field: "machine.vcpuSockets" },
  { name: "1001 replicas", input: { name: "w", replicas: 1001, machine }, message: /≤ 1000/, field: "replicas" },
]);

test("kubeadm rules as pure functions", () => {
  assert.deepEqual(serviceCidrIssues("10.96.0.0/12"), []);
  assert.equal(serviceCidrIssues("10.0.0.0/11").length, 1);
  assert.deepEqual(podCidrIssues("10.244.0.0/16"), []);
  assert.equal(podCidrIssues("10.244.0.0/24").length, 1);
  // CAPX's 2 GiB minimum already covers kubeadm's 1700 MiB; the rule still stands on its own.
  assert.match(controlPlaneMachineIssues({ vcpuSockets: 2, vcpusPerSocket: 1, memoryMiB: 1024 })[0]!.message, /at least 1700 MiB/);
  assert.deepEqual(controlPlaneMachineIssues({ vcpuSockets: 1, vcpusPerSocket: 2, memoryMiB: 2048 }), []);
  for (const k of ["node-role.kubernetes.io/control-plane", "kubernetes.io/role", "k8s.io/x", "sub.k8s.io/x"]) assert.equal(isReservedNodeLabel(k), true, k);
  for (const k of ["kubernetes.io/hostname", "node.kubernetes.io/exclude-from-external-load-balancers", "a.node.kubernetes.io/x", "example.com/x", "plain"]) assert.equal(isReservedNodeLabel(k), false, k);
});

test("BGP passwords and SSH keys: problems named, values never echoed", () => {
  assert.equal(bgpPasswordProblem("s3cret"), undefined);
  for (const bad of ["a:b", "a,b", "a b"]) {
    const p = bgpPasswordProblem(bad);
    assert.match(p ?? "", /without ':', ','/);
    assert.ok(!p!.includes(bad));
  }
  assert.equal(sshPublicKeyProblem(ed25519KeyLine(9)), undefined);
  assert.match(sshPublicKeyProblem("-----BEGIN OPENSSH PRIVATE KEY-----") ?? "", /private key/);
  const mismatched = `ssh-rsa ${ed25519KeyLine(9).split(" ")[1]}`;
  assert.match(sshPublicKeyProblem(mismatched) ?? "", /start with its type ssh-rsa/);
});
