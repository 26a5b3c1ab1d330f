/**
 * Bootstrap defaults a real node accepts (issue 14, item 8): YAML 1.1 readers get strings, no
 * vip_interface unless set, the API server binds the endpoint port, a router id per node, secrets in
 * 0600 files, SSH keys for the default user, the CNI applied by the init node only.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parse, parseAllDocuments } from "yaml";
import { BGP_ROUTER_ID_PLACEHOLDER, nodeUserData, type NodeUserDataInput } from "../../lib/render";
import type { NutanixClusterSpec } from "../../lib/schema/cluster";
import type { KubeVipEndpointSpec } from "../../lib/schema/kube-vip";
import { BGP_ENDPOINT, CLUSTER, CP_POOL, DEFAULT_POOL, ENDPOINT, SECRETS } from "./fixtures";
import { ed25519KeyLine } from "../helpers/ssh-key";

interface WriteFile { path: string; permissions: string; content: string; append?: boolean }
interface CloudConfig { ssh_authorized_keys?: string[]; write_files: WriteFile[]; runcmd: string[] }

/** Parses as a YAML 1.1 reader (go-yaml v2, PyYAML) does. */
const parse11 = (text: string): unknown => parse(text, { version: "1.1" });

function userData(over: Partial<NodeUserDataInput> & Pick<NodeUserDataInput, "role" | "vmName">): { text: string; cc: CloudConfig } {
  const text = nodeUserData({ cluster: CLUSTER, endpoint: ENDPOINT, pool: CP_POOL, secrets: SECRETS, ...over });
  return { text, cc: parse11(text.slice("#cloud-config\n".length)) as CloudConfig };
}
const file = (cc: CloudConfig, path: string) => cc.write_files.find((f) => f.path === path);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const docs11 = (content: string) => parseAllDocuments(content, { version: "1.1" }).map((d) => d.toJS() as Record<string, any>);
const KUBEADM_INIT = "/run/kubeadm/kubeadm.yaml";
const KUBEADM_JOIN = "/run/kubeadm/kubeadm-join-config.yaml";
const KUBE_VIP = "/etc/kubernetes/manifests/kube-vip.yaml";

describe("YAML for YAML 1.1 readers", () => {
  it("keeps a cluster named 'on' and a taint value 'yes' strings under YAML 1.1", () => {
    const cluster: NutanixClusterSpec = { ...CLUSTER, name: "on" };
    const pool = { ...CP_POOL, clusterName: "on", taints: [{ key: "dedicated", value: "yes", effect: "NoSchedule" as const }], labels: { "example.com/flag": "no" } };
    const { text, cc } = userData({ cluster, pool, role: "init", vmName: "on-cp-0" });
    const [init, clusterCfg] = docs11(file(cc, KUBEADM_INIT)!.content);
    assert.equal(clusterCfg!.clusterName, "on");
    assert.equal(typeof clusterCfg!.clusterName, "string");
    assert.deepEqual(init!.nodeRegistration.taints[1], { key: "dedicated", value: "yes", effect: "NoSchedule" });
    assert.equal(init!.nodeRegistration.kubeletExtraArgs["node-labels"], "example.com/flag=no");
    assert.match(file(cc, KUBEADM_INIT)!.content, /clusterName: "on"/);
    assert.match(file(cc, KUBEADM_INIT)!.content, /value: "yes"/);
    for (const f of cc.write_files) assert.equal(typeof f.permissions, "string", `${f.path}: permissions stay a string, not an octal number`);
    assert.ok(text.includes('permissions: "0600"'));
  });
});

describe("kube-vip and the API server port", () => {
  it("sets no vip_interface unless the endpoint names an interface", () => {
    const { interface: _i, ...noInterface } = ENDPOINT;
    const { cc } = userData({ endpoint: noInterface, role: "init", vmName: "cp-0" });
    const pod = parse11(file(cc, KUBE_VIP)!.content) as { spec: { containers: { env: { name: string; value: string }[] }[] } };
    assert.ok(!pod.spec.containers[0]!.env.some((e) => e.name === "vip_interface"));
    const withIf = userData({ endpoint: { ...ENDPOINT, interface: "ens3" }, role: "init", vmName: "cp-0" });
    assert.match(file(withIf.cc, KUBE_VIP)!.content, /name: vip_interface\n\s+value: ens3/);
  });

  it("binds the API server to the endpoint port on init and control-plane joins, and kube-vip uses the same port", () => {
    const endpoint: KubeVipEndpointSpec = { ...ENDPOINT, port: 8443 };
    const init = userData({ endpoint, role: "init", vmName: "cp-0" });
    const [initCfg, clusterCfg] = docs11(file(init.cc, KUBEADM_INIT)!.content);
    assert.deepEqual(initCfg!.localAPIEndpoint, { bindPort: 8443 });
    assert.equal(clusterCfg!.controlPlaneEndpoint, "10.20.0.10:8443");
    assert.match(file(init.cc, KUBE_VIP)!.content, /name: port\n\s+value: "8443"/);
    const join = userData({ endpoint, role: "control-plane-join", vmName: "cp-1" });
    const [joinCfg] = docs11(file(join.cc, KUBEADM_JOIN)!.content);
    assert.deepEqual(joinCfg!.controlPlane.localAPIEndpoint, { bindPort: 8443 });
    const worker = userData({ endpoint, role: "worker-join", vmName: "w-0", pool: DEFAULT_POOL });
    const [workerCfg] = docs11(file(worker.cc, KUBEADM_JOIN)!.content);
    assert.equal(workerCfg!.controlPlane, undefined, "workers run no API server");
    assert.equal(workerCfg!.discovery.bootstrapToken.apiServerEndpoint, "10.20.0.10:8443");
  });
});

describe("BGP on every control-plane node", () => {
  const bgp = { ...BGP_ENDPOINT, bgp: { ...BGP_ENDPOINT.bgp!, routerId: undefined } };
  const base = { cluster: { ...CLUSTER, kubernetesVersion: "1.30.5" }, endpoint: bgp, secrets: { ...SECRETS, bgpPeerPasswords: ["peerpass1"] } };

  it("derives each node's router id at boot, before kubeadm, from its source address towards the first peer", () => {
    for (const [role, vmName] of [["init", "cp-0"], ["control-plane-join", "cp-1"]] as const) {
      const { cc } = userData({ ...base, role, vmName });
      assert.match(file(cc, KUBE_VIP)!.content, new RegExp(`name: bgp_routerid\\n\\s+value: ${BGP_ROUTER_ID_PLACEHOLDER}`));
      const i = cc.runcmd.findIndex((c) => c.includes("ip -4 -o route get 192.0.2.1"));
      const k = cc.runcmd.findIndex((c) => c.startsWith("kubeadm "));
      assert.ok(i >= 0 && i < k, `${role}: router id before kubeadm`);
      assert.match(cc.runcmd[i]!, new RegExp(`sed -i "s#${BGP_ROUTER_ID_PLACEHOLDER}#\\$KUBE_VIP_ROUTER_ID#" /etc/kubernetes/manifests/kube-vip.yaml`));
      assert.match(cc.runcmd[i]!, /exit 1/, "no address: the boot stops before kubeadm");
    }
  });

  it("keeps a fixed routerId when given, and writes a manifest holding a BGP password 0600", () => {
    const { cc } = userData({ ...base, endpoint: BGP_ENDPOINT, role: "init", vmName: "cp-0" });
    assert.match(file(cc, KUBE_VIP)!.content, /name: bgp_routerid\n\s+value: 192\.0\.2\.21/);
    assert.ok(!cc.runcmd.some((c) => c.includes("route get")));
    assert.equal(file(cc, KUBE_VIP)!.permissions, "0600");
    assert.equal(file(cc, KUBEADM_INIT)!.permissions, "0600");
    assert.equal(file(userData({ role: "init", vmName: "cp-0" }).cc, KUBE_VIP)!.permissions, "0644", "no secret, no need to hide it");
  });

  it("refuses a resolved password that bgp_peers cannot carry", () => {
    assert.throws(() => userData({ ...base, secrets: { ...SECRETS, bgpPeerPasswords: ["a,b"] }, role: "init", vmName: "cp-0" }), /without ':', ',' or whitespace/);
  });
});

describe("SSH keys and the CNI", () => {
  it("gives the default user the cluster's and the pool's keys, once each", () => {
    const [a, b] = [ed25519KeyLine(1), ed25519KeyLine(2, "pool")];
    const { cc } = userData({ cluster: { ...CLUSTER, sshAuthorizedKeys: [a] }, pool: { ...DEFAULT_POOL, sshAuthorizedKeys: [a, b] }, role: "worker-join", vmName: "w-0" });
    assert.deepEqual(cc.ssh_authorized_keys, [a, b]);
    assert.equal(userData({ role: "init", vmName: "cp-0" }).cc.ssh_authorized_keys, undefined);
  });

  it("applies the pinned CNI manifest on the init node only, after kubeadm init and the kube-vip switch back", () => {
    const cluster: NutanixClusterSpec = { ...CLUSTER, cni: { plugin: "calico", version: "3.30.0" } };
    const { cc } = userData({ cluster, role: "init", vmName: "cp-0" });
    const url = "https://raw.githubusercontent.com/projectcalico/calico/v3.30.0/manifests/calico.yaml";
    const i = cc.runcmd.findIndex((c) => c.includes(`kubectl --kubeconfig /etc/kubernetes/admin.conf apply -f ${url}`));
    const init = cc.runcmd.findIndex((c) => c.startsWith("kubeadm init"));
    const back = cc.runcmd.findIndex((c) => c.includes("#path: /etc/kubernetes/admin.conf#"));
    assert.ok(i > init && i > back, "after init and after kube-vip's switch back to admin.conf");
    assert.match(cc.runcmd[i]!, /if \[ -f \/run\/cluster-api\/bootstrap-success\.complete \]/);
    for (const [role, vmName, pool] of [["control-plane-join", "cp-1", CP_POOL], ["worker-join", "w-0", DEFAULT_POOL]] as const) {
      assert.ok(!userData({ cluster, role, vmName, pool }).text.includes("kubectl"), `${role} applies nothing`);
    }
    const cilium = userData({ cluster: { ...CLUSTER, cni: { plugin: "cilium", version: "1.17.0" } }, role: "init", vmName: "cp-0" });
    assert.ok(cilium.text.includes("https://raw.githubusercontent.com/cilium/cilium/v1.17.0/install/kubernetes/quick-install.yaml"));
    assert.ok(!userData({ cluster: { ...CLUSTER, cni: { plugin: "none" } }, role: "init", vmName: "cp-0" }).text.includes("kubectl"));
  });
});
